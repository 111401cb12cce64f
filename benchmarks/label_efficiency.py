"""Label-efficiency benchmark: every strategy on every bundled data set, trained to convergence.

Answers "does active learning save labels here, and which strategy should I
use, at which budget?" with numbers skactive produces itself, through
:func:`skactive.model_selection.cross_validate_strategies` (no loop of its
own). The protocol avoids the pitfalls Lüth et al. (NeurIPS 2023) list for
active-learning evaluations:

- **Converged training.** The network is skactive's default MLP
  (:func:`skactive.nets.make_mlp_net`: one hidden layer of 64 units,
  dropout 0.2, Adam at 1e-3, batch 32) behind a ``StandardScaler``,
  retrained from scratch each round with the library's default schedule,
  :class:`skactive.nets.TrainToConvergence` (at least 500 gradient steps,
  then until the training loss plateaus or the training accuracy reaches
  99 %, at most 1,000 epochs). A barely trained network makes uncertainty
  meaningless and random sampling look strong.
- **Realistic pools and budgets.** Pools of ``pool_size`` (5,000) rows where
  the data allow (fewer for digits and MNIST-5k, whose test rows come out
  first), budgets up to ``budget`` (1,000) labels (half the pool at most).
- **Several settings.** Two (starting budget, batch size) settings per data
  set (``settings``): 20 labels grown in batches of 100, and 100 labels
  grown in batches of 200, so two starting budgets and two batch sizes. The
  full 2 x 2 grid would cost 2.5 times the fits (a batch of 50 alone
  doubles them) for settings that sit between these two.
- **Paired repeats.** ``n_repeats`` (10) random (pool, test) splits per
  data set; in a repeat every strategy, every setting and every training
  variant starts from the same split, seed set and network seed, so
  differences are paired. The report gives standard errors over repeats and
  win counts against random per setting.
- **Ablations beside the main table.** The same comparison with the old
  protocol's 50 fixed epochs (``fixed50``) and with warm-started rounds
  (``warm``: ``ActiveLearner(warm_start=True)``, converged), on the
  settings and data sets of ``ablation`` (20 labels in batches of 100, on
  pendigits and ccpp: one classification and one regression set).

Every strategy of the registry (``skactive.strategies.STRATEGY_ALIASES``)
runs on every bundled data set (``skactive.datasets.DATASETS``): the
strategies a regressor supports on the regression sets, all on the
classification sets. A strategy added to the registry joins the next part
run (only its own runs are run for the settings already done). Defaults
everywhere, except :data:`OVERRIDES` (cost only).

**Resumable in parts.** The work is cut into *units*, one per (training
variant, data set, starting budget, batch size); each unit's runs go to its
own file ``runs/<training>__<dataset>__i<initial>_b<batch>.csv``. A call
runs the units of its part (``--part K/N``: every N-th unit from the K-th)
that are not done yet and skips the rest; an interrupted unit (Ctrl-C, or
the SIGTERM a time limit sends) leaves a ``.partial.csv`` file that the
next call goes on from (``cross_validate_strategies(completed=...)``). Each
unit's time is appended to ``timings.csv``, and each call prints how long
each unit took and an estimate of the full run's time at the measured
speed. ``manifest.json`` records the protocol; a call with other settings
into the same folder is refused.

The full run is large: 18 units, about 25,900 (fit, query) rounds and 29,300 fits.
A converged fit of the default MLP takes about 0.9 to 1.5 s of CPU time at 20 to
1,000 labels on the development machine, so expect some 5 to 7 hours on 2 cores
(the estimate printed after each part replaces this guess by measured speed). Run
the parts one after the other or in separate sessions, e.g. six parts of about an
hour each (a part that outlives its session is killed and goes on next time)::

    OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --part 1/6 --n-jobs 2
    ...
    OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --part 6/6 --n-jobs 2
    python benchmarks/label_efficiency.py --status              # what is done, what is left
    python benchmarks/label_efficiency_report.py --converged   # once every unit is done

A part killed by a time limit keeps its completed runs; run the same part again.
Better, give the part its own limit, a little inside the session's, so that it
stops by itself, writes the partial file and exits cleanly (status 0)::

    OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2 --stop-after 8000

SIGTERM ends a call the same way. The runs a stop catches mid-way are lost (up
to a minute or two of work each); a hard kill (SIGKILL) loses every run of the
unit in progress since the call began, so stop it before the session ends.

``--quick`` runs a small version (two data sets, tiny pools and budgets, a
short schedule, every strategy, every unit) in a few minutes; the test
suite runs it. ``--status`` lists what is done and the estimate, running
nothing.
"""

