"""skactive: scikit-learn-compatible active learning for skorch networks.

:class:`ActiveLearner` wraps a skorch ``NeuralNetClassifier`` or
``NeuralNetRegressor`` (or a Pipeline ending in one) and adds ``query`` and
``teach`` to the usual estimator API. Query strategies live in
:mod:`skactive.strategies`; default networks in :mod:`skactive.nets`.
"""

from ._learner import ActiveLearner

__version__ = "0.1.0"

__all__ = ["ActiveLearner", "__version__"]
