"""The seed model under a fixed number of epochs and trained to convergence.

The sanity figure behind :class:`skactive.nets.TrainToConvergence`: on
pendigits (1,500 training and 1,000 test rows), skactive's default MLP behind
a StandardScaler is trained on ``n`` random labelled rows, once for the old
default of 50 fixed epochs (``make_mlp_net(convergence=False)``) and once
with the default schedule (``make_mlp_net()``), and its test accuracy, fit
time and number of epochs are printed, mean over seeds. Both fits of a seed
start from the same rows and network seed.

Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_convergence.py

``--quick`` runs two label counts and one seed (the test suite runs it).
"""

import argparse
import time

import numpy as np

FULL = dict(n_labels=(20, 50, 250, 1000), seeds=(0, 1, 2))
QUICK = dict(n_labels=(20, 50), seeds=(0,))


def main(quick=False):
    """Print the table; return {(schedule, n_labels): (accuracy, seconds, epochs)} means."""
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skactive import ActiveLearner
    from skactive.datasets import load_pendigits
    from skactive.nets import make_mlp_net

    settings = QUICK if quick else FULL
    X, y = load_pendigits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        np.asarray(X, dtype=np.float32), np.asarray(y), train_size=1500, test_size=1000,
        stratify=y, random_state=0,
    )  # fmt: skip
    nets = {"50 epochs": make_mlp_net(convergence=False), "converged": make_mlp_net()}
    out = {}
    print("labels | schedule   | test accuracy | fit seconds | epochs")
    for n in settings["n_labels"]:
        for name, net in nets.items():
            scores, seconds, epochs = [], [], []
            for seed in settings["seeds"]:
                rows = np.random.RandomState(seed).choice(len(X_train), n, replace=False)
                learner = ActiveLearner(
                    make_pipeline(StandardScaler(), net), classes=np.unique(y), random_state=seed
                )
                start = time.perf_counter()
                learner.fit(X_train[rows], y_train[rows])
                seconds.append(time.perf_counter() - start)
                scores.append(learner.score(X_test, y_test))
                epochs.append(len(learner.network_.history))
            out[name, n] = (np.mean(scores), np.mean(seconds), np.mean(epochs))
            print(f"{n:6d} | {name:10s} | {out[name, n][0]:13.3f} | "
                  f"{out[name, n][1]:11.2f} | {out[name, n][2]:6.0f}")  # fmt: skip
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
