"""Low-budget kernels: typicality, TypiClust's selection, ProbCover's radius, graph and greedy."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from skactive.kernels import (
    ball_graph,
    max_coverage_greedy,
    purity_radius,
    typicality,
    typiclust_select,
)


def _blobs(seed=0, sizes=(60, 40, 25, 10), scale=0.5):
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-6, 6, size=(len(sizes), 2))
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return centres[labels] + rng.normal(scale=scale, size=(len(labels), 2)), labels


# ------------------------------------------------------------------ typicality


def test_typicality_is_the_inverse_mean_distance_to_the_k_nearest_other_rows():
    X, _ = _blobs()
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    expected = 1.0 / np.sort(D, axis=1)[:, :20].mean(axis=1)
    np.testing.assert_allclose(typicality(X, 20), expected, rtol=1e-10)


def test_typicality_is_largest_at_the_dense_centre():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(400, 2))
    typ = typicality(X, 20)
    assert np.linalg.norm(X[typ.argmax()]) < 0.5
    assert np.linalg.norm(X[typ.argmin()]) > 2.0


def test_typicality_of_duplicates_is_infinite():
    X = np.r_[np.zeros((3, 2)), np.ones((3, 2)) * [1, 5], [[9.0, 9.0]]]
    typ = typicality(X, 2)
    assert np.all(np.isinf(typ[:6])) and np.isfinite(typ[6])


# ------------------------------------------------------------------ TypiClust


def test_typiclust_picks_the_most_typical_row_of_a_largest_least_covered_cluster():
    Z, clusters = _blobs(seed=2, sizes=(50, 40, 30, 20, 4))
    rng = np.random.RandomState(0)
    is_labelled = np.zeros(len(Z), dtype=bool)
    is_labelled[[0, 1, 60]] = True  # two in cluster 0, one in cluster 1
    c_lab, c_pool, Z_pool = clusters[is_labelled], clusters[~is_labelled], Z[~is_labelled]
    n = 9
    picks = typiclust_select(
        c_lab, c_pool, Z_pool, n, n_neighbors=20, min_cluster_size=5, random_state=rng
    )
    assert np.unique(picks).shape == (n,)
    size = np.bincount(clusters)
    covered = np.bincount(c_lab, minlength=5)
    available = np.ones(len(Z_pool), dtype=bool)
    for pick in picks:
        left = np.bincount(c_pool[available], minlength=5) > 0
        usable = left & (size > 5) if np.any(left & (size > 5)) else left
        key = [(covered[c], -size[c]) if usable[c] else (np.inf, 0) for c in range(5)]
        assert key[c_pool[pick]] == min(key), "not a largest least-covered cluster"
        rows = np.flatnonzero(available & (c_pool == c_pool[pick]))
        k = min(20, len(rows) // 2)
        D = cdist(Z_pool[rows], Z_pool[rows])
        np.fill_diagonal(D, np.inf)
        typ = 1.0 / np.sort(D, axis=1)[:, :k].mean(axis=1)
        assert typ[np.flatnonzero(rows == pick)[0]] == pytest.approx(typ.max(), rel=1e-9)
        available[pick] = False
        covered[c_pool[pick]] += 1
    # The uncovered clusters come first, largest first; the small cluster (4 rows) last.
    assert list(c_pool[picks[:3]]) == [2, 3, 1]
    assert 4 not in c_pool[picks[:8]]


def test_typiclust_select_can_take_every_pool_row():
    Z, clusters = _blobs(seed=3, sizes=(6, 3, 1))
    picks = typiclust_select(
        clusters[:2],
        clusters[2:],
        Z[2:],
        8,
        n_neighbors=20,
        min_cluster_size=5,
        random_state=np.random.RandomState(0),
    )
    assert sorted(picks) == list(range(8))


# ------------------------------------------------------------------ ProbCover


def _purity(Z, labels, delta):
    """Fraction of rows whose open delta-ball holds only their own label (brute force)."""
    D = cdist(Z, Z)
    inside = D < delta
    return np.mean([np.all(labels[inside[i]] == labels[i]) for i in range(len(Z))])


@pytest.mark.parametrize("alpha", [0.95, 0.8, 1.0])
def test_purity_radius_is_the_largest_delta_of_purity_at_least_alpha(alpha):
    Z, labels = _blobs(seed=4, scale=1.5)  # overlapping blobs: impure balls exist
    delta = purity_radius(Z, labels, alpha)
    assert delta > 0
    assert _purity(Z, labels, delta) >= alpha
    assert _purity(Z, labels, delta * (1 + 1e-6)) < alpha


def test_ball_graph_holds_the_pairs_closer_than_delta_and_every_row_itself():
    Z, _ = _blobs(seed=5)
    graph = ball_graph(Z, 0.7)
    expected = cdist(Z, Z) < 0.7
    np.fill_diagonal(expected, True)
    np.testing.assert_array_equal(graph.toarray(), expected)


def test_ball_graph_and_purity_radius_in_chunks_are_those_in_one_piece(monkeypatch):
    from skactive.kernels import _coverage

    Z, labels = _blobs(seed=6, scale=1.5)
    whole, radius = ball_graph(Z, 0.8).toarray(), purity_radius(Z, labels, 0.9)
    monkeypatch.setattr(_coverage, "_CHUNK_ENTRIES", 7 * len(Z))  # chunks of 7 rows
    np.testing.assert_array_equal(ball_graph(Z, 0.8).toarray(), whole)
    assert purity_radius(Z, labels, 0.9) == radius


@pytest.mark.parametrize("seed", range(4))
def test_each_probcover_pick_covers_the_most_uncovered_rows(seed):
    # The paper's greedy step, checked against a brute-force recount of every
    # candidate's newly covered rows after each pick.
    rng = np.random.RandomState(seed)
    Z = np.r_[
        rng.normal(size=(40, 2)), rng.normal(3, 0.5, size=(30, 2)), rng.uniform(-4, 6, (30, 2))
    ]
    n_labelled, delta, n = 5, 0.8, 12
    inside = cdist(Z, Z) < delta
    picks, gains = max_coverage_greedy(
        ball_graph(Z, delta), n_labelled, n, np.random.RandomState(seed), return_gains=True
    )
    assert np.unique(picks).shape == (n,) and picks.min() >= 0
    covered = inside[:n_labelled].any(axis=0)
    chosen = set()
    for pick, gain in zip(picks + n_labelled, gains, strict=True):
        counts = {c: int((inside[c] & ~covered).sum()) for c in range(n_labelled, len(Z))}
        best = max(v for c, v in counts.items() if c not in chosen)
        assert counts[pick] == best == gain
        covered |= inside[pick]
        chosen.add(pick)


def test_probcover_picks_at_random_once_everything_is_covered():
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(30, 2))
    graph = ball_graph(Z, 100.0)  # one ball covers everything
    runs = [
        max_coverage_greedy(graph, 0, 30, np.random.RandomState(s), return_gains=True)
        for s in range(3)
    ]
    for picks, gains in runs:
        assert sorted(picks) == list(range(30))
        assert gains[0] == 30 and np.all(gains[1:] == 0)
    assert len({tuple(p[1:]) for p, _ in runs}) == 3  # the rest is random


def test_probcover_beats_random_at_coverage():
    Z, _ = _blobs(seed=7, sizes=(80, 60, 40, 20), scale=1.0)
    inside = cdist(Z, Z) < 0.6
    picks = max_coverage_greedy(ball_graph(Z, 0.6), 0, 8, np.random.RandomState(0))
    greedy = inside[picks].any(axis=0).mean()
    random = [
        inside[np.random.RandomState(s).choice(len(Z), 8, replace=False)].any(axis=0).mean()
        for s in range(20)
    ]
    assert greedy > max(random)
