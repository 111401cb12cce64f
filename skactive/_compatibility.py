"""Whether a query strategy can work with a learner, checked before any training.

A strategy finds out at ``query`` that the network lacks what it needs (class
probabilities, a dropout layer, a final ``nn.Linear``, a single output); by
then a whole training run has been spent. :func:`check_compatibility` asks the
same questions of the unfitted learner, so that ``ActiveLearner.fit`` and
``cross_validate_strategies`` refuse an incompatible pair at once, with the
message the strategy itself would give.

What each built-in strategy needs is stated in :func:`strategy_requirements`;
a third-party strategy (or a plain function) is not checked here and reports
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


def strategy_requirements(strategy):
    """What a built-in strategy needs of the learner.

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
        strategy that needs nothing or is not built in.
    """
    from . import strategies as s

    table = [
        (s.BatchBALD, {CLASSIFIER, DROPOUT}),
        (s.BALD, {CLASSIFIER, DROPOUT}),
        (s.MaxVariance, {DROPOUT}),
        (s.DEIMOS, {DROPOUT}),
        (s.BADGE, {CLASSIFIER, FINAL_LINEAR}),
        (s.CoreSet, {FINAL_LINEAR}),
        (s.DAL, {FINAL_LINEAR}),
        (s.EGL, {CLASSIFIER}),
        (s.ALEX, {CLASSIFIER}),
        (s.LeastConfidence, {CLASSIFIER}),
        (s.Margin, {CLASSIFIER}),
        (s.Entropy, {CLASSIFIER}),
    ]
    for kind, needs in table:
        if isinstance(strategy, kind):
            return set(needs)
    if isinstance(strategy, s.DAMI):
        return {SINGLE_OUTPUT}
    if isinstance(strategy, s.LCMD):
        return {FINAL_LINEAR} | ({SINGLE_OUTPUT} if strategy.kernel == "grad" else set())
    if isinstance(strategy, s.DensityWeighted):
        needs = {FINAL_LINEAR} if strategy.representation == "embedding" else set()
        return needs | ({CLUSTERS_FROM_CLASSES} if strategy.n_clusters is None else set())
    if isinstance(strategy, s.ALBL):
        needs = {CLASSIFIER}
        members = strategy.strategies
        if members is None:
            members = [s.LeastConfidence(), s.CoreSet()]
        for member in members if isinstance(members, (list, tuple)) else []:
            if hasattr(member, "query"):
                needs |= strategy_requirements(member)
        return needs
    if isinstance(strategy, (s.TypiClust, s.ProbCover)):
        needs = {FINAL_LINEAR} if strategy.representation == "embedding" else set()
        if isinstance(strategy, s.ProbCover) and strategy.delta is None:
            needs |= {CLUSTERS_FROM_CLASSES} if strategy.n_clusters is None else set()
        return needs
    if isinstance(strategy, (s.SoftmaxSampling, s.PowerSampling, s.SoftRankSampling)):
        base = s.BALD() if strategy.base_strategy is None else strategy.base_strategy
        return strategy_requirements(base) if hasattr(base, "query") else set()
    return set()


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
