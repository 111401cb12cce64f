"""The selection kernels on torch tensors, through the array API namespace.

NumPy input runs the NumPy kernels; a tensor runs the generic code in the
tensor's namespace and on its device. Here the tensors are on the CPU (the
same checks on ``cuda`` are in tests/test_cuda.py). The picks must equal
the NumPy kernels' on the same values: exactly where the arithmetic is exact
(integer-valued data, where distance ties are exact ties too), and on float
data where no two candidates are within rounding of each other.
"""

import inspect

import numpy as np
import pytest
import torch

from skactive import ActiveLearner, kernels, probes
from skactive.kernels import (
    factored_sq_distances,
    k_center_greedy,
    kmeans_pp_factored,
    sample_by_squared_distance,
    top_k,
)
from skactive.strategies import BADGE, DAMI, CoreSet, _badge, _kcenter

from .conftest import make_classifier_net, make_three_classes


def _t(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def _integer_rows(n, d, seed, dtype=np.float32):
    """Small integers, many exact duplicates: every distance exact, many ties."""
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 4, size=(n, d)).astype(dtype)
    X[rng.randint(n, size=n // 4)] = X[rng.randint(n, size=n // 4)]
    return X


def test_kernels_do_not_import_torch():
    import pkgutil

    names = [m.name for m in pkgutil.iter_modules(kernels.__path__)]
    assert "_kcenter" in names and "_kmeans_seeding" in names and "_topk" in names
    for name in ["__init__", *names]:
        module = kernels if name == "__init__" else getattr(kernels, name)
        source = inspect.getsource(module)
        assert "import torch" not in source and "torch." not in source, name


@pytest.mark.parametrize("k", [1, 7, 300, 499, 500])
def test_top_k_on_tensors_equals_numpy_with_ties(k):
    utility = np.random.RandomState(0).randint(0, 6, size=500).astype(np.float64)
    for seed in range(5):
        expected = top_k(utility, k, np.random.RandomState(seed))
        got = top_k(_t(utility), k, np.random.RandomState(seed))
        assert isinstance(got, np.ndarray) and got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)
    # Float utilities, float32 as a probe gives them.
    utility = np.random.RandomState(1).normal(size=500).astype(np.float32)
    got = top_k(_t(utility), k, np.random.RandomState(2))
    np.testing.assert_array_equal(got, top_k(utility, k, np.random.RandomState(2)))


def test_sampling_step_on_tensors_draws_the_same_rows():
    sq_dist = np.random.RandomState(0).exponential(size=1000)
    sq_dist[::7] = 0.0
    for seed in range(20):
        expected = sample_by_squared_distance(sq_dist, np.random.RandomState(seed))
        got = sample_by_squared_distance(_t(sq_dist), np.random.RandomState(seed))
        assert got == expected and sq_dist[got] > 0
    assert sample_by_squared_distance(torch.zeros(5, dtype=torch.float64), None) == -1


def test_factored_distances_on_tensors_stay_tensors():
    rng = np.random.RandomState(0)
    q, h = rng.normal(size=(50, 3)), rng.normal(size=(50, 6))
    sq_norms = (q**2).sum(1) * (h**2).sum(1)
    got = factored_sq_distances(_t(q), _t(h), _t(sq_norms), 11)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), factored_sq_distances(q, h, sq_norms, 11), atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_centres", [0, 1, 30])
def test_k_center_on_tensors_equals_numpy_on_exact_data(dtype, n_centres):
    X = _integer_rows(2000, 6, 0, dtype)
    centres = _integer_rows(n_centres, 6, 1, dtype)
    for seed in range(2):
        expected = k_center_greedy(X, 250, centres, np.random.RandomState(seed))
        got = k_center_greedy(_t(X), 250, _t(centres), np.random.RandomState(seed))
        assert isinstance(got, np.ndarray) and got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)


def test_k_center_on_tensors_equals_numpy_on_real_data(monkeypatch):
    # The digits: integer pixels, many exact ties; and a ReLU embedding of
    # them (floats). The initial distances come in several blocks.
    from sklearn.datasets import load_digits

    X = load_digits().data.astype(np.float32)
    W = np.random.RandomState(0).normal(size=(64, 48)).astype(np.float32) / 8
    h = np.maximum(X @ W, 0.0)
    monkeypatch.setattr(kernels._kcenter, "_MAX_BLOCK_ENTRIES", 50_000)
    for pool, centres in [(X[200:], X[:200]), (h[100:], h[:100])]:
        expected = k_center_greedy(pool, 300, centres, None)
        np.testing.assert_array_equal(k_center_greedy(_t(pool), 300, _t(centres), None), expected)


