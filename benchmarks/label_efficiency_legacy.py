"""The first label-efficiency benchmark (50 fixed epochs), kept to reproduce its results.

Superseded by ``benchmarks/label_efficiency.py``, which trains every round to
convergence and compares strategies on larger pools and budgets, with
ablations. This script made the results committed in
``benchmarks/results/label_efficiency/`` (and the README section generated
from them) when it was still called ``label_efficiency.py``; the commands
recorded in their manifest use that name. It trains a fixed number of epochs
(``convergence=False``), as it did then.

Answers "does active learning save labels here, and which strategy should I
use?" with numbers skactive produces itself, through
:func:`skactive.model_selection.cross_validate_strategies` and
:func:`skactive.model_selection.dami_protocol` (no loop of its own).

Two protocols:

1. **BADGE protocol** (Ash et al., §4). Every strategy on MAGIC,
   pendigits, satimage, kr-vs-k and MNIST-5k (classification, accuracy) and
   the regression strategies on CCPP (R², target standardised). Each run
   draws ``train_size`` training rows and ``test_size`` test rows at random
   (stratified for classification), labels a random seed set of
   ``initial_size`` rows, then queries batches of a small and of a large size
   until ``budget`` rows are labelled. The five repeats are five such
   splits; every strategy of a repeat starts from the same seed set and
   network seed. The settings (data set x batch size) feed BADGE's pairwise
   penalty matrix and normalised-error CDF.
2. **DAMI protocol** on MAGIC (the paper's "Telescope"): 60/20/20 split, 2 %
   of the training rows as seed, 2 % per round up to 50 %, test AUC, median
   over runs, with the paper's comparison set (RND, EGL, BALD, Core-Set,
   BADGE, DAMI). MAGIC is subsampled to ``dami_rows`` rows to fit the
   machine.

The network is skactive's default MLP (:func:`skactive.nets.make_mlp_net`:
one hidden layer of 64 units, dropout 0.2, Adam at 1e-3, batch 32, 50
epochs, retrained from scratch each round) behind a ``StandardScaler``.
Strategies run with their defaults, except where a default does not fit the
machine (listed in :func:`strategies` and in the manifest).

Besides the results, the script times one inference pass of a fitted
learner over a pool of the benchmark's size (median of 5), to set next to
each strategy's median query time.

Nothing is cached: every run trains and queries anew. The outputs (CSV and
``manifest.json``, then the plots and the README section made from them by
``benchmarks/label_efficiency_report.py``) go to ``--out``.

Run (the committed results were made with this command; see
``benchmarks/results/label_efficiency/manifest.json``)::

    OMP_NUM_THREADS=1 python benchmarks/label_efficiency_legacy.py --n-jobs 2

``--quick`` runs a small version (two data sets, tiny budgets, every
strategy) in a couple of minutes; the test suite runs it.

**Image setting** (``--image``, run on its own): MNIST-5k as ``(N, 1, 28,
28)`` images in ``[0, 1]`` with skactive's default CNN
(:func:`skactive.nets.make_cnn_net`: two 3x3 convolution blocks of 16 and 32
channels, a 128-unit penultimate layer, dropout 0.2), trained from scratch
each round for ``max_epochs`` epochs of Adam at ``lr``, chosen so that the
network fits its labelled set (training accuracy ~100 %) at every round:
each fit's training accuracy is recorded in ``image_train_accuracy.csv``.
The strategies are those of :func:`image_strategies`; the protocol is the
BADGE protocol above with :data:`IMAGE_FULL`'s settings. It writes
``image_results.csv``, ``image_train_accuracy.csv`` and an ``"image"``
entry in ``manifest.json`` (the rest of the manifest, the full run's, is
kept), then the README section is regenerated::

    OMP_NUM_THREADS=1 python benchmarks/label_efficiency_legacy.py --image --n-jobs 2

The committed image results took 55 minutes on 2 CPU cores shared with
other work (load average 13 to 18, each of its two workers running about
7 % of the time). ``--image --quick`` runs a tiny version in
seconds (the test suite runs it).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "label_efficiency"

# Data set -> task. Classification sets first, the regression set last.
DATASETS = {
    "magic": "classifier",
    "pendigits": "classifier",
    "satimage": "classifier",
    "kr-vs-k": "classifier",
    "mnist-5k": "classifier",
    "ccpp": "regressor",
}

FULL = dict(
    datasets=tuple(DATASETS),
    train_size=1500,
    test_size=1000,
    initial_size=50,
    budget=250,
    batch_sizes=(10, 50),
    n_repeats=5,
    max_epochs=50,
    dami_rows=5000,
    dami_runs=5,
)
QUICK = dict(
    datasets=("satimage", "ccpp"),
    train_size=120,
    test_size=100,
    initial_size=20,
    budget=40,
    batch_sizes=(5, 10),
    n_repeats=2,
    max_epochs=10,
    dami_rows=500,
    dami_runs=2,
)

#: The image setting: MNIST-5k as (N, 1, 28, 28) images, with the default CNN.
IMAGE_DATASET = "mnist-5k"
IMAGE_FULL = dict(
    train_size=1500,
    test_size=1000,
    initial_size=50,
    budget=200,
    batch_sizes=(25, 50),
    n_repeats=3,
    max_epochs=20,
    lr=3e-3,
)
IMAGE_QUICK = dict(
    train_size=150,
    test_size=100,
    initial_size=20,
    budget=40,
    batch_sizes=(10, 20),
    n_repeats=2,
    max_epochs=5,
    lr=3e-3,
)
#: The command recorded for the committed image results (the script's name then).
IMAGE_COMMAND = "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --image --n-jobs 2"

#: The comparison set of the DAMI paper ("Experiments on Tabular Datasets").
DAMI_STRATEGIES = ("random", "egl", "bald", "coreset", "badge", "dami")


def strategies(task, quick=False):
    """The strategies of the benchmark, by alias, with their settings.

    Defaults everywhere except:

    - ``batchbald``: 20 MC-dropout samples and 200 sampled label
      configurations (defaults 50 and 1,000), five times cheaper;
    - ``dal``: a (64, 64, 64) discriminator (the paper's width 256 was
      chosen for representations of a few hundred dimensions, the MLP's is
      64; see DAL's docstring) and at most 30 epochs per mini-query (the
      cap is not in the paper; training stops earlier at 98 % accuracy).

    Parameters
    ----------
    task : {"classifier", "regressor"}
    quick : bool, default=False
        Fewer MC samples and epochs, for the quick mode.

    Returns
    -------
    strategies : dict of str -> QueryStrategy
    """
    from skactive.strategies import (
        ALBL,
        ALEX,
        BADGE,
        BALD,
        DAL,
        DAMI,
        DEIMOS,
        EGL,
        BatchBALD,
        CoreSet,
        DensityWeighted,
        Entropy,
        LeastConfidence,
        Margin,
        MaxVariance,
        Random,
    )

    mc = dict(n_mc_samples=10) if quick else {}
    dal = DAL(hidden_layer_sizes=(64, 64, 64), max_epochs=5 if quick else 30)
    if task == "regressor":
        return {
            "random": Random(),
            "coreset": CoreSet(),
            "dami": DAMI(),
            "max_variance": MaxVariance(**mc),
            "deimos": DEIMOS(**mc),
            "dal": dal,
        }
    return {
        "random": Random(),
        "least_confidence": LeastConfidence(),
        "margin": Margin(),
        "entropy": Entropy(),
        "bald": BALD(**mc),
        "batchbald": BatchBALD(n_mc_samples=10 if quick else 20, n_configurations=200),
        "max_variance": MaxVariance(**mc),
        "deimos": DEIMOS(**mc),
        "egl": EGL(),
        "coreset": CoreSet(),
        "density_weighted": DensityWeighted(),
        "albl": ALBL(),
        "badge": BADGE(),
        "dami": DAMI(),
        # 100 background rows: ALEX's default when these results were made.
        "alex": ALEX(n_background=20) if quick else ALEX(n_background=100),
        "dal": dal,
    }


def image_strategies(quick=False):
    """The strategies of the image setting, by alias.

    Defaults, except BALD's and DEIMOS's 20 MC-dropout samples (default 50:
    each sample is a full CNN pass over the pool) and DAL's discriminator,
    as in :func:`strategies`.

    Parameters
    ----------
    quick : bool, default=False
        Fewer MC samples and epochs, for the quick mode.

    Returns
    -------
    strategies : dict of str -> QueryStrategy
    """
    from skactive.strategies import BADGE, BALD, DAL, DEIMOS, CoreSet, Margin, Random

    mc = dict(n_mc_samples=5 if quick else 20)
    return {
        "random": Random(),
        "margin": Margin(),
        "bald": BALD(**mc),
        "deimos": DEIMOS(**mc),
        "coreset": CoreSet(),
        "badge": BADGE(),
        "dal": DAL(hidden_layer_sizes=(64, 64, 64), max_epochs=5 if quick else 30),
    }


def _train_accuracy_callback(path):
    """A skorch callback appending ``n_rows,accuracy`` on its training set to ``path``."""
    from skorch.callbacks import Callback

    class TrainAccuracy(Callback):
        """After each fit, the accuracy of the net on the rows it was trained on."""

        def __init__(self, path):
            self.path = path

        def on_train_end(self, net, X=None, y=None, **kwargs):
            accuracy = float(np.mean(net.predict(X) == np.asarray(y)))
            # One short line per fit, appended: safe from several processes.
            with open(self.path, "a") as f:
                f.write(f"{len(y)},{accuracy:.6f}\n")

    return TrainAccuracy(path)


def make_image_learner(max_epochs, lr, accuracy_path=None):
    """The default CNN in an ActiveLearner (training accuracy logged to ``accuracy_path``)."""
    from skactive import ActiveLearner
    from skactive.nets import make_cnn_net

    callbacks = None
    if accuracy_path is not None:
        callbacks = [("train_accuracy", _train_accuracy_callback(str(accuracy_path)))]
    return ActiveLearner(
        make_cnn_net(max_epochs=max_epochs, lr=lr, callbacks=callbacks, convergence=False)
    )


def load_images():
    """MNIST-5k as float32 images of shape (5000, 1, 28, 28) in [0, 1], and labels."""
    from skactive.datasets import load_dataset

    X, y = load_dataset(IMAGE_DATASET, return_X_y=True)
    X = np.asarray(X, dtype=np.float32).reshape(-1, 1, 28, 28) / 255.0
    return X, np.asarray(y)


def run_image_protocol(settings, n_jobs, seed, quick, log, workdir):
    """The BADGE protocol on MNIST-5k images with the CNN; results and training accuracies."""
    import pandas as pd

    X, y = load_images()
    named = image_strategies(quick)
    split_seed = seed + sum(map(ord, IMAGE_DATASET))
    frames, accuracies = [], []
    for batch in settings["batch_sizes"]:
        path = Path(workdir) / f"train_accuracy_{batch}.csv"
        path.unlink(missing_ok=True)
        learner = make_image_learner(settings["max_epochs"], settings["lr"], path)
        start = time.perf_counter()
        results = _run_setting(
            learner, named, X, y, "classifier", IMAGE_DATASET, batch, settings, split_seed, n_jobs
        )
        frames.append(results)
        acc = pd.read_csv(path, names=["n_labeled", "train_accuracy"])
        acc.insert(0, "batch_size", batch)
        accuracies.append(acc.sort_values(["n_labeled", "train_accuracy"], kind="stable"))
        path.unlink()
        log(f"{IMAGE_DATASET} images, batch {batch}: {time.perf_counter() - start:.0f} s")
    return pd.concat(frames, ignore_index=True), pd.concat(accuracies, ignore_index=True)


def _image_manifest(settings, argv, elapsed, quick, n_jobs, seed):
    entry = _manifest(settings, argv, elapsed, quick, n_jobs, seed)
    entry["dataset"] = IMAGE_DATASET
    entry["strategies"] = {k: repr(v) for k, v in image_strategies(quick).items()}
    entry["network"] = repr(make_image_learner(settings["max_epochs"], settings["lr"]).estimator)
    del entry["dami_strategies"]
    return entry


def main_image(quick=False, n_jobs=2, out=None, seed=0, argv=None, log=None):
    """Run the image setting; write its files next to the others; return the folder.

    Writes ``image_results.csv`` (the columns of ``results.csv``),
    ``image_train_accuracy.csv`` (``batch_size``, ``n_labeled``,
    ``train_accuracy``: one row per fit of the network, every strategy and
    repeat), and the ``"image"`` entry of ``manifest.json``, keeping the
    rest of that file. The README section is regenerated when the folder
    also holds the tabular results.
    """
    sys.path.insert(0, str(HERE))
    import label_efficiency_report as report

    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    settings = IMAGE_QUICK if quick else IMAGE_FULL
    out = Path(out) if out is not None else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with tempfile.TemporaryDirectory(prefix="skactive-label-efficiency-") as workdir:
            results, accuracy = run_image_protocol(settings, n_jobs, seed, quick, log, workdir)
    results.to_csv(out / "image_results.csv", index=False, float_format="%.6g")
    accuracy.to_csv(out / "image_train_accuracy.csv", index=False, float_format="%.6g")
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest["image"] = _image_manifest(
        settings, argv or [], time.perf_counter() - start, quick, n_jobs, seed
    )
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    report.write_image(out)
    if (out / "results.csv").exists():
        report.write_all(out)
    return out


def make_learner(task, max_epochs):
    """The default MLP behind a StandardScaler, in an ActiveLearner."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner
    from skactive.nets import make_mlp_net

    net = make_mlp_net(task, max_epochs=max_epochs, convergence=False)
    # "random" works with both tasks (the default, entropy, needs a classifier);
    # cross_validate_strategies replaces it by each strategy compared.
    return ActiveLearner(make_pipeline(StandardScaler(), net), query_strategy="random")


