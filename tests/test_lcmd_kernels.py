"""LCMD's NumPy kernels against the paper's definition, brute force included."""

import numpy as np
import pytest

from skactive.kernels import _lcmd, gaussian_sketch, lcmd_greedy, scale_factor


def brute_force_lcmd(features, n, centres):
    """LCMD from its definition, every distance recomputed at every step.

    Ties: a row equidistant from several centres belongs to the oldest; the
    candidates are the rows of every cluster whose sum is largest; among
    them the furthest, lowest index first; picked rows are never candidates.
    """
    X = features.astype(np.float64)
    chosen = [c for c in centres.astype(np.float64)]
    picked = []
    for _ in range(n):
        if not chosen:
            norms = (X**2).sum(axis=1)
            index = int(np.flatnonzero(norms == norms.max())[0])
        else:
            C = np.array(chosen)
            D = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)  # (N, M)
            nearest = D.argmin(axis=1)  # the first, i.e. oldest, centre on ties
            d = D[np.arange(X.shape[0]), nearest]
            sums = np.zeros(C.shape[0])
            for row, cluster in enumerate(nearest):
                sums[cluster] += d[row]
            candidates = [
                row
                for row in range(X.shape[0])
                if sums[nearest[row]] == sums.max() and row not in picked
            ]
            best = max(d[row] for row in candidates)
            index = min(row for row in candidates if d[row] == best)
        picked.append(index)
        chosen.append(X[index])
    return np.array(picked, dtype=np.int64)


def integer_case(seed):
    """Small integer-valued features (exact arithmetic) with many ties and duplicates."""
    rng = np.random.RandomState(seed)
    n_samples = rng.randint(5, 25)
    n_features = rng.randint(1, 4)
    n_centres = rng.randint(0, 4)
    high = rng.choice([2, 3, 6])
    X = rng.randint(0, high, (n_samples, n_features)).astype(np.float32)
    C = rng.randint(0, high, (n_centres, n_features)).astype(np.float32)
    return X, C


@pytest.mark.parametrize("seed", range(60))
def test_every_pick_matches_the_definition_ties_included(seed):
    X, C = integer_case(seed)
    for n in (1, max(1, X.shape[0] // 2), X.shape[0]):
        np.testing.assert_array_equal(lcmd_greedy(X, n, C), brute_force_lcmd(X, n, C))


def test_real_valued_features_match_the_definition():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5)).astype(np.float32)
    C = rng.normal(size=(6, 5)).astype(np.float32)
    np.testing.assert_array_equal(lcmd_greedy(X, 30, C), brute_force_lcmd(X, 30, C))


def test_picks_the_furthest_row_of_the_largest_cluster_not_the_furthest_row():
    # Centres at 0 and 100; ten rows at 1..10 (sum of squares 385) around 0
    # and one outlier at 115 (225) around 100. Greedy k-center (Core-Set)
    # would take the outlier; LCMD takes the largest cluster's furthest row.
    centres = np.array([[0.0], [100.0]], dtype=np.float32)
    X = np.array([[115.0]] + [[float(v)] for v in range(1, 11)], dtype=np.float32)
    assert lcmd_greedy(X, 1, centres)[0] == 10  # the row at 10
    # Picking it splits the cluster: 6..9 move to the new centre (5 is as far
    # from 10 as from 0 and stays); 1..5 sum to 55 and 6..9 to 30, both below
    # the outlier's 225, which is next.
    np.testing.assert_array_equal(lcmd_greedy(X, 2, centres), [10, 0])


def test_a_row_equidistant_from_two_centres_joins_the_older_one():
    # Row a=10 is at squared distance 100 from both centres 0 and 20.
    # With the older centre (0): sums 100+144 vs 169 -> the cluster of 0, whose
    # furthest row is b=-12. Had it joined 20: 169+100 > 144 and c=33 would win.
    centres = np.array([[0.0], [20.0]], dtype=np.float32)
    X = np.array([[10.0], [-12.0], [33.0]], dtype=np.float32)
    assert lcmd_greedy(X, 1, centres)[0] == 1
    assert lcmd_greedy(X, 1, centres[::-1])[0] == 2


