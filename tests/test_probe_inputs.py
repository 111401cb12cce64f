"""Every probe on every kind of input: image arrays, Datasets, dicts, memmaps.

The same images reach the network as an array, as a torch ``Dataset``
(through a batched ``DataLoader``), as a lazily loading Dataset, as a
read-only memory map and as the dict ``{"X": images}`` (passed to
``CNN.forward`` by keyword): every probe must give the same arrays for all
of them, and for every chunk size.
"""

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from skactive import ActiveLearner, probes
from skactive.nets import make_cnn_net

rng = np.random.RandomState(0)
IMAGES = rng.uniform(size=(90, 1, 8, 8)).astype(np.float32)
LABELS = (IMAGES[:, 0, :4].mean(axis=(1, 2)) > IMAGES[:, 0, 4:].mean(axis=(1, 2))).astype(int)
LABELS[::7] = 2  # three classes


class Lazy(Dataset):
    """Builds each item on access, as a Dataset reading files would."""

    def __init__(self, images):
        self.images = images

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return torch.from_numpy(self.images[i].copy()), 0


@pytest.fixture(scope="module")
def net():
    cnn = make_cnn_net(channels=(4,), hidden_size=16, max_epochs=5, module__batch_norm=True)
    learner = ActiveLearner(cnn, random_state=0).fit(IMAGES[:60], LABELS[:60])
    return learner.network_


@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    path = tmp_path_factory.mktemp("pool") / "images.npy"
    memmap = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=IMAGES.shape)
    memmap[:] = IMAGES
    memmap.flush()
    return {
        "array": IMAGES,
        "memmap": np.load(path, mmap_mode="r"),
        "dataset": TensorDataset(torch.from_numpy(IMAGES), torch.zeros(len(IMAGES))),
        "lazy dataset": Lazy(IMAGES),
        "dict": {"X": IMAGES},
    }


