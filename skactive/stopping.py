"""Stopping criteria: when has active learning labelled enough?

A stopping criterion looks at the learner after each round and says whether
to stop labelling. Every criterion is a small scikit-learn-style object
(``__init__`` only stores its parameters) with one method::

    criterion.should_stop(learner, X_pool) -> bool

called once per round, after ``fit`` (the seed set) and after each
``teach``. The evidence it used is kept on the criterion in ``history_``
(one dict per call), and ``n_labeled_stopped_`` records the number of
labelled rows at the first call that said stop. A criterion keeps state
between calls (the previous model's predictions, the best validation
score), so give each run its own (``sklearn.base.clone`` makes a fresh one).

A hand-written loop::

    criterion = StabilizingPredictions()
    learner.fit(X_seed, y_seed)
    while not criterion.should_stop(learner, X_pool):
        idx = learner.query(X_pool, 20)
        learner.teach(X_pool[idx], oracle(idx))
        X_pool = np.delete(X_pool, idx, axis=0)

The criteria:

- :class:`StabilizingPredictions`: Cohen's kappa between successive models'
  predictions on a stop set (Bloodgood & Vijay-Shanker, 2009);
- :class:`MaxConfidence`, :class:`OverallUncertainty`,
  :class:`MinExpectedError` and :class:`ClassificationChange` (Zhu, Wang &
  Hovy, 2008);
- :class:`ValidationPlateau`: the score on a labelled validation set has
  stopped improving;
- :class:`LabelBudget` and :class:`CostBudget`;
- :class:`AnyOf` and :class:`AllOf` combine criteria.

:func:`skactive.model_selection.simulate_active_learning` takes
``stopping=`` and records when each criterion fired;
:func:`skactive.model_selection.stopping_report` judges them against the
learning curve.
"""

import copy
from numbers import Integral, Real

import numpy as np
from scipy.special import xlogy
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .probes import is_dataset, n_rows, take_rows

__all__ = [
    "AllOf",
    "AnyOf",
    "ClassificationChange",
    "CostBudget",
    "LabelBudget",
    "MaxConfidence",
    "MinExpectedError",
    "OverallUncertainty",
    "STOPPING_ALIASES",
    "StabilizingPredictions",
    "StoppingCriterion",
    "ValidationPlateau",
    "cohen_kappa",
]


def cohen_kappa(a, b):
    """Cohen's kappa between two label vectors.

    ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the observed agreement and
    ``p_e`` the agreement expected by chance from the two label frequencies.
    When ``p_e = 1`` (both vectors are one and the same constant), kappa is
    1 (total agreement) rather than 0/0.

    Parameters
    ----------
    a, b : ndarray of shape (n_samples,)
        Labels (any comparable values).

    Returns
    -------
    kappa : float in [-1, 1]

    Examples
    --------
    >>> from skactive.stopping import cohen_kappa
    >>> cohen_kappa([0, 1, 1, 0], [0, 1, 1, 0])
    1.0
    >>> cohen_kappa([0, 1, 0, 1], [0, 0, 1, 1])
    0.0
    """
    a, b = np.asarray(a), np.asarray(b)
    labels, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    ca, cb = codes[: a.shape[0]], codes[a.shape[0] :]
    p_o = float(np.mean(ca == cb))
    k = labels.shape[0]
    p_e = float(np.dot(np.bincount(ca, minlength=k), np.bincount(cb, minlength=k))) / (
        a.shape[0] ** 2
    )
    if p_e >= 1.0:
        return 1.0
    return (p_o - p_e) / (1.0 - p_e)


def _entropy(proba):
    """(n, n_classes) probabilities -> (n,) entropies in nats."""
    return -xlogy(proba, proba).sum(axis=1)


