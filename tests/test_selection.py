"""The NumPy selection kernels."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from skactive.kernels import (
    _kcenter,
    _pruning,
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
    monkeypatch.setattr(_kcenter, "_MAX_BLOCK_ENTRIES", 50)
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
    block_bytes = _kcenter._MAX_BLOCK_ENTRIES * X.itemsize
    tracemalloc.start()
    try:
        k_center_greedy(X, 5, centres, np.random.RandomState(0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One block and a few vectors of 50,000 rows; two blocks would be 2x.
    assert peak < 1.25 * block_bytes, (peak, block_bytes)


# ------------------------------------------- pruned kernels vs the full pass
#
# The kernels skip rows the triangle inequality proves unchanged; the picks
# must be those of one full pass per pick. The reference below is the full-
# pass implementation as it was before the pruning, kept verbatim. Both run
# with single-threaded BLAS: a multi-threaded BLAS rounds a full pass
# differently at its thread boundaries, so bit-for-bit equality is defined
# for one thread.


def _reference_sq_dist_to_nearest(X, X_sq_norms, centres, out, max_block_entries=2**22):
    out.fill(np.inf)
    if centres.shape[0] == 0:
        return out
    c_sq_norms = np.einsum("ij,ij->i", centres, centres)
    n_cols = max(1, min(centres.shape[0], max_block_entries // max(1, X.shape[0])))
    n_rows = max(1, min(X.shape[0], max_block_entries // n_cols))
    buffer = np.empty(n_rows * n_cols, dtype=np.result_type(X, centres))
    for j in range(0, centres.shape[0], n_cols):
        block_c = centres[j : j + n_cols]
        for i in range(0, X.shape[0], n_rows):
            block_x = X[i : i + n_rows]
            d = buffer[: block_x.shape[0] * block_c.shape[0]].reshape(block_x.shape[0], -1)
            np.matmul(block_x, block_c.T, out=d)
            d *= -2.0
            d += X_sq_norms[i : i + n_rows, None]
            d += c_sq_norms[None, j : j + n_cols]
            np.minimum(out[i : i + n_rows], d.min(axis=1), out=out[i : i + n_rows])
    np.maximum(out, 0.0, out=out)
    return out


def _reference_k_center_greedy(X, k, centres, random_state):
    centres = np.asarray(centres, dtype=X.dtype)
    X_sq_norms = np.einsum("ij,ij->i", X, X)
    sq_dist = np.empty(X.shape[0], dtype=X_sq_norms.dtype)
    _reference_sq_dist_to_nearest(X, X_sq_norms, centres, out=sq_dist)
    new_dist = np.empty_like(sq_dist)
    indices = np.empty(k, dtype=np.int64)
    for t in range(k):
        if t == 0 and centres.shape[0] == 0:
            index = random_state.randint(X.shape[0])
        else:
            index = int(np.argmax(sq_dist))
        indices[t] = index
        np.matmul(X, X[index], out=new_dist)
        new_dist *= -2.0
        new_dist += X_sq_norms
        new_dist += X_sq_norms[index]
        np.maximum(new_dist, 0.0, out=new_dist)
        np.minimum(sq_dist, new_dist, out=sq_dist)
        sq_dist[index] = -1.0
    return indices


def _reference_factored_sq_distances(q, h, sq_norms, c, out=None):
    out = np.multiply(q @ q[c], h @ h[c], out=out, dtype=np.float64)
    out *= -2.0
    out += sq_norms
    out += sq_norms[c]
    return np.maximum(out, 0.0, out=out)


def _reference_kmeans_pp_factored(q, h, k, random_state):
    n_samples = q.shape[0]
    row_dot = lambda a: np.einsum("ij,ij->i", a, a).astype(np.float64)  # noqa: E731
    sq_norms = row_dot(q) * row_dot(h)
    chosen = np.zeros(n_samples, dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = np.argmax(sq_norms)
    sq_dist = np.full(n_samples, np.inf)
    new_dist = np.empty(n_samples)
    for t in range(1, k + 1):
        c = indices[t - 1]
        chosen[c] = True
        _reference_factored_sq_distances(q, h, sq_norms, c, out=new_dist)
        np.minimum(sq_dist, new_dist, out=sq_dist)
        sq_dist[c] = 0.0
        if t == k:
            break
        index = sample_by_squared_distance(sq_dist, random_state)
        if index < 0 or chosen[index]:
            remaining = np.flatnonzero(~chosen)
            index = remaining[random_state.randint(remaining.shape[0])]
        indices[t] = index
    return indices


@pytest.fixture
def one_blas_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _clustered(n, d, dtype, seed, n_clusters=8, spread=0.3):
    """Clustered rows with exact duplicates (ties), as embeddings have."""
    rng = np.random.RandomState(seed)
    means = rng.normal(scale=3.0, size=(n_clusters, d))
    X = means[rng.randint(n_clusters, size=n)] + spread * rng.normal(size=(n, d))
    X[rng.randint(n, size=n // 5)] = X[rng.randint(n, size=n // 5)]  # duplicates
    return X.astype(dtype)


def _digits_embeddings():
    """Real data: the digits (integer pixels, many exact ties) and a ReLU embedding of them."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    digits = load_digits()
    X = digits.data.astype(np.float32)
    W = np.random.RandomState(0).normal(size=(64, 48)).astype(np.float32) / 8
    h = np.maximum(X @ W, 0.0)
    proba = LogisticRegression(max_iter=300).fit(X[:400], digits.target[:400]).predict_proba(X)
    q = proba.astype(np.float32)
    q[np.arange(len(q)), proba.argmax(axis=1)] -= 1.0
    return X, h, q


