"""The ``skactive`` command."""

import subprocess
import sys

import numpy as np
import pandas as pd
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


def test_command_leaves_torch_thread_count_as_it_was(capsys):
    # main may run inside a notebook or a test process: --threads applies to
    # the command only.
    import torch

    before = torch.get_num_threads()
    threads = 1 if before > 1 else 2
    assert main(_demo("random", initial=20, query=20, rounds=1) + ["--threads", str(threads)]) == 0
    assert torch.get_num_threads() == before


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
    assert result.returncode == 0 and "demo" in result.stdout and "compare" in result.stdout


@pytest.fixture
def small_csv(tmp_path):
    """120 rows of three separable 2-D classes with string labels, as a CSV."""
    rng = np.random.RandomState(0)
    labels = np.repeat(["low", "mid", "high"], 40)
    centres = {"low": [0, 0], "mid": [3, 3], "high": [0, 3]}
    X = np.array([centres[c] for c in labels]) + rng.normal(scale=0.5, size=(120, 2))
    frame = pd.DataFrame({"a": X[:, 0], "kind": labels, "b": X[:, 1]})
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    return path


def _compare(path, out, *extra):
    return [
        "compare", str(path), "--target", "kind", "--strategies", "random,margin",
        "--initial-size", "6", "--query-size", "6", "--budget", "30", "--folds", "2",
        "--repeats", "2", "--max-epochs", "3", "--out", str(out), "--quiet", *extra,
    ]  # fmt: skip


def test_compare_on_a_csv_prints_the_table_and_writes_files(small_csv, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(_compare(small_csv, out)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("small: 120 rows, 2 features; 2 strategies x 4 runs")
    assert lines[1].split() == ["aulc", "final_score", "labels_to_target", "penalty"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:5]}
    assert set(rows) == {"random", "margin"}
    for name in ["results.csv", "summary.csv", "learning_curves.png", "penalty_matrix.png",
                 "error_cdf.png"]:  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    results = pd.read_csv(out / "results.csv")
    assert len(results) == 2 * 4 * 5  # strategies x runs x rounds (6, 12, ..., 30)
    assert sorted(set(results["n_labeled"])) == [6, 12, 18, 24, 30]
    summary = pd.read_csv(out / "summary.csv", index_col=0)
    assert float(rows["margin"][1]) == pytest.approx(summary.loc["margin", "final_score"], abs=1e-3)


def test_compare_regression_csv_without_random_has_no_penalty(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(80, 2))
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": 3 * X[:, 0] + 0.5})
    path = tmp_path / "reg.csv"
    frame.to_csv(path, index=False)
    args = _compare(path, tmp_path / "o", "--scoring", "r2")
    args[args.index("kind")] = "y"
    args[args.index("random,margin")] = "random"
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "; r2;" in lines[0]
    assert lines[1].split() == ["aulc", "final_score", "labels_to_target"]
    assert not (tmp_path / "o" / "penalty_matrix.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "nosuchdata"], "neither a bundled data set"),
        (["compare", "satimage", "--strategies", "random,oracle"], "unknown strategies"),
        (["compare", "satimage", "--folds", "1"], "--folds must be at least 2"),
        (["compare", "satimage", "--budget", "ten"], "neither a number of rows nor a fraction"),
        (
            ["compare", "satimage", "--budget", "20", "--initial-size", "50"],
            "smaller than the seed",
        ),
    ],
)
def test_compare_refuses_bad_arguments(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(args + ["--out", str(tmp_path), "--quiet"])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_compare_refuses_a_csv_it_cannot_use(small_csv, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(_compare(small_csv, tmp_path, "--target", "nothere"))
    assert "has no column 'nothere'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(_compare(small_csv, tmp_path, "--target", "a"))
    assert "Columns ['kind'] of small.csv are not numeric" in capsys.readouterr().err
