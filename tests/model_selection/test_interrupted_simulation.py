"""A simulation interrupted mid-round keeps its completed rounds and continues.

Each test interrupts a run at round ``K`` (a KeyboardInterrupt raised from
the seed-set fit, the query, the training of ``teach`` or the scorer),
checks that rounds ``0 .. K-1`` are kept exactly and that the interrupted
round left no trace, then continues it, in place or after pickling, and
compares with a run that never stopped (times aside).
"""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skactive import ActiveLearner
from skactive.model_selection import ActiveLearningSimulation, simulate_active_learning
from skactive.strategies import Margin, _albl

from ..conftest import make_classifier_net

K = 3  # the interrupted round
SETTING = dict(initial_size=6, query_size=5, n_rounds=5, random_state=0)
STRATEGIES = ["margin", "albl"]


@pytest.fixture(scope="module")
def data():
    """Train and test rows of three separable 2-D classes."""
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(3), 30)
    X = np.array([[0, 0], [3, 3], [0, 3]])[y] + rng.normal(scale=1.0, size=(90, 2))
    order = rng.permutation(90)
    X, y = X[order].astype(np.float32), y[order]
    return X[:60], y[:60], X[60:], y[60:]


def _learner(strategy):
    return ActiveLearner(make_classifier_net(max_epochs=3), query_strategy=strategy)


@pytest.fixture(scope="module")
def reference(data):
    """The uninterrupted run of each strategy."""
    return {s: simulate_active_learning(_learner(s), *data, **SETTING) for s in STRATEGIES}


def _assert_same_rounds(got, expected):
    assert got.columns.tolist() == expected.columns.tolist()
    for column in ("round", "n_labeled", "score"):
        assert got[column].tolist() == expected[column].tolist(), column
    assert len(got["queried"]) == len(expected["queried"])
    for a, b in zip(got["queried"], expected["queried"], strict=True):
        np.testing.assert_array_equal(a, b)


def _interrupt_on_call(monkeypatch, owner, name, at):
    """Make ``owner.name`` raise KeyboardInterrupt on its ``at``-th call."""
    original = getattr(owner, name)
    calls = []

    def interrupting(*args, **kwargs):
        calls.append(None)
        if len(calls) == at:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupting)
    return calls


def _interrupt(monkeypatch, where, strategy):
    """Interrupt round K (round 0 for "seed") at the given step."""
    if where == "seed":
        return _interrupt_on_call(monkeypatch, ActiveLearner, "_train", 1)
    if where == "query" and strategy == "margin":
        return _interrupt_on_call(monkeypatch, Margin, "query", K)
    if where == "query":
        # Half-way through ALBL's bandit update, once it has recorded the
        # positions of round K-1's rows (rewards are computed from round 2 on).
        return _interrupt_on_call(monkeypatch, _albl, "importance_weighted_accuracy", K - 1)
    if where == "teach":  # the training of round K (the seed set is training 1)
        return _interrupt_on_call(monkeypatch, ActiveLearner, "_train", K + 1)
    return _interrupt_on_call(monkeypatch, ActiveLearner, "score", K + 1)  # after teach


