"""NumPy kernels of the MC-dropout strategies: BALD, BatchBALD, DEIMOS.

Pure NumPy and SciPy, no torch, no input validation: the strategies in
:mod:`skactive.strategies` validate, ask the probe layer
(:mod:`skactive.probes`) for MC-dropout samples with masks shared across
rows, and hand them here. Prior validation of data is assumed throughout:
finite arrays of the documented shapes, probabilities in ``[0, 1]`` summing
to one over classes, sizes within range.

Notation: ``J`` MC-dropout samples (masks), ``N`` pool rows, ``C`` classes
or outputs, ``S`` rows of DEIMOS's representative sample.
"""

import numpy as np
from scipy.special import xlogy

__all__ = [
    "bald",
    "batchbald_greedy",
    "deimos_expected_improvement",
    "deimos_factor",
    "deimos_greedy",
    "expected_entropy",
    "mc_variance",
    "predictive_entropy",
]

# Float64 elements of the largest temporary BatchBALD builds at once
# (2**22 elements = 32 MiB).
_MAX_ELEMENTS = 2**22


# --------------------------------------------------------------------- BALD


def predictive_entropy(probs):
    """Entropy of the mean prediction, ``H[(1/J) sum_j p_j]``.

    Prior validation of data is assumed.

    Parameters
    ----------
    probs : ndarray of shape (J, N, C)
        Class probabilities of ``J`` MC-dropout passes.

    Returns
    -------
    entropy : ndarray of shape (N,), float64
    """
    mean = probs.mean(axis=0, dtype=np.float64)
    return -xlogy(mean, mean).sum(axis=1)


def expected_entropy(probs):
    """Mean entropy of the individual passes, ``(1/J) sum_j H[p_j]``.

    Prior validation of data is assumed.

    Parameters
    ----------
    probs : ndarray of shape (J, N, C)

    Returns
    -------
    entropy : ndarray of shape (N,), float64
    """
    probs = probs.astype(np.float64, copy=False)
    return -xlogy(probs, probs).sum(axis=2).mean(axis=0)


def bald(probs):
    """BALD: mutual information between a row's label and the parameters.

    ``I[y; w | x] = H[E_w p(y | x, w)] - E_w H[p(y | x, w)]`` estimated from
    ``J`` MC-dropout samples (Houlsby et al., 2011; Gal et al., 2017, §3),
    with ``xlogy`` so that ``0 log 0 = 0``. The value lies in ``[0, ln C]``.

    Prior validation of data is assumed.

    Parameters
    ----------
    probs : ndarray of shape (J, N, C)
        Class probabilities of ``J`` MC-dropout passes.

    Returns
    -------
    mutual_information : ndarray of shape (N,), float64
    """
    mi = predictive_entropy(probs) - expected_entropy(probs)
    # Jensen's inequality makes it non-negative; rounding can leave -1e-17.
    return np.maximum(mi, 0.0)


def mc_variance(samples):
    """Predictive variance over MC samples, summed over outputs.

    The DEIMOS paper's "maximum variance" baseline (§5.2): for a regressor
    the variance of the output (summed over targets), for a classifier the
    variance of the class probabilities summed over classes. The population
    variance (``ddof=0``) over the ``J`` passes.

    Prior validation of data is assumed.

    Parameters
    ----------
    samples : ndarray of shape (J, N, C)

    Returns
    -------
    variance : ndarray of shape (N,), float64
    """
    return samples.astype(np.float64, copy=False).var(axis=0).sum(axis=1)


# ---------------------------------------------------------------- BatchBALD


