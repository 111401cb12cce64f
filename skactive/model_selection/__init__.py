"""Simulated active-learning experiments and the metrics that compare strategies.

- :func:`simulate_active_learning`: one pool-based run with labels as the
  oracle (seed set, rounds of queries, a test score after each);
  :class:`ActiveLearningSimulation` is the same run as an object that can be
  interrupted, saved and continued from its last completed round.
- :func:`cross_validate_strategies`: several strategies x folds x repeats,
  every strategy of a repeat starting from the same seed set, in parallel
  with joblib, as a tidy pandas DataFrame.
- Metrics on learning curves: :func:`area_under_learning_curve`,
  :func:`labels_to_target` (DEIMOS), :func:`learning_budgets`,
  :func:`penalty_matrix` and :func:`normalized_error_cdf` (BADGE §4); and
  the same on the results table: :func:`learning_curves`,
  :func:`summarize_results`, :func:`results_penalty_matrix`,
  :func:`results_error_cdf`.
- :func:`dami_protocol`: the protocol of the DAMI paper in one call.
- :func:`stopping_report`: where the stopping criteria given as
  ``stopping=`` fired on the learning curves, and the labels they saved.
- :func:`simulate_stream`: stream-based selection over a data set, with a
  selector of :mod:`skactive.stream`, and its learning curve.
"""

from ..metrics import (
    area_under_learning_curve,
    labels_to_target,
    learning_budgets,
    learning_curves,
    normalized_error_cdf,
    penalty_matrix,
    results_error_cdf,
    results_penalty_matrix,
    summarize_results,
)
from ._protocol import dami_protocol
from ._setup import draw_initial_set
from ._simulate import simulate_active_learning
from ._simulation import ActiveLearningSimulation
from ._stopping import stopping_report
from ._stream import simulate_stream
from ._validation import cross_validate_strategies

__all__ = [
    "ActiveLearningSimulation",
    "area_under_learning_curve",
    "cross_validate_strategies",
    "dami_protocol",
    "draw_initial_set",
    "labels_to_target",
    "learning_budgets",
    "learning_curves",
    "normalized_error_cdf",
    "penalty_matrix",
    "results_error_cdf",
    "results_penalty_matrix",
    "simulate_active_learning",
    "simulate_stream",
    "stopping_report",
    "summarize_results",
]