_POOL_CASES = [  # (n_samples, n_features, dtype, n_centres, k)
    (40, 3, np.float64, 0, 40),
    (97, 5, np.float32, 1, 30),
    (130, 2, np.float32, 0, 130),
    (1000, 16, np.float32, 25, 200),
    (1000, 16, np.float64, 0, 150),
    (4099, 64, np.float32, 7, 300),
    (9000, 8, np.float32, 100, 400),
]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("n, d, dtype, n_centres, k", _POOL_CASES)
def test_k_center_picks_equal_the_full_pass(one_blas_thread, n, d, dtype, n_centres, k, seed):
    X = _clustered(n, d, dtype, seed)
    rng = np.random.RandomState(seed + 10)
    # Some centres coincide with pool rows (distance 0 ties), some do not.
    centres = np.vstack(
        [X[rng.randint(n, size=n_centres // 2)], _clustered(n_centres, d, dtype, 9)]
    )
    centres = centres[:n_centres]
    got = k_center_greedy(X, k, centres, np.random.RandomState(seed))
    expected = _reference_k_center_greedy(X, k, centres, np.random.RandomState(seed))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("n, d, dtype, n_centres, k", _POOL_CASES)
def test_kmeans_pp_picks_equal_the_full_pass(one_blas_thread, n, d, dtype, n_centres, k, seed):
    h = _clustered(n, d, dtype, seed)
    q = _clustered(n, 4, dtype, seed + 1, n_clusters=3)
    q[: n // 3] *= 1e-4  # confident rows: gradient embeddings near 0
    q[n // 2 : n // 2 + 10] = q[n // 2]  # and exact duplicates
    h[n // 2 : n // 2 + 10] = h[n // 2]
    got = kmeans_pp_factored(q, h, k, np.random.RandomState(seed))
    expected = _reference_kmeans_pp_factored(q, h, k, np.random.RandomState(seed))
    np.testing.assert_array_equal(got, expected)


def test_pruned_kernels_equal_the_full_pass_on_real_embeddings(one_blas_thread):
    X, h, q = _digits_embeddings()
    for pool, centres in [(X[200:], X[:200]), (h[200:], h[:200]), (h, h[:0])]:
        for seed in range(2):
            got = k_center_greedy(pool, 300, centres, np.random.RandomState(seed))
            expected = _reference_k_center_greedy(pool, 300, centres, np.random.RandomState(seed))
            np.testing.assert_array_equal(got, expected)
    for factors in [(q, h), (q, X)]:
        for seed in range(3):
            got = kmeans_pp_factored(*factors, 300, np.random.RandomState(seed))
            expected = _reference_kmeans_pp_factored(*factors, 300, np.random.RandomState(seed))
            np.testing.assert_array_equal(got, expected)


def test_pruned_kernels_equal_the_full_pass_far_from_the_origin(one_blas_thread):
    # A large common offset makes rounding large against the distances: the
    # bounds must widen by it, or rows that do change would be skipped.
    X = _clustered(3000, 8, np.float32, 0, spread=1e-3) + np.float32(300.0)
    got = k_center_greedy(X, 200, X[:5], np.random.RandomState(0))
    np.testing.assert_array_equal(got, _reference_k_center_greedy(X, 200, X[:5], None))
    q, h = X[:, :3] - np.float32(299.0), X
    got = kmeans_pp_factored(q, h, 200, np.random.RandomState(0))
    expected = _reference_kmeans_pp_factored(q, h, 200, np.random.RandomState(0))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dense_share", [0.0, 1.01])
def test_gathered_and_in_place_chunks_give_the_same_picks(
    one_blas_thread, monkeypatch, dense_share
):
    X = _clustered(5000, 16, np.float32, 3)
    q = _clustered(5000, 3, np.float32, 4, n_clusters=2)
    expected_kc = _reference_k_center_greedy(X, 150, X[:20], None)
    expected_km = _reference_kmeans_pp_factored(q, X, 150, np.random.RandomState(0))
    monkeypatch.setattr(_pruning, "_CHUNK_ROWS", 256)
    monkeypatch.setattr(_pruning, "_DENSE_SHARE", dense_share)  # always in place / gathered
    np.testing.assert_array_equal(k_center_greedy(X, 150, X[:20], None), expected_kc)
    got = kmeans_pp_factored(q, X, 150, np.random.RandomState(0))
    np.testing.assert_array_equal(got, expected_km)


def test_pruning_skips_most_rows_on_clustered_data(monkeypatch):
    computed = []
    rows_to_update = _pruning._rows_to_update

    def counting(*args):
        for start, stop, rows in rows_to_update(*args):
            computed.append(stop - start if rows is None else rows.shape[0])
            yield start, stop, rows

    dots_with_centres = _kcenter._dots_with_centres

    def counting_refreshes(picked, v, t, x):
        computed.append(t - v)  # one row against t - v picks
        return dots_with_centres(picked, v, t, x)

    monkeypatch.setattr(_pruning, "_rows_to_update", counting)
    monkeypatch.setattr(_kcenter, "_dots_with_centres", counting_refreshes)
    monkeypatch.setattr(_pruning, "_CHUNK_ROWS", 512)
    X = _clustered(20_000, 16, np.float32, 0, n_clusters=30, spread=0.5)
    k_center_greedy(X, 200, X[:10], None)
    # Dot products: the rows of the pruned updates and, for each row the lazy
    # search refreshes, the picks it lacked.
    assert sum(computed) < 0.3 * X.shape[0] * 200, sum(computed) / (X.shape[0] * 200)
    computed.clear()
    kmeans_pp_factored(X[:, :4], X, 200, np.random.RandomState(0))
    assert sum(computed) < 0.3 * X.shape[0] * 200, sum(computed) / (X.shape[0] * 200)


def test_k_center_on_isotropic_noise_stops_testing_but_picks_the_same(one_blas_thread):
    # In 64 independent dimensions the bounds let almost every row through;
    # the kernel then computes every row for a while: same picks either way.
    X = np.random.RandomState(0).normal(size=(3000, 64)).astype(np.float32)
    got = k_center_greedy(X, 100, X[:3], None)
    np.testing.assert_array_equal(got, _reference_k_center_greedy(X, 100, X[:3], None))


def _count_pruned_calls(monkeypatch):
    calls = []
    pruned = _kcenter._k_center_pruned

    def counting(*args):
        calls.append(args[-1])  # the pick the pruned updates start from
        return pruned(*args)

    monkeypatch.setattr(_kcenter, "_k_center_pruned", counting)
    return calls


@pytest.mark.parametrize("budget", [0.0, 0.02, 0.1])
@pytest.mark.parametrize("n_centres", [0, 20])
def test_k_center_handing_over_from_the_lazy_search_keeps_the_picks(
    one_blas_thread, monkeypatch, budget, n_centres
):
    # A small budget stops the lazy search after some picks, part-way
    # through bringing rows up to date: the rows are caught up, then the
    # pruned full updates go on; the picks stay those of the full pass.
    X = _clustered(5000, 40, np.float32, 5)
    centres = X[:n_centres]
    expected = _reference_k_center_greedy(X, 150, centres, np.random.RandomState(3))
    calls = _count_pruned_calls(monkeypatch)
    monkeypatch.setattr(_kcenter, "_LAZY_BUDGET", budget)
    monkeypatch.setattr(_kcenter, "_LAZY_STEP_VALUES", 0)
    got = k_center_greedy(X, 150, centres, np.random.RandomState(3))
    np.testing.assert_array_equal(got, expected)
    assert len(calls) == 1 and 1 <= calls[0] < 150, calls


_LAZY_CASES = [(n, d, dtype, n_centres, k) for n, d, dtype, n_centres, k in _POOL_CASES if n > 100]


@pytest.mark.parametrize("n, d, dtype, n_centres, k", _LAZY_CASES)
def test_k_center_lazy_search_alone_equals_the_full_pass(
    one_blas_thread, monkeypatch, n, d, dtype, n_centres, k
):
    calls = _count_pruned_calls(monkeypatch)
    monkeypatch.setattr(_kcenter, "_LAZY_BUDGET", np.inf)
    X = _clustered(n, d, dtype, 0)
    got = k_center_greedy(X, k, X[:n_centres], np.random.RandomState(0))
    expected = _reference_k_center_greedy(X, k, X[:n_centres], np.random.RandomState(0))
    np.testing.assert_array_equal(got, expected)
    assert calls == []


def test_k_center_lazy_search_alone_equals_the_full_pass_on_real_data(one_blas_thread, monkeypatch):
    # Integer pixels (many ties) and a ReLU embedding of them.
    calls = _count_pruned_calls(monkeypatch)
    monkeypatch.setattr(_kcenter, "_LAZY_BUDGET", np.inf)
    digits, h, _ = _digits_embeddings()
    for pool, centres in [(digits[200:], digits[:200]), (h[100:], h[:100]), (h, h[:0])]:
        got = k_center_greedy(pool, 300, centres, np.random.RandomState(1))
        expected = _reference_k_center_greedy(pool, 300, centres, np.random.RandomState(1))
        np.testing.assert_array_equal(got, expected)
    assert calls == []


@pytest.mark.parametrize("block", [1, 3, 32])
def test_k_center_lazy_search_breaks_ties_as_the_full_pass(one_blas_thread, monkeypatch, block):
    # Integer coordinates and many duplicate rows: equal distances across
    # blocks of the running maxima must still go to the lowest row index.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 3, size=(700, 4)).astype(np.float32)
    X[rng.randint(700, size=200)] = X[rng.randint(700, size=200)]
    monkeypatch.setattr(_kcenter, "_LAZY_BLOCK", block)
    for centres in [X[:0], X[:5], X[:5] + np.float32(0.5)]:
        got = k_center_greedy(X, 120, centres, np.random.RandomState(1))
        expected = _reference_k_center_greedy(X, 120, centres, np.random.RandomState(1))
        np.testing.assert_array_equal(got, expected)
