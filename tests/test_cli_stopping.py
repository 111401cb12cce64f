"""``skactive compare --stopping`` and the plot of the points where criteria fired."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd

from skactive._cli import main
from skactive.plotting import plot_stopping


def test_compare_with_stopping_prints_and_writes_the_report(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 2))
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": (X.sum(axis=1) > 0).astype(int)})
    frame.to_csv(tmp_path / "two.csv", index=False)
    out = tmp_path / "out"
    argv = ["compare", str(tmp_path / "two.csv"), "--strategies", "random,margin",
            "--initial-size", "6", "--query-size", "6", "--budget", "24", "--folds", "2",
            "--repeats", "1", "--max-epochs", "2", "--quiet", "--out", str(out),
            "--stopping", "max_confidence,classification_change"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "stopping criteria" in printed and "classification_change" in printed
    report = pd.read_csv(out / "stopping.csv")
    assert set(report["criterion"]) == {"max_confidence", "classification_change"}
    assert set(report["strategy"]) == {"random", "margin"}
    assert (out / "stopping.png").stat().st_size > 0
    results = pd.read_csv(out / "results.csv")
    assert {"stop:max_confidence", "stop:classification_change"} <= set(results.columns)


def test_compare_without_stopping_writes_no_report(tmp_path, capsys):
    rng = np.random.RandomState(1)
    frame = pd.DataFrame({"a": rng.normal(size=60), "y": [0, 1] * 30})
    frame.to_csv(tmp_path / "one.csv", index=False)
    argv = ["compare", str(tmp_path / "one.csv"), "--strategies", "random", "--initial-size",
            "6", "--query-size", "6", "--budget", "12", "--folds", "2", "--repeats", "1",
            "--max-epochs", "1", "--quiet", "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(argv) == 0
    assert "stopping criteria" not in capsys.readouterr().out
    assert not (tmp_path / "out" / "stopping.csv").exists()


def test_plot_stopping_marks_each_fired_point():
    table = pd.DataFrame(
        {
            "round": [0, 1, 2, 3],
            "n_labeled": [10, 20, 30, 40],
            "score": [0.5, 0.7, 0.9, 0.8],
            "stop:a": [False, True, True, False],
            "stop:b": [False, False, False, True],
        }
    )
    ax = plot_stopping(table)
    lines = ax.get_lines()
    curve = [line for line in lines if len(line.get_xdata()) == 4]
    assert len(curve) == 1
    points = {
        (float(line.get_xdata()[0]), float(line.get_ydata()[0]))
        for line in lines
        if len(line.get_xdata()) == 1
    }
    assert points == {(20.0, 0.7), (40.0, 0.8)}
    assert {"a", "b"} <= {t.get_text() for t in ax.get_legend().get_texts()}
