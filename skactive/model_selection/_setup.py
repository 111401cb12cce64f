"""A simulation's input checked, its seed set drawn, its rounds planned.

:func:`draw_initial_set` is public; :func:`prepare` is what
:class:`~skactive.model_selection.ActiveLearningSimulation` runs when it
starts. Sizes and the schedule come from the one round engine,
:mod:`skactive._rounds`.
"""

from numbers import Integral

import joblib
import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import check_random_state

from .._rounds import draw_seed_set, schedule
from .._seeds import MAX_INT
from ..probes import is_dataset, n_rows

__all__ = ["SIMULATION_COLUMNS", "check_rows_and_labels", "draw_initial_set", "prepare"]

#: Columns of the table returned by :func:`simulate_active_learning`.
SIMULATION_COLUMNS = ["round", "n_labeled", "score", "query_time", "fit_time", "queried"]


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
        return draw_seed_set(n, size, rng, "size")

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


def _fingerprint(*datasets):
    """A hash of the datasets' values, whatever their memory layout.

    ``joblib.hash`` alone tells a strided view from its contiguous copy; the
    same rows loaded again in another process must match.
    """
    parts = []
    for data in datasets:
        if hasattr(data, "columns") and hasattr(data, "iloc"):  # a DataFrame, column by column
            parts.append(
                [(name, np.ascontiguousarray(data[name].to_numpy())) for name in data.columns]
            )
        elif is_dataset(data):
            # Its items may be loaded lazily from anywhere: reading them all to
            # hash them would cost a pass over the data. Its kind and length
            # stand for it.
            parts.append((type(data).__name__, len(data)))
        elif isinstance(data, dict):
            parts.append({key: np.ascontiguousarray(value) for key, value in data.items()})
        else:
            try:
                parts.append(np.ascontiguousarray(np.asarray(data)))
            except (TypeError, ValueError):  # not array-like: hashed as it is
                parts.append(data)
    return joblib.hash(parts)


def prepare(
    learner,
    X,
    y,
    X_test,
    y_test,
    *,
    initial_size,
    per_class,
    initial_indices,
    query_size,
    n_rounds,
    budget,
    scoring,
    random_state,
):
    """Validate a simulation's input; return the seeded clone, seed set and schedule."""
    _check_learner(learner)
    check_rows_and_labels(X, y)
    check_rows_and_labels(X_test, y_test)
    n_train = n_rows(X)
    if n_train < 2:
        raise ValueError(f"X has {n_train} rows: a seed set and a pool need at least 2.")
    if n_rows(X_test) == 0:
        raise ValueError("X_test is empty: there is nothing to score on.")
    y, y_test = np.asarray(y), np.asarray(y_test)

    rng = check_random_state(random_state)
    set_seed, learner_seed = (int(s) for s in rng.randint(MAX_INT, size=2))
    given = sum(v is not None for v in (initial_size, per_class, initial_indices))
    if given != 1:
        raise ValueError("Give exactly one of initial_size, per_class and initial_indices.")
    if initial_indices is None:
        initial = draw_initial_set(y, initial_size, per_class=per_class, random_state=set_seed)
    else:
        initial = _check_initial_indices(initial_indices, n_train)
    sizes = schedule(n_train, initial.shape[0], query_size, n_rounds, budget)

    learner = clone(learner).set_params(random_state=learner_seed)
    if is_classifier(learner) and learner.get_params().get("classes") is None:
        learner.set_params(classes=np.unique(np.concatenate([y.ravel(), y_test.ravel()])))
    check_scoring(learner, scoring=scoring)  # refuses a bad scoring before any training
    return learner, initial, sizes


def check_rows_and_labels(X, y):
    """Refuse rows and labels of different lengths (any kind of input, y required).

    scikit-learn's ``check_consistent_length`` with the rows counted as the
    learner counts them: a dict of arrays has the rows of its entries, a
    Dataset its ``len``.
    """
    if y is None:
        raise ValueError("y is needed: the simulation's oracle is the labels of X.")
    lengths = [n_rows(X), n_rows(y)]
    if lengths[0] != lengths[1]:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")


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