PROBES = {
    "network_output": lambda net, X, b: probes.network_output(net, X, batch_size=b),
    "penultimate_embedding": lambda net, X, b: probes.penultimate_embedding(net, X, batch_size=b),
    "gradient_embedding": lambda net, X, b: np.hstack(
        probes.gradient_embedding(net, X, batch_size=b)
    ),
    "input_gradients": lambda net, X, b: probes.input_gradients(net, X, batch_size=b),
    "loss_gradient_norms": lambda net, X, b: probes.loss_gradient_norms(net, X, batch_size=b),
    "mc_dropout_output": lambda net, X, b: probes.mc_dropout_output(
        net, X, n_mc_samples=4, batch_size=b, random_state=0
    ),
    "shap_explanations": lambda net, X, b: probes.shap_explanations(
        net, probes.take_rows(X, np.arange(5)), probes.take_rows(X, np.arange(60, 70)), batch_size=b
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
@pytest.mark.parametrize("kind", ["memmap", "dataset", "lazy dataset", "dict"])
def test_every_probe_gives_the_same_arrays_for_every_kind_and_chunk_size(net, kinds, name, kind):
    probe = PROBES[name]
    reference = probe(net, kinds["array"], 1024)
    for batch_size in (7, 1024):
        got = probe(net, kinds[kind], batch_size)
        np.testing.assert_allclose(got, reference, rtol=1e-5, atol=1e-6, err_msg=name)
    assert reference.shape[0] == (5 if name == "shap_explanations" else 90) or (
        name == "mc_dropout_output" and reference.shape[:2] == (4, 90)
    )


def test_input_gradients_and_explanations_are_flattened_images(net):
    assert probes.input_gradients(net, IMAGES, batch_size=32).shape == (90, 64)
    phi = probes.shap_explanations(net, IMAGES[:3], IMAGES[60:70])
    assert phi.shape == (3, 64)


def test_a_dataset_is_read_in_batches_not_row_by_row(net, kinds, monkeypatch):
    calls = []
    original = probes._chunks._Collate.__call__

    def counting(self, items):
        calls.append(len(items))
        return original(self, items)

    monkeypatch.setattr(probes._chunks._Collate, "__call__", counting)
    probes.network_output(net, kinds["dataset"], batch_size=32)
    assert calls == [32, 32, 26]


def test_memmap_chunks_are_slices_of_the_pool(net, kinds, monkeypatch):
    seen = []
    original = probes._chunks._array_chunk

    def recording(values, floating_only):
        seen.append(values.shape[0])
        return original(values, floating_only)

    monkeypatch.setattr(probes._chunks, "_array_chunk", recording)
    probes.network_output(net, kinds["memmap"], batch_size=40)
    assert seen == [40, 40, 10]


def test_reading_a_dataset_leaves_torchs_global_generator_alone(net, kinds):
    state = torch.get_rng_state()
    probes.network_output(net, kinds["lazy dataset"], batch_size=16)
    assert torch.equal(state, torch.get_rng_state())


# ------------------------------------------------- MC dropout on convolutions


class ChannelDropoutCNN(nn.Module):
    """Conv -> BatchNorm -> ReLU -> Dropout2d -> Linear: channel-wise MC dropout."""

    def __init__(self, n_outputs=3):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1)
        self.norm = nn.BatchNorm2d(6)
        self.drop = nn.Dropout2d(0.5)
        self.output = nn.Linear(6 * 8 * 8, n_outputs)

    def forward(self, X):
        return self.output(self.drop(torch.relu(self.norm(self.conv(X)))).flatten(1))


@pytest.fixture(scope="module")
def channel_net():
    from skorch import NeuralNetClassifier

    net = NeuralNetClassifier(
        ChannelDropoutCNN, criterion=nn.CrossEntropyLoss, max_epochs=3, train_split=None, verbose=0
    )
    return ActiveLearner(net, random_state=0).fit(IMAGES[:60], LABELS[:60]).network_


def test_dropout2d_masks_are_shared_across_rows_and_batch_norm_is_frozen(channel_net):
    twins = np.concatenate([IMAGES[:1], IMAGES[:1], IMAGES[1:20]])
    buffers = {k: v.clone() for k, v in channel_net.module_.state_dict().items()}
    samples = probes.mc_dropout_output(
        channel_net, twins, n_mc_samples=6, batch_size=1, random_state=0
    )
    # The same mask for every row: two copies of a row agree in every pass
    # (even in different chunks), and the passes differ from each other.
    np.testing.assert_array_equal(samples[:, 0], samples[:, 1])
    assert np.ptp(samples[:, 0], axis=0).max() > 1e-3
    for key, value in channel_net.module_.state_dict().items():
        assert torch.equal(value, buffers[key]), key  # running statistics untouched


def test_dropout2d_drops_whole_channels(channel_net):
    module = channel_net.module_
    seen = []
    handle = module.output.register_forward_pre_hook(lambda m, args: seen.append(args[0].clone()))
    try:
        probes.mc_dropout_output(
            channel_net, IMAGES[:5], n_mc_samples=4, batch_size=5, random_state=0
        )
    finally:
        handle.remove()
    with probes.evaluating(module):
        h = torch.relu(module.norm(module.conv(torch.from_numpy(IMAGES[:5]))))
    for dropped in seen:
        ratio = dropped.reshape(h.shape) / torch.where(h > 0, h, torch.ones_like(h))
        per_channel = ratio.masked_select(h > 0).reshape(-1)
        assert set(np.round(per_channel.numpy(), 4)) <= {0.0, 2.0}  # kept x 1/(1-p), or dropped
        for c in range(6):  # one factor per channel, the same for every row and pixel
            values = ratio[:, c][h[:, c] > 0]
            assert values.numel() == 0 or torch.allclose(values, values[0].expand_as(values))


@pytest.mark.parametrize("kind", ["array", "memmap", "dict"])
def test_array_pools_are_sliced_not_collated(net, kinds, kind, monkeypatch):
    # An array pool goes to the network in slices of batch_size rows: no
    # DataLoader is built and the module runs once per chunk (the speed of
    # this path is measured in benchmarks/bench_probes.py, not here).
    from skactive.probes import _chunks

    def no_loader(*args, **kwargs):
        raise AssertionError("an array pool was read through a DataLoader")

    monkeypatch.setattr(_chunks, "_loader", no_loader)
    calls = []
    handle = net.module_.register_forward_pre_hook(
        lambda m, args, kw: calls.append(1), with_kwargs=True
    )
    try:
        out = probes.network_output(net, kinds[kind], batch_size=32)
    finally:
        handle.remove()
    assert out.shape[0] == len(IMAGES)
    assert len(calls) == int(np.ceil(len(IMAGES) / 32))