import argparse
import json
import os
import platform
import signal
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "label_efficiency_converged"

FULL = dict(
    datasets=None,  # every bundled data set
    pool_size=5000,
    test_size=1000,
    settings=((20, 100), (100, 200)),  # (starting budget, batch size)
    budget=1000,
    n_repeats=10,
    ablation=dict(settings=((20, 100),), datasets=("pendigits", "ccpp")),
    schedule=None,  # TrainToConvergence's defaults
    fixed_epochs=50,
)
QUICK = dict(
    datasets=("satimage", "ccpp"),
    pool_size=100,
    test_size=60,
    settings=((10, 5), (10, 10), (15, 5), (15, 10)),
    budget=20,
    n_repeats=2,
    ablation=dict(settings=((10, 10),)),
    schedule=dict(min_steps=10, patience=2),
    fixed_epochs=5,
    max_epochs=20,
)

#: The training variants: the main protocol first, then the ablations.
TRAININGS = ("converged", "fixed50", "warm")

#: Settings other than a strategy's defaults, by alias (to fit the machine).
#: BatchBALD: 20 MC samples and 200 sampled configurations (defaults 50 and
#: 1,000); DAL: a (64, 64, 64) discriminator for the MLP's 64-unit embedding
#: and at most 30 epochs per mini-query (see DAL's docstring).
OVERRIDES = {
    "batchbald": dict(n_mc_samples=20, n_configurations=200),
    "dal": dict(hidden_layer_sizes=(64, 64, 64), max_epochs=30),
}
#: In the quick mode, fewer MC samples, epochs and background rows.
QUICK_OVERRIDES = {
    "n_mc_samples": 5,
    "max_epochs": 5,
    "n_background": 20,
    "n_configurations": 100,
}

COMMAND = "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2"


# ------------------------------------------------------------------ protocol


def dataset_names(settings):
    """The data sets of a run: ``settings["datasets"]`` or every bundled one."""
    from skactive.datasets import DATASETS

    return tuple(settings["datasets"] or DATASETS)


def load(name):
    """X (float64), y and the task of a bundled data set; a regression target standardised.

    The task is read from the target: floating values that are not all
    whole numbers make a regression set.
    """
    from skactive.datasets import load_dataset

    X, y = load_dataset(name, return_X_y=True)
    X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    y = np.asarray(y)
    regression = np.issubdtype(y.dtype, np.floating) and not np.all(y == np.round(y))
    if regression:
        y = (y - y.mean()) / y.std()
    return X, y, "regressor" if regression else "classifier"


