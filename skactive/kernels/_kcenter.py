"""Greedy k-center (furthest-first traversal): Core-Set's and DAMI's selection.

Prior validation of data is assumed: finite floating arrays of the
documented shapes and ``k`` within range. NumPy arrays run the lazy and
pruned NumPy code below; arrays of another array API library run in their
own namespace (see :mod:`skactive.kernels`).
"""

from functools import partial

import numpy as np

from . import _pruning
from ._array_api import _k_center_greedy_xp, _namespace
from ._pruning import (
    _BLAS_ALIGN,
    _N_DIRECTIONS,
    _Bounds,
    _closing_start,
    _ProjectionBound,
    _roundoff_slack,
    _row_dot,
    _RowDots,
)

__all__ = ["k_center_greedy"]

#: Largest number of distance entries computed at once when measuring the
#: candidates against many centres (float values); 2**22 is 32 MiB in float64.
_MAX_BLOCK_ENTRIES = 2**22


#: k_center_greedy stops testing rows while a pick computes more than this
#: share of them, and tests again every _RETEST picks.
_TEST_SHARE = 0.5
_RETEST = 32


def _sq_dist_to_nearest(X, X_sq_norms, centres, out, nearest=None):
    """Squared distance of each row of ``X`` to its nearest centre, in blocks.

    (n_samples, d), (n_samples,), (n_centres, d) -> ``out`` (n_samples,).
    Never holds more than ``_MAX_BLOCK_ENTRIES`` distances at once: one
    buffer is reused for every block (``np.matmul(..., out=)``). If
    ``nearest`` (n_samples,) is given, the row of ``centres`` at that
    distance is written there (``-1`` where there are no centres).
    """
    out.fill(np.inf)
    if nearest is not None:
        nearest.fill(-1)
    if centres.shape[0] == 0:
        return out
    c_sq_norms = _row_dot(centres, centres)
    n_cols = max(1, min(centres.shape[0], _MAX_BLOCK_ENTRIES // max(1, X.shape[0])))
    n_rows = max(1, min(X.shape[0], _MAX_BLOCK_ENTRIES // n_cols))
    buffer = np.empty(n_rows * n_cols, dtype=np.result_type(X, centres))
    for j in range(0, centres.shape[0], n_cols):
        block_c = centres[j : j + n_cols]
        for i in range(0, X.shape[0], n_rows):
            block_x = X[i : i + n_rows]
            # A contiguous (rows, cols) view of the front of the buffer.
            d = buffer[: block_x.shape[0] * block_c.shape[0]].reshape(block_x.shape[0], -1)
            np.matmul(block_x, block_c.T, out=d)
            d *= -2.0
            d += X_sq_norms[i : i + n_rows, None]
            d += c_sq_norms[None, j : j + n_cols]
            if nearest is None:
                np.minimum(out[i : i + n_rows], d.min(axis=1), out=out[i : i + n_rows])
            else:
                arg = d.argmin(axis=1)
                best = d[np.arange(d.shape[0]), arg]
                closer = best < out[i : i + n_rows]
                out[i : i + n_rows][closer] = best[closer]
                nearest[i : i + n_rows][closer] = arg[closer] + j
    np.maximum(out, 0.0, out=out)
    return out


#: Rows per block of the lazy search's running maxima (k_center_greedy).
_LAZY_BLOCK = 256

#: The lazy search of k_center_greedy hands over to the pruned full updates
#: once its refreshes have cost more than this share of one pass over the
#: pool per pick, on average since the first pick.
_LAZY_BUDGET = 0.25

#: What one refresh costs beyond its dot products, in values of ``X`` read
#: (the interpreter's share of a few NumPy calls, about 13 µs, at the rate
#: a pass reads values).
_LAZY_STEP_VALUES = 65536


def _dots_with_centres(picked, v, t, x):
    """``picked[v:t] @ x``, bit for bit as ``X @ picked[j]`` gives row ``x`` of ``X``.

    The block of centres is padded to a multiple of ``_BLAS_ALIGN`` rows
    (``picked`` has room for it), so every centre lies in a full row group of
    the gemv kernel, which rounds ``c·x`` as it rounds ``x·c`` for a row in a
    full group: the products are the same, summed in the same order.
    """
    n_padded = -(-(t - v) // _BLAS_ALIGN) * _BLAS_ALIGN
    return (picked[v : v + n_padded] @ x)[: t - v]


def _k_center_lazy(X, X_sq_norms, sq_dist, nearest, n_centres, picked, picked_sq, indices, rng):
    """The picks of k_center_greedy by a lazy search, while it stays cheap.

    ``sq_dist[x]`` holds the squared distance of row ``x`` to its nearest
    centre among the labeled centres and the first ``version[x]`` picks:
    an upper bound on its distance to all centres so far, since adding
    centres only brings rows closer. The next pick is the row of largest
    ``sq_dist`` whose value is current (ties to the lowest index); a row met
    on the way with an older value is brought up to date against the picks
    it lacks (:func:`_dots_with_centres`), and the search goes on. A current
    row ahead of every other row's upper bound is the row a full pass would
    pick. The rows of the closing block (see :func:`_closing_start`) are
    brought up to date at every pick, with one call as a full pass would.
    Without labeled centres, the first (random) pick updates every row by
    one full pass. Running maxima over blocks of ``_LAZY_BLOCK`` rows find the largest
    ``sq_dist`` without scanning the pool.

    Fills ``indices``, ``picked`` and ``picked_sq`` (copies of the picked
    rows and their squared norms) and updates ``sq_dist`` and ``nearest``.
    Returns ``(t, version)``: the number of picks made, short of ``k`` when
    the refreshes went over ``_LAZY_BUDGET``, and the per-row count of picks
    that ``sq_dist`` accounts for.
    """
    n_samples, k = X.shape[0], indices.shape[0]
    closing = _closing_start(n_samples)
    version = np.zeros(n_samples, dtype=np.int32)
    starts = np.arange(0, n_samples, _LAZY_BLOCK)
    block_max = np.maximum.reduceat(sq_dist, starts)
    closing_blocks = range(closing // _LAZY_BLOCK, (n_samples - 1) // _LAZY_BLOCK + 1)
    # Work in values of X read: a pass reads n_samples * n_features.
    budget = _LAZY_BUDGET * n_samples * X.shape[1]
    work = 0
    for t in range(k):
        if t == 0 and n_centres == 0:
            index = rng.randint(n_samples)
        else:
            while True:
                b = int(np.argmax(block_max))
                block = sq_dist[b * _LAZY_BLOCK : (b + 1) * _LAZY_BLOCK]
                index = b * _LAZY_BLOCK + int(np.argmax(block))
                v = int(version[index])
                if v == t:
                    break
                # The arithmetic of a full pass, centre for centre; the first
                # centre at the smallest distance, as strict updates in the
                # order of the picks leave it.
                d = _dots_with_centres(picked, v, t, X[index])
                d *= -2.0
                d += X_sq_norms[index]
                d += picked_sq[v:t]
                np.maximum(d, 0.0, out=d)
                j = int(np.argmin(d))
                if d[j] < sq_dist[index]:
                    sq_dist[index] = d[j]
                    nearest[index] = n_centres + v + j
                version[index] = t
                block_max[b] = block.max()
                work += (t - v) * X.shape[1] + _LAZY_STEP_VALUES
                if work > budget * (t + 1):
                    return t, version
        indices[t] = index
        picked[t], picked_sq[t] = X[index], X_sq_norms[index]
        if t == 0 and n_centres == 0:
            # Every row is at distance inf, so all would be refreshed: one
            # full pass instead, the very one the full-pass kernel makes.
            dot = X @ X[index]
            dot *= -2.0
            dot += X_sq_norms
            dot += X_sq_norms[index]
            np.maximum(dot, 0.0, out=dot)
            np.minimum(sq_dist, dot, out=sq_dist)
            nearest.fill(0)
            version.fill(1)
            sq_dist[index] = -1.0
            block_max = np.maximum.reduceat(sq_dist, starts)
            continue
        if closing < n_samples:
            dot = X[closing:] @ X[index]
            dot *= -2.0
            dot += X_sq_norms[closing:]
            dot += X_sq_norms[index]
            np.maximum(dot, 0.0, out=dot)
            closer = np.flatnonzero(dot < sq_dist[closing:])
            sq_dist[closing + closer] = dot[closer]
            nearest[closing + closer] = n_centres + t
            version[closing:] = t + 1
        sq_dist[index] = -1.0
        for b in {*closing_blocks, index // _LAZY_BLOCK}:
            block_max[b] = sq_dist[b * _LAZY_BLOCK : (b + 1) * _LAZY_BLOCK].max()
    return k, version


def _catch_up(X, X_sq_norms, sq_dist, nearest, n_centres, picked, picked_sq, first, t, closing):
    """Bring every row of ``X[:closing]`` up to date with picks ``first`` to ``t - 1``.

    One full pass per pick, applied to every row: a row that already
    accounts for a pick keeps its value and its nearest centre (its
    distance is at most the new one, and updates are strict).
    """
    for j in range(first, t):
        dot = X[:closing] @ picked[j]
        dot *= -2.0
        dot += X_sq_norms[:closing]
        dot += picked_sq[j]
        np.maximum(dot, 0.0, out=dot)
        closer = np.flatnonzero(dot < sq_dist[:closing])
        sq_dist[closer] = dot[closer]
        nearest[closer] = n_centres + j


def k_center_greedy(X, k, centres, random_state):
    """Greedy k-center (furthest-first traversal) of ``X`` given ``centres``.

    Each step picks the row of ``X`` furthest from its nearest centre (the
    rows in ``centres`` and the rows picked so far), the 2-approximation of
    the k-center problem that Core-Set (Sener & Savarese, 2018) and DAMI
    (Algorithm 1, line 7) run.

    One running vector of squared distances to the nearest centre is kept;
    the initial distances to ``centres`` are computed in blocks of at most
    ``2**22`` entries. No ``(n_samples, n_centres)`` or ``(n_samples,
    n_samples)`` matrix is formed. Distances are ``‖x‖² + ‖c‖² − 2 x·c`` in
    the dtype of ``X``, clipped at 0. Ties go to the lowest row index.

    The picks are those of one full pass over ``X`` per pick (bit for bit
    with single-threaded BLAS; a multi-threaded BLAS rounds a full pass
    differently at its thread boundaries already), found with much less
    work, exactly:

    - **Lazy search.** A row's stored distance is an upper bound on its
      current one (centres only bring rows closer), so only the rows met
      at the top of the stored distances need bringing up to date against
      the picks they lack, one row at a time, until the top row is current
      (lazy greedy evaluation). On network embeddings a few rows per pick
      are refreshed: the pool is read once, not once per pick.
    - **Pruned full updates**, where the lazy search would refresh too many
      rows (more than a quarter of a pass per pick): the rows are brought up
      to date, and each next pick updates only the rows that the triangle
      inequality does not prove unchanged (``d(a, c) ≥ 2 d(x, a)`` for the
      nearest centre ``a`` and the new one ``c``, Elkan, 2003, widened by a
      bound on rounding; then a bound from a projection on a few principal
      directions), computed in gathered blocks with the same BLAS routine a
      full pass uses. On isotropic high-dimensional noise few rows are
      skipped, and the updates then compute every row for a while.

    Arrays of another array API library (torch tensors, on a GPU or the
    CPU) run in their namespace and on their device, one full pass per pick
    (a GPU reads the pool faster than the host could skip rows): the same
    picks up to floating-point rounding.

    Prior validation of data is assumed.

    Parameters
    ----------
    X : ndarray or array API array (e.g. torch tensor) of shape (n_samples, n_features)
        The candidates (copied once if not C-contiguous).
    k : int
        Number of rows to pick, ``1 <= k <= n_samples``.
    centres : ndarray or array API array of shape (n_centres, n_features)
        Rows already covered (the labeled set), of the same namespace and
        device as ``X``; may have no rows, in which case the first pick is
        drawn uniformly at random.
    random_state : numpy.random.RandomState
        Used only when ``centres`` is empty.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct rows of ``X`` in the order they were picked.

    References
    ----------
    .. [1] O. Sener and S. Savarese, "Active Learning for Convolutional Neural
       Networks: A Core-Set Approach", ICLR 2018, Algorithm 1.
    .. [2] C. Elkan, "Using the Triangle Inequality to Accelerate k-Means",
       ICML 2003, Lemma 1.
    .. [3] M. Minoux, "Accelerated greedy algorithms for maximizing submodular
       set functions", Optimization Techniques, 1978 (lazy evaluation).
    """
    xp = _namespace(X, centres)
    if xp is not None:
        return _k_center_greedy_xp(xp, X, k, centres, random_state, _MAX_BLOCK_ENTRIES)
    X = np.ascontiguousarray(X)
    centres = np.ascontiguousarray(centres, dtype=X.dtype)
    n_samples, n_centres = X.shape[0], centres.shape[0]
    X_sq_norms = _row_dot(X, X)
    sq_dist = np.empty(n_samples, dtype=X_sq_norms.dtype)
    # nearest[i]: the centre at sq_dist[i]; centres first, then the picks.
    nearest = np.empty(n_samples, dtype=np.int32 if n_centres + k < 2**31 else np.int64)
    _sq_dist_to_nearest(X, X_sq_norms, centres, out=sq_dist, nearest=nearest)
    # Copies of the picks, with room to pad a block of them (_dots_with_centres).
    picked = np.zeros((k + _BLAS_ALIGN, X.shape[1]), dtype=X.dtype)
    picked_sq = np.zeros(k + _BLAS_ALIGN, dtype=X_sq_norms.dtype)
    indices = np.empty(k, dtype=np.int64)
    t, version = _k_center_lazy(
        X, X_sq_norms, sq_dist, nearest, n_centres, picked, picked_sq, indices, random_state
    )
    if t < k:
        closing = _closing_start(n_samples)
        first = int(version[:closing].min()) if closing else t
        del version
        _catch_up(X, X_sq_norms, sq_dist, nearest, n_centres, picked, picked_sq, first, t, closing)
        _k_center_pruned(X, X_sq_norms, sq_dist, nearest, centres, picked, picked_sq, indices, t)
    return indices


def _k_center_pruned(X, X_sq_norms, sq_dist, nearest, centres, picked, picked_sq, indices, t0):
    """Picks ``t0`` to ``k - 1`` of k_center_greedy by pruned full updates.

    Every row's ``sq_dist`` and ``nearest`` account for the centres and the
    first ``t0 >= 1`` picks (stored in ``picked``, ``picked_sq``, ``indices``).
    """
    n_samples, n_centres, k = X.shape[0], centres.shape[0], indices.shape[0]
    c_sq_norms = _row_dot(centres, centres).astype(np.float64)
    picked_norms = picked_sq.astype(np.float64)

    # Rounding allowance of one computed squared distance.
    bounds = _Bounds(X_sq_norms, 2.0 * _roundoff_slack(X.shape[1], X.dtype))
    live = np.flatnonzero(sq_dist >= 0)  # the rows not picked yet
    centre_norms = np.sqrt(np.concatenate([c_sq_norms, picked_norms[:t0]]))
    bounds.set(live, sq_dist[live], centre_norms[nearest[live]])
    bounds.reach[indices[:t0]] = -np.inf
    dots = _RowDots(X)
    closing = _closing_start(n_samples)
    projection = None
    if X.shape[1] > 2 * _N_DIRECTIONS and closing:
        projection = _ProjectionBound(X, bounds.norms, bounds.s)
        projection.set(slice(None), np.maximum(sq_dist, 0.0))
    computed = 0
    for t in range(t0, k):
        index = int(np.argmax(sq_dist))
        indices[t] = index
        x_c = X[index]
        norm_c = X_sq_norms[index]
        picked[t], picked_sq[t], picked_norms[t] = x_c, norm_c, norm_c
        lower = None
        # Where the bounds let most rows through (e.g. isotropic noise of
        # many dimensions) testing costs more than it saves: the next picks
        # then compute every row, and test again every _RETEST picks.
        if computed <= _TEST_SHARE * n_samples or t % _RETEST == 0:
            # Lower bound on the exact distance from every centre a to c.
            cc = np.concatenate([centres @ x_c, picked[:t] @ x_c]).astype(np.float64)
            cc *= -2.0
            cc[:n_centres] += c_sq_norms
            cc[n_centres:] += picked_norms[:t]
            cc += float(norm_c)
            lower = bounds.thresholds(cc, np.concatenate([c_sq_norms, picked_norms[:t]]), norm_c)
        refine = None
        if projection is not None and lower is not None:
            refine = partial(projection.refine, c=index)
        updates = _pruning._rows_to_update(lower, nearest, bounds.reach, closing, n_samples, refine)
        computed = 0
        for start, stop, rows in updates:
            part = slice(start, stop) if rows is None else rows
            computed += stop - start if rows is None else rows.shape[0]
            # The arithmetic of a full pass, row for row.
            dot = dots(start, stop, rows, x_c)
            dot *= -2.0
            dot += X_sq_norms[part]
            dot += norm_c
            np.maximum(dot, 0.0, out=dot)
            closer = dot < sq_dist[part]
            changed = np.flatnonzero(closer) + start if rows is None else rows[closer]
            sq_dist[changed] = dot[closer]
            nearest[changed] = n_centres + t
            bounds.set(changed, sq_dist[changed], bounds.norms[index])
            if projection is not None:
                projection.set(changed, sq_dist[changed])
        # Mark a picked row below every distance so that it is never picked
        # again, even when all remaining rows coincide with centres.
        sq_dist[index] = -1.0
        bounds.reach[index] = -np.inf
