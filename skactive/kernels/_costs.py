"""Annotation-cost kernels: pure NumPy, no torch, no input validation.

Prior validation of data is assumed: ``costs`` is a finite, strictly
positive float64 array with one entry per pool row (the learner checks it,
see ``ActiveLearner.query``).
"""

import numpy as np

from ._topk import top_k

__all__ = ["greedy_within_budget", "return_on_investment", "select_by_cost"]


def return_on_investment(utility, costs, floor=None):
    """Utility per unit cost (Settles, Craven & Friedland, 2008).

    Prior validation of data is assumed.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        One finite utility per row; larger is more useful.
    costs : ndarray of shape (n_samples,)
        Positive costs.
    floor : float or None, default=None
        The lowest value the utility can take (e.g. -1 for margin's
        ``-(p1 - p2)``). The ratio needs a non-negative utility, so
        ``utility - floor`` is divided by the cost; None: 0 if every utility
        is non-negative, else the smallest utility of the rows given.

    Returns
    -------
    roi : ndarray of shape (n_samples,)

    References
    ----------
    .. [1] B. Settles, M. Craven and L. Friedland, "Active Learning with Real
       Annotation Costs", NIPS Workshop on Cost-Sensitive Learning, 2008,
       §3 ("return on investment": utility divided by the cost).
    """
    if floor is None:
        floor = min(0.0, float(utility.min()))
    return (utility - floor) / costs


def greedy_within_budget(order, costs, n, max_cost):
    """Rows taken in ``order`` while they fit in ``max_cost``, at most ``n``.

    A row too expensive for what is left of the budget is skipped and the
    next one tried, so the budget is filled as far as the order allows.

    Prior validation of data is assumed.

    Parameters
    ----------
    order : ndarray of shape (n_samples,)
        Row indices in order of preference.
    costs : ndarray of shape (n_total,)
    n : int
        The most rows to take.
    max_cost : float or None
        The budget; None takes the first ``n`` rows.

    Returns
    -------
    indices : ndarray of shape (n_taken,), dtype int64
        ``1 <= n_taken <= n`` when the cheapest row fits.
    """
    if max_cost is None:
        return order[:n].astype(np.int64)
    running = np.cumsum(costs[order])
    if running[min(n, order.shape[0]) - 1] <= max_cost:  # the first n fit: the common case
        return order[:n].astype(np.int64)
    taken, left = [], float(max_cost)
    for i in order:
        if costs[i] <= left:
            taken.append(i)
            left -= costs[i]
            if len(taken) == n:
                break
    return np.asarray(taken, dtype=np.int64)


def select_by_cost(utility, costs, n, max_cost, random_state, floor=None):
    """Cost-aware top-n: rows by decreasing return on investment, within a budget.

    Prior validation of data is assumed.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
    costs : ndarray of shape (n_samples,)
    n : int
    max_cost : float or None
    random_state : numpy.random.RandomState
        Tie-breaking, as in :func:`top_k`.
    floor : float or None
        See :func:`return_on_investment`.

    Returns
    -------
    indices : ndarray of shape (n_taken,), dtype int64
    """
    roi = return_on_investment(utility, costs, floor)
    k = utility.shape[0] if max_cost is not None else n
    return greedy_within_budget(top_k(roi, k, random_state), costs, n, max_cost)
