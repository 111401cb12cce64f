"""The benchmark scripts run (in their quick mode) and agree with their references."""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_gradient_strategies_benchmark_quick_mode(capsys):
    identical, difference = _load("bench_gradient_strategies").main(quick=True)
    # The factored BADGE picks what both materialised versions pick, and the
    # vmapped gradient norms equal the per-row loop.
    assert identical and all(identical.values())
    assert difference < 1e-4
    out = capsys.readouterr().out
    assert "speed-up" in out and "CoreSet" in out and "EGL" in out


@pytest.mark.slow
def test_dal_alex_benchmark_quick_mode(capsys):
    results = _load("bench_dal_alex").main(quick=True)
    assert set(results) == {"ALEX (deep)", "DAL", "DAL pool_ratio=10"}
    for name, (t_query, t_infer, picked, _) in results.items():
        assert t_query > 0 and t_infer > 0
        # Each query returns the rows it was asked for, all distinct.
        assert len(np.unique(picked)) == len(picked) == (5 if name.startswith("ALEX") else 10)
    # DAL trains one discriminator per mini-query (10 by default).
    assert len(results["DAL"][3]) == 10
    out = capsys.readouterr().out
    assert "ALEX (DeepExplainer)" in out and "pool_ratio=10" in out and "inference pass" in out


@pytest.mark.slow
def test_deimos_batchbald_benchmark_quick_mode(capsys):
    results = _load("bench_deimos_batchbald").main(quick=True)
    # Low-rank DEIMOS picks what the dense Schur-complement version and the
    # previous kernel pick, and BatchBALD's peak memory stays far below its
    # 500 MB target.
    assert results["deimos"]["same_picks"]
    assert results["deimos"]["same_picks_as_reference"]
    assert results["batchbald"]["peak_bytes"] < 500 * 2**20
    # On the exact path BatchBALD picks what the previous kernel picked, and its
    # batch informs at least as much as top-n BALD's under the common estimate.
    assert results["batchbald"]["same_exact_picks"]
    (quality,) = results["quality"]
    assert quality["BatchBALD"] >= quality["BALD"]
    out = capsys.readouterr().out
    assert "BatchBALD" in out and "previous kernel" in out


