"""The work of the ``skactive`` commands, once the arguments are parsed.

``demo`` runs ``ActiveLearner.fit`` with ``initial_size`` (a simulated run
per strategy and repeat), ``compare`` runs
:func:`skactive.model_selection.cross_validate_strategies`: both play their
rounds with the one round engine, :mod:`skactive._rounds`. Nothing here is
imported from torch or scikit-learn until a command runs.
"""

import sys
import time
from contextlib import contextmanager

import numpy as np

__all__ = ["run_compare", "run_demo"]

# Scorers that score one positive class (scikit-learn's ``pos_label=1``).
_BINARY_SCORERS = ("f1", "precision", "recall", "jaccard", "average_precision", "roc_auc")

# Defaults named in the errors that concern them.
_DEFAULTS = {"initial_size": 50, "budget": 400}

# Fraction of the digits held out as the test set of every repeat.
_TEST_SIZE = 0.3


def _training(args):
    """The training schedule of the library's nets: to convergence, or ``--max-epochs``."""
    return dict(max_epochs=args.max_epochs, convergence=args.max_epochs is None)


def _demo_learner(strategy, args, random_state):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ._learner import ActiveLearner
    from .nets import make_mlp_net

    net = make_mlp_net("classifier", hidden_layer_sizes=(128,), **_training(args))
    return ActiveLearner(
        make_pipeline(StandardScaler(), net),
        query_strategy=strategy,
        initial_size=args.initial_size,
        query_size=args.query_size,
        n_rounds=args.rounds,
        random_state=random_state,
    )


def run_demo(args, out=None):
    """Run the digits comparison and print a table; return the mean curves.

    Returns
    -------
    curves : dict of str -> ndarray of shape (n_rounds + 1,)
        Mean test accuracy after the seed set and after each round.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    out = sys.stdout if out is None else out
    X, y = load_digits(return_X_y=True)
    n_train = len(X) - int(np.ceil(_TEST_SIZE * len(X)))
    if args.initial_size >= n_train:
        raise ValueError(
            f"--initial-size {args.initial_size} leaves no pool: the training split has "
            f"{n_train} rows."
        )
    strategies = args.strategies.split(",")
    curves = {s: [] for s in strategies}
    start = time.perf_counter()
    for repeat in range(args.repeats):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=_TEST_SIZE, stratify=y, random_state=repeat
        )
        for strategy in strategies:
            # The same random_state gives every strategy the same seed set.
            learner = _demo_learner(strategy, args, random_state=repeat)
            learner.fit(X_train, y_train, X_val=X_test, y_val=y_test)
            curves[strategy].append(learner.validation_scores_)
        print(
            f"repeat {repeat + 1}/{args.repeats} done ({time.perf_counter() - start:.0f} s)",
            file=sys.stderr,
        )

    # Labelled rows after the seed set and after each round, as the learner
    # recorded them (the last round is short when the pool runs out).
    labels = np.bincount(learner.labeled_rounds_).cumsum()
    means = {s: np.mean(c, axis=0) for s, c in curves.items()}
    width = max(len(s) for s in strategies) + 2
    print(
        f"Test accuracy on digits (1797 rows, 10 classes), mean of {args.repeats} "
        "repeats, by number of labelled rows:",
        file=out,
    )
    print("strategy".ljust(width) + "".join(f"{n:>7d}" for n in labels) + "    mean", file=out)
    for strategy, curve in means.items():
        row = "".join(f"{v:7.3f}" for v in curve)
        print(strategy.ljust(width) + row + f"  {curve.mean():6.3f}", file=out)
    return means


# ------------------------------------------------------------------ compare


def _load(args):
    """X, y, a display name and whether the task is classification."""
    from pathlib import Path

    from ._cli import IMAGE_DATASET_NAMES
    from .datasets import DATASETS, load_dataset

    if args.image:
        if args.data not in IMAGE_DATASET_NAMES:
            raise ValueError(
                f"--image needs a bundled set of images ({', '.join(IMAGE_DATASET_NAMES)}); "
                f"{args.data!r} is not one."
            )
        X, y = load_dataset(args.data, return_X_y=True, as_images=True)
        return X, y, args.data, True
    if args.data in DATASETS:
        X, y = load_dataset(args.data, return_X_y=True)
        return X, y, args.data, args.data != "ccpp"
    path = Path(args.data)
    if not path.is_file():
        raise ValueError(
            f"{args.data!r} is neither a bundled data set ({', '.join(sorted(DATASETS))}) "
            "nor a CSV file."
        )
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError) as error:  # pandas' parser errors are ValueErrors
        raise ValueError(f"{path.name} could not be read as a CSV file: {error}") from None
    target = args.target if args.target is not None else frame.columns[-1]
    if target not in frame.columns:
        raise ValueError(
            f"{path.name} has no column {target!r}; its columns: {list(frame.columns)}"
        )
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise ValueError(
            f"{path.name} has only the target column {target!r}: there are no feature columns."
        )
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if text:
        hint = ""
        if args.target is None:
            hint = (
                f" The target is the last column ({target!r}) unless --target names another: "
                f"if {text[0]!r} is the target, pass --target {text[0]}."
            )
        raise ValueError(
            f"Columns {text} of {path.name} are not numeric: encode them first, or drop them.{hint}"
        )
    if features.isna().any().any() or frame[target].isna().any():
        raise ValueError(f"{path.name} has missing values: fill or drop them first.")
    y = frame[target].to_numpy()
    if args.task == "auto":
        numeric = pd.api.types.is_float_dtype(y)
        classification = not (numeric and np.any(y != np.round(y)))
    else:
        classification = args.task == "classification"
    if classification and np.unique(y).shape[0] < 2:
        raise ValueError(
            f"The target {target!r} of {path.name} has a single value ({y[0].tolist()!r}): a "
            "classification needs at least 2 classes."
        )
    return features.to_numpy(dtype=np.float64), y, path.stem, classification


def _check_sizes_fit(args, n_rows):
    """Refuse a seed set or budget larger than the smallest fold's training rows."""
    n_train = n_rows - int(np.ceil(n_rows / args.folds))
    for option in ("initial_size", "budget"):
        value = getattr(args, option)
        if isinstance(value, int) and value > n_train:
            flag = "--" + option.replace("_", "-")
            default = " (the default)" if value == _DEFAULTS[option] else ""
            raise ValueError(
                f"{flag} {value}{default} is more than the {n_train} training rows of a fold "
                f"({n_rows} rows, {args.folds} folds): pass {flag} {n_train} or less, or a "
                f"fraction such as {flag} 0.5."
            )
    if isinstance(args.initial_size, int) and isinstance(args.budget, int):
        if args.budget < args.initial_size:
            raise ValueError(
                f"--budget {args.budget} is smaller than the seed set (--initial-size "
                f"{args.initial_size}): the budget counts every labelled row, the seed set "
                "included."
            )


