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
"""

from ._albl import ALBL
from ._alex import ALEX
from ._badge import BADGE
from ._base import CallableStrategy, QueryStrategy, UtilityStrategy
from ._bayesian import BALD, BatchBALD, MaxVariance, MCDropoutUtility
from ._dal import DAL
from ._deimos import DEIMOS
from ._density import DensityWeighted
from ._distributed import RANKING_STRATEGIES, prefilter_query, query_dask_pool
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
    "UtilityStrategy",
    "TypiClust",
    "ProbCover",
    "SoftmaxSampling",
    "PowerSampling",
    "SoftRankSampling",
    "prefilter_query",
    "query_dask_pool",
]
