"""NumPy kernels of the MC-dropout strategies: BALD and BatchBALD.

Pure NumPy and SciPy, no torch, no input validation: the strategies in
:mod:`skactive.strategies` validate, ask the probe layer
(:mod:`skactive.probes`) for MC-dropout samples with masks shared across
rows, and hand them here. Prior validation of data is assumed throughout:
finite arrays of the documented shapes, probabilities in ``[0, 1]`` summing
to one over classes, sizes within range.

Notation: ``J`` MC-dropout samples (masks), ``N`` pool rows, ``C`` classes
or outputs.

This module is longer than the others (some 530 lines): the BatchBALD
greedy step, its lazy search, its sampled configurations and the estimator
the benchmark checks it against are one algorithm and share their private
helpers and constants.
"""

from functools import partial

import numpy as np
from scipy.special import xlogy

__all__ = [
    "bald",
    "batch_mutual_information",
    "batchbald_greedy",
    "expected_entropy",
    "mc_variance",
    "predictive_entropy",
]

# Elements of the largest temporary BatchBALD builds at once: 2**16 (512 KiB
# in float64) keeps a chunk's table and its logs in cache between the
# matrix product, the log and the multiply.
_CHUNK_ELEMENTS = 2**16

# Added to every entry of BatchBALD's probability tables (see _plogp_sums):
# far below any probability that moves an entropy, and far above underflow.
_TINY = {np.dtype(np.float64): 1e-300, np.dtype(np.float32): 1e-30}

# Relative gap below which two BatchBALD scores are a tie (see _first_max).
_TIE_TOLERANCE = 1e-10

# Rows BatchBALD's lazy greedy step scores first (then twice as many, and so on).
_LAZY_BLOCK = 256


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


def _first_max(scores):
    """Index of the first score within ``_TIE_TOLERANCE`` of the maximum.

    Scores that differ by less than the rounding of the products that
    computed them are ties; resolving them to the first row makes the pick
    independent of how BLAS ordered its sums.
    """
    best = scores.max()
    return int(np.flatnonzero(scores >= best - _TIE_TOLERANCE * (1.0 + abs(best)))[0])


