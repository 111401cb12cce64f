"""Every strategy with the network on a GPU (``device="cuda"``).

Runs only where torch sees a CUDA device; elsewhere the tests are skipped
and say so. The probes put each chunk of the pool on ``net.device`` and
hand NumPy arrays back on the CPU, so a query on a GPU must return ``n``
distinct indices, leave the network (on the GPU) exactly as it was, and
pick what the same network picks on the CPU, up to floating-point ties.

The selection kernels also run on ``cuda`` tensors (through the array API
namespace): on exact data they pick what the NumPy kernels pick, and
Core-Set, DAMI and BADGE on a GPU net hand their kernel tensors on the GPU.
"""

import copy

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, probes
from skactive.datasets import load_digits
from skactive.kernels import k_center_greedy, kmeans_pp_factored, top_k
from skactive.nets import make_cnn_net
from skactive.strategies import BADGE, DAMI, CoreSet, _badge, _kcenter

from .conftest import small_strategies

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device: the GPU path was not exercised here"
)

STRATEGIES = small_strategies(fast=True)

#: Where the tensors of the kernel tests below go.
DEVICE = "cuda"


@pytest.fixture(scope="module")
def images():
    X, y = load_digits(return_X_y=True, as_images=True)
    return X[:100], y[:100], X[100:400]


@pytest.mark.parametrize("alias", sorted(STRATEGIES))
def test_strategy_on_cuda(alias, images):
    X, y, pool = images
    net = make_cnn_net(channels=(4,), hidden_size=16, max_epochs=4, device="cuda")
    learner = ActiveLearner(net, query_strategy=STRATEGIES[alias], random_state=0).fit(X, y)
    module = learner.network_.module_
    assert next(module.parameters()).is_cuda
    before = {k: v.clone() for k, v in module.state_dict().items()}
    idx = learner.query(pool, 10)
    assert idx.shape == (10,) and np.unique(idx).shape == (10,) and idx.max() < len(pool)
    np.testing.assert_array_equal(learner.query(pool, 10), idx)
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key]), key
    # The same weights on the CPU: mostly the same picks.
    cpu = copy.deepcopy(learner)
    cpu.network_.device = "cpu"
    cpu.network_.module_.to("cpu")
    overlap = np.intersect1d(cpu.query(pool, 10), idx).shape[0]
    assert overlap >= 7, overlap


# ------------------------------------------------- the kernels on GPU tensors


def _on_device(array):
    return torch.from_numpy(np.ascontiguousarray(array)).to(DEVICE)


def _integer_rows(n, d, seed):
    """Small integers with duplicates: exact distances, exact ties."""
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 4, size=(n, d)).astype(np.float32)
    X[rng.randint(n, size=n // 4)] = X[rng.randint(n, size=n // 4)]
    return X


def test_kernels_on_gpu_tensors_pick_what_the_numpy_kernels_pick():
    utility = np.random.RandomState(0).randint(0, 6, size=2000).astype(np.float32)
    for k in (1, 50, 2000):
        expected = top_k(utility, k, np.random.RandomState(k))
        np.testing.assert_array_equal(
            top_k(_on_device(utility), k, np.random.RandomState(k)), expected
        )
    X = _integer_rows(5000, 8, 1)
    for centres in (X[:0], X[:40]):
        expected = k_center_greedy(X, 300, centres, np.random.RandomState(0))
        got = k_center_greedy(_on_device(X), 300, _on_device(centres), np.random.RandomState(0))
        np.testing.assert_array_equal(got, expected)
    q, h = _integer_rows(3000, 3, 2), _integer_rows(3000, 6, 3)
    expected = kmeans_pp_factored(q, h, 200, np.random.RandomState(0))
    got = kmeans_pp_factored(_on_device(q), _on_device(h), 200, np.random.RandomState(0))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "strategy, module, kernel",
    [
        (CoreSet(), _kcenter, "k_center_greedy"),
        (DAMI(), _kcenter, "k_center_greedy"),
        (BADGE(), _badge, "kmeans_pp_factored"),
    ],
)
def test_greedy_strategies_select_on_the_gpu(images, monkeypatch, strategy, module, kernel):
    X, y, pool = images
    net = make_cnn_net(channels=(4,), hidden_size=16, max_epochs=4, device=DEVICE)
    learner = ActiveLearner(net, query_strategy=strategy, random_state=0).fit(X, y)
    assert probes.uses_accelerator(learner.network_)
    seen = []
    original = getattr(module, kernel)

    def recording(*args):
        seen.append(args[0])
        return original(*args)

    monkeypatch.setattr(module, kernel, recording)
    idx = learner.query(pool, 10)
    assert len(seen) == 1 and isinstance(seen[0], torch.Tensor)
    assert seen[0].device.type == torch.device(DEVICE).type
    assert idx.shape == (10,) and np.unique(idx).shape == (10,)
    # The same net, its embeddings copied to the host: the NumPy kernels
    # pick the same rows up to floating-point rounding.
    monkeypatch.setattr(probes, "uses_accelerator", lambda net: False)
    on_host = learner.query(pool, 10)
    assert isinstance(seen[-1], np.ndarray)
    assert np.intersect1d(on_host, idx).shape[0] >= 8, (on_host, idx)
