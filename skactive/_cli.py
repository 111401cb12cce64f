"""Command-line interface: ``skactive`` / ``python -m skactive``.

``skactive demo`` compares query strategies on scikit-learn's bundled
handwritten-digits data (1,797 real 8x8 images, 10 classes) with simulated
active learning, and prints the mean test accuracy after each round.
"""

import argparse
import sys
import time

import numpy as np

from .strategies import STRATEGY_ALIASES

__all__ = ["main"]

# Fraction of the digits held out as the test set of every repeat.
_TEST_SIZE = 0.3


def _demo_learner(strategy, args, random_state):
    import torch
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from skorch import NeuralNetClassifier

    from ._learner import ActiveLearner
    from .nets import MLP

    net = NeuralNetClassifier(
        MLP,
        module__hidden_layer_sizes=(128,),
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=args.max_epochs,
        batch_size=32,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
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
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    out = sys.stdout if out is None else out
    torch.set_num_threads(max(1, args.threads))
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


def _parser():
    parser = argparse.ArgumentParser(prog="skactive", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="compare query strategies on the bundled digits data")
    demo.add_argument(
        "--strategies",
        default="random,least_confidence,margin,entropy",
        help=f"comma-separated aliases among {sorted(STRATEGY_ALIASES)}",
    )
    demo.add_argument("--repeats", type=int, default=3)
    demo.add_argument("--initial-size", type=int, default=30)
    demo.add_argument("--query-size", type=int, default=30)
    demo.add_argument("--rounds", type=int, default=8)
    demo.add_argument("--max-epochs", type=int, default=60)
    demo.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    return parser


def main(argv=None):
    """Entry point of the ``skactive`` command."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        unknown = sorted(set(args.strategies.split(",")) - set(STRATEGY_ALIASES))
        if unknown:
            _parser().error(
                f"unknown strategies {unknown}; choose among {sorted(STRATEGY_ALIASES)}"
            )
        for name in ("repeats", "initial_size", "query_size", "max_epochs"):
            if getattr(args, name) < 1:
                _parser().error(f"--{name.replace('_', '-')} must be at least 1")
        if args.rounds < 0:
            _parser().error("--rounds must be at least 0")
        try:
            run_demo(args)
        except ValueError as error:
            _parser().error(str(error))
    return 0
