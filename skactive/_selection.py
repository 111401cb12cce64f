"""Selection kernels: pure NumPy, no torch, no input validation.

Every function here assumes its inputs were validated by the caller (the
learner or a strategy): finite floating arrays of the documented shapes, and
``k`` within range. Prior validation of data is assumed.
"""

import numpy as np

__all__ = [
    "factored_sq_distances",
    "k_center_greedy",
    "kmeans_pp_factored",
    "sample_by_squared_distance",
    "top_k",
]


def top_k(utility, k, random_state):
    """Indices of the ``k`` largest utilities, largest first.

    Runs in O(n_samples) time and memory (``np.partition``), never sorting
    the whole array nor building a ``(k, n_samples)`` array. Ties are broken
    uniformly at random through ``random_state`` so that equal utilities do
    not always favour the first rows of the pool; the result is therefore
    deterministic for a given seed.

    Prior validation of data is assumed.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        One finite utility per pool row; larger is more useful.
    k : int
        Number of indices to return, ``1 <= k <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the tie-breaking order.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct row indices, sorted by decreasing utility (ties in random
        order).
    """
    n_samples = utility.shape[0]
    # A random relabelling of the rows turns "lowest index first" tie-breaking
    # below into uniformly random tie-breaking.
    order = random_state.permutation(n_samples)
    shuffled = utility[order]
    if k < n_samples:
        threshold = np.partition(shuffled, n_samples - k)[n_samples - k]
        above = np.flatnonzero(shuffled > threshold)
        tied = np.flatnonzero(shuffled == threshold)[: k - above.shape[0]]
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(n_samples)
    # Stable sort on the negated utility: decreasing utility, ties keep the
    # (random) relabelled order.
    chosen = chosen[np.argsort(-shuffled[chosen], kind="stable")]
    return order[chosen].astype(np.int64, copy=False)


# ------------------------------------------------------------------ k-means++


def sample_by_squared_distance(sq_dist, random_state):
    """Draw one row with probability proportional to its squared distance.

    The k-means++ sampling step (Arthur & Vassilvitskii, 2007): one uniform
    draw, then a search in the cumulative sum. Rows at distance 0 (the
    centres already chosen) are never drawn.

    Prior validation of data is assumed.

    Parameters
    ----------
    sq_dist : ndarray of shape (n_samples,)
        Non-negative squared distances to the nearest centre, ``float64``.
    random_state : numpy.random.RandomState
        Source of the draw.

    Returns
    -------
    index : int
        The drawn row, or ``-1`` when every distance is 0 (nothing to prefer;
        the caller decides).
    """
    cumulative = np.cumsum(sq_dist)
    total = cumulative[-1]
    if not total > 0:
        return -1
    u = random_state.uniform() * total
    # The first row whose cumulative sum exceeds u. A row at distance 0 adds
    # exactly 0 to the running sum, so it is never that row.
    index = int(np.searchsorted(cumulative, u, side="right"))
    if index >= sq_dist.shape[0]:
        # Rounding put u at the very top of the range: take the last row with
        # a positive distance.
        index = int(np.flatnonzero(sq_dist > 0)[-1])
    return index


def _row_dot(a, b):
    """Row-wise dot products: (n, m), (n, m) -> (n,)."""
    return np.einsum("ij,ij->i", a, b)


def factored_sq_distances(q, h, sq_norms, c, out=None):
    """Squared distances from every ``q_i ⊗ h_i`` to one of them, ``q_c ⊗ h_c``.

    ``‖g_i − g_c‖² = ‖q_i‖²‖h_i‖² + ‖q_c‖²‖h_c‖² − 2 (q_i·q_c)(h_i·h_c)``,
    clipped at 0 against rounding, in ``O(n_samples · (n_q + n_h))`` time and
    no memory beyond ``out``. The two dot products are taken in the dtype of
    ``q`` and ``h`` (``float32`` from the probe: half the memory traffic of
    ``float64``); everything after them in ``float64``.

    Prior validation of data is assumed.

    Parameters
    ----------
    q : ndarray of shape (n_samples, n_q)
    h : ndarray of shape (n_samples, n_h)
    sq_norms : ndarray of shape (n_samples,), dtype float64
        ``‖q_i‖² ‖h_i‖²``, precomputed.
    c : int
        Row of the centre.
    out : ndarray of shape (n_samples,), dtype float64, optional
        Where to write the result.

    Returns
    -------
    sq_dist : ndarray of shape (n_samples,), dtype float64
    """
    out = np.multiply(q @ q[c], h @ h[c], out=out, dtype=np.float64)
    out *= -2.0
    out += sq_norms
    out += sq_norms[c]
    return np.maximum(out, 0.0, out=out)


