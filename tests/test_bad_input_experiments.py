"""Bad input to the experiment tools: the simulation and the ``skactive`` command.

``SIMULATION_CASES``: :func:`simulate_active_learning`,
:func:`cross_validate_strategies` and :func:`dami_protocol` refuse bad input
with a clear error, before training anything where they can, and leave the
template learner they were given unfitted and unchanged, and NumPy's and
torch's global random generators as they were.

``CLI_CASES``: ``skactive demo`` and ``skactive compare`` answer bad
arguments and unusable data with a one-line message and exit status 2, never
a traceback, and write no results.

Each id is a row of ``docs/bad_input.md`` (checked in ``test_bad_input.py``).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skactive import ActiveLearner
from skactive._cli import main
from skactive.model_selection import (
    cross_validate_strategies,
    dami_protocol,
    simulate_active_learning,
)

from .conftest import make_classifier_net
from .test_bad_input import X, assert_same_rng, global_rng, with_value, y

X_TEST, Y_TEST = X[::3], y[::3]


def template():
    return ActiveLearner(make_classifier_net(max_epochs=2), query_strategy="random")


def simulate(learner=None, X_=X, y_=y, X_test=X_TEST, y_test=Y_TEST, **kwargs):
    settings = {"initial_size": 6, "n_rounds": 1, "random_state": 0, **kwargs}
    learner = template() if learner is None else learner
    return simulate_active_learning(learner, X_, y_, X_test, y_test, **settings)


def cross_validate(strategies=("random",), learner=None, X_=X, y_=y, **kwargs):
    settings = {"initial_size": 6, "n_rounds": 1, "random_state": 0, "verbose": False, **kwargs}
    learner = template() if learner is None else learner
    return cross_validate_strategies(learner, list(strategies), X_, y_, **settings)


def dami(strategies=("random",), learner=None, **kwargs):
    settings = {"n_runs": 2, "random_state": 0, "verbose": False, **kwargs}
    learner = template() if learner is None else learner
    return dami_protocol(learner, list(strategies), X, y, **settings)


# (id, the failing call given the template learner, error type, message pattern)
SIMULATION_CASES = [
    (
        "simulate: not a learner",
        lambda t: simulate(object()),
        TypeError,
        "learner must be an ActiveLearner .*got object",
    ),
    (
        "simulate: a bare skorch net",
        lambda t: simulate(make_classifier_net()),
        TypeError,
        "learner must be an ActiveLearner .*got NeuralNetClassifier",
    ),
    (
        "simulate: X and y lengths differ",
        lambda t: simulate(t, y_=y[:-1]),
        ValueError,
        r"inconsistent numbers of samples: \[60, 59\]",
    ),
    (
        "simulate: X_test and y_test lengths differ",
        lambda t: simulate(t, y_test=Y_TEST[:-1]),
        ValueError,
        r"inconsistent numbers of samples: \[20, 19\]",
    ),
    (
        "simulate: NaN in X",
        lambda t: simulate(t, X_=with_value(X, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "simulate: NaN in X_test",
        lambda t: simulate(t, X_test=with_value(X_TEST, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "simulate: 3-D X",
        lambda t: simulate(t, X_=X[:, :, None]),
        ValueError,
        r"X has rows of shape \(2,\), but the learner was fitted on rows of shape \(2, 1\)",
    ),
    (
        "simulate: empty test set",
        lambda t: simulate(t, X_test=X_TEST[:0], y_test=Y_TEST[:0]),
        ValueError,
        "X_test is empty: there is nothing to score on",
    ),
    (
        "simulate: one training row",
        lambda t: simulate(t, X_=X[:1], y_=y[:1], initial_size=1),
        ValueError,
        "X has 1 rows: a seed set and a pool need at least 2",
    ),
    (
        "simulate: regression target for a classifier",
        lambda t: simulate(t, y_=X[:, 0] + 0.5),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "simulate: initial_size 0",
        lambda t: simulate(t, initial_size=0),
        ValueError,
        "size must be at least 1, got 0",
    ),
    (
        "simulate: seed set covers X",
        lambda t: simulate(t, initial_size=60),
        ValueError,
        "A seed set of 60 rows leaves no pool",
    ),
    (
        "simulate: initial_size fraction above 1",
        lambda t: simulate(t, initial_size=1.5),
        ValueError,
        r"size=1.5: a float is a fraction of the training rows and must lie in \(0, 1\)",
    ),
    (
        "simulate: two seed-set options",
        lambda t: simulate(t, per_class=2),
        ValueError,
        "Give exactly one of initial_size, per_class and initial_indices",
    ),
    (
        "simulate: per_class above a class count",
        lambda t: simulate(t, initial_size=None, per_class=40),
        ValueError,
        r"per_class=40 rows of each class are needed, but classes \[0, 1\] have fewer",
    ),
    (
        "simulate: repeated initial_indices",
        lambda t: simulate(t, initial_size=None, initial_indices=[0, 0, 40]),
        ValueError,
        "initial_indices contains repeated rows",
    ),
    (
        "simulate: initial_indices outside X",
        lambda t: simulate(t, initial_size=None, initial_indices=[0, 60]),
        ValueError,
        r"initial_indices must lie in \[0, 60\)",
    ),
    (
        "simulate: query_size 0",
        lambda t: simulate(t, query_size=0),
        ValueError,
        "query_size must be at least 1, got 0",
    ),
    (
        "simulate: query_size not a number",
        lambda t: simulate(t, query_size="10"),
        TypeError,
        "query_size must be an int or a float, got '10'",
    ),
    (
        "simulate: negative n_rounds",
        lambda t: simulate(t, n_rounds=-1),
        ValueError,
        "n_rounds must be a non-negative integer, got -1",
    ),
    (
        "simulate: n_rounds and budget",
        lambda t: simulate(t, budget=20),
        ValueError,
        "Give exactly one of n_rounds .* and budget",
    ),
    (
        "simulate: budget above the training rows",
        lambda t: simulate(t, n_rounds=None, budget=100),
        ValueError,
        r"budget=100 \(100 rows\) exceeds the 60 training rows",
    ),
    (
        "simulate: budget below the seed set",
        lambda t: simulate(t, n_rounds=None, budget=3),
        ValueError,
        r"budget=3 \(3 rows\) is smaller than the seed set \(6 rows\)",
    ),
    (
        "simulate: unknown scoring",
        lambda t: simulate(t, scoring="best"),
        ValueError,
        "The 'scoring' parameter of check_scoring must be",
    ),
    (
        "cross-validate: not a learner",
        lambda t: cross_validate(learner=object()),
        TypeError,
        "learner must be an ActiveLearner",
    ),
    (
        "cross-validate: strategies as one string",
        lambda t: cross_validate_strategies(t, "random", X, y, initial_size=6, n_rounds=1),
        TypeError,
        "strategies must be a list of strategies",
    ),
    (
        "cross-validate: no strategies",
        lambda t: cross_validate([], t),
        ValueError,
        "strategies is empty",
    ),
    (
        "cross-validate: unknown alias",
        lambda t: cross_validate(["random", "oracle"], t),
        ValueError,
        r"Unknown strategy aliases \['oracle'\]: choose among",
    ),
    (
        "cross-validate: not a strategy",
        lambda t: cross_validate([42], t),
        TypeError,
        "42 is not a strategy",
    ),
    (
        "cross-validate: two strategies with one name",
        lambda t: cross_validate(["random", "random"], t),
        ValueError,
        r"Several strategies are named \['random'\]: pass a dict",
    ),
    (
        "cross-validate: cv 1",
        lambda t: cross_validate(learner=t, cv=1),
        ValueError,
        "cv=1: at least 2 folds are needed",
    ),
    (
        "cross-validate: cv not a splitter",
        lambda t: cross_validate(learner=t, cv="five"),
        TypeError,
        "cv must be an int .* or a splitter with split",
    ),
    (
        "cross-validate: n_repeats 0",
        lambda t: cross_validate(learner=t, n_repeats=0),
        ValueError,
        "n_repeats must be a positive integer, got 0",
    ),
    (
        "cross-validate: X and y lengths differ",
        lambda t: cross_validate(learner=t, y_=y[:-1]),
        ValueError,
        r"inconsistent numbers of samples: \[60, 59\]",
    ),
    (
        "cross-validate: NaN in X",
        lambda t: cross_validate(learner=t, X_=with_value(X, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "cross-validate: no seed-set size",
        lambda t: cross_validate(learner=t, initial_size=None),
        ValueError,
        "Give exactly one of initial_size and per_class",
    ),
    (
        "cross-validate: seed set leaves no pool",
        lambda t: cross_validate(learner=t, initial_size=50),
        ValueError,
        "A seed set of 50 rows leaves no pool: there are only 48 rows",
    ),
    (
        "dami_protocol: not a learner",
        lambda t: dami(learner=object()),
        TypeError,
        "learner must be an ActiveLearner",
    ),
    (
        "dami_protocol: n_runs 1",
        lambda t: dami(learner=t, n_runs=1),
        ValueError,
        "n_runs must be an integer of at least 2, got 1",
    ),
    (
        "dami_protocol: no strategies",
        lambda t: dami([], t),
        ValueError,
        "strategies is empty",
    ),
]


@pytest.mark.parametrize(
    "call, error, message", [c[1:] for c in SIMULATION_CASES], ids=[c[0] for c in SIMULATION_CASES]
)
def test_simulation_refuses_bad_input(call, error, message):
    learner = template()
    params = {k: repr(v) for k, v in learner.get_params(deep=False).items()}
    rng_before = global_rng()
    with pytest.raises(error, match=message):
        call(learner)
    assert_same_rng(rng_before, global_rng())
    assert {k: repr(v) for k, v in learner.get_params(deep=False).items()} == params
    with pytest.raises(NotFittedError):
        check_is_fitted(learner, "estimator_")


# ---------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Small CSV files, good and bad, and a plain file."""
    folder = tmp_path_factory.mktemp("csv")
    rng = np.random.RandomState(0)
    features = rng.normal(size=(60, 2))
    classes = np.repeat([0, 1, 2], 20)
    paths = {name: folder / f"{name}.csv" for name in
             ("ok", "text", "target_only", "missing", "one_class", "empty", "ragged")}  # fmt: skip
    pd.DataFrame({"a": features[:, 0], "b": features[:, 1], "y": classes}).to_csv(
        paths["ok"], index=False
    )
    pd.DataFrame({"a": features[:, 0], "colour": "red", "y": classes}).to_csv(
        paths["text"], index=False
    )
    pd.DataFrame({"y": classes}).to_csv(paths["target_only"], index=False)
    gappy = features.copy()
    gappy[3, 1] = np.nan
    pd.DataFrame({"a": gappy[:, 0], "b": gappy[:, 1], "y": classes}).to_csv(
        paths["missing"], index=False
    )
    pd.DataFrame({"a": features[:, 0], "b": features[:, 1], "y": 1}).to_csv(
        paths["one_class"], index=False
    )
    paths["empty"].write_text("")
    paths["ragged"].write_text("a,b,y\n1,2,0\n1,2,3,4,5\n")
    paths["missing_file"] = folder / "nowhere.csv"
    paths["out"] = folder / "out"
    paths["a_file"] = paths["ok"]
    return {k: str(v) for k, v in paths.items()}