class StoppingCriterion(BaseEstimator):
    """Base class of stopping criteria.

    Subclasses implement ``_evaluate(learner, X_pool) -> (stop, evidence)``
    without changing the criterion, and ``_commit(evidence)`` for state kept
    between calls. :meth:`should_stop` validates, evaluates, then records.

    Attributes
    ----------
    history_ : list of dict
        One entry per :meth:`should_stop` call: ``n_labeled`` (labelled rows
        of the learner), ``stop`` (the answer) and the criterion's evidence
        (e.g. ``kappa``, ``max_uncertainty``).
    n_labeled_stopped_ : int or None
        Labelled rows at the first call that answered True; None until then.
    """

    #: Whether the criterion needs class probabilities.
    _needs_classifier = False

    def should_stop(self, learner, X_pool):
        """Whether to stop labelling, after this round.

        Call it once per round, after ``fit`` and after each ``teach``.

        Parameters
        ----------
        learner : ActiveLearner
            The fitted learner; it is read, never changed.
        X_pool : array-like of shape (n_pool, n_features)
            The rows still unlabelled, raw (as given to ``query``). May be
            empty once the pool is exhausted, for criteria that do not read it.

        Returns
        -------
        stop : bool
        """
        check_is_fitted(learner, "estimator_")
        if hasattr(self, "_parameter_constraints"):
            self._validate_params()
        if self._needs_classifier and not is_classifier(learner):
            raise ValueError(
                f"{type(self).__name__} reads class probabilities: use it with a classifier; "
                "for a regressor use ValidationPlateau, LabelBudget or CostBudget."
            )
        stop, evidence = self._evaluate(learner, X_pool)
        stop = bool(stop)
        n_labeled = int(n_rows(learner.y_labeled_))
        # Commit only once everything succeeded: a failing call changes nothing.
        self._commit(evidence)
        self.history_ = list(getattr(self, "history_", [])) + [
            {"n_labeled": n_labeled, "stop": stop, **evidence}
        ]
        if getattr(self, "n_labeled_stopped_", None) is None:
            self.n_labeled_stopped_ = n_labeled if stop else None
        return stop

    def _evaluate(self, learner, X_pool):
        raise NotImplementedError(f"{type(self).__name__} does not implement _evaluate.")

    def _commit(self, evidence):
        """Keep what the next call needs (nothing by default)."""

    def _pool_proba(self, learner, X_pool):
        if n_rows(X_pool) == 0:
            raise ValueError(
                f"X_pool is empty: {type(self).__name__} reads the model's confidence on the "
                "unlabelled rows."
            )
        return learner.predict_proba(X_pool)


class _ReferenceSet(StoppingCriterion):
    """A criterion that compares successive models on a fixed set of rows."""

    def _reference(self, X_pool):
        if hasattr(self, "stop_set_"):
            return self.stop_set_
        rows = self.stop_set if self.stop_set is not None else X_pool
        n = n_rows(rows)
        if n == 0:
            raise ValueError(
                f"{type(self).__name__} needs a stop set: X_pool is empty and stop_set is None."
            )
        limit = getattr(self, "max_stop_set_size", None)
        if self.stop_set is None and limit is not None and n > limit:
            pick = np.sort(check_random_state(self.random_state).choice(n, limit, replace=False))
            rows = take_rows(rows, pick)
        if is_dataset(rows):
            return rows  # indices into the caller's Dataset, nothing loaded
        if isinstance(rows, dict):
            return {key: np.array(value, copy=True) for key, value in rows.items()}
        return copy.copy(rows) if hasattr(rows, "iloc") else np.array(rows, copy=True)

    def _commit(self, evidence):
        self.stop_set_ = evidence.pop("_stop_set")
        self.previous_predictions_ = evidence.pop("_predictions")


