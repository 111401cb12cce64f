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

from ._cli_run import (  # noqa: F401 (_compare_learner, _demo_learner, _scoring: imported from here)
    _DEFAULTS,
    _compare_learner,
    _demo_learner,
    _scoring,
    _stopping_names,
    _torch_threads,
    run_compare,
    run_demo,
)

__all__ = ["main"]

# The names of ``skactive.datasets.DATASETS`` and of the stopping criteria,
# written out so that parsing the command line (and ``--help``) imports
# neither torch nor scikit-learn; a test checks that they agree. The strategy
# names are read from the registry when the arguments are checked (see
# ``__getattr__``), so a strategy added to it needs no line here.
DATASET_NAMES = ("ccpp", "digits", "kr-vs-k", "magic", "mnist-5k", "pendigits", "satimage")
IMAGE_DATASET_NAMES = ("digits", "mnist-5k")
STOPPING_NAMES = (
    "classification_change",
    "max_confidence",
    "min_expected_error",
    "overall_uncertainty",
    "stabilizing_predictions",
)

_STRATEGIES_HELP = (
    "comma-separated aliases of skactive.strategies.STRATEGY_ALIASES, e.g. "
    "random,margin,badge,bald (an unknown one is refused with the list)"
)


def __getattr__(name):
    # STRATEGY_NAMES: the registry's aliases, sorted; imported only when read
    # (argument checks), not when the parser is built.
    if name == "STRATEGY_NAMES":
        from .strategies import STRATEGY_ALIASES

        return tuple(sorted(STRATEGY_ALIASES))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _unknown_strategies(text):
    """The aliases of a comma-separated list that the registry lacks, and every alias."""
    names = __getattr__("STRATEGY_NAMES")
    return sorted(set(text.split(",")) - set(names)), list(names)


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


def _add_stopping_option(compare):
    compare.add_argument(
        "--stopping",
        help="comma-separated stopping criteria to judge on the learning curves, among "
        f"{list(STOPPING_NAMES)}: prints where each fired, its score there and the labels "
        "it saved, and writes stopping.csv and stopping.png",
    )


def _check_stopping(args, parser):
    names = _stopping_names(args)
    if names is None:
        return
    unknown = sorted(set(names) - set(STOPPING_NAMES))
    if unknown:
        parser.error(f"unknown stopping criteria {unknown}; choose among {list(STOPPING_NAMES)}")
    if len(set(names)) != len(names):
        parser.error("--stopping names a criterion twice")


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
        help=_STRATEGIES_HELP,
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
    # Last: the names are read from the registry, which imports torch.
    unknown, names = _unknown_strategies(args.strategies)
    if unknown:
        parser.error(f"unknown strategies {unknown}; choose among {names}")


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
        help=_STRATEGIES_HELP,
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
        for name in ("repeats", "initial_size", "query_size", "max_epochs", "threads"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                command.error(f"--{name.replace('_', '-')} must be at least 1")
        if args.rounds < 0:
            command.error("--rounds must be at least 0")
        unknown, names = _unknown_strategies(args.strategies)
        if unknown:
            command.error(f"unknown strategies {unknown}; choose among {names}")
        try:
            with _torch_threads(args.threads):
                run_demo(args)
        except ValueError as error:
            command.error(str(error))
    return 0