def _joint_entropy_exact(joint, probs, rows, out):
    """Exact entropy of (batch labels, candidate label) for each candidate.

    ``joint[j, k] = prod_i p_j(y_i = config_k)`` over the batch; for
    candidate ``x``, ``P(config_k, y) = (1/J) sum_j joint[j, k] p_j(y | x)``.

    joint : (J, K); probs : (J, N, C); rows : (m,) candidates; out : (m,).
    """
    n_mc, n_configs = joint.shape
    n_classes = probs.shape[2]
    step = max(1, _MAX_ELEMENTS // (n_configs * n_classes))
    for start in range(0, rows.shape[0], step):
        chunk = rows[start : start + step]
        p = probs[:, chunk, :].astype(np.float64).reshape(n_mc, -1)  # (J, m * C)
        table = (joint.T @ p) / n_mc  # (K, m * C)
        out[start : start + chunk.shape[0]] = (
            -xlogy(table, table).reshape(n_configs, chunk.shape[0], n_classes).sum(axis=(0, 2))
        )


def _joint_entropy_sampled(joint, log_scale, probs, rows, out):
    """Importance-sampled entropy of (batch labels, candidate label).

    ``M`` batch configurations ``c_m`` were drawn from ``P(y_batch)`` and
    ``joint[j, m] = prod_i p_j(c_m,i) / s_m`` is stored divided by a
    per-configuration scale ``s_m = exp(log_scale[m])`` against underflow.
    The estimate (Kirsch et al., 2019, §3.3) is

    ``H ≈ -(1/M) sum_m sum_y P(c_m, y) / P(c_m) log P(c_m, y)``,

    in which the ratio does not depend on ``s_m`` and
    ``log P(c_m, y) = log(P(c_m, y) / s_m) + log s_m``.

    joint : (J, M); log_scale : (M,); probs : (J, N, C); rows : (m,);
    out : (m,).
    """
    n_mc, n_configs = joint.shape
    n_classes = probs.shape[2]
    marginal = joint.mean(axis=0)  # (M,) = P(c_m) / s_m
    step = max(1, _MAX_ELEMENTS // (n_configs * n_classes))
    for start in range(0, rows.shape[0], step):
        chunk = rows[start : start + step]
        p = probs[:, chunk, :].astype(np.float64).reshape(n_mc, -1)
        table = ((joint.T @ p) / n_mc).reshape(n_configs, chunk.shape[0], n_classes)
        ratio = table / marginal[:, None, None]  # P(y | c_m): sums to 1 over y
        # sum_y ratio * log(table) + log s_m * sum_y ratio, averaged over m.
        term = (xlogy(ratio, table).sum(axis=2) + log_scale[:, None]).mean(axis=0)
        out[start : start + chunk.shape[0]] = -term


def batchbald_greedy(probs, n, *, n_configurations, random_state):
    """Greedy BatchBALD batch (Kirsch et al., 2019, Algorithm 1).

    Step ``k`` adds the row ``x`` maximising the joint mutual information
    ``I[y_1, ..., y_{k-1}, y_x; w] = H[y_1, ..., y_{k-1}, y_x]
    - sum_i E_w H[y_i | w]`` of the batch so far and ``x``. The joint
    entropy is computed exactly, over all ``C**(k-1)`` label configurations
    of the batch, while there are at most ``n_configurations`` of them, and
    estimated from ``n_configurations`` configurations sampled from the
    joint predictive beyond (§3.3). Samples are extended by one label per
    step (ancestrally: each keeps its MC sample ``j``), as in the paper.

    Memory: the ``(J, K)`` configuration table (``K <= n_configurations``)
    and chunks of at most ``2**22`` float64 elements; never an
    ``(N, K, C)`` array at once. Time per step ``O(N K C J)``.

    The first step's scores are :func:`bald`'s, so a batch of one is the
    BALD choice (first maximum on ties).

    Prior validation of data is assumed.

    Parameters
    ----------
    probs : ndarray of shape (J, N, C)
        Class probabilities of ``J`` MC-dropout passes with masks shared
        across rows.
    n : int
        Batch size, ``1 <= n <= N``.
    n_configurations : int
        Number ``K`` of label configurations: the exact/sampled threshold and
        the number of samples.
    random_state : numpy.random.RandomState
        Source of the sampled configurations.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Chosen rows, in selection order.
    joint_mi : ndarray of shape (n,), float64
        Estimated ``I[y_1, ..., y_k; w]`` of the first ``k`` chosen rows.
    """
    n_mc, n_rows, n_classes = probs.shape
    conditional = expected_entropy(probs)  # (N,)
    indices = np.empty(n, dtype=np.int64)
    joint_mi = np.empty(n, dtype=np.float64)
    available = np.ones(n_rows, dtype=bool)

    scores = bald(probs)
    first = int(np.argmax(scores))
    indices[0], joint_mi[0] = first, scores[first]
    available[first] = False
    conditional_sum = conditional[first]

    # Exact configuration table of the batch: (J, C**k).
    joint = probs[:, first, :].astype(np.float64)
    sampled = False
    log_scale = None
    mc_of_sample = None
    entropy = np.empty(n_rows, dtype=np.float64)

    for k in range(1, n):
        rows = np.flatnonzero(available)
        if sampled:
            _joint_entropy_sampled(joint, log_scale, probs, rows, entropy[: rows.shape[0]])
        else:
            _joint_entropy_exact(joint, probs, rows, entropy[: rows.shape[0]])
        scores = entropy[: rows.shape[0]] - conditional[rows] - conditional_sum
        best = int(np.argmax(scores))
        chosen = rows[best]
        indices[k], joint_mi[k] = chosen, scores[best]
        available[chosen] = False
        conditional_sum += conditional[chosen]
        if k == n - 1:
            break

        p_new = probs[:, chosen, :].astype(np.float64)  # (J, C)
        if not sampled and joint.shape[1] * n_classes <= n_configurations:
            joint = (joint[:, :, None] * p_new[:, None, :]).reshape(n_mc, -1)
            continue
        if not sampled:
            # Switch to sampling: draw each configuration ancestrally from
            # the mixture over MC samples, for the whole batch so far.
            sampled = True
            mc_of_sample = random_state.randint(n_mc, size=n_configurations)
            joint = np.ones((n_mc, n_configurations))
            log_scale = np.zeros(n_configurations)
            batch = indices[: k + 1]
        else:
            batch = indices[k : k + 1]
        for row in batch:
            p_row = probs[:, row, :].astype(np.float64)  # (J, C)
            cumulative = np.cumsum(p_row[mc_of_sample], axis=1)  # (M, C)
            u = random_state.uniform(size=(n_configurations, 1)) * cumulative[:, -1:]
            # Rounding can put u at the top: clip to a valid class.
            labels = np.minimum((cumulative < u).sum(axis=1), n_classes - 1)
            joint *= p_row[:, labels]  # (J, M)
            # Renormalise each configuration's column against underflow.
            scale = joint.max(axis=0)
            # A column can only vanish by underflow of every factor.
            scale = np.where(scale > 0, scale, 1.0)
            joint /= scale
            log_scale += np.log(scale)
    return indices, joint_mi


# ------------------------------------------------------------------- DEIMOS


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

    The ``(S C) × (S C)`` matrix is never formed: a step costs
    ``O(S C J²)`` time and the memory is ``O(S C J)``.

    Prior validation of data is assumed; exactly one of ``noise`` and
    ``smoothing`` is positive, or ``V`` must be positive definite.

    Parameters
    ----------
    factor : ndarray of shape (S, C, J)
        Low-rank factor of the dropout covariance (:func:`deimos_factor`).
    candidates : ndarray of shape (n_candidates,), dtype int
        Rows of the sample that may be chosen (the unlabelled ones).
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
    gram = flat.T @ flat  # Bᵀ W B over the rows still in the trace, (J, J)
    available = np.zeros(n_rows, dtype=bool)
    available[candidates] = True
    indices = np.empty(n, dtype=np.int64)
    gains = np.empty(n, dtype=np.float64)
    for k in range(n):
        rows = np.flatnonzero(available)
        scores, f, system = _deimos_step(factor, rows, core, gram, noise, smoothing)
        best = int(np.argmax(scores))
        chosen = rows[best]
        indices[k], gains[k] = chosen, scores[best]
        available[chosen] = False
        # Core update with the chosen row's B_n G and its C × C system.
        f_n = f[best]  # (C, J)
        core -= f_n.T @ np.linalg.solve(system[best], f_n)
        core = 0.5 * (core + core.T)
        if noise:
            # The chosen row's outputs are known: they leave the trace.
            gram -= factor[chosen].T @ factor[chosen]
    return indices, gains


def _deimos_step(factor, rows, core, gram, noise, smoothing):
    """Expected improvement of each row of ``rows`` under the current core.

    factor : (S, C, J); rows : (m,); core, gram : (J, J).
    Returns scores (m,), ``B_i G`` (m, C, J) and the systems
    ``V_ii + smoothing I`` (m, C, C).
    """
    n_out, n_mc = factor.shape[1:]
    m = rows.shape[0]
    b = factor[rows]  # (m, C, J)
    # Two (m C) × J by J × J products: one BLAS call each.
    f = (b.reshape(-1, n_mc) @ core).reshape(m, n_out, n_mc)  # B_i G
    h = (f.reshape(-1, n_mc) @ gram).reshape(m, n_out, n_mc)  # B_i G K
    inner = f @ b.transpose(0, 2, 1)  # B_i G B_iᵀ, (m, C, C)
    # V_iᵀ V_i = B_i G K G B_iᵀ + noise (B_i G B_iᵀ + its transpose) + noise² I
    outer = h @ f.transpose(0, 2, 1)
    eye = np.eye(n_out)
    if noise:
        outer += noise * (inner + inner.transpose(0, 2, 1)) + noise**2 * eye
    system = inner + (noise + smoothing) * eye
    if n_out == 1:
        scores = outer[:, 0, 0] / system[:, 0, 0]
    else:
        scores = np.trace(np.linalg.solve(system, outer), axis1=1, axis2=2)
    return scores, f, system


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
    n_mc = factor.shape[2]
    flat = factor.reshape(-1, n_mc)
    scores, _, _ = _deimos_step(
        factor, np.asarray(candidates), np.eye(n_mc), flat.T @ flat, noise, smoothing
    )
    return scores
