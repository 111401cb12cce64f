"""cross_validate_strategies under joblib's Ray and Dask backends: the n_jobs=1 table."""

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from skactive import ActiveLearner
from skactive.model_selection import cross_validate_strategies

from ..conftest import make_classifier_net

rng = np.random.RandomState(0)
X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(2.5, 1, (30, 2))].astype(np.float32)
y = np.repeat([0, 1], 30)
TIMES = ["query_time", "fit_time"]
ROOT = Path(__file__).resolve().parents[2]


def _table(n_jobs):
    learner = ActiveLearner(make_classifier_net(max_epochs=2), "random")
    return cross_validate_strategies(
        learner, ["random", "margin"], X, y, cv=2, n_repeats=2, initial_size=6,
        query_size=4, budget=14, n_jobs=n_jobs, verbose=False, random_state=0,
    )  # fmt: skip


@pytest.fixture(scope="module")
def serial():
    return _table(1)


def _assert_same(table, serial):
    assert len(table) == len(serial) == 2 * 2 * 2 * 3
    pd.testing.assert_frame_equal(table.drop(columns=TIMES), serial.drop(columns=TIMES))


_RAY_RUN = """
import sys, joblib, ray
from ray.util.joblib import register_ray
from tests.model_selection.test_backends import _table
register_ray()
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
try:
    with joblib.parallel_backend("ray"):
        table = _table(2)
finally:
    ray.shutdown()
table.drop(columns=["queried"]).to_csv(sys.argv[1], index=False)
table["queried"].map(lambda q: " ".join(map(str, q))).to_csv(sys.argv[2], index=False)
"""


@pytest.mark.slow
def test_ray_backend_gives_the_serial_table(serial, tmp_path):
    # In a process of its own: ray.init replaces builtins.print (and more)
    # for the rest of the process it runs in.
    pytest.importorskip("ray")
    _run_elsewhere(_RAY_RUN, serial, tmp_path)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_table(serial):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        table = _table(2)
    _assert_same(table, serial)


_WAVES_RUN = """
import sys, joblib, pytest
from tests.model_selection.test_backends import _table
with joblib.parallel_backend("multiprocessing", n_jobs=2):
    with pytest.raises(ValueError, match="does not support return_as=generator"):
        joblib.Parallel(return_as="generator")(joblib.delayed(abs)(i) for i in range(2))
    table = _table(2)
table.drop(columns=["queried"]).to_csv(sys.argv[1], index=False)
table["queried"].map(lambda q: " ".join(map(str, q))).to_csv(sys.argv[2], index=False)
"""


def _run_elsewhere(script, serial, tmp_path):
    """Run ``script`` in a new interpreter and compare the table it writes with ``serial``."""
    paths = [tmp_path / "table.csv", tmp_path / "queried.csv"]
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    table = pd.read_csv(paths[0])
    queried = pd.read_csv(paths[1])["queried"].map(lambda q: np.array(q.split(), dtype=np.int64))
    expected = serial.drop(columns=TIMES + ["queried"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        table.drop(columns=TIMES), expected, check_dtype=False, check_exact=True
    )
    for got, want in zip(queried, serial["queried"], strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.slow
def test_a_backend_without_generators_runs_in_waves(serial, tmp_path):
    # Like Ray's, joblib's multiprocessing backend refuses
    # return_as="generator": the jobs go in waves, to the same table. In a
    # process of its own: its pool forks, and a fork of a process that has
    # run a Dask cluster's threads (the test before) can deadlock.
    _run_elsewhere(_WAVES_RUN, serial, tmp_path)