@pytest.mark.slow
def test_label_efficiency_quick_mode(tmp_path, monkeypatch):
    import json

    import pandas as pd

    from skactive.strategies import STRATEGY_ALIASES

    runner = _load("label_efficiency")
    report = _load("label_efficiency_report")
    messages = []
    out = runner.main(quick=True, n_jobs=2, out=tmp_path, log=messages.append)
    settings = runner.QUICK
    units = runner.units(settings)
    # The main protocol on every setting, the ablations on theirs.
    assert len(units) == len(settings["datasets"]) * (4 + 2 * 1)
    results = pd.concat([pd.read_csv(runner.unit_path(out, u)) for u in units])
    for dataset in settings["datasets"]:
        task = runner.load(dataset)[2]
        named = runner.strategies(task, quick=True)
        # Every strategy of the registry that supports the task, and no other.
        assert set(named) | set(runner.left_out(task, quick=True)) == set(STRATEGY_ALIASES)
        rows = results[results["dataset"] == dataset]
        assert set(rows["strategy"]) == set(named)
        finals = rows.groupby(["training", "initial_size", "batch_size", "strategy", "fold"])
        assert finals.ngroups == len(named) * settings["n_repeats"] * (4 + 2)
        assert (finals["n_labeled"].max() == settings["budget"]).all()
        assert (rows.loc[rows["round"] >= 1, "query_time"] > 0).all()
    assert "entropy" in runner.left_out("regressor", quick=True)
    assert "needs class probabilities" in runner.left_out("regressor", quick=True)["entropy"]
    # Paired runs: in a unit and repeat, every strategy starts from the same score;
    # warm and converged training fit the same seed model.
    seed = results[results["round"] == 0]
    keys = ["training", "dataset", "initial_size", "batch_size", "fold"]
    assert (seed.groupby(keys)["score"].nunique() == 1).all()
    by_training = seed.groupby(["training", "dataset", "initial_size", "batch_size", "fold"])
    first = by_training["score"].first().unstack("training").dropna()
    np.testing.assert_allclose(first["warm"], first["converged"])
    assert any("estimated full run" in m for m in messages)
    timings = pd.read_csv(out / "timings.csv")
    assert len(timings) == len(units) and (timings["seconds"] > 0).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["quick"] is True and manifest["settings"]["budget"] == settings["budget"]

    # Resumable: a second call runs nothing; an interrupted unit goes on from its
    # partial file and ends with the runs an uninterrupted call makes.
    unit = ("fixed50", "ccpp", 10, 10)
    path = runner.unit_path(out, unit)
    whole = pd.read_csv(path)
    messages.clear()
    runner.main(quick=True, n_jobs=1, out=tmp_path, log=messages.append)
    assert sum("skipped" in m for m in messages) == len(units)
    # A Ctrl-C (or the SIGTERM of a time limit) in the middle of the unit: the
    # runs completed so far go to its partial file, with their time.
    import skactive.model_selection

    real = skactive.model_selection.cross_validate_strategies

    def interrupted(*args, **kwargs):
        done = real(*args, **kwargs)
        error = KeyboardInterrupt()
        error.results = done[done["strategy"] == done["strategy"].iloc[0]]
        raise error

    path.unlink()
    with monkeypatch.context() as patch:
        patch.setattr(skactive.model_selection, "cross_validate_strategies", interrupted)
        with pytest.raises(KeyboardInterrupt):
            runner.main(quick=True, n_jobs=1, out=tmp_path, log=messages.append)
    assert path.with_suffix(".partial.csv").exists() and not path.exists()
    timings = pd.read_csv(out / "timings.csv")
    assert not timings["finished"].iloc[-1] and timings["runs"].iloc[-1] == 2
    # --status counts them, and the estimate of what is left takes them off.
    assert "fixed50, ccpp, 10 seed labels, batch 10: 2 runs in its partial file" in (
        runner.status(quick=True, out=tmp_path)
    )
    _, left_with_partial = runner.estimate(settings, out)
    partial_runs = path.with_suffix(".partial.csv").read_bytes()
    path.with_suffix(".partial.csv").unlink()
    _, left_without = runner.estimate(settings, out)
    assert 0 < left_with_partial < left_without
    path.with_suffix(".partial.csv").write_bytes(partial_runs)
    messages.clear()
    part = (units.index(unit) + 1, len(units))
    runner.main(quick=True, n_jobs=1, out=tmp_path, part=part, log=messages.append)
    again = pd.read_csv(path)
    assert not path.with_suffix(".partial.csv").exists()
    n_left = len(runner.strategies("regressor", quick=True)) * settings["n_repeats"] - 2
    assert f": {n_left} runs in" in messages[0]
    columns = ["strategy", "fold", "round", "n_labeled", "score"]
    pd.testing.assert_frame_equal(again[columns], whole[columns])
    # Another protocol into the same folder is refused.
    with pytest.raises(ValueError, match="another --out"):
        runner.main(quick=False, out=tmp_path, part=(1, 10**6), log=messages.append)

    section = report.render_converged(out)
    for task in ("classifier", "regressor"):
        for name in runner.strategies(task, quick=True):
            assert f"`{name}`" in section
    headings = (
        "Sanity check",
        "Which strategy should I use, at which budget?",
        "Classification",
        "Regression",
        "Per setting",
        "Did each paper's headline claim hold",
        "The benchmark's targets",
        "Query and fit time",
        "Ablations",
    )
    for heading in headings:
        assert f"**{heading}" in section
    claims = section.split("headline claim hold")[1].split("**The benchmark's targets**")[0]
    claims = [line for line in claims.splitlines() if line.startswith("- **")]
    # Every paper of the quick run's strategies but DAMI, whose claim is about MAGIC.
    papers = ("BADGE", "DEIMOS", "DAL", "ALEX", "Stochastic", "TypiClust", "ProbCover", "LCMD")
    assert [line.split("**")[1].split()[0] for line in claims] == list(papers)
    assert all(("**Held**" in line) != ("**Did not hold**" in line) for line in claims)
    report.write_converged(out)
    assert "fixed50" in (out / "settings.md").read_text()


