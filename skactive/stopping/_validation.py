"""Stop when the score on a labelled validation set stops improving."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ._base import StoppingCriterion


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
