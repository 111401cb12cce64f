"""Command-line interface: ``skactive`` / ``python -m skactive``.

``skactive compare`` compares query strategies on a data set (a bundled one
by name, or a CSV file) by cross-validated simulated active learning: it
prints a table of the area under the learning curve, the final score, the
labels needed to reach a target score and BADGE's penalty column averages,
and writes the results, the table and plots to a folder.

``skactive demo`` compares query strategies on scikit-learn's bundled
handwritten-digits data (1,797 real 8x8 images, 10 classes) with simulated
active learning, and prints the mean test accuracy after each round.
"""

import argparse
import sys
import time
from contextlib import contextmanager

import numpy as np

__all__ = ["main"]

# The names of ``skactive.strategies.STRATEGY_ALIASES`` and
# ``skactive.datasets.DATASETS``, written out so that parsing the command
# line (and ``--help``) imports neither torch nor scikit-learn; a test checks
# that they agree.
STRATEGY_NAMES = (
    "albl", "alex", "badge", "bald", "batchbald", "coreset", "dal", "dami", "deimos",
    "density_weighted", "egl", "entropy", "lcmd", "least_confidence", "margin", "max_variance",
    "power_bald", "probcover", "random", "softmax_bald", "softrank_bald", "typiclust",
)  # fmt: skip
DATASET_NAMES = ("ccpp", "digits", "kr-vs-k", "magic", "mnist-5k", "pendigits", "satimage")
IMAGE_DATASET_NAMES = ("digits", "mnist-5k")
STOPPING_NAMES = (
    "classification_change",
    "max_confidence",
    "min_expected_error",
    "overall_uncertainty",
    "stabilizing_predictions",
)

# Scorers that score one positive class (scikit-learn's ``pos_label=1``).
_BINARY_SCORERS = ("f1", "precision", "recall", "jaccard", "average_precision", "roc_auc")

# Defaults named in the errors that concern them.
_DEFAULTS = {"initial_size": 50, "budget": 400}

_DESCRIPTION = (
    "Compare active-learning query strategies for PyTorch networks by simulated "
    "active learning. 'skactive compare DATA' runs cross-validated simulations on a "
    "bundled data set or a CSV file and writes a table and plots; 'skactive demo' is "
    "a quick comparison on scikit-learn's handwritten digits."
)


class _HelpFormatter(argparse.HelpFormatter):
    """Shows the default of each option that has one (as ArgumentDefaultsHelpFormatter)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (
            action.default not in (None, False, argparse.SUPPRESS)
            and "default" not in text
            and action.option_strings
        ):
            text += " (default: %(default)s)"
        return text


_MAX_EPOCHS_HELP = (
    "train each network for this many epochs per round (default: to convergence, "
    "skactive.nets.TrainToConvergence, at most 1000 epochs)"
)

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


def _size(text):
    """A count (int) or a fraction (float in (0, 1]) from the command line."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a number of rows nor a fraction"
        ) from None


def _load(args):
    """X, y, a display name and whether the task is classification."""
    from pathlib import Path

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
    from .model_selection import results_error_cdf, results_penalty_matrix

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

    from .model_selection import cross_validate_strategies, summarize_results

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


def _add_stopping_option(compare):
    compare.add_argument(
        "--stopping",
        help="comma-separated stopping criteria to judge on the learning curves, among "
        f"{list(STOPPING_NAMES)}: prints where each fired, its score there and the labels "
        "it saved, and writes stopping.csv and stopping.png",
    )


def _stopping_names(args):
    return None if args.stopping is None else args.stopping.split(",")


def _check_stopping(args, parser):
    names = _stopping_names(args)
    if names is None:
        return
    unknown = sorted(set(names) - set(STOPPING_NAMES))
    if unknown:
        parser.error(f"unknown stopping criteria {unknown}; choose among {list(STOPPING_NAMES)}")
    if len(set(names)) != len(names):
        parser.error("--stopping names a criterion twice")


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


def _add_compare(commands):
    compare = commands.add_parser(
        "compare",
        help="compare query strategies on a data set by cross-validated simulation",
        description=(
            "Compare query strategies by simulated active learning over cross-validation "
            "folds: print a table (AULC, final score, labels to a target score, BADGE "
            "penalties) and write results.csv, summary.csv and plots. Sizes (--initial-size, "
            "--query-size, --budget) are a number of rows or a "
            "fraction of a fold's training rows."
        ),
        formatter_class=_HelpFormatter,
    )
    compare.add_argument(
        "data", help=f"a bundled data set ({', '.join(DATASET_NAMES)}) or a CSV file with a "
        "header row",
    )  # fmt: skip
    compare.add_argument("--target", help="target column of a CSV file (default: the last column)")
    compare.add_argument(
        "--image",
        action="store_true",
        help=f"the data set as images (N, 1, H, W) and a CNN (skactive.nets.CNN) instead of "
        f"pixel columns and an MLP; for {', '.join(IMAGE_DATASET_NAMES)}",
    )
    compare.add_argument(
        "--task", choices=["auto", "classification", "regression"], default="auto",
        help="for a CSV file; auto: regression if the target has non-integer values",
    )  # fmt: skip
    compare.add_argument(
        "--strategies",
        default="random,least_confidence,margin,entropy",
        help=f"comma-separated aliases among {', '.join(STRATEGY_NAMES)}",
    )
    compare.add_argument(
        "--initial-size",
        type=_size,
        default=_DEFAULTS["initial_size"],
        help="seed set: rows or fraction",
    )
    compare.add_argument("--query-size", type=_size, default=50, help="per round: rows or fraction")
    compare.add_argument(
        "--budget",
        type=_size,
        default=_DEFAULTS["budget"],
        help="labelled rows at the end: rows or fraction",
    )
    compare.add_argument("--folds", type=int, default=3, help="cross-validation folds (>= 2)")
    compare.add_argument(
        "--repeats", type=int, default=2, help="repeats with new folds, seed sets and networks"
    )
    compare.add_argument(
        "--scoring",
        help="a scikit-learn scorer name (default: accuracy for classification, R² for regression)",
    )
    compare.add_argument(
        "--pos-label",
        help="the positive class of a binary scorer (f1, precision, recall, ...) when the "
        "labels are not 0/1",
    )
    compare.add_argument(
        "--target-score", type=float,
        help="score for labels_to_target (default: random's final score)",
    )  # fmt: skip
    compare.add_argument("--max-epochs", type=int, help=_MAX_EPOCHS_HELP)
    compare.add_argument("--n-jobs", type=int, default=1, help="parallel runs (joblib)")
    compare.add_argument("--threads", type=int, default=1, help="torch CPU threads per run")
    compare.add_argument(
        "--seed", type=int, default=0, help="random seed of the folds, seed sets and networks"
    )
    compare.add_argument("--out", default="skactive-compare", help="folder for results and plots")
    compare.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_stopping_option(compare)
    return compare


