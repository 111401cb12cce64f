"""A learner saved in the middle of an active-learning loop resumes exactly.

Every strategy's learner is pickled and ``joblib.dump``-ed after two rounds
(query, teach), loaded in a fresh Python process, and continued there for two
more rounds; the learner that never stopped must give the same queries and
the same predictions. A simulation saved after two of its rounds finishes in
the child as it would have without the stop. One child process handles every strategy: starting one
that imports torch costs seconds.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
import torch

import skactive
from skactive import ActiveLearner
from skactive.model_selection import ActiveLearningSimulation, simulate_active_learning
from skactive.strategies import (
    ALBL,
    STRATEGY_ALIASES,
)

from .conftest import (
    REGRESSION_ALIASES,
    make_classifier_net,
    make_regressor_net,
    make_three_classes,
    small_strategies,
)

# The small configurations of tests/strategies/test_common.py, by alias.
CLASSIFICATION = small_strategies()
REGRESSION = {name: CLASSIFICATION[name] for name in REGRESSION_ALIASES}
CASES = [f"classifier-{name}" for name in CLASSIFICATION] + [
    f"regressor-{name}" for name in REGRESSION
]
BATCH = 5
SIMULATION = dict(initial_size=6, query_size=4, n_rounds=4, random_state=0)

# Loads each saved learner, continues the loop (query, teach, query) and
# writes what it saw. Argument: the working folder.
CHILD = textwrap.dedent(
    """
    import json, pickle, sys
    import joblib, numpy as np
    import skactive

    folder = sys.argv[1]
    with open(f"{folder}/cases.json") as f:
        cases = json.load(f)
    data = np.load(f"{folder}/data.npz")
    out = {}
    for case in cases:
        task = case.split("-")[0]
        pool, X_test = data[f"{case}-pool"], data["X_test"]
        oracle = data[f"{task}-oracle"][data[f"{case}-pool_index"]]
        for dump in ("pickle", "joblib"):
            path = f"{folder}/{case}.{dump}"
            if dump == "pickle":
                with open(path, "rb") as f:
                    learner = pickle.load(f)
            else:
                learner = joblib.load(path)
            key = f"{case}-{dump}"
            out[f"{key}-predict_loaded"] = learner.predict(X_test)
            if task == "classifier":
                out[f"{key}-proba_loaded"] = learner.predict_proba(X_test)
            out[f"{key}-query3"] = idx = learner.query(pool, %(batch)d)
            learner.teach(pool[idx], oracle[idx])
            out[f"{key}-predict3"] = learner.predict(X_test)
            if task == "classifier":
                out[f"{key}-proba3"] = learner.predict_proba(X_test)
            rest = np.delete(np.arange(len(pool)), idx)
            out[f"{key}-query4"] = rest[learner.query(pool[rest], %(batch)d)]

    # The simulation stopped after two rounds runs its remaining ones.
    simulation = joblib.load(f"{folder}/simulation.joblib")
    simulation.run(data["sim-X"], data["sim-y"], X_test, data["sim-y_test"])
    out["sim-queried"] = np.concatenate(simulation.results_["queried"].tolist())
    out["sim-n_labeled"] = simulation.results_["n_labeled"].to_numpy()
    out["sim-score"] = simulation.results_["score"].to_numpy()
    np.savez(f"{folder}/child.npz", **out)
    with open(f"{folder}/child.json", "w") as f:
        json.dump({"skactive": skactive.__file__}, f)
    """
    % {"batch": BATCH}
)


def _learner(case):
    task, name = case.split("-", 1)
    if task == "classifier":
        net = make_classifier_net(module__batch_norm=True, max_epochs=20)
        strategy = CLASSIFICATION[name]
    else:
        net = make_regressor_net(module__batch_norm=True, max_epochs=20)
        strategy = REGRESSION[name]
    return ActiveLearner(net, query_strategy=strategy, random_state=0)


def _simulation_learner():
    return ActiveLearner(make_classifier_net(max_epochs=5), query_strategy=ALBL())


def _oracles(X):
    """Labels for any row: the nearest class centre, and a regression target."""
    centres = np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 3.0]])
    label = np.argmin(((X[:, None, :] - centres) ** 2).sum(-1), axis=1)
    return {"classifier": label, "regressor": (X[:, 0] * label).astype(np.float32)}


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    """What the never-stopped learners and the reloaded ones did after the save."""
    folder = tmp_path_factory.mktemp("resume")
    X, y, pool = make_three_classes(20, 160)
    X_seed, X_test = X[::2], X[1::2]
    oracles = _oracles(pool)
    data = {"X_test": X_test, **{f"{t}-oracle": o for t, o in oracles.items()}}

    running = {}
    for case in CASES:
        task = case.split("-")[0]
        learner = _learner(case)
        y_seed = y[::2] if task == "classifier" else _oracles(X_seed)[task]
        learner.fit(X_seed, y_seed)
        left = np.arange(pool.shape[0])
        for _ in range(2):
            idx = learner.query(pool[left], BATCH)
            learner.teach(pool[left[idx]], oracles[task][left[idx]])
            left = np.delete(left, idx)
        with open(folder / f"{case}.pickle", "wb") as f:
            pickle.dump(learner, f)
        joblib.dump(learner, folder / f"{case}.joblib")
        data[f"{case}-pool"], data[f"{case}-pool_index"] = pool[left], left
        running[case] = learner, pool[left], oracles[task][left]
    # A simulation stopped after two of its four rounds.
    sim_data = X_seed, y[::2], X_test, y[1::2]
    simulation = ActiveLearningSimulation(_simulation_learner(), **SIMULATION)
    simulation.run(*sim_data, max_rounds=2)
    joblib.dump(simulation, folder / "simulation.joblib")
    data.update({"sim-X": X_seed, "sim-y": y[::2], "sim-y_test": y[1::2]})
    np.savez(folder / "data.npz", **data)
    with open(folder / "cases.json", "w") as f:
        json.dump(CASES, f)

    # The child imports skactive from where this process did.
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(skactive.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    # Same torch thread count as here: float sums in training depend on it.
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(torch.get_num_threads())
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)], env=env, capture_output=True, text=True
    )
    assert child.returncode == 0, child.stderr

    expected = {}
    for key, (learner, left_pool, oracle) in running.items():
        expected[f"{key}-predict_loaded"] = learner.predict(X_test)
        if key.startswith("classifier"):
            expected[f"{key}-proba_loaded"] = learner.predict_proba(X_test)
        expected[f"{key}-query3"] = idx = learner.query(left_pool, BATCH)
        learner.teach(left_pool[idx], oracle[idx])
        expected[f"{key}-predict3"] = learner.predict(X_test)
        if key.startswith("classifier"):
            expected[f"{key}-proba3"] = learner.predict_proba(X_test)
        rest = np.delete(np.arange(len(left_pool)), idx)
        expected[f"{key}-query4"] = rest[learner.query(left_pool[rest], BATCH)]
    reference = simulate_active_learning(_simulation_learner(), *sim_data, **SIMULATION)
    expected["sim-queried"] = np.concatenate(reference["queried"].tolist())
    expected["sim-n_labeled"] = reference["n_labeled"].to_numpy()
    expected["sim-score"] = reference["score"].to_numpy()
    with open(folder / "child.json") as f:
        info = json.load(f)
    return expected, dict(np.load(folder / "child.npz")), info


def test_every_strategy_is_covered():
    assert set(CLASSIFICATION) == set(STRATEGY_ALIASES)
    assert all(type(REGRESSION[n]) is STRATEGY_ALIASES[n] for n in REGRESSION)
    assert all(type(CLASSIFICATION[n]) is STRATEGY_ALIASES[n] for n in CLASSIFICATION)


@pytest.mark.slow
def test_the_child_imported_the_same_package(resumed):
    _, _, info = resumed
    assert os.path.samefile(info["skactive"], skactive.__file__)


@pytest.mark.slow
@pytest.mark.parametrize("dump", ["pickle", "joblib"])
@pytest.mark.parametrize("case", CASES)
def test_reloaded_learner_continues_like_the_one_that_never_stopped(resumed, case, dump):
    expected, got, _ = resumed
    names = ["predict_loaded", "query3", "predict3", "query4"]
    if case.startswith("classifier"):
        names += ["proba_loaded", "proba3"]
    for name in names:
        np.testing.assert_array_equal(
            got[f"{case}-{dump}-{name}"], expected[f"{case}-{name}"], err_msg=name
        )
    # Two real rounds: BATCH distinct rows each, none asked twice.
    both = np.concatenate([expected[f"{case}-query3"], got[f"{case}-{dump}-query4"]])
    assert np.unique(both).shape[0] == 2 * BATCH


@pytest.mark.slow
def test_simulation_saved_mid_run_finishes_in_a_new_process(resumed):
    expected, got, _ = resumed
    assert got["sim-n_labeled"].tolist() == [6, 10, 14, 18, 22]
    for name in ("sim-n_labeled", "sim-queried", "sim-score"):
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
