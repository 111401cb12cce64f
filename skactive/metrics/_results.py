"""The metrics of :mod:`._curves` applied to the results table of
:func:`skactive.model_selection.cross_validate_strategies`.

The table is a pandas DataFrame with one row per (strategy, repeat, fold,
round); pandas is imported only when a table is built.
"""

import numpy as np

from ._curves import (
    area_under_learning_curve,
    labels_to_target,
    learning_budgets,
    normalized_error_cdf,
    penalty_matrix,
)

__all__ = [
    "learning_curves",
    "results_error_cdf",
    "results_penalty_matrix",
    "summarize_results",
]

_REQUIRED = ("strategy", "repeat", "fold", "round", "n_labeled", "score")
_AGGREGATES = ("mean", "median")


def _check_results(results, by=()):
    missing = [c for c in (*_REQUIRED, *by) if c not in getattr(results, "columns", ())]
    if missing:
        raise ValueError(
            f"results lacks the columns {missing}: pass the table returned by "
            "cross_validate_strategies."
        )
    if len(results) == 0:
        raise ValueError("results is empty.")


def _check_aggregate(aggregate):
    if aggregate not in _AGGREGATES:
        raise ValueError(f"aggregate must be one of {_AGGREGATES}, got {aggregate!r}.")


def _strategies(results):
    """Strategy names in order of first appearance."""
    return list(dict.fromkeys(results["strategy"]))


def _check_x(results, x):
    if x not in ("n_labeled", "cost"):
        raise ValueError(f"x must be 'n_labeled' or 'cost', got {x!r}.")
    if x not in results.columns:
        raise ValueError(
            "results has no cost column: run the simulation with costs=... to measure "
            "learning curves in cost units."
        )


def learning_curves(results, *, aggregate="mean", x="n_labeled"):
    """Learning curves aggregated over runs (repeats x folds).

    Parameters
    ----------
    results : pandas.DataFrame
        The table returned by :func:`~skactive.model_selection.cross_validate_strategies`.
    aggregate : {"mean", "median"}, default="mean"
        How runs are combined (DAMI reports medians).
    x : {"n_labeled", "cost"}, default="n_labeled"
        With "cost" (a run with ``costs=``), the curves also have a ``cost``
        column: the mean cumulative cost of the queried rows at each round.

    Returns
    -------
    curves : pandas.DataFrame
        One row per (strategy, round): ``n_labeled`` (mean over runs),
        ``score`` (the aggregate), ``spread_low`` and ``spread_high`` (mean
        ± one standard deviation, or the 25th and 75th percentiles for the
        median), and ``n_runs``.
    """
    _check_results(results)
    _check_aggregate(aggregate)
    _check_x(results, x)
    groups = results.groupby(["strategy", "round"], sort=False)
    columns = dict(n_labeled=("n_labeled", "mean"))
    if x == "cost":
        columns["cost"] = ("cost", "mean")
    curves = groups.agg(**columns, n_runs=("score", "size"), score=("score", aggregate))
    if aggregate == "mean":
        std = groups["score"].std(ddof=0)
        curves["spread_low"] = curves["score"] - std
        curves["spread_high"] = curves["score"] + std
    else:
        curves["spread_low"] = groups["score"].quantile(0.25)
        curves["spread_high"] = groups["score"].quantile(0.75)
    curves = curves.reset_index()
    # Rounds that not every run reached (a pool ran out early) are dropped.
    full = curves["n_runs"] == curves.groupby("strategy")["n_runs"].transform("max")
    return curves[full].reset_index(drop=True)[
        ["strategy", "round", *columns, "score", "spread_low", "spread_high", "n_runs"]
    ]


def _errors(scores, all_scores):
    """Errors (lower is better) from scores (higher is better).

    ``1 - score`` for scores that can be positive (accuracy, AUC, R²),
    ``-score`` when every score is at most 0 (scikit-learn's negated losses).
    """
    return -scores if np.all(all_scores <= 0) else 1.0 - scores


def _setting_errors(results, baseline):
    """Errors of one setting at BADGE's budgets: (n_strategies, n_budgets, n_runs)."""
    strategies = _strategies(results)
    if baseline not in strategies:
        raise ValueError(
            f"The baseline {baseline!r} is not among the strategies {strategies}; the penalty "
            "matrix and the error CDF measure every strategy against random sampling."
        )
    table = results.pivot_table(
        index=["repeat", "fold"], columns=["strategy", "round"], values="score", aggfunc="first"
    )
    random_curve = learning_curves(results[results["strategy"] == baseline])
    _, rounds = learning_budgets(random_curve["n_labeled"], random_curve["score"])
    errors = np.empty((len(strategies), rounds.shape[0], table.shape[0]))
    all_scores = results["score"].to_numpy()
    for s, name in enumerate(strategies):
        for b, round_ in enumerate(rounds):
            column = table.get((name, int(round_)))
            if column is None or column.isna().any():
                raise ValueError(
                    f"Strategy {name!r} lacks round {round_} in some runs; every strategy must "
                    "run on the same (repeat, fold) pairs."
                )
            errors[s, b] = _errors(column.to_numpy(), all_scores)
    return strategies, errors


def _by_setting(results, by, baseline):
    by = [by] if isinstance(by, str) else list(by or ())
    _check_results(results, by)
    if not by:
        return [_setting_errors(results, baseline)]
    return [_setting_errors(group, baseline) for _, group in results.groupby(by, sort=False)]


