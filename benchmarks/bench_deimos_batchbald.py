"""Benchmark: low-rank greedy DEIMOS against the dense algorithm; BatchBALD memory.

Prints, measured in one run on this machine:

1. DEIMOS classification batch (S=5,000 candidates, C=10 classes, J=50 MC
   masks, n=100 picks) in the ``J``-dimensional low-rank form of
   :func:`skactive._bayes_kernels.deimos_greedy`: time and peak extra memory
   (``tracemalloc``; NumPy reports its buffers to it).
2. The dense Algorithm 1, which keeps the ``(S C) × (S C)`` covariance and
   conditions it with Schur complements, at the largest S whose matrix and
   one update temporary fit in ``--dense-budget`` bytes; the low-rank form
   on the same problem, the ratio of their times, and whether they pick the
   same rows.
3. Greedy BatchBALD (N=10,000 rows, J=20, C=10, n=10, 1,000 label
   configurations): time and peak extra memory.

The MC-dropout samples are synthetic: softmax of per-row logits plus a
low-dimensional random effect per mask, shared across rows as MC dropout's
masks are.

Run ``python benchmarks/bench_deimos_batchbald.py`` (``--quick`` for a small
version that finishes in seconds).
"""

import argparse
import time
import tracemalloc

import numpy as np

from skactive._bayes_kernels import batchbald_greedy, deimos_factor, deimos_greedy


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


def bench_deimos(n_rows, n_classes, n_mc, n, dense_budget):
    samples = synthetic_probs(n_mc, n_rows, n_classes, seed=0)
    smoothing = 0.01 * samples.astype(np.float64).var(axis=0, ddof=1).mean()

    def low_rank(s):
        return deimos_greedy(
            deimos_factor(s), np.arange(s.shape[1]), n, noise=0.0, smoothing=smoothing
        )[0]

    _, seconds, peak = _peak(low_rank, samples)
    print(
        f"DEIMOS low-rank  S={n_rows:>5} C={n_classes} J={n_mc} n={n}: "
        f"{seconds:7.2f} s, peak {peak / 2**20:7.1f} MiB"
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
        "dense_rows": dense_rows,
        "dense_seconds": dense_seconds,
        "low_rank_seconds_at_dense_rows": fast_seconds,
        "same_picks": same,
    }


def bench_batchbald(n_rows, n_classes, n_mc, n, n_configurations):
    probs = synthetic_probs(n_mc, n_rows, n_classes, seed=1)
    (indices, mi), seconds, peak = _peak(
        batchbald_greedy,
        probs,
        n,
        n_configurations=n_configurations,
        random_state=np.random.RandomState(0),
    )
    print(
        f"BatchBALD N={n_rows} J={n_mc} C={n_classes} n={n} "
        f"({n_configurations} configurations): {seconds:7.2f} s, "
        f"peak {peak / 2**20:7.1f} MiB (input {probs.nbytes / 2**20:.1f} MiB); "
        f"joint MI of the batch {mi[-1]:.3f} nats"
    )
    return {"seconds": seconds, "peak_bytes": peak, "indices": indices}


def main(quick=False, dense_budget=2 * 2**30):
    """Run the benchmark; return the measurements of DEIMOS and BatchBALD."""
    if quick:
        return {
            "deimos": bench_deimos(500, 10, 50, 20, dense_budget=2**27),
            "batchbald": bench_batchbald(1000, 10, 20, 5, 1000),
        }
    return {
        "deimos": bench_deimos(5000, 10, 50, 100, dense_budget=dense_budget),
        "batchbald": bench_batchbald(10_000, 10, 20, 10, 1000),
    }


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
