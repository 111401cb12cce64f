"""Bad input: a clear error, and the learner exactly as it was."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.exceptions import NotFittedError

from skactive import ActiveLearner

from .conftest import make_classifier_net, make_regressor_net

rng = np.random.RandomState(0)
X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(4, 1, (30, 2))].astype(np.float32)
y = np.repeat([0, 1], 30)
POOL = rng.normal(2, 2, (40, 2)).astype(np.float32)


def with_value(array, value):
    array = array.copy()
    array[1, 1] = value
    return array


def fitted(**kwargs):
    return ActiveLearner(make_classifier_net(max_epochs=5), random_state=0, **kwargs).fit(X, y)


def _query_or_error(learner):
    try:
        return learner.query(POOL, 3)
    except ValueError as error:  # a strategy that refuses this learner
        return str(error)


def snapshot(learner):
    if not hasattr(learner, "estimator_"):
        return None
    return {
        "X": learner.X_labeled_.copy(),
        "y": learner.y_labeled_.copy(),
        "rounds": learner.n_rounds_,
        "predictions": (
            learner.predict_proba(POOL)
            if hasattr(learner, "predict_proba")
            else learner.predict(POOL)
        ),
        "query": _query_or_error(learner),
        "state": {k: v.clone() for k, v in learner.network_.module_.state_dict().items()},
    }


def assert_unchanged(before, learner):
    after = snapshot(learner)
    if before is None:
        assert after is None
        return
    np.testing.assert_array_equal(before["X"], after["X"])
    np.testing.assert_array_equal(before["y"], after["y"])
    assert before["rounds"] == after["rounds"]
    np.testing.assert_array_equal(before["predictions"], after["predictions"])
    np.testing.assert_array_equal(before["query"], after["query"])
    for key, value in before["state"].items():
        assert torch.equal(value, after["state"][key]), key


# (id, make the learner, the failing call, error type, message pattern)
CASES = [
    (
        "fit NaN in X",
        fitted,
        lambda m: m.fit(with_value(X, np.nan), y),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "fit inf in X",
        fitted,
        lambda m: m.fit(with_value(X, np.inf), y),
        ValueError,
        "Input X contains infinity",
    ),
    ("fit 1-D X", fitted, lambda m: m.fit(X[:, 0], y), ValueError, "Expected 2D array"),
    ("fit y None", fitted, lambda m: m.fit(X, None), ValueError, "requires y to be passed"),
    (
        "fit NaN in y",
        lambda: fitted(),
        lambda m: m.fit(X, np.r_[np.nan, y[1:]]),
        ValueError,
        "Input y contains NaN",
    ),
    (
        "fit regression target",
        fitted,
        lambda m: m.fit(X, X[:, 0] + 0.5),
        ValueError,
        "Unknown label type",
    ),
    (
        "fit one class",
        fitted,
        lambda m: m.fit(X, np.zeros(60)),
        ValueError,
        "at least 2 classes in y, got 1 class",
    ),
    (
        "fit lengths",
        fitted,
        lambda m: m.fit(X, y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    (
        "fit label outside classes",
        lambda: fitted(classes=[0, 1]),
        lambda m: m.fit(X, np.r_[y[:-1], 5]),
        ValueError,
        r"labels \[5\] that are not among the learner's classes \[0, 1\]",
    ),
    (
        "fit sparse",
        fitted,
        lambda m: m.fit(sp.csr_matrix(X), y),
        TypeError,
        "Sparse data was passed for X",
    ),
    (
        "query NaN in pool",
        fitted,
        lambda m: m.query(with_value(POOL, np.nan), 2),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "query inf in pool",
        fitted,
        lambda m: m.query(with_value(POOL, -np.inf), 2),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "query wrong width",
        fitted,
        lambda m: m.query(np.c_[POOL, POOL], 2),
        ValueError,
        "X has 4 features, but ActiveLearner is expecting 2 features",
    ),
    ("query 1-D pool", fitted, lambda m: m.query(POOL[:, 0], 2), ValueError, "Expected 2D array"),
    ("query n = 0", fitted, lambda m: m.query(POOL, 0), ValueError, "n must be at least 1, got 0"),
    (
        "query n < 0",
        fitted,
        lambda m: m.query(POOL, -3),
        ValueError,
        "n must be at least 1, got -3",
    ),
    ("query n float", fitted, lambda m: m.query(POOL, 2.5), TypeError, "n must be an integer"),
    (
        "query n > pool",
        fitted,
        lambda m: m.query(POOL, 41),
        ValueError,
        "n=41 is larger than the pool, which has 40",
    ),
    ("query empty pool", fitted, lambda m: m.query(POOL[:0], 1), ValueError, "X_pool is empty"),
    (
        "query sparse pool",
        fitted,
        lambda m: m.query(sp.csr_matrix(POOL), 1),
        TypeError,
        "Sparse data",
    ),
    (
        "query before fit",
        lambda: ActiveLearner(make_classifier_net()),
        lambda m: m.query(POOL, 1),
        NotFittedError,
        "not fitted yet",
    ),
    (
        "teach before fit",
        lambda: ActiveLearner(make_classifier_net()),
        lambda m: m.teach(X[:2], y[:2]),
        NotFittedError,
        "not fitted yet",
    ),
    (
        "teach lengths",
        fitted,
        lambda m: m.teach(POOL[:3], [0, 1]),
        ValueError,
        "3 rows in X but 2 labels in y",
    ),
    (
        "teach label outside classes",
        fitted,
        lambda m: m.teach(POOL[:2], [0, 7]),
        ValueError,
        r"labels \[7\] that are not among",
    ),
    (
        "teach NaN in X",
        fitted,
        lambda m: m.teach(with_value(POOL[:3], np.nan), [0, 1, 0]),
        ValueError,
        "Input X contains NaN",
    ),
    ("teach 1-D X", fitted, lambda m: m.teach(POOL[0], [0, 1]), ValueError, "Expected 2D array"),
    (
        "teach wrong width",
        fitted,
        lambda m: m.teach(POOL[:2, :1], [0, 1]),
        ValueError,
        "X has 1 features, but ActiveLearner is expecting 2",
    ),
    ("teach empty", fitted, lambda m: m.teach(POOL[:0], []), ValueError, "0 sample"),
    (
        "predict wrong width",
        fitted,
        lambda m: m.predict(POOL[:, :1]),
        ValueError,
        "X has 1 features, but ActiveLearner is expecting 2",
    ),
    (
        "predict before fit",
        lambda: ActiveLearner(make_classifier_net()),
        lambda m: m.predict(POOL),
        NotFittedError,
        "not fitted yet",
    ),
    (
        "classifier strategy on a regressor",
        lambda: ActiveLearner(make_regressor_net(max_epochs=2), query_strategy="margin").fit(
            X, X[:, 0]
        ),
        lambda m: m.query(POOL, 2),
        ValueError,
        "Margin needs class probabilities",
    ),
    (
        "unknown strategy alias",
        lambda: ActiveLearner(make_classifier_net(), query_strategy="best"),
        lambda m: m.fit(X, y),
        ValueError,
        "query_strategy",
    ),
]


@pytest.mark.parametrize(
    "make, call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_raises_and_leaves_learner_unchanged(make, call, error, message):
    learner = make()
    before = snapshot(learner)
    with pytest.raises(error, match=message):
        call(learner)
    assert_unchanged(before, learner)


def test_at_least_25_cases():
    assert len(CASES) >= 25
