"""Bad input to annotation costs, stopping criteria and stream selectors.

- ``COST_CASES``: ``learner.query(X_pool, n, costs=..., max_cost=...)`` with
  bad costs; the learner is left exactly as it was (the snapshot of
  ``test_bad_input.py``), and so are the global random generators.
- ``STOPPING_STREAM_CASES``: a stopping criterion or a stream selector used
  wrongly (before fit, a budget outside (0, 1], bad parameters), and the
  simulation given bad costs or criteria; the criterion or selector keeps
  no trace of the call (no fitted attribute appears).
- ``COST_CLI_CASES``: ``skactive compare --stopping`` with an unknown name.

Each id is a row of ``docs/bad_input.md`` (checked in ``test_bad_input.py``).
"""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from skactive import ActiveLearner
from skactive.model_selection import simulate_active_learning, simulate_stream
from skactive.stopping import (
    AnyOf,
    CostBudget,
    LabelBudget,
    MaxConfidence,
    StabilizingPredictions,
    ValidationPlateau,
)
from skactive.stream import RandomBudget, Split, VariableUncertainty

from .conftest import make_classifier_net, make_regressor_net
from .test_bad_input import POOL, X, assert_same_rng, check_case, fitted, global_rng, y
from .test_bad_input_experiments import compare

COSTS = np.linspace(1, 2, POOL.shape[0])


def with_cost(value):
    costs = COSTS.copy()
    costs[3] = value
    return costs


def badge_learner():
    from skactive.strategies import BADGE

    return ActiveLearner(make_classifier_net(max_epochs=5), BADGE(), random_state=0).fit(X, y)


# (id, make the learner, the failing call, error type, message pattern)
COST_CASES = [
    (
        "query costs of the wrong length",
        fitted,
        lambda m: m.query(POOL, 2, costs=COSTS[:-1]),
        ValueError,
        r"costs has shape \(39,\), but the pool has 40 rows",
    ),
    (
        "query negative cost",
        fitted,
        lambda m: m.query(POOL, 2, costs=with_cost(-1.0)),
        ValueError,
        "costs must be positive, got a minimum of -1.0",
    ),
    (
        "query zero cost",
        fitted,
        lambda m: m.query(POOL, 2, costs=with_cost(0.0)),
        ValueError,
        "costs must be positive",
    ),
    (
        "query NaN cost",
        fitted,
        lambda m: m.query(POOL, 2, costs=with_cost(np.nan)),
        ValueError,
        "costs contains NaN or infinity",
    ),
    (
        "query costs not numbers",
        fitted,
        lambda m: m.query(POOL, 2, costs=["cheap"] * 40),
        ValueError,
        "costs must be numbers, one per pool row",
    ),
    (
        "query costs 2-D",
        fitted,
        lambda m: m.query(POOL, 2, costs=np.ones((40, 2))),
        ValueError,
        r"costs has shape \(40, 2\)",
    ),
    (
        "query costs column not in the pool",
        fitted,
        lambda m: m.query(POOL, 2, costs="cost"),
        ValueError,
        "costs='cost' names a column, but X_pool has no such column",
    ),
    (
        "query max_cost without costs",
        fitted,
        lambda m: m.query(POOL, 2, max_cost=3.0),
        ValueError,
        "max_cost needs costs",
    ),
    (
        "query max_cost below every cost",
        fitted,
        lambda m: m.query(POOL, 2, costs=COSTS, max_cost=0.5),
        ValueError,
        r"max_cost=0.5 is below the cheapest pool row \(1.0\)",
    ),
    (
        "query negative max_cost",
        fitted,
        lambda m: m.query(POOL, 2, costs=COSTS, max_cost=-2),
        ValueError,
        "max_cost must be a positive number",
    ),
    (
        "query costs with a batch strategy",
        badge_learner,
        lambda m: m.query(POOL, 2, costs=COSTS),
        TypeError,
        "BADGE does not take annotation costs: it chooses its batch jointly",
    ),
    (
        "query costs with n = 0",
        fitted,
        lambda m: m.query(POOL, 0, costs=COSTS),
        ValueError,
        "n must be at least 1, got 0",
    ),
]


def unfitted():
    return ActiveLearner(make_classifier_net(max_epochs=2), random_state=0)


def regressor():
    return ActiveLearner(make_regressor_net(max_epochs=2), "random", random_state=0).fit(X, X[:, 0])


