"""The ``skactive`` command."""

import subprocess
import sys

import pytest

from skactive._cli import main


def _demo(strategies, initial, query, rounds):
    """Arguments of a small, fast demo run."""
    return (
        f"demo --strategies {strategies} --repeats 1 --initial-size {initial} "
        f"--query-size {query} --rounds {rounds} --max-epochs 3"
    ).split()


def test_demo_prints_a_table(capsys):
    args = _demo("random,margin", initial=20, query=20, rounds=2)
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Test accuracy on digits")
    assert out[1].split() == ["strategy", "20", "40", "60", "mean"]
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in out[2:]}
    assert set(rows) == {"random", "margin"}
    assert all(0.0 <= v <= 1.0 for values in rows.values() for v in values)
    assert rows["random"][0] == rows["margin"][0]  # the same seed set for both


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--strategies", "random,oracle"], "unknown strategies ['oracle']"),
        (["demo", "--repeats", "0"], "--repeats must be at least 1"),
        (["demo", "--rounds", "-1"], "--rounds must be at least 0"),
        (["demo", "--initial-size", "1300"], "leaves no pool: the training split has 1257 rows"),
    ],
)
def test_demo_refuses_bad_arguments(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_demo_table_follows_the_rows_actually_labelled(capsys):
    args = _demo("random", initial=1200, query=100, rounds=3)
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["strategy", "1200", "1257", "mean"]
    assert len(out[2].split()) == 4


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "skactive", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "demo" in result.stdout
