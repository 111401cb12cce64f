"""Stopping criteria in the simulation, and the report that judges them."""

import pickle

import numpy as np
import pandas as pd
import pytest

from skactive import ActiveLearner
from skactive.model_selection import (
    ActiveLearningSimulation,
    cross_validate_strategies,
    simulate_active_learning,
    stopping_report,
)
from skactive.stopping import LabelBudget, StabilizingPredictions

from ..conftest import make_classifier_net

rng = np.random.RandomState(0)
X = rng.normal(size=(150, 2)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(int)


def test_report_on_a_hand_made_table():
    # Two runs of one strategy; "a" fires at round 1 in run 0, never in run 1.
    table = pd.DataFrame(
        {
            "strategy": "margin",
            "repeat": 0,
            "fold": [0] * 4 + [1] * 4,
            "round": [0, 1, 2, 3] * 2,
            "n_labeled": [10, 20, 30, 40] * 2,
            "score": [0.5, 0.7, 0.9, 0.8, 0.6, 0.6, 0.7, 0.8],
            "stop:a": [False, True, True, False, False, False, False, False],
            "stop:b": [True] * 8,
        }
    )
    report = stopping_report(table)
    a = report.loc[("margin", "a")]
    assert a["fired"] == 0.5
    # Run 0: stops at 20 (score 0.7): gap to final 0.1, to best 0.2, saves 20 of 30.
    # Run 1: never fires -> the budget, 40 (score 0.8), nothing saved.
    assert a["at_stop"] == pytest.approx(30.0)
    assert a["score_at_stop"] == pytest.approx(0.75)
    assert a["gap_to_final"] == pytest.approx(0.05)
    assert a["gap_to_best"] == pytest.approx(0.1)
    assert a["saved"] == pytest.approx(10.0)
    assert a["saved_fraction"] == pytest.approx((20 / 30 + 0) / 2)
    b = report.loc[("margin", "b")]
    assert b["fired"] == 1.0 and b["at_stop"] == 10.0 and b["saved_fraction"] == 1.0
    assert b["gap_to_final"] == pytest.approx((0.3 + 0.2) / 2)


def test_report_refuses_a_table_without_stopping_columns():
    with pytest.raises(ValueError, match="stopping="):
        stopping_report(pd.DataFrame({"round": [0], "score": [0.5], "n_labeled": [1]}))


def _learner():
    return ActiveLearner(make_classifier_net(max_epochs=3), query_strategy="margin")


def test_simulation_records_each_criterion_and_goes_on_to_the_budget():
    results = simulate_active_learning(
        _learner(), X[:100], y[:100], X[100:], y[100:], initial_size=10, query_size=10,
        n_rounds=4, random_state=0,
        stopping={"budget": LabelBudget(30), "sp": StabilizingPredictions(window=1)},
    )  # fmt: skip
    assert results["n_labeled"].tolist() == [10, 20, 30, 40, 50]  # not cut short
    assert results["stop:budget"].tolist() == [False, False, True, True, True]
    assert results["stop:sp"].iloc[0] == np.False_  # a single model cannot agree with anything
    report = stopping_report(results)
    assert report.loc[("strategy", "budget"), "at_stop"] == 30
    assert report.loc[("strategy", "budget"), "saved"] == 20


def test_interrupted_simulation_keeps_the_criteria_state():
    kwargs = dict(initial_size=10, query_size=10, n_rounds=4, random_state=0)
    args = (X[:100], y[:100], X[100:], y[100:])
    whole = ActiveLearningSimulation(_learner(), stopping=["classification_change"], **kwargs)
    whole.run(*args)
    parts = ActiveLearningSimulation(_learner(), stopping=["classification_change"], **kwargs)
    parts.run(*args, max_rounds=2)
    parts = pickle.loads(pickle.dumps(parts))  # as if continued in a new process
    parts.run(*args)
    pd.testing.assert_series_equal(
        whole.results_["stop:classification_change"], parts.results_["stop:classification_change"]
    )
    name, criterion = parts.stopping_[0]
    assert name == "classification_change" and len(criterion.history_) == 5


def test_cross_validation_passes_stopping_and_costs():
    costs = np.linspace(1, 2, 150)
    results = cross_validate_strategies(
        _learner(), ["random", "margin"], X, y, cv=2, initial_size=10, query_size=10,
        n_rounds=2, stopping=["max_confidence"], costs=costs, verbose=False, random_state=0,
    )  # fmt: skip
    assert {"cost", "stop:max_confidence"} <= set(results.columns)
    for queried, cost, round_ in zip(
        results["queried"], results["cost"], results["round"], strict=True
    ):
        if round_ == 1:
            assert cost == pytest.approx(costs[queried].sum())
    report = stopping_report(results, x="cost")
    assert set(report.index.get_level_values("strategy")) == {"random", "margin"}


def test_unknown_criterion_name_is_refused_before_any_run():
    with pytest.raises(ValueError, match="Unknown stopping criterion 'never'"):
        cross_validate_strategies(
            _learner(), ["random"], X, y, cv=2, initial_size=10, n_rounds=1,
            stopping=["never"], verbose=False,
        )  # fmt: skip