def sim(**kwargs):
    learner = ActiveLearner(make_classifier_net(max_epochs=2), "margin")
    settings = {"initial_size": 6, "n_rounds": 1, "random_state": 0, **kwargs}
    return simulate_active_learning(learner, X, y, X[::3], y[::3], **settings)


# (id, make the object, the failing call given it, error type, message pattern)
STOPPING_STREAM_CASES = [
    (
        "criterion before fit",
        StabilizingPredictions,
        lambda c: c.should_stop(unfitted(), POOL),
        NotFittedError,
        "This ActiveLearner instance is not fitted yet",
    ),
    (
        "criterion threshold above 1",
        lambda: StabilizingPredictions(threshold=1.5),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "The 'threshold' parameter of StabilizingPredictions must be a float in the range",
    ),
    (
        "criterion window 0",
        lambda: StabilizingPredictions(window=0),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "The 'window' parameter of StabilizingPredictions must be an int in the range",
    ),
    (
        "confidence criterion on an empty pool",
        MaxConfidence,
        lambda c: c.should_stop(fitted(), POOL[:0]),
        ValueError,
        "X_pool is empty: MaxConfidence reads the model's confidence",
    ),
    (
        "confidence criterion on a regressor",
        MaxConfidence,
        lambda c: c.should_stop(regressor(), POOL),
        ValueError,
        "MaxConfidence reads class probabilities: use it with a classifier",
    ),
    (
        "criterion pool of the wrong width",
        MaxConfidence,
        lambda c: c.should_stop(fitted(), np.c_[POOL, POOL]),
        ValueError,
        "X has 4 features, but ActiveLearner is expecting 2 features",
    ),
    (
        "cost budget column missing",
        lambda: CostBudget(10.0, costs="cost"),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "costs='cost' names a column, but the learner's labelled rows have no such column",
    ),
    (
        "cost budget costs of the wrong length",
        lambda: CostBudget(10.0, costs=lambda X_: np.ones(3)),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        r"costs gave \(3,\) values for 60 labelled rows",
    ),
    (
        "label budget 0",
        lambda: LabelBudget(0),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "The 'max_labels' parameter of LabelBudget must be an int in the range",
    ),
    (
        "any-of without criteria",
        lambda: AnyOf([]),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "AnyOf needs a non-empty list of stopping criteria",
    ),
    (
        "validation plateau patience 0",
        lambda: ValidationPlateau(X, y, patience=0),
        lambda c: c.should_stop(fitted(), POOL),
        ValueError,
        "The 'patience' parameter of ValidationPlateau must be an int",
    ),
    (
        "stream budget 0",
        lambda: VariableUncertainty(budget=0),
        lambda s: s.ask(fitted(), POOL),
        ValueError,
        r"budget=0: the labelling budget .* must lie in \(0, 1\]",
    ),
    (
        "stream budget above 1",
        lambda: RandomBudget(budget=1.5),
        lambda s: s.ask(fitted(), POOL),
        ValueError,
        r"budget=1.5: .* must lie in \(0, 1\]",
    ),
    (
        "stream budget NaN",
        lambda: Split(budget=np.nan),
        lambda s: s.ask(fitted(), POOL),
        ValueError,
        r"must lie in \(0, 1\]",
    ),
    (
        "stream selector before fit",
        VariableUncertainty,
        lambda s: s.ask(unfitted(), POOL),
        NotFittedError,
        "This ActiveLearner instance is not fitted yet",
    ),
    (
        "stream step 0",
        lambda: VariableUncertainty(step=0.0),
        lambda s: s.ask(fitted(), POOL),
        ValueError,
        "The 'step' parameter of VariableUncertainty must be a float in the range",
    ),
    (
        "stream random share above 1",
        lambda: Split(random_share=2.0),
        lambda s: s.ask(fitted(), POOL),
        ValueError,
        "The 'random_share' parameter of Split must be a float in the range",
    ),
    (
        "stream uncertainty on a regressor",
        VariableUncertainty,
        lambda s: s.ask(regressor(), POOL),
        ValueError,
        "VariableUncertainty reads class probabilities: use it with a classifier",
    ),
    (
        "stream simulation retrain_every 0",
        VariableUncertainty,
        lambda s: simulate_stream(unfitted(), s, X, y, X, y, retrain_every=0),
        ValueError,
        "retrain_every must be a positive integer, got 0",
    ),
    (
        "stream simulation seed set covers the stream",
        VariableUncertainty,
        lambda s: simulate_stream(unfitted(), s, X, y, X, y, initial_size=60),
        ValueError,
        "initial_size=60 leaves no stream: X has only 60 rows",
    ),
    (
        "stream simulation not a selector",
        VariableUncertainty,
        lambda s: simulate_stream(unfitted(), "split", X, y, X, y),
        TypeError,
        "selector must be a stream selector of skactive.stream",
    ),
    (
        "simulate: costs of the wrong length",
        VariableUncertainty,
        lambda s: sim(costs=np.ones(59)),
        ValueError,
        r"costs has shape \(59,\), but X has 60 training rows",
    ),
    (
        "simulate: NaN cost",
        VariableUncertainty,
        lambda s: sim(costs=np.r_[np.nan, np.ones(59)]),
        ValueError,
        "costs contains NaN or infinity",
    ),
    (
        "simulate: cost_budget without costs",
        VariableUncertainty,
        lambda s: sim(cost_budget=10.0),
        ValueError,
        "cost_budget needs costs",
    ),
    (
        "simulate: negative cost_budget",
        VariableUncertainty,
        lambda s: sim(costs=np.ones(60), cost_budget=-1.0),
        ValueError,
        "cost_budget must be a positive number, got -1.0",
    ),
    (
        "simulate: unknown stopping criterion",
        VariableUncertainty,
        lambda s: sim(stopping=["soon"]),
        ValueError,
        r"Unknown stopping criterion 'soon': choose among \[",
    ),
    (
        "simulate: stopping not a criterion",
        VariableUncertainty,
        lambda s: sim(stopping=[42]),
        TypeError,
        "42 is not a stopping criterion",
    ),
]


