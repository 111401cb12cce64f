"""Adding a strategy is one file and one registry line: the contract tests then run on it."""

import os
import re
import subprocess
import sys
from pathlib import Path

from skactive.strategies import STRATEGY_ALIASES

from . import test_common

ROOT = Path(__file__).resolve().parents[2]


def _registry_driven_tests():
    """The tests of test_common.py parametrised from the registry."""
    lists = (test_common.ALL, test_common.CLASSIFICATION, test_common.TOUCHING)
    names = set()
    for name in dir(test_common):
        function = getattr(test_common, name)
        if not name.startswith("test_") or not callable(function):
            continue
        for mark in getattr(function, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            values = mark.args[1]
            if any(values is v for v in lists) or list(values) == sorted(STRATEGY_ALIASES):
                names.add(name)
    return names


def test_every_registry_driven_test_is_found():
    # The tests this file expects to run on the toy strategy (at least: a
    # new registry-driven test joins them).
    expected = {
        "test_returns_n_distinct_indices_inside_the_pool",
        "test_reproducible_for_a_seed_and_varies_with_it",
        "test_pool_chunk_size_does_not_change_the_answer",
        "test_query_leaves_the_network_bit_identical",
        "test_is_a_clonable_estimator",
        "test_alias_resolves_to_its_class",
        "test_query_restores_every_train_eval_flag",
        "test_query_restores_grad_mode",
        "test_query_restores_the_network_when_the_strategy_raises",
    }
    assert expected <= _registry_driven_tests()


def test_a_registered_toy_strategy_runs_through_every_contract_test():
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.strategies._toy_plugin",
            "-p",
            "no:cacheprovider",
            "-v",
            "-k",
            "toy",
            "tests/strategies/test_common.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    passed = re.findall(r"::(test_\w+)\[([^\]]*)\] PASSED", result.stdout)
    assert passed, result.stdout[-4000:]
    assert all("toy" in case.lower() for _, case in passed)
    assert {name for name, _ in passed} == _registry_driven_tests()
    cases = {case for _, case in passed}
    # On a classifier and, its tags allowing it, on a regressor; and by alias.
    assert any(case.startswith("classifier-ToyStrategy") for case in cases)
    assert any("regressor-ToyStrategy" in case for case in cases)
    assert "toy" in cases
    assert not re.search(r"(FAILED|ERROR)", result.stdout)