def test_recommendations_rank_by_paired_difference_per_budget_band():
    import pandas as pd

    report = _load("label_efficiency_report")
    rng = np.random.default_rng(0)
    rows = []
    setting = dict(task="classifier", dataset="d", initial_size=20, batch_size=100)
    # Per fold a random curve; "early" beats it by 0.1 up to 300 labels only,
    # "late" by 0.05 above 700 labels only, "same" never.
    for fold in range(4):
        base = rng.uniform(0.5, 0.7)
        for round_, n in enumerate([20, 120, 220, 420, 620, 820, 1000]):
            score = base + 0.01 * round_
            bonus = {"random": 0.0, "same": 0.0, "early": 0.1 * (0 < n <= 300) * (round_ > 0)}
            bonus["late"] = 0.05 * (n > 700)
            for name, extra in bonus.items():
                run = dict(strategy=name, fold=fold, round=round_, n_labeled=n)
                rows.append(dict(setting, **run, score=score + extra))
    results = pd.DataFrame(rows)
    bands = {rec["band"]: rec for rec in report.recommendations(results)}
    assert list(bands) == [name for _, _, name in report.BUDGET_BANDS]
    early, middle, late = bands.values()
    assert early["best"].index[0] == "early"
    np.testing.assert_allclose(early["best"].loc["early", "mean"], 0.1)
    assert early["best"].loc["early", "wins"] == 4 and early["beat"] == 1
    assert late["best"].index[0] == "late" and late["beat"] == 1
    np.testing.assert_allclose(late["best"].loc["late", "mean"], 0.05)
    assert middle["beat"] == 0
    (advice,) = report.advice(report.recommendations(results))
    assert advice == (
        "- For classification: up to 300 labels, `early`; 300 to 700 labels, `random` (no "
        "strategy beats it on average); over 700 labels, `late`."
    )
    # The seed round is the same for every strategy and never counts.
    deltas = report.band_deltas(results, 0, 300)
    assert set(deltas["delta"].round(9)) == {0.0, 0.1}


def test_targets_name_each_seed_paper_classification_first():
    import pandas as pd

    report = _load("label_efficiency_report")
    rows = []
    # DAMI beats random on classification and loses on regression; the regression
    # rows come first in the frame, as they may in the committed files.
    for task, dami in (("regressor", -0.1), ("classifier", 0.1)):
        names = ["random", "dami", "deimos", "dal", "bald", "batchbald", "badge", "alex"]
        if task == "regressor":
            names = names[:4]
        for repeat in range(3):
            for round_, n in enumerate([20, 120, 220]):
                for name in names:
                    extra = dami * round_ if name == "dami" else 0.01 * (name != "random")
                    rows.append(
                        dict(
                            task=task,
                            dataset=task,
                            initial_size=20,
                            batch_size=100,
                            strategy=name,
                            repeat=repeat,
                            fold=0,
                            round=round_,
                            n_labeled=n,
                            score=0.5 + 0.1 * round_ + extra,
                        )
                    )
    main = pd.DataFrame(rows)
    first = report.converged_targets(main)[0]
    assert "classification/regression" in first
    dami = {
        task: report.mean_normalized_error_by(main[main["task"] == task], report.SETTING)["dami"]
        for task in ("classifier", "regressor")
    }
    assert dami["classifier"] < 1 < dami["regressor"]
    assert f"`dami` {dami['classifier']:.3f}/{dami['regressor']:.3f}" in first
    assert first.endswith("**not reached**.")