class StabilizingPredictions(_ReferenceSet):
    """Stop when successive models agree on a stop set (stabilising predictions).

    After each round the model predicts the stop set, a fixed set of
    unlabelled rows; Cohen's kappa measures the agreement between these
    predictions and those of the previous round's model. Labelling stops
    when the mean of the last ``window`` kappas is at least ``threshold``.

    Parameters
    ----------
    threshold : float, default=0.99
        Kappa agreement needed (the paper's 0.99).
    window : int, default=3
        Number of successive kappas averaged (the paper's k = 3). The
        criterion cannot fire before ``window + 1`` models were seen.
    stop_set : array-like of shape (n_stop, n_features), default=None
        The stop set (raw rows, need not be labelled). None: the pool given
        to the first call, subsampled to ``max_stop_set_size`` rows.
    max_stop_set_size : int, default=2000
        Rows of the first pool kept as the stop set when ``stop_set`` is
        None (the paper draws 2,000 unlabelled examples).
    random_state : int, RandomState instance or None, default=None
        Seed of that subsample.

    Attributes
    ----------
    stop_set_ : ndarray or DataFrame
        The stop set used.
    previous_predictions_ : ndarray of shape (n_stop,)
        The last model's predictions on it.
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``kappa`` (NaN at the first call)
        and ``mean_kappa`` (NaN until ``window`` kappas exist).
    n_labeled_stopped_ : int or None

    Notes
    -----
    The predictions compared are the class labels (``predict``); for a
    regressor they are the predicted values rounded to 6 decimals, which
    makes kappa a strict agreement measure. The paper is written for
    classifiers.

    References
    ----------
    .. [1] M. Bloodgood and K. Vijay-Shanker, "A Method for Stopping Active
       Learning Based on Stabilizing Predictions and the Need for
       User-Adjustable Stopping", CoNLL 2009, §3 (stop set, kappa between
       successive models, threshold 0.99 over a window of k = 3).
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, -1, 1, closed="both")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stop_set": ["array-like", None],
        "max_stop_set_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self, threshold=0.99, window=3, *, stop_set=None, max_stop_set_size=2000, random_state=None
    ):
        self.threshold = threshold
        self.window = window
        self.stop_set = stop_set
        self.max_stop_set_size = max_stop_set_size
        self.random_state = random_state

    def _evaluate(self, learner, X_pool):
        rows = self._reference(X_pool)
        predictions = np.asarray(learner.predict(rows))
        if not is_classifier(learner):
            predictions = np.round(predictions.astype(np.float64), 6)
        previous = getattr(self, "previous_predictions_", None)
        kappa = np.nan if previous is None else cohen_kappa(previous, predictions)
        kappas = [h["kappa"] for h in getattr(self, "history_", [])] + [kappa]
        kappas = [k for k in kappas if not np.isnan(k)]
        recent = kappas[-self.window :]
        mean = float(np.mean(recent)) if len(recent) == self.window else np.nan
        stop = not np.isnan(mean) and mean >= self.threshold
        evidence = {
            "kappa": kappa,
            "mean_kappa": mean,
            "_stop_set": rows,
            "_predictions": predictions,
        }
        return stop, evidence


class ClassificationChange(_ReferenceSet):
    """Stop when no row of the pool changes its predicted class between rounds.

    Parameters
    ----------
    stop_set : array-like of shape (n_stop, n_features), default=None
        The rows whose predictions are compared. None: the pool given to the
        first call (all of it).
    random_state : int, RandomState instance or None, default=None
        Unused (the whole first pool is compared); kept for a uniform
        interface with :class:`StabilizingPredictions`.

    Attributes
    ----------
    stop_set_, previous_predictions_, history_, n_labeled_stopped_
        As in :class:`StabilizingPredictions`; ``history_`` records
        ``n_changed``, the rows whose predicted class changed (NaN at the
        first call).

    Notes
    -----
    The paper compares the predictions on the unlabelled pool in two
    successive iterations. Since ``should_stop`` is handed the current pool
    without row identities, the rows compared are those of the first pool
    (or ``stop_set``), fixed from the first call; rows labelled since stay
    in it, which can only delay the stop.

    References
    ----------
    .. [1] J. Zhu, H. Wang and E. Hovy, "Multi-criteria-based Strategy to
       Stop Active Learning for Data Annotation", COLING 2008, §3
       (classification change).
    """

    _parameter_constraints = {"stop_set": ["array-like", None], "random_state": ["random_state"]}
    _needs_classifier = True

    def __init__(self, *, stop_set=None, random_state=None):
        self.stop_set = stop_set
        self.random_state = random_state

    def _evaluate(self, learner, X_pool):
        rows = self._reference(X_pool)
        predictions = np.asarray(learner.predict(rows))
        previous = getattr(self, "previous_predictions_", None)
        n_changed = np.nan if previous is None else int(np.sum(previous != predictions))
        stop = previous is not None and n_changed == 0
        return stop, {"n_changed": n_changed, "_stop_set": rows, "_predictions": predictions}


class _ConfidenceCriterion(StoppingCriterion):
    """Stop when a confidence measure of the pool falls below ``threshold``."""

    _parameter_constraints = {"threshold": [Interval(Real, 0, None, closed="left")]}
    _needs_classifier = True
    _name = None

    def __init__(self, threshold=0.01):
        self.threshold = threshold

    def _evaluate(self, learner, X_pool):
        value = float(self._measure(self._pool_proba(learner, X_pool)))
        return value < self.threshold, {self._name: value}


class MaxConfidence(_ConfidenceCriterion):
    """Stop when even the most uncertain pool row is nearly certain (max-confidence).

    Uncertainty sampling labels the pool row of highest entropy next; the
    criterion stops when that entropy is below ``threshold``.

    Parameters
    ----------
    threshold : float, default=0.001
        Entropy (nats) below which the most uncertain row counts as certain.
        The paper leaves it to be set per task; 0.001 is our default.

    Attributes
    ----------
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``max_uncertainty`` (the largest
        entropy over the pool).
    n_labeled_stopped_ : int or None

    References
    ----------
    .. [1] J. Zhu, H. Wang and E. Hovy, "Multi-criteria-based Strategy to
       Stop Active Learning for Data Annotation", COLING 2008, §2
       (max-confidence: the entropy of the selected example below a
       threshold).
    """

    _name = "max_uncertainty"

    def __init__(self, threshold=0.001):
        self.threshold = threshold

    @staticmethod
    def _measure(proba):
        return _entropy(proba).max()


class OverallUncertainty(_ConfidenceCriterion):
    """Stop when the mean entropy over the pool is below ``threshold``.

    Parameters
    ----------
    threshold : float, default=0.01
        Mean entropy (nats). The paper leaves it to be set per task; 0.01
        is our default.

    Attributes
    ----------
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``overall_uncertainty``.
    n_labeled_stopped_ : int or None

    References
    ----------
    .. [1] J. Zhu, H. Wang and E. Hovy, "Multi-criteria-based Strategy to
       Stop Active Learning for Data Annotation", COLING 2008, §2
       (overall-uncertainty: the average uncertainty of the unlabelled pool).
    """

    _name = "overall_uncertainty"

    @staticmethod
    def _measure(proba):
        return _entropy(proba).mean()


class MinExpectedError(_ConfidenceCriterion):
    """Stop when the expected error on the pool is below ``threshold``.

    The expected 0/1 error of the current model on the pool,
    ``mean_x (1 - max_y p(y | x))``.

    Parameters
    ----------
    threshold : float, default=0.01
        Expected error rate. The paper leaves it to be set per task; 0.01 is
        our default.

    Attributes
    ----------
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``expected_error``.
    n_labeled_stopped_ : int or None

    References
    ----------
    .. [1] J. Zhu, H. Wang and E. Hovy, "Multi-criteria-based Strategy to
       Stop Active Learning for Data Annotation", COLING 2008, §2
       (minimum expected error).
    """

    _name = "expected_error"

    @staticmethod
    def _measure(proba):
        return (1.0 - proba.max(axis=1)).mean()


class ValidationPlateau(StoppingCriterion):
    """Stop when the score on a labelled validation set stops improving.

    Parameters
    ----------
    X_val : array-like of shape (n_val, n_features)
    y_val : array-like of shape (n_val,) or (n_val, n_targets)
        The labelled validation set.
    patience : int, default=3
        Stop after this many calls in a row without an improvement of more
        than ``tol`` over the best score so far.
    tol : float, default=0.0
        The improvement that counts.
    scoring : str or callable, default=None
        A scikit-learn scorer name or ``scorer(estimator, X, y)``; None uses
        ``learner.score``.

    Attributes
    ----------
    best_score_ : float
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``score``, ``n_without_improvement``.
    n_labeled_stopped_ : int or None
    """

    _parameter_constraints = {
        "X_val": ["array-like"],
        "y_val": ["array-like"],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "scoring": [str, callable, None],
    }

    def __init__(self, X_val, y_val, *, patience=3, tol=0.0, scoring=None):
        self.X_val = X_val
        self.y_val = y_val
        self.patience = patience
        self.tol = tol
        self.scoring = scoring

    def _evaluate(self, learner, X_pool):
        from sklearn.metrics import check_scoring

        score = float(check_scoring(learner, scoring=self.scoring)(learner, self.X_val, self.y_val))
        best = getattr(self, "best_score_", None)
        waited = getattr(self, "_waited", 0)
        if best is None or score > best + self.tol:
            best, waited = score, 0
        else:
            waited += 1
        return waited >= self.patience, {
            "score": score,
            "n_without_improvement": waited,
            "_best": best,
        }

    def _commit(self, evidence):
        self.best_score_ = evidence.pop("_best")
        self._waited = evidence["n_without_improvement"]


class LabelBudget(StoppingCriterion):
    """Stop once the learner holds ``max_labels`` labelled rows (seed set included).

    Parameters
    ----------
    max_labels : int
        The label budget.

    Attributes
    ----------
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``.
    n_labeled_stopped_ : int or None
    """

    _parameter_constraints = {"max_labels": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, max_labels):
        self.max_labels = max_labels

    def _evaluate(self, learner, X_pool):
        return n_rows(learner.y_labeled_) >= self.max_labels, {}


class CostBudget(StoppingCriterion):
    """Stop once the labelled rows have cost ``budget`` or more.

    Parameters
    ----------
    budget : float
        The cost budget, in the units of ``costs``.
    costs : callable or str
        The cost of labelled rows: ``costs(X_labeled) -> ndarray of shape
        (n_labeled,)``, or the name of a column of a DataFrame
        ``learner.X_labeled_``.
    include_initial : bool, default=True
        Whether the seed set's rows count against the budget.

    Attributes
    ----------
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``spent``.
    n_labeled_stopped_ : int or None
    """

    _parameter_constraints = {
        "budget": [Interval(Real, 0, None, closed="neither")],
        "costs": [callable, str],
        "include_initial": ["boolean"],
    }

    def __init__(self, budget, costs, *, include_initial=True):
        self.budget = budget
        self.costs = costs
        self.include_initial = include_initial

    def _evaluate(self, learner, X_pool):
        X = learner.X_labeled_
        if isinstance(self.costs, str):
            if not hasattr(X, "columns") or self.costs not in X.columns:
                raise ValueError(
                    f"costs={self.costs!r} names a column, but the learner's labelled rows "
                    "have no such column; give a callable costs(X_labeled) instead."
                )
            values = np.asarray(X[self.costs], dtype=np.float64)
        else:
            values = np.asarray(self.costs(X), dtype=np.float64)
        if values.shape != (n_rows(X),) or not np.all(np.isfinite(values)):
            raise ValueError(
                f"costs gave {values.shape} values for {n_rows(X)} labelled rows: it must "
                "give one finite cost per row."
            )
        if not self.include_initial:
            values = values[np.asarray(learner.labeled_rounds_) > 0]
        spent = float(values.sum())
        return spent >= self.budget, {"spent": spent}


class _Combination(StoppingCriterion):
    _parameter_constraints = {"criteria": [list, tuple]}

    def __init__(self, criteria):
        self.criteria = criteria

    def _evaluate(self, learner, X_pool):
        if len(self.criteria) == 0 or not all(hasattr(c, "should_stop") for c in self.criteria):
            raise ValueError(
                f"{type(self).__name__} needs a non-empty list of stopping criteria "
                "(objects with should_stop)."
            )
        if not hasattr(self, "criteria_"):
            criteria = [clone(c) for c in self.criteria]
        else:
            criteria = copy.deepcopy(self.criteria_)
        answers = [c.should_stop(learner, X_pool) for c in criteria]
        return self._combine(answers), {"answers": answers, "_criteria": criteria}

    def _commit(self, evidence):
        self.criteria_ = evidence.pop("_criteria")


class AnyOf(_Combination):
    """Stop as soon as any of the criteria says stop.

    Parameters
    ----------
    criteria : list of StoppingCriterion
        Cloned at the first call; the clones are ``criteria_``.

    Attributes
    ----------
    criteria_ : list of StoppingCriterion
        The clones, each with its own ``history_``.
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``answers`` (each criterion's).
    n_labeled_stopped_ : int or None
    """

    @staticmethod
    def _combine(answers):
        return any(answers)


class AllOf(_Combination):
    """Stop once every criterion says stop in the same round.

    Parameters
    ----------
    criteria : list of StoppingCriterion
        Cloned at the first call; the clones are ``criteria_``.

    Attributes
    ----------
    criteria_ : list of StoppingCriterion
    history_ : list of dict
        Per call: ``n_labeled``, ``stop``, ``answers``.
    n_labeled_stopped_ : int or None
    """

    @staticmethod
    def _combine(answers):
        return all(answers)


#: Names accepted by ``skactive compare --stopping`` and ``stopping=[...]``.
STOPPING_ALIASES = {
    "stabilizing_predictions": StabilizingPredictions,
    "max_confidence": MaxConfidence,
    "overall_uncertainty": OverallUncertainty,
    "min_expected_error": MinExpectedError,
    "classification_change": ClassificationChange,
}
