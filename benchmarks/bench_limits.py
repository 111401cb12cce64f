"""Benchmark: the greedy selection kernels against the work they cannot avoid.

Core-Set's greedy k-center and BADGE's k-means++ seeding pick one row at a
time, and a full pass over the embedding per pick is what the kernels did
until they learnt to skip rows (``skactive._selection``): the triangle
inequality proves most rows' nearest-centre distance unchanged once the first
picks are made. The unit of work printed here is the time of **one pass over
the embedding**, measured in the same run (one BLAS ``gemv`` over the
``N × d`` float32 embedding for Core-Set, over ``q`` and ``h`` for BADGE:
``N·d·4`` and ``N·(K+d)·4`` bytes read). For ``n`` picks the full-pass kernel
costs about ``n`` such passes; the ratio ``time / (n · one pass)`` says how
far below that floor a kernel gets (under 1: it reads less than one pass per
pick).

Each line times the full-pass kernel kept in this file (the implementation
before the pruning), then the library's kernel, on the same embedding, and
checks that both pick the same rows. BLAS runs on one thread here (the
picks are equal bit for bit on one thread; see ``k_center_greedy``).

The embeddings come from a trained network: an MLP with one hidden layer of
256 units (:func:`skactive.nets.make_mlp_net`) fitted on 300 rows of a
10-class Gaussian mixture in 50 dimensions; ``h`` is its penultimate
embedding and ``q = p − e_ŷ`` (BADGE's gradient embedding in factored form,
:func:`skactive.probes.gradient_embedding`). The 300 labelled rows are the
Core-Set centres. ``--noise`` adds Core-Set on isotropic Gaussian noise of
the same shape, the case where the bound skips almost nothing (about 256
independent dimensions): it shows the cost of the test itself.

Measured on 2026-12-02 on a shared 2-core machine under heavy load from
other work (so the seconds are inflated and the "passes/pick" figures, whose
unit is timed separately, are noisy; the before/after ratios come from the
same run), ``OMP_NUM_THREADS=1``::

    CoreSet  N=200000 d=256 |L|=300  before 72.90 s  after 37.12 s  speed-up 2.0x  same picks
    BADGE    N=50000 K=10 d=256      before 14.14 s  after  2.80 s  speed-up 5.1x  same picks
    BADGE    N=200000 K=10 d=256     before 51.75 s  after  9.03 s  speed-up 5.7x  same picks

Core-Set's figure includes the distances of the pool to the 300 labelled
rows (an ``N × |L|`` product, the same before and after: several seconds
here). On isotropic noise (``--noise``) the bounds skip almost nothing; the
kernel then stops testing for 32 picks at a time and costs about what the
full pass does (1.06x its time at N = 50,000, n = 300).

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_limits.py`` (Core-Set at
N = 200,000, d = 256, n = 1000; BADGE at N = 50,000 and 200,000, K = 10,
d = 256, n = 1000; several minutes), or ``--quick`` (N = 20,000, n = 100,
seconds).
"""

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from skactive._selection import k_center_greedy, kmeans_pp_factored, sample_by_squared_distance

N_FEATURES = 50
N_CLASSES = 10
N_HIDDEN = 256
N_LABELLED = 300


# ----------------------------------------------- the full-pass kernels (before)


