"""The Sphinx site's API page lists every public name (the build itself runs in .ci/run)."""

import inspect
import re
from pathlib import Path

import pytest

import skactive.datasets
import skactive.labeling
import skactive.metrics
import skactive.model_selection
import skactive.nets
import skactive.plotting
import skactive.probes
import skactive.stopping
import skactive.strategies
import skactive.stream

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize(
    "module",
    [
        skactive.strategies,
        skactive.model_selection,
        skactive.metrics,
        skactive.datasets,
        skactive.nets,
        skactive.plotting,
        skactive.probes,
        skactive.stopping,
        skactive.stream,
        skactive.labeling,
    ],  # fmt: skip
    ids=lambda m: m.__name__,
)
def test_api_page_lists_every_public_name(module):
    text = (DOCS / "api.rst").read_text()
    section = text.split(f".. currentmodule:: {module.__name__}\n")[1]
    section = re.split(r"\n(?=[^ \n])", section.split(":nosignatures:\n")[1])[0]
    listed = set(re.findall(r"^   (\w+)$", section, flags=re.M))
    # Every public name but the constants (upper-case names that are not classes).
    public = {
        name
        for name in module.__all__
        if not (name.isupper() and not inspect.isclass(getattr(module, name)))
    }
    assert listed == public


def test_ci_builds_the_site_with_warnings_as_errors():
    ci = (DOCS.parent / ".ci" / "run").read_text()
    assert "sphinx-build -W" in ci and '".[docs]"' in ci
    readme = (DOCS.parent / "README.md").read_text()
    assert "sphinx-build -W" in readme