def kmeans_pp_factored(q, h, k, random_state):
    """k-means++ seeding on outer-product embeddings ``g_i = q_i ⊗ h_i``.

    BADGE's sampling step on its gradient embeddings, without forming them:
    for ``g_x = q_x ⊗ h_x`` and ``g_c = q_c ⊗ h_c``,

    ``‖g_x − g_c‖² = ‖q_x‖²‖h_x‖² + ‖q_c‖²‖h_c‖² − 2 (q_x·q_c)(h_x·h_c)``,

    clipped at 0 against rounding (:func:`factored_sq_distances`). Each step
    costs ``O(n_samples · (n_q + n_h))`` and one running vector of squared
    distances to the nearest chosen centre is kept (``np.minimum(...,
    out=)``), so memory is ``O(n_samples · (n_q + n_h))`` in all.

    The first centre is the row of largest ``‖g‖`` (as BADGE's own code
    does; the paper's Algorithm 2 draws it uniformly); each next centre is
    drawn with probability ``∝ D²``, ``D`` the distance to the nearest chosen
    centre. Chosen rows have ``D = 0`` and are never drawn again. If every
    remaining row coincides with a centre (all ``D = 0``), the next one is
    drawn uniformly from the rows not yet chosen.

    Prior validation of data is assumed.

    Parameters
    ----------
    q : ndarray of shape (n_samples, n_q)
        First factor (BADGE: ``p − e_ŷ``).
    h : ndarray of shape (n_samples, n_h)
        Second factor (BADGE: the penultimate embedding).
    k : int
        Number of centres, ``1 <= k <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the draws.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct rows in the order they were chosen.

    References
    ----------
    .. [1] D. Arthur and S. Vassilvitskii, "k-means++: The Advantages of
       Careful Seeding", SODA 2007.
    .. [2] J. T. Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", ICLR 2020, Algorithm 1 and Appendix A.
    """
    n_samples = q.shape[0]
    sq_norms = _row_dot(q, q).astype(np.float64) * _row_dot(h, h).astype(np.float64)
    chosen = np.zeros(n_samples, dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = np.argmax(sq_norms)
    sq_dist = np.full(n_samples, np.inf)
    new_dist = np.empty(n_samples)
    for t in range(1, k + 1):
        c = indices[t - 1]
        chosen[c] = True
        factored_sq_distances(q, h, sq_norms, c, out=new_dist)
        np.minimum(sq_dist, new_dist, out=sq_dist)
        sq_dist[c] = 0.0
        if t == k:
            break
        index = sample_by_squared_distance(sq_dist, random_state)
        if index < 0 or chosen[index]:
            remaining = np.flatnonzero(~chosen)
            index = remaining[random_state.randint(remaining.shape[0])]
        indices[t] = index
    return indices


# ------------------------------------------------------------------ k-center

#: Largest number of distance entries computed at once when measuring the
#: candidates against many centres (float values); 2**22 is 32 MiB in float64.
_MAX_BLOCK_ENTRIES = 2**22


def _sq_dist_to_nearest(X, X_sq_norms, centres, out):
    """Squared distance of each row of ``X`` to its nearest centre, in blocks.

    (n_samples, d), (n_samples,), (n_centres, d) -> ``out`` (n_samples,).
    Never holds more than ``_MAX_BLOCK_ENTRIES`` distances at once: one
    buffer is reused for every block (``np.matmul(..., out=)``).
    """
    out.fill(np.inf)
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
            np.minimum(out[i : i + n_rows], d.min(axis=1), out=out[i : i + n_rows])
    np.maximum(out, 0.0, out=out)
    return out


def k_center_greedy(X, k, centres, random_state):
    """Greedy k-center (furthest-first traversal) of ``X`` given ``centres``.

    Each step picks the row of ``X`` furthest from its nearest centre (the
    rows in ``centres`` and the rows picked so far), the 2-approximation of
    the k-center problem that Core-Set (Sener & Savarese, 2018) and DAMI
    (Algorithm 1, line 7) run.

    One running vector of squared distances to the nearest centre is kept and
    updated in place after each pick (``np.minimum(..., out=)``); the initial
    distances to ``centres`` are computed in blocks of at most ``2**22``
    entries. No ``(n_samples, n_centres)`` or ``(n_samples, n_samples)``
    matrix is formed. Distances are ``‖x‖² + ‖c‖² − 2 x·c`` in the dtype of
    ``X``, clipped at 0. Ties go to the lowest row index.

    Prior validation of data is assumed.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The candidates.
    k : int
        Number of rows to pick, ``1 <= k <= n_samples``.
    centres : ndarray of shape (n_centres, n_features)
        Rows already covered (the labelled set); may have no rows, in which
        case the first pick is drawn uniformly at random.
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
    """
    centres = np.asarray(centres, dtype=X.dtype)
    X_sq_norms = _row_dot(X, X)
    sq_dist = np.empty(X.shape[0], dtype=X_sq_norms.dtype)
    _sq_dist_to_nearest(X, X_sq_norms, centres, out=sq_dist)
    new_dist = np.empty_like(sq_dist)
    indices = np.empty(k, dtype=np.int64)
    for t in range(k):
        if t == 0 and centres.shape[0] == 0:
            index = random_state.randint(X.shape[0])
        else:
            index = int(np.argmax(sq_dist))
        indices[t] = index
        np.matmul(X, X[index], out=new_dist)
        new_dist *= -2.0
        new_dist += X_sq_norms
        new_dist += X_sq_norms[index]
        np.maximum(new_dist, 0.0, out=new_dist)
        np.minimum(sq_dist, new_dist, out=sq_dist)
        # Mark a picked row below every distance so that it is never picked
        # again, even when all remaining rows coincide with centres.
        sq_dist[index] = -1.0
    return indices
