"""Asking the query strategy: plain or cost-aware, and checking its answer.

:class:`ActiveLearner` validates the pool; these helpers hand the network's
view of it to the strategy with the round's seed and refuse an answer that
is not ``n`` distinct indices into the pool (or, with costs, a batch over
``max_cost``).
"""

import inspect

import numpy as np

from . import _modal
from .strategies import CallableStrategy

__all__ = ["check_indices", "query_with_costs"]


def _strategy_name(strategy):
    if isinstance(strategy, CallableStrategy):
        return getattr(strategy.func, "__name__", repr(strategy.func))
    return type(strategy).__name__


def check_indices(strategy, indices, n, n_pool):
    """The strategy's answer as int64 indices, refused unless ``n`` distinct ones in the pool.

    Parameters
    ----------
    strategy : strategy object
        Who answered, named in the error.
    indices : array-like
        The answer.
    n : int
        The number of rows asked for.
    n_pool : int
        The number of pool rows.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
    """
    name = _strategy_name(strategy)
    _modal.check_strategy_output(indices, name)  # modAL's (indices, X_pool[indices])
    indices = np.asarray(indices)
    problem = None
    if indices.ndim != 1 or indices.shape[0] != n:
        problem = f"returned an array of shape {indices.shape} instead of ({n},)"
    elif indices.dtype.kind not in "iu":
        problem = f"returned indices of dtype {indices.dtype} instead of integers"
    elif indices.min() < 0 or indices.max() >= n_pool:
        problem = f"returned indices outside [0, {n_pool})"
    elif np.unique(indices).shape[0] != n:
        problem = "returned repeated indices"
    if problem:
        raise ValueError(f"The query strategy {name} {problem}.")
    return indices.astype(np.int64, copy=False)


def query_with_costs(strategy, learner, X_pool, n, seed, costs, max_cost, *, to_network):
    """A cost-aware query: by utility per unit cost, within ``max_cost``.

    Parameters
    ----------
    strategy : strategy object
        One whose ``query`` takes ``costs`` (a ranking strategy or Random).
    learner : ActiveLearner
    X_pool : validated pool rows of shape (n_pool, ...)
    n : int
        The most rows to choose.
    seed : int
    costs : ndarray of shape (n_pool,)
        Validated annotation costs.
    max_cost : float or None
    to_network : callable
        ``to_network(X_pool) -> X_net``, called once the strategy is known to
        take costs.

    Returns
    -------
    indices : ndarray of shape (n_taken,), dtype int64
    """
    try:
        takes_costs = "costs" in inspect.signature(strategy.query).parameters
    except (TypeError, ValueError):
        takes_costs = False
    if not takes_costs:
        raise TypeError(
            f"The query strategy {type(strategy).__name__} does not take annotation costs: "
            "it chooses its batch jointly. Use a ranking strategy (LeastConfidence, Margin, "
            "Entropy, EGL) or Random with costs, or query without costs."
        )
    from .probes import n_rows

    X_net = to_network(X_pool)
    n_pool = n_rows(X_net)
    indices = strategy.query(learner, X_net, n, random_state=seed, costs=costs, max_cost=max_cost)
    indices = np.asarray(indices)
    n_taken = indices.shape[0] if indices.ndim == 1 else -1
    if max_cost is not None and 1 <= n_taken <= n:
        checked = check_indices(strategy, indices, n_taken, n_pool)
        if costs[checked].sum() > max_cost * (1 + 1e-9):
            raise ValueError(
                f"The query strategy {type(strategy).__name__} returned rows costing "
                f"{float(costs[checked].sum())!r}, more than max_cost={max_cost!r}."
            )
        return checked
    return check_indices(strategy, indices, n, n_pool)
