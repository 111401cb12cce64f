"""The benchmark scripts run (in their quick mode) and agree with their references."""

import importlib.util
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gradient_strategies_benchmark_quick_mode(capsys):
    identical, difference = _load("bench_gradient_strategies").main(quick=True)
    # The factored BADGE picks what both materialised versions pick, and the
    # vmapped gradient norms equal the per-row loop.
    assert identical and all(identical.values())
    assert difference < 1e-4
    out = capsys.readouterr().out
    assert "speed-up" in out and "CoreSet" in out and "EGL" in out
