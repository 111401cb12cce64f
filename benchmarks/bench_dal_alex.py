"""Benchmark: query time of ALEX and DAL.

Prints wall-clock seconds measured in one run, on this machine (CPU, the
threads torch is allowed):

1. ALEX (DeepExplainer, ``k = 3n`` candidates, 10 background rows, the
   default; 100 until the default was made cheaper): one
   query of n=20 rows from a pool of 10,000 rows with 20 features, the
   learner fitted on 200 labelled rows. Its cost is shap's: the 60
   candidates and the 200 labelled rows are explained, against the
   background, once per query.
2. DAL: one query of n=100 rows from a pool of 20,000 rows (same learner),
   with the default settings (10 mini-queries, a (256, 256, 256)
   discriminator trained on the whole pool until 98 % training accuracy)
   and with ``pool_ratio=10`` (each mini-query trains on and chooses among
   at most ``10·|L|`` pool rows, the paper's §4.3 setting). The number of
   epochs each discriminator trained for is printed too.

For scale, one inference pass of the task network over the same pool
(``predict_proba``) is printed next to each query time.

Run ``python benchmarks/bench_dal_alex.py`` (``--quick`` for a small version
that finishes in seconds).
"""

import argparse
import time
import warnings

import numpy as np
import torch
from skorch import NeuralNetClassifier

from skactive import ActiveLearner
from skactive.nets import MLP
from skactive.strategies import ALEX, DAL, _dal

N_FEATURES = 20
N_CLASSES = 5


def make_data(n, rng, W):
    """Gaussian rows, labels from the argmax of a fixed linear map."""
    X = rng.normal(size=(n, N_FEATURES)).astype(np.float32)
    return X, (X @ W).argmax(axis=1)


def fitted_learner(strategy, n_labelled, max_epochs, rng, W):
    net = NeuralNetClassifier(
        MLP,
        module__hidden_layer_sizes=(100,),
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=1e-2,
        max_epochs=max_epochs,
        train_split=None,
        verbose=0,
    )
    X_l, y_l = make_data(n_labelled, rng, W)
    return ActiveLearner(net, query_strategy=strategy, random_state=0).fit(X_l, y_l)


def _timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


class _EpochRecorder:
    """Wraps DAL's discriminator training to record the epochs of each mini-query."""

    def __init__(self):
        self.epochs = []
        self._original = _dal.discriminate

    def __enter__(self):
        def recording(*args, **kwargs):
            result = self._original(*args, **kwargs)
            self.epochs.append(result.n_epochs)
            return result

        _dal.discriminate = recording
        return self

    def __exit__(self, *exc):
        _dal.discriminate = self._original


def bench_query(name, strategy, n_pool, n, n_labelled, max_epochs, seed):
    """Time one query; return (seconds, inference seconds, indices, epochs)."""
    rng = np.random.RandomState(seed)
    W = rng.normal(size=(N_FEATURES, N_CLASSES))
    learner = fitted_learner(strategy, n_labelled, max_epochs, rng, W)
    pool, _ = make_data(n_pool, rng, W)
    _, t_infer = _timed(learner.predict_proba, pool)
    with _EpochRecorder() as recorder:
        picked, t_query = _timed(learner.query, pool, n)
    print(
        f"{name:28s} n={n:<4d} pool={n_pool}x{N_FEATURES} |L|={n_labelled}: "
        f"query {t_query:8.2f} s   inference pass {t_infer:6.3f} s   "
        f"ratio {t_query / t_infer:8.0f}x"
    )
    if recorder.epochs:
        print(f"{'':28s} discriminator epochs per mini-query: {recorder.epochs}")
    return t_query, t_infer, np.asarray(picked), recorder.epochs


def main(quick=False):
    """Run the benchmarks; return ``{name: (query s, inference s, picks, epochs)}``."""
    warnings.filterwarnings("ignore", module="shap")
    torch.manual_seed(0)
    if quick:
        alex_pool, alex_n, dal_pool, dal_n, n_labelled, epochs = 500, 5, 1000, 10, 40, 5
        dal_kwargs = dict(max_epochs=5)
    else:
        alex_pool, alex_n, dal_pool, dal_n, n_labelled, epochs = 10_000, 20, 20_000, 100, 200, 30
        dal_kwargs = {}
    results = {}
    results["ALEX (deep)"] = bench_query(
        "ALEX (DeepExplainer)", ALEX(), alex_pool, alex_n, n_labelled, epochs, 0
    )
    results["DAL"] = bench_query(
        "DAL (defaults)", DAL(**dal_kwargs), dal_pool, dal_n, n_labelled, epochs, 1
    )
    results["DAL pool_ratio=10"] = bench_query(
        "DAL (pool_ratio=10)",
        DAL(pool_ratio=10, **dal_kwargs),
        dal_pool,
        dal_n,
        n_labelled,
        epochs,
        1,
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    main(parser.parse_args().quick)