def test_deimos_claim_counts_only_strictly_fewer_labels():
    import pandas as pd

    report = _load("label_efficiency_report")
    # Labels to reach random's final score, per setting: DEIMOS fewer, tied, tied,
    # never reaching it, and fewer.
    need = pd.DataFrame(
        {
            "deimos": [100, 300, 500, np.nan, 200],
            "bald": [300, 300, 700, 500, np.nan],
            "entropy": [200, 500, 500, 500, 400],
            "max_variance": [500, np.nan, 900, 700, 600],
            "random": [900, 900, 900, 900, 900],
        }
    )
    ne = pd.Series({"deimos": 0.9, "bald": 1.1, "entropy": 1.0, "max_variance": 1.2})
    line = report.deimos_claim(need, ne)
    assert "fewer labels than each of that group in 2 of 5" in line
    assert "as few as the best of them in 2 more" in line
    assert "**Did not hold**" in line  # 2 of 5 is not most; ties are not fewer
    need.loc[1, "deimos"] = 200
    assert "**Held**" in report.deimos_claim(need, ne)


def test_wins_leave_out_ties_in_floating_point():
    report = _load("label_efficiency_report")
    deltas = [1e-16, -1e-16, 0.0, 0.001, -0.002]
    assert report._wins(deltas) == 1
    assert report._won(deltas).tolist() == [False, False, False, True, False]


def test_label_efficiency_parts_cover_every_unit_once():
    runner = _load("label_efficiency")
    every = runner.units(runner.FULL)
    parts = [every[k - 1 :: 5] for k in range(1, 6)]
    assert sorted(sum(parts, [])) == sorted(every) and len(set(every)) == len(every)
    assert runner.parse_part("3/12") == (3, 12)
    for bad in ("0/3", "4/3", "three"):
        with pytest.raises(ValueError, match="--part"):
            runner.parse_part(bad)
    # The full protocol: at least 10 repeats, two batch sizes and two starting
    # budgets, pools of 5,000 rows and budgets of 1,000 labels where the data allow.
    settings = runner.FULL
    assert settings["n_repeats"] >= 10
    assert len(runner.batch_sizes(settings)) >= 2 and len(runner.initial_sizes(settings)) >= 2
    assert runner.sizes(10992, settings) == (5000, 1000, 1000)
    assert runner.sizes(1797, settings) == (1348, 449, 674)


def test_label_efficiency_stops_by_itself_after_its_time(tmp_path, monkeypatch):
    import signal
    import time

    import skactive.model_selection

    runner = _load("label_efficiency")

    def endless(*args, **kwargs):
        time.sleep(60)
        raise AssertionError("--stop-after did not stop the unit")

    monkeypatch.setattr(skactive.model_selection, "cross_validate_strategies", endless)
    term = signal.getsignal(signal.SIGTERM)
    messages = []
    start = time.perf_counter()
    out = runner.main(quick=True, n_jobs=1, out=tmp_path, stop_after=0.5, log=messages.append)
    assert time.perf_counter() - start < 50
    assert out == tmp_path and not list((tmp_path / "runs").glob("*.csv"))
    stopped = [m for m in messages if "stopped (--stop-after)" in m]
    assert len(stopped) == 1 and "none of its runs had completed" in stopped[0]
    assert not any(m.startswith("part ") for m in messages)
    # The timer and the handlers are the caller's again.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGTERM) is term
    assert runner.parse_stop_after("8000") == 8000.0
    for bad in ("0", "-1", "inf", "nan", "soon"):
        with pytest.raises(ValueError, match="--stop-after takes a positive number"):
            runner.parse_stop_after(bad)


