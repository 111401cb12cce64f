"""The README's strategy table, generated from the registry and the capability tags.

Run as a module (``python -m`` with this module's name, as the README says),
it prints the table; a test checks that
the README's equals it. The C/R column and the needs come from each
strategy's :class:`~skactive.strategies.StrategyTags` (of its default
settings, and of the settings in :data:`REGRESSOR_SETTINGS` and
:data:`VARIANTS` that change them); only what a strategy picks, and a note on
needs no tag states, are written here. A registered strategy missing from
:data:`PICKS` gets a row of its own, described by its docstring's first line.
"""

from ._base import strategy_tags
from ._bayesian import MaxVariance

__all__ = ["REGRESSOR_SETTINGS", "VARIANTS", "PICKS", "strategy_table"]

#: Settings that let a strategy work with a regressor, by parameter name (a
#: strategy class: an instance of it).
REGRESSOR_SETTINGS = {"delta": 0.5, "n_clusters": 3, "base_strategy": MaxVariance}

#: Settings that change what a strategy needs, by parameter name.
VARIANTS = {"representation": "embedding", "kernel": "grad"}

#: What the strategies pick, one row per tuple of aliases, in table order.
PICKS = {
    ("random",): ("uniformly at random"),
    ("least_confidence", "margin", "entropy"): ("the least certain predictions (Settles 2009)"),
    ("badge",): (
        "k-means++ seeding on last-layer gradient embeddings at the predicted label (Ash et al."
        " 2020, Alg. 1)"
    ),
    ("coreset",): (
        "greedy k-center on the penultimate embedding, labelled rows as centres (Sener & "
        "Savarese 2018)"
    ),
    ("dami",): (
        "greedy k-center on local interpretations `∂ŷ/∂x` of labelled and pool rows (Liu et "
        "al., Alg. 1)"
    ),
    ("egl",): ("largest expected gradient length `Σ_y p(y∣x)‖∇θ ℓ(x,y)‖`"),
    ("bald",): (
        "largest mutual information between prediction and weights, from MC-dropout samples "
        "(Houlsby et al. 2011)"
    ),
    ("batchbald",): ("greedy joint mutual information of the batch (Kirsch et al. 2019)"),
    ("max_variance",): ("largest MC-dropout predictive variance"),
    ("deimos",): (
        "the batch expected to reduce predictive variance most over a representative sample, "
        "greedy (DEIMOS §3–4, Alg. 1)"
    ),
    ("dal",): (
        "the rows a small MLP, trained to tell labelled from pool rows on the penultimate "
        "embedding, finds most surely unlabelled, in mini-queries (Gissin & Shalev-Shwartz "
        "2019)"
    ),
    ("alex",): (
        "among the 3n least-confident rows, those whose SHAP explanations differ most (mean KL)"
        " from the labelled rows' (Mondal & Ganguly 2020, Alg. 1)"
    ),
    ("density_weighted",): (
        "ALEX's DW baseline: far from every labelled row, close to its k-means cluster's centre"
        " (after Fujii et al. 1998)"
    ),
    ("albl",): (
        "an EXP4.P bandit over strategies (least confidence and Core-Set by default), rewarded "
        "by importance-weighted accuracy (Hsu & Lin 2015); its state lives on the fitted "
        "learner and pickles"
    ),
    ("typiclust",): (
        "the most typical row (inverse mean distance to its 20 nearest neighbours) of each of "
        "the largest k-means clusters without labels, `\\|L\\|+n` clusters, for low budgets "
        "(Hacohen et al. 2022, Alg. 1); on the input rows or the penultimate embedding"
    ),
    ("probcover",): (
        "greedy max coverage of labelled and pool rows by δ-balls, δ the largest radius of "
        "purity ≥ 0.95 over k-means pseudo-labels, for low budgets (Yehuda et al. 2022, Alg. 1)"
    ),
    ("softmax_bald", "power_bald", "softrank_bald"): (
        "the batch sampled without replacement (Gumbel-top-k) from `exp(β s)`, `s^β` or "
        "`rank^−β` of any ranking strategy's utility `s`, BALD by default: "
        "`PowerSampling(BALD())` (Kirsch et al. 2023, §3)"
    ),
    ("lcmd",): (
        "largest cluster maximum distance, labelled rows as centres: the furthest row of the "
        "cluster whose squared distances sum highest, on the last-layer gradient kernel, or "
        'with `kernel="grad", sketch_dim=512` on the sketched gradient kernel the paper '
        "recommends (Holzmüller et al. 2023)"
    ),
}

