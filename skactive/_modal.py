"""Clear errors for calls written for modAL, saying what skactive expects instead.

modAL's vocabulary (``query`` / ``teach``) is the one skactive speaks, but
several calls differ; see ``docs/migrating_from_modal.md``. Each function
here recognises one modAL idiom and raises an error naming the skactive
spelling.
"""

from numbers import Integral

import numpy as np

__all__ = ["check_init_keywords", "check_query_keywords", "check_strategy_output", "check_teach"]

_PAGE = "see docs/migrating_from_modal.md"

# modAL's ActiveLearner / Committee keywords and what to write instead.
_INIT_KEYWORDS = {
    "X_training": "call learner.fit(X_training, y_training) after constructing the learner",
    "y_training": "call learner.fit(X_training, y_training) after constructing the learner",
    "bootstrap_init": "skactive has no bootstrapping; fit on the seed set as it is",
    "on_transformed": "put the preprocessing in a Pipeline: strategies see what the network sees",
}


def check_init_keywords(kwargs):
    """Refuse modAL's ``ActiveLearner(..., X_training=, y_training=)`` keywords.

    Parameters
    ----------
    kwargs : dict
        The keyword arguments given to the constructor.

    Raises
    ------
    TypeError
        For a modAL keyword, naming what to write instead.
    """
    modal = [k for k in kwargs if k in _INIT_KEYWORDS]
    if modal:
        advice = "; ".join(dict.fromkeys(_INIT_KEYWORDS[k] for k in modal))
        raise TypeError(
            f"ActiveLearner got modAL's keyword{'s' if len(modal) > 1 else ''} "
            f"{', '.join(modal)}: the constructor only takes settings, and the data go to fit "
            f"({advice}). For example: ActiveLearner(net, query_strategy=...).fit(X_seed, "
            f"y_seed); {_PAGE}."
        )


def check_query_keywords(kwargs):
    """Refuse modAL's ``query(X_pool, n_instances=...)`` and any other keyword."""
    if not kwargs:
        return
    if "n_instances" in kwargs:
        n = kwargs["n_instances"]
        raise TypeError(
            f"query got modAL's n_instances={n!r}: write learner.query(X_pool, n={n!r}). It "
            "returns the indices only (not modAL's (indices, X_pool[indices])): select the "
            f"rows with X_pool[idx]; {_PAGE}."
        )
    raise TypeError(f"query got unexpected keyword arguments {sorted(kwargs)}.")


def check_strategy_output(indices, name):
    """Refuse a query function that returns modAL's ``(indices, X_pool[indices])``.

    Parameters
    ----------
    indices : object
        What the strategy returned.
    name : str
        The strategy's name, for the message.

    Raises
    ------
    ValueError
        If it is a pair whose first element is a 1-D array of indices.
    """
    if isinstance(indices, tuple) and len(indices) == 2:
        first = np.asarray(indices[0])
        if first.ndim <= 1 and first.dtype.kind in "iu":
            raise ValueError(
                f"The query strategy {name} returned a tuple (indices, rows), as a modAL query "
                "function does: return the indices only, e.g. `return idx` instead of "
                f"`return idx, X_pool[idx]`; {_PAGE}."
            )


def check_teach(learner, X, y):
    """Refuse ``teach`` given pool indices instead of rows, or one index's 1-D row.

    Parameters
    ----------
    learner : ActiveLearner
        The fitted learner (its ``n_features_in_`` is read).
    X, y : object
        What ``teach`` was given.

    Raises
    ------
    ValueError
        If ``X`` is an integer or an array of integers that reads as indices
        into the pool, or a single 1-D row with a scalar label (modAL users'
        ``idx = learner.query(X_pool)[0]``).
    """
    n_features = getattr(learner, "n_features_in_", None)
    if isinstance(X, Integral) and not isinstance(X, bool):
        raise ValueError(
            f"teach got the integer {X}, an index: it takes the rows themselves and their "
            f"labels. Write learner.teach(X_pool[idx], y_pool[idx]) with the indices that "
            f"query returned; {_PAGE}."
        )
    if hasattr(X, "iloc") or not hasattr(X, "__len__") or isinstance(X, dict):
        return
    from .probes import is_dataset  # torch: only once a learner is in use

    if is_dataset(X):  # rows, not indices
        return
    array = np.asarray(X) if not hasattr(X, "dtype") else X
    if getattr(array, "ndim", 2) != 1:
        return
    if array.dtype.kind in "iu" and (n_features != 1 or np.ndim(y) == 0):
        raise ValueError(
            f"teach got a 1-D array of integers {np.asarray(array)[:5].tolist()}"
            f"{'...' if len(array) > 5 else ''}: if these are indices into the pool, pass the "
            "rows and their labels, learner.teach(X_pool[idx], y_pool[idx]); one row of "
            f"{n_features} features goes as X_pool[[i]]; {_PAGE}."
        )
    if np.ndim(y) == 0 and n_features is not None and array.shape[0] == n_features:
        raise ValueError(
            "teach got one 1-D row and a single label, as X_pool[i], y_pool[i] with an int "
            "index i: pass a 2-D selection, learner.teach(X_pool[[i]], y_pool[[i]]), or the "
            f"index array query returned, learner.teach(X_pool[idx], y_pool[idx]); {_PAGE}."
        )
