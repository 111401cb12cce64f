"""The query-strategy protocol shared by every strategy.

Writing a strategy
------------------
A strategy subclasses :class:`QueryStrategy` (or :class:`UtilityStrategy`
for a ranking strategy), stores its hyper-parameters in ``__init__`` and
declares them in ``_parameter_constraints``, as scikit-learn's estimators do
(``sklearn.utils._param_validation``: ``Interval``, ``StrOptions``,
``HasMethods``, ...), merged by subclasses::

    _parameter_constraints = {
        **Parent._parameter_constraints,
        "n_mc_samples": [Interval(Integral, 2, None, closed="left")],
    }

The constraints are checked once per query: the first call of ``query``,
``utility`` (or another method named in ``_validated_methods``) on a
strategy object validates it, and calls nested inside that one (a wrapper's
base strategy, ``query`` calling ``utility``) do not validate the same object
again. A rule between parameters, which constraints cannot express, goes in
:meth:`QueryStrategy._check_cross_params`; one between a parameter and the
query's arguments (ALEX's ``n_candidates >= n``) in the query itself.

What the strategy needs of the learner is declared as capability tags, a
:class:`StrategyTags` returned by :meth:`QueryStrategy.__strategy_tags__`,
computed from the instance (so they may depend on its parameters) and merged
with ``super()``::

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_dropout = True
        return tags

The tags are read by :func:`skactive._compatibility.check_compatibility`
(an incompatible learner is refused at ``fit``, before any training), by the
shared test template (which strategies run on a regressor, which touch the
network) and by the README's strategy table. Adding a strategy is one file
and one line in :data:`skactive.strategies.STRATEGY_ALIASES`.

The module is a little over 400 lines: its docstrings are the guide for
strategy authors, a third of it.
"""

import contextvars
import dataclasses
import functools
import inspect
from numbers import Real

from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    validate_parameter_constraints,
)

from ..kernels import select_by_cost, top_k

__all__ = ["QueryStrategy", "StrategyTags", "UtilityStrategy", "CallableStrategy", "RealInterval"]


class RealInterval(Interval):
    """``Interval(Real, left, right, closed=...)`` that refuses ``True`` and ``False``.

    scikit-learn's ``Interval(Real, ...)`` takes a bool for a number; a
    strategy's sizes and rates do not.

    Parameters
    ----------
    left, right : float or None
        The bounds (None: unbounded).
    closed : {"left", "right", "both", "neither"}
        Which bounds belong to the interval.
    """

    def __init__(self, left, right, *, closed):
        super().__init__(Real, left, right, closed=closed)

    def is_satisfied_by(self, val):
        return not isinstance(val, bool) and super().is_satisfied_by(val)


@dataclasses.dataclass
class StrategyTags:
    """What a query strategy needs of the learner, and what it offers.

    Attributes
    ----------
    classifier_only : bool, default=False
        Needs class probabilities: a classifier.
    needs_dropout : bool, default=False
        Needs an ``nn.Dropout`` layer (MC dropout).
    needs_final_linear : bool, default=False
        Needs a final ``nn.Linear`` whose input is the penultimate embedding.
    single_output : bool, default=False
        A regressor must have one output.
    clusters_from_classes : bool, default=False
        Uses as many clusters as classes, so needs a classifier with these
        settings (another setting may lift it, e.g. ``n_clusters``).
    supports_costs : bool, default=False
        ``query`` takes annotation ``costs`` and ``max_cost``.
    ranking : bool, default=False
        One utility per pool row (``utility``), the batch its top ``n``;
        False for batch strategies that choose each row given the others.
    row_independent : bool, default=False
        A ranking strategy whose utility of a row depends on that row alone
        (given the fitted network and the labelled rows), so that a pool can
        be scored in parts: a dask pool, partition by partition.
    uses_network : bool, default=True
        Runs the network during a query (False: reads only the input rows
        and labels).
    """

    classifier_only: bool = False
    needs_dropout: bool = False
    needs_final_linear: bool = False
    single_output: bool = False
    clusters_from_classes: bool = False
    supports_costs: bool = False
    ranking: bool = False
    row_independent: bool = False
    uses_network: bool = True

    @property
    def supports_regressor(self):
        """Whether the strategy can work with a regressor in these settings."""
        return not (self.classifier_only or self.clusters_from_classes)

    def needs_of(self, *members):
        """These tags with the needs of ``members`` (strategies) added.

        For a strategy that runs other strategies: it needs what any of them
        needs.
        """
        needs = (
            "classifier_only",
            "needs_dropout",
            "needs_final_linear",
            "single_output",
            "clusters_from_classes",
            "uses_network",
        )
        for member in members:
            other = strategy_tags(member)
            for name in needs:
                setattr(self, name, getattr(self, name) or getattr(other, name))
        return self


