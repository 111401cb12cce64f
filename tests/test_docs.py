"""The README's quick start and the notebooks run as written."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_quick_start_runs(monkeypatch):
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert len(blocks) >= 2
    quick_start, search_example = blocks[:2]
    namespace = {}
    exec(compile(quick_start, "README.md", "exec"), namespace)
    learner = namespace["learner"]
    assert len(learner.y_labeled_) == 50 + 3 * 20
    assert learner.score(namespace["X"], namespace["y"]) > 0.8
    exec(compile(search_example, "README.md", "exec"), namespace)
    search = namespace["search"]
    assert type(search.best_params_["query_strategy"]).__name__ in {"Random", "Entropy", "Margin"}
    assert len(search.best_estimator_.y_labeled_) == 20 + 5 * 20


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = readme.split("<!-- test-command -->")[1].split("\n")[2]
    assert "pytest" in command
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command in ci_lines


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
