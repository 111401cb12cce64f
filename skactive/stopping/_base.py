"""The base class of stopping criteria, and Cohen's kappa between two labelings."""

import numpy as np
from scipy.special import xlogy
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils.validation import check_is_fitted

from ..probes import n_rows


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
