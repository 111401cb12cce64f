"""NumPy kernels of DEIMOS: the greedy expected-improvement batch in low-rank form.

Pure NumPy, no torch, no input validation: the strategy
(:class:`skactive.strategies.DEIMOS`) asks the probe layer for MC-dropout
samples with masks shared across rows and hands them here. Prior validation
of data is assumed throughout: finite arrays of the documented shapes, sizes
within range.

Notation: ``J`` MC-dropout samples (masks), ``C`` classes or outputs, ``S``
rows of DEIMOS's representative sample.
"""

import numpy as np

__all__ = ["deimos_expected_improvement", "deimos_factor", "deimos_greedy"]


def deimos_factor(samples):
    """Low-rank factor of the MC-dropout sample covariance (DEIMOS eq. 3).

    Returns ``B`` with ``Var_dropout = B Bᵀ``, where rows of ``B`` are the
    centred samples divided by ``sqrt(J - 1)`` (the unbiased sample
    covariance, as ``numpy.cov``).

    Prior validation of data is assumed.

    Parameters
    ----------
    samples : ndarray of shape (J, S, C)
        ``J`` MC-dropout passes with shared masks over ``S`` rows and ``C``
        outputs (regression) or class probabilities (classification).

    Returns
    -------
    factor : ndarray of shape (S, C, J), float64
        ``factor[s, c]`` is the centred sample vector of output ``c`` of
        row ``s``; the covariance of outputs ``(s, c)`` and ``(t, d)`` is
        ``factor[s, c] @ factor[t, d]``.
    """
    samples = samples.astype(np.float64)
    samples -= samples.mean(axis=0)
    samples /= np.sqrt(samples.shape[0] - 1)
    return np.ascontiguousarray(samples.transpose(1, 2, 0))


def deimos_greedy(factor, candidates, n, *, noise, smoothing):
    """Greedy DEIMOS batch (Algorithm 1) in the ``J``-dimensional low-rank form.

    The predictive covariance over the ``S * C`` outputs of the
    representative sample is ``V = B G Bᵀ + noise * I`` (eq. 3) with ``B``
    the :func:`deimos_factor` and ``G`` a ``J × J`` core, the identity at
    the start. Each step picks the candidate ``i`` with the largest expected
    improvement ``tr(V_i (V_ii + smoothing * I)⁻¹ V_iᵀ)`` (eqs. 5 and 6)
    and conditions ``V`` on it,
    ``V ← V - V_i (V_ii + smoothing * I)⁻¹ V_iᵀ``, which is the core update
    ``G ← G - G B_iᵀ (B_i G B_iᵀ + (noise + smoothing) I)⁻¹ B_i G``.

    * Regression uses ``noise = τ⁻¹ > 0`` and ``smoothing = 0``. Conditioning
      on row ``i`` then zeroes its row and column of ``V``, so the chosen
      rows are dropped from the trace and ``V`` keeps the form
      ``B G Bᵀ + noise * I`` on the remaining rows.
    * Classification uses ``noise = 0`` and ``smoothing = τ_s⁻¹ > 0``
      (§3.4, §4), and ``V = B G Bᵀ`` holds on every row.

    The ``(S C) × (S C)`` matrix is never formed. Each row keeps its two
    ``C × C`` blocks ``B_i G B_iᵀ`` (whose sum with ``(noise + smoothing) I``
    is the system ``V_ii + smoothing I``) and ``B_i G K G B_iᵀ`` (``K = Bᵀ
    B`` over the rows in the trace, so that ``V_iᵀ V_i = B_i G K G B_iᵀ +
    noise (B_i G B_iᵀ + its transpose) + noise² I``). The core update is
    rank ``C``, ``G ← G - Eᵀ E`` with ``E = L⁻¹ B_n G`` and ``L`` the
    Cholesky factor of the chosen row's system, so the blocks follow by
    rank-``C`` updates: per step one ``(S C) × J`` by ``J × 2C`` matrix
    product (``3C`` in regression, where the chosen row also leaves ``K``),
    two batched ``C × C`` products and the batched ``C × C`` solves of the
    scores: ``O(S C² J)`` time instead of the ``O(S C J²)`` of forming
    ``B_i G`` anew, and ``O(S C J)`` memory.

    Prior validation of data is assumed; exactly one of ``noise`` and
    ``smoothing`` is positive, or ``V`` must be positive definite.

    Parameters
    ----------
    factor : ndarray of shape (S, C, J)
        Low-rank factor of the dropout covariance (:func:`deimos_factor`).
    candidates : ndarray of shape (n_candidates,), dtype int
        Rows of the sample that may be chosen (the unlabeled ones).
    n : int
        Batch size, ``1 <= n <= n_candidates``.
    noise : float
        ``τ⁻¹`` added to the diagonal of ``V`` (regression), else 0.
    smoothing : float
        ``τ_s⁻¹`` added to ``V_ii`` before inversion (classification), else 0.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Chosen rows of the sample (values from ``candidates``), in order.
    gains : ndarray of shape (n,), float64
        The expected improvement (trace reduction) of each pick when chosen.
    """
    n_rows, n_out, n_mc = factor.shape
    flat = factor.reshape(n_rows * n_out, n_mc)
    core = np.eye(n_mc)
    gram = flat.T @ flat  # K = Bᵀ W B over the rows still in the trace, (J, J)
    # Per-row C × C blocks for every row of the sample, kept up to date by
    # low-rank updates: inner_i = B_i G B_iᵀ and quad_i = B_i G K G B_iᵀ.
    inner = _row_blocks(flat, flat, n_out)
    quad = _row_blocks(flat @ gram, flat, n_out)
    available = np.zeros(n_rows, dtype=bool)
    available[candidates] = True
    indices = np.empty(n, dtype=np.int64)
    gains = np.empty(n, dtype=np.float64)
    for k in range(n):
        scores, system = _deimos_scores(inner, quad, noise, smoothing)
        scores[~available] = -np.inf
        chosen = int(np.argmax(scores))
        indices[k], gains[k] = chosen, scores[chosen]
        available[chosen] = False
        if k == n - 1:
            break
        # Condition on the chosen row: G' = G - Eᵀ E with E = L⁻¹ B_n G and
        # L the Cholesky factor of its C × C system.
        b_n = factor[chosen]  # (C, J)
        f_n = b_n @ core  # B_n G
        e = np.linalg.solve(np.linalg.cholesky(system[chosen]), f_n)  # (C, J)
        # B_i G' K G' B_iᵀ = quad_i - A_i M_iᵀ - M_i A_iᵀ + A_i R A_iᵀ with
        # A = B Eᵀ, M = B G K Eᵀ and R = E K Eᵀ: one (S C) × J by J × 2C
        # (3C in regression) product, then C × C blocks.
        right = [e.T, core @ (gram @ e.T)]
        core -= e.T @ e
        core = 0.5 * (core + core.T)
        if noise:
            # The chosen row's outputs are known: they leave the trace, and
            # K' = K - B_nᵀ B_n subtracts (B_i G' B_nᵀ)(B_i G' B_nᵀ)ᵀ.
            right.append(core @ b_n.T)
        products = (flat @ np.hstack(right)).reshape(n_rows, n_out, len(right), n_out)
        a, m = products[:, :, 0], products[:, :, 1]
        r = e @ gram @ e.T
        inner -= a @ a.transpose(0, 2, 1)
        # A R Aᵀ - A Mᵀ - M Aᵀ = -(A Nᵀ + N Aᵀ) with N = M - A R / 2.
        cross = a @ (m - 0.5 * (a @ r)).transpose(0, 2, 1)
        quad -= cross + cross.transpose(0, 2, 1)
        if noise:
            x = products[:, :, 2]
            quad -= x @ x.transpose(0, 2, 1)
            gram -= b_n.T @ b_n
    return indices, gains


