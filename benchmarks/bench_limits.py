"""Benchmark: every strategy against the work it cannot avoid, beside its peers.

**Every strategy** (all of :data:`skactive.strategies.STRATEGY_ALIASES`,
with their defaults but ``J = 20`` MC-dropout samples for BALD, BatchBALD,
MaxVariance and DEIMOS) queries ``n = 50`` rows of a pool of ``N = 10,000``
rows through :meth:`ActiveLearner.query`, the learner an MLP with one hidden
layer of 256 units (:func:`skactive.nets.make_mlp_net`, dropout 0.2) fitted
on ``L = 300`` rows of a 10-class Gaussian mixture in 50 dimensions. Its CPU
time is printed as a multiple of the forward passes over the pool it needs
(:func:`needed_passes`: one for the uncertainty strategies and BADGE, ``J``
for the MC-dropout ones, ``1 + L/N`` for an embedding of pool and labelled
rows, a backward pass counting as two; SHAP's row passes for ALEX), one
pass being one plain chunked forward of the module over the pool timed in
the same run. For the batch strategies the rest of the time, the
selection, is printed too, and for the greedy kernels (Core-Set, BADGE,
DAMI) next to its limit: ``n`` passes over the embedding they select on,
one BLAS ``gemv`` each (``N·d·4``, ``N·(K+d)·4`` and ``N·D·4`` bytes per
pick). The targets: every ranking strategy within 1.5 times the passes it
needs; every batch strategy's selection time stated next to its limit.

**The peers**, scikit-activeml and baal, run the methods they have (the
uncertainty strategies, BALD, BatchBALD, max-variance, Core-Set and BADGE
in scikit-activeml; the uncertainty strategies, BALD, BatchBALD and
variance in baal) on the same trained weights and pool, saved to a
temporary file, in their own virtual environment
(``benchmarks/peers/peer_limits.py``, whose docstring holds the exact
``pip`` commands; neither is a dependency of skactive); their figures come
back into the same table, as multiples of one forward pass timed in their
process. A peer that is not installed is printed as "not installed".

**The greedy kernels at scale** (``--kernels`` runs this part alone).
Core-Set's greedy k-center and BADGE's k-means++ seeding pick one row at a
time, and a full pass over the embedding per pick is what the kernels did
until they learnt to skip rows (``skactive.kernels``): the triangle
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

Measured on 2026-12-02 on the 2-core machine with light load from other
work (the before/after ratios come from the same run; "before" is the same
kernel with a full pass over the pool per pick), ``OMP_NUM_THREADS=1``::

    CoreSet  N=200000 d=256 |L|=300  before  9.22 s  after 1.02 s  speed-up 9.0x  same picks
    BADGE    N=50000 K=10 d=256      before  2.50 s  after 0.42 s  speed-up 5.9x  same picks
    BADGE    N=200000 K=10 d=256     before  9.76 s  after 1.50 s  speed-up 6.5x  same picks

Core-Set searches lazily (a row's stored distance only shrinks as centres
are added, so it bounds the true one, and only the leading rows are
refreshed) and falls back to the bound-based pruning when refreshes cost
more than a quarter of a pass per pick.

Core-Set's figure includes the distances of the pool to the 300 labelled
rows (an ``N × |L|`` product, the same before and after: several seconds
here). On isotropic noise (``--noise``) the bounds skip almost nothing; the
kernel then stops testing for 32 picks at a time and costs about what the
full pass does (1.06x its time at N = 50,000, n = 300).

Run (from the repository root)::

    OMP_NUM_THREADS=1 python benchmarks/bench_limits.py --out benchmarks/results/limits
    python benchmarks/bench_limits.py --readme   # README's table from limits.json
    python benchmarks/bench_limits.py --check    # is README's table up to date?

The first writes ``limits.json`` and ``output.txt`` (the full run's output,
about 6 minutes on two shared cores; all ratios of a table come from that
one run); ``--quick`` is the same at ``N = 2,000``, ``n = 10`` (about a
minute), ``--kernels`` the greedy kernels alone (Core-Set at N = 200,000,
d = 256, n = 1000; BADGE at N = 50,000 and 200,000, K = 10, d = 256,
n = 1000), ``--peers PYTHON`` another interpreter for the peers.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from skactive.kernels import k_center_greedy, kmeans_pp_factored, sample_by_squared_distance

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


# ------------------------------- every strategy against the forward passes it needs

#: Strategies whose utility of a row depends on that row alone (the 1.5x target).
RANKING = ("least_confidence", "margin", "entropy", "bald", "max_variance", "egl")
#: Greedy kernels: the embedding one pick reads, as (name, number of columns).
GREEDY = {"coreset": "d", "badge": "(K+d)", "dami": "D"}
PEERS = ("scikit-activeml", "baal")
PEER_PYTHON = Path(__file__).resolve().parent / "peers" / ".venv" / "bin" / "python"
PEER_SCRIPT = Path(__file__).resolve().parent / "peers" / "peer_limits.py"
#: Address space the peers' process may take (the machine is shared).
PEER_MEMORY_LIMIT = 8 * 2**30
RESULTS = Path(__file__).resolve().parent / "results" / "limits"
COMMAND = "OMP_NUM_THREADS=1 python benchmarks/bench_limits.py --out benchmarks/results/limits"
FULL = {"n_pool": 10_000, "n_labelled": 300, "n": 50, "n_mc_samples": 20, "max_epochs": 30}
QUICK = {"n_pool": 2_000, "n_labelled": 50, "n": 10, "n_mc_samples": 5, "max_epochs": 5}
#: The one setting changed from the defaults: J for every MC-dropout strategy.
MC_STRATEGIES = ("bald", "batchbald", "max_variance", "deimos")
#: Stochastic batch acquisition over BALD: the aliases' base strategy.
SAMPLED_BALD = ("softmax_bald", "power_bald", "softrank_bald")


def strategy_settings(name, settings):
    """Parameters of strategy ``name`` in this benchmark (defaults but ``J``)."""
    if name in SAMPLED_BALD:
        from skactive.strategies import BALD

        return {"base_strategy": BALD(n_mc_samples=settings["n_mc_samples"])}
    return {"n_mc_samples": settings["n_mc_samples"]} if name in MC_STRATEGIES else {}


def fitted_learner(settings, seed=0):
    """An :class:`~skactive.ActiveLearner` fitted on the labelled rows, and the pool."""
    from skactive import ActiveLearner
    from skactive.nets import make_mlp_net

    rng = np.random.RandomState(seed)
    means = rng.normal(scale=1.5, size=(N_CLASSES, N_FEATURES))
    n_l = settings["n_labelled"]
    y = rng.randint(N_CLASSES, size=settings["n_pool"] + n_l)
    X = (means[y] + rng.normal(size=(y.shape[0], N_FEATURES))).astype(np.float32)
    net = make_mlp_net(
        hidden_layer_sizes=(N_HIDDEN,), max_epochs=settings["max_epochs"], lr=1e-2, verbose=0
    )
    learner = ActiveLearner(net, random_state=seed).fit(X[:n_l], y[:n_l])
    return learner, X[n_l:], X[:n_l], y[:n_l]


def needed_passes(name, strategy, settings):
    """Forward passes over the pool that strategy ``name`` cannot avoid.

    One pass is one forward of the network over the ``N`` pool rows; a
    backward pass counts as two. Rows of the labelled set count as ``|L|/N``
    of a pass. Returns ``(passes, how)``.
    """
    N, L, n, J = settings["n_pool"], settings["n_labelled"], settings["n"], settings["n_mc_samples"]
    if name == "random":
        return 0.0, "none"
    if name in ("least_confidence", "margin", "entropy"):
        return 1.0, "1 (probabilities)"
    if name in MC_STRATEGIES + SAMPLED_BALD:
        return float(J), f"J = {J} (MC dropout)"
    if name == "badge":
        return 1.0, "1 (p and h from one pass)"
    if name in ("coreset", "dal", "albl", "lcmd"):
        return 1 + L / N, "1 + L/N (embedding)"
    if name == "dami":
        return 3 * (1 + L / N), "3·(1 + L/N) (input gradient)"
    if name == "egl":
        return 1.0 + 2 * N_CLASSES, f"1 + 2K = {1 + 2 * N_CLASSES} (K backward)"
    if name == "alex":
        k = min(strategy.n_candidates or 3 * n, N)
        B = L if strategy.n_background is None else min(strategy.n_background, L)
        shap_rows = 3 * (k + L) * 2 * B
        return 1 + shap_rows / N, f"1 + 3·(k+L)·2B/N, k = {k}, B = {B} (SHAP)"
    if name in ("density_weighted", "typiclust", "probcover"):
        return 0.0, "none (input representation)"
    raise ValueError(f"no count of forward passes for {name!r}")


def _cpu(function, repeats=3, once_above=2.0, min_total=0.5, max_repeats=50):
    """(result, CPU seconds of this process): the best of several runs.

    At least ``repeats`` runs, and more (up to ``max_repeats``) until they
    have taken ``min_total`` seconds, so that a call of a few milliseconds
    is timed as often as a slow one is long; one run if it takes more than
    ``once_above`` seconds. The forward pass the strategies are set against
    is timed the same way.
    """
    best, total, runs, result = np.inf, 0.0, 0, None
    while runs < repeats or (total < min_total and runs < max_repeats):
        start = time.process_time()
        result = function()
        seconds = time.process_time() - start
        best, total, runs = min(best, seconds), total + seconds, runs + 1
        if best > once_above:
            break
    return result, best


def plain_forward(module, X, chunk):
    """One forward pass of ``module`` over ``X`` in ``chunk``-row slices, no grad."""
    import torch

    module.eval()
    with torch.no_grad():
        for start in range(0, X.shape[0], chunk):
            module(torch.from_numpy(X[start : start + chunk]))


def export_network(path, learner, X_pool, settings, methods):
    """The network's weights, the labelled rows and the pool, for the peers."""
    module = learner.network_.module_
    linear, dropout, output = module.hidden[0], module.hidden[2], module.output

    def numpy(t):
        return t.detach().cpu().numpy()

    np.savez(
        path,
        W1=numpy(linear.weight),
        b1=numpy(linear.bias),
        W2=numpy(output.weight),
        b2=numpy(output.bias),
        dropout=dropout.p,
        X_labelled=learner.network_input(learner.X_labeled_),
        y_labelled=np.asarray(learner.y_labeled_),
        X_pool=X_pool,
        n=settings["n"],
        n_mc_samples=settings["n_mc_samples"],
        repeats=3,
        methods=",".join(methods),
        memory_limit=PEER_MEMORY_LIMIT,
    )