def _check_size(parser, option, value, *, allow_one=False):
    """A count must be at least 1, a fraction lie in (0, 1) (or (0, 1])."""
    if isinstance(value, int):
        if value < 1:
            parser.error(f"--{option} must be at least 1 row (or a fraction), got {value}")
    elif not (0 < value < 1 or (allow_one and value == 1)):
        interval = "(0, 1]" if allow_one else "(0, 1)"
        parser.error(f"--{option} {value}: a fraction must lie in {interval}")


def _check_compare(args, parser):
    from pathlib import Path

    from sklearn.metrics import get_scorer_names

    unknown = sorted(set(args.strategies.split(",")) - set(STRATEGY_NAMES))
    if unknown:
        parser.error(f"unknown strategies {unknown}; choose among {list(STRATEGY_NAMES)}")
    for option in ("folds", "repeats", "max_epochs", "threads"):
        if getattr(args, option) is not None and getattr(args, option) < (
            2 if option == "folds" else 1
        ):
            minimum = 2 if option == "folds" else 1
            parser.error(f"--{option.replace('_', '-')} must be at least {minimum}")
    _check_size(parser, "initial-size", args.initial_size)
    _check_size(parser, "query-size", args.query_size)
    _check_size(parser, "budget", args.budget, allow_one=True)
    if args.n_jobs == 0:
        parser.error("--n-jobs must be a number of workers (at least 1), or -1 for every core")
    if args.scoring is not None and args.scoring not in get_scorer_names():
        parser.error(
            f"unknown --scoring {args.scoring!r}: use a scikit-learn scorer name such as "
            "accuracy, roc_auc_ovr or r2 (see sklearn.metrics.get_scorer_names())"
        )
    if Path(args.out).exists() and not Path(args.out).is_dir():
        parser.error(f"--out {args.out} exists and is not a folder")
    _check_stopping(args, parser)


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


def _parser():
    parser = argparse.ArgumentParser(
        prog="skactive", description=_DESCRIPTION, formatter_class=_HelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_compare(commands)
    demo = commands.add_parser(
        "demo",
        help="compare query strategies on the bundled digits data",
        description=(
            "Compare query strategies on scikit-learn's handwritten digits (1,797 8x8 "
            "images, 10 classes) by simulated active learning; print the mean test accuracy "
            "after each round."
        ),
        formatter_class=_HelpFormatter,
    )
    demo.add_argument(
        "--strategies",
        default="random,least_confidence,margin,entropy",
        help=f"comma-separated aliases among {', '.join(STRATEGY_NAMES)}",
    )
    demo.add_argument("--repeats", type=int, default=3, help="repeats with new test splits")
    demo.add_argument("--initial-size", type=int, default=30, help="rows in the seed set")
    demo.add_argument("--query-size", type=int, default=30, help="rows queried per round")
    demo.add_argument("--rounds", type=int, default=8, help="rounds of queries")
    demo.add_argument("--max-epochs", type=int, help=_MAX_EPOCHS_HELP)
    demo.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    return parser, {"compare": commands.choices["compare"], "demo": demo}


def main(argv=None):
    """Entry point of the ``skactive`` command.

    Parsing the arguments imports neither torch nor scikit-learn, so
    ``--help`` and argument errors answer at once; errors print the usage of
    the subcommand they concern.
    """
    parser, commands = _parser()
    args = parser.parse_args(argv)
    command = commands[args.command]
    if args.command == "compare":
        _check_compare(args, command)
        try:
            with _torch_threads(args.threads):
                run_compare(args)
        except (ValueError, ImportError, OSError) as error:
            command.error(str(error))
    if args.command == "demo":
        unknown = sorted(set(args.strategies.split(",")) - set(STRATEGY_NAMES))
        if unknown:
            command.error(f"unknown strategies {unknown}; choose among {list(STRATEGY_NAMES)}")
        for name in ("repeats", "initial_size", "query_size", "max_epochs", "threads"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                command.error(f"--{name.replace('_', '-')} must be at least 1")
        if args.rounds < 0:
            command.error("--rounds must be at least 0")
        try:
            with _torch_threads(args.threads):
                run_demo(args)
        except ValueError as error:
            command.error(str(error))
    return 0
