"""The README's quick start and the notebooks run as written."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.slow
def test_readme_quick_start_runs(monkeypatch):
    readme = (ROOT / "README.md").read_text()
    (quick_start,) = _python_blocks(_section(readme, "## Quick start"))
    search_section = _section(readme, "### Comparing strategies with GridSearchCV")
    (search_example,) = _python_blocks(search_section)
    namespace = {}
    exec(compile(quick_start, "README.md", "exec"), namespace)
    learner = namespace["learner"]
    assert len(learner.y_labeled_) == 50 + 3 * 20
    assert learner.score(namespace["X"], namespace["y"]) > 0.8
    exec(compile(search_example, "README.md", "exec"), namespace)
    search = namespace["search"]
    assert type(search.best_params_["query_strategy"]).__name__ in {"Random", "Entropy", "Margin"}
    assert len(search.best_estimator_.y_labeled_) == 20 + 5 * 20


def _section(text, heading):
    """The text of the README section under ``heading``, up to the next heading."""
    return text.split(heading + "\n", 1)[1].split("\n#", 1)[0]


def test_readme_images_datasets_and_dicts_run():
    readme = (ROOT / "README.md").read_text()
    namespace = {}
    for heading in ("### Images and other tensors", "### Datasets and dicts"):
        (block,) = _python_blocks(_section(readme, heading))
        exec(compile(block, "README.md", "exec"), namespace)
    learner, X, y = namespace["learner"], namespace["X"], namespace["y"]
    # The Dataset learner: 50 + 20 labels, kept as indices into the Dataset.
    assert len(learner.y_labeled_) == 70
    assert [len(d) for d in learner.X_labeled_.datasets] == [50, 20]
    assert learner.score(X[namespace["order"][1400:]], y[namespace["order"][1400:]]) > 0.5
    assert namespace["idx"].shape == (20,) and namespace["idx"].max() < 1350
    assert (
        namespace["dict_learner"].score(
            {k: v[namespace["order"][1400:]] for k, v in namespace["X_dict"].items()},
            y[namespace["order"][1400:]],
        )
        > 0.5
    )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = readme.split("<!-- test-command -->")[1].split("\n")[2]
    assert "pytest" in command
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command in ci_lines


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("SKACTIVE_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors


def test_there_is_a_notebook():
    assert NOTEBOOKS