def test_clusters_of_equal_sum_are_all_candidates_lowest_index_first():
    centres = np.array([[0.0], [10.0]], dtype=np.float32)
    # Cluster sums 4 and 4; both candidates at distance 2: the lowest index.
    X = np.array([[12.0], [2.0]], dtype=np.float32)
    assert lcmd_greedy(X, 1, centres)[0] == 0
    # Sums 8 and 8: the cluster of centre 0 (10, 0) holds two rows at 4, that
    # of centre 1 (0, 0) one row at 8. The candidates are the rows of both
    # clusters, so the row at 8 wins, not the first tied cluster's row.
    C = np.array([[10.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    X = np.array([[12.0, 0.0], [10.0, 2.0], [2.0, 2.0]], dtype=np.float32)
    assert lcmd_greedy(X, 1, C)[0] == 2


def test_without_centres_the_first_pick_has_the_largest_norm():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    first = lcmd_greedy(X, 1, X[:0])[0]
    assert first == np.argmax((X.astype(np.float64) ** 2).sum(axis=1))


@pytest.mark.parametrize("n_centres", [0, 1, 7])
def test_picks_are_distinct_even_when_every_row_is_a_duplicate(n_centres):
    X = np.repeat(np.array([[1.0, 2.0], [3.0, 1.0]], dtype=np.float32), 6, axis=0)
    C = np.tile(np.array([[1.0, 2.0]], dtype=np.float32), (n_centres, 1))
    indices = lcmd_greedy(X, X.shape[0], C)
    np.testing.assert_array_equal(np.sort(indices), np.arange(X.shape[0]))


def test_rows_at_distance_zero_come_after_every_other_row():
    # Pool rows equal to a labelled row add nothing; LCMD takes them only
    # once every other row is picked.
    rng = np.random.RandomState(2)
    C = rng.normal(size=(5, 3)).astype(np.float32)
    X = np.r_[C, rng.normal(size=(10, 3)).astype(np.float32)]
    indices = lcmd_greedy(X, 15, C)
    assert set(indices[:10]) == set(range(5, 15))
    assert set(indices[10:]) == set(range(5))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chunk_size_does_not_change_the_picks(seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(200, 6)).astype(np.float32)
    X[100:120] = X[:20]  # duplicates spread over different chunks
    C = rng.normal(size=(9, 6)).astype(np.float32)
    reference = lcmd_greedy(X, 60, C)
    for chunk_size in (1, 3, 7, 64, 199, 10_000):
        np.testing.assert_array_equal(lcmd_greedy(X, 60, C, chunk_size=chunk_size), reference)
    Xi, Ci = integer_case(seed)
    expected = brute_force_lcmd(Xi, Xi.shape[0], Ci)
    for chunk_size in (1, 2, 5):
        np.testing.assert_array_equal(
            lcmd_greedy(Xi, Xi.shape[0], Ci, chunk_size=chunk_size), expected
        )


def test_blocks_of_centres_do_not_change_the_picks(monkeypatch):
    # Many labelled centres split into blocks of a few columns each.
    rng = np.random.RandomState(3)
    X = rng.normal(size=(120, 4)).astype(np.float32)
    C = rng.normal(size=(50, 4)).astype(np.float32)
    reference = lcmd_greedy(X, 40, C)
    monkeypatch.setattr(_lcmd, "_MAX_BLOCK_ENTRIES", 64)
    np.testing.assert_array_equal(lcmd_greedy(X, 40, C, chunk_size=16), reference)
    np.testing.assert_array_equal(lcmd_greedy(X, 40, C, chunk_size=16), brute_force_lcmd(X, 40, C))


@pytest.mark.parametrize("factor", [4.0, 0.25, 0.37, 13.0])
def test_scaling_the_kernel_leaves_the_picks_unchanged(factor):
    rng = np.random.RandomState(4)
    X = rng.normal(size=(150, 5)).astype(np.float32)
    C = rng.normal(size=(8, 5)).astype(np.float32)
    root = np.float32(np.sqrt(factor))
    for centres in (C, C[:0]):
        np.testing.assert_array_equal(
            lcmd_greedy(X * root, 50, centres * root), lcmd_greedy(X, 50, centres)
        )


def test_scale_factor_gives_a_mean_kernel_diagonal_of_one():
    rng = np.random.RandomState(5)
    F = rng.normal(3.0, 2.0, size=(30, 4))
    scaled = F * np.sqrt(scale_factor(F))
    np.testing.assert_allclose((scaled**2).sum(axis=1).mean(), 1.0)
    assert scale_factor(np.zeros((3, 2))) == 1.0
    assert scale_factor(np.zeros((0, 2))) == 1.0


def test_gaussian_sketch_is_seeded_and_unbiased():
    a = gaussian_sketch(6, 4, np.random.RandomState(0))
    b = gaussian_sketch(6, 4, np.random.RandomState(0))
    assert a.shape == (6, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, gaussian_sketch(6, 4, np.random.RandomState(1)))
    # E[P Pᵀ] = I: the sketched kernel estimates the kernel without bias.
    rng = np.random.RandomState(6)
    x, z = rng.normal(size=6), rng.normal(size=6)
    estimates = [(x @ P) @ (z @ P) for P in (gaussian_sketch(6, 64, rng) for _ in range(2000))]
    # Standard error of the mean is ‖x‖‖z‖ / sqrt(64 · 2000) at most (about 0.3 % here).
    assert abs(np.mean(estimates) - x @ z) < 5 * np.linalg.norm(x) * np.linalg.norm(z) / np.sqrt(
        64 * 2000
    )
