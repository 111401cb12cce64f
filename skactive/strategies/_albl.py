"""Active Learning by Learning: a bandit over query strategies (Hsu & Lin, 2015).

References
----------
.. [1] W.-N. Hsu and H.-T. Lin, "Active Learning by Learning", AAAI 2015.
.. [2] A. Beygelzimer, J. Langford, L. Li, L. Reyzin and R. E. Schapire,
   "Contextual Bandit Algorithms with Supervised Learning Guarantees",
   AISTATS 2011 (EXP4.P).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from .. import probes
from .._rollback import restored_on_failure
from ..kernels import exp4p_log_weight_update, importance_weighted_accuracy
from ._base import QueryStrategy
from ._kcenter import CoreSet
from ._uncertainty import LeastConfidence

__all__ = ["ALBL"]


class ALBL(QueryStrategy):
    """Active Learning by Learning: EXP4.P over a list of strategies (Hsu & Lin).

    Each strategy is an expert of the EXP4.P contextual bandit; the actions
    are the pool rows. A query of ``n`` rows makes ``n`` draws without
    replacement: at draw ``t`` each deterministic strategy advises its
    best-ranked row not yet drawn (its ``n`` picks, in order), the optional
    uniform expert every remaining row equally, and the row is drawn from

    ``q_t(x) = (1 − γ) Σ_i w̄_i ξ_{t,i}(x) + γ / K_t``,

    ``w̄`` the normalised expert weights, ``K_t`` the rows remaining and
    ``γ = K_t p_min`` the exploration mass. The reward of a query is seen at
    the next query, once the learner was taught its rows and retrained: the
    importance-weighted accuracy of the new model on every row the bandit
    has queried, each weighted by ``W = 1 / q_t`` of its draw (Hsu & Lin's
    IW-ACC, an unbiased estimate of the accuracy on the data the rows were
    drawn from). The weights then take EXP4.P's update
    (:func:`skactive.kernels.exp4p_log_weight_update`).

    State (set by :meth:`query` on the learner's ``query_strategy_``, so it
    follows the fitted learner, is reset by ``fit`` and survives pickling):
    ``strategies_``, ``log_weights_``, ``history_``, ``queried_positions_``,
    ``importance_weights_`` and ``pending_``.

    Parameters
    ----------
    strategies : list of QueryStrategy or None, default=None
        The experts; None means ``[LeastConfidence(), CoreSet()]`` (CONF and
        CORESET, as in the BADGE paper's ALBL baseline). They are cloned.
    include_random : bool, default=False
        Add a uniform-random expert.
    exploration : float, default=0.1
        ``γ = K_t p_min``, the probability mass drawn uniformly, in
        ``(0, 1)``.
    horizon : int, default=1000
        ``T`` of EXP4.P: the expected total number of rows queried.
    delta : float, default=0.1
        ``δ`` of EXP4.P's confidence term, in ``(0, 1)``.

    Attributes
    ----------
    strategies_ : list of QueryStrategy
        The fitted experts.
    log_weights_ : ndarray of shape (n_experts,)
        Log-weights (the uniform expert last when included).
    history_ : list of dict
        One entry per observed reward: ``round`` (the learner's
        ``n_rounds_`` when the reward was seen), ``reward``, ``weights``
        (normalised, after the update) and ``draws_by_expert`` (how many of
        that query's rows each expert had advised).
    queried_positions_ : ndarray of shape (n_queried,)
        Positions in ``learner.X_labeled_`` of the rows the bandit queried
        and saw labelled.
    importance_weights_ : ndarray of shape (n_queried,)
        Their ``W = 1 / q``.
    pending_ : dict or None
        The last query, waiting for its reward (with ``"taught"``, the row
        counts of the teaches :meth:`on_teach` reported since).

    Notes
    -----
    Choices the paper leaves open or that differ from it:

    - The rows of a query are attributed to it when the learner was taught
      exactly once since, with as many rows as were queried (the usual
      ``query`` / ``teach`` loop, rows in the order returned): the learner
      says so through :meth:`on_teach`. Otherwise the pending query gets no
      reward (it is recorded in ``history_`` with
      ``reward=None``); a repeated query without a ``teach`` in between
      replaces it.
    - Hsu & Lin normalise IW-ACC by ``nT``; here by ``Σ W`` (self-normalised),
      which keeps the reward in ``[0, 1]`` as EXP4.P assumes.
    - EXP4.P's ``p_min = √(ln N / (K T))`` exceeds ``1 / K`` on pools larger
      than ``T / ln N``; a fixed exploration mass ``γ`` is used instead.
    - Batch mode: each draw of a query is one EXP4.P step; all share the
      query's reward. Classifiers only (the reward is an accuracy).

    References
    ----------
    .. [1] W.-N. Hsu and H.-T. Lin, "Active Learning by Learning", AAAI 2015,
       §3 (ALBL, IW-ACC).
    .. [2] A. Beygelzimer et al., "Contextual Bandit Algorithms with
       Supervised Learning Guarantees", AISTATS 2011, Algorithm EXP4.P.
    .. [3] J. T. Ash et al., "Deep Batch Active Learning by Diverse,
       Uncertain Gradient Lower Bounds", ICLR 2020, §4 (ALBL baseline).

    Examples
    --------
    >>> from skactive.strategies import ALBL, Margin, CoreSet
    >>> ALBL([Margin(), CoreSet()], include_random=True)
    ALBL(include_random=True, strategies=[Margin(), CoreSet()])
    """

    def __init__(
        self, strategies=None, *, include_random=False, exploration=0.1, horizon=1000, delta=0.1
    ):
        self.strategies = strategies
        self.include_random = include_random
        self.exploration = exploration
        self.horizon = horizon
        self.delta = delta

    _parameter_constraints = {
        "strategies": [list, tuple, None],
        "include_random": ["boolean"],
        "exploration": [Interval(Real, 0, 1, closed="neither")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "delta": [Interval(Real, 0, 1, closed="neither")],
    }
    _parameter_messages = {
        "exploration": "exploration must be in (0, 1), got {value!r}.",
        "delta": "delta must be in (0, 1), got {value!r}.",
        "horizon": "horizon must be a positive integer, got {value!r}.",
    }

    def _members(self):
        return [LeastConfidence(), CoreSet()] if self.strategies is None else self.strategies

    def _check_cross_params(self):
        strategies = self._members()
        if len(strategies) == 0 and not self.include_random:
            raise ValueError("ALBL needs at least one strategy (or include_random=True).")
        for s in strategies:
            if not hasattr(s, "query"):
                raise ValueError(f"ALBL's strategies must be query strategies, got {s!r}.")

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = True  # the reward is an accuracy
        members = self._members()
        if not isinstance(members, (list, tuple)):
            return tags  # refused by the parameter check at query
        return tags.needs_of(*(s for s in members if hasattr(s, "query")))

    def _initialise(self):
        if not hasattr(self, "strategies_"):
            self.strategies_ = [clone(s) for s in self._members()]
            n_experts = len(self.strategies_) + int(bool(self.include_random))
            self.log_weights_ = np.zeros(n_experts)
            self.history_ = []
            self.queried_positions_ = np.empty(0, dtype=np.int64)
            self.importance_weights_ = np.empty(0, dtype=np.float64)
            self.pending_ = None

    def on_teach(self, learner, X, y):
        """Note a teach: the pending query's rows may have been labelled.

        Its reward is taken at the next query, if this was the only teach
        since and it taught as many rows as were queried. The experts are
        told too.

        Parameters
        ----------
        learner : ActiveLearner
            The learner, retrained.
        X : array-like of shape (n_taught, ...)
            The rows taught.
        y : array-like of shape (n_taught,) or (n_taught, n_targets)
            Their labels.
        """
        pending = getattr(self, "pending_", None)
        if pending is not None:
            pending["taught"] = [*pending.get("taught", []), len(y)]
        for strategy in getattr(self, "strategies_", []):
            if hasattr(strategy, "on_teach"):
                strategy.on_teach(learner, X, y)

    def _was_taught(self, pending):
        """None: no teach told since the pending query; else whether its rows were taught."""
        taught = pending.get("taught", [])
        return None if not taught else taught == [pending["draw_proba"].shape[0]]

    def _observe(self, learner):
        """Turn the pending query into a reward if the learner was taught its rows."""
        pending, self.pending_ = self.pending_, None
        taught = None if pending is None else self._was_taught(pending)
        if taught is None:
            return  # nothing queried yet, or no teach since: the new query replaces it
        m = pending["draw_proba"].shape[0]
        if not taught:
            self.history_.append(
                {
                    "round": learner.n_rounds_,
                    "reward": None,
                    "weights": self._weights(),
                    "draws_by_expert": (pending["advice"] > 0).sum(axis=0),
                }
            )
            return
        positions = np.arange(pending["n_labeled"], pending["n_labeled"] + m)
        self.queried_positions_ = np.concatenate([self.queried_positions_, positions])
        self.importance_weights_ = np.concatenate(
            [self.importance_weights_, 1.0 / pending["draw_proba"]]
        )
        X = probes.take_rows(learner.X_labeled_, self.queried_positions_)
        y = np.asarray(learner.y_labeled_)[self.queried_positions_]
        reward = importance_weighted_accuracy(learner.predict(X) == y, self.importance_weights_)
        self.log_weights_ = self.log_weights_ + exp4p_log_weight_update(
            pending["advice"],
            pending["v_hat"],
            pending["draw_proba"],
            pending["p_min"],
            pending["n_actions"],
            reward,
            self.horizon,
            self.delta,
        )
        self.history_.append(
            {
                "round": learner.n_rounds_,
                "reward": reward,
                "weights": self._weights(),
                "draws_by_expert": (pending["advice"] > 0).sum(axis=0),
            }
        )

    def _weights(self):
        w = np.exp(self.log_weights_ - self.log_weights_.max())
        return w / w.sum()

    #: The bandit's state, restored when a query fails part-way.
    _STATE = (
        "strategies_",
        "log_weights_",
        "history_",
        "queried_positions_",
        "importance_weights_",
        "pending_",
    )

    def query(self, learner, X_pool, n, random_state=None):
        # A query that fails (an expert refusing the network, bad input)
        # leaves the bandit as it was: no reward consumed, no query pending.
        with restored_on_failure(self, self._STATE, deep=True):
            return self._query(learner, X_pool, n, random_state)

    query.__doc__ = QueryStrategy.query.__doc__

    def _query(self, learner, X_pool, n, random_state):
        self._require_classifier(learner)
        self._initialise()
        self._observe(learner)
        rng = check_random_state(random_state)
        n_pool = probes.n_rows(X_pool)
        picks = [
            np.asarray(s.query(learner, X_pool, n, random_state=rng.randint(2**31 - 1)))
            for s in self.strategies_
        ]
        n_det = len(picks)
        n_experts = self.log_weights_.shape[0]
        weights = self._weights()
        gamma = float(self.exploration)

        available = np.ones(n_pool, dtype=bool)
        cursor = np.zeros(n_det, dtype=np.int64)
        drawn = np.empty(n, dtype=np.int64)
        advice = np.zeros((n, n_experts))
        v_hat = np.zeros((n, n_experts))
        draw_proba = np.empty(n)
        p_min = np.empty(n)
        n_actions = np.empty(n)
        for t in range(n):
            k = int(available.sum())
            choice = np.empty(n_det, dtype=np.int64)
            for i in range(n_det):
                while not available[picks[i][cursor[i]]]:
                    cursor[i] += 1
                choice[i] = picks[i][cursor[i]]
            q = np.zeros(n_pool)
            np.add.at(q, choice, (1.0 - gamma) * weights[:n_det])
            if n_det < n_experts:  # the uniform expert
                q[available] += (1.0 - gamma) * weights[-1] / k
            q[available] += gamma / k
            q /= q.sum()  # guard against rounding
            row = int(rng.choice(n_pool, p=q))
            drawn[t] = row
            draw_proba[t] = q[row]
            p_min[t] = gamma / k
            n_actions[t] = k
            advice[t, :n_det] = choice == row
            v_hat[t, :n_det] = 1.0 / q[choice]
            if n_det < n_experts:
                advice[t, -1] = 1.0 / k
                v_hat[t, -1] = np.sum(1.0 / q[available]) / k
            available[row] = False

        self.pending_ = {
            "n_labeled": learner.labeled_rounds_.shape[0],
            "indices": drawn.copy(),
            "advice": advice,
            "v_hat": v_hat,
            "draw_proba": draw_proba,
            "p_min": p_min,
            "n_actions": n_actions,
        }
        return drawn