def _scoring(args, y, classification):
    """The scorer: a name, or a binary scorer with its --pos-label."""
    name = args.scoring
    if name is None or not classification or name not in _BINARY_SCORERS:
        if args.pos_label is not None:
            raise ValueError(
                "--pos-label is for a binary --scoring (" + ", ".join(_BINARY_SCORERS) + ")."
            )
        return name
    classes = np.unique(y)
    if classes.shape[0] != 2:
        raise ValueError(
            f"--scoring {name} scores one positive class of a binary target, but the target "
            f"has {classes.shape[0]} classes: use {name}_macro or {name}_weighted"
            if name not in ("roc_auc", "average_precision")
            else f"--scoring {name} needs a binary target, but the target has "
            f"{classes.shape[0]} classes: use roc_auc_ovr."
        )
    if args.pos_label is None:
        if set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}:
            return name
        raise ValueError(
            f"--scoring {name} needs the positive class: the labels are "
            f"{', '.join(map(str, classes))}, not 0/1. Pass --pos-label {classes[-1]} (or "
            f"--pos-label {classes[0]}), or use {name}_macro."
        )
    matches = [c for c in classes if str(c) == args.pos_label]
    if not matches:
        raise ValueError(
            f"--pos-label {args.pos_label} is not a class of the target; its classes: "
            f"{', '.join(map(str, classes))}."
        )
    from sklearn.metrics import get_scorer, make_scorer

    scorer = get_scorer(name)
    kwargs = dict(scorer._kwargs, pos_label=matches[0])
    return make_scorer(scorer._score_func, response_method=scorer._response_method, **kwargs)


def _compare_learner(args, classification):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ._learner import ActiveLearner
    from .nets import make_cnn_net, make_mlp_net

    if args.image:  # images in [0, 1], as they are: no scaling
        return ActiveLearner(make_cnn_net(**_training(args)))
    task = "classifier" if classification else "regressor"
    net = make_mlp_net(task, hidden_layer_sizes=(64,), **_training(args))
    return ActiveLearner(make_pipeline(StandardScaler(), net))


