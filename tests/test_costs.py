"""Annotation costs: the kernels, learner.query(costs=...), the simulation in cost units."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearner
from skactive.kernels import greedy_within_budget, return_on_investment, select_by_cost
from skactive.model_selection import (
    area_under_learning_curve,
    learning_curves,
    simulate_active_learning,
)
from skactive.strategies import BADGE, Margin

from .conftest import make_classifier_net

rng = np.random.RandomState(0)
X = rng.normal(size=(120, 2)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(int)


def test_return_on_investment_is_utility_per_cost():
    utility = np.array([0.2, 0.4, 0.6])
    costs = np.array([1.0, 4.0, 2.0])
    np.testing.assert_allclose(return_on_investment(utility, costs), [0.2, 0.1, 0.3])
    # Margin-like utilities in [-1, 0]: floor -1 gives 1 - margin.
    np.testing.assert_allclose(
        return_on_investment(np.array([-0.8, -0.2]), np.array([1.0, 2.0]), floor=-1.0),
        [0.2, 0.4],
    )
    # Negative utilities without a floor: shifted by the pool's minimum.
    np.testing.assert_allclose(
        return_on_investment(np.array([-3.0, -1.0]), np.array([1.0, 1.0])), [0.0, 2.0]
    )


def test_greedy_within_budget_skips_what_does_not_fit():
    costs = np.array([5.0, 1.0, 3.0, 1.0])
    order = np.array([0, 2, 1, 3])
    np.testing.assert_array_equal(greedy_within_budget(order, costs, 4, 4.5), [2, 1])
    np.testing.assert_array_equal(greedy_within_budget(order, costs, 4, 10.0), [0, 2, 1, 3])
    np.testing.assert_array_equal(greedy_within_budget(order, costs, 1, 10.0), [0])
    np.testing.assert_array_equal(greedy_within_budget(order, costs, 2, None), [0, 2])


def test_select_by_cost_prefers_cheap_rows_of_equal_utility():
    utility = np.ones(6)
    costs = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])
    picked = select_by_cost(utility, costs, 3, None, np.random.RandomState(0))
    np.testing.assert_array_equal(picked, [5, 4, 3])


def fitted(strategy="margin", **kwargs):
    net = make_classifier_net(max_epochs=5)
    return ActiveLearner(net, query_strategy=strategy, random_state=0, **kwargs).fit(X[:20], y[:20])


def test_query_with_costs_ranks_by_return_on_investment():
    learner = fitted()
    pool = X[20:]
    utility = Margin().utility(learner, learner.network_input(pool))
    costs = rng.uniform(1, 10, pool.shape[0])
    picked = learner.query(pool, 5, costs=costs)
    roi = (utility + 1) / costs
    np.testing.assert_array_equal(picked, np.argsort(-roi)[:5])
    # Cost-blind query is the utility's top 5, which differs here.
    assert not np.array_equal(learner.query(pool, 5), picked)
    np.testing.assert_array_equal(learner.query(pool, 5, costs=costs), picked)  # reproducible


def test_max_cost_bounds_the_batch():
    learner = fitted()
    pool = X[20:]
    costs = np.linspace(1, 3, pool.shape[0])
    picked = learner.query(pool, pool.shape[0], costs=costs, max_cost=10.0)
    assert 1 <= picked.shape[0] < pool.shape[0]
    assert costs[picked].sum() <= 10.0
    # Nothing else fits: every row left costs more than what remains.
    left = np.setdiff1d(np.arange(pool.shape[0]), picked)
    assert costs[left].min() > 10.0 - costs[picked].sum()
    # n still caps the number of rows.
    assert learner.query(pool, 2, costs=costs, max_cost=10.0).shape == (2,)


def test_random_with_costs_stays_uniform_but_respects_the_budget():
    learner = fitted("random")
    pool = X[20:]
    costs = np.full(pool.shape[0], 2.0)
    picked = learner.query(pool, 50, costs=costs, max_cost=7.0)
    assert picked.shape == (3,)
    np.testing.assert_array_equal(learner.query(pool, 5, costs=costs), learner.query(pool, 5))


def test_costs_by_column_name_of_a_frame_pool():
    frame = pd.DataFrame(X, columns=["a", "b"])
    learner = ActiveLearner(
        make_pipeline(StandardScaler(), make_classifier_net(max_epochs=5)),
        query_strategy="margin",
        random_state=0,
    ).fit(frame[:20], y[:20])
    pool = frame[20:].assign(cost=np.linspace(1, 5, 100))
    picked = learner.query(pool, 4, costs="cost")
    np.testing.assert_array_equal(
        picked, learner.query(frame[20:], 4, costs=pool["cost"].to_numpy())
    )


def test_a_batch_strategy_refuses_costs():
    learner = fitted(BADGE())
    with pytest.raises(TypeError, match="BADGE does not take annotation costs"):
        learner.query(X[20:], 3, costs=np.ones(100))


# -------------------------------------------------------------- simulation


def _simulate(**kwargs):
    learner = ActiveLearner(make_classifier_net(max_epochs=3), query_strategy="margin")
    return simulate_active_learning(
        learner, X[:100], y[:100], X[100:], y[100:], initial_size=10, query_size=5,
        random_state=0, **kwargs,
    )  # fmt: skip


def test_simulation_with_a_cost_budget_spends_within_it():
    costs = np.linspace(1, 4, 100)
    results = _simulate(costs=costs, cost_budget=30.0)
    spent = [costs[q].sum() for q in results["queried"][1:]]
    np.testing.assert_allclose(results["cost"][1:], np.cumsum(spent))
    assert results["cost"].iloc[0] == 0.0
    assert results["cost"].iloc[-1] <= 30.0
    # The run ended because no row left fits the budget.
    labelled = np.concatenate(results["queried"].to_list())
    left = np.setdiff1d(np.arange(100), labelled)
    assert costs[left].min() > 30.0 - results["cost"].iloc[-1]
    blind = _simulate(costs=costs, cost_budget=30.0, cost_aware=False)
    assert blind["cost"].iloc[-1] <= 30.0
    # Cost-aware buys more labels for the same spend here (cheap rows exist).
    assert results["n_labeled"].iloc[-1] > blind["n_labeled"].iloc[-1]


def test_learning_curves_and_aulc_in_cost_units():
    costs = np.linspace(1, 4, 100)
    results = _simulate(costs=costs, n_rounds=3)
    table = results.assign(strategy="margin", repeat=0, fold=0)
    curves = learning_curves(table, x="cost")
    np.testing.assert_allclose(curves["cost"], results["cost"])
    aulc = area_under_learning_curve(results["cost"], results["score"])
    assert 0 <= aulc <= 1