#: What a strategy needs that no tag says, by alias of its row's first strategy.
NOTES = {
    "badge": "with one output per class",
    "dami": "a differentiable network",
    "alex": "a network shap can explain",
    "albl": "what its strategies need",
    "softmax_bald": "what its base needs",
}


def _setting(value):
    return value() if isinstance(value, type) else value


def regressor_variants(strategy):
    """The parameter names whose setting in :data:`REGRESSOR_SETTINGS` lets ``strategy`` regress.

    Parameters
    ----------
    strategy : QueryStrategy

    Returns
    -------
    variants : list of (str, QueryStrategy)
        Each parameter name with ``strategy`` so set (a clone).
    """
    from sklearn.base import clone

    params = strategy.get_params(deep=False)
    variants = []
    for name, value in REGRESSOR_SETTINGS.items():
        if name in params:
            variant = clone(strategy).set_params(**{name: _setting(value)})
            if strategy_tags(variant).supports_regressor:
                variants.append((name, variant))
    return variants


def _tasks(strategy):
    if strategy_tags(strategy).supports_regressor:
        return "C R"
    names = [name for name, _ in regressor_variants(strategy)]
    if not names:
        return "C"
    return "C (R: set " + " or ".join(f"`{name}`" for name in names) + ")"


def _needs(tags):
    needs = []
    if tags.needs_dropout:
        needs.append("dropout layers")
    if tags.needs_final_linear:
        needs.append("final `nn.Linear`")
    if tags.single_output:
        needs.append("one output for regression")
    return needs


def _needs_cell(strategy, note):
    from sklearn.base import clone

    needs = _needs(strategy_tags(strategy))
    cell = ", ".join(needs) if needs else "—"
    if note:
        cell = f"{cell}; {note}" if needs else note
    params = strategy.get_params(deep=False)
    for name, value in VARIANTS.items():
        if name in params and params[name] != value:
            other = _needs(strategy_tags(clone(strategy).set_params(**{name: value})))
            if other != needs:
                cell += f' (`{name}="{value}"`: {", ".join(other) or "—"})'
    return cell


def _rows(aliases):
    """The table's rows: (aliases of the row) in table order, every alias once."""
    rows = [tuple(a for a in row if a in aliases) for row in PICKS]
    rows = [row for row in rows if row]
    listed = {a for row in rows for a in row}
    return rows + [(a,) for a in aliases if a not in listed]


def strategy_table(aliases=None):
    """The README's table of strategies, in Markdown.

    Parameters
    ----------
    aliases : dict of str to class, default=None
        The registry; None means :data:`skactive.strategies.STRATEGY_ALIASES`.

    Returns
    -------
    table : str
        The header, the separator and one line per row, ``\\n``-joined.
    """
    if aliases is None:
        from . import STRATEGY_ALIASES as aliases
    lines = ["| strategy (alias) | picks | C/R | needs |", "|---|---|---|---|"]
    for row in _rows(aliases):
        kinds = [aliases[a] for a in row]
        strategy = kinds[0]()
        names = ", ".join(f"`{kind.__name__}`" for kind in kinds)
        codes = ", ".join(f"`{a}`" for a in row)
        picks = PICKS.get(row)
        if picks is None:
            picks = (kinds[0].__doc__ or "").strip().split("\n")[0].rstrip(".")
        lines.append(
            f"| {names} ({codes}) | {picks} | {_tasks(strategy)} | "
            f"{_needs_cell(strategy, NOTES.get(row[0]))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(strategy_table())