COST_CLI_CASES = [
    (
        "compare: unknown --stopping",
        compare("ok", "--stopping", "never"),
        "unknown stopping criteria ['never']; choose among",
    ),
    (
        "compare: --stopping twice the same",
        compare("ok", "--stopping", "max_confidence,max_confidence"),
        "--stopping names a criterion twice",
    ),
]


def _ids(table):
    return [case[0] for case in table]


@pytest.mark.parametrize(
    "make, call, error, message", [c[1:] for c in COST_CASES], ids=_ids(COST_CASES)
)
def test_costs_refused_and_learner_unchanged(make, call, error, message):
    check_case(make, call, error, message)


@pytest.mark.parametrize(
    "make, call, error, message",
    [c[1:] for c in STOPPING_STREAM_CASES],
    ids=_ids(STOPPING_STREAM_CASES),
)
def test_criteria_and_selectors_refuse_bad_use_and_keep_no_trace(make, call, error, message):
    obj = make()
    params = repr(obj.get_params())
    attributes = sorted(vars(obj))
    rng_before = global_rng()
    with pytest.raises(error, match=message):
        call(obj)
    assert_same_rng(rng_before, global_rng())
    assert sorted(vars(obj)) == attributes  # no fitted attribute appeared
    assert repr(obj.get_params()) == params


def test_a_failing_call_after_good_ones_leaves_the_state_as_it_was():
    learner = fitted()
    criterion = MaxConfidence()
    criterion.should_stop(learner, POOL)
    history = copy.deepcopy(criterion.history_)
    with pytest.raises(ValueError, match="X has 4 features"):
        criterion.should_stop(learner, np.c_[POOL, POOL])
    assert criterion.history_ == history
    selector = VariableUncertainty(budget=0.5)
    selector.ask(learner, POOL)
    state = (selector.threshold_, selector.spending_, selector.n_seen_)
    with pytest.raises(ValueError, match="X has 4 features"):
        selector.ask(learner, np.c_[POOL, POOL])
    assert (selector.threshold_, selector.spending_, selector.n_seen_) == state


@pytest.mark.parametrize("argv, message", [c[1:] for c in COST_CLI_CASES], ids=_ids(COST_CLI_CASES))
def test_cli_refuses_bad_stopping_names(argv, message, files, capsys):
    from skactive._cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv(files))
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err


@pytest.fixture
def files(tmp_path):
    path = tmp_path / "ok.csv"
    rng = np.random.RandomState(0)
    pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40), "y": [0, 1] * 20}).to_csv(
        path, index=False
    )
    return {"ok": str(path), "out": str(tmp_path / "out")}
