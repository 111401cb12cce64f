"""Stream-based selection: label this arriving row or not, under a labelling-rate budget.

Rows arrive one at a time (or in mini-batches); for each, a selector decides
at once whether to ask for its label, and may never come back to it. The
budget ``b`` is the fraction of arriving rows that may be labelled. Each
selector is a scikit-learn-style object with::

    selector.ask(learner, X_batch) -> ndarray of bool, shape (n_batch,)

called with the rows in arrival order; it keeps its state (the spending
estimate, the uncertainty threshold, its random generator) between calls.

- :class:`RandomBudget`: label each row with probability ``b``;
- :class:`VariableUncertainty`: label rows whose confidence is below a
  threshold that adapts to spend the budget evenly;
- :class:`RandomizedVariableUncertainty`: the same threshold, randomised;
- :class:`Split`: a random share of the rows go to :class:`RandomBudget`,
  the rest to :class:`VariableUncertainty`.

All follow Žliobaitė, Bifet, Pfahringer & Holmes (2014), including its
budget manager: the labelling spending is estimated over a sliding window
of ``w`` rows, ``u_t = u_{t-1} (w - 1) / w + labelled_t``, and a row can be
labelled only while the estimated rate ``u_{t-1} / w`` is below ``b``. One
choice of ours: during the first rows of the stream the rate is ``u`` over
the window's effective length so far, ``w (1 - ((w - 1) / w)^t)``, rather
than over ``w`` (which would let the first ``b w`` rows all be labelled).
:func:`skactive.model_selection.simulate_stream` runs a selector over a data
set and records its learning curve.

References
----------
.. [1] I. Žliobaitė, A. Bifet, B. Pfahringer and G. Holmes, "Active Learning
   With Drifting Streaming Data", IEEE Transactions on Neural Networks and
   Learning Systems 25(1), 2014, §IV (budget), §V (strategies, Algorithms
   1, 3, 4 and 5).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .probes import n_rows

__all__ = [
    "RandomBudget",
    "RandomizedVariableUncertainty",
    "STREAM_ALIASES",
    "Split",
    "StreamSelector",
    "VariableUncertainty",
]


def _check_budget(budget):
    if isinstance(budget, bool) or not isinstance(budget, Real) or not 0 < budget <= 1:
        raise ValueError(
            f"budget={budget!r}: the labelling budget is the fraction of arriving rows that may "
            "be labelled and must lie in (0, 1]."
        )


class StreamSelector(BaseEstimator):
    """Base class of stream selectors.

    Subclasses implement ``_decide(confidence, rng) -> bool`` for one row
    (``confidence``: the largest class probability of the row, NaN for
    selectors that do not read the model) and may set
    ``_reads_model = False``.

    Attributes
    ----------
    n_seen_ : int
        Rows seen so far.
    n_asked_ : int
        Rows whose label was asked for.
    spending_ : float
        The spending estimate ``u`` (labelled rows in the sliding window).
    rate_ : float
        The estimated labelling rate, ``u`` over the window's effective
        length ``w (1 - ((w - 1) / w)^t)`` after ``t`` rows.
    """

    _reads_model = True

    def ask(self, learner, X_batch):
        """Decide, row by row in arrival order, whether to ask for each label.

        Parameters
        ----------
        learner : ActiveLearner
            The fitted learner (a classifier, for selectors that read its
            confidence); read, never changed.
        X_batch : array-like of shape (n_batch, n_features)
            The arriving rows, raw.

        Returns
        -------
        ask : ndarray of shape (n_batch,), dtype bool
        """
        _check_budget(self.budget)
        self._validate_params()
        check_is_fitted(learner, "estimator_")
        n = n_rows(X_batch)
        if self._reads_model:
            if not is_classifier(learner):
                raise ValueError(
                    f"{type(self).__name__} reads class probabilities: use it with a classifier, "
                    "or use RandomBudget."
                )
            confidence = learner.predict_proba(X_batch).max(axis=1) if n else np.empty(0)
        else:
            confidence = np.full(n, np.nan)
        state = self._state()
        rng = state.pop("rng")
        w = self.window
        decay = (w - 1) / w
        seen = getattr(self, "n_seen_", 0)
        answers = np.zeros(n, dtype=bool)
        for i in range(n):
            # The window's effective length so far, w (1 - decay^t): while fewer
            # than w rows have arrived, u / w would underestimate the rate.
            length = w * (1.0 - decay ** (seen + i)) if w > 1 else 1.0
            rate = state["spending"] / length if seen + i else 0.0
            if rate < self.budget:
                answers[i] = self._decide(float(confidence[i]), rng, state)
            state["spending"] = state["spending"] * decay + answers[i]
        # Commit the new state at once.
        self._rng = rng
        self.spending_ = state.pop("spending")
        for key, value in state.items():
            setattr(self, key, value)
        self.n_seen_ = seen + n
        self.n_asked_ = getattr(self, "n_asked_", 0) + int(answers.sum())
        length = w * (1.0 - decay**self.n_seen_) if w > 1 else 1.0
        self.rate_ = self.spending_ / length if self.n_seen_ else 0.0
        return answers

    def _state(self):
        """A copy of the state, so that a failing call changes nothing."""
        import copy

        rng = copy.deepcopy(getattr(self, "_rng", None))
        if rng is None:
            rng = check_random_state(self.random_state)
            rng = np.random.RandomState(rng.randint(np.iinfo(np.int32).max))
        return {"rng": rng, "spending": getattr(self, "spending_", 0.0), **self._own_state()}

    def _own_state(self):
        return {}


_COMMON = {
    "budget": [Interval(Real, 0, 1, closed="right")],
    "window": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
}


class RandomBudget(StreamSelector):
    """Label each arriving row with probability ``budget`` (Žliobaitė et al., Alg. 1).

    Parameters
    ----------
    budget : float in (0, 1], default=0.1
        Fraction of arriving rows that may be labelled.
    window : int, default=1000
        Rows over which the budget manager estimates the spending (``w``; our
        default: the paper leaves it open).
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    n_seen_, n_asked_, spending_
        See :class:`StreamSelector`.

    References
    ----------
    .. [1] Žliobaitė et al., 2014, §V-A, Algorithm 1 (Random).
    """

    _parameter_constraints = dict(_COMMON)
    _reads_model = False

    def __init__(self, budget=0.1, *, window=1000, random_state=None):
        self.budget = budget
        self.window = window
        self.random_state = random_state

    def _decide(self, confidence, rng, state):
        return bool(rng.uniform() < self.budget)


class VariableUncertainty(StreamSelector):
    """Label rows of low confidence, with a threshold that follows the budget (Alg. 3).

    The threshold ``theta`` starts at 1. A row whose largest class
    probability is below ``theta`` is labelled and ``theta`` shrinks by the
    factor ``1 - step``; otherwise ``theta`` grows by ``1 + step``. So in a
    calm stream the threshold settles where about a ``budget`` share of the
    rows are labelled, and when confidence drops (a drift) it adapts.

    Parameters
    ----------
    budget : float in (0, 1], default=0.1
    step : float, default=0.01
        The threshold adjustment step ``s`` (the paper's 0.01).
    window : int, default=1000
        See :class:`RandomBudget`.
    random_state : None
        Unused (the selector is deterministic); kept for a uniform interface.

    Attributes
    ----------
    threshold_ : float
        The current threshold ``theta``.
    n_seen_, n_asked_, spending_
        See :class:`StreamSelector`.

    References
    ----------
    .. [1] Žliobaitė et al., 2014, §V-C, Algorithm 3 (Variable Uncertainty),
       with ``s = 0.01``.
    """

    _parameter_constraints = {**_COMMON, "step": [Interval(Real, 0, 1, closed="neither")]}

    def __init__(self, budget=0.1, *, step=0.01, window=1000, random_state=None):
        self.budget = budget
        self.step = step
        self.window = window
        self.random_state = random_state

    def _own_state(self):
        return {"threshold_": getattr(self, "threshold_", 1.0)}

    def _decide(self, confidence, rng, state):
        return self._variable(confidence, state["threshold_"], state)

    def _variable(self, confidence, threshold, state):
        if confidence < threshold:
            state["threshold_"] *= 1 - self.step
            return True
        state["threshold_"] *= 1 + self.step
        return False


class RandomizedVariableUncertainty(VariableUncertainty):
    """Variable uncertainty with a randomised threshold (Alg. 4).

    Each row is compared with ``theta * eta``, ``eta ~ N(1, delta)``, so
    that confident rows far from the boundary are sometimes labelled too.

    Parameters
    ----------
    budget : float in (0, 1], default=0.1
    step : float, default=0.01
        The adjustment step ``s``.
    delta : float, default=1.0
        Standard deviation of the randomisation (the paper's 1).
    window : int, default=1000
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    threshold_, n_seen_, n_asked_, spending_

    References
    ----------
    .. [1] Žliobaitė et al., 2014, §V-D, Algorithm 4 (Randomized Variable
       Uncertainty), ``delta = 1``.
    """

    _parameter_constraints = {
        **VariableUncertainty._parameter_constraints,
        "delta": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, budget=0.1, *, step=0.01, delta=1.0, window=1000, random_state=None):
        self.budget = budget
        self.step = step
        self.delta = delta
        self.window = window
        self.random_state = random_state

    def _decide(self, confidence, rng, state):
        return self._variable(confidence, state["threshold_"] * rng.normal(1.0, self.delta), state)


class Split(VariableUncertainty):
    """A random share of the stream labelled at random, the rest by variable uncertainty (Alg. 5).

    Each arriving row goes, with probability ``random_share``, to the random
    strategy (labelled with probability ``budget``), otherwise to variable
    uncertainty. The random part keeps sampling the whole instance space,
    where a change far from the decision boundary would otherwise go unseen.

    Parameters
    ----------
    budget : float in (0, 1], default=0.1
    step : float, default=0.01
    random_share : float in [0, 1], default=0.25
        The share ``nu`` of rows handed to the random strategy.
    window : int, default=1000
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    threshold_, n_seen_, n_asked_, spending_

    Notes
    -----
    In the paper the random share also feeds the change detector of the
    classifier; here the network is retrained on every label alike, so the
    random share only changes which rows are asked for.

    References
    ----------
    .. [1] Žliobaitė et al., 2014, §V-E, Algorithm 5 (Split).
    """

    _parameter_constraints = {
        **VariableUncertainty._parameter_constraints,
        "random_share": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(self, budget=0.1, *, step=0.01, random_share=0.25, window=1000, random_state=None):
        self.budget = budget
        self.step = step
        self.random_share = random_share
        self.window = window
        self.random_state = random_state

    def _decide(self, confidence, rng, state):
        if rng.uniform() < self.random_share:
            return bool(rng.uniform() < self.budget)
        return self._variable(confidence, state["threshold_"], state)


#: Names of the selectors.
STREAM_ALIASES = {
    "random": RandomBudget,
    "variable_uncertainty": VariableUncertainty,
    "randomized_variable_uncertainty": RandomizedVariableUncertainty,
    "split": Split,
}
