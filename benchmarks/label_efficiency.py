"""Label-efficiency benchmark: every strategy on the bundled real data sets.

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

    OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2

``--quick`` runs a small version (two data sets, tiny budgets, every
strategy) in a couple of minutes; the test suite runs it.
"""

import argparse
import json
import os
import platform
import sys
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
        "alex": ALEX(n_background=20) if quick else ALEX(),
        "dal": dal,
    }


def make_learner(task, max_epochs):
    """The default MLP behind a StandardScaler, in an ActiveLearner."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner
    from skactive.nets import make_mlp_net

    net = make_mlp_net(task, max_epochs=max_epochs)
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

    from skactive.model_selection import cross_validate_strategies

    frames, timings = [], []
    for name in settings["datasets"]:
        task = DATASETS[name]
        X, y = load(name)
        learner = make_learner(task, settings["max_epochs"])
        named = strategies(task, quick)
        split_seed = seed + sum(map(ord, name))
        for batch in settings["batch_sizes"]:
            start = time.perf_counter()
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
            # One split per repeat: ``fold`` numbers the splits, ``repeat`` is 0.
            results = results.drop(columns=["queried"])
            results.insert(0, "batch_size", batch)
            results.insert(0, "task", task)
            results.insert(0, "dataset", name)
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
        "command": "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py " + " ".join(argv),
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
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    report.write_all(out)
    return out


def _cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version, in minutes")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    recorded = list(sys.argv[1:] if argv is None else argv)
    out = main(quick=args.quick, n_jobs=args.n_jobs, out=args.out, seed=args.seed, argv=recorded)
    print(f"wrote {out}")


if __name__ == "__main__":
    _cli()
