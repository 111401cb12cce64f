"""One simulated pool-based active-learning experiment, labels as the oracle."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import _num_samples, check_consistent_length

__all__ = ["draw_initial_set", "simulate_active_learning"]

#: Columns of the table returned by :func:`simulate_active_learning`.
SIMULATION_COLUMNS = ["round", "n_labeled", "score", "query_time", "fit_time", "queried"]


def _resolve_size(value, n, name, *, allow_one=False):
    """An absolute row count from an int (count) or a float (fraction of n).

    Fractions are rounded down, with at least one row.
    """
    if isinstance(value, bool) or not isinstance(value, (Integral, Real)):
        raise TypeError(f"{name} must be an int or a float, got {value!r}.")
    if isinstance(value, Integral):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
        return int(value)
    upper_ok = value <= 1 if allow_one else value < 1
    if not (0 < value and upper_ok):
        interval = "(0, 1]" if allow_one else "(0, 1)"
        raise ValueError(
            f"{name}={value!r}: a float is a fraction of the training rows and must lie "
            f"in {interval}; give an int for a number of rows."
        )
    return max(1, int(np.floor(value * n)))


def draw_initial_set(y, size=None, *, per_class=None, random_state=None):
    """Draw the labelled seed set of a simulated experiment.

    Either ``size`` rows uniformly at random, or ``per_class`` rows of each
    class (the stratified seed of ALEX §4.1, ``|S| = q·c``).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of the training rows (only read for ``per_class``; otherwise
        only its length is used, so regression targets are fine).
    size : int or float, default=None
        Number of rows, or a fraction in (0, 1) of ``n_samples`` (rounded
        down, at least 1).
    per_class : int, default=None
        Number of rows ``q`` drawn from each class. Exactly one of ``size``
        and ``per_class`` must be given.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    indices : ndarray of shape (n_initial,), dtype int64
        Distinct indices into ``y``. With ``per_class``, grouped by class in
        the order of ``np.unique(y)``.

    References
    ----------
    .. [ALEX] Mondal and Ganguly, "ALEX: Active Learning based Enhancement of
       a Model's EXplainability", §4.1: a seed of q instances per class,
       identical for every method.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.model_selection import draw_initial_set
    >>> y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    >>> idx = draw_initial_set(y, per_class=2, random_state=0)
    >>> np.bincount(y[idx]).tolist()
    [2, 2, 2]
    """
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] == 0:
        raise ValueError("y is empty: there is nothing to draw a seed set from.")
    n = y.shape[0]
    if (size is None) == (per_class is None):
        raise ValueError("Give exactly one of size (a number or fraction of rows) and per_class.")
    rng = check_random_state(random_state)
    if size is not None:
        n_initial = _resolve_size(size, n, "size")
        if n_initial >= n:
            raise ValueError(
                f"A seed set of {n_initial} rows leaves no pool: there are only {n} rows."
            )
        return rng.choice(n, size=n_initial, replace=False).astype(np.int64)

    if isinstance(per_class, bool) or not isinstance(per_class, Integral) or per_class < 1:
        raise ValueError(f"per_class must be a positive integer, got {per_class!r}.")
    if y.ndim != 1:
        raise ValueError(f"per_class needs 1-D class labels, got y of shape {y.shape}.")
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < per_class:
        rare = classes[counts < per_class].tolist()
        raise ValueError(
            f"per_class={per_class} rows of each class are needed, but classes {rare} have "
            f"fewer (smallest count {counts.min()})."
        )
    if per_class * classes.shape[0] >= n:
        raise ValueError(
            f"A seed set of {per_class} rows per class ({per_class * classes.shape[0]} rows) "
            f"leaves no pool: there are only {n} rows."
        )
    parts = [rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in classes]
    return np.concatenate(parts).astype(np.int64)


def _schedule(n_train, n_initial, query_size, n_rounds, budget):
    """Rows queried in each round: full batches, the last one cut short."""
    if (n_rounds is None) == (budget is None):
        raise ValueError(
            "Give exactly one of n_rounds (a number of rounds) and budget (the final "
            "number of labelled rows)."
        )
    batch = _resolve_size(query_size, n_train, "query_size")
    if budget is not None:
        final = _resolve_size(budget, n_train, "budget", allow_one=True)
        if final < n_initial:
            raise ValueError(
                f"budget={budget!r} ({final} rows) is smaller than the seed set ({n_initial} rows)."
            )
        if final > n_train:
            raise ValueError(
                f"budget={budget!r} ({final} rows) exceeds the {n_train} training rows."
            )
    else:
        if isinstance(n_rounds, bool) or not isinstance(n_rounds, Integral) or n_rounds < 0:
            raise ValueError(f"n_rounds must be a non-negative integer, got {n_rounds!r}.")
        final = min(n_train, n_initial + n_rounds * batch)
    sizes = []
    labelled = n_initial
    while labelled < final:
        sizes.append(min(batch, final - labelled))
        labelled += sizes[-1]
    return sizes


def simulate_active_learning(
    learner,
    X,
    y,
    X_test,
    y_test,
    *,
    initial_size=None,
    per_class=None,
    initial_indices=None,
    query_size=10,
    n_rounds=None,
    budget=None,
    scoring=None,
    random_state=None,
):
    """Simulate pool-based active learning on a labelled data set.

    The labels ``y`` play the oracle: a seed set is labelled, the learner is
    fitted on it, then each round it queries rows of the remaining pool
    (:meth:`~skactive.ActiveLearner.query`), receives their labels
    (:meth:`~skactive.ActiveLearner.teach`, which retrains) and is scored on
    the test set.

    Parameters
    ----------
    learner : ActiveLearner
        The learner to simulate, with its query strategy. It is cloned, not
        modified. A classifier whose ``classes`` is not set gets the classes
        of ``y`` and ``y_test`` declared, so that a class missing from the
        seed set can arrive later.
    X : array-like of shape (n_train, n_features)
        Training rows: the seed set and the pool.
    y : array-like of shape (n_train,) or (n_train, n_targets)
        Their labels, revealed as rows are queried.
    X_test : array-like of shape (n_test, n_features)
    y_test : array-like of shape (n_test,) or (n_test, n_targets)
        The test set scored after the seed set and after each round.
    initial_size : int or float, default=None
        Size of a random seed set: a number of rows, or a fraction in (0, 1)
        of ``n_train``.
    per_class : int, default=None
        Stratified seed set with this many rows per class (ALEX §4.1).
    initial_indices : array-like of int, default=None
        The seed set itself, as indices into ``X``. Exactly one of
        ``initial_size``, ``per_class`` and ``initial_indices`` is given.
    query_size : int or float, default=10
        Rows queried per round: a number, or a fraction in (0, 1) of
        ``n_train`` (DAMI queries 2 % of the training set per round).
    n_rounds : int, default=None
        Number of rounds. The last round is cut short if the pool runs out.
    budget : int or float, default=None
        Final number of labelled rows (seed set included), or a fraction in
        (0, 1] of ``n_train``; rounds go on until it is reached, the last one
        cut short to reach it exactly. Exactly one of ``n_rounds`` and
        ``budget`` is given.
    scoring : str or callable, default=None
        A scikit-learn scorer name (``"accuracy"``, ``"roc_auc"``,
        ``"neg_mean_squared_error"``, ...) or a callable
        ``scorer(estimator, X, y)``; None uses ``learner.score`` (accuracy or
        R²).
    random_state : int, RandomState instance or None, default=None
        Resolved once into two integer seeds: one draws the seed set, the
        other becomes the learner's ``random_state`` (network initialisation,
        training, queries).

    Returns
    -------
    results : pandas.DataFrame of shape (n_rounds_done + 1, 6)
        One row per round, round 0 being the seed set: ``round``,
        ``n_labeled`` (labelled rows after the round), ``score`` (test score),
        ``query_time`` and ``fit_time`` (seconds; no query in round 0),
        ``queried`` (ndarray of the indices into ``X`` labelled in that round,
        in selection order; the seed set in round 0).

    See Also
    --------
    cross_validate_strategies : many strategies, folds and repeats.

    Examples
    --------
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from sklearn.datasets import load_iris
    >>> from skactive import ActiveLearner
    >>> from skactive.nets import MLP
    >>> from skactive.model_selection import simulate_active_learning
    >>> X, y = load_iris(return_X_y=True)
    >>> net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=5,
    ...                           train_split=None, verbose=0)
    >>> learner = ActiveLearner(net, query_strategy="margin")
    >>> res = simulate_active_learning(learner, X[::2], y[::2], X[1::2], y[1::2],
    ...                                per_class=2, query_size=5, n_rounds=3, random_state=0)
    >>> res["n_labeled"].tolist()
    [6, 11, 16, 21]
    """
    import pandas as pd

    _check_learner(learner)
    check_consistent_length(X, y)
    check_consistent_length(X_test, y_test)
    n_train = _num_samples(X)
    if n_train < 2:
        raise ValueError(f"X has {n_train} rows: a seed set and a pool need at least 2.")
    if _num_samples(X_test) == 0:
        raise ValueError("X_test is empty: there is nothing to score on.")
    y, y_test = np.asarray(y), np.asarray(y_test)

    rng = check_random_state(random_state)
    set_seed, learner_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
    given = sum(v is not None for v in (initial_size, per_class, initial_indices))
    if given != 1:
        raise ValueError("Give exactly one of initial_size, per_class and initial_indices.")
    if initial_indices is None:
        initial = draw_initial_set(y, initial_size, per_class=per_class, random_state=set_seed)
    else:
        initial = _check_initial_indices(initial_indices, n_train)
    sizes = _schedule(n_train, initial.shape[0], query_size, n_rounds, budget)

    learner = clone(learner).set_params(random_state=learner_seed)
    if is_classifier(learner) and learner.get_params().get("classes") is None:
        learner.set_params(classes=np.unique(np.concatenate([y.ravel(), y_test.ravel()])))
    scorer = check_scoring(learner, scoring=scoring)

    start = time.perf_counter()
    learner.fit(_safe_indexing(X, initial), y[initial])
    fit_time = time.perf_counter() - start
    rows = [(0, initial.shape[0], float(scorer(learner, X_test, y_test)), 0.0, fit_time, initial)]
    pool = np.setdiff1d(np.arange(n_train), initial)
    n_labeled = initial.shape[0]
    for round_, n in enumerate(sizes, start=1):
        start = time.perf_counter()
        picked = pool[learner.query(_safe_indexing(X, pool), n)]
        query_time = time.perf_counter() - start
        start = time.perf_counter()
        learner.teach(_safe_indexing(X, picked), y[picked])
        fit_time = time.perf_counter() - start
        pool = np.setdiff1d(pool, picked)
        n_labeled += n
        score = float(scorer(learner, X_test, y_test))
        rows.append((round_, n_labeled, score, query_time, fit_time, picked))
    return pd.DataFrame(rows, columns=SIMULATION_COLUMNS)


def _check_learner(learner):
    if not hasattr(learner, "query") or not hasattr(learner, "teach"):
        raise TypeError(
            "learner must be an ActiveLearner (with query and teach), got "
            f"{type(learner).__name__}."
        )


def _check_initial_indices(indices, n_train):
    indices = np.asarray(indices)
    if indices.ndim != 1 or indices.shape[0] == 0:
        raise ValueError(
            f"initial_indices must be a non-empty 1-D array, got shape {indices.shape}."
        )
    if indices.dtype.kind not in "iu":
        raise ValueError(f"initial_indices must be integers, got dtype {indices.dtype}.")
    if indices.min() < 0 or indices.max() >= n_train:
        raise ValueError(f"initial_indices must lie in [0, {n_train}).")
    if np.unique(indices).shape[0] != indices.shape[0]:
        raise ValueError("initial_indices contains repeated rows.")
    if indices.shape[0] >= n_train:
        raise ValueError("initial_indices covers every row: there is no pool to query.")
    return indices.astype(np.int64)
