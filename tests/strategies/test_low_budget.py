"""TypiClust and ProbCover through a learner: the papers' properties on small pools."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans

from skactive import ActiveLearner
from skactive.kernels import typicality
from skactive.strategies import CoreSet, ProbCover, TypiClust

from ..conftest import make_classifier_net, make_regressor_net


def _dense_and_sparse(seed=0):
    """Three dense blobs of 80 rows in a sparse background of 60; 6 labelled rows in blob 0."""
    rng = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [3.0, 5.0]])
    blob = np.repeat(np.arange(3), 80)
    dense = centres[blob] + rng.normal(scale=0.5, size=(240, 2))
    background = rng.uniform(-4, 10, size=(60, 2))
    X = (centres[0] + rng.normal(scale=0.5, size=(6, 2))).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    pool = np.r_[dense, background].astype(np.float32)
    return X, y, pool, np.r_[blob, np.full(60, -1)]


def _learner(strategy, X, y, **kwargs):
    net = make_classifier_net(max_epochs=5)
    return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X, y)


def test_typiclust_picks_typical_rows_of_the_uncovered_blobs_where_coreset_picks_outliers():
    # The paper's point (§2-3, Fig. 1): at a low budget, typical rows; Core-Set
    # picks the far-away, atypical ones.
    X, y, pool, blob = _dense_and_sparse()
    typ = typicality(pool.astype(np.float64), 20)
    picks = _learner(TypiClust(), X, y).query(pool, 4)
    # |L| + n = 10 clusters: the first picks come from the largest clusters
    # without labels, i.e. from the two unlabelled blobs, at their dense core.
    assert set(blob[picks[:2]]) == {1, 2}
    assert np.all(typ[picks[:2]] > np.quantile(typ, 0.75))
    coreset = _learner(CoreSet(), X, y).query(pool, 4)
    assert np.median(typ[picks]) > 3 * np.median(typ[coreset])


def test_typiclust_takes_each_pick_from_the_largest_clusters_without_labels():
    X, y, pool, _ = _dense_and_sparse(seed=1)
    learner = _learner(TypiClust(), X, y)
    X_net = learner.network_input(pool)
    picks = learner.query_strategy_.query(learner, X_net, 5, random_state=7)
    # The clustering the query ran: its seed is the first draw of the stream.
    Z = np.r_[learner.network_input(learner.X_labeled_), X_net].astype(np.float64)
    seed = int(np.random.RandomState(7).randint(np.iinfo(np.int32).max))
    labels = KMeans(n_clusters=len(X) + 5, n_init=1, random_state=seed).fit(Z).labels_
    sizes = np.bincount(labels)
    unlabelled = np.setdiff1d(np.arange(len(sizes)), labels[: len(X)])
    unlabelled = unlabelled[sizes[unlabelled] > 5]
    largest = unlabelled[np.argsort(-sizes[unlabelled], kind="stable")][:5]
    chosen = labels[len(X) + picks]
    assert np.unique(chosen).shape == (5,)
    np.testing.assert_array_equal(np.sort(sizes[chosen])[::-1], np.sort(sizes[largest])[::-1])
    assert set(chosen) <= set(unlabelled)


@pytest.mark.parametrize("delta", [0.6, 1.2])
def test_each_probcover_query_pick_covers_the_most_uncovered_rows(delta):
    # Brute-force recount over the labelled and pool rows after every pick.
    X, y, pool, _ = _dense_and_sparse(seed=2)
    pool = pool[::3]  # 100 rows
    picks = _learner(ProbCover(delta=delta), X, y).query(pool, 8)
    Z = np.r_[X, pool].astype(np.float64)
    inside = cdist(Z, Z) < delta
    covered = inside[: len(X)].any(axis=0)
    chosen = set()
    for pick in picks + len(X):
        counts = [
            (inside[c] & ~covered).sum() if c not in chosen else -1 for c in range(len(X), len(Z))
        ]
        assert (inside[pick] & ~covered).sum() == max(counts)
        covered |= inside[pick]
        chosen.add(pick)


def test_probcover_default_radius_has_purity_095_on_kmeans_pseudo_labels():
    X, y, pool, _ = _dense_and_sparse(seed=3)
    learner = _learner(ProbCover(), X, y)
    X_net = learner.network_input(pool)
    strategy = learner.query_strategy_
    delta = strategy.radius(learner, X_net, random_state=4)
    assert delta == strategy.radius(learner, X_net, random_state=4)
    Z = np.r_[X, pool].astype(np.float64)
    seed = int(np.random.RandomState(4).randint(np.iinfo(np.int32).max))
    labels = KMeans(n_clusters=3, n_init=1, random_state=seed).fit(Z).labels_
    inside = cdist(Z, Z) < delta
    pure = [np.all(labels[inside[i]] == labels[i]) for i in range(len(Z))]
    assert np.mean(pure) >= 0.95
    wider = cdist(Z, Z) < delta * 1.001
    assert np.mean([np.all(labels[wider[i]] == labels[i]) for i in range(len(Z))]) < 0.95

    # With the labelled rows' balls, the picks cover more than random picks do.
    def coverage(rows):
        return inside[np.r_[np.arange(len(X)), rows]].any(axis=0).mean()

    picks = strategy.query(learner, X_net, 3, random_state=4) + len(X)
    rng = np.random.RandomState(0)
    candidates = np.arange(len(X), len(Z))
    random = [coverage(rng.choice(candidates, 3, replace=False)) for _ in range(20)]
    assert coverage(picks) > max(random)


def test_probcover_with_a_regressor_needs_delta_or_n_clusters():
    X, _, pool, _ = _dense_and_sparse(seed=4)
    target = X[:, 0]
    for strategy in (ProbCover(delta=0.8), ProbCover(n_clusters=4)):
        net = make_regressor_net(max_epochs=3)
        learner = ActiveLearner(net, query_strategy=strategy, random_state=0).fit(X, target)
        assert np.unique(learner.query(pool, 7)).shape == (7,)
