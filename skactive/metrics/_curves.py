"""Metrics of learning curves on plain arrays: AULC, DEIMOS' labels-to-target,
BADGE's budgets, penalty matrix and normalised-error CDF.

The functions of :mod:`._results` apply them to the results table of
:func:`skactive.model_selection.cross_validate_strategies`.
"""

import numpy as np

__all__ = [
    "area_under_learning_curve",
    "labels_to_target",
    "learning_budgets",
    "normalized_error_cdf",
    "penalty_matrix",
]


def _curve(n_labeled, scores):
    """Validate a grid of label counts and curves on it."""
    n_labeled = np.asarray(n_labeled, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if n_labeled.ndim != 1:
        raise ValueError(f"n_labeled must be 1-D, got shape {n_labeled.shape}.")
    if scores.ndim == 0 or scores.shape[-1] != n_labeled.shape[0]:
        raise ValueError(
            f"scores of shape {scores.shape} do not match n_labeled of length "
            f"{n_labeled.shape[0]}: the last axis holds one score per label count."
        )
    if not (np.all(np.isfinite(n_labeled)) and np.all(np.isfinite(scores))):
        raise ValueError("n_labeled and scores must be finite (no NaN or infinity).")
    if n_labeled.shape[0] and np.any(np.diff(n_labeled) <= 0):
        raise ValueError("n_labeled must be strictly increasing.")
    return n_labeled, scores


def area_under_learning_curve(n_labeled, scores):
    """Normalised area under the learning curve (AULC).

    The trapezoidal area under ``score(n_labeled)`` divided by the range of
    ``n_labeled``: the mean score over the labelling budget, in the score's
    units (1.0 for a curve at accuracy 1 throughout).

    Parameters
    ----------
    n_labeled : array-like of shape (n_points,)
        Strictly increasing numbers of labelled rows, at least 2.
    scores : array-like of shape (n_points,) or (n_curves, n_points)
        Scores at those label counts.

    Returns
    -------
    aulc : float or ndarray of shape (n_curves,)

    References
    ----------
    .. [DAMI] "Deep Active learning approach by Model Interpretability"
       (DAMI), Fig. 3: AUC against the ratio of labelled samples, summarised
       here by its area. Normalising by the label range is our choice, so
       that runs with different budgets compare.

    Examples
    --------
    >>> from skactive.metrics import area_under_learning_curve
    >>> area_under_learning_curve([10, 20, 30], [0.5, 0.7, 0.7])
    0.65
    """
    n_labeled, scores = _curve(n_labeled, scores)
    if n_labeled.shape[0] < 2:
        raise ValueError("The area under a learning curve needs at least 2 label counts.")
    widths = np.diff(n_labeled)
    area = ((scores[..., 1:] + scores[..., :-1]) / 2 * widths).sum(axis=-1)
    result = area / (n_labeled[-1] - n_labeled[0])
    return float(result) if result.ndim == 0 else result


def labels_to_target(n_labeled, scores, target):
    """Labels needed to reach a target score (DEIMOS, Tables 1-2).

    Parameters
    ----------
    n_labeled : array-like of shape (n_points,)
        Strictly increasing numbers of labelled rows.
    scores : array-like of shape (n_points,) or (n_curves, n_points)
        Scores, larger is better. For an error such as the MSE, pass the
        negated curve and target (``neg_mean_squared_error`` scores already
        are).
    target : float
        The score to reach.

    Returns
    -------
    n : float or ndarray of shape (n_curves,)
        The first label count whose score is at least ``target``; NaN where
        the curve never reaches it.

    References
    ----------
    .. [DEIMOS] "Active Learning in CNNs via Expected Improvement
       Maximization", Tables 1 and 2: acquisitions needed to reach a test MSE
       or accuracy, read from the learning curve averaged over runs. The first
       crossing is taken, even if a later point falls back below (the paper
       does not say); the count includes the seed set (subtract it for
       acquisitions only).

    Examples
    --------
    >>> from skactive.metrics import labels_to_target
    >>> labels_to_target([10, 20, 30, 40], [0.5, 0.8, 0.75, 0.9], 0.8)
    20.0
    """
    n_labeled, scores = _curve(n_labeled, scores)
    if not np.isfinite(target):
        raise ValueError(f"target must be a finite number, got {target!r}.")
    reached = scores >= target
    first = np.argmax(reached, axis=-1)
    result = np.where(reached.any(axis=-1), n_labeled[first], np.nan)
    return float(result) if result.ndim == 0 else result


def learning_budgets(n_labeled, random_scores, *, fraction=0.99):
    """The label budgets where learning is still progressing (BADGE §4).

    ``n0`` is the smallest label count where the random baseline's score
    reaches ``fraction`` of its final score; the budgets are
    ``M + 2**(i-1) * B`` for ``i = 1 .. floor(log2((n0 - M) / B))``, with
    ``M`` the seed-set size (``n_labeled[0]``) and ``B`` the batch size
    (``n_labeled[1] - n_labeled[0]``).

    Parameters
    ----------
    n_labeled : array-like of shape (n_points,)
        Label counts ``M, M + B, M + 2B, ...`` (the last may be cut short).
    random_scores : array-like of shape (n_points,) or (n_runs, n_points)
        The random baseline's scores (larger is better); averaged over runs.
    fraction : float, default=0.99
        Share of the final score that defines ``n0``.

    Returns
    -------
    n0 : float
        The label count where random reaches ``fraction`` of its final score.
    rounds : ndarray of shape (n_budgets,), dtype int64
        Indices into ``n_labeled`` of the budgets (never empty).

    Notes
    -----
    Choices where §4 is silent: the logarithm is base 2 (the budgets double);
    "reaches 99 % of its final score" reads ``score >= final - 0.01 * |final|``
    so that it also holds for negative scores (losses); the curve is the mean
    over runs; when the set is empty (``n0 < M + 2B``), the first budget
    ``M + B`` is kept so that the setting still counts.

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", §4, "Pairwise comparisons".

    Examples
    --------
    >>> from skactive.metrics import learning_budgets
    >>> n0, rounds = learning_budgets([10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    ...                               [.1, .3, .5, .6, .7, .8, .85, .9, .99, 1.0])
    >>> n0, rounds.tolist()
    (90.0, [1, 2, 4])
    """
    n_labeled, scores = _curve(n_labeled, random_scores)
    if n_labeled.shape[0] < 2:
        raise ValueError(
            "learning_budgets needs at least 2 label counts (the seed set and one round)."
        )
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}.")
    curve = scores if scores.ndim == 1 else scores.mean(axis=0)
    final = curve[-1]
    n0 = float(n_labeled[np.argmax(curve >= final - (1 - fraction) * abs(final))])
    M, B = n_labeled[0], n_labeled[1] - n_labeled[0]
    k = int(np.floor(np.log2((n0 - M) / B))) if n0 > M else 0
    rounds = 2 ** np.arange(max(k, 1), dtype=np.int64)
    expected = M + rounds * B
    if rounds[-1] >= n_labeled.shape[0] or np.any(n_labeled[rounds] != expected):
        raise ValueError(
            "n_labeled is not on the grid M + t*B of a constant batch size, which the budgets "
            "of BADGE §4 assume."
        )
    return n0, rounds


