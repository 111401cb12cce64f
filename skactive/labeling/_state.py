"""What a :class:`~skactive.labeling.LabelingSession` knows: its arguments checked, its state read.

The functions here are the session's state properties and queries (``labels_``,
``progress``, ``should_stop``, ...); :mod:`._session` binds them as its
methods and properties, so they take the session as ``self``.
"""

import numbers

import numpy as np
import pandas as pd

from .. import probes


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _plain(value):
    """A NumPy scalar as the Python scalar it holds (labels print and compare simply)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_arguments(
    learner, X_pool, *, batch_size, ids, classes, cold_start, budget, stopping, X_val, y_val
):
    """Check the arguments of :class:`LabelingSession`; return ``(n_pool, ids, classes)``.

    Not an estimator: a session is a stateful object, so its arguments are
    checked when it is made, before any label can be given.
    """
    for method in ("fit", "query", "teach"):
        if not callable(getattr(learner, method, None)):
            raise TypeError(
                "learner must be an ActiveLearner (with fit, query and teach); "
                f"got {type(learner).__name__}."
            )
    if hasattr(learner, "_task") and learner._task() != "classifier":
        raise TypeError(
            "LabelingSession labels classes: the learner must wrap a classifier "
            "(a skorch NeuralNetClassifier)."
        )
    if X_pool is None or probes.n_rows(X_pool) == 0:
        raise ValueError("X_pool is empty: there is nothing to label.")
    if not _is_int(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    if budget is not None and (not _is_int(budget) or budget < 1):
        raise ValueError(f"budget must be a positive integer or None, got {budget!r}.")
    n_pool = probes.n_rows(X_pool)
    if ids is not None:
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.shape[0] != n_pool:
            raise ValueError(
                f"ids must hold one identifier per pool row ({n_pool}), got shape {ids.shape}."
            )
        if np.unique(ids).shape[0] != n_pool:
            raise ValueError("ids must be unique: two pool rows share an identifier.")
    if classes is not None:
        classes = [_plain(c) for c in np.asarray(classes, dtype=object).ravel()]
        if len(set(classes)) != len(classes) or len(classes) < 2:
            raise ValueError(f"classes must list at least 2 distinct labels, got {classes!r}.")
    if cold_start is not None and not callable(getattr(cold_start, "query", None)):
        raise TypeError(
            "cold_start must be a strategy object with query(learner, X_pool, n, "
            f"random_state), got {type(cold_start).__name__}."
        )
    if stopping is not None and not callable(getattr(stopping, "should_stop", None)):
        raise TypeError(
            "stopping must have a method should_stop(learner, X_pool), "
            f"got {type(stopping).__name__}."
        )
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together.")
    if X_val is not None and probes.n_rows(X_val) != len(y_val):
        raise ValueError(
            f"X_val has {probes.n_rows(X_val)} rows but y_val has {len(y_val)} labels."
        )
    return n_pool, ids, classes


def classes_(self):
    """The classes a label may take (None if none is known yet)."""
    if self.classes is not None:
        return list(self.classes)
    declared = getattr(self.learner, "classes", None)
    if declared is not None:
        return [_plain(c) for c in np.asarray(declared, dtype=object).ravel()]
    if self.is_fitted:
        return [_plain(c) for c in self.learner.classes_]
    return None


def is_fitted(self):
    """Whether the learner is fitted (its strategy then picks the batches)."""
    return hasattr(self.learner, "estimator_")


def labels_(self):
    """One row per given label, in the order given.

    Columns: ``index`` (position in ``X_pool``), ``id`` (when ``ids``
    was given), ``label``, ``round`` (the commit it belongs to, 1 for the
    first) and ``committed`` (False for the open batch's labels).
    """
    columns = ["index"] + (["id"] if self.ids is not None else [])
    columns += ["label", "round", "committed"]
    rows = []
    for record in self._records:
        row = {"index": record["index"], "label": record["label"]}
        if self.ids is not None:
            row["id"] = _plain(self.ids[record["index"]])
        row["round"] = record["round"]
        row["committed"] = record["committed"]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"index": "int64", "round": "int64", "committed": bool})


def skipped_(self):
    """Pool indices skipped so far (they are never asked again), in order."""
    return np.asarray(list(self._skipped), dtype=np.int64)


def scores_(self):
    """Validation score after each training commit: columns ``n_labels``, ``score``."""
    return pd.DataFrame(self._scores, columns=["n_labels", "score"])


def batch_(self):
    """The open batch (pool indices), or an empty array if none is open."""
    return np.array([] if self._batch is None else self._batch, dtype=np.int64)


def utility_(self):
    """The strategy's utility of each row of the open batch, or None.

    Available where the learner's strategy has a ``utility`` method (the
    ranking strategies) and the learner is fitted: "why it was asked".
    """
    return None if self._utility is None else self._utility.copy()


def _labeled(self):
    return {r["index"]: r for r in self._records}


def _remaining(self):
    """Pool indices never labelled nor skipped."""
    used = np.fromiter([r["index"] for r in self._records] + list(self._skipped), dtype=np.int64)
    return np.setdiff1d(np.arange(self._n_pool), used)


def _pending(self):
    return [r for r in self._records if not r["committed"]]


def unanswered(self):
    """Rows of the open batch with neither a label nor a skip, in batch order."""
    if self._batch is None:
        return np.array([], dtype=np.int64)
    labeled = self._labeled()
    return np.array(
        [i for i in self._batch if i not in labeled and i not in self._skipped],
        dtype=np.int64,
    )


def current(self):
    """The first unanswered row of the open batch (a pool index), or None."""
    rest = self.unanswered()
    return int(rest[0]) if rest.shape[0] else None


def progress(self):
    """Where the session stands, as a dict.

    Keys: ``n_labeled`` (labels given, the open batch's included),
    ``n_committed``, ``n_skipped``, ``n_pool``, ``n_remaining`` (never
    labelled nor skipped), ``round``, ``budget``, ``budget_left`` and
    ``stop`` (:meth:`should_stop`).
    """
    n_labeled = len(self._records)
    return {
        "n_labeled": n_labeled,
        "n_committed": n_labeled - len(self._pending()),
        "n_skipped": len(self._skipped),
        "n_pool": self._n_pool,
        "n_remaining": int(self._remaining().shape[0]),
        "round": self.round_,
        "budget": self.budget,
        "budget_left": None if self.budget is None else self.budget - n_labeled,
        "stop": self.should_stop(),
    }


def should_stop(self):
    """The stopping criterion's hint on the remaining pool.

    Returns
    -------
    stop : bool or None
        None without a ``stopping`` criterion or before the learner is
        fitted; else ``stopping.should_stop(learner, X_remaining)``.
    """
    if self.stopping is None or not self.is_fitted:
        return None
    remaining = self._remaining()
    if remaining.shape[0] == 0:
        return True
    return bool(self.stopping.should_stop(self.learner, probes.take_rows(self.X_pool, remaining)))


def _repr(self):
    p = self.progress()
    return (
        f"LabelingSession({p['n_labeled']} labels ({p['n_committed']} committed), "
        f"{p['n_skipped']} skipped, {p['n_remaining']} of {p['n_pool']} rows left, "
        f"round {p['round']})"
    )
