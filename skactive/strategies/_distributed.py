"""Ranking strategies over a ``dask.array`` pool, partition by partition.

A pool too large for one machine can be a :class:`dask.array.Array`, chunked
along its rows. ``ActiveLearner.query(dask_pool, n)`` then scores each
partition where it lives, on the workers of the active
``distributed.Client`` (or dask's local scheduler without one): the fitted
learner is shipped once (``client.scatter(..., broadcast=True)``), each
partition returns only its top-``n`` candidates (and the rows tied with its
``n``-th utility), and the client merges them into the picks an in-memory
pool gives: the same rows, in the same order, ties broken by the same random
permutation.

Only ranking strategies scale out this way, since one utility per row
depends on that row alone (their tag ``row_independent``): the uncertainty
strategies (least confidence, margin, entropy), BALD, max-variance and EGL.
The greedy batch strategies (BADGE, Core-Set, DAMI, BatchBALD, DEIMOS, ...)
choose each row given the ones chosen before, over the whole pool; for them
:func:`prefilter_query` ranks the dask pool with a ranking strategy to a
candidate set that fits in memory and runs the batch strategy on it.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._base import strategy_tags
from ._bayesian import MCDropoutUtility, _mask_seed

__all__ = ["is_dask_array", "prefilter_query", "query_dask_pool"]


def is_dask_array(X):
    """Whether ``X`` is a :class:`dask.array.Array` (without importing dask)."""
    return type(X).__module__.startswith("dask.array") and hasattr(X, "to_delayed")


def _block_candidates(learner, strategy, block, offset, n, mask_seed):
    """One partition's top-``n`` rows (and the ties of its ``n``-th utility).

    Returns
    -------
    rows : ndarray of shape (n_candidates,), dtype int64
        Indices into the whole pool.
    utility : ndarray of shape (n_candidates,)
    """
    X_net = learner.network_input(np.asarray(block))
    if mask_seed is None:
        utility = strategy.utility(learner, X_net)
    else:
        utility = strategy.utility(learner, X_net, random_state=mask_seed)
    utility = np.asarray(utility, dtype=np.float64)
    if utility.shape[0] > n:
        kth = np.partition(utility, utility.shape[0] - n)[utility.shape[0] - n]
        keep = np.flatnonzero(utility >= kth)
    else:
        keep = np.arange(utility.shape[0])
    return keep.astype(np.int64) + offset, utility[keep]


def _client():
    try:
        from distributed import get_client
    except ImportError:
        return None
    try:
        return get_client()
    except ValueError:  # no client is running
        return None


def query_dask_pool(learner, X_pool, n, random_state):
    """The picks of a ranking strategy over a dask pool, as in memory.

    Prior validation of ``n`` is assumed; the rows are validated on the
    workers, partition by partition.

    Parameters
    ----------
    learner : ActiveLearner
        A fitted learner whose ``query_strategy_`` scores rows independently
        (tag ``row_independent``: one of :data:`RANKING_STRATEGIES` or a
        strategy that says so).
    X_pool : dask.array.Array of shape (n_pool, n_features)
        Chunked along the rows (chunks along the columns are merged).
    n : int
    random_state : int
        The query's seed, as :meth:`ActiveLearner.query` derives it.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Indices into ``X_pool``, best first: the rows, and the order,
        ``query`` gives on ``X_pool.compute()``.
    """
    import dask

    from . import RANKING_STRATEGIES

    strategy = learner.query_strategy_
    if not strategy_tags(strategy).row_independent:
        raise ValueError(
            f"{type(strategy).__name__} cannot score a dask.array pool partition by partition: "
            "only the ranking strategies "
            f"({', '.join(s.__name__ for s in RANKING_STRATEGIES)}) can. For a batch strategy, "
            "use skactive.strategies.prefilter_query(learner, X_pool, n, strategy) to rank the "
            "pool to candidates that fit in memory first, or compute the pool."
        )
    if X_pool.ndim < 2:
        raise ValueError(f"X_pool must have rows of features, got shape {X_pool.shape}.")
    n_pool = X_pool.shape[0]
    if n > n_pool:
        raise ValueError(f"n={n} is larger than the pool, which has {n_pool} rows.")
    X_pool = X_pool.rechunk({i: -1 for i in range(1, X_pool.ndim)})
    # The query's random stream, drawn as the in-memory query draws it.
    rng = check_random_state(random_state)
    mask_seed = _mask_seed(rng) if isinstance(strategy, MCDropoutUtility) else None
    order = rng.permutation(n_pool)  # top_k's tie-breaking relabelling

    blocks = X_pool.to_delayed().reshape(-1)
    offsets = np.r_[0, np.cumsum(X_pool.chunks[0])[:-1]]
    client = _client()
    # A fresh key per query (hash=False): a key reused by the next query could be
    # released by the end of this one.
    shipped = client.scatter(learner, broadcast=True, hash=False) if client is not None else learner
    tasks = [
        dask.delayed(_block_candidates, pure=False)(
            shipped, strategy, block, int(offset), n, mask_seed
        )  # fmt: skip
        for block, offset in zip(blocks, offsets, strict=True)
    ]
    if client is not None:
        parts = client.gather(client.compute(tasks))
    else:
        parts = dask.compute(*tasks)
    rows = np.concatenate([p[0] for p in parts])
    utility = np.concatenate([p[1] for p in parts])
    # top_k's order: decreasing utility, ties by position in the permutation.
    position = np.empty(n_pool, dtype=np.int64)
    position[order] = np.arange(n_pool)
    best = np.lexsort((position[rows], -utility))[:n]
    return rows[best]


def prefilter_query(learner, X_pool, n, strategy, *, prefilter="margin", n_candidates=None):
    """A batch strategy on a dask pool: rank to candidates, then choose among them.

    The ranking strategy ``prefilter`` scores the dask pool partition by
    partition (see :func:`query_dask_pool`) and keeps its ``n_candidates``
    best rows; those rows are brought to the client and ``strategy`` chooses
    ``n`` of them in memory. Cost: one distributed scoring pass, moving
    ``n_candidates`` rows, and the batch strategy on ``n_candidates`` rows
    instead of the pool. The result is not the batch strategy's choice over
    the whole pool: it is its choice among the rows the prefilter finds most
    useful.

    Parameters
    ----------
    learner : ActiveLearner
        A fitted learner.
    X_pool : dask.array.Array of shape (n_pool, n_features)
    n : int
        Rows to choose.
    strategy : str or QueryStrategy
        The batch strategy (an alias or an object), run on the candidates.
    prefilter : str or ranking strategy, default="margin"
        The strategy that ranks the pool (one of :data:`RANKING_STRATEGIES`).
    n_candidates : int, default=None
        Candidates kept: ``10 * n`` (at most the pool) if None.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Indices into ``X_pool``.
    """
    import copy

    n_pool = X_pool.shape[0]
    m = min(n_pool, 10 * n if n_candidates is None else int(n_candidates))
    if not n <= m <= n_pool:
        raise ValueError(f"n_candidates={m} must lie between n={n} and the pool's {n_pool} rows.")
    ranking = copy.copy(learner)
    ranking.set_params(query_strategy=prefilter)
    ranking.query_strategy_ = ranking._resolve_strategy()
    candidates = np.sort(query_dask_pool(ranking, X_pool, m, random_state=learner._seed(1)))
    chooser = copy.copy(learner)
    chooser.set_params(query_strategy=strategy)
    chooser.query_strategy_ = chooser._resolve_strategy()
    picked = chooser.query(X_pool[candidates].compute(), n)
    return candidates[picked]
