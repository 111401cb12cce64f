"""k-means++ seeding, on plain rows or on BADGE's factored gradient embeddings.

Prior validation of data is assumed: finite floating arrays of the
documented shapes and ``k`` within range. NumPy arrays run the pruned NumPy
code; arrays of another array API library run in their own namespace
(see :mod:`skactive.kernels`).
"""

import numpy as np

from . import _pruning
from ._array_api import (
    _factored_sq_distances_xp,
    _kmeans_pp_factored_xp,
    _namespace,
    _sample_by_squared_distance_xp,
)
from ._pruning import _Bounds, _closing_start, _roundoff_slack, _row_dot, _RowDots

__all__ = ["factored_sq_distances", "kmeans_pp_factored", "sample_by_squared_distance"]


def sample_by_squared_distance(sq_dist, random_state):
    """Draw one row with probability proportional to its squared distance.

    The k-means++ sampling step (Arthur & Vassilvitskii, 2007): one uniform
    draw, then a search in the cumulative sum. Rows at distance 0 (the
    centres already chosen) are never drawn.

    Prior validation of data is assumed.

    Parameters
    ----------
    sq_dist : ndarray or array API array (e.g. torch tensor) of shape (n_samples,)
        Non-negative squared distances to the nearest centre, ``float64``
        (the cumulative sum runs in the array's namespace and device).
    random_state : numpy.random.RandomState
        Source of the draw.

    Returns
    -------
    index : int
        The drawn row, or ``-1`` when every distance is 0 (nothing to prefer;
        the caller decides).
    """
    xp = _namespace(sq_dist)
    if xp is not None:
        return _sample_by_squared_distance_xp(xp, sq_dist, random_state)
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
    q : ndarray or array API array (e.g. torch tensor) of shape (n_samples, n_q)
    h : ndarray or array API array of shape (n_samples, n_h)
        Of the same namespace and device as ``q``.
    sq_norms : ndarray or array API array of shape (n_samples,), dtype float64
        ``‖q_i‖² ‖h_i‖²``, precomputed, in the namespace of ``q``.
    c : int
        Row of the centre.
    out : ndarray of shape (n_samples,), dtype float64, optional
        Where to write the result (NumPy inputs only; ignored otherwise).

    Returns
    -------
    sq_dist : array of shape (n_samples,), dtype float64
        In the namespace and on the device of ``q``.
    """
    xp = _namespace(q, h, sq_norms)
    if xp is not None:
        return _factored_sq_distances_xp(xp, q, h, sq_norms, c)
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
    costs at most ``O(n_samples · (n_q + n_h))`` and one running vector of
    squared distances to the nearest chosen centre is kept, so memory is
    ``O(n_samples · (n_q + n_h))`` in all.

    Each update skips the rows that the triangle inequality in the space of
    the ``g`` proves cannot come closer to the new centre than to their
    nearest one (``d(a, c) ≥ 2 d(x, a)``, Elkan, 2003, widened by a bound on
    rounding), and computes the rest with the same BLAS routine a full pass
    uses, so the squared distances, and hence the draws, are those of a full
    pass per step (bit for bit with single-threaded BLAS).

    The first centre is the row of largest ``‖g‖`` (as BADGE's own code
    does; the paper's Algorithm 2 draws it uniformly); each next centre is
    drawn with probability ``∝ D²``, ``D`` the distance to the nearest chosen
    centre. Chosen rows have ``D = 0`` and are never drawn again. If every
    remaining row coincides with a centre (all ``D = 0``), the next one is
    drawn uniformly from the rows not yet chosen.

    Prior validation of data is assumed.

    Arrays of another array API library (torch tensors, on a GPU or the
    CPU) run in their namespace and on their device, one full pass per step,
    the draws taken on the host from ``random_state``: the same picks up to
    floating-point rounding.

    Parameters
    ----------
    q : ndarray or array API array (e.g. torch tensor) of shape (n_samples, n_q)
        First factor (BADGE: ``p − e_ŷ``); copied once if not C-contiguous.
    h : ndarray or array API array of shape (n_samples, n_h)
        Second factor (BADGE: the penultimate embedding), of the same
        namespace and device as ``q``; copied once if not C-contiguous.
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
    .. [3] C. Elkan, "Using the Triangle Inequality to Accelerate k-Means",
       ICML 2003, Lemma 1.
    """
    xp = _namespace(q, h)
    if xp is not None:
        return _kmeans_pp_factored_xp(xp, q, h, k, random_state)
    q, h = np.ascontiguousarray(q), np.ascontiguousarray(h)
    n_samples = q.shape[0]
    sq_norms = _row_dot(q, q).astype(np.float64) * _row_dot(h, h).astype(np.float64)
    chosen = np.zeros(n_samples, dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = np.argmax(sq_norms)
    sq_dist = np.full(n_samples, np.inf)
    # nearest[i]: the step whose centre is at sq_dist[i].
    nearest = np.zeros(n_samples, dtype=np.int64)

    # Rounding allowance: both dot products, then the float64 arithmetic.
    s = 2.0 * (
        _roundoff_slack(q.shape[1], q.dtype)
        + _roundoff_slack(h.shape[1], h.dtype)
        + _roundoff_slack(1, np.float64)
    )
    bounds = _Bounds(sq_norms, s)
    q_dots, h_dots = _RowDots(q), _RowDots(h)
    closing = _closing_start(n_samples)
    centre_q = np.empty((k, q.shape[1]), dtype=q.dtype)
    centre_h = np.empty((k, h.shape[1]), dtype=h.dtype)
    for t in range(1, k + 1):
        c = indices[t - 1]
        chosen[c] = True
        centre_q[t - 1], centre_h[t - 1] = q[c], h[c]
        lower = None
        if t > 1:
            # Lower bound on the exact distance from every earlier centre to c.
            cc = np.multiply(centre_q[: t - 1] @ q[c], centre_h[: t - 1] @ h[c], dtype=np.float64)
            cc *= -2.0
            cc += sq_norms[indices[: t - 1]]
            cc += sq_norms[c]
            lower = bounds.thresholds(cc, sq_norms[indices[: t - 1]], sq_norms[c])
        updates = _pruning._rows_to_update(lower, nearest, bounds.reach, closing, n_samples)
        for start, stop, rows in updates:
            part = slice(start, stop) if rows is None else rows
            # The arithmetic of factored_sq_distances, row for row.
            new = np.multiply(
                q_dots(start, stop, rows, q[c]), h_dots(start, stop, rows, h[c]), dtype=np.float64
            )
            new *= -2.0
            new += sq_norms[part]
            new += sq_norms[c]
            np.maximum(new, 0.0, out=new)
            closer = new < sq_dist[part]
            changed = np.flatnonzero(closer) + start if rows is None else rows[closer]
            sq_dist[changed] = new[closer]
            nearest[changed] = t - 1
            bounds.set(changed, sq_dist[changed], bounds.norms[c])
        sq_dist[c] = 0.0
        bounds.reach[c] = -np.inf
        if t == k:
            break
        index = sample_by_squared_distance(sq_dist, random_state)
        if index < 0 or chosen[index]:
            remaining = np.flatnonzero(~chosen)
            index = remaining[random_state.randint(remaining.shape[0])]
        indices[t] = index
    return indices