def _settings(errors):
    """A list of 3-D error arrays (n_strategies, n_budgets, n_runs)."""
    if isinstance(errors, np.ndarray) or not isinstance(errors, (list, tuple)):
        errors = [errors]
    out = []
    for e in errors:
        e = np.asarray(e, dtype=np.float64)
        if e.ndim != 3:
            raise ValueError(
                "errors must have shape (n_strategies, n_budgets, n_runs) per setting, got "
                f"shape {e.shape}."
            )
        if not np.all(np.isfinite(e)):
            raise ValueError("errors must be finite (no NaN or infinity).")
        if e.shape[1] == 0:
            raise ValueError("A setting has no budget: n_budgets must be at least 1.")
        out.append(e)
    if not out:
        raise ValueError("errors is empty: give at least one setting.")
    if len({e.shape[0] for e in out}) != 1:
        raise ValueError("Every setting must hold the same strategies (same first axis).")
    return out


def penalty_matrix(errors, *, threshold=1.96):
    """Pairwise penalty matrix of BADGE §4.

    For every setting, budget and pair of strategies ``(i, j)``, a paired
    two-sided z-test over the runs compares their test errors; the winner
    ``i`` of a significant test (``|z| > threshold``) gets ``1 / n_budgets``
    of that setting added to ``P[i, j]``. Row ``i`` then counts (roughly) the
    settings where ``i`` beats the others, column ``j`` those where ``j`` is
    beaten; lower column averages are better.

    Parameters
    ----------
    errors : array-like of shape (n_strategies, n_budgets, n_runs), or a list of them
        Test errors (lower is better), one array per setting (e.g. data set
        or batch size); the runs of one setting are paired (same seed set).
        Each setting weighs the same whatever its number of budgets.
    threshold : float, default=1.96
        Critical value of the z-test (1.96: 5 % two-sided).

    Returns
    -------
    P : ndarray of shape (n_strategies, n_strategies)
        Zero diagonal.

    Notes
    -----
    ``z = sqrt(n) * mean(d) / std(d, ddof=1)`` with ``d = e_j - e_i`` over
    the ``n`` runs, and ``i`` beats ``j`` when ``z > threshold``. §4 writes
    ``d = e_i - e_j``, whose sign contradicts its own reading of ``P`` (rows
    are wins, errors are lower-is-better); we follow the reading. When every
    difference is equal (``std = 0``), a nonzero difference is significant
    and a zero one is not.

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", §4, "Pairwise comparisons", and Fig. 4.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.metrics import penalty_matrix
    >>> errors = np.array([[[.30, .31, .29]], [[.20, .22, .21]]])  # 2 strategies, 1 budget
    >>> penalty_matrix(errors).tolist()
    [[0.0, 0.0], [1.0, 0.0]]
    """
    settings = _settings(errors)
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}.")
    n_strategies = settings[0].shape[0]
    P = np.zeros((n_strategies, n_strategies))
    for e in settings:
        n_runs = e.shape[2]
        if n_runs < 2:
            raise ValueError(f"The paired z-test needs at least 2 runs per budget, got {n_runs}.")
        # d[i, j, budget, run] = e_j - e_i: positive where i has the lower error.
        d = e[None, :, :, :] - e[:, None, :, :]
        mean = d.mean(axis=-1)
        std = d.std(axis=-1, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.sqrt(n_runs) * mean / std
        z = np.where(std > 0, z, np.where(mean == 0, 0.0, np.copysign(np.inf, mean)))
        P += (z > threshold).sum(axis=-1) / e.shape[1]
    return P


def normalized_error_cdf(errors, *, baseline=0):
    """Cumulative distribution of normalised errors (BADGE §4, Fig. 5).

    For every setting and budget, each strategy's mean error over the runs
    is divided by the baseline's (random sampling): ``ne = e / e_random``,
    so the baseline is 1 everywhere and lower is better. Each (setting,
    budget) pair weighs ``1 / n_budgets`` of its setting; the weights are
    then scaled to sum to 1 (our choice: §4 only says "proportional").

    Parameters
    ----------
    errors : array-like of shape (n_strategies, n_budgets, n_runs), or a list of them
        Test errors (lower is better), one array per setting.
    baseline : int, default=0
        Index of the baseline strategy (random sampling) along the first axis.

    Returns
    -------
    values : ndarray of shape (n_strategies, n_points)
        Each strategy's normalised errors, sorted increasingly; ``n_points``
        is the total number of budgets over the settings.
    cdf : ndarray of shape (n_strategies, n_points)
        The total weight of budgets with normalised error at most
        ``values[s, k]``: the CDF as a step function, ending at 1. A higher
        curve is better.

    References
    ----------
    .. [BADGE] Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", §4, "Cumulative distribution functions of
       normalized errors", and Fig. 5.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.metrics import normalized_error_cdf
    >>> errors = np.array([[[.2, .2], [.4, .4]], [[.1, .1], [.4, .4]]])
    >>> values, cdf = normalized_error_cdf(errors)
    >>> values.tolist(), cdf.tolist()
    ([[1.0, 1.0], [0.5, 1.0]], [[1.0, 1.0], [0.5, 1.0]])
    """
    settings = _settings(errors)
    n_strategies = settings[0].shape[0]
    if not (isinstance(baseline, (int, np.integer)) and -n_strategies <= baseline < n_strategies):
        raise ValueError(
            f"baseline must index one of the {n_strategies} strategies, got {baseline!r}."
        )
    ne, weights = [], []
    for e in settings:
        mean = e.mean(axis=-1)  # (n_strategies, n_budgets)
        if np.any(mean[baseline] <= 0):
            raise ValueError(
                "The baseline's mean error is zero (or negative) at some budget: the "
                "normalised error e / e_baseline is undefined there."
            )
        ne.append(mean / mean[baseline])
        weights.append(np.full(e.shape[1], 1.0 / e.shape[1]))
    ne = np.concatenate(ne, axis=1)
    weights = np.concatenate(weights)
    weights /= weights.sum()
    order = np.argsort(ne, axis=1, kind="stable")
    values = np.take_along_axis(ne, order, axis=1)
    cdf = np.cumsum(weights[order], axis=1)
    # Ties share the weight of every tied point.
    for s in range(n_strategies):
        last = np.searchsorted(values[s], values[s], side="right") - 1
        cdf[s] = cdf[s][last]
    return values, cdf