def full_pass_k_center(X, k, centres, random_state, max_block_entries=2**22):
    """Greedy k-center with one full pass over ``X`` per pick."""
    X_sq_norms = np.einsum("ij,ij->i", X, X)
    sq_dist = np.full(X.shape[0], np.inf, dtype=X_sq_norms.dtype)
    if centres.shape[0]:
        c_sq_norms = np.einsum("ij,ij->i", centres, centres)
        n_cols = max(1, min(centres.shape[0], max_block_entries // X.shape[0]))
        n_rows = max(1, min(X.shape[0], max_block_entries // n_cols))
        for j in range(0, centres.shape[0], n_cols):
            for i in range(0, X.shape[0], n_rows):
                d = X[i : i + n_rows] @ centres[j : j + n_cols].T
                d *= -2.0
                d += X_sq_norms[i : i + n_rows, None]
                d += c_sq_norms[None, j : j + n_cols]
                np.minimum(sq_dist[i : i + n_rows], d.min(axis=1), out=sq_dist[i : i + n_rows])
        np.maximum(sq_dist, 0.0, out=sq_dist)
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
        sq_dist[index] = -1.0
    return indices


def full_pass_kmeans_pp(q, h, k, random_state):
    """Factored k-means++ seeding with one full pass over ``q`` and ``h`` per pick."""
    sq_norms = np.einsum("ij,ij->i", q, q).astype(np.float64)
    sq_norms *= np.einsum("ij,ij->i", h, h)
    chosen = np.zeros(q.shape[0], dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = np.argmax(sq_norms)
    sq_dist = np.full(q.shape[0], np.inf)
    new_dist = np.empty(q.shape[0])
    for t in range(1, k + 1):
        c = indices[t - 1]
        chosen[c] = True
        np.multiply(q @ q[c], h @ h[c], out=new_dist, dtype=np.float64)
        new_dist *= -2.0
        new_dist += sq_norms
        new_dist += sq_norms[c]
        np.maximum(new_dist, 0.0, out=new_dist)
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


# ------------------------------------------------------------------ data


def network_embeddings(n_rows, seed=0):
    """``(h, q)`` of a trained MLP for ``n_rows`` pool rows plus the labelled rows."""
    import torch

    from skactive.nets import make_mlp_net
    from skactive.probes import gradient_embedding

    rng = np.random.RandomState(seed)
    torch.manual_seed(seed)
    means = rng.normal(scale=1.5, size=(N_CLASSES, N_FEATURES))
    y = rng.randint(N_CLASSES, size=n_rows + N_LABELLED)
    X = (means[y] + rng.normal(size=(y.shape[0], N_FEATURES))).astype(np.float32)
    net = make_mlp_net(hidden_layer_sizes=(N_HIDDEN,), max_epochs=30, lr=1e-2)
    net.set_params(module__n_features_in=N_FEATURES, module__n_outputs=N_CLASSES, verbose=0)
    net.fit(X[:N_LABELLED], y[:N_LABELLED].astype(np.int64))
    q, h = gradient_embedding(net, X, batch_size=8192)
    return h, q


def _seconds(function, *args, repeat=1):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


def _one_pass(*arrays):
    """Seconds of one gemv over each array (best of 5): one pass per pick."""
    return sum(_seconds(lambda a=a: a @ a[0], repeat=5)[1] for a in arrays)


def _line(name, before, after, unit, n, same):
    floor = n * unit
    print(
        f"{name:34s} before {before:7.2f} s ({before / floor:5.2f} passes/pick)   "
        f"after {after:7.2f} s ({after / floor:5.2f} passes/pick)   "
        f"speed-up {before / after:5.1f}x   same picks: {same}"
    )


def bench_coreset(X, centres, n, name):
    unit = _one_pass(X)
    old, before = _seconds(full_pass_k_center, X, n, centres, np.random.RandomState(0))
    new, after = _seconds(k_center_greedy, X, n, centres, np.random.RandomState(0))
    same = bool(np.array_equal(old, new))
    _line(name, before, after, unit, n, same)
    return {"before": before, "after": after, "one_pass": unit, "same_picks": same}


def bench_badge(q, h, n, name):
    unit = _one_pass(q, h)
    old, before = _seconds(full_pass_kmeans_pp, q, h, n, np.random.RandomState(1))
    new, after = _seconds(kmeans_pp_factored, q, h, n, np.random.RandomState(1))
    same = bool(np.array_equal(old, new))
    _line(name, before, after, unit, n, same)
    return {"before": before, "after": after, "one_pass": unit, "same_picks": same}


def main(quick=False, noise=False):
    """Run the benchmark; return ``{case: {"before", "after", "one_pass", "same_picks"}}``."""
    n_pool, n_small, n = (20_000, 10_000, 100) if quick else (200_000, 50_000, 1000)
    h, q = network_embeddings(n_pool)
    pool_h, pool_q, labelled = h[N_LABELLED:], q[N_LABELLED:], h[:N_LABELLED]
    print(f"one pass = one BLAS gemv over the embedding; n = {n} picks; BLAS on one thread")
    results = {}
    with threadpool_limits(limits=1, user_api="blas"):
        results[f"CoreSet N={n_pool}"] = bench_coreset(
            pool_h, labelled, n, f"CoreSet  N={n_pool} d={N_HIDDEN} |L|={N_LABELLED}"
        )
        if noise:
            X = np.random.RandomState(1).normal(size=pool_h.shape).astype(np.float32)
            results[f"CoreSet noise N={n_pool}"] = bench_coreset(
                X, X[:N_LABELLED].copy(), n, f"CoreSet  N={n_pool} (isotropic noise)"
            )
        for rows in (n_small, n_pool):
            results[f"BADGE N={rows}"] = bench_badge(
                np.ascontiguousarray(pool_q[:rows]),
                np.ascontiguousarray(pool_h[:rows]),
                n,
                f"BADGE    N={rows} K={N_CLASSES} d={N_HIDDEN}",
            )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 20,000, n = 100")
    parser.add_argument("--noise", action="store_true", help="also Core-Set on isotropic noise")
    args = parser.parse_args()
    main(quick=args.quick, noise=args.noise)
