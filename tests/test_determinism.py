"""A fixed ``random_state`` gives the same queries everywhere.

Within one process the strategy template (``tests/strategies/test_common.py``)
checks that a query is reproducible for a seed and does not depend on the
pool's chunk size. Here: the same answers from fresh processes, whatever
Python's hash seed and whatever the global torch and NumPy random states
were left in, and the same cross-validation results for any ``n_jobs``
(for uncertainty strategies that is checked in
``tests/model_selection/test_simulation.py::test_results_do_not_depend_on_n_jobs``;
here with stochastic strategies).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from skactive import ActiveLearner
from skactive.model_selection import cross_validate_strategies
from skactive.strategies import BADGE, BALD, DAL, Margin

from .conftest import make_classifier_net, make_three_classes
from .strategies.test_common import ALL, _learner

ROOT = Path(__file__).resolve().parents[1]

# Fits a learner for every strategy of the template and prints its queries as
# JSON. ``disturb`` first moves the global random streams a user's own code
# would move.
_SCRIPT = """
import json, sys
import numpy as np, torch
if sys.argv[1] == "disturb":
    torch.manual_seed(12345)
    torch.rand(1000)
    np.random.seed(54321)
    np.random.rand(1000)
from tests.conftest import make_three_classes
from tests.strategies.test_common import ALL, _learner
data = make_three_classes(40, 300)
print(json.dumps({p.id: _learner(p.values[0], data, p.values[1]).query(data[2], 10).tolist()
                  for p in ALL}))
"""


def _queries_in_fresh_process(hash_seed, *, disturb):
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    # Same torch thread count as here: float sums in training depend on it.
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(torch.get_num_threads())
    return subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, "disturb" if disturb else "plain"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process):
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_every_strategy_queries_the_same_rows_in_a_fresh_process():
    # A fresh interpreter with its own hash seed and disturbed global random
    # states, started first so that it runs while this process computes.
    process = _queries_in_fresh_process(4321, disturb=True)
    data = make_three_classes(40, 300)
    # This process has run other code (and moved torch's global generator).
    here = {p.id: _learner(p.values[0], data, p.values[1]).query(data[2], 10).tolist() for p in ALL}
    there = _result(process)
    assert set(there) == set(here) == {p.id for p in ALL}
    for name, indices in here.items():
        assert len(set(indices)) == 10, name
        assert there[name] == indices, name


@pytest.fixture(scope="module")
def three_classes():
    X, y, _ = make_three_classes(30, 0, seed=1)
    return X, y


def test_cross_validation_with_stochastic_strategies_does_not_depend_on_n_jobs(three_classes):
    X, y = three_classes
    strategies = [
        Margin(),
        BALD(n_mc_samples=5),
        BADGE(),
        DAL(hidden_layer_sizes=(16,), max_epochs=5),
    ]
    learner = ActiveLearner(make_classifier_net(max_epochs=5))
    params = dict(
        cv=2, n_repeats=1, initial_size=6, query_size=5, n_rounds=2, verbose=False, random_state=3
    )
    one = cross_validate_strategies(learner, strategies, X, y, n_jobs=1, **params)
    two = cross_validate_strategies(learner, strategies, X, y, n_jobs=2, **params)
    columns = ["strategy", "repeat", "fold", "round", "n_labeled", "score"]
    pd.testing.assert_frame_equal(one[columns], two[columns])
    assert len(one) == 4 * 2 * 3
    assert all(np.array_equal(a, b) for a, b in zip(one["queried"], two["queried"], strict=True))
    # The stochastic strategies did make choices of their own: after the
    # shared seed set, not every strategy queried the same rows.
    later = one[one["round"] == 1].groupby("fold")["queried"]
    assert all(len({tuple(q) for q in group}) > 1 for _, group in later)
