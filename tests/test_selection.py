"""The NumPy selection kernels."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from skactive import _selection
from skactive._selection import (
    factored_sq_distances,
    k_center_greedy,
    kmeans_pp_factored,
    sample_by_squared_distance,
    top_k,
)


@pytest.mark.parametrize("k", [1, 5, 99, 100])
def test_top_k_matches_a_full_sort(k):
    utility = np.random.RandomState(0).normal(size=100)
    expected = np.argsort(-utility)[:k]
    np.testing.assert_array_equal(top_k(utility, k, np.random.RandomState(1)), expected)


def test_top_k_breaks_ties_at_random_but_reproducibly():
    utility = np.zeros(1000)
    utility[[3, 500]] = 1.0
    picks = [top_k(utility, 5, np.random.RandomState(seed)) for seed in range(20)]
    for pick in picks:
        assert set(pick[:2]) == {3, 500}  # strict winners first
        assert np.unique(pick).shape == (5,)
    tied_parts = {tuple(pick[2:]) for pick in picks}
    assert len(tied_parts) > 15  # ties are not always settled the same way
    assert not any(set(p) == {0, 1, 2} for p in tied_parts)  # nor by position
    np.testing.assert_array_equal(top_k(utility, 5, np.random.RandomState(7)), picks[7])


def test_top_k_includes_all_rows_strictly_above_the_threshold():
    utility = np.array([0.1, 0.9, 0.5, 0.5, 0.5, 0.2])
    for seed in range(10):
        pick = top_k(utility, 3, np.random.RandomState(seed))
        assert pick[0] == 1
        assert set(pick[1:]) <= {2, 3, 4}


# ------------------------------------------------------------------ k-means++


def _factors(n=60, n_q=4, n_h=7, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, n_q)), rng.normal(size=(n, n_h))


def _materialise(q, h):
    return (q[:, :, None] * h[:, None, :]).reshape(q.shape[0], -1)


def test_factored_distances_equal_materialised_ones():
    q, h = _factors()
    G = _materialise(q, h)
    sq_norms = (q**2).sum(1) * (h**2).sum(1)
    for c in [0, 17, 59]:
        expected = ((G - G[c]) ** 2).sum(axis=1)
        got = factored_sq_distances(q, h, sq_norms, c)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        assert abs(got[c]) < 1e-9 and np.all(got >= 0)


def _textbook_kmeans_pp(G, k, random_state):
    """k-means++ on materialised embeddings, the same sampling rule."""
    indices = [int(np.argmax((G**2).sum(axis=1)))]
    sq_dist = ((G - G[indices[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        index = sample_by_squared_distance(sq_dist, random_state)
        indices.append(index)
        np.minimum(sq_dist, ((G - G[index]) ** 2).sum(axis=1), out=sq_dist)
        sq_dist[indices] = 0.0
    return np.array(indices)


@pytest.mark.parametrize("k", [1, 2, 10, 60])
def test_kmeans_pp_returns_distinct_rows_starting_at_the_largest_norm(k):
    q, h = _factors()
    idx = kmeans_pp_factored(q, h, k, np.random.RandomState(0))
    assert idx.shape == (k,) and idx.dtype == np.int64
    assert np.unique(idx).shape == (k,)
    assert idx[0] == np.argmax(np.linalg.norm(_materialise(q, h), axis=1))


def test_kmeans_pp_is_reproducible_per_seed_and_varies_with_it():
    q, h = _factors(n=200)
    a = kmeans_pp_factored(q, h, 20, np.random.RandomState(3))
    b = kmeans_pp_factored(q, h, 20, np.random.RandomState(3))
    c = kmeans_pp_factored(q, h, 20, np.random.RandomState(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("seed", range(5))
def test_kmeans_pp_picks_what_the_materialised_version_picks(seed):
    q, h = _factors(n=150, seed=seed)
    factored = kmeans_pp_factored(q, h, 25, np.random.RandomState(seed))
    textbook = _textbook_kmeans_pp(_materialise(q, h), 25, np.random.RandomState(seed))
    np.testing.assert_array_equal(factored, textbook)


def test_sampling_step_is_proportional_to_squared_distance():
    sq_dist = np.array([0.0, 1.0, 3.0, 0.0])
    rs = np.random.RandomState(0)
    draws = np.array([sample_by_squared_distance(sq_dist, rs) for _ in range(4000)])
    assert set(np.unique(draws)) == {1, 2}
    assert abs(np.mean(draws == 2) - 0.75) < 0.03
    assert sample_by_squared_distance(np.zeros(4), rs) == -1


def test_kmeans_pp_on_identical_embeddings_still_returns_distinct_rows():
    q = np.zeros((30, 3))  # a fully confident model: every embedding is 0
    h = np.ones((30, 5))
    idx = kmeans_pp_factored(q, h, 30, np.random.RandomState(0))
    assert np.unique(idx).shape == (30,)


# ------------------------------------------------------------------- k-center


def _dense_k_center(X, k, centres):
    """Furthest-first on a full distance matrix (the oracle)."""
    D = cdist(X, centres, "sqeuclidean").min(axis=1) if len(centres) else np.full(len(X), np.inf)
    picked = []
    for _ in range(k):
        D_masked = D.copy()
        D_masked[picked] = -1
        index = int(np.argmax(D_masked))
        picked.append(index)
        D = np.minimum(D, cdist(X, X[index : index + 1], "sqeuclidean")[:, 0])
    return np.array(picked)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_centres", [1, 13])
def test_k_center_equals_a_dense_matrix_oracle(seed, n_centres):
    rng = np.random.RandomState(seed)
    X, centres = rng.normal(size=(120, 6)), rng.normal(size=(n_centres, 6))
    got = k_center_greedy(X, 30, centres, np.random.RandomState(0))
    np.testing.assert_array_equal(got, _dense_k_center(X, 30, centres))


def test_k_center_blocks_do_not_change_the_answer(monkeypatch):
    rng = np.random.RandomState(1)
    X, centres = rng.normal(size=(97, 4)), rng.normal(size=(41, 4))
    whole = k_center_greedy(X, 20, centres, np.random.RandomState(0))
    monkeypatch.setattr(_selection, "_MAX_BLOCK_ENTRIES", 50)
    np.testing.assert_array_equal(k_center_greedy(X, 20, centres, np.random.RandomState(0)), whole)


def test_k_center_covering_radius_never_increases():
    rng = np.random.RandomState(2)
    X, centres = rng.normal(size=(200, 3)), rng.normal(size=(5, 3))
    idx = k_center_greedy(X, 60, centres, np.random.RandomState(0))
    radii = [cdist(X, np.vstack([centres, X[idx[:t]]])).min(axis=1).max() for t in range(0, 61)]
    assert np.all(np.diff(radii) <= 1e-12)
    assert radii[-1] < radii[0]


def test_k_center_picks_the_furthest_row_first():
    X = np.array([[0.0], [1.0], [10.0], [4.0]])
    assert k_center_greedy(X, 1, np.array([[0.0]]), np.random.RandomState(0))[0] == 2


def test_k_center_with_duplicates_and_no_centres_returns_distinct_rows():
    X = np.zeros((10, 2))
    idx = k_center_greedy(X, 10, np.empty((0, 2)), np.random.RandomState(0))
    assert np.unique(idx).shape == (10,)


def test_k_center_holds_one_block_of_distances_at_a_time():
    # The initial distances to the centres are computed block by block in
    # one reused buffer of at most _MAX_BLOCK_ENTRIES entries; NumPy reports
    # its buffers to tracemalloc.
    import tracemalloc

    rng = np.random.RandomState(0)
    X = rng.normal(size=(50_000, 16)).astype(np.float32)
    centres = rng.normal(size=(300, 16)).astype(np.float32)
    block_bytes = _selection._MAX_BLOCK_ENTRIES * X.itemsize
    tracemalloc.start()
    try:
        k_center_greedy(X, 5, centres, np.random.RandomState(0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One block and a few vectors of 50,000 rows; two blocks would be 2x.
    assert peak < 1.25 * block_bytes, (peak, block_bytes)
