"""Criteria that compare successive models on a fixed stop set."""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from ..probes import is_dataset, n_rows, take_rows
from ._base import StoppingCriterion, cohen_kappa


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
