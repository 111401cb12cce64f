"""Benchmark: BADGE's factored k-means++, greedy k-center, vmapped EGL.

Prints ratios measured in one run, on this machine:

1. BADGE selection (N=50,000, d=256, K=10, n=200): the factored k-means++
   kernel against two implementations that materialise the ``N × K·d``
   gradient embeddings (``float64``): the textbook one, which measures
   distances to each new centre with scikit-learn's ``pairwise_distances``
   as the BADGE authors' code does, and a lean one that needs a single
   pass over the embeddings per centre (``G @ g_c`` with precomputed norms),
   the fastest a materialised version can be. All use the same sampling
   rule and seed, so their picks must be identical. Peak extra memory of
   each is measured with ``tracemalloc`` (NumPy reports its buffers to it).
2. Core-Set's greedy k-center (N=100,000, d=256, 1,000 labelled centres,
   n=1,000): time and peak extra memory.
3. EGL's per-sample gradient norms (N=2,048): ``torch.func.vmap`` against a
   Python loop over rows.

Run ``python benchmarks/bench_gradient_strategies.py`` (``--quick`` for a
small version that finishes in seconds).
"""

import argparse
import time
import tracemalloc

import numpy as np
import torch
from sklearn.metrics import pairwise_distances
from skorch import NeuralNetClassifier

from skactive import probes
from skactive.kernels import k_center_greedy, kmeans_pp_factored, sample_by_squared_distance
from skactive.nets import MLP


def _peak(func, *args):
    """Run ``func(*args)``; return its result, seconds and peak traced bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def materialised_badge(q, h, k, random_state, lean=False):
    """k-means++ on the materialised gradient embeddings ``G = q ⊗ h``."""
    G = (q[:, :, None] * h[:, None, :]).reshape(q.shape[0], -1).astype(np.float64)
    sq_norms = np.einsum("ij,ij->i", G, G)
    indices = [int(np.argmax(sq_norms))]
    sq_dist = np.full(G.shape[0], np.inf)
    for t in range(k):
        c = indices[-1]
        if lean:
            d = np.maximum(sq_norms + sq_norms[c] - 2.0 * (G @ G[c]), 0.0)
        else:
            d = pairwise_distances(G, G[c : c + 1]).ravel() ** 2
        np.minimum(sq_dist, d, out=sq_dist)
        sq_dist[c] = 0.0
        if t == k - 1:
            break
        indices.append(sample_by_squared_distance(sq_dist, random_state))
    return np.array(indices)


def badge_factors(n, d, n_classes, rng):
    """Factors shaped like BADGE's: ``q = p − e_ŷ`` and a ReLU embedding."""
    logits = rng.normal(scale=2.0, size=(n, n_classes))
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    q = p.copy()
    q[np.arange(n), p.argmax(axis=1)] -= 1.0
    h = np.maximum(rng.normal(size=(n, d)), 0.0)
    return q.astype(np.float32), h.astype(np.float32)


def bench_badge(n, d, n_classes, k):
    q, h = badge_factors(n, d, n_classes, np.random.RandomState(0))
    fast, t_fast, m_fast = _peak(kmeans_pp_factored, q, h, k, np.random.RandomState(1))
    print(f"BADGE  N={n} d={d} K={n_classes} n={k}")
    print(f"  factored (float32 input)  {t_fast:8.3f} s   peak extra {m_fast / 2**20:8.1f} MiB")
    per_row = n * (n_classes + d) * 4
    print(f"  factored peak / (N·(K+d)·4 bytes) = {m_fast / per_row:.2f}")
    identical = {}
    for name, lean in [("textbook (pairwise_distances)", False), ("lean materialised", True)]:
        slow, t_slow, m_slow = _peak(materialised_badge, q, h, k, np.random.RandomState(1), lean)
        identical[name] = np.array_equal(fast, slow)
        print(f"  {name:26s}{t_slow:8.3f} s   peak extra {m_slow / 2**20:8.1f} MiB")
        print(
            f"    speed-up of factored {t_slow / t_fast:.1f}x, memory ratio {m_slow / m_fast:.1f}x,"
            f" identical picks: {identical[name]}"
        )
    return identical


def bench_coreset(n, d, n_centres, k):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, d)).astype(np.float32)
    centres = rng.normal(size=(n_centres, d)).astype(np.float32)
    _, seconds, peak = _peak(k_center_greedy, X, k, centres, np.random.RandomState(0))
    print(f"CoreSet  N={n} d={d} |L|={n_centres} n={k}")
    print(
        f"  {seconds:.2f} s   peak extra {peak / 2**20:.1f} MiB "
        f"(the pool itself is {X.nbytes / 2**20:.1f} MiB)"
    )
    return seconds


def _loop_norms(net, X):
    module = net.module_
    module.eval()
    params = [p for p in module.parameters() if p.requires_grad]
    n_classes = module.output.out_features
    norms = np.empty((len(X), n_classes))
    for i in range(len(X)):
        logits = module(torch.as_tensor(X[i : i + 1]))
        for y in range(n_classes):
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([y]))
            grads = torch.autograd.grad(loss, params, retain_graph=True)
            norms[i, y] = float(torch.sqrt(sum((g**2).sum() for g in grads)))
    return norms


def bench_egl(n, n_features, n_classes):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    y = rng.randint(n_classes, size=n)
    net = NeuralNetClassifier(
        MLP,
        module__n_features_in=n_features,
        module__n_outputs=n_classes,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=1,
        train_split=None,
        verbose=0,
    ).fit(X, y)
    start = time.perf_counter()
    fast = probes.loss_gradient_norms(net, X, batch_size=1024)
    t_fast = time.perf_counter() - start
    start = time.perf_counter()
    slow = _loop_norms(net, X)
    t_slow = time.perf_counter() - start
    print(f"EGL gradient norms  N={n} features={n_features} K={n_classes}")
    print(f"  vmap {t_fast:.2f} s   loop {t_slow:.2f} s   speed-up {t_slow / t_fast:.1f}x")
    difference = np.max(np.abs(fast - slow) / (slow + 1e-12))
    print(f"  max relative difference {difference:.1e}")
    return difference


def main(quick=False):
    """Run the three benchmarks; return BADGE's identical-picks flags and EGL's
    largest relative difference between vmap and the loop."""
    torch.manual_seed(0)
    if quick:
        identical = bench_badge(2000, 32, 5, 20)
        bench_coreset(5000, 32, 50, 50)
        difference = bench_egl(64, 20, 5)
    else:
        identical = bench_badge(50_000, 256, 10, 200)
        bench_coreset(100_000, 256, 1000, 1000)
        difference = bench_egl(2048, 50, 10)
    return identical, difference


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    main(parser.parse_args().quick)