def load(name):
    """X (float64) and y of a bundled data set; a regression target standardised."""
    from skactive.datasets import load_dataset

    X, y = load_dataset(name, return_X_y=True)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if DATASETS[name] == "regressor":
        y = (y - y.mean()) / y.std()
    return X, y


def _splitter(task, n_splits, train_size, test_size, seed):
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    cls = StratifiedShuffleSplit if task == "classifier" else ShuffleSplit
    return cls(n_splits=n_splits, train_size=train_size, test_size=test_size, random_state=seed)


def _run_setting(learner, named, X, y, task, name, batch, settings, split_seed, n_jobs):
    """One (data set, batch size) setting: every strategy over the paired splits.

    One split per repeat: ``fold`` numbers the splits, ``repeat`` is 0.
    """
    from skactive.model_selection import cross_validate_strategies

    results = cross_validate_strategies(
        learner,
        named,
        X,
        y,
        cv=_splitter(
            task,
            settings["n_repeats"],
            settings["train_size"],
            settings["test_size"],
            split_seed,
        ),
        initial_size=settings["initial_size"],
        query_size=batch,
        budget=settings["budget"],
        n_jobs=n_jobs,
        verbose=False,
        random_state=split_seed,
    )
    results = results.drop(columns=["queried"])
    results.insert(0, "batch_size", batch)
    results.insert(0, "task", task)
    results.insert(0, "dataset", name)
    return results


