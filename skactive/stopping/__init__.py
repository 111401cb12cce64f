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

from ._base import StoppingCriterion, cohen_kappa
from ._budgets import CostBudget, LabelBudget
from ._combinations import AllOf, AnyOf
from ._confidence import MaxConfidence, MinExpectedError, OverallUncertainty
from ._predictions import ClassificationChange, StabilizingPredictions
from ._validation import ValidationPlateau

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


#: Names accepted by ``skactive compare --stopping`` and ``stopping=[...]``.
STOPPING_ALIASES = {
    "stabilizing_predictions": StabilizingPredictions,
    "max_confidence": MaxConfidence,
    "overall_uncertainty": OverallUncertainty,
    "min_expected_error": MinExpectedError,
    "classification_change": ClassificationChange,
}