def run_peers(learner, X_pool, settings, methods, python=PEER_PYTHON):
    """Run the peer script in its own environment; ``{peer: {method: result}}``.

    A peer whose environment is missing is reported as ``{"error": "not
    installed (...)"}``.
    """
    python = Path(python) if python else None
    if python is None or not python.exists():
        why = f"not installed (no {python}; see benchmarks/peers/peer_limits.py)"
        return {peer: {"error": why} for peer in PEERS}
    with tempfile.TemporaryDirectory() as folder:
        network, out = Path(folder) / "network.npz", Path(folder) / "peers.json"
        export_network(network, learner, X_pool, settings, methods)
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
        done = subprocess.run(
            [str(python), str(PEER_SCRIPT), str(network), str(out)],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0:
            why = f"failed ({done.stderr.strip().splitlines()[-1:]})"
            return {peer: {"error": why} for peer in PEERS}
        return json.loads(out.read_text())["peers"]


def bench_strategies(settings, peers=PEER_PYTHON):
    """Time every strategy of ``STRATEGY_ALIASES`` against its forward passes.

    Returns ``{"unit", "embedding_pass", "strategies", "peers"}``: the CPU
    seconds of one plain forward pass over the pool, of one gemv over each
    greedy kernel's embedding, ``{name: {"seconds", "passes", "how",
    "ratio", "selection", "n_distinct"}}`` and the peers' results.
    """
    from sklearn.base import clone

    from skactive.strategies import STRATEGY_ALIASES

    learner, X_pool, X_labelled, _ = fitted_learner(settings)
    module, chunk = learner.network_.module_, learner.pool_batch_size
    n, N = settings["n"], settings["n_pool"]
    rng = np.random.RandomState(0)
    widths = {"d": N_HIDDEN, "(K+d)": N_CLASSES + N_HIDDEN, "D": N_FEATURES}
    results = {"strategies": {}}
    with threadpool_limits(limits=1):
        _, unit = _cpu(lambda: plain_forward(module, X_pool, chunk))
        results["unit"] = unit
        results["embedding_pass"] = {}
        for name, width in GREEDY.items():
            E = rng.normal(size=(N, widths[width])).astype(np.float32)
            results["embedding_pass"][name] = {
                "seconds": _cpu(lambda E=E: E @ E[0], repeats=5)[1],
                "bytes": int(E.nbytes),
                "columns": width,
            }
        print(
            f"one forward pass over the pool (N={N}, MLP {N_FEATURES}-{N_HIDDEN}-{N_CLASSES}): "
            f"{unit * 1e3:.1f} ms CPU; n = {n} picks, |L| = {settings['n_labelled']}"
        )
        for name, cls in STRATEGY_ALIASES.items():
            strategy = cls(**strategy_settings(name, settings))
            learner.query_strategy_ = clone(strategy)
            picked, seconds = _cpu(lambda: learner.query(X_pool, n))
            passes, how = needed_passes(name, strategy, settings)
            r = {
                "seconds": seconds,
                "passes": passes,
                "how": how,
                "ratio": seconds / (passes * unit) if passes else None,
                "selection": max(seconds - passes * unit, 0.0),
                "n_distinct": int(np.unique(picked).shape[0]),
            }
            if name in GREEDY:
                r["selection_limit"] = n * results["embedding_pass"][name]["seconds"]
            results["strategies"][name] = r
            ratio = "" if r["ratio"] is None else f"{r['ratio']:7.2f}x of {passes:.2f} passes"
            print(f"  {name:18s} {seconds:8.3f} s  {ratio}", flush=True)
    results["peers"] = run_peers(learner, X_pool, settings, list(STRATEGY_ALIASES), peers)
    for peer, cases in results["peers"].items():
        if "error" in cases:
            print(f"  {peer}: {cases['error']}")
            continue
        for name, r in cases.items():
            if "error" in r:
                print(f"  {peer:16s} {name:18s} {r['error']}")
            else:
                pass_ms = r["unit"] * 1e3
                print(f"  {peer:16s} {name:18s} {r['seconds']:8.3f} s (its pass {pass_ms:.1f} ms)")
    return results


def _time(seconds):
    """Seconds for a table: milliseconds below one second."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    ms = seconds * 1e3
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def _fmt_ratio(seconds, passes, unit):
    return _time(seconds) + (f" ({seconds / (passes * unit):.1f}×)" if passes else "")


def render(results):
    """The README's performance section (markdown) from a full run's results."""
    s = results["strategies"]
    settings = results["settings"]
    k = results["kernels"]
    lines = [
        f"Measured by `{results['command']}` on {results['date']} ({results['machine']}); "
        f"the output is in `benchmarks/results/limits/`. A trained MLP "
        f"({N_FEATURES}-{N_HIDDEN}-{N_CLASSES}, dropout 0.2) on a 10-class Gaussian mixture, "
        f"L = {settings['n_labelled']} labelled rows, a pool of N = {settings['n_pool']:,} rows, "
        f"n = {settings['n']} picks, every strategy with its defaults but J = "
        f"{settings['n_mc_samples']} MC-dropout samples; CPU seconds of one process, BLAS and "
        f"torch on one thread. *×*: the time as a multiple of the forward passes over the pool "
        f"the method cannot avoid (one pass: {s_unit(results)}); the peers' figures are "
        "measured in their own environment on the same weights and pool, against their own "
        "pass.",
        "",
        "| strategy | forward passes it needs | skactive (×) | selection: time, limit | "
        "scikit-activeml (×) | baal (×) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in s.items():
        selection = "—"
        if name not in RANKING and name != "random":
            selection = _time(r["selection"])
        if "selection_limit" in r:
            e = results["embedding_pass"][name]
            selection += (
                f": {r['selection'] / r['selection_limit']:.1f} passes/pick over N×{e['columns']}"
                f" ({e['bytes'] / 1e6:.1f} MB each; n passes: {_time(r['selection_limit'])})"
            )
        seconds = _fmt_ratio(r["seconds"], r["passes"], results["unit"])
        cells = [f"`{name}`", r["how"], seconds, selection]
        for peer in PEERS:
            cases = results["peers"].get(peer, {})
            if "error" in cases:
                cells.append(cases["error"].split(" (")[0])
            elif name in cases and "error" in cases[name]:
                cells.append(cases[name]["error"])
            elif name in cases:
                p = cases[name]
                cells.append(_fmt_ratio(p["seconds"], r["passes"], p["unit"]))
            else:
                cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    met = [n for n in RANKING if s[n]["ratio"] <= 1.5]
    missed = [f"`{n}` {s[n]['ratio']:.1f}×" for n in RANKING if s[n]["ratio"] > 1.5]
    lines += [
        "",
        "The peers are scikit-activeml 1.0.1 and baal 2.1.0, installed by the commands in "
        "`benchmarks/peers/peer_limits.py`. scikit-activeml's BatchBALD estimates the joint "
        "entropy from as many sampled label configurations as there are MC samples (M = J by "
        "default), skactive's from 1,000, so that row is not the same work; baal's BatchBALD "
        "ran its process out of the address space it was allowed (a cell says so).",
        "",
        "Target, every ranking strategy within 1.5× of the passes it needs: met by "
        + (", ".join(f"`{n}`" for n in met) or "none")
        + "; missed by "
        + (", ".join(missed) or "none")
        + ".",
        "",
        "Core-Set's, DAMI's and ALBL's selection includes the distances of the pool to the "
        "L labelled rows (an N×L product), which n passes over the embedding do not count.",
        "",
        "Greedy kernels at scale (the same run; `--kernels` runs this part alone, d = 256, "
        "K = 10): "
        + "; ".join(
            f"{case}: {r['before']:.1f} s with a full pass per pick → {r['after']:.1f} s "
            f"({r['after'] / (settings['kernel_n'] * r['one_pass']):.2f} passes/pick)"
            for case, r in k.items()
        )
        + f", n = {settings['kernel_n']}, same picks: "
        + ("yes" if all(r["same_picks"] for r in k.values()) else "NO")
        + ".",
        "",
    ]
    return "\n".join(lines)


def s_unit(results):
    return f"{results['unit'] * 1e3:.1f} ms"


BEGIN = "<!-- limit benchmark: generated by benchmarks/bench_limits.py --readme -->"
END = "<!-- end of limit benchmark -->"


def replace_section(readme_text, section):
    """``readme_text`` with the text between the markers replaced by ``section``."""
    if readme_text.count(BEGIN) != 1 or readme_text.count(END) != 1:
        raise ValueError("README.md must hold the limit-benchmark markers exactly once each.")
    head, rest = readme_text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{section}{END}{tail}"


def full_run(quick=False, noise=False, peers=PEER_PYTHON, out=None):
    """Kernels, then every strategy and the peers, in one run; the results dict."""
    import datetime
    import platform

    settings = dict(QUICK if quick else FULL)
    settings["kernel_n"] = 100 if quick else 1000
    started = time.time()
    kernels = main(quick=quick, noise=noise)
    results = bench_strategies(settings, peers)
    results.update(
        settings=settings,
        kernels=kernels,
        quick=quick,
        command=COMMAND,
        date=datetime.date.today().isoformat(),
        machine=f"{os.cpu_count()} CPU cores, {platform.machine()}",
        wall_seconds=time.time() - started,
    )
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "limits.json").write_text(json.dumps(results, indent=1, default=float) + "\n")
    return results


class _Tee:
    """Write to the terminal and to a file (the run's recorded output)."""

    def __init__(self, stream, path):
        self.stream, self.file = stream, open(path, "w")

    def write(self, text):
        self.stream.write(text)
        self.file.write(text)

    def flush(self):
        self.stream.flush()
        self.file.flush()


def cli(argv=None):
    import contextlib
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--noise", action="store_true", help="also Core-Set on isotropic noise")
    parser.add_argument("--kernels", action="store_true", help="only the greedy kernels")
    parser.add_argument("--peers", default=str(PEER_PYTHON), help="python of the peers' venv")
    parser.add_argument("--out", help="folder for limits.json and output.txt")
    parser.add_argument("--readme", action="store_true", help="print and write README's table")
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    args = parser.parse_args(argv)
    if args.readme or args.check:
        readme = Path(__file__).resolve().parents[1] / "README.md"
        results = json.loads((RESULTS / "limits.json").read_text())
        text = readme.read_text()
        updated = replace_section(text, render(results))
        if args.check:
            sys.exit(0 if updated == text else "README.md's limit table is stale: run --readme")
        print(render(results))
        readme.write_text(updated)
        return
    if args.kernels:
        main(quick=args.quick, noise=args.noise)
        return
    if args.out is None:
        full_run(args.quick, args.noise, args.peers)
        return
    Path(args.out).mkdir(parents=True, exist_ok=True)
    tee = _Tee(sys.stdout, Path(args.out) / "output.txt")
    with contextlib.redirect_stdout(tee):
        full_run(args.quick, args.noise, args.peers, args.out)
    tee.file.close()


if __name__ == "__main__":
    cli()
