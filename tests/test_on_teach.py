"""The strategy's ``on_teach`` hook: called after every successful teach."""

import numpy as np
import pytest

from skactive import ActiveLearner
from skactive.model_selection import ActiveLearningSimulation
from skactive.strategies import Random

from .conftest import make_classifier_net


class Recording(Random):
    """Random queries; records every ``on_teach`` call and what the learner held then."""

    def on_teach(self, learner, X_new, y_new):
        self.__dict__.setdefault("calls_", []).append(
            {
                "learner": learner,
                "X_new": np.array(X_new, copy=True),
                "y_new": np.array(y_new, copy=True),
                "n_rounds": learner.n_rounds_,
                "n_labeled": learner.X_labeled_.shape[0],
            }
        )


class Failing(Random):
    def on_teach(self, learner, X_new, y_new):
        raise RuntimeError("on_teach failed")


def test_teach_calls_on_teach_once_with_the_taught_rows(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), query_strategy=Recording(), random_state=0)
    learner.fit(X[::10], y[::10])
    assert "calls_" not in vars(learner.query_strategy_)  # fit is no teach
    idx = learner.query(X, n=4)
    learner.teach(X[idx].astype(np.float64), list(y[idx]))
    learner.teach(X[:3], y[:3])
    calls = learner.query_strategy_.calls_
    assert len(calls) == 2
    assert calls[0]["learner"] is learner
    # The rows as validated: float32 rows and an array of labels.
    assert calls[0]["X_new"].dtype == np.float32
    np.testing.assert_array_equal(calls[0]["X_new"], X[idx])
    np.testing.assert_array_equal(calls[0]["y_new"], y[idx])
    np.testing.assert_array_equal(calls[1]["X_new"], X[:3])
    # Called once the labels are committed and the network retrained.
    assert [c["n_rounds"] for c in calls] == [1, 2]
    assert [c["n_labeled"] for c in calls] == [19, 22]


def test_a_failing_teach_does_not_call_on_teach(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), query_strategy=Recording(), random_state=0)
    learner.fit(X[::10], y[::10])
    with pytest.raises(ValueError):
        learner.teach(X[:2], np.array([0, 7]))  # 7 is no class
    assert "calls_" not in vars(learner.query_strategy_)


def test_a_failing_on_teach_leaves_the_learner_unchanged(blobs):
    X, y = blobs
    learner = ActiveLearner(make_classifier_net(), query_strategy=Failing(), random_state=0)
    learner.fit(X[::10], y[::10])
    before = dict(vars(learner))
    with pytest.raises(RuntimeError, match="on_teach failed"):
        learner.teach(X[:3], y[:3])
    assert vars(learner).keys() == before.keys()
    assert all(vars(learner)[k] is v for k, v in before.items())


def test_simulated_fit_calls_on_teach_every_round(blobs):
    X, y = blobs
    learner = ActiveLearner(
        make_classifier_net(),
        query_strategy=Recording(),
        initial_size=15,
        query_size=10,
        n_rounds=3,
        random_state=0,
    ).fit(X, y)
    calls = learner.query_strategy_.calls_
    assert len(calls) == learner.n_rounds_ == 3
    for call, rows in zip(calls, learner.queried_indices_, strict=True):
        assert call["learner"] is learner
        np.testing.assert_array_equal(call["X_new"], X[rows])
        np.testing.assert_array_equal(call["y_new"], y[rows])
    assert [c["n_labeled"] for c in calls] == [25, 35, 45]


def test_simulation_rounds_call_on_teach(blobs):
    X, y = blobs
    sim = ActiveLearningSimulation(
        ActiveLearner(make_classifier_net(), query_strategy=Recording()),
        initial_size=15,
        query_size=10,
        n_rounds=2,
        random_state=0,
    ).run(X[::2], y[::2], X[1::2], y[1::2])
    calls = sim.learner_.query_strategy_.calls_
    assert len(calls) == 2
    for call, queried in zip(calls, sim.results_["queried"].iloc[1:], strict=True):
        np.testing.assert_array_equal(call["y_new"], y[::2][queried])


def test_strategies_without_on_teach_keep_working(blobs):
    X, y = blobs

    def first_rows(learner, X_pool, n):
        return np.arange(n)

    learner = ActiveLearner(make_classifier_net(), query_strategy=first_rows, random_state=0)
    learner.fit(X[::10], y[::10]).teach(X[:3], y[:3])
    assert learner.n_rounds_ == 1 and learner.X_labeled_.shape[0] == 18
