"""Metrics that compare active-learning strategies by their learning curves.

On plain arrays (a grid of label counts and the scores on it, or test errors
of shape ``(n_strategies, n_budgets, n_runs)``):

- :func:`area_under_learning_curve`: the normalised area under a learning
  curve (AULC), the mean score over the labelling budget.
- :func:`labels_to_target`: the labels a curve needs to reach a score
  (DEIMOS, Tables 1-2).
- :func:`learning_budgets`: the budgets where learning still progresses
  (BADGE §4), at which the next two compare strategies.
- :func:`penalty_matrix` and :func:`normalized_error_cdf`: BADGE's pairwise
  penalty matrix and cumulative distribution of normalised errors (§4).

On the results table of
:func:`skactive.model_selection.cross_validate_strategies` (pandas):
:func:`learning_curves`, :func:`summarize_results`,
:func:`results_penalty_matrix`, :func:`results_error_cdf`.

Every name is also importable from :mod:`skactive.model_selection`, where
these metrics lived first; new code imports them from here.
"""

from ._curves import (
    area_under_learning_curve,
    labels_to_target,
    learning_budgets,
    normalized_error_cdf,
    penalty_matrix,
)
from ._results import (
    learning_curves,
    results_error_cdf,
    results_penalty_matrix,
    summarize_results,
)

__all__ = [
    "area_under_learning_curve",
    "labels_to_target",
    "learning_budgets",
    "learning_curves",
    "normalized_error_cdf",
    "penalty_matrix",
    "results_error_cdf",
    "results_penalty_matrix",
    "summarize_results",
]
