"""Bad input: a clear error, and the learner exactly as it was.

Each table row is one bad input: an id (also the row of ``docs/bad_input.md``
that tells users what to expect), how to build the learner, the failing call,
the error type and a pattern its message must match. After the error the
learner must be unchanged: its parameters, labelled set, rounds, seeds,
predictions, next query, network weights and query-strategy state; and so
must NumPy's and torch's global random generators.

- ``LEARNER_CASES``: ``fit`` / ``query`` / ``teach`` / ``predict`` of
  :class:`~skactive.ActiveLearner`.
- ``STRATEGY_CASES``: strategies given a network they cannot use (no final
  ``nn.Linear``, no dropout, shap failing), bad strategy parameters,
  classifier-only strategies on a regressor, broken custom strategies.
- ``EVERY_STRATEGY_CASES``: ``n <= 0``, ``n > pool`` and an empty pool,
  run with each of the 22 strategies.
- ``ACCEPTED_CASES``: inputs that are legitimate (duplicate rows in the
  pool): every strategy answers with ``n`` distinct indices.

The simulation and CLI tables are in ``test_bad_input_experiments.py``.
"""

import copy
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.exceptions import NotFittedError
from skorch import NeuralNetClassifier
from torch import nn

from skactive import ActiveLearner
from skactive.nets import TrainToConvergence, make_cnn_net
from skactive.strategies import (
    ALBL,
    ALEX,
    BADGE,
    BALD,
    DAL,
    DAMI,
    DEIMOS,
    EGL,
    LCMD,
    STRATEGY_ALIASES,
    BatchBALD,
    CallableStrategy,
    CoreSet,
    DensityWeighted,
    LeastConfidence,
    Margin,
    MaxVariance,
    PowerSampling,
    ProbCover,
    SoftmaxSampling,
    TypiClust,
    UtilityStrategy,
)

from .conftest import make_classifier_net, make_regressor_net, small_strategies

rng = np.random.RandomState(0)
X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(4, 1, (30, 2))].astype(np.float32)
y = np.repeat([0, 1], 30)
POOL = rng.normal(2, 2, (40, 2)).astype(np.float32)
POOL_LABELS = (POOL.sum(axis=1) > 4).astype(np.int64)  # the oracle of the pool


def with_value(array, value):
    array = array.copy()
    array[1, 1] = value
    return array


def with_text(array):
    """``array`` as an object array with one string cell."""
    array = array.astype(object)
    array[1, 1] = "abc"
    return array


def fitted(**kwargs):
    return ActiveLearner(make_classifier_net(max_epochs=5), random_state=0, **kwargs).fit(X, y)


# ------------------------------------------------------------ exotic modules


class ConvHead(nn.Module):
    """A classifier with dropout but no nn.Linear: 1x1 convolutions over features."""

    def __init__(self, n_features_in=None, n_outputs=None):
        super().__init__()
        self.hidden = nn.Conv1d(n_features_in, 16, 1)
        self.dropout = nn.Dropout(0.2)
        self.out = nn.Conv1d(16, n_outputs, 1)

    def forward(self, X):
        h = self.dropout(torch.relu(self.hidden(X[:, :, None])))
        return self.out(h)[:, :, 0]


class SharedActivation(nn.Module):
    """One nn.ReLU instance used after two layers of different widths.

    Legitimate torch, and it trains; shap's DeepExplainer, which stores each
    module's input on the module, cannot explain it.
    """

    def __init__(self, n_features_in=None, n_outputs=None):
        super().__init__()
        self.a = nn.Linear(n_features_in, 16)
        self.b = nn.Linear(16, 8)
        self.c = nn.Linear(8, n_outputs)
        self.act = nn.ReLU()

    def forward(self, X):
        return self.c(self.act(self.b(self.act(self.a(X)))))


def custom_net(module, **kwargs):
    return NeuralNetClassifier(
        module,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=0.02,
        max_epochs=5,
        train_split=None,
        verbose=0,
        **kwargs,
    )


def learner_with(strategy, net=None, target=y):
    """A fitted learner querying with ``strategy`` (an object or an alias)."""
    net = make_classifier_net(max_epochs=5) if net is None else net
    return ActiveLearner(net, query_strategy=strategy, random_state=0).fit(X, target)


def unfitted(strategy, net=None, target=None):
    """An unfitted learner querying with ``strategy``: compatibility is checked at fit."""
    net = make_classifier_net(max_epochs=5) if net is None else net
    return ActiveLearner(net, query_strategy=strategy, random_state=0)


def unfitted_regressor(strategy, **net_params):
    return unfitted(strategy, make_regressor_net(max_epochs=5, **net_params))


def regressor_with(strategy, **net_params):
    return learner_with(strategy, make_regressor_net(max_epochs=5, **net_params), X[:, 0])


#: Cheap settings of every strategy, so that a query takes a fraction of a second.
FAST = small_strategies(fast=True)


# Custom strategies written badly (module level, so the learner pickles).
def repeats_a_row(learner, X_pool, n):
    return np.zeros(n, dtype=np.int64)


def too_few(learner, X_pool, n):
    return np.arange(n - 1)


def outside_the_pool(learner, X_pool, n):
    return np.arange(n) + X_pool.shape[0]


def returns_index_and_rows(classifier, X_pool, n_instances=1):
    """A modAL query function: it returns (indices, X_pool[indices])."""
    idx = np.argsort(classifier.predict_proba(X_pool).max(axis=1))[:n_instances]
    return idx, X_pool[idx]


