"""Stochastic batch acquisition: softmax, power and soft-rank sampling over any ranking strategy.

Taking the top ``n`` rows of a single-row utility (BALD, entropy, ...) fills
a batch with near-duplicates: the utilities do not change as rows are
acquired, although the real value of the later rows does. Kirsch et al.
(2023) instead *sample* the batch, without replacement, from a distribution
that follows the utilities, and find that this simple baseline matches
BatchBALD and BADGE at a fraction of their cost.

References
----------
.. [1] A. Kirsch, S. Farquhar, P. Atighehchian, A. Jesson, F.
   Branchaud-Charron and Y. Gal, "Stochastic Batch Acquisition: A Simple
   Baseline for Deep Active Learning", TMLR 2023.
"""

import inspect
from numbers import Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from .. import probes
from ..kernels import (
    gumbel_top_k,
    power_log_weights,
    softmax_log_weights,
    softrank_log_weights,
)
from ._base import QueryStrategy
from ._bayesian import BALD

__all__ = ["PowerSampling", "SoftmaxSampling", "SoftRankSampling"]


class _StochasticSampling(QueryStrategy):
    """Sample the batch from a distribution over the base strategy's utilities."""

    _parameter_constraints = {
        "base_strategy": [HasMethods(["utility"]), None],
        "beta": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, base_strategy=None, *, beta=1.0):
        self.base_strategy = base_strategy
        self.beta = beta

    def _base(self):
        return BALD() if self.base_strategy is None else self.base_strategy

    def _utility(self, learner, X_pool, rng):
        base = self._base()
        try:
            takes_seed = "random_state" in inspect.signature(base.utility).parameters
        except (TypeError, ValueError):
            takes_seed = False
        seed = int(rng.randint(np.iinfo(np.int32).max))  # drawn either way: same stream
        if takes_seed:
            utility = base.utility(learner, X_pool, random_state=seed)
        else:
            utility = base.utility(learner, X_pool)
        utility = np.asarray(utility, dtype=np.float64)
        if utility.shape != (probes.n_rows(X_pool),):
            raise ValueError(
                f"{type(base).__name__}.utility returned shape {utility.shape}; "
                f"{type(self).__name__} needs one utility per pool row."
            )
        if not np.all(np.isfinite(utility)):
            raise ValueError(
                f"{type(base).__name__}.utility returned NaN or infinite utilities; "
                f"{type(self).__name__} needs finite ones."
            )
        return utility

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        base = self._base()
        return tags.needs_of(base) if hasattr(base, "utility") else tags

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        utility = self._utility(learner, X_pool, rng)
        return gumbel_top_k(self._log_weights(utility, rng), n, rng)

    query.__doc__ = QueryStrategy.query.__doc__


_PARAMETERS = """
    Parameters
    ----------
    base_strategy : UtilityStrategy or None, default=None
        The ranking strategy whose utilities ``s_i`` are sampled from: any
        object with ``utility(learner, X_pool)``. None means
        ``BALD()``, the main acquisition function of the paper's
        experiments (§5). Its parameters are reachable as
        ``base_strategy__<name>`` (``get_params``, ``set_params``,
        ``GridSearchCV``).
    beta : float, default=1.0
        Coldness ``β >= 0``: ``β = 0`` is uniform random sampling, ``β → ∞``
        the top ``n`` rows. The paper uses ``β = 1`` throughout (§3, §5).
"""

_REFERENCES = """
    References
    ----------
    .. [1] A. Kirsch, S. Farquhar, P. Atighehchian, A. Jesson, F.
       Branchaud-Charron and Y. Gal, "Stochastic Batch Acquisition: A Simple
       Baseline for Deep Active Learning", TMLR 2023, §3.
    .. [2] W. Kool, H. van Hoof and M. Welling, "Stochastic Beams and Where
       to Find Them: The Gumbel-Top-k Trick for Sampling Sequences Without
       Replacement", ICML 2019.
"""


class SoftmaxSampling(_StochasticSampling):
    __doc__ = (
        """Softmax sampling: the batch drawn from ``p_i ∝ exp(β s_i)`` (Kirsch et al., 2023).

    The ``n`` rows are drawn without replacement by the Gumbel-top-k trick,
    as in §3 of the paper: ``s_i + ε_i``, ``ε_i ~ Gumbel(0, 1/β)``, top
    ``n``; the first row has probability ``p_i`` and each next one ``p``
    renormalised over the rows left. Suits utilities of any sign (margin,
    log-probabilities); the paper recommends :class:`PowerSampling` for
    non-negative ones such as BALD, as softmax is sensitive to their scale.
"""
        + _PARAMETERS
        + _REFERENCES
        + """
    Examples
    --------
    >>> from skactive.strategies import Entropy, SoftmaxSampling
    >>> SoftmaxSampling(Entropy(), beta=2.0)
    SoftmaxSampling(base_strategy=Entropy(), beta=2.0)
    """
    )

    def _log_weights(self, utility, rng):
        return softmax_log_weights(utility, self.beta)


class PowerSampling(_StochasticSampling):
    __doc__ = (
        """Power sampling: the batch drawn from ``p_i ∝ s_i^β`` (Kirsch et al., 2023).

    The paper's recommended variant for non-negative utilities such as BALD
    (§3): Gumbel-top-k on ``log s_i + ε_i``, ``ε_i ~ Gumbel(0, 1/β)``. Rows
    of utility 0 are never drawn while others are left.

    Utilities must be non-negative. A base strategy that declares a lowest
    possible utility (``Margin``: -1) is shifted by it, ``s_i − floor``
    (the floor the library's cost-aware ranking uses); any other negative
    utility is refused with a ``ValueError`` (use :class:`SoftmaxSampling`).
"""
        + _PARAMETERS
        + _REFERENCES
        + """
    Examples
    --------
    >>> from skactive.strategies import BALD, PowerSampling
    >>> PowerSampling(BALD(n_mc_samples=20))
    PowerSampling(base_strategy=BALD(n_mc_samples=20))
    """
    )

    def _log_weights(self, utility, rng):
        floor = getattr(self._base(), "_utility_floor", None)
        if floor is not None:
            utility = utility - floor
        if utility.min() < 0:
            raise ValueError(
                f"PowerSampling needs non-negative utilities; {type(self._base()).__name__} "
                f"gave {float(utility.min())!r}. Use SoftmaxSampling or SoftRankSampling for "
                "utilities of any sign."
            )
        return power_log_weights(utility, self.beta)


class SoftRankSampling(_StochasticSampling):
    __doc__ = (
        """Soft-rank sampling: the batch drawn from ``p_i ∝ r_i^{−β}`` (Kirsch et al., 2023).

    ``r_i`` is the rank of row ``i`` by decreasing utility (1 for the best;
    equal utilities ranked in random order), so the distribution ignores the
    utilities' scale (§3): Gumbel-top-k on ``−log r_i + ε_i``, ``ε_i ~
    Gumbel(0, 1/β)``.
"""
        + _PARAMETERS
        + _REFERENCES
        + """
    Examples
    --------
    >>> from skactive.strategies import Margin, SoftRankSampling
    >>> SoftRankSampling(Margin())
    SoftRankSampling(base_strategy=Margin())
    """
    )

    def _log_weights(self, utility, rng):
        return softrank_log_weights(utility, self.beta, rng)
