"""Benchmark: the DEIMOS and BatchBALD kernels against their previous versions.

Prints, measured in one run on this machine (ratios are old / new time):

1. DEIMOS classification batch (S=5,000 candidates, C=10 classes, J=50 MC
   masks, n=100 picks): :func:`skactive.kernels.deimos_greedy` (the
   blocks ``B_i G B_iᵀ`` and ``B_i G K G B_iᵀ`` follow rank-``C`` core
   updates) against the previous low-rank kernel kept below
   (:func:`reference_deimos_greedy`, which formed ``B_i G`` anew each step):
   times, ratio, peak extra memory (``tracemalloc``; NumPy reports its
   buffers to it) and whether they pick the same rows.
2. The dense Algorithm 1, which keeps the ``(S C) × (S C)`` covariance and
   conditions it with Schur complements, at the largest S whose matrix and
   one update temporary fit in ``--dense-budget`` bytes; the low-rank form
   on the same problem, the ratio of their times, and whether they pick the
   same rows.
3. Greedy BatchBALD (N=10,000 rows, J=20, C=10, n=50, 1,000 label
   configurations, the default): :func:`skactive.kernels.batchbald_greedy`
   against the previous kernel kept below (:func:`reference_batchbald_greedy`:
   ``xlogy`` over each chunk's table, every row scored each step, sampled
   configurations drawn i.i.d.): times, ratio, peak memory, and whether both
   pick the same rows on the exact path (the first four picks).
4. The batches' joint mutual information ``I[y_batch; w]`` on the same MC
   samples, judged by one common estimate from 200,000 sampled
   configurations (:func:`skactive.kernels.batch_mutual_information`):
   greedy BatchBALD, the previous kernel's greedy batch and top-n BALD, for
   three seeds. The samples are MC dropout of skactive's MLP (128 hidden
   units, dropout 0.5) trained on 100 labelled MNIST-5k rows; the pool is
   the other 4,900 rows and noisy copies of them (pixel noise 0.1), 10,000
   rows, so that near-duplicates make top-n BALD redundant, as augmented or
   crawled pools do.

The MC-dropout samples of parts 1-3 are synthetic: softmax of per-row logits
plus a low-dimensional random effect per mask, shared across rows as MC
dropout's masks are.

Run ``python benchmarks/bench_deimos_batchbald.py`` (``--quick`` for a small
version that finishes in seconds, on synthetic samples only).
"""

import argparse
import time
import tracemalloc

import numpy as np
from scipy.special import xlogy

from skactive.kernels import (
    bald,
    batch_mutual_information,
    batchbald_greedy,
    deimos_factor,
    deimos_greedy,
    expected_entropy,
)
from skactive.kernels._bayes import _extend_sampled_configurations

# Float64 elements of the largest temporary the previous BatchBALD built.
_REFERENCE_MAX_ELEMENTS = 2**22