def needs_ten_rows(learner, X_pool, n):
    if X_pool.shape[0] < 10:
        raise ValueError("needs_ten_rows needs a pool of at least 10 rows")
    return np.arange(n)


class NegativeUtility(UtilityStrategy):
    """A ranking strategy whose utilities are negative, with no declared floor."""

    def utility(self, learner, X_pool):
        return -1.0 - np.arange(X_pool.shape[0], dtype=np.float64)


def albl_waiting_for_a_reward():
    """ALBL with a query taught and its reward pending; one expert is picky."""
    learner = learner_with(ALBL([Margin(), CallableStrategy(needs_ten_rows)]))
    idx = learner.query(POOL, 3)
    return learner.teach(POOL[idx], POOL_LABELS[idx])


# ------------------------------------------------------------------ snapshot


def _pool_of(learner):
    """The pool of the learner's kind of input (tables, images, dicts)."""
    shape = getattr(learner, "input_shape_", (2,))
    if isinstance(shape, dict):
        return DICT_POOL
    return IMAGE_POOL if shape == (1, 8, 8) else POOL


def _copy_rows(X):
    """A comparable copy of a labelled set of any kind."""
    if isinstance(X, torch.utils.data.Dataset):
        parts = X.datasets if isinstance(X, torch.utils.data.ConcatDataset) else [X]
        return [
            (id(getattr(part, "dataset", part)), list(getattr(part, "indices", range(len(part)))))
            for part in parts
        ]
    if isinstance(X, dict):
        return {key: value.copy() for key, value in X.items()}
    return X.copy()


def _query_or_error(learner):
    # On a copy: a query may change a stateful strategy (ALBL's bandit).
    try:
        return copy.deepcopy(learner).query(_pool_of(learner), 3)
    except ValueError as error:  # a strategy that refuses this learner
        return str(error)


def snapshot(learner):
    """Everything a failing call must leave as it was."""
    state = {
        "params": {k: repr(v) for k, v in learner.get_params(deep=False).items()},
        "attributes": sorted(vars(learner)),
    }
    if not hasattr(learner, "estimator_"):
        return state
    state.update(
        {
            "X": _copy_rows(learner.X_labeled_),
            "y": learner.y_labeled_.copy(),
            "rounds": learner.labeled_rounds_.copy(),
            "n_rounds": learner.n_rounds_,
            "seed": learner._base_seed,
            "strategy": pickle.dumps(learner.query_strategy_),
            "predictions": (
                learner.predict_proba(_pool_of(learner))
                if hasattr(learner, "predict_proba")
                else learner.predict(_pool_of(learner))
            ),
            "query": _query_or_error(learner),
            "weights": {k: v.clone() for k, v in learner.network_.module_.state_dict().items()},
        }
    )
    return state


def global_rng():
    return np.random.get_state(), torch.get_rng_state()


def assert_unchanged(before, learner):
    after = snapshot(learner)
    assert before.keys() == after.keys()
    for key in before:
        if key == "weights":
            assert before[key].keys() == after[key].keys()
            for name, value in before[key].items():
                assert torch.equal(value, after[key][name]), name
        elif isinstance(before[key], np.ndarray):
            np.testing.assert_array_equal(before[key], after[key], err_msg=key)
        elif isinstance(before[key], dict) and key == "X":
            assert before[key].keys() == after[key].keys()
            for name in before[key]:
                np.testing.assert_array_equal(before[key][name], after[key][name], err_msg=name)
        else:
            assert before[key] == after[key], key


def assert_same_rng(before, after):
    (numpy_before, torch_before), (numpy_after, torch_after) = before, after
    assert numpy_before[0] == numpy_after[0]
    np.testing.assert_array_equal(numpy_before[1], numpy_after[1])
    assert numpy_before[2:] == numpy_after[2:]
    assert torch.equal(torch_before, torch_after)


def check_case(make, call, error, message):
    learner = make()
    before = snapshot(learner)
    rng_before = global_rng()
    with pytest.raises(error, match=message):
        call(learner)
    assert_same_rng(rng_before, global_rng())
    assert_unchanged(before, learner)