# A small, quick comparison; the cases change one thing.
FAST_COMPARE = ["--strategies", "random", "--initial-size", "6", "--query-size", "6",
                "--budget", "18", "--folds", "2", "--repeats", "1", "--max-epochs", "2",
                "--quiet"]  # fmt: skip


def compare(data, *extra):
    return lambda f: ["compare", f.get(data, data), *FAST_COMPARE, "--out", f["out"], *extra]


def demo(*extra):
    return lambda f: ["demo", "--repeats", "1", "--rounds", "1", "--max-epochs", "1", *extra]


# (id, argv given the files, message expected on stderr)
CLI_CASES = [
    ("demo: unknown strategy", demo("--strategies", "random,oracle"), "unknown strategies"),
    ("demo: --query-size 0", demo("--query-size", "0"), "--query-size must be at least 1"),
    ("demo: --threads 0", demo("--threads", "0"), "--threads must be at least 1"),
    (
        "demo: --initial-size not a number",
        demo("--initial-size", "many"),
        "argument --initial-size: invalid int value: 'many'",
    ),
    ("no command", lambda f: [], "the following arguments are required: COMMAND"),
    ("unknown command", lambda f: ["train"], "argument COMMAND: invalid choice: 'train'"),
    (
        "compare: unknown data set name",
        compare("mnist-60k"),
        "'mnist-60k' is neither a bundled data set",
    ),
    ("compare: missing CSV file", compare("missing_file"), "is neither a bundled data set"),
    ("compare: empty CSV file", compare("empty"), "empty.csv could not be read as a CSV file"),
    ("compare: ragged CSV file", compare("ragged"), "ragged.csv could not be read as a CSV"),
    (
        "compare: non-numeric column",
        compare("text"),
        "Columns ['colour'] of text.csv are not numeric",
    ),
    ("compare: no such target column", compare("ok", "--target", "label"), "has no column"),
    (
        "compare: target is the only column",
        compare("target_only"),
        "target_only.csv has only the target column 'y': there are no feature columns",
    ),
    ("compare: missing values", compare("missing"), "missing.csv has missing values"),
    (
        "compare: a single class",
        compare("one_class"),
        "The target 'y' of one_class.csv has a single value (1)",
    ),
    ("compare: unknown strategy", compare("ok", "--strategies", "oracle"), "unknown strategies"),
    (
        "compare: --initial-size 0",
        compare("ok", "--initial-size", "0"),
        "--initial-size must be at least 1 row (or a fraction), got 0",
    ),
    (
        "compare: --query-size 1.5",
        compare("ok", "--query-size", "1.5"),
        "--query-size 1.5: a fraction must lie in (0, 1)",
    ),
    (
        "compare: --budget not a number",
        compare("ok", "--budget", "ten"),
        "neither a number of rows nor a fraction",
    ),
    (
        "compare: --budget above the rows",
        compare("ok", "--budget", "1000"),
        "--budget 1000 is more than the 30 training rows of a fold",
    ),
    ("compare: --folds 1", compare("ok", "--folds", "1"), "--folds must be at least 2"),
    (
        "compare: --folds not a number",
        compare("ok", "--folds", "two"),
        "argument --folds: invalid int value: 'two'",
    ),
    ("compare: --n-jobs 0", compare("ok", "--n-jobs", "0"), "--n-jobs must be a number of workers"),
    ("compare: unknown --scoring", compare("ok", "--scoring", "best"), "unknown --scoring 'best'"),
    (
        "compare: --out is a file",
        lambda f: compare("ok")(f) + ["--out", f["a_file"]],
        "exists and is not a folder",
    ),
    (
        "compare: classifier strategy on a regression",
        compare("ok", "--task", "regression", "--strategies", "margin"),
        "Margin needs class probabilities",
    ),
]


@pytest.mark.parametrize("argv, message", [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_cli_refuses_bad_arguments_without_a_traceback(argv, message, files, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv(files))
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not (Path(files["out"]) / "results.csv").exists()


def test_case_counts():
    assert len(SIMULATION_CASES) >= 25
    assert len(CLI_CASES) >= 25
