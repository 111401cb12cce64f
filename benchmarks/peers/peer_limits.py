"""The peer half of ``benchmarks/bench_limits.py``: scikit-activeml and baal.

Runs in its own virtual environment, never in skactive's (neither peer is a
dependency of skactive). Set it up once, from the repository root::

    python3 -m venv benchmarks/peers/.venv
    benchmarks/peers/.venv/bin/pip install "torch==2.13.0"   # first: the CPU build
    benchmarks/peers/.venv/bin/pip install scikit-activeml==1.0.1 baal==2.1.0

``bench_limits.py`` then calls ``benchmarks/peers/.venv/bin/python
benchmarks/peers/peer_limits.py NETWORK.npz RESULTS.json``: ``NETWORK.npz``
holds the trained network's weights (the two linear layers of skactive's
one-hidden-layer MLP and its dropout rate), the labelled rows and labels,
the pool, ``n`` and ``J``. This script rebuilds the same network in plain
torch (``Linear → ReLU → Dropout → Linear``), times one plain chunked
forward pass over the pool in this process (the unit, as in
``bench_limits.py``), then each peer method on the same pool, and writes
``{method: {"seconds", "unit", "n_distinct"}}`` or ``{method: {"error"}}``
for a method that needed more than ``memory_limit`` bytes of address space
(the process's limit, ``RLIMIT_AS``, so that a peer cannot push the shared
machine into swapping) (CPU seconds of this process, the best of at least
``repeats`` runs and of more until they took 0.5 s, or one run if it takes
over 2 s; BLAS and torch on one thread).

Each peer is used through its documented API: scikit-activeml's query
strategies take a fitted classifier (here a thin ``SkactivemlClassifier``
around the network: ``predict_proba`` chunked, ``predict_proba(...,
return_embeddings=True)`` with the penultimate embedding for BADGE and
``sample_proba`` with MC dropout for BALD and BatchBALD); Core-Set takes the
embedding. baal gets its MC-dropout predictions from
``ModelWrapper.predict_on_dataset`` (``patch_module`` turns dropout on;
loading in this process, ``workers=0``, so that its CPU time is counted) and
ranks them with its heuristics.
"""

import copy
import json
import resource
import sys
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

CHUNK = 1024


def build_module(weights):
    module = torch.nn.Sequential(
        torch.nn.Linear(*weights["W1"].shape[::-1]),
        torch.nn.ReLU(),
        torch.nn.Dropout(float(weights["dropout"])),
        torch.nn.Linear(*weights["W2"].shape[::-1]),
    )
    with torch.no_grad():
        module[0].weight.copy_(torch.from_numpy(weights["W1"]))
        module[0].bias.copy_(torch.from_numpy(weights["b1"]))
        module[3].weight.copy_(torch.from_numpy(weights["W2"]))
        module[3].bias.copy_(torch.from_numpy(weights["b2"]))
    return module.eval()


def plain_forward(module, X):
    with torch.no_grad():
        for start in range(0, X.shape[0], CHUNK):
            module(torch.from_numpy(X[start : start + CHUNK]))


def cpu_seconds(function, repeats, once_above=2.0, min_total=0.5, max_repeats=50):
    """(result, CPU seconds): the best of several runs, by ``bench_limits._cpu``'s rule.

    At least ``repeats`` runs, and more (up to ``max_repeats``) until they
    have taken ``min_total`` seconds; one run if it takes over
    ``once_above``. (This script runs in the peers' environment, without
    skactive, so the rule is written here again.)
    """
    best, total, runs, result = np.inf, 0.0, 0, None
    while runs < repeats or (total < min_total and runs < max_repeats):
        start = time.process_time()
        result = function()
        seconds = time.process_time() - start
        best, total, runs = min(best, seconds), total + seconds, runs + 1
        if best > once_above:
            break
    return result, best