# (id, make the learner, the failing call, error type, message pattern)
LEARNER_CASES = [
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
        "query with modAL's n_instances",
        fitted,
        lambda m: m.query(POOL, n_instances=3),
        TypeError,
        r"query got modAL's n_instances=3: write learner.query\(X_pool, n=3\)",
    ),
    (
        "teach an int index",
        fitted,
        lambda m: m.teach(5, 1),
        ValueError,
        r"teach got the integer 5, an index.*learner.teach\(X_pool\[idx\], y_pool\[idx\]\)",
    ),
    (
        "teach pool indices",
        fitted,
        lambda m: m.teach(np.array([3, 7]), POOL_LABELS[[3, 7]]),
        ValueError,
        r"teach got a 1-D array of integers \[3, 7\]: if these are indices into the pool",
    ),
    (
        "teach X_pool[i] with an int i",
        fitted,
        lambda m: m.teach(POOL[3], POOL_LABELS[3]),
        ValueError,
        r"one 1-D row and a single label.*learner.teach\(X_pool\[\[i\]\], y_pool\[\[i\]\]\)",
    ),
    (
        "modAL query function returns a tuple",
        lambda: learner_with(returns_index_and_rows),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"returns_index_and_rows returned a tuple \(indices, rows\), as a modAL query function"
        r" does: return the indices only",
    ),
    (
        "fit on a GPU that is not there",
        lambda: ActiveLearner(make_classifier_net(max_epochs=2, device="cuda:64")),
        lambda m: m.fit(X, y),
        ValueError,
        "device='cuda:64', but",
    ),
    (
        "classifier strategy on a regressor",
        lambda: ActiveLearner(make_regressor_net(max_epochs=2), query_strategy="margin"),
        lambda m: m.fit(X, X[:, 0]),
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
    (
        "fit text in X",
        fitted,
        lambda m: m.fit(with_text(X), y),
        ValueError,
        "X has values that are not numbers .*could not convert string to float: 'abc'",
    ),
    (
        "fit empty",
        fitted,
        lambda m: m.fit(X[:0], y[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
    ),
    (
        "fit 2-D y for a classifier",
        fitted,
        lambda m: m.fit(X, np.c_[y, y]),
        ValueError,
        r"y should be a 1d array, got an array of shape \(60, 2\)",
    ),
    (
        "fit regressor with text labels",
        lambda: regressor_with("random"),
        lambda m: m.fit(X, np.where(y == 1, "yes", "no")),
        ValueError,
        "dtype='numeric' is not compatible with arrays of bytes/strings",
    ),
    (
        "fit simulation leaves no pool",
        lambda: ActiveLearner(make_classifier_net(), initial_size=60, random_state=0),
        lambda m: m.fit(X, y),
        ValueError,
        "initial_size=60 leaves no pool to query",
    ),
    (
        "fit training diverges",
        lambda: ActiveLearner(make_classifier_net(lr=1e30, max_epochs=3), random_state=0),
        lambda m: m.fit(X * 1e10, y),
        ValueError,
        "non-finite loss",
    ),
    (
        "fit not a skorch net",
        lambda: ActiveLearner(__import__("sklearn.linear_model").linear_model.Ridge()),
        lambda m: m.fit(X, y),
        TypeError,
        "estimator must be a skorch NeuralNetClassifier or NeuralNetRegressor",
    ),
    (
        "query 3-D pool",
        fitted,
        lambda m: m.query(POOL[:, :, None], 2),
        ValueError,
        r"X_pool has rows of shape \(2, 1\), but the learner was fitted on rows of shape \(2,\)",
    ),
    (
        "query text in pool",
        fitted,
        lambda m: m.query(with_text(POOL), 2),
        ValueError,
        "X_pool has values that are not numbers",
    ),
    ("query pool None", fitted, lambda m: m.query(None, 2), ValueError, "X_pool is None"),
    ("query empty list", fitted, lambda m: m.query([], 1), ValueError, "X_pool is empty"),
    ("query n bool", fitted, lambda m: m.query(POOL, True), TypeError, "n must be an integer"),
    (
        "query n > pool of 1",
        fitted,
        lambda m: m.query(POOL[:1], 2),
        ValueError,
        "n=2 is larger than the pool, which has 1 rows",
    ),
    (
        "teach 3-D X",
        fitted,
        lambda m: m.teach(POOL[:2, :, None], [0, 1]),
        ValueError,
        r"X has rows of shape \(2, 1\), but the learner was fitted on rows of shape \(2,\)",
    ),
    (
        "teach text in X",
        fitted,
        lambda m: m.teach(with_text(POOL[:3]), [0, 1, 0]),
        ValueError,
        "X has values that are not numbers",
    ),
    (
        "teach sparse",
        fitted,
        lambda m: m.teach(sp.csr_matrix(POOL[:2]), [0, 1]),
        TypeError,
        "Sparse data was passed for X",
    ),
    (
        "teach inf in X",
        fitted,
        lambda m: m.teach(with_value(POOL[:3], np.inf), [0, 1, 0]),
        ValueError,
        "Input X contains infinity",
    ),
    ("teach y None", fitted, lambda m: m.teach(POOL[:2], None), ValueError, "requires y"),
    (
        "teach NaN in y",
        fitted,
        lambda m: m.teach(POOL[:2], [np.nan, 1]),
        ValueError,
        "Input y contains NaN",
    ),
    (
        "teach label outside declared classes",
        lambda: fitted(classes=[0, 1, 2]),
        lambda m: m.teach(POOL[:2], [0, 3]),
        ValueError,
        r"labels \[3\] that are not among the learner's classes \[0, 1, 2\]",
    ),
    (
        "teach regression target to a classifier",
        fitted,
        lambda m: m.teach(POOL[:2], [0.5, 1.5]),
        ValueError,
        "Unknown label type: continuous",
    ),
    (
        "teach a regressor more targets",
        lambda: regressor_with("random"),
        lambda m: m.teach(POOL[:2], [[0.0, 1.0], [1.0, 0.0]]),
        ValueError,
        "y has 2 targets, but the learner was fitted with 1",
    ),
    (
        "predict 3-D X",
        fitted,
        lambda m: m.predict(POOL[:, :, None]),
        ValueError,
        r"X has rows of shape \(2, 1\), but the learner was fitted on rows of shape \(2,\)",
    ),
    (
        "predict NaN in X",
        fitted,
        lambda m: m.predict(with_value(POOL, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "predict text in X",
        fitted,
        lambda m: m.predict(with_text(POOL)),
        ValueError,
        "X has values that are not numbers",
    ),
    (
        "predict sparse",
        fitted,
        lambda m: m.predict(sp.csr_matrix(POOL)),
        TypeError,
        "Sparse data was passed for X",
    ),
    (
        "predict empty",
        fitted,
        lambda m: m.predict(POOL[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
    ),
    (
        "predict_proba wrong width",
        fitted,
        lambda m: m.predict_proba(POOL[:, :1]),
        ValueError,
        "X has 1 features, but ActiveLearner is expecting 2",
    ),
    (
        "fit convergence min_steps negative",
        lambda: unfitted(
            "entropy",
            make_classifier_net(callbacks=[("convergence", TrainToConvergence(min_steps=-1))]),
        ),
        lambda m: m.fit(X, y),
        ValueError,
        "TrainToConvergence needs an integer min_steps >= 0, got -1",
    ),
    (
        "fit convergence target_accuracy above 1",
        lambda: unfitted(
            "entropy",
            make_classifier_net(
                callbacks=[("convergence", TrainToConvergence(target_accuracy=1.5))]
            ),
        ),
        lambda m: m.fit(X, y),
        ValueError,
        r"TrainToConvergence needs target_accuracy in \(0, 1\] or None, got 1.5",
    ),
]

STRATEGY_CASES = [
    (
        "BADGE without nn.Linear",
        lambda: unfitted(BADGE(), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "ConvHead has no torch.nn.Linear layer.*End the module with an nn.Linear",
    ),
    (
        "CoreSet without nn.Linear",
        lambda: unfitted(CoreSet(), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "ConvHead has no torch.nn.Linear layer",
    ),
    (
        "DAL without nn.Linear",
        lambda: unfitted(FAST["dal"], custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "ConvHead has no torch.nn.Linear layer",
    ),
    (
        "DensityWeighted embedding without nn.Linear",
        lambda: unfitted(DensityWeighted(representation="embedding"), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "ConvHead has no torch.nn.Linear layer",
    ),
    (
        "ALBL with CoreSet without nn.Linear",
        lambda: unfitted(ALBL(), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "ConvHead has no torch.nn.Linear layer",
    ),
    (
        "BALD without dropout",
        lambda: unfitted(FAST["bald"], make_classifier_net(max_epochs=5, module__dropout=0)),
        lambda m: m.fit(X, y),
        ValueError,
        "need a network with a dropout layer.*MLP has none.*set module__dropout > 0",
    ),
    (
        "BALD on a user module without dropout",
        lambda: unfitted(FAST["bald"], custom_net(SharedActivation)),
        lambda m: m.fit(X, y),
        ValueError,
        "SharedActivation has none. Add a torch.nn.Dropout layer to your module",
    ),
    (
        "DEIMOS on a CNN without dropout",
        lambda: unfitted(FAST["deimos"], _cnn(module__dropout=0)),
        lambda m: m.fit(IMAGES, y),
        ValueError,
        "CNN has none. With skactive.nets.CNN, set module__dropout > 0",
    ),
    (
        "BatchBALD without dropout",
        lambda: unfitted(FAST["batchbald"], make_classifier_net(max_epochs=5, module__dropout=0)),
        lambda m: m.fit(X, y),
        ValueError,
        "need a network with a dropout layer",
    ),
    (
        "MaxVariance without dropout",
        lambda: unfitted_regressor(FAST["max_variance"], module__dropout=0),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "need a network with a dropout layer",
    ),
    (
        "DEIMOS without dropout",
        lambda: unfitted_regressor(FAST["deimos"], module__dropout=0),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "need a network with a dropout layer",
    ),
    (
        "ALEX shap fails on the module",
        lambda: learner_with(ALEX(n_background=5), custom_net(SharedActivation)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "shap's deep explainer could not explain SharedActivation.*Choose another explainer",
    ),
    (
        "BALD n_mc_samples 1",
        lambda: learner_with(BALD(n_mc_samples=1)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "BALD needs an integer n_mc_samples >= 2, got 1",
    ),
    (
        "MaxVariance n_mc_samples float",
        lambda: learner_with(MaxVariance(n_mc_samples=2.5)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "MaxVariance needs an integer n_mc_samples >= 2, got 2.5",
    ),
    (
        "BatchBALD n_configurations 0",
        lambda: learner_with(BatchBALD(n_mc_samples=4, n_configurations=0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "BatchBALD needs an integer n_configurations >= 1, got 0",
    ),
    (
        "DEIMOS unknown noise_variance",
        lambda: regressor_with(DEIMOS(n_mc_samples=4, noise_variance="huge")),
        lambda m: m.query(POOL, 3),
        ValueError,
        "DEIMOS noise_variance must be 'relative', 'precision' or a positive float",
    ),
    (
        "DEIMOS precision without weight decay",
        lambda: regressor_with(DEIMOS(n_mc_samples=4, noise_variance="precision")),
        lambda m: m.query(POOL, 3),
        ValueError,
        "needs weight decay: set the net's optimizer__weight_decay > 0",
    ),
    (
        "ALEX unknown explainer",
        lambda: learner_with(ALEX(explainer="lime")),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"explainer must be one of \('deep', 'gradient', 'kernel'\), got 'lime'",
    ),
    (
        "ALEX n_candidates < n",
        lambda: learner_with(ALEX(n_candidates=2)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "n_candidates must be an integer of at least n=3",
    ),
    (
        "ALEX n_background 0",
        lambda: learner_with(ALEX(n_background=0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"n_background must be a positive integer or None \(every labelled row\), got 0",
    ),
    (
        "DAL n_mini_queries 0",
        lambda: learner_with(DAL(n_mini_queries=0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "n_mini_queries must be a positive integer, got 0",
    ),
    (
        "DAL discriminator lr negative",
        lambda: learner_with(DAL(lr=-1.0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "DAL's discriminator: lr must be positive, got -1.0",
    ),
    (
        "DAL hidden_layer_sizes int",
        lambda: learner_with(DAL(hidden_layer_sizes=64)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "hidden_layer_sizes must be a tuple of positive integers, got 64",
    ),
    (
        "DensityWeighted unknown representation",
        lambda: learner_with(DensityWeighted(representation="pixels")),
        lambda m: m.query(POOL, 3),
        ValueError,
        "representation must be 'input' or 'embedding', got 'pixels'",
    ),
    (
        "DensityWeighted on a regressor",
        lambda: unfitted_regressor(DensityWeighted()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "with a regressor set n_clusters",
    ),
    (
        "TypiClust n_neighbors 0",
        lambda: learner_with(TypiClust(n_neighbors=0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"The 'n_neighbors' parameter of TypiClust must be an int in the range \[1, inf\)",
    ),
    (
        "TypiClust unknown representation",
        lambda: learner_with(TypiClust(representation="pixels")),
        lambda m: m.query(POOL, 3),
        ValueError,
        "The 'representation' parameter of TypiClust must be a str among",
    ),
    (
        "TypiClust embedding without nn.Linear",
        lambda: unfitted(TypiClust(representation="embedding"), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "TypiClust cannot use this network: ConvHead has no torch.nn.Linear",
    ),
    (
        "ProbCover delta negative",
        lambda: learner_with(ProbCover(delta=-1.0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"The 'delta' parameter of ProbCover must be a float in the range \(0.0, inf\) or None",
    ),
    (
        "ProbCover alpha 1.5",
        lambda: learner_with(ProbCover(alpha=1.5)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"The 'alpha' parameter of ProbCover must be a float in the range \(0.0, 1.0\]",
    ),
    (
        "ProbCover on a regressor",
        lambda: unfitted_regressor(ProbCover()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "ProbCover uses as many clusters as classes by default.*set n_clusters",
    ),
    (
        "PowerSampling beta negative",
        lambda: learner_with(PowerSampling(beta=-1.0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"The 'beta' parameter of PowerSampling must be a float in the range \[0.0, inf\)",
    ),
    (
        "PowerSampling base without utility",
        lambda: learner_with(PowerSampling(CoreSet())),
        lambda m: m.query(POOL, 3),
        ValueError,
        "The 'base_strategy' parameter of PowerSampling must be an object implementing 'utility'",
    ),
    (
        "PowerSampling negative utilities",
        lambda: learner_with(PowerSampling(NegativeUtility())),
        lambda m: m.query(POOL, 3),
        ValueError,
        "PowerSampling needs non-negative utilities; NegativeUtility gave -40.0. Use "
        "SoftmaxSampling",
    ),
    (
        "SoftmaxSampling of BALD on a regressor",
        lambda: unfitted_regressor(SoftmaxSampling()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "SoftmaxSampling needs class probabilities",
    ),
    (
        "ALBL exploration 1.5",
        lambda: learner_with(ALBL(exploration=1.5)),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"exploration must be in \(0, 1\), got 1.5",
    ),
    (
        "ALBL no experts",
        lambda: learner_with(ALBL([])),
        lambda m: m.query(POOL, 3),
        ValueError,
        "ALBL needs at least one strategy",
    ),
    (
        "ALBL failing expert keeps the bandit",
        albl_waiting_for_a_reward,
        lambda m: m.query(POOL[:5], 2),
        ValueError,
        "needs_ten_rows needs a pool of at least 10 rows",
    ),
    (
        "LeastConfidence on a regressor",
        lambda: unfitted_regressor(LeastConfidence()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "LeastConfidence needs class probabilities: use it with a classifier",
    ),
    (
        "Entropy on a regressor",
        lambda: unfitted_regressor("entropy"),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "Entropy needs class probabilities",
    ),
    (
        "BADGE on a regressor",
        lambda: unfitted_regressor(BADGE()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "BADGE needs class probabilities",
    ),
    (
        "EGL on a regressor",
        lambda: unfitted_regressor(EGL()),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "EGL needs class probabilities",
    ),
    (
        "BALD on a regressor",
        lambda: unfitted_regressor(FAST["bald"]),
        lambda m: m.fit(X, X[:, 0]),
        ValueError,
        "BALD needs class probabilities",
    ),
    (
        "DAMI on a two-output regressor",
        lambda: unfitted(DAMI(), make_regressor_net(max_epochs=5), X),
        lambda m: m.fit(X, X),
        ValueError,
        "DAMI needs one output to interpret: the regressor has 2 outputs",
    ),
    (
        "custom strategy repeats a row",
        lambda: learner_with(repeats_a_row),
        lambda m: m.query(POOL, 3),
        ValueError,
        "The query strategy repeats_a_row returned repeated indices",
    ),
    (
        "custom strategy returns too few",
        lambda: learner_with(too_few),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"The query strategy too_few returned an array of shape \(2,\) instead of \(3,\)",
    ),
    (
        "custom strategy outside the pool",
        lambda: learner_with(outside_the_pool),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"returned indices outside \[0, 40\)",
    ),
    (
        "LCMD without nn.Linear",
        lambda: unfitted(LCMD(), custom_net(ConvHead)),
        lambda m: m.fit(X, y),
        ValueError,
        "LCMD cannot use this network: ConvHead has no torch.nn.Linear layer",
    ),
    (
        "LCMD unknown kernel",
        lambda: regressor_with(LCMD(kernel="ntk")),
        lambda m: m.query(POOL, 3),
        ValueError,
        "LCMD kernel must be 'll' or 'grad', got 'ntk'",
    ),
    (
        "LCMD grad kernel on a two-output regressor",
        lambda: unfitted(LCMD(kernel="grad"), make_regressor_net(max_epochs=5)),
        lambda m: m.fit(X, X),
        ValueError,
        "LCMD needs one output to interpret: the regressor has 2 outputs",
    ),
    (
        "LCMD unknown mode",
        lambda: regressor_with(LCMD(mode="TP+")),
        lambda m: m.query(POOL, 3),
        ValueError,
        r"LCMD mode must be 'tp' or 'p', got 'TP\+'",
    ),
    (
        "LCMD sketch_dim 0",
        lambda: regressor_with(LCMD(sketch_dim=0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "LCMD sketch_dim must be None or an integer >= 1, got 0; the paper sketches to 512",
    ),
    (
        "LCMD sketch_dim float",
        lambda: learner_with(LCMD(sketch_dim=512.0)),
        lambda m: m.query(POOL, 3),
        ValueError,
        "LCMD sketch_dim must be None or an integer >= 1, got 512.0",
    ),
]

# (id, the failing call, message pattern), each run with every strategy
EVERY_STRATEGY_CASES = [
    ("query n = 0, every strategy", lambda m: m.query(POOL, 0), "n must be at least 1, got 0"),
    (
        "query n > pool, every strategy",
        lambda m: m.query(POOL[:4], 5),
        "n=5 is larger than the pool, which has 4 rows",
    ),
    ("query empty pool, every strategy", lambda m: m.query(POOL[:0], 1), "X_pool is empty"),
]

# Legitimate inputs: (id, pool, n). Duplicated rows are real data (the same
# measurement twice); a query must still give n distinct indices.
# ------------------------------------------------ images, dicts and Datasets

IMAGES = np.repeat(X[:, None, None, :], 4, axis=2).repeat(4, axis=3)[:, :, :, :8]  # (60,1,4,8)
IMAGES = np.concatenate([IMAGES, IMAGES], axis=2)  # (60, 1, 8, 8): the table's two values tiled
IMAGE_POOL = np.concatenate(
    [np.repeat(POOL[:, None, None, :], 4, axis=2).repeat(4, axis=3)[:, :, :, :8]] * 2, axis=2
)
DICT_X = {"image": IMAGES, "counts": X}
DICT_POOL = {"image": IMAGE_POOL, "counts": POOL}


class ImageAndCounts(nn.Module):
    """Two keyword inputs: an image (1, 8, 8) and two counts."""

    def __init__(self, n_outputs=2):
        super().__init__()
        self.image = nn.Linear(64, 8)
        self.counts = nn.Linear(2, 8)
        self.out = nn.Linear(8, n_outputs)

    def forward(self, image, counts):
        return self.out(torch.relu(self.image(image.flatten(1)) + self.counts(counts)))


def _cnn(**net_params):
    return make_cnn_net(channels=(2,), hidden_size=8, max_epochs=3, **net_params)


def fitted_on_images():
    return ActiveLearner(_cnn(), random_state=0).fit(IMAGES, y)


def fitted_on_dicts():
    return ActiveLearner(custom_net(ImageAndCounts), random_state=0).fit(DICT_X, y)


def fitted_on_a_dataset():
    return ActiveLearner(fitted_on_images().estimator, random_state=0).fit(IMAGE_DATASET)


IMAGE_DATASET = torch.utils.data.TensorDataset(torch.from_numpy(IMAGES), torch.from_numpy(y))


class ListDataset(torch.utils.data.Dataset):
    """A map-style Dataset over a list of (x, y) items, any shapes."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class Stream(torch.utils.data.IterableDataset):
    def __iter__(self):
        return iter(IMAGE_POOL)


def ragged_images():
    """Images whose item 3 is 6x6 instead of 8x8."""
    items = [(torch.from_numpy(img), 0) for img in IMAGE_POOL[:10]]
    items[3] = (torch.zeros(1, 6, 6), 0)
    return ListDataset(items)


def images_with_nan():
    items = [(torch.from_numpy(img.copy()), 0) for img in IMAGE_POOL[:10]]
    items[4][0][0, 2, 2] = float("nan")
    return ListDataset(items)


def unlabelled_items():
    return ListDataset([torch.from_numpy(img) for img in IMAGES])


INPUT_KIND_CASES = [
    (
        "fit images with NaN",
        fitted_on_images,
        lambda m: m.fit(with_value(IMAGES.reshape(60, -1), np.nan).reshape(IMAGES.shape), y),
        ValueError,
        r"X contains NaN or infinity \(first in rows 0 to 59\)",
    ),
    (
        "fit images of strings",
        fitted_on_images,
        lambda m: m.fit(IMAGES.astype(str), y),
        ValueError,
        "X has dtype <U.*; a network needs numbers",
    ),
    (
        "fit images, y of another length",
        fitted_on_images,
        lambda m: m.fit(IMAGES, y[:50]),
        ValueError,
        "60 rows in X but 50 labels in y",
    ),
    (
        "query images of another size",
        fitted_on_images,
        lambda m: m.query(IMAGE_POOL[:, :, :6, :6], 2),
        ValueError,
        r"X_pool has rows of shape \(1, 6, 6\), but the learner was fitted on rows of shape "
        r"\(1, 8, 8\)",
    ),
    (
        "query flattened images",
        fitted_on_images,
        lambda m: m.query(IMAGE_POOL.reshape(40, 64), 2),
        ValueError,
        r"rows of shape \(64,\).*Reshape it with X.reshape\(-1, 1, 8, 8\)",
    ),
    (
        "query images with inf",
        fitted_on_images,
        lambda m: m.query(np.where(IMAGE_POOL > 3, np.inf, IMAGE_POOL), 2),
        ValueError,
        "X_pool contains NaN or infinity",
    ),
    (
        "teach images with NaN",
        fitted_on_images,
        lambda m: m.teach(np.full((2, 1, 8, 8), np.nan, np.float32), [0, 1]),
        ValueError,
        "X contains NaN or infinity",
    ),
    (
        "teach images lengths",
        fitted_on_images,
        lambda m: m.teach(IMAGE_POOL[:3], [0, 1]),
        ValueError,
        "3 rows in X but 2 labels in y",
    ),
    (
        "predict a dict on an image learner",
        fitted_on_images,
        lambda m: m.predict({"X": IMAGE_POOL}),
        ValueError,
        "X is a dict of arrays, but the learner was fitted on an array or a Dataset",
    ),
    (
        "fit dict entries of different lengths",
        fitted_on_dicts,
        lambda m: m.fit({"image": IMAGES, "counts": X[:50]}, y),
        ValueError,
        r"The entries of X have different numbers of rows \(\{'image': 60, 'counts': 50\}\)",
    ),
    (
        "fit dict with NaN",
        fitted_on_dicts,
        lambda m: m.fit({"image": IMAGES, "counts": with_value(X, np.nan)}, y),
        ValueError,
        r"X\['counts'\] contains NaN or infinity",
    ),
    ("fit empty dict", fitted_on_dicts, lambda m: m.fit({}, y), ValueError, "X is an empty dict"),
    (
        "query dict without a key",
        fitted_on_dicts,
        lambda m: m.query({"image": IMAGE_POOL}, 2),
        ValueError,
        r"X_pool has the keys \['image'\], but the learner was fitted on a dict with the keys "
        r"\['counts', 'image'\]",
    ),
    (
        "query dict entry of another shape",
        fitted_on_dicts,
        lambda m: m.query({"image": IMAGE_POOL, "counts": POOL[:, :1]}, 2),
        ValueError,
        r"X_pool has entries of shapes \{'image': \(1, 8, 8\), 'counts': \(1,\)\}",
    ),
    (
        "query an array on a dict learner",
        fitted_on_dicts,
        lambda m: m.query(IMAGE_POOL, 2),
        ValueError,
        "X_pool is an array or a Dataset, but the learner was fitted on a dict of arrays",
    ),
    (
        "teach dict of text",
        fitted_on_dicts,
        lambda m: m.teach({"image": IMAGE_POOL[:2], "counts": np.array([["a", "b"]] * 2)}, [0, 1]),
        ValueError,
        r"X\['counts'\] has dtype <U1; a network needs numbers",
    ),
    (
        "query Dataset whose items change shape",
        fitted_on_a_dataset,
        lambda m: m.query(ragged_images(), 2),
        ValueError,
        r"has items of different shapes: item 3 has an input of shape \(1, 6, 6\)",
    ),
    (
        "query Dataset with NaN",
        fitted_on_a_dataset,
        lambda m: m.query(images_with_nan(), 2),
        ValueError,
        "The Dataset has NaN or infinite values in items 0 to 9",
    ),
    (
        "query Dataset of another shape",
        fitted_on_a_dataset,
        lambda m: m.query(ListDataset([(torch.zeros(1, 6, 6), 0)] * 4), 2),
        ValueError,
        r"X_pool has rows of shape \(1, 6, 6\), but the learner was fitted on rows of shape "
        r"\(1, 8, 8\)",
    ),
    (
        "query iterable Dataset",
        fitted_on_a_dataset,
        lambda m: m.query(Stream(), 2),
        TypeError,
        r"X_pool is a Dataset without len\(\): an iterable-style Dataset",
    ),
    (
        "query empty Dataset",
        fitted_on_a_dataset,
        lambda m: m.query(ListDataset([]), 1),
        ValueError,
        "X_pool is empty",
    ),
    (
        "fit Dataset without labels, y None",
        fitted_on_a_dataset,
        lambda m: m.fit(unlabelled_items()),
        ValueError,
        r"y is None and the items of the Dataset X are not \(x, y\) pairs: pass the labels as y",
    ),
    (
        "fit Dataset, y of another length",
        fitted_on_a_dataset,
        lambda m: m.fit(unlabelled_items(), y[:10]),
        ValueError,
        "60 rows in X but 10 labels in y",
    ),
    (
        "teach Dataset whose items change shape",
        fitted_on_a_dataset,
        lambda m: m.teach(ragged_images(), np.zeros(10, dtype=np.int64)),
        ValueError,
        r"item \d+ of the labelled Dataset has an input of shape \(1, 6, 6\)",
    ),
]


DUPLICATES = np.repeat(POOL[:3], 4, axis=0)  # 12 rows, 3 distinct
ACCEPTED_CASES = [
    ("duplicate rows in the pool", DUPLICATES, 5),
    ("duplicate rows, n = pool size", DUPLICATES, 12),
    ("one row repeated, n > distinct rows", np.repeat(POOL[:1], 6, axis=0), 4),
]


def _ids(table):
    return [case[0] for case in table]


@pytest.mark.parametrize(
    "make, call, error, message", [c[1:] for c in LEARNER_CASES], ids=_ids(LEARNER_CASES)
)
def test_learner_refuses_bad_input_and_stays_unchanged(make, call, error, message):
    check_case(make, call, error, message)


@pytest.mark.parametrize(
    "make, call, error, message", [c[1:] for c in INPUT_KIND_CASES], ids=_ids(INPUT_KIND_CASES)
)
def test_images_dicts_and_datasets_refused_with_the_learner_unchanged(make, call, error, message):
    check_case(make, call, error, message)


def test_3d_rows_are_accepted_by_a_plain_net():
    # Formerly refused: rows of any shape reach the network (MLP flattens them).
    learner = fitted().fit(X[:, :, None], y)
    assert learner.input_shape_ == (2, 1) and not hasattr(learner, "n_features_in_")
    assert learner.query(POOL[:, :, None], 3).shape == (3,)


@pytest.mark.parametrize(
    "make, call, error, message", [c[1:] for c in STRATEGY_CASES], ids=_ids(STRATEGY_CASES)
)
def test_strategy_refuses_what_it_cannot_use_and_learner_stays_unchanged(
    make, call, error, message
):
    check_case(make, call, error, message)


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
@pytest.mark.parametrize(
    "call, message", [c[1:] for c in EVERY_STRATEGY_CASES], ids=_ids(EVERY_STRATEGY_CASES)
)
def test_every_strategy_refuses_bad_n_and_empty_pool(call, message, alias):
    check_case(lambda: learner_with(FAST[alias]), call, ValueError, message)


def test_fast_settings_cover_every_strategy():
    assert set(FAST) == set(STRATEGY_ALIASES)
    for alias, strategy in FAST.items():
        assert isinstance(strategy, STRATEGY_ALIASES[alias])


@pytest.fixture(scope="module")
def fitted_with_every_strategy():
    return {alias: learner_with(strategy) for alias, strategy in FAST.items()}


@pytest.mark.parametrize("alias", sorted(STRATEGY_ALIASES))
@pytest.mark.parametrize("pool, n", [c[1:] for c in ACCEPTED_CASES], ids=_ids(ACCEPTED_CASES))
def test_duplicate_rows_are_accepted(pool, n, alias, fitted_with_every_strategy):
    learner = copy.deepcopy(fitted_with_every_strategy[alias])
    before = snapshot(learner)
    rng_before = global_rng()
    indices = learner.query(pool, n)
    assert_same_rng(rng_before, global_rng())
    assert indices.dtype == np.int64 and indices.shape == (n,)
    assert np.unique(indices).shape[0] == n
    assert indices.min() >= 0 and indices.max() < pool.shape[0]
    np.testing.assert_array_equal(learner.query(pool, n), indices)  # reproducible
    before.pop("strategy")  # ALBL's bandit records the query it answered
    after = snapshot(learner)
    after.pop("strategy")
    assert before.keys() == after.keys()
    for key in ("X", "y", "rounds", "n_rounds", "seed", "predictions", "query"):
        np.testing.assert_array_equal(before[key], after[key], err_msg=key)


# ---------------------------------------------------------------- the docs

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad_input.md"


def _documented_ids():
    rows = re.findall(r"^\| `([^`]+)` \|", DOC.read_text(), flags=re.M)
    assert len(rows) == len(set(rows)), "a case is documented twice"
    return set(rows)


def test_docs_list_every_case_and_nothing_else():
    from .test_bad_input_costs import COST_CASES, COST_CLI_CASES, STOPPING_STREAM_CASES
    from .test_bad_input_experiments import CLI_CASES, SIMULATION_CASES

    tables = (
        LEARNER_CASES,
        INPUT_KIND_CASES,
        STRATEGY_CASES,
        EVERY_STRATEGY_CASES,
        ACCEPTED_CASES,
        SIMULATION_CASES,
        CLI_CASES,
        COST_CASES,
        STOPPING_STREAM_CASES,
        COST_CLI_CASES,
    )
    ids = [case_id for table in tables for case_id in _ids(table)]
    assert len(ids) == len(set(ids)), "two cases share an id"
    documented = _documented_ids()
    assert sorted(set(ids) - documented) == [], "cases missing from docs/bad_input.md"
    assert sorted(documented - set(ids)) == [], "documented cases without a test"


def test_case_counts():
    # 32 learner cases existed before the strategy, simulation and CLI tables;
    # one (fit 3-D X) became accepted input with the images, dicts and Datasets.
    assert len(LEARNER_CASES) >= 32 + 24
    assert len(INPUT_KIND_CASES) >= 20
    assert len(STRATEGY_CASES) >= 25
    # Every case on every registered strategy, read from the registry (3 cases
    # on 22 strategies when the table was written): the parametrisation of
    # the test that runs them gives exactly that many.
    expected = len(EVERY_STRATEGY_CASES) * len(STRATEGY_ALIASES)
    assert expected >= 3 * 22
    marks = test_every_strategy_refuses_bad_n_and_empty_pool.pytestmark
    run = np.prod([len(m.args[1]) for m in marks if m.name == "parametrize"])
    assert run == expected
