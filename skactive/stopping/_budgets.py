"""Stop at a label budget or a cost budget."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ..probes import n_rows
from ._base import StoppingCriterion


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
