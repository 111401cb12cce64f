"""A memory-mapped pool is read in chunks, never copied whole.

NumPy reports its buffers to ``tracemalloc``, so the peak traced allocation
during a query bounds what NumPy allocated for it; a copy of the pool (by
validation, a dtype conversion or the finiteness check) would show up as at
least the pool's size. ``benchmarks/bench_large_pool.py`` measures the
same at a million rows.
"""

import tracemalloc

import numpy as np
import pytest

from skactive import ActiveLearner

from .conftest import make_classifier_net

N_ROWS, N_FEATURES = 200_000, 50


@pytest.fixture(scope="module")
def memmap_pool(tmp_path_factory):
    path = tmp_path_factory.mktemp("pool") / "pool.f32"
    pool = np.memmap(path, dtype=np.float32, mode="w+", shape=(N_ROWS, N_FEATURES))
    rng = np.random.RandomState(0)
    for start in range(0, N_ROWS, 50_000):
        pool[start : start + 50_000] = rng.normal(size=(50_000, N_FEATURES))
    pool.flush()
    del pool
    return np.memmap(path, dtype=np.float32, mode="r", shape=(N_ROWS, N_FEATURES))


@pytest.fixture(scope="module")
def learner(memmap_pool):
    X = np.array(memmap_pool[:150])
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    return ActiveLearner(make_classifier_net(max_epochs=5), "entropy", random_state=0).fit(X, y)


def test_query_on_a_memmap_pool_does_not_copy_it(learner, memmap_pool):
    tracemalloc.start()
    try:
        idx = learner.query(memmap_pool, 100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Entropy needs a few float64 vectors of N_ROWS (8 bytes each, 1/25 of
    # the pool apiece); a copy of the pool would be all of it.
    assert peak < memmap_pool.nbytes / 4, (peak, memmap_pool.nbytes)
    assert np.unique(idx).shape == (100,)
    # Reading the pool through the map changes nothing in the answer.
    np.testing.assert_array_equal(idx, learner.query(np.array(memmap_pool), 100))
