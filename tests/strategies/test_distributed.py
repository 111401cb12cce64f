"""Ranking strategies score a dask.array pool partition by partition, to the in-memory picks."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.strategies import RANKING_STRATEGIES, prefilter_query

from ..conftest import make_classifier_net

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

rng = np.random.RandomState(0)
X = rng.normal(size=(60, 3)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(int)
POOL = rng.normal(size=(700, 3)).astype(np.float32)
# Ties across partitions: the same rows again, far apart in the pool.
TIED = np.concatenate([POOL[:50]] * 6)
RANKING = ["least_confidence", "margin", "entropy", "bald", "max_variance", "egl"]
FAST = {"bald": dict(n_mc_samples=5), "max_variance": dict(n_mc_samples=5)}


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _learner(alias):
    from skactive.strategies import STRATEGY_ALIASES

    strategy = STRATEGY_ALIASES[alias](**FAST.get(alias, {}))
    return ActiveLearner(make_classifier_net(max_epochs=3), strategy, random_state=0).fit(X, y)


def test_the_ranking_strategies_are_the_documented_ones():
    names = {cls.__name__ for cls in RANKING_STRATEGIES}
    assert names == {"LeastConfidence", "Margin", "Entropy", "BALD", "MaxVariance", "EGL"}


@pytest.mark.slow
@pytest.mark.parametrize("alias", RANKING)
def test_a_dask_pool_on_a_local_cluster_gives_the_in_memory_picks(alias, client, monkeypatch):
    learner = _learner(alias)
    expected = learner.query(POOL, 25)
    scattered = []
    original = client.scatter
    monkeypatch.setattr(client, "scatter", lambda *a, **k: scattered.append(1) or original(*a, **k))
    got = learner.query(da.from_array(POOL, chunks=(97, 3)), 25)
    np.testing.assert_array_equal(got, expected)
    assert len(scattered) == 1  # the fitted network travels once, not once per partition


@pytest.mark.slow
@pytest.mark.parametrize("alias", ["margin", "bald"])
def test_ties_across_partitions_are_broken_as_in_memory(alias, client):
    learner = _learner(alias)
    expected = learner.query(TIED, 40)
    for chunks in [(50, 3), (33, 3), (300, 3)]:
        got = learner.query(da.from_array(TIED, chunks=chunks), 40)
        np.testing.assert_array_equal(got, expected)


def test_without_a_client_dask_schedules_the_partitions_locally():
    learner = _learner("entropy")
    got = learner.query(da.from_array(POOL, chunks=(128, 3)), 10)
    np.testing.assert_array_equal(got, learner.query(POOL, 10))


def test_a_batch_strategy_is_refused_and_pointed_to_the_prefilter():
    learner = ActiveLearner(make_classifier_net(max_epochs=2), "badge", random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="BADGE cannot score a dask.array pool.*prefilter_query"):
        learner.query(da.from_array(POOL, chunks=(100, 3)), 5)


@pytest.mark.slow
def test_prefilter_runs_the_batch_strategy_on_the_best_ranked_rows(client):
    learner = ActiveLearner(make_classifier_net(max_epochs=2), "badge", random_state=0).fit(X, y)
    pool = da.from_array(POOL, chunks=(100, 3))
    picked = prefilter_query(learner, pool, 5, "badge", prefilter="margin", n_candidates=60)
    assert picked.shape == (5,) and np.unique(picked).shape == (5,)
    ranker = ActiveLearner(make_classifier_net(max_epochs=2), "margin", random_state=0).fit(X, y)
    margins = ranker.query_strategy_.utility(ranker, POOL)
    # Every pick is among the 60 rows of largest margin utility.
    assert np.isin(picked, np.argsort(-margins)[:60]).all()