def _peak(func, *args, **kwargs):
    """Run ``func``; return its result, seconds and peak traced bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def _timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


# ------------------------------------------------ the previous kernels


def _reference_joint_entropy_exact(joint, probs, rows, out):
    """Exact entropy of (batch labels, candidate label) for each candidate.

    ``joint[j, k] = prod_i p_j(y_i = config_k)`` over the batch; for
    candidate ``x``, ``P(config_k, y) = (1/J) sum_j joint[j, k] p_j(y | x)``.

    joint : (J, K); probs : (J, N, C); rows : (m,) candidates; out : (m,).
    """
    n_mc, n_configs = joint.shape
    n_classes = probs.shape[2]
    step = max(1, _REFERENCE_MAX_ELEMENTS // (n_configs * n_classes))
    for start in range(0, rows.shape[0], step):
        chunk = rows[start : start + step]
        p = probs[:, chunk, :].astype(np.float64).reshape(n_mc, -1)  # (J, m * C)
        table = (joint.T @ p) / n_mc  # (K, m * C)
        out[start : start + chunk.shape[0]] = (
            -xlogy(table, table).reshape(n_configs, chunk.shape[0], n_classes).sum(axis=(0, 2))
        )


def _reference_joint_entropy_sampled(joint, log_scale, probs, rows, out):
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
    step = max(1, _REFERENCE_MAX_ELEMENTS // (n_configs * n_classes))
    for start in range(0, rows.shape[0], step):
        chunk = rows[start : start + step]
        p = probs[:, chunk, :].astype(np.float64).reshape(n_mc, -1)
        table = ((joint.T @ p) / n_mc).reshape(n_configs, chunk.shape[0], n_classes)
        ratio = table / marginal[:, None, None]  # P(y | c_m): sums to 1 over y
        # sum_y ratio * log(table) + log s_m * sum_y ratio, averaged over m.
        term = (xlogy(ratio, table).sum(axis=2) + log_scale[:, None]).mean(axis=0)
        out[start : start + chunk.shape[0]] = -term


def reference_batchbald_greedy(probs, n, *, n_configurations, random_state):
    """The previous greedy BatchBALD kernel (xlogy over each chunk's table), for comparison."""
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
            _reference_joint_entropy_sampled(
                joint, log_scale, probs, rows, entropy[: rows.shape[0]]
            )
        else:
            _reference_joint_entropy_exact(joint, probs, rows, entropy[: rows.shape[0]])
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
            _extend_sampled_configurations(
                joint, log_scale, probs[:, row, :], mc_of_sample, random_state
            )
    return indices, joint_mi


def reference_deimos_greedy(factor, candidates, n, *, noise, smoothing):
    """The previous low-rank DEIMOS kernel (``B_i G`` formed anew each step), for comparison."""
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
        scores, f, system = _reference_deimos_step(factor, rows, core, gram, noise, smoothing)
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


def _reference_deimos_step(factor, rows, core, gram, noise, smoothing):
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


# ------------------------------------------------------------ the data


def synthetic_probs(n_mc, n_rows, n_classes, seed):
    """(J, N, C) class probabilities with masks shared across rows."""
    rng = np.random.RandomState(seed)
    rank = 8
    base = rng.normal(scale=2.0, size=(n_rows, n_classes))
    loadings = rng.normal(scale=0.7, size=(n_rows, rank, n_classes))
    effects = rng.normal(size=(n_mc, rank))
    logits = base[None] + np.einsum("jk,nkc->jnc", effects, loadings)
    logits -= logits.max(axis=2, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=2, keepdims=True)
    return probs.astype(np.float32)


def mnist_mc_probs(seed, n_rows=10_000, n_mc=20, n_labeled=100):
    """(J, N, C) MC-dropout probabilities of an MLP trained on a few MNIST-5k labels.

    The pool is the unlabelled rows followed by noisy copies of them (pixel
    noise of standard deviation 0.1, clipped to [0, 1]) up to ``n_rows``.
    """
    from skactive import ActiveLearner, probes
    from skactive.datasets import load_mnist_5k
    from skactive.nets import make_mlp_net

    X, y = load_mnist_5k(return_X_y=True)
    X = np.asarray(X, dtype=np.float32) / 255.0
    rng = np.random.RandomState(seed)
    labeled = rng.choice(X.shape[0], n_labeled, replace=False)
    rest = X[np.setdiff1d(np.arange(X.shape[0]), labeled)]
    copies = [rest]
    while sum(c.shape[0] for c in copies) < n_rows:
        copies.append(np.clip(rest + rng.normal(scale=0.1, size=rest.shape), 0.0, 1.0))
    pool = np.concatenate(copies)[:n_rows].astype(np.float32)
    net = make_mlp_net(hidden_layer_sizes=(128,), dropout=0.5, max_epochs=30)
    learner = ActiveLearner(net, random_state=seed).fit(X[labeled], y[labeled])
    return probes.mc_dropout_output(
        learner.network_, pool, n_mc_samples=n_mc, batch_size=1024, random_state=seed
    )


def dense_deimos(samples, n, smoothing):
    """Algorithm 1 on the dense (S C) × (S C) matrix (classification)."""
    n_mc, n_rows, n_out = samples.shape
    flat = samples.reshape(n_mc, -1).astype(np.float64)
    flat -= flat.mean(axis=0)
    V = flat.T @ flat / (n_mc - 1)
    eye = np.eye(n_out)
    available = np.ones(n_rows, dtype=bool)
    picks = []
    for _ in range(n):
        # V_iᵀ V_i for every i: one (C × S C) @ (S C × C) product per row.
        blocks = V.reshape(n_rows * n_out, n_rows, n_out).transpose(1, 2, 0)
        outer = blocks @ blocks.transpose(0, 2, 1)
        system = V.reshape(n_rows, n_out, n_rows, n_out)[np.arange(n_rows), :, np.arange(n_rows)]
        system = system + smoothing * eye
        gains = np.trace(np.linalg.solve(system, outer), axis1=1, axis2=2)
        gains[~available] = -np.inf
        best = int(np.argmax(gains))
        V_n = V[:, best * n_out : (best + 1) * n_out]
        V -= V_n @ np.linalg.solve(system[best], V_n.T)
        available[best] = False
        picks.append(best)
    return np.array(picks)


# ------------------------------------------------------------ DEIMOS


def bench_deimos(n_rows, n_classes, n_mc, n, dense_budget):
    samples = synthetic_probs(n_mc, n_rows, n_classes, seed=0)
    smoothing = 0.01 * samples.astype(np.float64).var(axis=0, ddof=1).mean()

    def low_rank(s, kernel=deimos_greedy):
        return kernel(deimos_factor(s), np.arange(s.shape[1]), n, noise=0.0, smoothing=smoothing)[0]

    picks, seconds, peak = _peak(low_rank, samples)
    old_picks, old_seconds = _timed(low_rank, samples, reference_deimos_greedy)
    same_as_old = bool(np.array_equal(picks, old_picks))
    print(
        f"DEIMOS low-rank  S={n_rows:>5} C={n_classes} J={n_mc} n={n}: "
        f"{seconds:7.2f} s, peak {peak / 2**20:7.1f} MiB; previous kernel {old_seconds:7.2f} s "
        f"({old_seconds / seconds:.1f}x); same picks: {same_as_old}"
    )

    # Largest S (a multiple of 250) whose dense matrix and one update
    # temporary fit in the budget.
    dense_rows = int(np.sqrt(dense_budget / (2 * 8)) // n_classes // 250 * 250)
    dense_rows = max(min(dense_rows, n_rows), 250)
    small = samples[:, :dense_rows]
    fast_picks, fast_seconds, fast_peak = _peak(low_rank, small)
    dense_picks, dense_seconds, dense_peak = _peak(dense_deimos, small, n, smoothing)
    print(
        f"DEIMOS low-rank  S={dense_rows:>5}: {fast_seconds:7.2f} s, "
        f"peak {fast_peak / 2**20:7.1f} MiB"
    )
    print(
        f"DEIMOS dense     S={dense_rows:>5}: {dense_seconds:7.2f} s, "
        f"peak {dense_peak / 2**20:7.1f} MiB "
        f"(largest S within a {dense_budget / 2**30:.1f} GiB budget)"
    )
    same = bool(np.array_equal(dense_picks, fast_picks))
    print(
        f"  dense / low-rank time at S={dense_rows}: {dense_seconds / fast_seconds:6.1f}x; "
        f"same picks: {same}"
    )
    return {
        "seconds": seconds,
        "peak_bytes": peak,
        "reference_seconds": old_seconds,
        "same_picks_as_reference": same_as_old,
        "dense_rows": dense_rows,
        "dense_seconds": dense_seconds,
        "low_rank_seconds_at_dense_rows": fast_seconds,
        "same_picks": same,
    }


# ---------------------------------------------------------- BatchBALD


def bench_batchbald(n_rows, n_classes, n_mc, n, n_configurations):
    probs = synthetic_probs(n_mc, n_rows, n_classes, seed=1)
    (indices, mi), seconds, peak = _peak(
        batchbald_greedy,
        probs,
        n,
        n_configurations=n_configurations,
        random_state=np.random.RandomState(0),
    )
    _, old_seconds = _timed(
        reference_batchbald_greedy,
        probs,
        n,
        n_configurations=n_configurations,
        random_state=np.random.RandomState(0),
    )
    # The exact path (C**3 <= 1,000 configurations: the first four picks).
    n_exact = min(n, 4)
    exact = batchbald_greedy(
        probs, n_exact, n_configurations=1000, random_state=np.random.RandomState(0)
    )[0]
    old_exact = reference_batchbald_greedy(
        probs, n_exact, n_configurations=1000, random_state=np.random.RandomState(0)
    )[0]
    same = bool(np.array_equal(exact, old_exact))
    print(
        f"BatchBALD N={n_rows} J={n_mc} C={n_classes} n={n} "
        f"({n_configurations} configurations): {seconds:7.2f} s, "
        f"peak {peak / 2**20:7.1f} MiB (input {probs.nbytes / 2**20:.1f} MiB); "
        f"previous kernel {old_seconds:7.2f} s ({old_seconds / seconds:.1f}x); "
        f"same picks on the exact path ({n_exact} picks): {same}"
    )
    return {
        "seconds": seconds,
        "peak_bytes": peak,
        "reference_seconds": old_seconds,
        "same_exact_picks": same,
        "indices": indices,
    }


def bench_batchbald_quality(probs_of_seed, seeds, n, n_configurations, n_judge):
    """Joint MI of greedy BatchBALD, the previous kernel and top-n BALD, one yardstick."""
    rows = []
    for seed in seeds:
        probs = probs_of_seed(seed)
        batches = {
            "BatchBALD": batchbald_greedy(
                probs,
                n,
                n_configurations=n_configurations,
                random_state=np.random.RandomState(seed),
            )[0],
            "previous": reference_batchbald_greedy(
                probs,
                n,
                n_configurations=n_configurations,
                random_state=np.random.RandomState(seed),
            )[0],
            "BALD": np.argsort(-bald(probs), kind="stable")[:n],
        }
        mi = {
            name: batch_mutual_information(
                probs, batch, n_samples=n_judge, random_state=np.random.RandomState(1000 + seed)
            )
            for name, batch in batches.items()
        }
        rows.append(mi)
        print(
            f"  seed {seed}: joint MI of the batch (nats; {n_judge} configurations, "
            f"at most log J = {np.log(probs.shape[0]):.3f}): "
            + ", ".join(f"{name} {value:.4f}" for name, value in mi.items())
        )
    return rows


def main(quick=False, dense_budget=2 * 2**30):
    """Run the benchmark; return the measurements of DEIMOS and BatchBALD."""
    if quick:
        results = {
            "deimos": bench_deimos(500, 10, 50, 20, dense_budget=2**27),
            "batchbald": bench_batchbald(1000, 10, 20, 10, 1000),
        }
        print("BatchBALD batches on synthetic MC samples, N=1000 J=20 C=10 n=10:")
        results["quality"] = bench_batchbald_quality(
            lambda seed: synthetic_probs(20, 1000, 10, seed=seed),
            seeds=(0,),
            n=10,
            n_configurations=1000,
            n_judge=20_000,
        )
        return results
    results = {
        "deimos": bench_deimos(5000, 10, 50, 100, dense_budget=dense_budget),
        "batchbald": bench_batchbald(10_000, 10, 20, 50, 1000),
    }
    print("BatchBALD batches on MC dropout of an MLP, MNIST-5k pool of 10,000, J=20 C=10 n=50:")
    results["quality"] = bench_batchbald_quality(
        mnist_mc_probs, seeds=(0, 1, 2), n=50, n_configurations=1000, n_judge=200_000
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    parser.add_argument(
        "--dense-budget",
        type=float,
        default=2 * 2**30,
        help="bytes the dense DEIMOS matrix and its update temporary may take",
    )
    args = parser.parse_args()
    main(quick=args.quick, dense_budget=args.dense_budget)