def skactiveml_cases(module, X_l, y_l, X_pool, n, n_mc):
    from skactiveml.base import SkactivemlClassifier
    from skactiveml.pool import (
        Badge,
        BatchBALD,
        CoreSet,
        GreedyBALD,
        RandomSampling,
        UncertaintySampling,
    )
    from skactiveml.utils import MISSING_LABEL

    class NetworkClassifier(SkactivemlClassifier):
        """A fitted network as scikit-activeml's classifiers look."""

        def __init__(self, module=None, classes=None, missing_label=MISSING_LABEL):
            super().__init__(classes=classes, missing_label=missing_label)
            self.module = module

        def fit(self, X, y, sample_weight=None):
            self._validate_data(X, y)
            return self

        def _forward(self, X, training):
            self.module.train(training)
            out, emb = [], []
            with torch.no_grad():
                for start in range(0, X.shape[0], CHUNK):
                    x = torch.from_numpy(np.asarray(X[start : start + CHUNK], dtype=np.float32))
                    h = self.module[2](self.module[1](self.module[0](x)))
                    out.append(torch.softmax(self.module[3](h), dim=1).numpy())
                    emb.append(h.numpy())
            self.module.eval()
            return np.concatenate(out), np.concatenate(emb)

        def predict_proba(self, X, return_embeddings=False):
            proba, emb = self._forward(X, training=False)
            return (proba, emb) if return_embeddings else proba

        def predict(self, X):
            return self.predict_proba(X).argmax(axis=1)

        def sample_proba(self, X, n_samples=10):
            return np.stack([self._forward(X, training=True)[0] for _ in range(n_samples)])

    X = np.concatenate([X_l, X_pool])
    y = np.concatenate([y_l.astype(float), np.full(X_pool.shape[0], np.nan)])
    classes = np.arange(int(y_l.max()) + 1)
    clf = NetworkClassifier(module, classes=classes).fit(X_l, y_l.astype(float))
    candidates = np.arange(X_l.shape[0], X.shape[0])
    mc = dict(
        sample_predictions_method_name="sample_proba", sample_predictions_dict={"n_samples": n_mc}
    )

    def uncertainty(method):
        strategy = UncertaintySampling(method=method, random_state=0)
        return lambda: strategy.query(X, y, clf, fit_clf=False, candidates=candidates, batch_size=n)

    def coreset():
        _, embedding = clf.predict_proba(X, return_embeddings=True)
        strategy = CoreSet(random_state=0)
        return strategy.query(embedding, y, candidates=candidates, batch_size=n)

    return {
        "random": lambda: RandomSampling(random_state=0).query(
            X, y, candidates=candidates, batch_size=n
        ),
        "least_confidence": uncertainty("least_confident"),
        "margin": uncertainty("margin_sampling"),
        "entropy": uncertainty("entropy"),
        "bald": lambda: GreedyBALD(random_state=0, **mc).query(
            X, y, clf, fit_ensemble=False, candidates=candidates, batch_size=n
        ),
        "batchbald": lambda: BatchBALD(random_state=0, **mc).query(
            X, y, clf, fit_ensemble=False, candidates=candidates, batch_size=n
        ),
        "badge": lambda: Badge(random_state=0).query(
            X, y, clf, fit_clf=False, candidates=candidates, batch_size=n
        ),
        "coreset": coreset,
    }, X_l.shape[0]


def baal_cases(module, X_pool, n, n_mc):
    from baal.active import heuristics
    from baal.bayesian.dropout import patch_module
    from baal.modelwrapper import ModelWrapper, TrainingArgs
    from torch.utils.data import TensorDataset

    dataset = TensorDataset(
        torch.from_numpy(X_pool), torch.zeros(X_pool.shape[0], dtype=torch.long)
    )
    model = patch_module(copy.deepcopy(module))
    wrapper = ModelWrapper(
        model,
        TrainingArgs(
            criterion=torch.nn.CrossEntropyLoss(), batch_size=CHUNK, use_cuda=False, workers=0
        ),
    )

    def ranked(heuristic, iterations):
        def run():
            predictions = wrapper.predict_on_dataset(dataset, iterations=iterations, verbose=False)
            return np.asarray(heuristic(predictions))[:n]

        return run

    return {
        "random": ranked(heuristics.Random(), 1),
        "least_confidence": ranked(heuristics.Certainty(), 1),
        "margin": ranked(heuristics.Margin(), 1),
        "entropy": ranked(heuristics.Entropy(), 1),
        "bald": ranked(heuristics.BALD(), n_mc),
        "max_variance": ranked(heuristics.Variance(), n_mc),
        "batchbald": ranked(heuristics.BatchBALD(num_samples=n), n_mc),
    }


def main(network, out):
    torch.set_num_threads(1)
    data = np.load(network)
    module = build_module(data)
    X_l, y_l, X_pool = data["X_labelled"], data["y_labelled"], data["X_pool"]
    n, n_mc, repeats = int(data["n"]), int(data["n_mc_samples"]), int(data["repeats"])
    wanted = set(str(data["methods"]).split(","))
    # The machine is shared: a method that needs more address space than this
    # fails with a MemoryError, recorded as such, instead of swapping others out.
    memory_limit = int(data["memory_limit"])
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    results = {}
    with threadpool_limits(limits=1):
        _, unit = cpu_seconds(lambda: plain_forward(module, X_pool), 3)
        peers = {}
        try:
            cases, offset = skactiveml_cases(module, X_l, y_l, X_pool, n, n_mc)
            peers["scikit-activeml"] = (cases, offset)
        except ImportError as error:
            results["scikit-activeml"] = {"error": f"not installed ({error})"}
        try:
            peers["baal"] = (baal_cases(module, X_pool, n, n_mc), 0)
        except ImportError as error:
            results["baal"] = {"error": f"not installed ({error})"}
        for peer, (cases, offset) in peers.items():
            results[peer] = {}
            for name, run in cases.items():
                if name not in wanted:
                    continue
                try:
                    picked, seconds = cpu_seconds(run, repeats)
                except MemoryError:
                    gb = memory_limit / 2**30
                    results[peer][name] = {"error": f"over the {gb:.0f} GiB memory limit"}
                    print(f"{peer:16s} {name:18s} over the {gb:.0f} GiB memory limit", flush=True)
                    continue
                picked = np.asarray(picked).reshape(-1) - offset
                results[peer][name] = {
                    "seconds": seconds,
                    "unit": unit,
                    "n_distinct": int(np.unique(picked).shape[0]),
                    "in_pool": bool(((picked >= 0) & (picked < X_pool.shape[0])).all()),
                }
                print(f"{peer:16s} {name:18s} {seconds:8.3f} s", flush=True)
    with open(out, "w") as f:
        json.dump({"unit": unit, "peers": results}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
