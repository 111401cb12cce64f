"""Judging stopping criteria against the learning curve, and the simulation's cost input."""

import numpy as np

__all__ = ["stopping_report"]

_PREFIX = "stop:"


def named_criteria(stopping):
    """``[(name, criterion)]`` from None, a list (objects or aliases) or a dict."""
    from ..stopping import STOPPING_ALIASES

    if stopping is None:
        return []
    if isinstance(stopping, dict):
        named = [(str(k), v) for k, v in stopping.items()]
    elif isinstance(stopping, (str, bytes)) or not hasattr(stopping, "__iter__"):
        if hasattr(stopping, "should_stop"):
            named = [(type(stopping).__name__, stopping)]
        else:
            raise TypeError(
                "stopping must be a list of stopping criteria (objects or names) or a dict "
                f"{{name: criterion}}, got {stopping!r}."
            )
    else:
        named = []
        for c in stopping:
            named.append((c, c) if isinstance(c, str) else (type(c).__name__, c))
    resolved = []
    for name, criterion in named:
        if isinstance(criterion, str):
            if criterion not in STOPPING_ALIASES:
                raise ValueError(
                    f"Unknown stopping criterion {criterion!r}: choose among "
                    f"{sorted(STOPPING_ALIASES)}, or give criterion objects."
                )
            criterion = STOPPING_ALIASES[criterion]()
        if not hasattr(criterion, "should_stop"):
            raise TypeError(f"{criterion!r} is not a stopping criterion (it has no should_stop).")
        resolved.append((name, criterion))
    names = [n for n, _ in resolved]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(
            f"Several stopping criteria are named {repeated}: pass a dict {{name: criterion}}."
        )
    return resolved


def check_simulation_costs(costs, cost_budget, n_train):
    """Validated costs of the training rows (None if not given)."""
    from .._validation import check_costs

    if costs is None:
        if cost_budget is not None:
            raise ValueError("cost_budget needs costs: give one annotation cost per training row.")
        return None
    costs = check_costs(costs, n_train, rows="X has {n} training rows: give one cost per row")
    if cost_budget is not None and (
        isinstance(cost_budget, bool) or not np.isfinite(cost_budget) or cost_budget <= 0
    ):
        raise ValueError(f"cost_budget must be a positive number, got {cost_budget!r}.")
    return costs


def stopping_report(results, *, x="n_labeled"):
    """Where each stopping criterion fired on the learning curve, and what it cost.

    For every strategy, criterion and run (repeat x fold), the first round
    at which the criterion said stop is compared with the rest of the run:
    the score there, the gap to the score at the full budget and to the
    best score the run reached, and the labels (or cost) it would have saved.
    A criterion that never fired in a run counts as stopping at the budget
    (nothing saved, no gap to the final score).

    Parameters
    ----------
    results : pandas.DataFrame
        The table of :func:`simulate_active_learning` or
        :func:`cross_validate_strategies` run with ``stopping=``: it has one
        boolean column ``stop:<name>`` per criterion.
    x : {"n_labeled", "cost"}, default="n_labeled"
        The unit of ``at_stop`` and ``saved``: labelled rows, or the ``cost``
        column of a run with costs.

    Returns
    -------
    report : pandas.DataFrame indexed by (strategy, criterion)
        ``fired``: fraction of runs in which it fired; ``at_stop``: labels
        (or cost) at the stop, mean over runs; ``score_at_stop``;
        ``gap_to_final`` (final score minus the score at the stop; positive:
        stopping lost score); ``gap_to_best`` (best score of the run minus the
        score at the stop); ``saved``: labels (or cost) not spent, budget
        minus ``at_stop``; ``saved_fraction``: ``saved`` over the labels (or
        cost) the run spent after its seed set; ``n_runs``.

    References
    ----------
    .. [1] M. Bloodgood and K. Vijay-Shanker, "A Method for Stopping Active
       Learning Based on Stabilizing Predictions and the Need for
       User-Adjustable Stopping", CoNLL 2009, §5: the stopping point's
       annotations and its performance against the full budget's.
    .. [2] Z. Pullar-Strecker, K. Dost, E. Frank and J. Wicker, "Hitting the
       Target: Stopping Active Learning at the Cost-Based Optimum", 2022:
       criteria compared by labels and score at the stop.
    """
    import pandas as pd

    columns = list(getattr(results, "columns", ()))
    criteria = [c for c in columns if isinstance(c, str) and c.startswith(_PREFIX)]
    if not criteria:
        raise ValueError(
            "results has no stop:<name> column: run the simulation with stopping=[...]."
        )
    if x not in ("n_labeled", "cost"):
        raise ValueError(f"x must be 'n_labeled' or 'cost', got {x!r}.")
    missing = [c for c in ("round", "score", x) if c not in columns]
    if missing:
        raise ValueError(f"results lacks the columns {missing}.")
    table = results.copy()
    for key, default in (("strategy", "strategy"), ("repeat", 0), ("fold", 0)):
        if key not in table.columns:
            table[key] = default
    rows = {}
    for strategy, runs in table.groupby("strategy", sort=False):
        for column in criteria:
            stats = []
            for _, run in runs.groupby(["repeat", "fold"], sort=False):
                run = run.sort_values("round")
                fired = run[column].to_numpy(dtype=bool)
                i = int(np.argmax(fired)) if fired.any() else len(run) - 1
                scores = run["score"].to_numpy(dtype=np.float64)
                spent = run[x].to_numpy(dtype=np.float64)
                total = spent[-1] - spent[0]
                stats.append(
                    (
                        fired.any(),
                        spent[i],
                        scores[i],
                        scores[-1] - scores[i],
                        scores.max() - scores[i],
                        spent[-1] - spent[i],
                        (spent[-1] - spent[i]) / total if total > 0 else 0.0,
                    )
                )
            stats = np.asarray(stats, dtype=np.float64)
            rows[strategy, column[len(_PREFIX) :]] = dict(
                zip(
                    ("fired", "at_stop", "score_at_stop", "gap_to_final", "gap_to_best",
                     "saved", "saved_fraction"),
                    stats.mean(axis=0),
                    strict=True,
                ),
                n_runs=stats.shape[0],
            )  # fmt: skip
    report = pd.DataFrame.from_dict(rows, orient="index")
    report.index = pd.MultiIndex.from_tuples(report.index, names=["strategy", "criterion"])
    return report
