"""The ``slow`` marker: registered, on the long tests, and off the fast local run."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import skactive

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
SLOW = [
    ("tests.test_docs", "test_notebook_executes"),
    ("tests.test_benchmarks", "test_label_efficiency_quick_mode"),
    ("tests.test_benchmarks", "test_limits_benchmark_quick_mode"),
    ("tests.test_determinism", "test_every_strategy_queries_the_same_rows_in_a_fresh_process"),
    ("tests.test_resume", "test_simulation_saved_mid_run_finishes_in_a_new_process"),
    ("tests.model_selection.test_backends", "test_ray_backend_gives_the_serial_table"),
    ("tests.labeling.test_browser", "test_label_and_commit_in_chromium"),
]


def test_slow_is_a_registered_marker(pytestconfig):
    markers = pytestconfig.getini("markers")
    assert any(line.split(":")[0].strip() == "slow" for line in markers)


@pytest.mark.parametrize(("module", "name"), SLOW, ids=[name for _, name in SLOW])
def test_the_long_tests_are_marked_slow(module, name):
    test = getattr(importlib.import_module(module), name)
    assert "slow" in {mark.name for mark in getattr(test, "pytestmark", [])}


def test_the_fast_run_executes_no_notebook():
    # Collected as `python -m pytest -m "not slow"` would, in a fresh process.
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(skactive.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    files = ["tests/test_docs.py", "tests/test_benchmarks.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + ["-m", "not slow", *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fast = [line for line in result.stdout.splitlines() if "::" in line]
    # The quick tests of those files stay; the notebooks and quick modes go.
    assert "tests/test_docs.py::test_ci_runs_the_readme_test_command" in fast
    assert NOTEBOOKS
    assert not [test for test in fast if "test_notebook_executes" in test]
    assert not [test for test in fast if test.endswith("_quick_mode")]
    assert "deselected" in result.stdout