def test_kmeans_pp_on_tensors_equals_numpy():
    rng = np.random.RandomState(0)
    h = rng.normal(size=(3000, 16)).astype(np.float32)
    q = rng.normal(size=(3000, 4)).astype(np.float32)
    q[:1000] *= 1e-3  # confident rows
    for seed in range(3):
        expected = kmeans_pp_factored(q, h, 300, np.random.RandomState(seed))
        got = kmeans_pp_factored(_t(q), _t(h), 300, np.random.RandomState(seed))
        assert isinstance(got, np.ndarray) and got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)
    # Integer factors: exact distances and exact ties.
    q, h = _integer_rows(1500, 3, 2), _integer_rows(1500, 5, 3)
    for seed in range(3):
        expected = kmeans_pp_factored(q, h, 200, np.random.RandomState(seed))
        got = kmeans_pp_factored(_t(q), _t(h), 200, np.random.RandomState(seed))
        np.testing.assert_array_equal(got, expected)


def test_kmeans_pp_on_identical_tensor_rows_still_returns_distinct_rows():
    q, h = torch.ones((20, 3)), torch.ones((20, 4))
    idx = kmeans_pp_factored(q, h, 20, np.random.RandomState(0))
    np.testing.assert_array_equal(
        idx, kmeans_pp_factored(q.numpy(), h.numpy(), 20, np.random.RandomState(0))
    )
    assert np.unique(idx).shape == (20,)


def test_mixed_namespaces_are_refused():
    X = np.zeros((10, 2), dtype=np.float32)
    with pytest.raises(TypeError, match="namespace"):
        k_center_greedy(_t(X), 2, X[:1], None)


# ------------------------------------------------ strategies route the arrays


@pytest.fixture(scope="module")
def fitted():
    X, y, pool = make_three_classes(20, 300)
    return ActiveLearner(make_classifier_net(), random_state=0).fit(X, y), pool


def _record_kernel(monkeypatch, module, name):
    seen = []
    kernel = getattr(module, name)

    def recording(*args):
        seen.append(args[0])
        return kernel(*args)

    monkeypatch.setattr(module, name, recording)
    return seen


@pytest.mark.parametrize(
    "strategy, module, kernel",
    [
        (CoreSet(), _kcenter, "k_center_greedy"),
        (DAMI(), _kcenter, "k_center_greedy"),
        (BADGE(), _badge, "kmeans_pp_factored"),
    ],
)
def test_strategies_on_the_cpu_give_the_kernels_numpy(
    fitted, monkeypatch, strategy, module, kernel
):
    learner, pool = fitted
    seen = _record_kernel(monkeypatch, module, kernel)
    strategy.query(learner, pool, 10, random_state=0)
    assert not probes.uses_accelerator(learner.network_)
    assert len(seen) == 1 and isinstance(seen[0], np.ndarray)


@pytest.mark.parametrize(
    "strategy, module, kernel",
    [
        (CoreSet(), _kcenter, "k_center_greedy"),
        (DAMI(), _kcenter, "k_center_greedy"),
        (BADGE(), _badge, "kmeans_pp_factored"),
    ],
)
def test_strategies_keep_the_embeddings_on_an_accelerator(
    fitted, monkeypatch, strategy, module, kernel
):
    # As on a GPU, simulated on the CPU: the probes return tensors on the
    # net's device, the kernels run on them, the picks are the NumPy ones.
    learner, pool = fitted
    expected = strategy.query(learner, pool, 10, random_state=0)
    seen = _record_kernel(monkeypatch, module, kernel)
    monkeypatch.setattr(probes, "uses_accelerator", lambda net: True)
    got = strategy.query(learner, pool, 10, random_state=0)
    assert len(seen) == 1 and isinstance(seen[0], torch.Tensor)
    assert seen[0].device == torch.device("cpu") and seen[0].dtype == torch.float32
    np.testing.assert_array_equal(got, expected)