@pytest.mark.slow
def test_label_efficiency_command_stops_cleanly(tmp_path):
    import subprocess
    import sys

    runner = _load("label_efficiency")
    script = str(BENCHMARKS / "label_efficiency.py")
    command = [sys.executable, script, "--quick", "--n-jobs", "1", "--out", str(tmp_path)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(command + ["--stop-after", "2"], capture_output=True, text=True,
                          env=env, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "stopped (--stop-after)" in done.stderr and "wrote" in done.stdout
    assert len(list((tmp_path / "runs").glob("*.csv"))) < len(runner.units(runner.QUICK))
    refused = subprocess.run(command + ["--stop-after", "-5"], capture_output=True, text=True,
                             env=env, timeout=600)  # fmt: skip
    assert refused.returncode == 2 and "--stop-after takes a positive number" in refused.stderr


def test_label_efficiency_unit_files_are_written_whole(tmp_path):
    import pandas as pd

    runner = _load("label_efficiency")
    path = tmp_path / "unit.csv"
    runner._write(pd.DataFrame({"score": [0.5, 0.75]}), path)
    before = path.read_text()

    class Interrupted(pd.DataFrame):
        def to_csv(self, target, **kwargs):
            Path(target).write_text("score\n0.")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner._write(Interrupted({"score": [1.0]}), path)
    assert path.read_text() == before
    assert pd.read_csv(path)["score"].tolist() == [0.5, 0.75]


def test_first_protocol_page_is_generated_from_the_committed_files():
    report = _load("label_efficiency_report")
    page = report.FIRST_PROTOCOL_PAGE.read_text()
    section = report.render(report.DEFAULT_RESULTS)
    assert report.replace_section(page, section) == page
    # The README keeps only a pointer to it.
    readme = (BENCHMARKS.parent / "README.md").read_text()
    assert report.BEGIN not in readme and "(docs/first_protocol.md)" in readme
    # The committed results come from the full run, by the documented command.
    import json

    manifest = json.loads((report.DEFAULT_RESULTS / "manifest.json").read_text())
    assert manifest["quick"] is False
    command = "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2"
    assert manifest["command"] == command
    # The first protocol's results (50 fixed epochs), made by the script now called
    # label_efficiency_legacy.py.
    runner = _load("label_efficiency_legacy")
    assert manifest["settings"]["n_repeats"] == 5 and len(manifest["settings"]["batch_sizes"]) == 2
    assert set(manifest["settings"]["datasets"]) == set(runner.DATASETS)
    # The image setting, run on its own, by its documented command.
    image = manifest["image"]
    assert image["quick"] is False and image["command"] == runner.IMAGE_COMMAND
    assert image["settings"] == {
        k: list(v) if isinstance(v, tuple) else v for k, v in runner.IMAGE_FULL.items()
    }
    assert "**Images**" in section and "`deimos`" in section.split("**Images**")[1]


def test_readme_converged_results_are_generated_from_the_committed_files():
    import json

    report = _load("label_efficiency_report")
    runner = _load("label_efficiency")
    readme = (BENCHMARKS.parent / "README.md").read_text()
    results = report.CONVERGED_RESULTS
    section = report.render_converged(results)
    markers = report.CONVERGED_BEGIN, report.CONVERGED_END
    assert report.replace_section(readme, section, *markers) == readme
    # The committed files come from the full protocol, by the documented command.
    manifest = json.loads((results / "manifest.json").read_text())
    assert manifest["quick"] is False
    assert (
        manifest["command"] == "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2"
    )
    settings = dict(manifest["settings"])
    assert settings.pop("datasets") == list(runner.dataset_names(runner.FULL))
    assert settings == {
        k: v for k, v in json.loads(json.dumps(runner.FULL)).items() if k != "datasets"
    }
    # The section says how many units it covers, and names the missing ones.
    every, done = report.units_done(results, manifest)
    assert every == runner.units(runner.FULL) and done
    if len(done) < len(every):
        assert f"**Preliminary: {len(done)} of the protocol's {len(every)} units" in section
    else:
        assert "Preliminary" not in section
    # In the ablation table random's AULC and its normalised error of 1 come together:
    # a training variant without runs shows neither.
    for row in section.split("**Ablations**")[1].splitlines():
        if row.startswith("| `random`"):
            cells = [c.strip() for c in row.strip("|").split("|")][2:]
            for aulc, error in zip(cells[::2], cells[1::2], strict=True):
                assert (aulc == "—") == (error == "—")


def test_results_section_replacement_needs_both_markers():
    report = _load("label_efficiency_report")
    text = f"intro\n{report.BEGIN}\nold\n{report.END}\noutro\n"
    expected = f"intro\n{report.BEGIN}\nnew\n{report.END}\noutro\n"
    assert report.replace_section(text, "new\n") == expected
    with pytest.raises(ValueError, match="markers"):
        report.replace_section("no markers here", "new\n")


@pytest.mark.slow
def test_large_pool_benchmark_quick_mode(capsys, tmp_path):
    results = _load("bench_large_pool").main(quick=True, directory=tmp_path)
    n_rows, n_features, n = 50_000, 50, 100
    assert results["pool_bytes"] == n_rows * n_features * 4
    assert not list(tmp_path.iterdir())  # the pool file was deleted
    for name in ("Entropy", "CoreSet", "BADGE"):
        r = results[name]
        assert r["n_distinct"] == n and r["in_pool"] and r["seconds"] > 0
        assert r["rss_peak"] >= results["baseline"]
    # No copy of the pool: Entropy's NumPy buffers are a few vectors of
    # N_ROWS; Core-Set's and BADGE's are their N x 64 (+ 10) float32
    # embeddings, plus one 16 MB block of distances for Core-Set.
    assert results["Entropy"]["numpy_peak"] < results["pool_bytes"] / 2
    embedding_bytes = n_rows * (64 + 10) * 4
    assert results["BADGE"]["numpy_peak"] < 1.5 * embedding_bytes
    assert results["CoreSet"]["numpy_peak"] < 1.5 * embedding_bytes + 2**22 * 4
    out = capsys.readouterr().out
    assert "baseline" in out and "peak RSS" in out and "BADGE" in out


@pytest.mark.slow
def test_padded_forward_benchmark_quick_mode(capsys):
    ratios = _load("bench_padded_forward").main(quick=True)
    assert len(ratios) == 4 and all(r > 0 for r in ratios.values())
    assert "ratio" in capsys.readouterr().out


@pytest.mark.slow
def test_large_pool_benchmark_image_quick_mode(capsys, tmp_path):
    bench = _load("bench_large_pool")
    results = bench.main_image(quick=True, directory=tmp_path)
    n_rows, n = 4_000, 50
    assert results["pool_bytes"] == n_rows * 28 * 28 * 4
    assert not list(tmp_path.iterdir())  # the pool file was deleted
    assert set(results) == {"pool_bytes", "baseline", "baseline_anon", *bench.IMAGE_KINDS}
    for kind in bench.IMAGE_KINDS:
        for name in ("Entropy", "CoreSet", "BADGE"):
            r = results[kind][name]
            # Indices into the pool, distinct, whether it is a memmap or a Dataset.
            assert r["n_distinct"] == n and r["in_pool"] and r["seconds"] > 0
            assert r["anon_peak"] > 0 and bench._hwm(r) >= results["baseline"]
    out = capsys.readouterr().out
    assert "lazy Dataset" in out and "anonymous peak" in out and "BADGE" in out


@pytest.mark.slow
def test_probes_benchmark_quick_mode(capsys):
    bench = _load("bench_probes")
    results = bench.main(quick=True)
    assert set(results) == {"mlp", "cnn"}
    for result in results.values():
        assert result["baseline_seconds"] > 0
        assert set(result["ratios"]) == set(bench.KINDS)
        # Every probe ran on every kind of pool; discriminate (whose input is
        # an embedding, not the pool) once.
        assert set(result["ratios"]["array"]) == set(bench.PROBES)
        for kind in bench.KINDS[1:]:
            assert set(result["ratios"][kind]) == set(bench.PROBES) - {"discriminate"}
        ratios = np.array(list(result["ratios"]["array"].values()))
        assert np.isfinite(ratios).all() and (ratios > 0).all()
        assert np.isfinite(result["skorch_predict_proba"])
    out = capsys.readouterr().out
    assert "skorch predict_proba" in out and "lazy Dataset" in out and "CNN" in out


@pytest.mark.slow
def test_label_efficiency_image_quick_mode(tmp_path):
    # The image setting of the first protocol (label_efficiency_legacy.py).
    import json

    import pandas as pd

    runner = _load("label_efficiency_legacy")
    report = _load("label_efficiency_report")
    out = runner.main_image(quick=True, n_jobs=1, out=tmp_path)
    settings = runner.IMAGE_QUICK
    results = pd.read_csv(out / "image_results.csv")
    names = set(runner.image_strategies(quick=True))
    assert {"random", "margin", "badge", "bald", "coreset", "dal", "deimos"} <= names
    assert set(results["strategy"]) == names
    assert set(results["dataset"]) == {"mnist-5k"}
    assert set(results["batch_size"]) == set(settings["batch_sizes"])
    finals = results.groupby(["batch_size", "strategy", "fold"])["n_labeled"].max()
    assert len(finals) == len(settings["batch_sizes"]) * len(names) * settings["n_repeats"]
    assert (finals == settings["budget"]).all()
    # Paired runs: every strategy of a setting and repeat starts from the same model.
    starts = results[results["round"] == 0].groupby(["batch_size", "fold"])["score"]
    assert (starts.nunique() == 1).all()
    # One training accuracy per fit of the network: every round of every run.
    accuracy = pd.read_csv(out / "image_train_accuracy.csv")
    assert len(accuracy) == len(results)
    assert accuracy["train_accuracy"].between(0, 1).all()
    assert sorted(accuracy["n_labeled"]) == sorted(results["n_labeled"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) == {"image"}  # no tabular run in this folder
    assert manifest["image"]["quick"] is True
    assert manifest["image"]["settings"]["budget"] == settings["budget"]
    section = (out / "image_section.md").read_text()
    assert section == report.render_image(out)
    for name in names:
        assert f"`{name}`" in section
    assert "wins vs random" in section and "seed model's test accuracy" in section
    assert (out / "image_learning_curves.png").stat().st_size > 0


@pytest.mark.slow
def test_limits_benchmark_quick_mode(capsys):
    results = _load("bench_limits").main(quick=True)
    assert results
    for case, result in results.items():
        # The pruned kernels pick what the full pass per pick picks.
        assert result["same_picks"] is True or bool(result["same_picks"]), case
        assert result["before"] > 0 and result["after"] > 0 and result["one_pass"] > 0
    assert capsys.readouterr().out


@pytest.mark.slow
def test_limits_benchmark_times_every_strategy_quick_mode(capsys, tmp_path):
    from skactive.strategies import STRATEGY_ALIASES

    bench = _load("bench_limits")
    settings = bench.QUICK
    missing = tmp_path / "no-such-python"
    results = bench.bench_strategies(settings, peers=missing)
    assert set(results["strategies"]) == set(STRATEGY_ALIASES)
    assert results["unit"] > 0
    for name, r in results["strategies"].items():
        # Every strategy returned n distinct rows, and its time is set against
        # the forward passes it needs (none for Random and DensityWeighted).
        assert r["n_distinct"] == settings["n"], name
        assert r["seconds"] > 0 and 0 <= r["selection"] <= r["seconds"]
        assert (r["ratio"] is None) == (r["passes"] == 0)
    assert results["strategies"]["bald"]["passes"] == settings["n_mc_samples"]
    for name in bench.GREEDY:
        assert results["strategies"][name]["selection_limit"] > 0
    # Without the peers' environment the peers are reported as not installed.
    assert all(results["peers"][p]["error"].startswith("not installed") for p in bench.PEERS)
    out = capsys.readouterr().out
    assert "badge" in out and "not installed" in out


def test_limits_benchmark_peer_script_reports_a_missing_peer():
    # The peer script runs in skactive's own environment too, where neither
    # peer is installed: the network and pool go through the file and the
    # results come back, each peer marked as not installed.
    import sys

    bench = _load("bench_limits")
    settings = dict(bench.QUICK, n_pool=300, n_labelled=20, max_epochs=1)
    learner, X_pool, _, _ = bench.fitted_learner(settings)
    peers = bench.run_peers(learner, X_pool, settings, ["margin"], python=sys.executable)
    assert set(peers) == set(bench.PEERS)
    assert peers["scikit-activeml"]["error"].startswith("not installed (No module named")
    assert peers["baal"]["error"].startswith("not installed (No module named")


def test_readme_limit_table_is_generated_from_the_committed_results():
    import json

    from skactive.strategies import STRATEGY_ALIASES

    bench = _load("bench_limits")
    results = json.loads((bench.RESULTS / "limits.json").read_text())
    readme = (BENCHMARKS.parent / "README.md").read_text()
    assert bench.replace_section(readme, bench.render(results)) == readme
    # The committed figures are the full run's, by the documented command,
    # with every strategy and both peers measured in it.
    assert results["quick"] is False and results["command"] == bench.COMMAND
    assert results["settings"] == dict(bench.FULL, kernel_n=1000)
    assert set(results["strategies"]) == set(STRATEGY_ALIASES)
    for peer in bench.PEERS:
        assert "error" not in results["peers"][peer], peer
    output = (bench.RESULTS / "output.txt").read_text()
    assert "one forward pass over the pool" in output and "baal" in output


def test_limit_section_replacement_needs_both_markers():
    import pytest

    bench = _load("bench_limits")
    text = f"intro\n{bench.BEGIN}\nold\n{bench.END}\noutro\n"
    assert (
        bench.replace_section(text, "new\n") == f"intro\n{bench.BEGIN}\nnew\n{bench.END}\noutro\n"
    )
    with pytest.raises(ValueError, match="markers"):
        bench.replace_section("no markers here", "new\n")


@pytest.mark.slow
def test_convergence_benchmark_quick_mode(capsys):
    out = _load("bench_convergence").main(quick=True)
    # Trained to convergence, the 50-label seed model is clearly better than
    # after 50 fixed epochs, and takes more epochs to get there.
    accuracy, _, epochs = out["converged", 50]
    assert accuracy > out["50 epochs", 50][0] + 0.05
    assert epochs > 50 and out["50 epochs", 50][2] == 50
    assert "test accuracy" in capsys.readouterr().out


def test_label_efficiency_manifest_describes_the_network_alike_in_every_process():
    # A resumed part is refused when the manifest's network differs: the
    # description must not depend on the process (string hashing) or be cut short.
    import json
    import subprocess
    import sys

    code = (
        "import json, sys; sys.path.insert(0, {path!r}); import label_efficiency as le; "
        "print(json.dumps({{t: le.describe(le.make_learner('classifier', t, le.FULL).estimator) "
        "for t in le.TRAININGS}}, sort_keys=True))"
    ).format(path=str(BENCHMARKS))
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    network = json.loads(outputs.pop())
    assert "..." not in json.dumps(network)
    assert network["converged"]["neuralnetclassifier"]["module"] == "MLP"


def test_paper_notebooks_print_the_converged_verdicts_of_the_committed_files():
    nbformat = pytest.importorskip("nbformat")
    report = _load("label_efficiency_report")
    verdicts = report.paper_verdicts(report.VERDICT_NOTEBOOKS)
    assert report.paper_verdict("DAL") == verdicts["DAL"]
    for paper, name in report.VERDICT_NOTEBOOKS.items():
        notebook = nbformat.read(BENCHMARKS.parent / "notebooks" / name, as_version=4)
        (output,) = report.verdict_cell(notebook, paper).outputs
        text = verdicts[paper]
        assert output["text"] == text + "\n"
        assert f"- **{paper}**" in text and ("**Held**" in text) != ("**Did not hold**" in text)
    with pytest.raises(ValueError, match="No claim of 'nobody'"):
        report.paper_verdict("nobody")
