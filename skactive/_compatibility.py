"""Whether a query strategy can work with a learner, checked before any training.

A strategy finds out at ``query`` that the network lacks what it needs (class
probabilities, a dropout layer, a final ``nn.Linear``, a single output); by
then a whole training run has been spent. :func:`check_compatibility` asks the
same questions of the unfitted learner, so that ``ActiveLearner.fit`` and
``cross_validate_strategies`` refuse an incompatible pair at once, with the
message the strategy itself would give.

What a strategy needs is what its capability tags say
(:class:`skactive.strategies.StrategyTags`, from ``__strategy_tags__``), built
in or third party alike; :func:`strategy_requirements` names them. A plain
function, or an object that declares no tags, is not checked here and reports
its own needs at ``query``.
"""

import inspect

import numpy as np
from sklearn.base import is_classifier

__all__ = ["check_compatibility", "strategy_requirements"]

CLASSIFIER, DROPOUT, FINAL_LINEAR, SINGLE_OUTPUT = (
    "classifier",
    "dropout",
    "final_linear",
    "single_output",
)
# DensityWeighted's default n_clusters: one cluster per class.
CLUSTERS_FROM_CLASSES = "clusters_from_classes"


#: Requirement name -> the capability tag that states it.
_TAG_OF = {
    CLASSIFIER: "classifier_only",
    DROPOUT: "needs_dropout",
    FINAL_LINEAR: "needs_final_linear",
    SINGLE_OUTPUT: "single_output",
    CLUSTERS_FROM_CLASSES: "clusters_from_classes",
}


def strategy_requirements(strategy):
    """What a strategy needs of the learner, as its capability tags state.

    Parameters
    ----------
    strategy : QueryStrategy
        A strategy object (an alias resolved already).

    Returns
    -------
    needs : set of str
        Among ``"classifier"`` (class probabilities), ``"dropout"`` (an
        ``nn.Dropout`` layer for MC dropout), ``"final_linear"`` (a final
        ``nn.Linear`` whose input is the penultimate embedding),
        ``"single_output"`` (a regressor with one target) and
        ``"clusters_from_classes"`` (as many clusters as classes). Empty for a
        strategy that needs nothing or declares no tags.
    """
    from .strategies._base import strategy_tags

    tags = strategy_tags(strategy)
    return {need for need, tag in _TAG_OF.items() if getattr(tags, tag)}


def _module_instance(net, input_shape, n_outputs):
    """The network's module as training would build it, or None if unknown.

    A module given as an instance is returned as is. A module class is built
    with the net's ``module__*`` parameters and the sizes the learner would
    set, under a fixed torch seed with the caller's random streams restored.
    If it cannot be built here (it needs what only training supplies), None:
    training then reports its own errors.
    """
    from . import probes

    module = net.module
    if not inspect.isclass(module):
        return module
    kwargs = dict(net.get_params_for("module"))
    try:
        parameters = inspect.signature(module).parameters
    except (TypeError, ValueError):
        return None
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    n_features = None if input_shape is None else int(np.prod(input_shape))
    sizes = (("n_features_in", n_features), ("input_shape", input_shape), ("n_outputs", n_outputs))
    for name, value in sizes:
        # As the learner sizes it: input_shape only to a module that names it.
        takes = name in parameters or (accepts_any and name != "input_shape")
        if takes and kwargs.get(name) is None and value:
            kwargs[name] = value
    try:
        with probes.seeded_torch(0):
            return module(**kwargs)
    except Exception:
        return None


def check_compatibility(strategy, learner, X=None, y=None):
    """Raise if ``strategy`` cannot work with ``learner``; do nothing otherwise.

    Parameters
    ----------
    strategy : QueryStrategy
        A strategy object (see :func:`strategy_requirements`).
    learner : ActiveLearner
        The learner, fitted or not; only its ``estimator`` is read.
    X : array-like of shape (n_samples, ...), default=None
        Training rows, to size the module as training would.
    y : array-like of shape (n_samples,) or (n_samples, n_targets), default=None
        Their targets (the number of outputs).

    Raises
    ------
    ValueError
        Saying what the strategy needs: a classifier, a dropout layer, a final
        ``nn.Linear`` or a single-output regressor.
    """
    needs = strategy_requirements(strategy)
    if not needs:
        return
    name = type(strategy).__name__
    classifier = is_classifier(learner)
    if CLASSIFIER in needs and not classifier:
        raise ValueError(
            f"{name} needs class probabilities: use it with a classifier (a skorch "
            "NeuralNetClassifier); for a regressor choose e.g. 'random'."
        )
    if CLUSTERS_FROM_CLASSES in needs and not classifier:
        raise ValueError(
            f"{name} uses as many clusters as classes by default, which needs a classifier; "
            "with a regressor set n_clusters."
        )
    y = None if y is None else np.asarray(y)
    n_targets = None
    if y is not None and not classifier:
        n_targets = y.shape[1] if y.ndim == 2 else 1
    if SINGLE_OUTPUT in needs and not classifier and n_targets not in (None, 1):
        raise ValueError(
            f"{name} needs one output to interpret: the regressor has {n_targets} outputs; "
            "use a single-output regressor or a classifier."
        )
    if not needs & {DROPOUT, FINAL_LINEAR}:
        return
    from sklearn.pipeline import Pipeline

    estimator = learner.estimator
    net = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    shape = getattr(X, "shape", None)
    input_shape = (
        tuple(int(s) for s in shape[1:]) if shape is not None and len(shape) >= 2 else None
    )
    if classifier:
        classes = learner.classes if learner.classes is not None else y
        n_outputs = None if classes is None else int(np.unique(np.asarray(classes)).shape[0])
    else:
        n_outputs = n_targets
    module = _module_instance(net, input_shape, n_outputs)
    if module is None:
        return
    from .probes import _embedding, _mc

    try:
        if DROPOUT in needs:
            _mc.dropout_layers(module)
        if FINAL_LINEAR in needs:
            with _embedding._capturing_final_linear(module):
                pass
    except ValueError as error:
        raise ValueError(f"{name} cannot use this network: {error}") from None
