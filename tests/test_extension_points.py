"""The public extension points: kernels, probes and the base classes of strategies.

A third-party strategy builds on the same public names as the built-in ones:
each is importable from its public package, documented in numpydoc form and,
for the bases and the main selection kernels, used by a built-in strategy.
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from numpydoc.docscrape import FunctionDoc

import skactive.kernels
import skactive.probes
import skactive.strategies
from skactive.strategies import (
    KCenterStrategy,
    MCDropoutUtility,
    QueryStrategy,
    UtilityStrategy,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: Each base class and the hook a new strategy implements.
BASES = {
    QueryStrategy: "query",
    UtilityStrategy: "utility",
    KCenterStrategy: "representation",
    MCDropoutUtility: "utility_from_samples",
}


def _strategy_modules():
    package = skactive.strategies
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def _public_functions(module):
    return [
        name
        for name in module.__all__
        if inspect.isfunction(getattr(module, name))
        or inspect.isgeneratorfunction(getattr(module, name))
    ]


def _says_input_is_trusted(doc):
    return "prior validation of data is assumed" in " ".join((doc or "").lower().split())


def _check_numpydoc(func, where):
    doc = inspect.getdoc(func)
    assert doc and doc.strip(), f"{where} has no docstring"
    parsed = FunctionDoc(func)
    assert parsed["Summary"], f"{where} has no summary line"
    takes_arguments = any(
        p.name not in ("self", "cls") for p in inspect.signature(func).parameters.values()
    )
    if takes_arguments:
        assert parsed["Parameters"] or parsed["Returns"] or parsed["Yields"], (
            f"{where} takes arguments but documents no Parameters or Returns section"
        )
        documented = {p.name for p in parsed["Parameters"]}
        for name in inspect.signature(func).parameters:
            if name in ("self", "cls") or not parsed["Parameters"]:
                continue
            assert any(name in entry.split(", ") for entry in documented), (
                f"{where}: parameter {name!r} is not documented"
            )


def test_kernels_has_a_module_docstring_and_all():
    assert _says_input_is_trusted(skactive.kernels.__doc__)
    assert len(skactive.kernels.__all__) == len(set(skactive.kernels.__all__))
    for name in ("top_k", "kmeans_pp_factored", "k_center_greedy"):
        assert name in skactive.kernels.__all__


@pytest.mark.parametrize("name", skactive.kernels.__all__)
def test_every_kernel_is_importable_and_documented(name):
    module = importlib.import_module("skactive.kernels")
    func = getattr(module, name)
    assert callable(func)
    assert func.__module__.startswith("skactive.kernels._"), func.__module__
    _check_numpydoc(func, f"skactive.kernels.{name}")
    module_doc = inspect.getdoc(importlib.import_module(func.__module__))
    assert _says_input_is_trusted(inspect.getdoc(func) + " " + module_doc), (
        f"{name}: neither it nor its module says its input is trusted"
    )


@pytest.mark.parametrize("name", _public_functions(skactive.probes))
def test_every_probe_is_importable_and_documented(name):
    func = getattr(skactive.probes, name)
    _check_numpydoc(func, f"skactive.probes.{name}")


def test_the_discriminator_is_not_a_probe():
    assert "discriminate" not in skactive.probes.__all__
    assert "DiscriminatorResult" not in skactive.probes.__all__
    assert not hasattr(skactive.probes, "discriminate")
    names = {info.name for info in pkgutil.iter_modules(skactive.probes.__path__)}
    assert "_discriminator" not in names


def test_probes_export_every_probe_a_strategy_uses():
    used = set()
    for module in _strategy_modules():
        source = inspect.getsource(module)
        used |= set(re.findall(r"\bprobes\.(\w+)", source))
        for line in re.findall(r"from \.\.probes import ([^\n(]+)", source):
            used |= {name.strip() for name in line.split(",")}
    assert used, "no strategy uses the probe layer?"
    assert used <= set(skactive.probes.__all__), used - set(skactive.probes.__all__)


def test_no_strategy_imports_a_private_probe_or_kernel_module():
    for module in _strategy_modules():
        source = inspect.getsource(module)
        assert not re.search(r"from \.\.probes\._\w+ import", source), module.__name__
        assert not re.search(r"from \.\.(kernels\.)?_(selection|bayes_kernels)\b", source)


@pytest.mark.parametrize("base", list(BASES), ids=lambda b: b.__name__)
def test_every_base_is_public_documented_and_used_by_a_built_in_strategy(base):
    assert base.__name__ in skactive.strategies.__all__
    assert getattr(skactive.strategies, base.__name__) is base
    doc = inspect.getdoc(base)
    assert doc and base.__doc__ is not QueryStrategy.__doc__ or base is QueryStrategy
    hook = getattr(base, BASES[base])
    assert not BASES[base].startswith("_")
    _check_numpydoc(hook, f"{base.__name__}.{BASES[base]}")
    parsed = FunctionDoc(hook)
    assert parsed["Returns"], f"{base.__name__}.{BASES[base]} documents no Returns section"
    built_in = [
        getattr(skactive.strategies, name)
        for name in skactive.strategies.__all__
        if inspect.isclass(getattr(skactive.strategies, name))
    ]
    subclasses = [cls for cls in built_in if issubclass(cls, base) and cls is not base]
    assert subclasses, f"no built-in strategy builds on {base.__name__}"
    # The hook is what they implement.
    if base is not QueryStrategy:
        assert any(BASES[base] in vars(cls) for cls in subclasses)


@pytest.mark.parametrize(
    "name, users",
    [
        ("top_k", {"_base", "_bayesian", "_dal", "_alex", "_density"}),
        ("k_center_greedy", {"_kcenter"}),
        ("kmeans_pp_factored", {"_badge"}),
    ],
)
def test_the_main_selection_kernels_are_used_by_built_in_strategies(name, users):
    kernel = getattr(skactive.kernels, name)
    using = {
        module.__name__.rsplit(".", 1)[1]
        for module in _strategy_modules()
        if getattr(module, name, None) is kernel
    }
    assert users <= using, users - using


def test_api_page_lists_every_kernel():
    text = (DOCS / "api.rst").read_text()
    section = text.split(".. currentmodule:: skactive.kernels\n")[1]
    section = re.split(r"\n(?=[^ \n])", section.split(":nosignatures:\n")[1])[0]
    listed = set(re.findall(r"^   (\w+)$", section, flags=re.M))
    assert listed == set(skactive.kernels.__all__)


def test_public_docstrings_do_not_point_into_private_modules():
    pattern = re.compile(
        r"skactive\.(_selection|_bayes_kernels|_coverage|_lcmd_kernels|_stochastic|_costs)\b"
        r"|skactive\.probes\._\w+|skactive\.strategies\._\w+|skactive\.kernels\._\w+`"
    )
    root = Path(skactive.kernels.__file__).resolve().parents[1]
    for package in ("kernels", "probes", "strategies"):
        for path in sorted((root / package).glob("*.py")):
            text = path.read_text()
            assert not pattern.search(text), (path.name, pattern.search(text).group(0))
