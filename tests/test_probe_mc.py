"""MC dropout in the probe: shared masks, chunking, seeding, untouched network."""

import numpy as np
import pytest
import torch
from torch import nn

from skactive import ActiveLearner, probes

from .conftest import make_classifier_net, make_regressor_net


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    y = np.repeat(np.arange(3), 30)
    X = (centres[y] + rng.normal(scale=0.8, size=(90, 2))).astype(np.float32)
    return X, y


@pytest.fixture(scope="module")
def classifier(data):
    X, y = data
    net = make_classifier_net(module__batch_norm=True, module__dropout=0.3, max_epochs=10)
    return ActiveLearner(net, random_state=0).fit(X, y).network_


@pytest.fixture(scope="module")
def regressor(data):
    X, y = data
    net = make_regressor_net(module__batch_norm=True, module__dropout=0.3, max_epochs=10)
    return ActiveLearner(net, query_strategy="random", random_state=0).fit(X, X[:, 0] - y).network_


def _mc(net, X, batch_size=1000, n=8, seed=0):
    return probes.mc_dropout_output(
        net, X, n_mc_samples=n, batch_size=batch_size, random_state=seed
    )


@pytest.mark.parametrize("net_name", ["classifier", "regressor"])
@pytest.mark.parametrize("batch_size", [1, 7, 32])
def test_output_does_not_depend_on_the_chunk_size(request, data, net_name, batch_size):
    net = request.getfixturevalue(net_name)
    X, _ = data
    whole = _mc(net, X, batch_size=len(X))
    chunked = _mc(net, X, batch_size=batch_size)
    assert whole.shape == (8, 90, 3 if net_name == "classifier" else 1)
    assert whole.dtype == np.float32
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-6)


def test_equal_rows_get_equal_samples_in_every_pass(classifier, data):
    X, _ = data
    # Row 0 repeated inside one chunk and across chunks (batch size 16).
    pool = np.concatenate([X[:1], X[5:20], X[:1], X[20:40], X[:1]])
    out = _mc(classifier, pool, batch_size=16, n=12)
    np.testing.assert_allclose(out[:, 16], out[:, 0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out[:, -1], out[:, 0], rtol=1e-6, atol=1e-7)
    # ...while the passes themselves differ: dropout is really on.
    assert np.ptp(out[:, 0], axis=0).max() > 1e-3


def test_rows_are_not_given_independent_masks(regressor, data):
    # Two nearby rows in one chunk: with one mask per pass shared by all
    # rows their samples move together (with a mask per row they would be
    # nearly uncorrelated).
    X, _ = data
    out = _mc(regressor, np.stack([X[0], X[0] + 0.05]), n=200)[:, :, 0]
    assert np.corrcoef(out[:, 0], out[:, 1])[0, 1] > 0.9


def test_classifier_gives_probabilities_and_regressor_raw_outputs(classifier, regressor, data):
    X, _ = data
    proba = _mc(classifier, X)
    np.testing.assert_allclose(proba.sum(axis=2), 1.0, rtol=1e-5)
    assert proba.min() >= 0
    raw = _mc(regressor, X)
    assert raw.min() < 0 or raw.max() > 1  # not squashed into probabilities


def test_mean_of_many_passes_is_the_deterministic_output(regressor, data):
    # MLP: dropout right before the output Linear, inverted (scaled by
    # 1 / (1 - p)), so the average over masks is the eval-mode output.
    X, _ = data
    out = _mc(regressor, X[:10], n=4000)
    eval_output = probes.network_output(regressor, X[:10], batch_size=100)
    spread = out.std(axis=0) / np.sqrt(4000)
    assert np.all(np.abs(out.mean(axis=0) - eval_output) < 5 * spread + 1e-6)


def test_reproducible_for_a_seed_and_varies_with_it(classifier, data):
    X, _ = data
    np.testing.assert_array_equal(_mc(classifier, X, seed=3), _mc(classifier, X, seed=3))
    assert not np.allclose(_mc(classifier, X, seed=3), _mc(classifier, X, seed=4))


def test_network_is_left_untouched(data):
    X, y = data
    net = make_classifier_net(module__batch_norm=True, max_epochs=3)
    net = ActiveLearner(net, random_state=0).fit(X, y).network_
    module = net.module_
    before = {k: v.clone() for k, v in module.state_dict().items()}
    module.train()
    module.hidden[0].eval()
    flags = [m.training for m in module.modules()]
    _mc(net, X, batch_size=7)
    assert [m.training for m in module.modules()] == flags
    assert torch.is_grad_enabled()
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(not m._forward_hooks for m in module.modules())
    # And on error: wrong input width raises inside the forward pass.
    with pytest.raises(RuntimeError):
        _mc(net, np.zeros((5, 7), dtype=np.float32))
    assert [m.training for m in module.modules()] == flags
    assert torch.is_grad_enabled()
    assert all(not m._forward_hooks for m in module.modules())


def test_batchnorm_stays_in_eval_mode(data):
    # In train mode BatchNorm would normalise each chunk by its own
    # statistics, and one row alone would give zeros; in eval mode a row's
    # samples do not depend on the other rows of its chunk.
    X, y = data
    net = make_regressor_net(module__batch_norm=True, max_epochs=3)
    net = ActiveLearner(net, query_strategy="random", random_state=0).fit(X, y * 1.0).network_
    alone = _mc(net, X[:1], n=5)
    together = _mc(net, X[:30], n=5)[:, :1]
    np.testing.assert_allclose(alone, together, rtol=1e-5, atol=1e-6)


def test_a_network_without_dropout_is_refused(data):
    X, y = data
    net = make_classifier_net(module__dropout=0.0, max_epochs=2)
    net = ActiveLearner(net, random_state=0).fit(X, y).network_
    with pytest.raises(ValueError, match="need a network with a dropout layer"):
        _mc(net, X)


def test_alpha_dropout_is_refused():
    module = nn.Sequential(nn.Linear(2, 4), nn.AlphaDropout(0.2), nn.Linear(4, 1))
    with pytest.raises(ValueError, match="does not support AlphaDropout"):
        probes.dropout_layers(module)


class _Channels(nn.Module):
    """(N, 3) -> (N, 3, 4) copies -> Dropout1d -> sum over the copies."""

    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout1d(0.5)

    def forward(self, X):
        copies = X[:, :, None].expand(-1, -1, 4)
        return self.drop(copies)


def test_channelwise_dropout_drops_whole_channels():
    layer = _Channels()
    seeds = np.arange(6).reshape(6, 1)
    x = torch.ones(5, 3)
    with probes.evaluating(layer), probes._mc._SharedMasks([layer.drop], seeds, "cpu") as masks:
        for j in range(6):
            masks.pass_ = j
            out = layer(x)
            # Each channel is kept (scaled by 2) or dropped as a whole, the
            # same way for every row.
            assert torch.all((out == 0) | (out == 2))
            assert torch.all(out == out[:1, :, :1])
