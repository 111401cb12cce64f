"""The round engine of simulated active learning, labels as the oracle.

One engine for every simulated run: ``ActiveLearner.fit`` with
``initial_size`` (so ``GridSearchCV`` over strategies and ``skactive demo``),
:class:`~skactive.model_selection.ActiveLearningSimulation` (so
``simulate_active_learning``, ``cross_validate_strategies`` and
``skactive compare``). It resolves sizes (:func:`resolve_size`), draws the
seed set (:func:`draw_seed_set`), plans the rounds' query sizes against a
number of rounds or a budget (:func:`schedule`) and plays one round
(:func:`play_round`: query, teach, timings). Its callers own what happens
between rounds: scoring, recording, rollback.
"""

import time
from collections import namedtuple
from numbers import Integral, Real

import numpy as np

from .probes import take_rows

__all__ = ["Round", "draw_seed_set", "fit_seed_set", "play_round", "resolve_size", "schedule"]


def resolve_size(value, n, name, *, allow_one=False):
    """An absolute row count from an int (count) or a float (fraction of n).

    Fractions are rounded down, with at least one row.

    Parameters
    ----------
    value : int or float
        A number of rows (at least 1), or a fraction in (0, 1) (in (0, 1]
        with ``allow_one``).
    n : int
        The number of rows a fraction is taken of.
    name : str
        The parameter's name, for the errors.
    allow_one : bool, default=False
        Whether the fraction 1.0 (every row) is allowed.

    Returns
    -------
    size : int
    """
    if isinstance(value, bool) or not isinstance(value, (Integral, Real)):
        raise TypeError(f"{name} must be an int or a float, got {value!r}.")
    if isinstance(value, Integral):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
        return int(value)
    upper_ok = value <= 1 if allow_one else value < 1
    if not (0 < value and upper_ok):
        interval = "(0, 1]" if allow_one else "(0, 1)"
        raise ValueError(
            f"{name}={value!r}: a float is a fraction of the training rows and must lie "
            f"in {interval}; give an int for a number of rows."
        )
    return max(1, int(np.floor(value * n)))


def draw_seed_set(n, size, rng, name="size"):
    """Draw a uniform seed set of ``size`` rows (a count or a fraction) out of ``n``.

    Parameters
    ----------
    n : int
        Number of rows.
    size : int or float
        See :func:`resolve_size`.
    rng : RandomState
        The generator of the draw.
    name : str, default="size"
        The parameter's name, for the errors.

    Returns
    -------
    indices : ndarray of shape (n_initial,), dtype int64
        Distinct indices into the rows; at least one row is left for the pool.
    """
    n_initial = resolve_size(size, n, name)
    if n_initial >= n:
        raise ValueError(
            f"{name}={size!r} leaves no pool to query. A seed set of {n_initial} rows leaves "
            f"no pool: there are only {n} rows."
        )
    return rng.choice(n, size=n_initial, replace=False).astype(np.int64)


def schedule(n_train, n_initial, query_size, n_rounds, budget):
    """Rows queried in each round: full batches, the last one cut short.

    Exactly one of ``n_rounds`` (rounds, stopping early when the pool runs
    out) and ``budget`` (the final number of labeled rows, a count or a
    fraction in (0, 1] of ``n_train``) is given.

    Returns
    -------
    sizes : list of int
        The query size of each round.
    """
    if (n_rounds is None) == (budget is None):
        raise ValueError(
            "Give exactly one of n_rounds (a number of rounds) and budget (the final "
            "number of labelled rows)."
        )
    batch = resolve_size(query_size, n_train, "query_size")
    if budget is not None:
        final = resolve_size(budget, n_train, "budget", allow_one=True)
        if final < n_initial:
            raise ValueError(
                f"budget={budget!r} ({final} rows) is smaller than the seed set ({n_initial} rows)."
            )
        if final > n_train:
            raise ValueError(
                f"budget={budget!r} ({final} rows) exceeds the {n_train} training rows."
            )
    else:
        if isinstance(n_rounds, bool) or not isinstance(n_rounds, Integral) or n_rounds < 0:
            raise ValueError(f"n_rounds must be a non-negative integer, got {n_rounds!r}.")
        final = min(n_train, n_initial + n_rounds * batch)
    sizes = []
    labeled = n_initial
    while labeled < final:
        sizes.append(min(batch, final - labeled))
        labeled += sizes[-1]
    return sizes


def fit_seed_set(fit, X, y, initial):
    """Fit on the seed set (round 0); return the time it took, in seconds.

    Parameters
    ----------
    fit : callable
        ``fit(X_seed, y_seed)``.
    X : rows of shape (n_train, ...)
    y : ndarray of shape (n_train,) or (n_train, n_targets)
    initial : ndarray of shape (n_initial,), dtype int64
        Indices into ``X`` of the seed set.

    Returns
    -------
    fit_time : float
    """
    start = time.perf_counter()
    fit(take_rows(X, initial), y[initial])
    return time.perf_counter() - start


#: One played round: the rows ``picked`` (indices into the training rows, in
#: selection order), the ``pool`` left after it, and its times in seconds.
Round = namedtuple("Round", ["picked", "pool", "query_time", "fit_time"])


def play_round(X, y, pool, n, *, query, teach):
    """Query ``n`` rows of the pool, teach their labels: one round.

    Parameters
    ----------
    X : validated rows of shape (n_train, ...)
        The training rows; the pool is a subset of them.
    y : ndarray of shape (n_train,) or (n_train, n_targets)
        Their labels, the oracle.
    pool : ndarray of shape (n_pool,), dtype int64
        Indices into ``X`` of the unlabeled rows.
    n : int
        The round's query size.
    query : callable
        ``query(X_pool, n) -> positions`` into ``X_pool``.
    teach : callable
        ``teach(X_new, y_new)``: appends the labels and retrains (and tells
        the strategy, see ``ActiveLearner.teach``).

    Returns
    -------
    round : Round
    """
    start = time.perf_counter()
    picked = pool[query(take_rows(X, pool), n)]
    query_time = time.perf_counter() - start
    start = time.perf_counter()
    teach(take_rows(X, picked), y[picked])
    fit_time = time.perf_counter() - start
    return Round(picked, np.setdiff1d(pool, picked), query_time, fit_time)
