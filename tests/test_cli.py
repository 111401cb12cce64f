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


# ------------------------------------------------------------ help and errors


def test_parsing_and_help_do_not_import_torch():
    # --help and argument errors must answer at once: torch (seconds to
    # import) and scikit-learn load only when the work starts.
    code = (
        "import sys\n"
        "from skactive._cli import main\n"
        "for argv in (['--help'], ['compare', '--help'], ['demo', '--help'],\n"
        "             ['compare', 'x', '--folds', '1'], ['demo', '--rounds', '-1']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('torch', 'skorch') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_strategy_and_data_set_names_match_the_registries():
    from skactive._cli import DATASET_NAMES, IMAGE_DATASET_NAMES, STOPPING_NAMES, STRATEGY_NAMES
    from skactive.datasets import DATASETS, IMAGE_DATASETS
    from skactive.stopping import STOPPING_ALIASES
    from skactive.strategies import STRATEGY_ALIASES

    assert list(STRATEGY_NAMES) == sorted(STRATEGY_ALIASES)
    assert list(DATASET_NAMES) == sorted(DATASETS)
    assert list(STOPPING_NAMES) == sorted(STOPPING_ALIASES)
    assert IMAGE_DATASET_NAMES == IMAGE_DATASETS


@pytest.mark.parametrize("command", ["compare", "demo"])
def test_help_shows_defaults_and_documents_every_option(command, capsys, monkeypatch):
    from skactive._cli import _parser

    monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside a default
    _, commands = _parser()
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    for action in commands[command]._actions:
        assert action.help, f"{action.dest} has no help text"
        if action.option_strings and action.default not in (None, False, "==SUPPRESS=="):
            assert f"default: {action.default}" in " ".join(text.split()), action.dest
    assert "(default: None)" not in text


def test_top_level_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "``" not in text and ":mod:" not in text
    assert "compare" in text and "demo" in text


@pytest.mark.parametrize("command, argv", [("compare", ["satimage", "--folds", "1"]),
                                           ("demo", ["--rounds", "-1"])])  # fmt: skip
def test_errors_print_the_usage_of_the_subcommand(command, argv, capsys):
    with pytest.raises(SystemExit):
        main([command, *argv])
    err = capsys.readouterr().err
    assert err.startswith(f"usage: skactive {command} ")
    assert f"skactive {command}: error:" in err


@pytest.fixture
def diagnosis_csv(tmp_path):
    """A binary CSV whose string target ('B'/'M') is the FIRST column."""
    rng = np.random.RandomState(0)
    y = np.where(rng.rand(90) > 0.5, "M", "B")
    X = rng.normal(size=(90, 2)) + (y == "M")[:, None]
    path = tmp_path / "cancer.csv"
    pd.DataFrame({"diagnosis": y, "a": X[:, 0], "b": X[:, 1]}).to_csv(path, index=False)
    return path


def _fails(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return " ".join(capsys.readouterr().err.split())


def test_a_text_first_column_suggests_target(diagnosis_csv, tmp_path, capsys):
    err = _fails(["compare", str(diagnosis_csv), "--out", str(tmp_path / "o")], capsys)
    assert "Columns ['diagnosis']" in err and "pass --target diagnosis" in err


def test_a_too_large_default_budget_names_budget(diagnosis_csv, tmp_path, capsys):
    argv = ["compare", str(diagnosis_csv), "--target", "diagnosis", "--out", str(tmp_path)]
    err = _fails(argv, capsys)
    assert "--budget 400 (the default) is more than the 60 training rows of a fold" in err
    assert "pass --budget 60 or less, or a fraction" in err
    err = _fails(argv + ["--budget", "40", "--initial-size", "70"], capsys)
    assert "--initial-size 70 is more than the 60 training rows" in err


def test_f1_on_string_labels_asks_for_pos_label_up_front(diagnosis_csv, tmp_path, capsys):
    argv = ["compare", str(diagnosis_csv), "--target", "diagnosis", "--out", str(tmp_path),
            "--scoring", "f1"]  # fmt: skip
    err = _fails(argv, capsys)
    assert "--scoring f1 needs the positive class" in err and "--pos-label M" in err
    err = _fails(argv + ["--pos-label", "X"], capsys)
    assert "--pos-label X is not a class of the target" in err


def test_f1_with_pos_label_scores_the_named_class(diagnosis_csv, tmp_path, capsys):
    from sklearn.metrics import f1_score

    out = tmp_path / "o"
    argv = ["compare", str(diagnosis_csv), "--target", "diagnosis", "--scoring", "f1",
            "--pos-label", "M", "--strategies", "random", "--initial-size", "10",
            "--query-size", "10", "--budget", "20", "--folds", "2", "--repeats", "1",
            "--max-epochs", "2", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    assert "f1 (positive class M)" in capsys.readouterr().out
    scores = pd.read_csv(out / "results.csv")["score"]
    assert ((scores >= 0) & (scores <= 1)).all()
    # The scorer the command builds is f1 of class M.
    from skactive._cli import _parser, _scoring

    args = _parser()[0].parse_args(argv)
    scorer = _scoring(args, np.array(["B", "M"]), True)

    from sklearn.base import BaseEstimator, ClassifierMixin

    class Fixed(ClassifierMixin, BaseEstimator):
        classes_ = np.array(["B", "M"])

        def predict(self, X):
            return np.array(["M", "M", "B", "B"])

    y_true = np.array(["M", "B", "B", "B"])
    expected = f1_score(y_true, Fixed().predict(None), pos_label="M")
    assert scorer(Fixed(), None, y_true) == pytest.approx(expected)


@pytest.mark.slow
def test_compare_on_images_with_a_cnn_as_a_subprocess(tmp_path):
    out = tmp_path / "out"
    command = (
        "compare digits --image --strategies random,margin --folds 2 --repeats 1 "
        f"--initial-size 30 --query-size 30 --budget 90 --max-epochs 3 --quiet --out {out}"
    ).split()
    result = subprocess.run(
        [sys.executable, "-m", "skactive", *command], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    results = pd.read_csv(out / "results.csv")
    assert set(results["strategy"]) == {"random", "margin"}
    assert sorted(results["n_labeled"].unique()) == [30, 60, 90]
    assert "margin" in result.stdout and "random" in result.stdout


def test_compare_image_needs_a_set_of_images(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "satimage", "--image", "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert "--image needs a bundled set of images (digits, mnist-5k)" in capsys.readouterr().err


def test_cli_nets_train_to_convergence_unless_max_epochs_is_given():
    from argparse import Namespace

    from skactive import _cli
    from skactive.nets import TrainToConvergence

    def schedules(learner):
        net = learner.estimator[-1] if hasattr(learner.estimator, "steps") else learner.estimator
        return net.max_epochs, [type(cb) for _, cb in (net.callbacks or [])]

    for image in (False, True):
        default = _cli._compare_learner(Namespace(image=image, max_epochs=None), True)
        assert schedules(default) == (1000, [TrainToConvergence])
        fixed = _cli._compare_learner(Namespace(image=image, max_epochs=3), True)
        assert schedules(fixed) == (3, [])
    demo = Namespace(max_epochs=None, initial_size=30, query_size=30, rounds=2)
    assert schedules(_cli._demo_learner("random", demo, 0)) == (1000, [TrainToConvergence])
    parser, _ = _cli._parser()
    assert parser.parse_args(["demo"]).max_epochs is None


def test_a_strategy_added_to_the_registry_is_accepted_without_a_cli_line(monkeypatch):
    from skactive import _cli
    from skactive.strategies import STRATEGY_ALIASES, Random

    assert _cli._unknown_strategies("random,toy")[0] == ["toy"]
    monkeypatch.setitem(STRATEGY_ALIASES, "toy", Random)
    unknown, names = _cli._unknown_strategies("random,toy")
    assert unknown == [] and "toy" in names and "toy" in _cli.STRATEGY_NAMES
