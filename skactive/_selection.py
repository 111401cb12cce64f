"""Selection kernels: NumPy, or any array API library, no input validation.

Every function here assumes its inputs were validated by the caller (the
learner or a strategy): finite floating arrays of the documented shapes, and
``k`` within range. Prior validation of data is assumed.

**Array types.** Each kernel takes NumPy arrays (memory maps included), and
runs the NumPy code below on them, or arrays of another library that follows
the array API standard, such as torch tensors, on which it runs in that
library's namespace and on the arrays' device (a GPU for tensors on
``cuda``), as scikit-learn's array API support does: the namespace comes
from ``array_api_compat`` (the package where installed, else the copy that
scikit-learn ships), never from importing torch here. The generic code does
one full pass over the pool per pick, where the NumPy code skips rows
exactly; both pick the same rows up to floating-point rounding (exactly so
where the arithmetic is exact, e.g. on integer-valued data). The random
draws always come from the NumPy ``random_state`` on the host, and the
returned indices are always a NumPy ``int64`` array.
"""

from functools import partial

import numpy as np

try:  # the package where installed; scikit-learn (>= 1.6) ships a copy
    import array_api_compat
except ImportError:  # pragma: no cover - depends on the environment
    from sklearn.externals import array_api_compat

__all__ = [
    "factored_sq_distances",
    "k_center_greedy",
    "kmeans_pp_factored",
    "sample_by_squared_distance",
    "top_k",
]


# ------------------------------------------------------------------ array API


def _namespace(*arrays):
    """The array namespace of the inputs, or ``None`` for the NumPy kernels.

    ``None`` unless some input is an array of an array API library other
    than NumPy (a torch tensor, say); then its namespace, through
    ``array_api_compat`` (a ``TypeError`` if the inputs mix libraries).
    """
    foreign = [
        a
        for a in arrays
        if array_api_compat.is_array_api_obj(a) and not array_api_compat.is_numpy_array(a)
    ]
    if not foreign:
        return None
    return array_api_compat.array_namespace(*arrays)


def _wide_float(xp, device):
    """``float64`` where the device has it, else ``float32`` (e.g. Apple's MPS)."""
    try:
        xp.zeros(1, dtype=xp.float64, device=device)
    except (TypeError, RuntimeError, ValueError):
        return xp.float32
    return xp.float64


def _to_host(x):
    """A NumPy copy of the array ``x`` of any namespace, on the CPU."""
    return np.asarray(array_api_compat.to_device(x, "cpu"))


def _top_k_xp(xp, utility, k, random_state):
    """top_k in the namespace ``xp``: a stable descending sort of the relabelled rows."""
    order = random_state.permutation(utility.shape[0])
    order = xp.asarray(order, device=array_api_compat.device(utility))
    ranked = xp.argsort(xp.take(utility, order, axis=0), descending=True, stable=True)[:k]
    return _to_host(xp.take(order, ranked, axis=0)).astype(np.int64, copy=False)


def _sample_by_squared_distance_xp(xp, sq_dist, random_state):
    """sample_by_squared_distance in the namespace ``xp`` (one draw on the host)."""
    cumulative = xp.cumulative_sum(sq_dist)
    total = float(cumulative[-1])
    if not total > 0:
        return -1
    u = random_state.uniform() * total
    u = xp.asarray([u], dtype=cumulative.dtype, device=array_api_compat.device(sq_dist))
    index = int(xp.searchsorted(cumulative, u, side="right")[0])
    if index >= sq_dist.shape[0]:
        index = int(xp.nonzero(sq_dist > 0)[0][-1])
    return index


def _factored_sq_distances_xp(xp, q, h, sq_norms, c):
    """factored_sq_distances in the namespace ``xp``, the same arithmetic."""
    wide = sq_norms.dtype
    out = xp.astype(q @ q[c, :], wide) * xp.astype(h @ h[c, :], wide)
    out = out * -2.0 + sq_norms + sq_norms[c]
    return xp.clip(out, min=0.0)


def _kmeans_pp_factored_xp(xp, q, h, k, random_state):
    """kmeans_pp_factored in the namespace ``xp``: one full pass per step."""
    device = array_api_compat.device(q)
    wide = _wide_float(xp, device)
    n_samples = q.shape[0]
    sq_norms = xp.astype(xp.sum(q * q, axis=1), wide) * xp.astype(xp.sum(h * h, axis=1), wide)
    chosen = np.zeros(n_samples, dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = int(xp.argmax(sq_norms))
    sq_dist = xp.full((n_samples,), xp.inf, dtype=wide, device=device)
    for t in range(1, k + 1):
        c = int(indices[t - 1])
        chosen[c] = True
        sq_dist = xp.minimum(sq_dist, _factored_sq_distances_xp(xp, q, h, sq_norms, c))
        sq_dist[c] = 0.0
        if t == k:
            break
        index = _sample_by_squared_distance_xp(xp, sq_dist, random_state)
        if index < 0 or chosen[index]:
            remaining = np.flatnonzero(~chosen)
            index = remaining[random_state.randint(remaining.shape[0])]
        indices[t] = index
    return indices


def _k_center_greedy_xp(xp, X, k, centres, random_state):
    """k_center_greedy in the namespace ``xp``: one full pass per pick."""
    device = array_api_compat.device(X)
    centres = xp.astype(centres, X.dtype)
    n_samples, n_centres = X.shape[0], centres.shape[0]
    X_sq_norms = xp.sum(X * X, axis=1)
    sq_dist = xp.full((n_samples,), xp.inf, dtype=X.dtype, device=device)
    if n_centres:
        # Blocks of at most _MAX_BLOCK_ENTRIES distances, as the NumPy kernel.
        c_sq_norms = xp.sum(centres * centres, axis=1)
        n_cols = max(1, min(n_centres, _MAX_BLOCK_ENTRIES // max(1, n_samples)))
        n_rows = max(1, min(n_samples, _MAX_BLOCK_ENTRIES // n_cols))
        for j in range(0, n_centres, n_cols):
            block_c = centres[j : j + n_cols, :]
            for i in range(0, n_samples, n_rows):
                d = X[i : i + n_rows, :] @ block_c.T
                d = d * -2.0 + X_sq_norms[i : i + n_rows, None] + c_sq_norms[None, j : j + n_cols]
                sq_dist[i : i + n_rows] = xp.minimum(sq_dist[i : i + n_rows], xp.min(d, axis=1))
        sq_dist = xp.clip(sq_dist, min=0.0)
    indices = np.empty(k, dtype=np.int64)
    for t in range(k):
        if t == 0 and n_centres == 0:
            index = random_state.randint(n_samples)
        else:
            index = int(xp.argmax(sq_dist))  # the first maximum: lowest index
        indices[t] = index
        new = (X @ X[index, :]) * -2.0 + X_sq_norms + X_sq_norms[index]
        sq_dist = xp.minimum(sq_dist, xp.clip(new, min=0.0))
        sq_dist[index] = -1.0
    return indices


# ------------------------------------------------------------------ top-k


def top_k(utility, k, random_state):
    """Indices of the ``k`` largest utilities, largest first.

    Runs in O(n_samples) time and memory (``np.partition``), never sorting
    the whole array nor building a ``(k, n_samples)`` array. Ties are broken
    uniformly at random through ``random_state`` so that equal utilities do
    not always favour the first rows of the pool; the result is therefore
    deterministic for a given seed.

    Prior validation of data is assumed.

    An array of another array API library (a torch tensor, on any device)
    is ranked in its own namespace by a stable descending sort
    (``O(n_samples log n_samples)``), with the same relabelling, hence the
    same indices.

    Parameters
    ----------
    utility : ndarray or array API array (e.g. torch tensor) of shape (n_samples,)
        One finite utility per pool row; larger is more useful.
    k : int
        Number of indices to return, ``1 <= k <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the tie-breaking order.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct row indices, sorted by decreasing utility (ties in random
        order); a NumPy array whatever the input.
    """
    xp = _namespace(utility)
    if xp is not None:
        return _top_k_xp(xp, utility, k, random_state)
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


# ------------------------------------------------------------------ pruning
#
# The greedy kernels below skip, at each pick, the rows whose nearest-centre
# distance provably cannot change (Elkan, 2003, Lemma 1: if d(a, c) >= 2 d(x, a)
# then d(x, c) >= d(x, a)). The rows that are computed must get the very bits
# a full pass over the pool would give them, so that the running minimum, and
# hence every pick, stays what it was: the dot products of the surviving rows
# are taken by the same BLAS routine (gemv) on a gathered block whose length
# is a multiple of ``_BLAS_ALIGN``, where the kernels process rows in groups,
# and the last rows of the pool (the ones a full pass hands to the routine's
# ragged-end code) are always taken by one separate call ending where a full
# pass ends. Rounding is bounded openly: each squared distance
# ``‖x‖² + ‖c‖² − 2 x·c`` computed in a dtype of unit roundoff ``u`` over
# ``m`` coordinates is within ``(m + 8) u (‖x‖ + ‖c‖)²`` of the exact one
# (Higham, 2002, §3.1, with room to spare), and the bounds below are widened
# by that much. k-center adds a second test for the rows the first keeps:
# their distance projected on a few principal directions (_ProjectionBound).

#: Rows of the pool the gathered blocks are padded to a multiple of, and the
#: minimum length of the pool's closing block: a multiple of the row-group
#: width of the gemv kernels (4 in OpenBLAS's x86 kernels, where the equality
#: with a full pass is tested; a BLAS grouping rows by another divisor of 32
#: is covered too).
_BLAS_ALIGN = 32

#: Rows of the pool examined at once (a multiple of _BLAS_ALIGN).
_CHUNK_ROWS = 8192

#: Above this share of rows to compute, a chunk is computed whole, in place,
#: rather than gathered.
_DENSE_SHARE = 0.25


def _closing_start(n_samples):
    """First row of the closing block, always computed by a call of its own."""
    n_closing = n_samples % _BLAS_ALIGN + _BLAS_ALIGN
    return n_samples - n_closing if n_samples >= n_closing + _BLAS_ALIGN else 0


def _rows_to_update(lower, nearest, reach, closing, n_samples, refine=None):
    """Yield ``(start, stop, rows)``: the rows of one chunk that may change.

    ``rows`` is ``None`` for the whole of ``start:stop``, else sorted row
    indices within it. A row may change unless its nearest centre ``a``
    satisfies ``lower[a] >= reach[row]``; with ``lower`` ``None`` every row
    may. ``refine``, if given, maps those rows to the ones a second test
    leaves. Chunks below ``closing`` hold a multiple of ``_BLAS_ALIGN``
    rows; the closing block ``closing:n_samples`` is always yielded whole.
    """
    for start in range(0, closing, _CHUNK_ROWS):
        stop = min(closing, start + _CHUNK_ROWS)
        if lower is None:
            yield start, stop, None
            continue
        may_change = lower[nearest[start:stop]] < reach[start:stop]
        n_rows = int(np.count_nonzero(may_change))
        if n_rows and refine is not None:
            rows = refine(np.flatnonzero(may_change) + start)
            n_rows = rows.shape[0]
        if n_rows > _DENSE_SHARE * (stop - start):
            yield start, stop, None
        elif n_rows:
            yield start, stop, rows if refine is not None else np.flatnonzero(may_change) + start
    yield closing, n_samples, None


#: k_center_greedy stops testing rows while a pick computes more than this
#: share of them, and tests again every _RETEST picks.
_TEST_SHARE = 0.5
_RETEST = 32

#: Principal directions the projection bound of k_center_greedy keeps.
_N_DIRECTIONS = 16


class _ProjectionBound:
    """Lower bounds on distances from their projection on a few principal directions.

    For ``P`` with orthonormal rows, ``‖P (x − c)‖ ≤ ‖x − c‖``. ``P`` holds
    the ``_N_DIRECTIONS`` leading principal directions of a fixed, evenly
    spaced sample of the rows (no randomness), so on embeddings of low
    intrinsic dimension the bound is close to the distance itself. The
    projections are stored in float32, their rounding bounded.

    (n_samples, n_features) -> projections (n_samples, _N_DIRECTIONS), float32.
    """

    def __init__(self, X, norms, s):
        n_samples, n_features = X.shape
        sample = X[np.linspace(0, n_samples - 1, min(n_samples, 2048)).astype(np.intp)]
        sample = sample.astype(np.float64)
        sample -= sample.mean(axis=0)
        directions = np.linalg.svd(sample, full_matrices=False)[2][:_N_DIRECTIONS]
        Q = np.linalg.qr(directions.T)[0]  # (n_features, m), orthonormal columns
        m = Q.shape[1]
        # Stored in float32 (one cache line a row for m = 16): rounding adds
        # at most u₃₂ ‖P x‖ ≤ u₃₂ ‖x‖ to each row's error.
        self.Z = np.empty((n_samples, m), dtype=np.float32)
        for start in range(0, n_samples, _CHUNK_ROWS):
            block = X[start : start + _CHUNK_ROWS].astype(np.float64)
            self.Z[start : start + _CHUNK_ROWS] = block @ Q
        # ‖P v‖ ≤ √(1 + ‖QᵀQ − I‖_F) ‖v‖, and each row of Z is within
        # (√m (d + 2) u₆₄ + u₃₂) ‖x‖ of its exact value, doubled here.
        gram_error = float(np.linalg.norm(Q.T @ Q - np.eye(m)))
        u64, u32 = float(np.finfo(np.float64).eps), float(np.finfo(np.float32).eps)
        self.shrink = (1.0 - 2 * (m + 2) * u32) / np.sqrt(1.0 + gram_error + 1e-15)
        self.error = 2.0 * (np.sqrt(m) * (n_features + 2) * u64 + u32) * norms
        self.s, self.norms = s, norms
        # need[x]: how far the projection of x must lie from that of a new
        # centre c, less the part that depends on c only, for the computed
        # squared distance to c to be at least the stored one D²(x). With
        # ε(x, c) = s (‖x‖ + ‖c‖)² ≤ 2s‖x‖² + 2s‖c‖²,
        # d(x, c) ≥ √(D²(x) + 2s‖x‖²) + √(2s) ‖c‖ is enough, and
        # d(x, c) ≥ shrink ‖Z_x − Z_c‖ − error_x − error_c.
        self.need = np.empty(n_samples)

    def set(self, rows, sq_dist):
        """``rows`` now lie at squared distance ``sq_dist`` from their nearest centre."""
        r = self.norms[rows] ** 2
        r *= 2.0 * self.s
        r += sq_dist
        np.sqrt(r, out=r)
        r += self.error[rows]
        r /= self.shrink
        self.need[rows] = r

    def refine(self, rows, c):
        """The ``rows`` whose computed squared distance to row ``c`` may fall below D²."""
        # In float32: the difference and the sum of squares lose at most a
        # relative (m + 2) u₃₂ of ‖diff‖², allowed for in shrink.
        diff = self.Z[rows]
        diff -= self.Z[c]
        projected = np.einsum("ij,ij->i", diff, diff)
        beta = (self.error[c] + np.sqrt(2.0 * self.s) * self.norms[c]) / self.shrink
        threshold = self.need[rows]
        threshold += beta
        np.square(threshold, out=threshold)
        return rows[projected < threshold]


class _RowDots:
    """``(A @ v)[rows]`` for chosen rows, bit for bit as a full ``A @ v`` gives.

    The rows are gathered into a block padded to a multiple of
    ``_BLAS_ALIGN`` rows, or taken in place for a whole chunk.
    """

    def __init__(self, A):
        self.A = A
        n_buffer = int(_DENSE_SHARE * _CHUNK_ROWS) + _BLAS_ALIGN
        self.rows = np.zeros(n_buffer, dtype=np.intp)
        self.buffer = np.empty((n_buffer, A.shape[1]), dtype=A.dtype)

    def __call__(self, start, stop, rows, v):
        """(A @ v)[start:stop] if ``rows`` is None, else (A @ v)[rows]."""
        if rows is None:
            return self.A[start:stop] @ v
        n_rows = rows.shape[0]
        n_padded = -(-n_rows // _BLAS_ALIGN) * _BLAS_ALIGN
        if n_padded > self.rows.shape[0]:  # only where _DENSE_SHARE was raised
            self.rows = np.zeros(n_padded, dtype=np.intp)
            self.buffer = np.empty((n_padded, self.A.shape[1]), dtype=self.A.dtype)
        self.rows[:n_rows] = rows
        self.rows[n_rows:n_padded] = rows[0]
        # mode="clip" lets np.take write straight into the buffer (the rows
        # are in range).
        block = np.take(
            self.A, self.rows[:n_padded], axis=0, out=self.buffer[:n_padded], mode="clip"
        )
        return (block @ v)[:n_rows]


def _roundoff_slack(n_dims, dtype):
    """``(n_dims + 8) u``: the relative rounding allowance of one distance."""
    return (n_dims + 8) * float(np.finfo(dtype).eps)


class _Bounds:
    """Per-row test that a new centre cannot bring a row closer (Elkan, Lemma 1).

    With ``a`` the nearest centre of ``x``, ``c`` the new one, exact distances
    ``d`` and computed squared distances within ``ε(x, y) = s (‖x‖ + ‖y‖)²``
    of the exact ones: ``u = √(D²(x) + ε(x, a)) ≥ d(x, a)``, and if
    ``d̲(a, c) − √s ‖c‖ ≥ 2u + √s ‖x‖`` (``d̲`` a lower bound on ``d``) then
    ``d(x, c) ≥ d(a, c) − d(x, a) ≥ √(u² + ε(x, c))``, so the computed squared
    distance to ``c`` is at least the stored ``D²(x)``: the running minimum
    keeps its value. ``reach[x]`` holds the right-hand side; rows that must
    never change hold ``-inf``.

    (n_samples,) squared norms -> reach (n_samples,), float64.
    """

    def __init__(self, sq_norms, s):
        self.s, self.root_s = s, np.sqrt(s)
        self.norms = np.sqrt(sq_norms.astype(np.float64))
        self.reach = np.full(sq_norms.shape[0], np.inf)

    def set(self, rows, sq_dist, centre_norms):
        """``rows`` now lie at squared distance ``sq_dist`` from centres of norms ``centre_norms``.

        Parameters: rows (index array or slice), (n_rows,), scalar or (n_rows,).
        """
        norms = self.norms[rows]
        r = norms + centre_norms
        np.square(r, out=r)
        r *= self.s
        r += sq_dist
        np.sqrt(r, out=r)
        r *= 2.0
        r += self.root_s * norms
        self.reach[rows] = r

    def thresholds(self, sq_dist_to_c, centre_sq_norms, c_sq_norm):
        """``d̲(a, c) − √s ‖c‖`` for every centre ``a``, from computed squared distances."""
        c_norm = np.sqrt(float(c_sq_norm))
        slack = np.sqrt(centre_sq_norms)
        slack += c_norm
        np.square(slack, out=slack)
        slack *= self.s
        lower = np.subtract(sq_dist_to_c, slack, out=slack)
        np.maximum(lower, 0.0, out=lower)
        np.sqrt(lower, out=lower)
        lower -= self.root_s * c_norm
        return lower


# ------------------------------------------------------------------ k-means++


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
        for start, stop, rows in _rows_to_update(lower, nearest, bounds.reach, closing, n_samples):
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


# ------------------------------------------------------------------ k-center

#: Largest number of distance entries computed at once when measuring the
#: candidates against many centres (float values); 2**22 is 32 MiB in float64.
_MAX_BLOCK_ENTRIES = 2**22


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
    centre among the labelled centres and the first ``version[x]`` picks:
    an upper bound on its distance to all centres so far, since adding
    centres only brings rows closer. The next pick is the row of largest
    ``sq_dist`` whose value is current (ties to the lowest index); a row met
    on the way with an older value is brought up to date against the picks
    it lacks (:func:`_dots_with_centres`), and the search goes on. A current
    row ahead of every other row's upper bound is the row a full pass would
    pick. The rows of the closing block (see :func:`_closing_start`) are
    brought up to date at every pick, with one call as a full pass would.
    Without labelled centres, the first (random) pick updates every row by
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
        Rows already covered (the labelled set), of the same namespace and
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
        return _k_center_greedy_xp(xp, X, k, centres, random_state)
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
        updates = _rows_to_update(lower, nearest, bounds.reach, closing, n_samples, refine)
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
