"""Query strategies.

A query strategy decides which pool rows to label next. Each is a small
scikit-learn-style object (``__init__`` only stores hyper-parameters) with

``query(learner, X_pool, n, random_state) -> indices``
    ``n`` distinct indices into ``X_pool``, in selection order;

and ranking strategies (:class:`UtilityStrategy`) also have

``utility(learner, X_pool) -> ndarray of shape (n_samples,)``
    one utility per pool row, larger meaning more useful to label.

:class:`~skactive.ActiveLearner` also accepts a plain function
``f(learner, X_pool, n)`` or one of the string aliases in
:data:`STRATEGY_ALIASES`.

A third-party strategy builds on the same base classes as the built-in
ones, asks the probe layer (:mod:`skactive.probes`) for arrays and hands
them to the NumPy kernels (:mod:`skactive.kernels`):

- :class:`QueryStrategy`: implement :meth:`~QueryStrategy.query`;
- :class:`UtilityStrategy`: implement :meth:`~UtilityStrategy.utility`, and
  the top ``n`` rows are queried (with annotation costs too);
- :class:`KCenterStrategy`: implement
  :meth:`~KCenterStrategy.representation`, and greedy k-center runs on it
  (as :class:`CoreSet` and :class:`DAMI`);
- :class:`MCDropoutUtility`: implement
  :meth:`~MCDropoutUtility.utility_from_samples`, a utility from a chunk of
  MC-dropout samples (as :class:`BALD` and :class:`MaxVariance`).

Writing a strategy
------------------
A new strategy is one file and one line in :data:`STRATEGY_ALIASES`; the
shared contract tests, the compatibility check at ``fit`` and the README's
table then cover it. Its class

- subclasses :class:`QueryStrategy` (or :class:`UtilityStrategy`) and only
  assigns its hyper-parameters in ``__init__``;
- declares them in ``_parameter_constraints`` (scikit-learn's
  ``sklearn.utils._param_validation`` constraints, merged with the parent's:
  ``{**Parent._parameter_constraints, ...}``). They are validated once per
  query, before ``query`` or ``utility`` runs; an error message tests rely on
  can be given in ``_parameter_messages``, and a rule between parameters in
  ``_check_cross_params``;
- declares what it needs in ``__strategy_tags__``, extending
  ``super().__strategy_tags__()``, a :class:`StrategyTags`:

  ``classifier_only``
      needs class probabilities (refused with a regressor);
  ``needs_dropout``
      needs an ``nn.Dropout`` layer (MC dropout);
  ``needs_final_linear``
      needs a final ``nn.Linear`` (penultimate embeddings);
  ``single_output``
      needs a regressor with one output;
  ``clusters_from_classes``
      uses as many clusters as classes (a classifier), in these settings;
  ``supports_costs``
      ``query`` takes ``costs`` and ``max_cost`` (read from its signature);
  ``ranking``
      one utility per row, the batch its top ``n`` (``UtilityStrategy``);
      False for batch strategies;
  ``row_independent``
      a ranking strategy whose utility of a row depends on that row alone,
      so that a dask pool is scored partition by partition;
  ``uses_network``
      runs the network during a query.

  Tags are computed from the instance, so they may follow the parameters
  (``DensityWeighted(n_clusters=3)`` works with a regressor); a strategy that
  runs others (ALBL, the stochastic samplers) adds its members' needs with
  :meth:`StrategyTags.needs_of`;
- may override :meth:`QueryStrategy.on_teach`, which the learner calls after
  every successful ``teach`` with the rows taught, to keep state across
  rounds (ALBL rewards its bandit so).
"""

from ._albl import ALBL
from ._alex import ALEX
from ._badge import BADGE
from ._base import CallableStrategy, QueryStrategy, StrategyTags, UtilityStrategy
from ._bayesian import BALD, BatchBALD, MaxVariance, MCDropoutUtility
from ._dal import DAL
from ._deimos import DEIMOS
from ._density import DensityWeighted
from ._distributed import prefilter_query, query_dask_pool
from ._egl import EGL
from ._kcenter import DAMI, CoreSet, KCenterStrategy
from ._lcmd import LCMD
from ._probcover import ProbCover
from ._random import Random
from ._stochastic import PowerSampling, SoftmaxSampling, SoftRankSampling
from ._typiclust import TypiClust
from ._uncertainty import Entropy, LeastConfidence, Margin

#: String aliases accepted as ``ActiveLearner(query_strategy=...)``.
STRATEGY_ALIASES = {
    "random": Random,
    "least_confidence": LeastConfidence,
    "margin": Margin,
    "entropy": Entropy,
    "bald": BALD,
    "batchbald": BatchBALD,
    "max_variance": MaxVariance,
    "deimos": DEIMOS,
    "badge": BADGE,
    "coreset": CoreSet,
    "dami": DAMI,
    "egl": EGL,
    "dal": DAL,
    "alex": ALEX,
    "density_weighted": DensityWeighted,
    "albl": ALBL,
    "typiclust": TypiClust,
    "probcover": ProbCover,
    "softmax_bald": SoftmaxSampling,
    "power_bald": PowerSampling,
    "softrank_bald": SoftRankSampling,
    "lcmd": LCMD,
}

#: The registered strategies that score a dask pool partition by partition
#: (tag ``row_independent``).
RANKING_STRATEGIES = tuple(
    kind for kind in STRATEGY_ALIASES.values() if kind().__strategy_tags__().row_independent
)

__all__ = [
    "ALBL",
    "ALEX",
    "BADGE",
    "BALD",
    "BatchBALD",
    "CallableStrategy",
    "CoreSet",
    "DAL",
    "DAMI",
    "DEIMOS",
    "DensityWeighted",
    "EGL",
    "Entropy",
    "KCenterStrategy",
    "LCMD",
    "LeastConfidence",
    "MCDropoutUtility",
    "Margin",
    "MaxVariance",
    "QueryStrategy",
    "RANKING_STRATEGIES",
    "Random",
    "STRATEGY_ALIASES",
    "StrategyTags",
    "UtilityStrategy",
    "TypiClust",
    "ProbCover",
    "SoftmaxSampling",
    "PowerSampling",
    "SoftRankSampling",
    "prefilter_query",
    "query_dask_pool",
]