def _write_plots(results, summary, out_dir, name, baseline):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting
    from .metrics import results_error_cdf, results_penalty_matrix

    written = []
    ax = plotting.plot_learning_curves(results, title=f"{name}: learning curves")
    path = out_dir / "learning_curves.png"
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    written.append(path)
    plt.close(ax.figure)
    if "penalty" in summary.columns:
        P = results_penalty_matrix(results, baseline=baseline)
        ax = plotting.plot_penalty_matrix(P, title=f"{name}: pairwise penalties")
        path = out_dir / "penalty_matrix.png"
        ax.figure.savefig(path, dpi=120, bbox_inches="tight")
        written.append(path)
        plt.close(ax.figure)
        ax = plotting.plot_error_cdf(results_error_cdf(results, baseline=baseline))
        ax.set_title(f"{name}: normalised errors")
        path = out_dir / "error_cdf.png"
        ax.figure.savefig(path, dpi=120, bbox_inches="tight")
        written.append(path)
        plt.close(ax.figure)
    return written


def run_compare(args, out=None):
    """Run ``skactive compare``; print the table, write the files.

    Returns
    -------
    summary : pandas.DataFrame
        The printed table, one row per strategy.
    """
    from pathlib import Path

    from .metrics import summarize_results
    from .model_selection import cross_validate_strategies

    out = sys.stdout if out is None else out
    X, y, name, classification = _load(args)
    scoring = _scoring(args, y, classification)
    _check_sizes_fit(args, X.shape[0])
    if not classification:
        y = (y - y.mean()) / y.std()  # the network regresses a standardised target
    strategies = args.strategies.split(",")
    baseline = "random" if "random" in strategies else None
    start = time.perf_counter()
    results = cross_validate_strategies(
        _compare_learner(args, classification),
        strategies,
        X,
        y,
        cv=args.folds,
        n_repeats=args.repeats,
        initial_size=args.initial_size,
        query_size=args.query_size,
        budget=args.budget,
        scoring=scoring,
        n_jobs=args.n_jobs,
        verbose=not args.quiet,
        random_state=args.seed,
        stopping=_stopping_names(args),
    )
    elapsed = time.perf_counter() - start
    summary = summarize_results(results, baseline=baseline, target=args.target_score)

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = results.copy()
    saved["queried"] = [" ".join(map(str, q)) for q in saved["queried"]]
    saved.to_csv(out_dir / "results.csv", index=False)
    summary.to_csv(out_dir / "summary.csv")
    written = [out_dir / "results.csv", out_dir / "summary.csv"]
    written += _write_plots(results, summary, out_dir, name, baseline)

    n_runs = results.groupby(["repeat", "fold"]).ngroups
    labels = results.groupby("round")["n_labeled"].mean()
    scoring = args.scoring or ("accuracy" if classification else "R²")
    if args.pos_label is not None:
        scoring += f" (positive class {args.pos_label})"
    print(
        f"{name}: {X.shape[0]} rows, {X.shape[1]} features; {len(strategies)} strategies x "
        f"{n_runs} runs ({args.folds} folds x {args.repeats} repeats), "
        f"{labels.iloc[0]:.0f} -> {labels.iloc[-1]:.0f} labels; {scoring}; "
        f"{elapsed:.0f} s",
        file=out,
    )
    print(summary.to_string(float_format=lambda v: f"{v:.3f}"), file=out)
    print(
        f"aulc: mean score over the labelling budget; labels_to_target: labels needed to "
        f"reach {summary.attrs['target']:.3f}"
        + (" (random's final score)" if args.target_score is None and baseline else "")
        + ("; penalty: BADGE column average, lower is better" if "penalty" in summary else ""),
        file=out,
    )
    written += _report_stopping(results, out_dir, name, out)
    print("wrote " + ", ".join(str(p) for p in written), file=out)
    return summary


# ----------------------------------------------------------------- stopping


def _stopping_names(args):
    return None if args.stopping is None else args.stopping.split(",")


def _report_stopping(results, out_dir, name, out):
    """Print and write the stopping report; return the files written."""
    if not any(str(c).startswith("stop:") for c in results.columns):
        return []
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting
    from .model_selection import stopping_report

    report = stopping_report(results)
    print("stopping criteria (mean over runs; a criterion that never fired stops at the budget):",
          file=out)  # fmt: skip
    print(report.to_string(float_format=lambda v: f"{v:.3f}"), file=out)
    report.to_csv(out_dir / "stopping.csv")
    ax = plotting.plot_stopping(results, title=f"{name}: where the stopping criteria fired")
    path = out_dir / "stopping.png"
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    return [out_dir / "stopping.csv", path]


@contextmanager
def _torch_threads(n):
    """Run with ``n`` torch CPU threads, then restore the previous count.

    ``main`` may be called from Python (a notebook, a test): the command's
    thread setting must not outlive it in that process.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, n))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