def inference_time(learner, task, X, y, settings, seed, repeats=5):
    """Median seconds of one ``predict`` pass over a pool of the benchmark's size.

    The learner is fitted on ``initial_size`` random rows; the pool is the
    ``train_size - initial_size`` rows a first query would see.
    """
    from sklearn.base import clone

    rng = np.random.RandomState(seed)
    order = rng.permutation(X.shape[0])
    seed_rows = order[: settings["initial_size"]]
    pool = X[order[settings["initial_size"] : settings["train_size"]]]
    classes = np.unique(y) if task == "classifier" else None
    fitted = clone(learner).set_params(random_state=seed, classes=classes)
    fitted.fit(X[seed_rows], y[seed_rows])
    predict = fitted.predict_proba if classes is not None else fitted.predict
    predict(pool)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(pool)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), pool.shape[0]


def run_badge_protocol(settings, n_jobs, seed, quick, log):
    """Every (data set, batch size) setting; one tidy table."""
    import pandas as pd

    frames, timings = [], []
    for name in settings["datasets"]:
        task = DATASETS[name]
        X, y = load(name)
        learner = make_learner(task, settings["max_epochs"])
        named = strategies(task, quick)
        split_seed = seed + sum(map(ord, name))
        for batch in settings["batch_sizes"]:
            start = time.perf_counter()
            results = _run_setting(
                learner, named, X, y, task, name, batch, settings, split_seed, n_jobs
            )
            frames.append(results)
            log(f"{name}, batch {batch}: {time.perf_counter() - start:.0f} s")
        seconds, n_pool = inference_time(learner, task, X, y, settings, split_seed)
        timings.append({"dataset": name, "pool_rows": n_pool, "inference_time": seconds})
    return pd.concat(frames, ignore_index=True), pd.DataFrame(timings)


