"""Sphinx configuration of skactive's documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (the ``docs``
extra installs what it needs). Notebooks are rendered as saved, without
being executed; the API reference is generated from the docstrings.
"""

import shutil
from pathlib import Path

import skactive

ROOT = Path(__file__).resolve().parents[1]

project = "skactive"
author = "skactive developers"
copyright = "skactive developers"
release = version = skactive.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
root_doc = "index"

autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's metadata-routing setters: documented by scikit-learn.
    "exclude-members": "set_fit_request, set_score_request",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The notebooks run in CI (tests/test_docs.py); the site shows them as saved.
nb_execution_mode = "off"
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "skactive"


def _copy_notebooks(app):
    """Sphinx reads only its source folder: copy the notebooks into it."""
    target = Path(app.srcdir) / "notebooks"
    target.mkdir(exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(path, target / path.name)


def setup(app):
    app.connect("builder-inited", _copy_notebooks)