def strategy_tags(strategy):
    """The :class:`StrategyTags` of ``strategy``; defaults for an untagged object.

    Parameters
    ----------
    strategy : object
        A query strategy, or any object with ``query`` (a third-party strategy
        that does not subclass :class:`QueryStrategy` declares nothing).

    Returns
    -------
    tags : StrategyTags
    """
    get = getattr(strategy, "__strategy_tags__", None)
    return get() if callable(get) else StrategyTags()


# The strategy objects validated in the query now running: a nested call on
# one of them (``query`` -> ``utility``, a subclass's ``super().query``)
# skips the validation its outer call did.
_VALIDATED = contextvars.ContextVar("skactive_validated_strategies", default=frozenset())


def _validating(method):
    """Wrap ``method`` so that its strategy's parameters are validated once per call."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        validated = _VALIDATED.get()
        if id(self) in validated:
            return method(self, *args, **kwargs)
        self._validate_params()
        token = _VALIDATED.set(validated | {id(self)})
        try:
            return method(self, *args, **kwargs)
        finally:
            _VALIDATED.reset(token)

    wrapper._validates_params = True
    return wrapper


class QueryStrategy(BaseEstimator):
    """Base class of query strategies.

    A strategy is a scikit-learn estimator-like object: ``__init__`` only
    stores its hyper-parameters (so ``get_params``, ``set_params``, ``clone``
    and ``GridSearchCV`` work on it) and all work happens in :meth:`query`.

    Subclasses implement :meth:`query`, declare their parameters in
    ``_parameter_constraints`` and their needs in :meth:`__strategy_tags__`
    (see :mod:`skactive.strategies`). They receive the pool as the
    network sees it: validated, passed through any preprocessing steps of a
    Pipeline estimator, ``float32``. Anything torch-related is obtained
    through the probe layer (``skactive.probes``) from ``learner.network_``.
    """

    #: Parameter name -> list of constraints (``sklearn.utils._param_validation``).
    _parameter_constraints: dict = {}

    #: Parameter name -> message of the error when it breaks its constraints,
    #: formatted with ``name``, ``value`` and ``cls`` (the class name), or a
    #: function of these keywords returning it; a parameter not named here
    #: gets scikit-learn's message.
    _parameter_messages: dict = {}

    #: The methods that validate the parameters when called from outside
    #: a query of the same object.
    _validated_methods = ("query", "utility")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls._validated_methods:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "_validates_params", False):
                setattr(cls, name, _validating(method))

    def _validate_params(self):
        """Check the parameters against their constraints, then :meth:`_check_cross_params`.

        Raises
        ------
        sklearn.utils._param_validation.InvalidParameterError
            A ``ValueError`` and ``TypeError``, naming the parameter.
        """
        params = self.get_params(deep=False)
        cls = type(self).__name__
        for name, constraints in self._parameter_constraints.items():
            if name not in params:
                continue
            try:
                validate_parameter_constraints({name: constraints}, {name: params[name]}, cls)
            except InvalidParameterError:
                message = self._parameter_messages.get(name)
                if message is None:
                    raise
                if callable(message):
                    message = message(name=name, value=params[name], cls=cls)
                else:
                    message = message.format(name=name, value=params[name], cls=cls)
                raise InvalidParameterError(message) from None
        self._check_cross_params()

    def _check_cross_params(self):
        """Rules between parameters that constraints cannot express; none by default."""

    def __strategy_tags__(self):
        """The strategy's capability tags, computed from this instance.

        Subclasses extend ``super().__strategy_tags__()``.

        Returns
        -------
        tags : StrategyTags
        """
        try:
            supports_costs = "costs" in inspect.signature(self.query).parameters
        except (TypeError, ValueError):
            supports_costs = False
        return StrategyTags(supports_costs=supports_costs)

    def on_teach(self, learner, X, y):
        """Told by the learner after every successful ``teach``; does nothing by default.

        A strategy that keeps state across rounds (e.g. ALBL's bandit, which
        is rewarded when its queried rows are labelled) overrides it instead
        of inferring what was taught from the learner.

        Parameters
        ----------
        learner : ActiveLearner
            The learner, retrained on its grown labelled set.
        X : array-like of shape (n_taught, ...)
            The rows just taught (now the last ``n_taught`` labelled rows).
        y : array-like of shape (n_taught,) or (n_taught, n_targets)
            Their labels.
        """

    def query(self, learner, X_pool, n, random_state=None):
        """Choose ``n`` rows of ``X_pool`` to label next.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner. Strategies read it and never modify it.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        n : int
            Number of rows to choose, ``1 <= n <= n_samples``.
        random_state : int, RandomState instance or None, default=None
            Seed of any randomness in the strategy.

        Returns
        -------
        indices : ndarray of shape (n,), dtype int64
            Distinct indices into ``X_pool`` in selection order.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement query.")

    def _require_classifier(self, learner):
        if not is_classifier(learner):
            raise ValueError(
                f"{type(self).__name__} needs class probabilities: use it with a "
                "classifier (a skorch NeuralNetClassifier); for a regressor choose "
                "e.g. 'random'."
            )


