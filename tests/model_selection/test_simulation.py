"""Simulated experiments and cross-validation of strategies."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import ShuffleSplit

from skactive import ActiveLearner
from skactive.model_selection import (
    cross_validate_strategies,
    dami_protocol,
    draw_initial_set,
    learning_curves,
    results_error_cdf,
    results_penalty_matrix,
    simulate_active_learning,
    summarize_results,
)
from skactive.strategies import Margin, Random

from ..conftest import make_classifier_net, make_regressor_net


@pytest.fixture
def tiny():
    """Three separable 2-D classes, 90 rows."""
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(3), 30)
    X = np.array([[0, 0], [3, 3], [0, 3]])[y] + rng.normal(scale=0.5, size=(90, 2))
    order = rng.permutation(90)
    return X[order].astype(np.float32), y[order]


def _learner(**kwargs):
    return ActiveLearner(make_classifier_net(max_epochs=3), **kwargs)


def test_simulation_with_random_labels_exactly_as_specified(tiny):
    X, y = tiny
    res = simulate_active_learning(
        _learner(query_strategy=Random()), X[:60], y[:60], X[60:], y[60:],
        initial_size=7, query_size=10, budget=40, random_state=0,
    )  # fmt: skip
    # 7 seed rows, full batches of 10, the last one cut to reach 40 exactly.
    assert res["n_labeled"].tolist() == [7, 17, 27, 37, 40]
    assert res["round"].tolist() == [0, 1, 2, 3, 4]
    assert [len(q) for q in res["queried"]] == [7, 10, 10, 10, 3]
    queried = np.concatenate(res["queried"].tolist())
    assert np.unique(queried).shape[0] == queried.shape[0] == 40  # no row twice
    assert queried.min() >= 0 and queried.max() < 60
    assert res["score"].between(0, 1).all()
    assert (res["fit_time"] > 0).all() and res["query_time"].iloc[0] == 0
    assert (res["query_time"].iloc[1:] > 0).all()


def test_simulation_rounds_and_fractions(tiny):
    X, y = tiny
    # 10 % of 60 rows per round; the pool of 60 - 6 = 54 rows runs out after 9 rounds.
    res = simulate_active_learning(
        _learner(query_strategy="random"), X[:60], y[:60], X[60:], y[60:],
        per_class=2, query_size=0.1, n_rounds=20, random_state=1,
    )  # fmt: skip
    assert res["n_labeled"].tolist() == [6, 12, 18, 24, 30, 36, 42, 48, 54, 60]
    np.testing.assert_array_equal(np.bincount(y[res["queried"][0]]), [2, 2, 2])


def test_simulation_is_deterministic_and_leaves_the_learner_alone(tiny):
    X, y = tiny
    learner = _learner(query_strategy="margin")
    kwargs = dict(initial_size=10, query_size=5, n_rounds=2, random_state=3)
    a = simulate_active_learning(learner, X[:60], y[:60], X[60:], y[60:], **kwargs)
    b = simulate_active_learning(learner, X[:60], y[:60], X[60:], y[60:], **kwargs)
    pd.testing.assert_series_equal(a["score"], b["score"])
    assert all(np.array_equal(p, q) for p, q in zip(a["queried"], b["queried"], strict=True))
    assert not hasattr(learner, "estimator_")


def test_simulation_with_a_regressor_and_a_scorer():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(80, 2)).astype(np.float32)
    y = (X[:, 0] - 2 * X[:, 1]).astype(np.float32)
    learner = ActiveLearner(make_regressor_net(max_epochs=5), query_strategy="random")
    res = simulate_active_learning(
        learner, X[:60], y[:60], X[60:], y[60:], initial_size=10, query_size=10, n_rounds=2,
        scoring="neg_mean_squared_error", random_state=0,
    )  # fmt: skip
    assert res["n_labeled"].tolist() == [10, 20, 30]
    assert (res["score"] <= 0).all()


def test_draw_initial_set_per_class_and_size():
    y = np.array([0] * 5 + [1] * 5 + [2] * 5)
    idx = draw_initial_set(y, per_class=3, random_state=0)
    np.testing.assert_array_equal(np.bincount(y[idx]), [3, 3, 3])
    assert np.unique(idx).shape[0] == 9
    assert draw_initial_set(y, 0.2, random_state=0).shape == (3,)
    np.testing.assert_array_equal(
        draw_initial_set(y, 4, random_state=5), draw_initial_set(y, 4, random_state=5)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(size=5, per_class=1), "exactly one of size"),
        (dict(size=15), "leaves no pool"),
        (dict(size=1.5), "must lie in"),
        (dict(size=0), "at least 1"),
        (dict(per_class=6), "classes \\[0, 1, 2\\] have fewer"),
        (dict(per_class=5), "leaves no pool"),
        (dict(per_class=0), "positive integer"),
    ],
)
def test_draw_initial_set_refuses_bad_input(kwargs, message):
    y = np.array([0] * 5 + [1] * 5 + [2] * 5)
    with pytest.raises(ValueError, match=message):
        draw_initial_set(y, **kwargs)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(initial_size=5), ValueError, "exactly one of n_rounds"),
        (dict(initial_size=5, n_rounds=1, budget=9), ValueError, "exactly one of n_rounds"),
        (dict(n_rounds=1), ValueError, "exactly one of initial_size"),
        (dict(initial_size=5, budget=3), ValueError, "smaller than the seed set"),
        (dict(initial_size=5, budget=61), ValueError, "exceeds the 60 training rows"),
        (dict(initial_size=5, n_rounds=-1), ValueError, "non-negative"),
        (dict(initial_size=5, n_rounds=1, query_size=0.0), ValueError, "must lie in"),
        (dict(initial_size=5, n_rounds=1, query_size="5"), TypeError, "int or a float"),
        (dict(initial_indices=[0, 0, 1], n_rounds=1), ValueError, "repeated"),
        (dict(initial_indices=[0, 60], n_rounds=1), ValueError, "must lie in"),
        (dict(initial_size=5, n_rounds=1, scoring="no_such_score"), ValueError, "no_such_score"),
    ],
)
def test_simulation_refuses_bad_input(tiny, kwargs, error, message):
    X, y = tiny
    with pytest.raises(error, match=message):
        simulate_active_learning(_learner(), X[:60], y[:60], X[60:], y[60:], **kwargs)


def test_simulation_refuses_a_non_learner(tiny):
    X, y = tiny
    with pytest.raises(TypeError, match="must be an ActiveLearner"):
        simulate_active_learning(make_classifier_net(), X, y, X, y, initial_size=5, n_rounds=1)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        simulate_active_learning(_learner(), X, y[:-1], X, y, initial_size=5, n_rounds=1)


def _cv(tiny, **kwargs):
    X, y = tiny
    params = dict(
        cv=3, n_repeats=2, initial_size=6, query_size=8, n_rounds=3, verbose=False,
        random_state=0,
    )  # fmt: skip
    params.update(kwargs)
    return cross_validate_strategies(_learner(), ["random", "margin", "entropy"], X, y, **params)


def test_cross_validation_pairs_strategies_on_the_same_seed_sets(tiny):
    X, y = tiny
    res = _cv(tiny)
    assert list(res.columns) == [
        "strategy", "repeat", "fold", "round", "n_labeled", "score", "query_time",
        "fit_time", "queried",
    ]  # fmt: skip
    assert len(res) == 3 * 3 * 2 * 4
    assert (res.groupby(["strategy", "repeat", "fold"])["n_labeled"].apply(list)
            .map(lambda n: n == [6, 14, 22, 30]).all())  # fmt: skip
    seeds = res[res["round"] == 0]
    for (_, _), group in seeds.groupby(["repeat", "fold"]):
        sets = [tuple(q) for q in group["queried"]]
        assert len(set(sets)) == 1  # every strategy starts from the same seed set
        # and the same network: identical scores after the seed set.
        assert group["score"].nunique() == 1
    distinct = {tuple(q) for q in seeds["queried"]}
    assert len(distinct) == 6  # but each (repeat, fold) has its own
    for _, run in res.groupby(["strategy", "repeat", "fold"]):
        rows = np.concatenate(run["queried"].tolist())
        assert np.unique(rows).shape[0] == rows.shape[0]  # no row twice (indices into X)
        assert rows.max() < len(X)
    # The strategies did choose differently somewhere after the seed set.
    later = res[res["round"] == 1].groupby(["repeat", "fold"])["queried"]
    assert any(len({tuple(q) for q in g}) > 1 for _, g in later)


def test_results_do_not_depend_on_n_jobs(tiny):
    one = _cv(tiny, n_jobs=1)
    two = _cv(tiny, n_jobs=2)
    columns = ["strategy", "repeat", "fold", "round", "n_labeled", "score"]
    pd.testing.assert_frame_equal(one[columns], two[columns])
    assert all(np.array_equal(a, b) for a, b in zip(one["queried"], two["queried"], strict=True))


def test_summary_penalty_and_cdf_from_results(tiny):
    res = _cv(tiny, n_rounds=4)
    summary = summarize_results(res)
    assert list(summary.index) == ["random", "margin", "entropy"]
    assert list(summary.columns) == ["aulc", "final_score", "labels_to_target", "penalty"]
    assert summary["aulc"].between(0, 1).all()
    last = res[res["round"] == 4].groupby("strategy", sort=False)["score"].mean()
    np.testing.assert_allclose(summary["final_score"], last[summary.index])
    assert summary.attrs["target"] == pytest.approx(last["random"])
    P = results_penalty_matrix(res)
    assert P.shape == (3, 3) and np.all(np.diag(P) == 0)
    np.testing.assert_allclose(summary["penalty"], P.sum(axis=0) / 2)
    cdf = results_error_cdf(res)
    np.testing.assert_allclose(cdf["random"][0], 1.0)
    curves = learning_curves(res, aggregate="median")
    assert (curves["spread_low"] <= curves["score"]).all()
    assert (curves["score"] <= curves["spread_high"]).all()


def test_summary_and_penalty_refuse_bad_results(tiny):
    res = _cv(tiny, n_repeats=1)
    with pytest.raises(ValueError, match="lacks the columns \\['score'\\]"):
        summarize_results(res.drop(columns="score"))
    with pytest.raises(ValueError, match="baseline 'passive' is not among"):
        results_penalty_matrix(res, baseline="passive")
    with pytest.raises(ValueError, match="aggregate must be one of"):
        learning_curves(res, aggregate="max")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(strategies=[]), ValueError, "strategies is empty"),
        (dict(strategies="random"), TypeError, "must be a list"),
        (dict(strategies=[Random(), Random()]), ValueError, "named \\['Random'\\]"),
        (dict(strategies=[42]), TypeError, "not a strategy"),
        (dict(cv=1), ValueError, "at least 2 folds"),
        (dict(cv="three"), TypeError, "cv must be an int"),
        (dict(n_repeats=0), ValueError, "n_repeats must be a positive"),
        (dict(initial_size=None), ValueError, "exactly one of initial_size"),
        (dict(query_size=2.0), ValueError, "must lie in"),
    ],
)
def test_cross_validation_refuses_bad_input(tiny, kwargs, error, message):
    X, y = tiny
    params = dict(strategies=["random"], cv=3, initial_size=6, n_rounds=1, verbose=False)
    params.update(kwargs)
    strategies = params.pop("strategies")
    with pytest.raises(error, match=message):
        cross_validate_strategies(_learner(), strategies, X, y, **params)


def test_cross_validation_with_a_splitter_and_a_dict(tiny):
    X, y = tiny
    res = cross_validate_strategies(
        _learner(), {"passive": "random", "active": "margin"}, X, y,
        cv=ShuffleSplit(2, test_size=0.3, random_state=0), per_class=2, query_size=5,
        budget=16, verbose=False, random_state=0,
    )  # fmt: skip
    assert set(res["strategy"]) == {"passive", "active"}
    assert sorted(set(res["n_labeled"])) == [6, 11, 16]


def test_dami_protocol_follows_the_paper(tiny):
    X, y = tiny
    binary = (y == 0).astype(int)
    X = np.repeat(X, 2, axis=0)  # 180 rows: 108 training rows, 2 % = 2 rows
    binary = np.repeat(binary, 2)
    out = dami_protocol(
        _learner(), ["random", "margin"], X, binary, n_runs=2, verbose=False, random_state=0
    )
    res = out.results
    # 2 % of 108 = 2 seed rows, 2 per round, up to 50 % = 54 rows.
    assert sorted(set(res["n_labeled"])) == list(range(2, 56, 2))
    assert res.groupby(["repeat", "fold"]).ngroups == 2
    assert res["score"].between(0, 1).all()  # AUC
    assert list(out.summary.index) == ["random", "margin"]
    median = res.groupby(["strategy", "round"], sort=False)["score"].median().to_numpy()
    np.testing.assert_allclose(out.curves["score"], median)


_INTERRUPT = {"calls": 0, "at": None}


def interrupting_margin(learner, X_pool, n):
    """Margin, raising KeyboardInterrupt on the ``at``-th call of a test."""
    _INTERRUPT["calls"] += 1
    if _INTERRUPT["calls"] == _INTERRUPT["at"]:
        raise KeyboardInterrupt
    return Margin().query(learner, X_pool, n, random_state=0)


def test_interrupted_cross_validation_keeps_its_runs_and_goes_on_from_them(tiny):
    X, y = tiny
    strategies = {"random": "random", "margin": interrupting_margin}
    params = dict(cv=2, initial_size=6, query_size=8, n_rounds=2, verbose=False, random_state=3)
    _INTERRUPT.update(calls=0, at=None)
    full = cross_validate_strategies(_learner(), strategies, X, y, n_jobs=1, **params)
    # Interrupt the second fold's margin run (its second query).
    _INTERRUPT.update(calls=0, at=4)
    with pytest.raises(KeyboardInterrupt) as info:
        cross_validate_strategies(_learner(), strategies, X, y, n_jobs=1, **params)
    kept = info.value.results
    runs = list(dict.fromkeys(zip(kept["strategy"], kept["fold"], strict=True)))
    assert runs == [("random", 0), ("margin", 0), ("random", 1)]
    columns = ["strategy", "repeat", "fold", "round", "n_labeled", "score"]
    pd.testing.assert_frame_equal(kept[columns], full[columns].iloc[: len(kept)])
    # Going on runs only the missing run and gives the uninterrupted results.
    _INTERRUPT.update(calls=0, at=None)
    resumed = cross_validate_strategies(
        _learner(), strategies, X, y, n_jobs=1, completed=kept, **params
    )
    assert _INTERRUPT["calls"] == 2  # the margin run of fold 1 only
    pd.testing.assert_frame_equal(resumed[columns], full[columns])
    assert all(
        np.array_equal(a, b) for a, b in zip(resumed["queried"], full["queried"], strict=True)
    )


def test_completed_runs_must_come_from_the_same_arguments(tiny):
    X, y = tiny
    res = _cv(tiny, n_repeats=1)
    with pytest.raises(ValueError, match="needs an int random_state"):
        _cv(tiny, n_repeats=1, completed=res, random_state=None)
    with pytest.raises(ValueError, match="lacks the columns \\['score'\\]"):
        _cv(tiny, n_repeats=1, completed=res.drop(columns="score"))
    with pytest.raises(ValueError, match="runs .* that these arguments do not make"):
        _cv(tiny, n_repeats=1, cv=2, completed=res)
    # Every run already complete: nothing runs again, the same table comes back.
    again = _cv(tiny, n_repeats=1, completed=res)
    pd.testing.assert_frame_equal(again.drop(columns="queried"), res.drop(columns="queried"))
