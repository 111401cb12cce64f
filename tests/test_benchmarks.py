"""The benchmark scripts run (in their quick mode) and agree with their references."""

import importlib.util
from pathlib import Path

import numpy as np

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


def test_label_efficiency_quick_mode(tmp_path):
    import json

    import pandas as pd

    runner = _load("label_efficiency")
    out = runner.main(quick=True, n_jobs=2, out=tmp_path)
    results = pd.read_csv(out / "results.csv")
    settings = runner.QUICK
    assert set(results["dataset"]) == set(settings["datasets"])
    for dataset in settings["datasets"]:
        task = runner.DATASETS[dataset]
        rows = results[results["dataset"] == dataset]
        # Every strategy of the task ran in every setting and repeat, up to the budget.
        assert set(rows["strategy"]) == set(runner.strategies(task, quick=True))
        assert set(rows["batch_size"]) == set(settings["batch_sizes"])
        finals = rows.groupby(["batch_size", "strategy", "fold"])["n_labeled"].max()
        assert (
            len(finals)
            == len(settings["batch_sizes"])
            * len(runner.strategies(task, quick=True))
            * settings["n_repeats"]
        )
        assert (finals == settings["budget"]).all()
        assert (rows.loc[rows["round"] >= 1, "query_time"] > 0).all()
    # Paired runs: in a setting and repeat, every strategy starts from the same score.
    starts = results[results["round"] == 0].groupby(["dataset", "batch_size", "fold"])["score"]
    assert (starts.nunique() == 1).all()
    dami = pd.read_csv(out / "dami_results.csv")
    assert set(dami["strategy"]) == set(runner.DAMI_STRATEGIES)
    assert dami["fraction_labeled"].max() <= 0.5 + 1e-9
    assert (pd.read_csv(out / "inference.csv")["inference_time"] > 0).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["quick"] is True and manifest["settings"]["budget"] == settings["budget"]
    for name in ("learning_curves.png", "penalty_matrix.png", "error_cdf.png", "dami_magic.png"):
        assert (out / name).stat().st_size > 0
    section = (out / "section.md").read_text()
    for name in runner.strategies("classifier"):
        assert f"`{name}`" in section
    for paper in ("BADGE", "DAMI", "DEIMOS", "DAL", "ALEX"):
        assert f"**{paper}**" in section


def test_readme_results_are_generated_from_the_committed_files():
    report = _load("label_efficiency_report")
    readme = (BENCHMARKS.parent / "README.md").read_text()
    section = report.render(report.DEFAULT_RESULTS)
    assert report.replace_section(readme, section) == readme
    # The committed results come from the full run, by the documented command.
    import json

    manifest = json.loads((report.DEFAULT_RESULTS / "manifest.json").read_text())
    assert manifest["quick"] is False
    command = "OMP_NUM_THREADS=1 python benchmarks/label_efficiency.py --n-jobs 2"
    assert manifest["command"] == command
    runner = _load("label_efficiency")
    assert manifest["settings"]["n_repeats"] == 5 and len(manifest["settings"]["batch_sizes"]) == 2
    assert set(manifest["settings"]["datasets"]) == set(runner.DATASETS)
    # The image setting, run on its own, by its documented command.
    image = manifest["image"]
    assert image["quick"] is False and image["command"] == runner.IMAGE_COMMAND
    assert image["settings"] == {
        k: list(v) if isinstance(v, tuple) else v for k, v in runner.IMAGE_FULL.items()
    }
    assert "**Images**" in section and "`deimos`" in section.split("**Images**")[1]


def test_results_section_replacement_needs_both_markers():
    report = _load("label_efficiency_report")
    text = f"intro\n{report.BEGIN}\nold\n{report.END}\noutro\n"
    expected = f"intro\n{report.BEGIN}\nnew\n{report.END}\noutro\n"
    assert report.replace_section(text, "new\n") == expected
    import pytest

    with pytest.raises(ValueError, match="markers"):
        report.replace_section("no markers here", "new\n")


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


def test_padded_forward_benchmark_quick_mode(capsys):
    ratios = _load("bench_padded_forward").main(quick=True)
    assert len(ratios) == 4 and all(r > 0 for r in ratios.values())
    assert "ratio" in capsys.readouterr().out


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


def test_label_efficiency_image_quick_mode(tmp_path):
    import json

    import pandas as pd

    runner = _load("label_efficiency")
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


def test_limits_benchmark_quick_mode(capsys):
    results = _load("bench_limits").main(quick=True)
    assert results
    for case, result in results.items():
        # The pruned kernels pick what the full pass per pick picks.
        assert result["same_picks"] is True or bool(result["same_picks"]), case
        assert result["before"] > 0 and result["after"] > 0 and result["one_pass"] > 0
    assert capsys.readouterr().out


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
