"""Criteria on the model's confidence over the pool (Zhu, Wang & Hovy, 2008)."""

from numbers import Real

from sklearn.utils._param_validation import Interval

from ._base import StoppingCriterion, _entropy


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
