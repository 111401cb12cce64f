"""Plots of active-learning experiments (matplotlib).

- :func:`plot_learning_curves`: score against labels per strategy, with a
  band for the spread over runs;
- :func:`plot_penalty_matrix`: BADGE's pairwise penalty matrix as a heat map,
  column averages underneath;
- :func:`plot_error_cdf`: BADGE's CDF of normalised errors;
- :func:`plot_selection`: which rows a strategy picked, in two dimensions;
- :func:`plot_stopping`: learning curves with the points where stopping
  criteria fired.

Each function draws on ``ax`` (a new figure if None) and returns it.
"""

import numpy as np

__all__ = [
    "plot_error_cdf",
    "plot_learning_curves",
    "plot_penalty_matrix",
    "plot_selection",
    "plot_stopping",
]


def _axes(ax, figsize=(6, 4.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


# Up to this many strategies the legend sits inside the axes; beyond, it
# goes to the right of them, in columns of at most _LEGEND_ROWS entries.
_INSIDE_LEGEND, _LEGEND_ROWS = 6, 16


def _styles(n):
    """``n`` distinct (colour, linestyle, marker) triples.

    Ten colours (tab10) for up to ten lines; beyond, twenty (tab20) with the
    line style and marker changing every ten lines, so that 16 strategies
    (all of skactive's) remain told apart, in colour and in black and white.
    """
    import matplotlib

    colours = matplotlib.colormaps["tab10" if n <= 10 else "tab20"].colors
    linestyles, markers = ["-", "--", ":", "-."], [".", "s", "^", "D"]
    return [
        (colours[i % len(colours)], linestyles[(i // 10) % 4], markers[(i // 10) % 4])
        for i in range(n)
    ]


def _legend(ax, n):
    if n <= _INSIDE_LEGEND:
        ax.legend()
        return
    ncol = int(np.ceil(n / _LEGEND_ROWS))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=9,
              ncol=ncol, frameon=False)  # fmt: skip


def plot_learning_curves(results, *, aggregate="mean", bands=True, ax=None, title=None):
    """Learning curves with spread bands, one line per strategy.

    Parameters
    ----------
    results : pandas.DataFrame
        The table of :func:`skactive.model_selection.cross_validate_strategies`.
    aggregate : {"mean", "median"}, default="mean"
        The line: mean (band: ± one standard deviation) or median (band:
        interquartile range) over runs.
    bands : bool, default=True
        Whether to shade the spread.
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    from .metrics import learning_curves

    curves = learning_curves(results, aggregate=aggregate)
    groups = list(curves.groupby("strategy", sort=False))
    n = len(groups)
    # Beyond a few strategies the legend goes to the right: widen the figure.
    ax = _axes(ax, figsize=(6, 4.5) if n <= _INSIDE_LEGEND else (8.5, 5))
    for (name, curve), (colour, linestyle, marker) in zip(groups, _styles(n), strict=True):
        (line,) = ax.plot(curve["n_labeled"], curve["score"], color=colour, linestyle=linestyle,
                          marker=marker, markersize=4, label=name)  # fmt: skip
        if bands:
            ax.fill_between(
                curve["n_labeled"],
                curve["spread_low"],
                curve["spread_high"],
                color=line.get_color(),
                alpha=0.2,
                linewidth=0,
            )
    ax.set_xlabel("labelled rows")
    ax.set_ylabel(f"test score ({aggregate} over runs)")
    ax.grid(alpha=0.3)
    _legend(ax, n)
    if title:
        ax.set_title(title)
    return ax


def plot_penalty_matrix(P, *, ax=None, title=None):
    """Heat map of a pairwise penalty matrix, column averages underneath.

    Parameters
    ----------
    P : pandas.DataFrame of shape (n_strategies, n_strategies)
        From :func:`skactive.model_selection.results_penalty_matrix`:
        ``P.loc[i, j]`` counts how often ``i`` beats ``j``.
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", Fig. 4.
    """
    if not hasattr(P, "columns") or P.shape[0] != P.shape[1] or P.shape[0] < 2:
        raise ValueError(
            "P must be a square DataFrame of at least 2 strategies, as returned by "
            "results_penalty_matrix."
        )
    values = P.to_numpy(dtype=float)
    n = values.shape[0]
    averages = values.sum(axis=0) / (n - 1)
    # The figure grows with the number of strategies, so that each cell keeps
    # room for its number at a legible size (16 strategies: 11 x 10 inches).
    side = max(6.0, 0.6 * n + 1.5)
    ax = _axes(ax, figsize=(side + 1.5, side))
    grid = np.vstack([values, averages])
    image = ax.imshow(grid, cmap="viridis", aspect="auto")
    ax.axhline(n - 0.5, color="white", linewidth=3)
    ax.figure.colorbar(image, ax=ax)  # first: it takes its room from the axes
    fontsize = _cell_fontsize(ax, n, n + 1, n_chars=4)
    low, high = image.norm.vmin, image.norm.vmax
    for i in range(n + 1):
        for j in range(n):
            value = grid[i, j]
            # Dark text on the bright (yellow) end of viridis, white elsewhere.
            bright = high > low and (value - low) / (high - low) > 0.6
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=fontsize,
                    color="black" if bright else "white")  # fmt: skip
    # Upright labels from 9 strategies on: slanted ones would overlap.
    slant = dict(rotation=45, ha="right") if n <= 8 else dict(rotation=90, ha="center")
    ax.set_xticks(range(n), [str(c) for c in P.columns], **slant)
    ax.set_yticks(range(n + 1), [str(r) for r in P.index] + ["column average"])
    ax.set_xlabel("beaten strategy (lower column average is better)")
    ax.set_ylabel("winning strategy")
    if title:
        ax.set_title(title)
    return ax


def _cell_fontsize(ax, n_columns, n_rows, *, n_chars):
    """The largest font (at most 9 pt) at which ``n_chars`` fit in a cell of ``ax``."""
    box = ax.get_position()  # in figure fractions
    width, height = ax.figure.get_size_inches()
    cell_width = box.width * width * 72 / n_columns  # points
    cell_height = box.height * height * 72 / n_rows
    # A digit is about 0.6 em wide; keep 20% of the cell as margin.
    size = min(0.8 * cell_width / (0.6 * n_chars), 0.6 * cell_height, 9.0)
    return float(max(size, 4.0))


def plot_error_cdf(cdfs, *, ax=None, title=None):
    """CDFs of normalised errors, one step curve per strategy.

    Parameters
    ----------
    cdfs : dict of str -> (values, cdf)
        From :func:`skactive.model_selection.results_error_cdf`.
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", Fig. 5.
    """
    if not isinstance(cdfs, dict) or not cdfs:
        raise ValueError("cdfs must be a non-empty dict {strategy: (values, cdf)}.")
    n = len(cdfs)
    ax = _axes(ax, figsize=(6, 4.5) if n <= _INSIDE_LEGEND else (8.5, 5))
    for (name, (values, cdf)), (colour, linestyle, _) in zip(cdfs.items(), _styles(n), strict=True):
        values, cdf = np.asarray(values), np.asarray(cdf)
        if values.shape != cdf.shape or values.ndim != 1:
            raise ValueError(f"values and cdf of {name!r} must be 1-D of the same length.")
        ax.step(np.r_[values[0], values], np.r_[0.0, cdf], where="post", label=name,
                color=colour, linestyle=linestyle)  # fmt: skip
    ax.set_xlabel("normalised error (error / random's error)")
    ax.set_ylabel("cumulative share of budgets (higher is better)")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    _legend(ax, n)
    if title:
        ax.set_title(title)
    return ax


def plot_selection(X, queried, *, y=None, initial=None, ax=None, title=None):
    """Scatter the rows a strategy picked over the data, in two dimensions.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        All rows. With more than 2 features they are projected on their
        first 2 principal components.
    queried : list of array-like of int
        The indices into ``X`` queried in each round (e.g. the ``queried``
        column of one run of the results table, round 0 excluded); coloured
        by round, darker is later.
    y : array-like of shape (n_samples,), default=None
        Labels for the background points' markers (classes shaded lightly).
    initial : array-like of int, default=None
        The seed set, drawn as black crosses.
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(f"X must be 2-D with at least 2 features, got shape {X.shape}.")
    if X.shape[1] > 2:
        from sklearn.decomposition import PCA

        X = PCA(n_components=2).fit_transform(X)
    rounds = [np.asarray(q, dtype=np.int64) for q in queried]
    for q in rounds + ([np.asarray(initial, dtype=np.int64)] if initial is not None else []):
        if q.ndim != 1 or (q.shape[0] and (q.min() < 0 or q.max() >= X.shape[0])):
            raise ValueError(f"Indices must be 1-D and lie in [0, {X.shape[0]}).")
    ax = _axes(ax)
    background = dict(s=8, alpha=0.25, linewidths=0)
    if y is None:
        ax.scatter(X[:, 0], X[:, 1], color="lightgrey", **background)
    else:
        ax.scatter(X[:, 0], X[:, 1], c=np.unique(y, return_inverse=True)[1], cmap="Pastel1",
                   **background)  # fmt: skip
    if rounds:
        import matplotlib

        colours = matplotlib.colormaps["plasma_r"](np.linspace(0.15, 0.9, len(rounds)))
        for r, (q, colour) in enumerate(zip(rounds, colours, strict=True), start=1):
            label = "queried (light: early, dark: late)" if r == 1 else None
            ax.scatter(X[q, 0], X[q, 1], color=colour, s=22, edgecolors="k", linewidths=0.3,
                       label=label)  # fmt: skip
    if initial is not None:
        ax.scatter(*X[np.asarray(initial)].T, marker="x", color="k", s=25, label="seed set")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_stopping(results, *, x="n_labeled", ax=None, title=None):
    """Learning curves with a marker where each stopping criterion fired.

    One line per strategy (the mean over runs); for each criterion, a
    marker at its mean stopping point (labels, or cost, and score at the
    stop, as in :func:`skactive.model_selection.stopping_report`), in the
    strategy's colour, one marker shape per criterion. A criterion that
    never fired in a run counts as stopping at the budget there, so its
    marker sits at the end of the curve; the share of runs in which it
    fired is in the report.

    Parameters
    ----------
    results : pandas.DataFrame
        A table with ``stop:<name>`` columns (a simulation run with
        ``stopping=``), with or without the strategy/repeat/fold columns.
    x : {"n_labeled", "cost"}, default="n_labeled"
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    ax : matplotlib Axes
    """
    from .metrics import learning_curves
    from .model_selection import stopping_report

    report = stopping_report(results, x=x)
    table = results.copy()
    for key, default in (("strategy", "strategy"), ("repeat", 0), ("fold", 0)):
        if key not in table.columns:
            table[key] = default
    curves = learning_curves(table, x=x)
    ax = _axes(ax)
    markers = "ov^sDP*Xh<>"
    criteria = list(dict.fromkeys(report.index.get_level_values("criterion")))
    for name, curve in curves.groupby("strategy", sort=False):
        (line,) = ax.plot(curve[x], curve["score"], label=name, alpha=0.8)
        for i, criterion in enumerate(criteria):
            row = report.loc[(name, criterion)]
            ax.plot(
                row["at_stop"], row["score_at_stop"], linestyle="none",
                marker=markers[i % len(markers)], markersize=9, color=line.get_color(),
                markeredgecolor="black",
                label=criterion if name == curves["strategy"].iloc[0] else None,
            )  # fmt: skip
    ax.set_xlabel("labelled rows" if x == "n_labeled" else "cost of the queried rows")
    ax.set_ylabel("test score (mean over runs)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax
