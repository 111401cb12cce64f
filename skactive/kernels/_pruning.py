"""Exact pruning shared by the greedy kernels (k-means++ seeding, k-center).

The greedy kernels skip, at each pick, the rows whose nearest-centre
distance provably cannot change (Elkan, 2003, Lemma 1: if d(a, c) >= 2 d(x, a)
then d(x, c) >= d(x, a)). The rows that are computed must get the very bits
a full pass over the pool would give them, so that the running minimum, and
hence every pick, stays what it was: the dot products of the surviving rows
are taken by the same BLAS routine (gemv) on a gathered block whose length
is a multiple of ``_BLAS_ALIGN``, where the kernels process rows in groups,
and the last rows of the pool (the ones a full pass hands to the routine's
ragged-end code) are always taken by one separate call ending where a full
pass ends. Rounding is bounded openly: each squared distance
``‖x‖² + ‖c‖² − 2 x·c`` computed in a dtype of unit roundoff ``u`` over
``m`` coordinates is within ``(m + 8) u (‖x‖ + ‖c‖)²`` of the exact one
(Higham, 2002, §3.1, with room to spare), and the bounds below are widened
by that much. k-center adds a second test for the rows the first keeps:
their distance projected on a few principal directions (_ProjectionBound).

Prior validation of data is assumed.
"""

import numpy as np

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


def _row_dot(a, b):
    """Row-wise dot products: (n, m), (n, m) -> (n,)."""
    return np.einsum("ij,ij->i", a, b)