def results_penalty_matrix(results, *, baseline="random", by=None, threshold=1.96):
    """BADGE's pairwise penalty matrix from cross-validation results.

    The runs are the (repeat, fold) pairs, paired across strategies (same
    seed set); the budgets are those of :func:`learning_budgets` on the
    baseline's mean curve.

    Parameters
    ----------
    results : pandas.DataFrame
        The table returned by :func:`~skactive.model_selection.cross_validate_strategies`, possibly
        several concatenated with columns telling them apart (see ``by``).
    baseline : str, default="random"
        The random-sampling strategy that defines ``n0``.
    by : str or list of str, default=None
        Columns defining settings (e.g. ``"dataset"``), each weighing the same.
    threshold : float, default=1.96

    Returns
    -------
    P : pandas.DataFrame of shape (n_strategies, n_strategies)
        ``P.loc[i, j]``: how often ``i`` beats ``j``. ``P.mean()`` (over
        rows, the diagonal excluded) gives the column averages.

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", §4, "Pairwise comparisons".
    """
    import pandas as pd

    settings = _by_setting(results, by, baseline)
    names = settings[0][0]
    if any(s[0] != names for s in settings):
        raise ValueError("Every setting must hold the same strategies in the same order.")
    P = penalty_matrix([e for _, e in settings], threshold=threshold)
    return pd.DataFrame(
        P, index=pd.Index(names, name="winner"), columns=pd.Index(names, name="loser")
    )


def results_error_cdf(results, *, baseline="random", by=None):
    """BADGE's normalised-error CDF from cross-validation results.

    Parameters
    ----------
    results : pandas.DataFrame
        The table returned by :func:`~skactive.model_selection.cross_validate_strategies`.
    baseline : str, default="random"
    by : str or list of str, default=None
        Columns defining settings, as in :func:`results_penalty_matrix`.

    Returns
    -------
    cdf : dict of str -> (values, cdf)
        For each strategy, its sorted normalised errors and the cumulative
        weights, both ndarray of shape (n_points,); see
        :func:`normalized_error_cdf`.
    """
    settings = _by_setting(results, by, baseline)
    names = settings[0][0]
    if any(s[0] != names for s in settings):
        raise ValueError("Every setting must hold the same strategies in the same order.")
    values, cdf = normalized_error_cdf([e for _, e in settings], baseline=names.index(baseline))
    return {name: (values[i], cdf[i]) for i, name in enumerate(names)}


def summarize_results(results, *, baseline="random", target=None, aggregate="mean", x="n_labeled"):
    """One row per strategy: AULC, final score, labels-to-target, penalty.

    Parameters
    ----------
    results : pandas.DataFrame
        The table returned by :func:`~skactive.model_selection.cross_validate_strategies`.
    baseline : str or None, default="random"
        The random-sampling strategy of the penalty matrix. If None, or if
        it is not among the strategies, or there are fewer than 2 runs or no
        round after the seed set, the ``penalty`` column is left out.
    target : float, default=None
        Score for ``labels_to_target``; None: the baseline's final
        aggregated score (how many labels each strategy needs to do as well
        as random does with the whole budget), or the best final score if
        there is no baseline.
    aggregate : {"mean", "median"}, default="mean"
        How runs are combined (DAMI reports medians).
    x : {"n_labeled", "cost"}, default="n_labeled"
        The unit of the AULC and of ``labels_to_target``: labelled rows, or
        the cumulative cost of the queried rows (a run with ``costs=``; then
        ``labels_to_target`` is the cost needed to reach the target).

    Returns
    -------
    summary : pandas.DataFrame indexed by strategy
        ``aulc``: normalised area under the learning curve, per run then
        aggregated; ``final_score``: score at the last round, aggregated;
        ``labels_to_target``: first label count where the aggregated curve
        reaches ``target`` (NaN if never); ``penalty``: column average of the
        penalty matrix (the diagonal excluded; lower is better).

    References
    ----------
    .. [BADGE] Ash et al., §4 (penalty matrix, column averages of Fig. 4).
    .. [DEIMOS] "Active Learning in CNNs via Expected Improvement
       Maximization", Tables 1-2 (labels to reach a target score).
    """
    import pandas as pd

    _check_results(results)
    _check_aggregate(aggregate)
    _check_x(results, x)
    names = _strategies(results)
    rows = {}
    curves = learning_curves(results, aggregate=aggregate, x=x)
    if target is None:
        finals = curves.groupby("strategy", sort=False)["score"].last()
        target = finals[baseline] if baseline in finals.index else finals.max()
    for name in names:
        runs = results[results["strategy"] == name]
        aulcs, finals = [], []
        for _, run in runs.groupby(["repeat", "fold"], sort=False):
            run = run.sort_values("round")
            if len(run) >= 2:
                aulcs.append(area_under_learning_curve(run[x], run["score"]))
            finals.append(run["score"].iloc[-1])
        curve = curves[curves["strategy"] == name]
        reach = labels_to_target(curve[x], curve["score"], target)
        rows[name] = {
            "aulc": getattr(np, aggregate)(aulcs) if aulcs else np.nan,
            "final_score": getattr(np, aggregate)(finals),
            "labels_to_target": reach,
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.name = "strategy"
    summary.attrs["target"] = float(target)
    n_runs = results.groupby(["repeat", "fold"]).ngroups
    enough = n_runs >= 2 and len(names) >= 2 and results["round"].max() >= 1
    if baseline is not None and baseline in names and enough:
        P = results_penalty_matrix(results, baseline=baseline)
        summary["penalty"] = (P.sum(axis=0) / (len(names) - 1)).to_numpy()
    return summary