def sizes(n_rows, settings):
    """Pool rows, test rows and budget for a data set of ``n_rows`` rows.

    The test set takes ``test_size`` rows (a quarter of the data at most);
    the pool takes ``pool_size`` of the rest, or all of it; the budget is at
    most half the pool.
    """
    test = min(settings["test_size"], n_rows // 4)
    pool = min(settings["pool_size"], n_rows - test)
    return pool, test, min(settings["budget"], pool // 2)


def make_learner(task, training, settings):
    """The default MLP behind a StandardScaler, in an ActiveLearner, for a training variant."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner
    from skactive.nets import TrainToConvergence, make_mlp_net

    if training == "fixed50":
        net = make_mlp_net(task, max_epochs=settings["fixed_epochs"], convergence=False)
    else:
        schedule = TrainToConvergence(**(settings["schedule"] or {}))
        net = make_mlp_net(task, max_epochs=settings.get("max_epochs"), convergence=schedule)
    # "random" works with both tasks; cross_validate_strategies replaces it.
    return ActiveLearner(
        make_pipeline(StandardScaler(), net),
        query_strategy="random",
        warm_start=training == "warm",
    )


def _toy_learner(task):
    """A tiny fitted-able learner and data, to ask which strategies a task supports."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0) if task == "classifier" else X[:, 0]
    return make_learner(task, "fixed50", dict(fixed_epochs=1)), X, y


def strategies(task, quick=False):
    """Every strategy of the registry that supports ``task``, by alias.

    Built with its defaults, except :data:`OVERRIDES` (and, in the quick
    mode, the cheaper values of :data:`QUICK_OVERRIDES` for the parameters a
    strategy has). A strategy that cannot be built without arguments, or
    that refuses the task's network (a classifier-only strategy on a
    regressor), is left out; :func:`left_out` says why.

    Returns
    -------
    strategies : dict of str -> QueryStrategy
    """
    return _registry(task, quick)[0]


def left_out(task, quick=False):
    """The registry's strategies :func:`strategies` leaves out for ``task``, and why."""
    return _registry(task, quick)[1]


_REGISTRY_CACHE = {}


def _registry(task, quick):
    if (task, quick) in _REGISTRY_CACHE:
        return _REGISTRY_CACHE[task, quick]
    from skactive._compatibility import check_compatibility
    from skactive.strategies import STRATEGY_ALIASES

    learner, X, y = _toy_learner(task)
    named, skipped = {}, {}
    for alias, cls in STRATEGY_ALIASES.items():
        params = dict(OVERRIDES.get(alias, {}))
        try:
            strategy = cls(**params)
        except TypeError as error:
            skipped[alias] = f"cannot be built with its defaults: {error}"
            continue
        if quick:
            own = strategy.get_params(deep=False)
            strategy.set_params(**{k: v for k, v in QUICK_OVERRIDES.items() if k in own})
        candidate = learner.set_params(query_strategy=strategy)
        try:
            check_compatibility(candidate._resolve_strategy(), candidate, X, y)
        except (ValueError, TypeError) as error:
            skipped[alias] = str(error)
            continue
        named[alias] = strategy
    _REGISTRY_CACHE[task, quick] = named, skipped
    return named, skipped


def units(settings):
    """Every unit of work, in order: (training, dataset, initial_size, batch_size).

    The main protocol's units (converged training, every data set and
    setting) come first, then the ablations' on their settings.
    """
    out = []
    for training in TRAININGS:
        grid = settings if training == "converged" else settings["ablation"]
        for name in grid.get("datasets") or dataset_names(settings):
            for initial, batch in grid["settings"]:
                out.append((training, name, initial, batch))
    return out


def initial_sizes(grid):
    """The starting budgets of a grid's settings, in order."""
    return tuple(dict.fromkeys(initial for initial, _ in grid["settings"]))


def batch_sizes(grid):
    """The batch sizes of a grid's settings, in order."""
    return tuple(dict.fromkeys(batch for _, batch in grid["settings"]))


def unit_label(unit):
    """How the progress lines name a unit: ``"converged, magic, 20 seed labels, batch 100"``."""
    return "{}, {}, {} seed labels, batch {}".format(*unit)


def unit_path(out, unit):
    training, name, initial, batch = unit
    return Path(out) / "runs" / f"{training}__{name}__i{initial}_b{batch}.csv"


def _splitter(task, n_splits, train_size, test_size, seed):
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    cls = StratifiedShuffleSplit if task == "classifier" else ShuffleSplit
    return cls(n_splits=n_splits, train_size=train_size, test_size=test_size, random_state=seed)


def _seed_of(name, seed):
    """The seed of a data set's splits, seed sets and networks (shared by its units)."""
    return seed + sum(map(ord, name))


def n_rounds(initial, batch, budget):
    """Queries of a run from ``initial`` labels to ``budget`` in batches of ``batch``."""
    return int(np.ceil(max(budget - initial, 0) / batch))


def _completed(path, names, n_repeats):
    """The runs of a unit already on disk (final and partial file), and whether it is done."""
    import pandas as pd

    frames = [pd.read_csv(p) for p in (path, path.with_suffix(".partial.csv")) if p.exists()]
    if not frames:
        return None, False
    runs = pd.concat(frames, ignore_index=True)
    runs = runs[runs["strategy"].isin(names)]
    runs = runs.drop_duplicates(["strategy", "repeat", "fold", "round"])
    done = runs.groupby(["strategy", "fold"]).ngroups == len(names) * n_repeats
    return runs, done


def run_unit(unit, settings, out, n_jobs, seed, quick):
    """Run (or finish) one unit; write its file; return its wall time and number of runs."""

    from skactive.model_selection import cross_validate_strategies

    training, name, initial, batch = unit
    X, y, task = load(name)
    named = strategies(task, quick)
    path = unit_path(out, unit)
    partial = path.with_suffix(".partial.csv")
    completed, done = _completed(path, list(named), settings["n_repeats"])
    if done:
        return None
    pool, test, budget = sizes(len(X), settings)
    split_seed = _seed_of(name, seed)
    if completed is not None:
        completed = completed.drop(columns=["dataset", "task", "training", "initial_size",
                                            "batch_size"]).assign(queried=None)  # fmt: skip
    start = time.perf_counter()
    n_before = 0 if completed is None else completed.groupby(["strategy", "fold"]).ngroups
    rounds = n_rounds(initial, batch, budget)
    try:
        results = cross_validate_strategies(
            make_learner(task, training, settings),
            named,
            X,
            y,
            cv=_splitter(task, settings["n_repeats"], pool, test, split_seed),
            initial_size=initial,
            query_size=batch,
            budget=budget,
            n_jobs=n_jobs,
            verbose=False,
            random_state=split_seed,
            completed=completed,
        )
    except KeyboardInterrupt as error:
        kept = getattr(error, "results", None)
        if kept is not None:
            _write(_tidy(kept, unit, task), partial)
            n_done = kept.groupby(["strategy", "fold"]).ngroups - n_before
            _record(out, unit, time.perf_counter() - start, n_done, rounds, n_jobs, False)
        raise
    elapsed = time.perf_counter() - start
    _write(_tidy(results, unit, task), path)
    partial.unlink(missing_ok=True)
    n_new = len(named) * settings["n_repeats"] - n_before
    _record(out, unit, elapsed, n_new, rounds, n_jobs, True)
    return elapsed, n_new


def _record(out, unit, seconds, runs, rounds, n_jobs, finished):
    """Append a unit's time to ``timings.csv`` (an interrupted call's too: ``finished`` False).

    ``runs`` counts the runs this call completed; the seconds of an
    interrupted call include the runs it had started, so its rate errs high.
    """
    import pandas as pd

    training, name, initial, batch = unit
    record = pd.DataFrame(
        [dict(training=training, dataset=name, initial_size=initial, batch_size=batch,
              seconds=round(seconds, 1), runs=runs, rounds=rounds, n_jobs=n_jobs,
              cpus=os.cpu_count(), finished=finished, date=time.strftime("%Y-%m-%d %H:%M"))]
    )  # fmt: skip
    timings = Path(out) / "timings.csv"
    record.to_csv(timings, mode="a", header=not timings.exists(), index=False)


def _write(frame, path):
    """Write a unit's runs all at once: a stop during the write leaves the old file whole."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, float_format="%.6g")
    os.replace(tmp, path)


def _tidy(results, unit, task):
    training, name, initial, batch = unit
    results = results.drop(columns=["queried"])
    for column, value in (("batch_size", batch), ("initial_size", initial),
                          ("training", training), ("task", task), ("dataset", name)):  # fmt: skip
        results.insert(0, column, value)
    return results


def estimate(settings, out):
    """Seconds the whole run takes at the speed of the units timed so far, and seconds left.

    A unit's cost is taken as proportional to its fits: runs x (rounds + 1),
    scaled by the seconds per fit measured over the timed calls of the same
    data set (over all timed calls for a data set not timed yet; interrupted
    calls count with the runs they completed). The runs in an unfinished
    unit's partial file count as done. Returns (None, None) before any run
    is timed.
    """
    import pandas as pd

    path = Path(out) / "timings.csv"
    if not path.exists():
        return None, None
    timed = pd.read_csv(path)
    timed = timed[timed["runs"] > 0]
    if not len(timed):
        return None, None
    timed["fits"] = timed["runs"] * (timed["rounds"] + 1)
    rate_all = timed["seconds"].sum() / timed["fits"].sum()
    rates = timed.groupby("dataset")["seconds"].sum() / timed.groupby("dataset")["fits"].sum()
    total = left = 0.0
    for unit in units(settings):
        _, name, initial, batch = unit
        n_rows, _, task = _cached_shape(name)
        _, _, budget = sizes(n_rows, settings)
        n_runs = len(strategies(task, settings is QUICK)) * settings["n_repeats"]
        seconds = n_runs * (n_rounds(initial, batch, budget) + 1) * rates.get(name, rate_all)
        total += seconds
        if not unit_path(out, unit).exists():
            left += seconds * (1 - _partial_runs(out, unit, settings is QUICK) / n_runs)
    return total, left


def _partial_runs(out, unit, quick):
    """How many runs of an unfinished unit its partial file holds."""
    partial = unit_path(out, unit).with_suffix(".partial.csv")
    if not partial.exists():
        return 0
    runs, _ = _completed(partial, list(strategies(_cached_shape(unit[1])[2], quick)), 0)
    return runs.groupby(["strategy", "fold"]).ngroups


_SHAPES = {}


def _cached_shape(name):
    if name not in _SHAPES:
        X, y, task = load(name)
        _SHAPES[name] = (len(X), None, task)
    return _SHAPES[name]


def _hours(seconds):
    return f"{seconds / 3600:.1f} h"


# ------------------------------------------------------------------ manifest


def manifest(settings, quick, seed):
    """What the run is: protocol, strategies, network, machine and versions."""
    import sklearn
    import skorch
    import torch

    import skactive

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return [plain(v) for v in value] if isinstance(value, (tuple, list)) else value

    tasks = {}
    for name in dataset_names(settings):
        n_rows, _, task = _cached_shape(name)
        pool, test, budget = sizes(n_rows, settings)
        tasks[name] = dict(task=task, rows=n_rows, pool_size=pool, test_size=test, budget=budget)
    return {
        "protocol": "converged",
        "command": COMMAND + (" --quick" if quick else ""),
        "quick": quick,
        "seed": seed,
        "settings": plain(dict(settings, datasets=list(dataset_names(settings)))),
        "datasets": tasks,
        "trainings": list(TRAININGS),
        "strategies": {
            task: {k: repr(v) for k, v in strategies(task, quick).items()}
            for task in ("classifier", "regressor")
        },
        "left_out": {task: left_out(task, quick) for task in ("classifier", "regressor")},
        "network": {
            t: describe(make_learner("classifier", t, settings).estimator) for t in TRAININGS
        },
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


def describe(pipeline):
    """A pipeline's steps and their parameters, as text that is the same in every process.

    Not the estimator's repr: scikit-learn shortens a long repr with "...",
    and skorch lists a set of strings whose order changes from one Python
    process to the next. Classes are named by their name alone, so that a
    module moved inside the package does not change the description.
    """

    def text(value):
        if isinstance(value, type):
            return value.__name__
        if isinstance(value, (set, frozenset)):
            return "{" + ", ".join(sorted(map(text, value))) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(map(text, value)) + "]"
        return repr(value)

    return {
        name: {k: text(v) for k, v in sorted(step.get_params(deep=False).items())}
        for name, step in pipeline.steps
    }


def _check_manifest(out, current):
    """Write the manifest, or refuse a folder holding another protocol's runs."""
    path = Path(out) / "manifest.json"
    if path.exists():
        previous = json.loads(path.read_text())
        for key in ("settings", "seed", "quick", "network"):
            if previous.get(key) != current[key]:
                raise ValueError(
                    f"{out} holds runs of other {key} ({previous.get(key)!r}, now "
                    f"{current[key]!r}); use another --out for a new protocol."
                )
        # Strategies added to the registry since join; the list is updated.
        current = dict(previous, strategies=current["strategies"], left_out=current["left_out"])
    path.write_text(json.dumps(current, indent=2) + "\n")


@contextmanager
def _stop_requests(stop_after=None):
    """SIGTERM (a time limit's kill), and ``stop_after`` seconds passing, stop the call as Ctrl-C.

    Each is turned into a SIGINT, so that a stop landing inside a skorch fit
    (which swallows ``KeyboardInterrupt``) is still noticed by the learner,
    which raises it again; :func:`cross_validate_strategies` then hands back
    the runs it completed and the unit in progress keeps them. SIGINT gets
    Python's own handler for the block (a background process starts with it
    ignored). Yields the list of the requests that arrived, by signal name.
    """
    requested = []

    def handler(signum, frame):
        requested.append(signal.Signals(signum).name)
        os.kill(os.getpid(), signal.SIGINT)

    signums = (signal.SIGTERM, signal.SIGALRM, signal.SIGINT)
    try:
        previous = {s: signal.getsignal(s) for s in signums}
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGALRM, handler)
    except ValueError:  # not the main thread
        yield requested
        return
    if stop_after is not None:
        signal.setitimer(signal.ITIMER_REAL, stop_after)
    try:
        yield requested
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for signum, action in previous.items():
            signal.signal(signum, action)


def parse_stop_after(text):
    """``--stop-after``'s seconds: a positive number."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not (np.isfinite(seconds) and seconds > 0):
        raise ValueError(
            f"--stop-after takes a positive number of seconds, e.g. 8000; got {text!r}."
        )
    return seconds


def parse_part(text):
    """``"K/N"`` -> (K, N) with 1 <= K <= N."""
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise ValueError(f"--part must look like K/N, e.g. 1/12, got {text!r}.") from None
    if not 1 <= k <= n:
        raise ValueError(f"--part {text}: need 1 <= K <= N.")
    return k, n


def main(quick=False, n_jobs=2, out=None, seed=0, part=(1, 1), log=None, stop_after=None):
    """Run the units of one part that are not done yet; return the output folder.

    Parameters
    ----------
    quick : bool, default=False
    n_jobs : int, default=2
        joblib workers over the (strategy, repeat) runs of each unit.
    out : str or Path, default=None
        Output folder; ``benchmarks/results/label_efficiency_converged`` by default.
    seed : int, default=0
    part : (int, int), default=(1, 1)
        (K, N): run every N-th unit from the K-th (1-based).
    log : callable, default=None
        Progress messages (stderr by default).
    stop_after : float, default=None
        Seconds after which the call stops by itself, as on SIGTERM: the
        unit in progress keeps its completed runs in its partial file, and
        the call returns normally (the next call goes on from them).

    Returns
    -------
    out : Path
        The folder holding ``runs/``, ``timings.csv`` and ``manifest.json``.
    """
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    settings = QUICK if quick else FULL
    out = Path(out) if out is not None else DEFAULT_OUT
    (out / "runs").mkdir(parents=True, exist_ok=True)
    _check_manifest(out, manifest(settings, quick, seed))
    k, n = part
    mine = units(settings)[k - 1 :: n]
    start = time.perf_counter()
    with warnings.catch_warnings(), _stop_requests(stop_after) as requested:
        # Tiny seed sets can miss a class entirely in a quick run; skorch and
        # scikit-learn warn about it, which is expected here.
        warnings.simplefilter("ignore", UserWarning)
        label, unit = f"part {k}/{n}", None
        try:
            for unit in mine:
                label = unit_label(unit)
                timed = run_unit(unit, settings, out, n_jobs, seed, quick)
                if timed is None:
                    log(f"{label}: done before, skipped")
                else:
                    log(f"{label}: {timed[1]} runs in {timed[0]:.0f} s")
        except KeyboardInterrupt:
            if not requested:  # a Ctrl-C: the caller's to handle
                raise
            why = "--stop-after" if requested[0] == "SIGALRM" else requested[0]
            partial = unit_path(out, unit).with_suffix(".partial.csv") if unit else None
            if partial is not None and partial.exists():
                kept = f"its completed runs are in {partial.name}"
            else:
                kept = "none of its runs had completed"
            log(
                f"{label}: stopped ({why}) after {time.perf_counter() - start:.0f} s; {kept}; "
                "the same command goes on from there"
            )
        else:
            log(f"part {k}/{n}: {len(mine)} units in {time.perf_counter() - start:.0f} s")
    total, left = estimate(settings, out)
    if total is not None:
        log(
            f"estimated full run at this speed (n_jobs={n_jobs}, {os.cpu_count()} cores): "
            f"{_hours(total)}, {_hours(left)} of it still to run"
        )
    return out


def status(quick=False, out=None):
    """Lines saying which units are done, and the estimate."""
    settings = QUICK if quick else FULL
    out = Path(out) if out is not None else DEFAULT_OUT
    every = units(settings)
    done = [u for u in every if unit_path(out, u).exists()]
    lines = [f"{len(done)} of {len(every)} units done in {out}"]
    for unit in every:
        kept = _partial_runs(out, unit, quick) if unit not in done else 0
        if kept:
            lines.append(f"{unit_label(unit)}: {kept} runs in its partial file")
    total, left = estimate(settings, out)
    if total is not None:
        lines.append(f"estimated full run: {_hours(total)}, {_hours(left)} left")
    return lines


def _cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version, in minutes")
    parser.add_argument("--part", default="1/1", help="K/N: every N-th unit from the K-th")
    parser.add_argument("--status", action="store_true", help="say what is done; run nothing")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument(
        "--stop-after",
        default=None,
        metavar="SECONDS",
        help="stop by itself after this long, keeping the finished runs (as SIGTERM does)",
    )
    args = parser.parse_args(argv)
    if args.status:
        print("\n".join(status(args.quick, args.out)))
        return
    try:
        part = parse_part(args.part)
        stop_after = None if args.stop_after is None else parse_stop_after(args.stop_after)
    except ValueError as error:
        parser.error(str(error))
    out = main(
        quick=args.quick,
        n_jobs=args.n_jobs,
        out=args.out,
        seed=args.seed,
        part=part,
        stop_after=stop_after,
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    _cli()
