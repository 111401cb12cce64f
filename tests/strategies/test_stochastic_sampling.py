"""SoftmaxSampling, PowerSampling and SoftRankSampling (Kirsch et al., 2023)."""

import numpy as np
import pytest
from scipy.stats import chisquare
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skactive import ActiveLearner
from skactive.strategies import (
    BALD,
    Margin,
    PowerSampling,
    SoftmaxSampling,
    SoftRankSampling,
    UtilityStrategy,
)

from ..conftest import make_classifier_net, make_three_classes

SAMPLERS = [SoftmaxSampling, PowerSampling, SoftRankSampling]


class FixedUtility(UtilityStrategy):
    """Utility read from the first column of the pool, for exact distributions."""

    def __init__(self, floor=None):
        self.floor = floor

    @property
    def _utility_floor(self):
        return self.floor

    def utility(self, learner, X_pool):
        return X_pool[:, 0].astype(np.float64)


UTILITY = np.array([0.9, 0.5, 0.05, 0.3, 0.7, 0.2])


@pytest.fixture(scope="module")
def fitted():
    X, y, pool = make_three_classes(20, 300, seed=1)
    learner = ActiveLearner(make_classifier_net(max_epochs=20), random_state=0).fit(X, y)
    return learner, pool


def _frequencies(strategy, pool, n_draws):
    picks = [strategy.query(None, pool, 1, random_state=s)[0] for s in range(n_draws)]
    return np.bincount(picks, minlength=pool.shape[0])


@pytest.mark.parametrize(
    "strategy, weights",
    [
        (SoftmaxSampling(FixedUtility(), beta=2.0), np.exp(2.0 * UTILITY)),
        (PowerSampling(FixedUtility(), beta=2.0), UTILITY**2),
        # Margin-like: the declared floor -1 shifts the utilities before the power.
        (PowerSampling(FixedUtility(floor=-1.0)), UTILITY),
        (SoftRankSampling(FixedUtility(), beta=1.5), np.array([1, 3, 6, 4, 2, 5.0]) ** -1.5),
    ],
    ids=["softmax", "power", "power-floor", "softrank"],
)
def test_first_pick_frequencies_match_the_stated_distribution(strategy, weights):
    pool = UTILITY[:, None].copy()
    if isinstance(strategy.base_strategy, FixedUtility) and strategy.base_strategy.floor == -1:
        pool = pool - 1.0  # utilities in [-1, 0], as margin's
    observed = _frequencies(strategy, pool, 3000)
    assert chisquare(observed, 3000 * weights / weights.sum()).pvalue > 1e-3


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_a_cold_sampler_is_the_top_k_of_its_base(sampler, fitted):
    learner, pool = fitted
    X_net = learner.network_input(pool)
    for seed in range(3):
        picks = sampler(BALD(n_mc_samples=10), beta=1e9).query(learner, X_net, 20, seed)
        # The sampler draws the base's seed first, as BALD's own query does.
        np.testing.assert_array_equal(picks, BALD(n_mc_samples=10).query(learner, X_net, 20, seed))
    margin = Margin().utility(learner, X_net)
    picks = sampler(Margin(), beta=1e9).query(learner, X_net, 20, 0)
    np.testing.assert_array_equal(picks, np.argsort(-margin, kind="stable")[:20])


def test_batches_spread_over_a_redundant_pool(fitted):
    # Each distinct row five times: top-k BALD takes every copy of its few best
    # rows, power sampling draws many distinct rows and more predicted classes.
    learner, pool = fitted
    redundant = np.repeat(pool[:60], 5, axis=0)
    classes = learner.predict(redundant)
    spread = {}
    for name, strategy in [("top-k", BALD(n_mc_samples=10)), ("power", PowerSampling(BALD(10)))]:
        rows, n_classes = [], []
        for seed in range(4):
            picks = clone(strategy).query(learner, redundant, 20, random_state=seed)
            rows.append(np.unique(picks // 5).shape[0])
            n_classes.append(np.unique(classes[picks]).shape[0])
        spread[name] = (np.mean(rows), np.mean(n_classes))
    assert spread["top-k"][0] <= 6
    assert spread["power"][0] >= 2 * spread["top-k"][0]
    assert spread["power"][1] >= spread["top-k"][1]


def test_default_base_is_bald_and_the_alias_resolves(fitted):
    learner, pool = fitted
    X_net = learner.network_input(pool)
    np.testing.assert_array_equal(
        PowerSampling().query(learner, X_net, 10, 3),
        PowerSampling(BALD()).query(learner, X_net, 10, 3),
    )
    aliased = ActiveLearner(make_classifier_net(max_epochs=2), query_strategy="power_bald")
    X, y, _ = make_three_classes(10, 10)
    assert type(aliased.fit(X, y).query_strategy_) is PowerSampling


def test_nested_parameters_route_like_a_meta_estimator():
    learner = ActiveLearner(make_classifier_net(), query_strategy=PowerSampling(BALD()))
    params = learner.get_params(deep=True)
    assert params["query_strategy__beta"] == 1.0
    assert params["query_strategy__base_strategy__n_mc_samples"] == 50
    learner.set_params(query_strategy__base_strategy__n_mc_samples=7, query_strategy__beta=2.0)
    assert learner.query_strategy.base_strategy.n_mc_samples == 7
    assert learner.query_strategy.beta == 2.0


def test_grid_search_over_beta_and_the_base_strategy_parameters():
    X, y, _ = make_three_classes(30, 0, seed=2)
    learner = ActiveLearner(
        make_classifier_net(max_epochs=5),
        query_strategy=PowerSampling(BALD(n_mc_samples=3)),
        initial_size=10,
        query_size=5,
        n_rounds=2,
        random_state=0,
    )
    grid = {
        "query_strategy__beta": [0.5, 4.0],
        "query_strategy__base_strategy__n_mc_samples": [3, 5],
    }
    search = GridSearchCV(learner, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_.query_strategy
    assert best.beta == search.best_params_["query_strategy__beta"]
    assert (
        best.base_strategy.n_mc_samples
        == search.best_params_["query_strategy__base_strategy__n_mc_samples"]
    )
    assert len(search.best_estimator_.y_labeled_) == 10 + 2 * 5
