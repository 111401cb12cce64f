"""The probe layer: chunked inference that leaves the network untouched."""

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes

from .conftest import make_classifier_net


@pytest.fixture
def learner(blobs):
    X, y = blobs
    net = make_classifier_net(module__batch_norm=True)
    return ActiveLearner(net, random_state=0).fit(X, y)


@pytest.mark.parametrize("batch_size", [1, 7, 64, 1000])
def test_chunked_equals_unchunked(learner, blobs, batch_size):
    X, _ = blobs
    whole = probes.network_output(learner.network_, X, batch_size=len(X))
    chunked = probes.network_output(learner.network_, X, batch_size=batch_size)
    np.testing.assert_allclose(chunked, whole, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(whole.sum(axis=1), 1.0, rtol=1e-5)


def test_memmap_pool_is_read_chunk_by_chunk(learner, blobs, tmp_path):
    X, _ = blobs
    path = tmp_path / "pool.dat"
    memmap = np.memmap(path, dtype=np.float32, mode="w+", shape=X.shape)
    memmap[:] = X
    memmap.flush()
    readonly = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    np.testing.assert_array_equal(
        probes.network_output(learner.network_, readonly, batch_size=16),
        probes.network_output(learner.network_, X, batch_size=16),
    )


def test_evaluating_restores_modes_even_on_error(learner):
    module = learner.network_.module_
    module.train()
    module.hidden[0].eval()
    flags = [m.training for m in module.modules()]
    with pytest.raises(RuntimeError, match="boom"):
        with probes.evaluating(module):
            assert not any(m.training for m in module.modules())
            assert not torch.is_grad_enabled()
            raise RuntimeError("boom")
    assert [m.training for m in module.modules()] == flags
    assert torch.is_grad_enabled()


def test_seeded_torch_is_reproducible_and_restores_the_global_stream():
    torch.manual_seed(0)
    expected_next = torch.rand(3)
    torch.manual_seed(0)
    with probes.seeded_torch(42):
        a = torch.rand(2)
    with probes.seeded_torch(42):
        b = torch.rand(2)
    assert torch.equal(a, b)
    assert torch.equal(torch.rand(3), expected_next)