def _row_blocks(left, right, n_out):
    """``out[i] = left_i right_iᵀ`` for the ``C``-row blocks of two ``(S C, J)`` matrices."""
    n_rows = left.shape[0] // n_out
    left = left.reshape(n_rows, n_out, -1)
    return left @ right.reshape(n_rows, n_out, -1).transpose(0, 2, 1)


def _deimos_scores(inner, quad, noise, smoothing):
    """Expected improvement of every row from its blocks (eqs. 5 and 6).

    ``V_iᵀ V_i = B_i G K G B_iᵀ + noise (B_i G B_iᵀ + its transpose) +
    noise² I`` and the system ``V_ii + smoothing I = B_i G B_iᵀ + (noise +
    smoothing) I``. Returns scores (S,) and systems (S, C, C).
    """
    n_out = inner.shape[1]
    eye = np.eye(n_out)
    outer = quad
    if noise:
        outer = quad + noise * (inner + inner.transpose(0, 2, 1)) + noise**2 * eye
    system = inner + (noise + smoothing) * eye
    if n_out == 1:
        return outer[:, 0, 0] / system[:, 0, 0], system
    return np.trace(np.linalg.solve(system, outer), axis1=1, axis2=2), system


def deimos_expected_improvement(factor, candidates, *, noise, smoothing):
    """DEIMOS expected improvement of single candidates (eqs. 5 and 6).

    ``tr(V_i (V_ii + smoothing I)⁻¹ V_iᵀ)`` for each candidate ``i``: the
    first step of :func:`deimos_greedy`, whose docstring gives the
    parameters.

    Prior validation of data is assumed.

    Returns
    -------
    gains : ndarray of shape (n_candidates,), float64
    """
    n_out, n_mc = factor.shape[1:]
    candidates = np.asarray(candidates)
    flat = factor.reshape(-1, n_mc)
    rows = factor[candidates].reshape(-1, n_mc)  # (n_candidates C, J)
    inner = _row_blocks(rows, rows, n_out)
    quad = _row_blocks(rows @ (flat.T @ flat), rows, n_out)
    return _deimos_scores(inner, quad, noise, smoothing)[0]