class UtilityStrategy(QueryStrategy):
    """Base class of ranking strategies: one utility per pool row, top ``n``.

    Subclasses implement :meth:`utility`; :meth:`query` returns the ``n``
    rows of highest utility, largest first, ties broken at random through
    ``random_state`` (see :func:`skactive.kernels.top_k`).

    Given annotation ``costs`` (one per pool row), :meth:`query` ranks rows
    by return on investment instead, ``(utility - floor) / cost`` (Settles,
    Craven & Friedland, 2008, §3), where ``floor`` is the lowest utility the
    strategy can give (class attribute ``_utility_floor``: 0 for
    non-negative utilities, -1 for margin; if None, the smallest utility in
    the pool). With ``max_cost`` it takes rows in that order while they fit
    in the budget, skipping those too expensive for what is left.
    """

    #: Lowest possible utility (the ratio needs ``utility - floor >= 0``);
    #: None: the smallest utility of the pool, or 0 if none is negative.
    _utility_floor = None

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.ranking = True
        return tags

    def utility(self, learner, X_pool):
        """Utility of labelling each pool row; larger is more useful.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.

        Returns
        -------
        utility : ndarray of shape (n_samples,)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement utility.")

    def query(self, learner, X_pool, n, random_state=None, costs=None, max_cost=None):
        """Choose ``n`` rows of ``X_pool`` to label next.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner. Strategies read it and never modify it.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        n : int
            Number of rows to choose, ``1 <= n <= n_samples``.
        random_state : int, RandomState instance or None, default=None
            Seed of any randomness in the strategy.
        costs : ndarray of shape (n_samples,), default=None
            Positive annotation costs (validated by the learner). Rows are
            then ranked by utility per unit cost.
        max_cost : float, default=None
            With ``costs``: the total cost the rows may reach; fewer than
            ``n`` rows are returned when the budget runs out first.

        Returns
        -------
        indices : ndarray of shape (n,) or (n_taken,), dtype int64
            Distinct indices into ``X_pool`` in selection order.
        """
        utility = self.utility(learner, X_pool)
        rng = check_random_state(random_state)
        if costs is None:
            return top_k(utility, n, rng)
        return select_by_cost(utility, costs, n, max_cost, rng, floor=self._utility_floor)


class CallableStrategy(QueryStrategy):
    """Adapter that lets a plain function act as a query strategy.

    Parameters
    ----------
    func : callable
        ``func(learner, X_pool, n)`` returning ``n`` indices into ``X_pool``.
        If it also accepts a ``random_state`` keyword it receives the seed
        the learner derived for this query.
    """

    _parameter_constraints = {"func": [callable]}

    def __init__(self, func):
        self.func = func

    def query(self, learner, X_pool, n, random_state=None):
        try:
            accepts_seed = "random_state" in inspect.signature(self.func).parameters
        except (TypeError, ValueError):  # builtins without a signature
            accepts_seed = False
        if accepts_seed:
            return self.func(learner, X_pool, n, random_state=random_state)
        return self.func(learner, X_pool, n)

    query.__doc__ = QueryStrategy.query.__doc__


def differentiated_output(learner, needs, fix):
    """Which network output a gradient probe differentiates for ``learner``.

    A classifier's predicted class (``"argmax"``); a regressor's single
    output (``0``). A regressor with several outputs is refused.

    Parameters
    ----------
    learner : ActiveLearner
        A fitted learner.
    needs : str
        Start of the error message: what needs one output.
    fix : str
        End of the error message: what to do instead.

    Returns
    -------
    output : "argmax" or 0
        The ``output`` argument of :func:`skactive.probes.input_gradients`
        and :func:`skactive.probes.gradient_features`.
    """
    if is_classifier(learner):
        return "argmax"
    n_outputs = learner.y_labeled_.shape[1] if learner.y_labeled_.ndim == 2 else 1
    if n_outputs != 1:
        raise ValueError(f"{needs}: the regressor has {n_outputs} outputs; {fix}.")
    return 0
