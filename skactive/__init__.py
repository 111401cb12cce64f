"""skactive: scikit-learn-compatible active learning for skorch networks.

:class:`ActiveLearner` wraps a skorch ``NeuralNetClassifier`` or
``NeuralNetRegressor`` (or a Pipeline ending in one) and adds ``query`` and
``teach`` to the usual estimator API. Query strategies live in
:mod:`skactive.strategies`; default networks in :mod:`skactive.nets`.
"""

__version__ = "0.1.0"

__all__ = ["ActiveLearner", "__version__"]


def __getattr__(name):
    # ActiveLearner (and with it torch) is imported on first use, so that the
    # ``skactive`` command answers ``--help`` without loading torch.
    if name == "ActiveLearner":
        from ._learner import ActiveLearner

        return ActiveLearner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + ["ActiveLearner"])