def _plogp_sums(joint, flat, rows, weights, n_classes, out):
    """``out[i] = sum_k weights[k] sum_y T[k, i, y] log T[k, i, y]`` for ``rows[i]``.

    ``T = joint.T @ flat[:, columns of rows]`` is the (unnormalised) table of
    (configuration, label of the row) probabilities. ``flat`` is the
    ``(J + 1, N C)`` matrix of :func:`_flat_probs` whose last row is ones and
    ``joint`` has a last row of ``_TINY[dtype]``: the product then adds that
    tiny constant to every entry, so ``log`` is finite where a probability is
    0 and ``0 log 0 = 0`` costs no extra pass. Per chunk of rows: one matrix
    product, one ``log``, one multiply and one matrix-vector product, in
    buffers of at most ``_CHUNK_ELEMENTS`` elements that stay in cache.

    joint : (J + 1, K); flat : (J + 1, N * C); rows : (m,); weights : (K,);
    out : (m,).
    """
    n_configs = joint.shape[1]
    step = max(1, _CHUNK_ELEMENTS // (n_configs * n_classes))
    step = min(step, rows.shape[0])
    table_buffer = np.empty(n_configs * step * n_classes, dtype=flat.dtype)
    log_buffer = np.empty_like(table_buffer)
    joint_t = joint.T  # (K, J + 1)
    classes = np.arange(n_classes)
    for start in range(0, rows.shape[0], step):
        chunk = rows[start : start + step]
        width = chunk.shape[0] * n_classes
        table = table_buffer[: n_configs * width].reshape(n_configs, width)
        logs = log_buffer[: n_configs * width].reshape(n_configs, width)
        columns = (chunk[:, None] * n_classes + classes).ravel()
        np.matmul(joint_t, flat[:, columns], out=table)
        np.log(table, out=logs)
        np.multiply(table, logs, out=logs)
        out[start : start + chunk.shape[0]] = (
            (weights @ logs).reshape(-1, n_classes).sum(axis=1, dtype=np.float64)
        )


def _step_scores(rows, *, joint, flat, weights, sign, base):
    """BatchBALD scores of ``rows``: ``sign * plogp + base[rows]`` (see :func:`_plogp_sums`)."""
    n_classes = flat.shape[1] // base.shape[0]
    plogp = np.empty(rows.shape[0])
    _plogp_sums(joint, flat, rows, weights, n_classes, plogp)
    return sign * plogp + base[rows]


def _lazy_argmax(score, bound, current, *, lazy):
    """Greedy step over the rows with a finite ``bound``, evaluating as few as needed.

    ``score(rows)`` gives the joint MI of the batch with each of ``rows``;
    ``bound[x]`` bounds row ``x``'s gain over ``current``, the batch's joint
    MI. Rows are scored in blocks in decreasing order of their bound (lazy
    greedy, Minoux 1978): once the best score found is above every
    remaining ``current + bound`` by more than twice the tie tolerance, no
    remaining row can win or tie. ``bound`` is updated in place with the new
    gains. With ``lazy=False`` every row is scored.

    Returns the chosen row (ties as :func:`_first_max`) and its score.
    """
    candidates = np.flatnonzero(np.isfinite(bound))
    if lazy:
        order = candidates[np.argsort(-bound[candidates], kind="stable")]
    else:
        order = candidates
    scored = np.empty(0, dtype=np.int64)
    scores = np.empty(0)
    start, block = 0, _LAZY_BLOCK
    while start < order.shape[0]:
        rows = order[start : start + block] if lazy else order
        new = score(rows)
        bound[rows] = new - current
        scored = np.concatenate([scored, rows])
        scores = np.concatenate([scores, new])
        start += rows.shape[0]
        block *= 2
        best = scores.max()
        margin = 2 * _TIE_TOLERANCE * (1.0 + abs(best))
        if start >= order.shape[0] or current + bound[order[start]] < best - margin:
            break
    # First row, by index, among the scores tied with the maximum.
    by_index = np.argsort(scored, kind="stable")
    i = _first_max(scores[by_index])
    return int(scored[by_index][i]), float(scores[by_index][i])


def _flat_probs(probs, dtype):
    """``(J + 1, N C)`` matrix: ``probs`` flattened over rows and classes, then a row of ones."""
    n_mc, n_rows, n_classes = probs.shape
    flat = np.empty((n_mc + 1, n_rows * n_classes), dtype=dtype)
    flat[:n_mc] = probs.reshape(n_mc, -1)
    flat[n_mc] = 1.0
    return flat


def _with_tiny_row(joint, dtype):
    """``joint`` (J, K) in ``dtype`` with a last row of ``_TINY[dtype]``.

    See :func:`_plogp_sums`.
    """
    out = np.empty((joint.shape[0] + 1, joint.shape[1]), dtype=dtype)
    out[:-1] = joint
    out[-1] = _TINY[np.dtype(dtype)]
    return out


def _strata(n_mc, n_samples, random_state):
    """MC sample ``j_m`` of each sampled configuration and its weight ``w_m``.

    ``j_m = m mod J`` with ``w_m = 1 / (J n_{j_m})`` (``n_j`` configurations
    drawn from sample ``j``): every MC sample weighs ``1 / J``. With fewer
    configurations than MC samples, ``M`` distinct samples drawn at random,
    each weighing ``1 / M``. Both are unbiased; the weights sum to 1.
    """
    if n_samples < n_mc:
        return random_state.permutation(n_mc)[:n_samples], np.full(n_samples, 1.0 / n_samples)
    mc_of_sample = np.arange(n_samples) % n_mc
    per_sample = np.bincount(mc_of_sample, minlength=n_mc)
    return mc_of_sample, 1.0 / (n_mc * per_sample[mc_of_sample])


def batchbald_greedy(probs, n, *, n_configurations, random_state, lazy=True):
    """Greedy BatchBALD batch (Kirsch et al., 2019, Algorithm 1 and §3.3).

    Step ``k`` adds the row ``x`` maximising the joint mutual information
    ``I[y_1, ..., y_{k-1}, y_x; w] = H[y_1, ..., y_{k-1}, y_x]
    - sum_i E_w H[y_i | w]`` of the batch so far and ``x``, the ``J``
    MC-dropout samples standing for the posterior over ``w``.

    * **Exact** while the batch has at most ``n_configurations`` label
      configurations (``C**(k-1)``): the ``(J, C**(k-1))`` table ``joint[j, c]
      = prod_i p_j(y_i = c_i)`` gives ``P(c, y_x) = (1/J) sum_j joint[j, c]
      p_j(y_x)`` for every candidate at once, in float64.
    * **Sampled** beyond (§3.3): ``M = n_configurations`` configurations
      ``c_m`` of the batch are drawn from the joint predictive and the joint
      entropy is the paper's importance-weighted estimate
      ``H ≈ -sum_m w_m sum_y P(c_m, y) / P(c_m) log P(c_m, y)``. The paper
      leaves open how the configurations are drawn; here they are
      *stratified* over the MC samples: configuration ``m`` is drawn from
      MC sample ``j_m = m mod J`` (each label from ``p_{j_m}``, extended by
      one label per step, as the paper's ancestral sampling), and
      ``w_m = 1 / (J n_{j_m})`` with ``n_j`` the configurations of sample
      ``j`` (with ``M < J``, ``M`` distinct samples at random and ``w_m =
      1 / M``). Each configuration is still a draw from the mixture
      ``P(c) = (1/J) sum_j prod_i p_j(c_i)`` and the estimate stays
      unbiased, but its largest source of noise, which MC sample each
      configuration came from, is gone: once the batch identifies ``w``,
      configuration ``m``'s term is, beyond the ``-log P(c_m)`` common to
      all candidates, ``H[p_{j_m}(y_x)]``, and the ``w_m`` average it to
      ``E_w H[y_x | w]`` exactly, so the scores' noise is only that of the
      information still to gain. The candidate's own ``E_w H[y_x | w]`` is
      likewise taken over the same configurations, as ``sum_m w_m sum_j
      π_j(c_m) H[p_j(y_x)]`` with ``π(c_m)`` the posterior over MC samples
      given ``c_m``. The paper subtracts the exact value; this average has
      the same expectation and shares the joint entropy's sampling noise:
      each configuration then adds the conditional mutual information
      ``I[y_x; w | c_m] >= 0``, and a configuration drawn from one MC sample
      that looks like another's no longer adds the difference of their
      entropies as noise. With i.i.d. draws and the exact conditional term
      (the previous version) the noise grew with the batch until, at
      ``n = 50``, the greedy batch informed less than top-``n`` BALD's; now
      it informs more (``benchmarks/bench_deimos_batchbald.py``). This
      estimate runs in float32 (its Monte-Carlo error is far above float32
      rounding), the exact one in float64. The sampled ``joint_mi`` values
      carry that error and the optimism of taking the best of many noisy
      scores; judge a batch with :func:`batch_mutual_information`.

    Each scoring pass goes over rows in chunks: a ``(K, J + 1) @ (J + 1,
    m C)`` matrix product, a ``log``, a multiply and a matrix-vector
    product per chunk (:func:`_plogp_sums`), ``O(K C J)`` time per row and
    chunks of at most ``2**16`` elements; never an ``(N, K, C)`` array.
    Memory: ``(J + 1, N C)`` copies of ``probs`` (float64, and float32 once
    sampling starts), ``(J, N)`` row sums and per-sample entropies and the
    ``(J, K)`` configuration table: 50 MiB at ``N = 10,000``, ``J = 20``,
    ``C = 10``.

    **Lazy greedy** (Minoux, 1978). The joint mutual information is
    submodular (Kirsch et al., 2019, §3, proof in its appendix): a row's gain over
    the batch only shrinks as the batch grows. Each row keeps its last
    computed gain as a bound; a step scores rows in blocks of decreasing
    bound and stops once the best score beats every remaining bound, so
    most rows are scored only in the first steps. On the exact path this
    picks what scoring every row picks. The sampled estimate is
    submodular only in expectation, so there the bounds can, rarely, skip
    a row whose estimate grew by noise; ``lazy=False`` scores every row.

    The first step's scores are :func:`bald`'s, so a batch of one is the
    BALD choice. Scores within ``1e-10`` (relative) of the step's maximum
    count as ties and go to the first row, so that the picks do not depend
    on the rounding of the BLAS.

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
        the number of sampled configurations.
    random_state : numpy.random.RandomState
        Source of the sampled configurations.
    lazy : bool, default=True
        Score only the rows whose bound can still win (see above).

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

    scores = bald(probs)
    first = _first_max(scores)
    indices[0], joint_mi[0] = first, scores[first]
    conditional_sum = conditional[first]
    if n == 1:
        return indices, joint_mi

    flat = _flat_probs(probs, np.float64)  # (J + 1, N C)
    entropies = None  # H[p_j(y_x)], (J, N), once sampling starts
    # sum_y p_j(y | x), for the exact total mass of each table column.
    row_sums = probs.sum(axis=2, dtype=np.float64)  # (J, N)
    # Exact configuration table of the batch: (J, C**k).
    joint = probs[:, first, :].astype(np.float64)
    sampled = False
    mc_of_sample = weights = log_scale = None  # set when sampling starts
    log_j = np.log(n_mc)

    # Upper bounds on each row's gain I[batch, y_x; w] - I[batch; w]: its
    # last computed gain (submodularity: gains only shrink as the batch grows).
    bound = scores.copy()
    bound[first] = -np.inf
    for k in range(1, n):
        # score(x) = sign * plogp(x) + base[x]: plogp from _plogp_sums, base
        # the rest of the joint entropy minus the conditional entropies.
        if sampled:
            # H ≈ -sum_m w_m / T_m sum_y T log T - sum_m w_m (log s_m - log J),
            # with T = joint.T @ p = J P(c_m, y) / s_m and T_m = J P(c_m) / s_m.
            # The candidate's E_w H[y_x | w] is taken over the same
            # configurations' posteriors, sum_m w_m sum_j π_j(c_m) H[p_j(y_x)]
            # with π(c_m) = joint[:, m] / T_m: as unbiased as its exact value,
            # and it shares the estimate's sampling noise.
            dtype, sign = np.float32, -1.0
            step_weights = weights / joint.sum(axis=0)  # w_m / T_m
            posterior_weights = joint @ step_weights  # sum_m w_m π(c_m), (J,)
            step_weights = step_weights.astype(np.float32)
            base = -(weights @ (log_scale - log_j)) + conditional - posterior_weights @ entropies
        else:
            # H = -sum (T / J) log(T / J) = -(1/J) sum T log T + (log J / J) sum T,
            # sum T exact from the row sums of the probabilities.
            dtype, sign = np.float64, 1.0
            step_weights = np.full(joint.shape[1], -1.0 / n_mc)
            base = (log_j / n_mc) * (joint.sum(axis=1) @ row_sums)
        base -= conditional + conditional_sum
        score = partial(
            _step_scores,
            joint=_with_tiny_row(joint, dtype),
            flat=flat,
            weights=step_weights,
            sign=sign,
            base=base,
        )
        chosen, best = _lazy_argmax(score, bound, joint_mi[k - 1], lazy=lazy)
        indices[k], joint_mi[k] = chosen, best
        bound[chosen] = -np.inf
        conditional_sum += conditional[chosen]
        if k == n - 1:
            break

        p_new = probs[:, chosen, :].astype(np.float64)  # (J, C)
        if not sampled and joint.shape[1] * n_classes <= n_configurations:
            joint = (joint[:, :, None] * p_new[:, None, :]).reshape(n_mc, -1)
            continue
        if not sampled:
            # Switch to sampling: draw each configuration ancestrally from
            # its MC sample, for the whole batch so far.
            sampled = True
            mc_of_sample, weights = _strata(n_mc, n_configurations, random_state)
            p64 = probs.astype(np.float64)
            entropies = -xlogy(p64, p64).sum(axis=2)
            del p64
            joint = np.ones((n_mc, n_configurations))
            log_scale = np.zeros(n_configurations)
            flat = flat.astype(np.float32)
            batch = indices[: k + 1]
        else:
            batch = indices[k : k + 1]
        for row in batch:
            _extend_sampled_configurations(
                joint, log_scale, probs[:, row, :], mc_of_sample, random_state
            )
    return indices, joint_mi


def _extend_sampled_configurations(joint, log_scale, p_row, mc_of_sample, random_state):
    """Add one row's sampled label to every configuration, in place.

    Configuration ``m`` draws its label from MC sample ``mc_of_sample[m]``'s
    predictive distribution; each column of ``joint`` is then renormalised
    against underflow, the scale kept in ``log_scale``.

    Parameters
    ----------
    joint : ndarray of shape (n_mc, n_configurations), float64
        ``p(configuration | MC sample)``, up to the per-column scale.
    log_scale : ndarray of shape (n_configurations,)
        Log of each column's scale.
    p_row : ndarray of shape (n_mc, n_classes)
        The row's class probabilities in each MC sample.
    mc_of_sample : ndarray of shape (n_configurations,) of int
        The MC sample each configuration is drawn from.
    random_state : numpy.random.RandomState
    """
    p_row = p_row.astype(np.float64)
    cumulative = np.cumsum(p_row[mc_of_sample], axis=1)  # (M, C)
    u = random_state.uniform(size=(len(mc_of_sample), 1)) * cumulative[:, -1:]
    # Rounding can put u at the top: clip to a valid class.
    labels = np.minimum((cumulative < u).sum(axis=1), p_row.shape[1] - 1)
    joint *= p_row[:, labels]  # (J, M)
    # Renormalise each configuration's column against underflow.
    scale = joint.max(axis=0)
    # A column can only vanish by underflow of every factor.
    scale = np.where(scale > 0, scale, 1.0)
    joint /= scale
    log_scale += np.log(scale)


def batch_mutual_information(probs, batch, *, n_samples, random_state):
    """Sampled estimate of a batch's joint mutual information ``I[y_batch; w]``.

    ``I[y_B; w] = log J - E_{c ~ P(y_B)} H[w | y_B = c]`` with ``w``
    uniform over the ``J`` MC samples: the posterior over MC samples of a
    configuration ``c`` is ``π_j(c) ∝ prod_i p_j(c_i)``. ``n_samples``
    configurations are drawn, stratified over the MC samples as in
    :func:`batchbald_greedy` (``j_m = m mod J``, weights ``1 / (J n_j)``);
    the estimate is unbiased and, unlike ``H[y_B] - sum_i H[y_i | w]`` from
    the same samples, bounded in ``[0, log J]``. A common yardstick for
    batches chosen by different methods from the same MC samples.

    Prior validation of data is assumed.

    Parameters
    ----------
    probs : ndarray of shape (J, N, C)
    batch : array-like of int, shape (B,)
        Rows of the batch.
    n_samples : int
        Number of sampled configurations, at least ``J``.
    random_state : numpy.random.RandomState

    Returns
    -------
    mutual_information : float
    """
    n_mc, _, n_classes = probs.shape
    batch = np.asarray(batch)
    sub = probs[:, batch, :].astype(np.float64)  # (J, B, C)
    cumulative = np.cumsum(sub, axis=2)
    with np.errstate(divide="ignore"):
        log_sub = np.log(sub)
    mc_of_sample, weights = _strata(n_mc, n_samples, random_state)
    total = 0.0
    step = max(1, _CHUNK_ELEMENTS // max(1, n_mc * batch.shape[0]))
    for start in range(0, n_samples, step):
        mc = mc_of_sample[start : start + step]
        log_joint = np.zeros((n_mc, mc.shape[0]))  # log prod_i p_j(c_m,i)
        for i in range(batch.shape[0]):
            cum = cumulative[mc, i, :]  # (m, C)
            u = random_state.uniform(size=(mc.shape[0], 1)) * cum[:, -1:]
            labels = np.minimum((cum < u).sum(axis=1), n_classes - 1)
            log_joint += log_sub[:, i, labels]
        log_joint -= log_joint.max(axis=0)
        posterior = np.exp(log_joint)
        posterior /= posterior.sum(axis=0)
        entropy = -xlogy(posterior, posterior).sum(axis=0)  # H[w | c_m], (m,)
        total += weights[start : start + step] @ entropy
    return float(np.log(n_mc) - total)