def _resume(simulation, how, tmp_path):
    if how == "pickle":
        return pickle.loads(pickle.dumps(simulation))
    if how == "joblib":
        joblib.dump(simulation, tmp_path / "simulation.joblib")
        return joblib.load(tmp_path / "simulation.joblib")
    return simulation


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize(
    "where, how", [("query", "pickle"), ("teach", "joblib"), ("score", "in place")]
)
def test_interrupted_round_leaves_no_trace_and_the_run_continues(
    data, reference, monkeypatch, tmp_path, strategy, where, how
):
    expected = reference[strategy]
    # What the learner looked like after round K-1 of an uninterrupted run.
    before = ActiveLearningSimulation(_learner(strategy), **SETTING).run(*data, max_rounds=K - 1)

    simulation = ActiveLearningSimulation(_learner(strategy), **SETTING)
    calls = _interrupt(monkeypatch, where, strategy)
    with pytest.raises(KeyboardInterrupt):
        simulation.run(*data)
    assert len(calls) > 0

    # Rounds 0 .. K-1 kept exactly, nothing of round K.
    assert simulation.n_rounds_ == K - 1 and not simulation.finished_
    _assert_same_rounds(simulation.results_, expected.iloc[:K])
    labelled = np.concatenate(expected["queried"].iloc[:K].tolist())
    np.testing.assert_array_equal(simulation.pool_indices_, np.setdiff1d(np.arange(60), labelled))
    learner, twin = simulation.learner_, before.learner_
    assert learner.n_rounds_ == K - 1
    np.testing.assert_array_equal(learner.X_labeled_, twin.X_labeled_)
    np.testing.assert_array_equal(learner.predict_proba(data[2]), twin.predict_proba(data[2]))
    if strategy == "albl":
        state, twin_state = learner.query_strategy_, twin.query_strategy_
        assert len(state.history_) == len(twin_state.history_) == K - 2
        np.testing.assert_array_equal(state.log_weights_, twin_state.log_weights_)
        np.testing.assert_array_equal(state.queried_positions_, twin_state.queried_positions_)
        np.testing.assert_array_equal(state.pending_["indices"], twin_state.pending_["indices"])

    resumed = _resume(simulation, how, tmp_path).run(*data)
    assert resumed.finished_ and resumed.n_rounds_ == 5
    _assert_same_rounds(resumed.results_, expected)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_interrupted_seed_set_starts_again(data, reference, monkeypatch, strategy):
    simulation = ActiveLearningSimulation(_learner(strategy), **SETTING)
    _interrupt(monkeypatch, "seed", strategy)
    with pytest.raises(KeyboardInterrupt):
        simulation.run(*data)
    assert not hasattr(simulation, "results_") and not hasattr(simulation, "learner_")
    _assert_same_rounds(simulation.run(*data).results_, reference[strategy])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_simulate_active_learning_hands_over_the_interrupted_run(
    data, reference, monkeypatch, strategy
):
    _interrupt(monkeypatch, "teach", strategy)
    with pytest.raises(KeyboardInterrupt) as caught:
        simulate_active_learning(_learner(strategy), *data, **SETTING)
    simulation = caught.value.simulation
    _assert_same_rounds(simulation.results_, reference[strategy].iloc[:K])
    assert any("error.simulation" in note for note in getattr(caught.value, "__notes__", [""]))
    _assert_same_rounds(simulation.run(*data).results_, reference[strategy])


def test_checkpointed_round_by_round_equals_one_run(data, reference, tmp_path):
    path = tmp_path / "simulation.joblib"
    simulation = ActiveLearningSimulation(_learner("albl"), **SETTING)
    sizes = []
    while not simulation.run(*data, max_rounds=1).finished_:
        sizes.append(len(simulation.results_))
        joblib.dump(simulation, path)
        simulation = joblib.load(path)
    assert sizes == [2, 3, 4, 5]
    _assert_same_rounds(simulation.results_, reference["albl"])
    np.testing.assert_array_equal(simulation.schedule_, [5, 5, 5, 5, 5])
    # A finished simulation has nothing left to do.
    learner = simulation.learner_
    assert simulation.run(*data).learner_ is learner and learner.n_rounds_ == 5
    _assert_same_rounds(simulation.results_, reference["albl"])
    # max_rounds=0 starts it (the seed set) and runs no round.
    fresh = clone(simulation).run(*data, max_rounds=0)
    assert fresh.n_rounds_ == 0 and len(fresh.results_) == 1
    assert isinstance(fresh.results_, pd.DataFrame)


def test_continuing_needs_the_same_data(data):
    X, y, X_test, y_test = data
    simulation = ActiveLearningSimulation(_learner("margin"), **SETTING)
    simulation.run(X, y, X_test, y_test, max_rounds=1)
    with pytest.raises(ValueError, match="differ from those this simulation started with"):
        simulation.run(X, y[::-1].copy(), X_test, y_test)
    assert simulation.n_rounds_ == 1
    # The same values in another memory layout (as if loaded again) are accepted.
    strided = np.repeat(X, 2, axis=0)[::2]
    simulation.run(strided, y.copy(), np.asfortranarray(X_test), list(y_test), max_rounds=1)
    assert simulation.n_rounds_ == 2


def test_a_simulation_on_frames_continues_on_the_same_frames(data):
    X, y, X_test, y_test = data
    frame, test_frame = (
        pd.DataFrame(X, columns=["a", "b"]),
        pd.DataFrame(X_test, columns=["a", "b"]),
    )
    simulation = ActiveLearningSimulation(_learner("margin"), **SETTING)
    simulation.run(frame, y, test_frame, y_test, max_rounds=1)
    with pytest.raises(ValueError, match="differ from those"):
        simulation.run(frame.rename(columns={"b": "c"}), y, test_frame, y_test)
    simulation.run(frame.copy(), pd.Series(y), test_frame.iloc[::1], y_test)
    assert simulation.finished_ and len(simulation.results_) == 6


@pytest.mark.parametrize("max_rounds", [-1, 1.5, True, "2"])
def test_max_rounds_is_validated(data, max_rounds):
    simulation = ActiveLearningSimulation(_learner("margin"), **SETTING)
    with pytest.raises(ValueError, match="max_rounds must be a non-negative integer"):
        simulation.run(*data, max_rounds=max_rounds)
    assert not hasattr(simulation, "results_")