def run_dami_protocol(settings, n_jobs, seed, quick):
    """The DAMI paper's protocol on a stratified subsample of MAGIC."""
    from sklearn.model_selection import train_test_split

    from skactive.model_selection import dami_protocol

    X, y = load("magic")
    X, _, y, _ = train_test_split(
        X, y, train_size=settings["dami_rows"], stratify=y, random_state=seed
    )
    named = {k: v for k, v in strategies("classifier", quick).items() if k in DAMI_STRATEGIES}
    out = dami_protocol(
        make_learner("classifier", settings["max_epochs"]),
        named,
        X,
        y,
        n_runs=settings["dami_runs"],
        scoring="roc_auc",
        n_jobs=n_jobs,
        verbose=False,
        random_state=seed,
    )
    results = out.results.drop(columns=["queried"])
    n_train = int(np.floor(0.6 * X.shape[0]))  # dami_protocol's training rows
    results.insert(0, "fraction_labeled", results["n_labeled"] / n_train)
    return results


def _manifest(settings, argv, elapsed, quick, n_jobs, seed):
    import sklearn
    import skorch
    import torch

    import skactive

    return {
        "command": "OMP_NUM_THREADS=1 python benchmarks/label_efficiency_legacy.py "
        + " ".join(argv),
        "date": time.strftime("%Y-%m-%d"),
        "elapsed_seconds": round(elapsed, 1),
        "quick": quick,
        "n_jobs": n_jobs,
        "seed": seed,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
        "strategies": {
            task: {k: repr(v) for k, v in strategies(task, quick).items()}
            for task in ("classifier", "regressor")
        },
        "dami_strategies": list(DAMI_STRATEGIES),
        "network": repr(make_learner("classifier", settings["max_epochs"]).estimator),
        "machine": {
            "cpus": os.cpu_count(),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": {
            "skactive": skactive.__version__,
            "torch": torch.__version__,
            "skorch": skorch.__version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
    }


def main(quick=False, n_jobs=2, out=None, seed=0, argv=None, log=None):
    """Run the benchmark and write its files; return the output folder.

    Parameters
    ----------
    quick : bool, default=False
    n_jobs : int, default=2
        joblib workers over the (strategy, repeat) runs of each setting.
    out : str or Path, default=None
        Output folder; ``benchmarks/results/label_efficiency`` by default.
    seed : int, default=0
    argv : list of str, default=None
        The command-line arguments, recorded in the manifest.
    log : callable, default=None
        Progress messages (stderr by default).

    Returns
    -------
    out : Path
        The folder holding ``results.csv``, ``inference.csv``,
        ``dami_results.csv``, ``manifest.json``, the plots and ``README.md``
        (the results section).
    """
    sys.path.insert(0, str(HERE))
    import label_efficiency_report as report

    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    settings = QUICK if quick else FULL
    out = Path(out) if out is not None else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Tiny seed sets can miss a class entirely in a quick run; skorch and
        # scikit-learn warn about it, which is expected here.
        warnings.simplefilter("ignore", UserWarning)
        results, timings = run_badge_protocol(settings, n_jobs, seed, quick, log)
        dami = run_dami_protocol(settings, n_jobs, seed, quick)
    log(f"DAMI protocol done, {time.perf_counter() - start:.0f} s in all")
    results.to_csv(out / "results.csv", index=False, float_format="%.6g")
    timings.to_csv(out / "inference.csv", index=False, float_format="%.6g")
    dami.to_csv(out / "dami_results.csv", index=False, float_format="%.6g")
    manifest = _manifest(settings, argv or [], time.perf_counter() - start, quick, n_jobs, seed)
    previous = out / "manifest.json"
    if previous.exists() and "image" in json.loads(previous.read_text()):
        # The image setting runs on its own (--image); keep its entry.
        manifest["image"] = json.loads(previous.read_text())["image"]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    report.write_all(out)
    return out


def _cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version, in minutes")
    parser.add_argument(
        "--image", action="store_true", help="the image setting only (MNIST-5k with the CNN)"
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    recorded = list(sys.argv[1:] if argv is None else argv)
    run = main_image if args.image else main
    out = run(quick=args.quick, n_jobs=args.n_jobs, out=args.out, seed=args.seed, argv=recorded)
    print(f"wrote {out}")


if __name__ == "__main__":
    _cli()
