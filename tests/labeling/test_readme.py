"""The README's "Labelling your own data in Jupyter" lines run after its quick start."""

import re
from pathlib import Path

import ipywidgets as widgets

from skactive.labeling import LabelingSession

README_DIR = Path(__file__).resolve().parents[2]
README = (README_DIR / "README.md").read_text()


def section(title):
    return README.split(f"## {title}\n")[1].split("\n## ")[0]


def test_readme_section_follows_the_quick_start_and_its_lines_run(tmp_path, monkeypatch):
    titles = re.findall(r"^## (.*)$", README, flags=re.M)
    at = titles.index("Quick start")
    assert titles[at + 1 : at + 3] == ["Labelling your own data in Jupyter", "What is in the box"]
    (quick_start,) = re.findall(r"```python\n(.*?)```", section("Quick start"), flags=re.S)
    (lines,) = re.findall(r"```py\n(.*?)```", section("Labelling your own data in Jupyter"), re.S)
    assert len(lines.strip().splitlines()) == 3
    assert "docs/images/labeling_widget.png" in section("Labelling your own data in Jupyter")
    assert (README_DIR / "docs/images/labeling_widget.png").stat().st_size > 10_000
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(quick_start.replace("range(3)", "range(1)"), "README.md", "exec"), namespace)
    *setup, last = lines.strip().splitlines()
    exec(compile("\n".join(setup) + "\nui = " + last, "README.md", "exec"), namespace)
    session, ui = namespace["session"], namespace["ui"]
    assert isinstance(session, LabelingSession)
    assert session.batch_.shape == (10,)
    (shown,) = ui.content.children
    assert isinstance(shown, widgets.Image)  # the 64-pixel row drawn as an 8x8 image
    ui.class_buttons[3].click()
    assert LabelingSession.load("digits.skal").labels_["label"].tolist() == [3]
