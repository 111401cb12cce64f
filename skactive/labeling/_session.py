"""LabelingSession: the labelling loop with a person as the oracle."""

import inspect
import numbers
import os
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from .. import probes
from ..strategies import Random

__all__ = ["LabelingSession"]

#: Version of the saved file's layout (a load refuses other versions).
_FORMAT = 1


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _plain(value):
    """A NumPy scalar as the Python scalar it holds (labels print and compare simply)."""
    return value.item() if isinstance(value, np.generic) else value


class LabelingSession:
    """The active-learning loop with a person giving the labels.

    The session keeps the bookkeeping of an unlabelled pool: which rows were
    labelled (and with what, in which round), which were skipped, which batch
    is open. :meth:`next_batch` asks the learner's query strategy for the
    rows to label next among those never labelled nor skipped;
    :meth:`label`, :meth:`skip` and :meth:`undo` work on that batch;
    :meth:`commit` teaches its labels to the learner, which retrains. Nothing
    is lost when a call fails: a bad label, an index outside the batch or a
    training cut short by Ctrl-C raises and leaves every label where it was.

    **Cold start.** The session may start from zero labels with a learner
    that was never fitted. Until it can be fitted — two distinct classes
    labelled, or one label once every class is declared (``classes`` here or
    on the learner) — batches come from ``cold_start``, a strategy that needs
    no model: uniform random sampling of the remaining pool by default
    (:class:`skactive.strategies.Random`). The commit that makes the labels
    fittable fits the learner on all of them; from then on batches come from
    the learner's strategy.

    **Resume.** :meth:`save` writes the whole session (learner, pool,
    labels, skips, the open batch and the random state) to one file, replaced
    atomically so that an interrupted save leaves the previous file whole;
    :meth:`load` brings it back in a fresh process, where :meth:`next_batch`
    returns the same batch the saved session would have. With ``autosave``
    the file is rewritten after every change, so a kernel restart loses
    nothing, not even the labels of a batch whose commit was cut short.

    Parameters
    ----------
    learner : ActiveLearner
        The learner to train, fitted (on a seed set) or not. A classifier.
        It stays reachable as ``session.learner``.
    X_pool : array-like, DataFrame, list of str, dict of arrays or Dataset
        The unlabelled rows, of any kind the learner accepts: a table
        ``(n_pool, n_features)``, images ``(n_pool, H, W)`` or
        ``(n_pool, C, H, W)``, texts (for a learner whose Pipeline turns
        them into features), ... Indices everywhere are positions in it.
    batch_size : int, default=10
        Rows per batch.
    ids : array-like of shape (n_pool,), default=None
        An identifier of each pool row (file name, database key), shown in
        :attr:`labels_` and in exported files. Must be unique.
    classes : array-like of shape (n_classes,), default=None
        The classes a label may take, in the order of the widget's buttons.
        Defaults to the learner's ``classes`` (or ``classes_`` if it is
        fitted). If given and the learner declares none, the learner's
        ``classes`` parameter is set to them before its first fit, so that
        a class may arrive after the first commit. If no classes are known
        anywhere, any label is accepted until the learner is fitted.
    cold_start : strategy object, default=None
        The model-free strategy that picks batches before the learner can be
        fitted; it is called as ``query(None, X_remaining, n, random_state)``
        and must not use the learner. None means
        :class:`~skactive.strategies.Random`.
    budget : int, default=None
        Most labels to give in this session; batches shrink to fit and
        :meth:`next_batch` returns an empty batch once it is spent.
    stopping : object, default=None
        A stopping criterion with a method ``should_stop(learner, X_pool)``
        returning a bool (e.g. from :mod:`skactive.stopping`), asked by
        :meth:`should_stop` on the remaining pool.
    X_val, y_val : array-like, default=None
        A labelled validation set, scored after each commit that trains the
        learner; the scores are in :attr:`scores_` and drawn by the widget.
    autosave : str or path, default=None
        File to :meth:`save` to after every change (label, skip, undo,
        commit, new batch). The pool is written with it each time; for a
        pool of many megabytes, call ``save(path, include_pool=False)``
        yourself instead.
    random_state : int, RandomState instance or None, default=None
        Seed of the cold-start batches. The learner's own queries follow the
        learner's ``random_state``.

    Attributes
    ----------
    learner : ActiveLearner
        The learner being trained.
    round_ : int
        Number of commits so far.
    labels_ : DataFrame
        One row per given label (see the property).
    scores_ : DataFrame
        Columns ``n_labels``, ``score``: the validation score after each
        training commit (empty without ``X_val``).

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNetClassifier
    >>> from skactive import ActiveLearner
    >>> from skactive.nets import MLP
    >>> from skactive.labeling import LabelingSession
    >>> X = np.random.RandomState(0).normal(size=(40, 2)).astype("float32")
    >>> net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=5,
    ...                           train_split=None, verbose=0)
    >>> session = LabelingSession(ActiveLearner(net, random_state=0), X, batch_size=3,
    ...                           classes=["left", "right"], random_state=0)
    >>> batch = session.next_batch()
    >>> for i in batch:
    ...     _ = session.label(i, "left" if X[i, 0] < 0 else "right")
    >>> session = session.commit()
    >>> session.labels_.columns.tolist()
    ['index', 'label', 'round', 'committed']
    >>> len(session.learner.y_labeled_)
    3
    """

    def __init__(
        self,
        learner,
        X_pool,
        *,
        batch_size=10,
        ids=None,
        classes=None,
        cold_start=None,
        budget=None,
        stopping=None,
        X_val=None,
        y_val=None,
        autosave=None,
        random_state=None,
    ):
        # Not an estimator: a session is a stateful object, so its arguments
        # are checked here, before any label can be given.
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

        self.learner = learner
        self.X_pool = X_pool
        self.batch_size = batch_size
        self.ids = ids
        self.classes = classes
        self.cold_start = cold_start
        self.budget = budget
        self.stopping = stopping
        self.X_val = X_val
        self.y_val = y_val
        self.autosave = autosave
        self.round_ = 0
        self._base_seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
        self._n_pool = n_pool
        self._records = []  # dicts: index, label, round, committed, trained
        self._skipped = {}  # pool index -> round in which it was skipped
        self._batch = None  # open batch: pool indices, selection order
        self._utility = None  # the strategy's utility of each batch row, or None
        self._history = []  # undo stack of the open batch
        self._n_drawn = 0
        self._scores = []

    # ------------------------------------------------------------ state

    @property
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

    @property
    def is_fitted(self):
        """Whether the learner is fitted (its strategy then picks the batches)."""
        return hasattr(self.learner, "estimator_")

    @property
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

    @property
    def skipped_(self):
        """Pool indices skipped so far (they are never asked again), in order."""
        return np.asarray(list(self._skipped), dtype=np.int64)

    @property
    def scores_(self):
        """Validation score after each training commit: columns ``n_labels``, ``score``."""
        return pd.DataFrame(self._scores, columns=["n_labels", "score"])

    @property
    def batch_(self):
        """The open batch (pool indices), or an empty array if none is open."""
        return np.array([] if self._batch is None else self._batch, dtype=np.int64)

    @property
    def utility_(self):
        """The strategy's utility of each row of the open batch, or None.

        Available where the learner's strategy has a ``utility`` method (the
        ranking strategies) and the learner is fitted: "why it was asked".
        """
        return None if self._utility is None else self._utility.copy()

    def _labelled(self):
        return {r["index"]: r for r in self._records}

    def _remaining(self):
        """Pool indices never labelled nor skipped."""
        used = np.fromiter(
            [r["index"] for r in self._records] + list(self._skipped), dtype=np.int64
        )
        return np.setdiff1d(np.arange(self._n_pool), used)

    def _pending(self):
        return [r for r in self._records if not r["committed"]]

    def unanswered(self):
        """Rows of the open batch with neither a label nor a skip, in batch order."""
        if self._batch is None:
            return np.array([], dtype=np.int64)
        labelled = self._labelled()
        return np.array(
            [i for i in self._batch if i not in labelled and i not in self._skipped],
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
        return bool(
            self.stopping.should_stop(self.learner, probes.take_rows(self.X_pool, remaining))
        )

    def __repr__(self):
        p = self.progress()
        return (
            f"LabelingSession({p['n_labeled']} labels ({p['n_committed']} committed), "
            f"{p['n_skipped']} skipped, {p['n_remaining']} of {p['n_pool']} rows left, "
            f"round {p['round']})"
        )

    # ------------------------------------------------------------ the loop

    def _budget_left(self):
        return None if self.budget is None else self.budget - len(self._records)

    def next_batch(self):
        """The pool indices to label now.

        The open batch, while it has unanswered rows or labels not yet
        committed; otherwise a new batch of up to ``batch_size`` rows chosen
        among those never labelled nor skipped — by the learner's strategy
        once the learner is fitted, by ``cold_start`` before.

        Returns
        -------
        indices : ndarray of shape (n_batch,), dtype int64
            Positions in ``X_pool``, in the strategy's order (most wanted
            first). Empty when the pool or the budget is exhausted.
        """
        if self._batch is not None and (self.unanswered().shape[0] or self._pending()):
            return self._batch.copy()
        remaining = self._remaining()
        n = min(self.batch_size, remaining.shape[0])
        left = self._budget_left()
        if left is not None:
            n = min(n, left)
        if n <= 0:
            self._batch, self._utility, self._history = None, None, []
            return np.array([], dtype=np.int64)
        X_remaining = probes.take_rows(self.X_pool, remaining)
        utility = None
        if self.is_fitted:
            picked = np.asarray(self.learner.query(X_remaining, n=n), dtype=np.int64)
            utility = self._strategy_utility(X_remaining, picked)
        else:
            strategy = Random() if self.cold_start is None else self.cold_start
            seed = np.random.SeedSequence([self._base_seed, self._n_drawn])
            picked = strategy.query(
                None, X_remaining, n, random_state=int(seed.generate_state(1)[0] & 0x7FFFFFFF)
            )
            picked = np.asarray(picked, dtype=np.int64)
            if picked.shape != (n,) or np.unique(picked).shape[0] != n:
                raise ValueError(
                    f"cold_start {type(strategy).__name__} must return {n} distinct indices; "
                    f"got {picked!r}."
                )
        self._batch = remaining[picked]
        self._utility = utility
        self._history = []
        self._n_drawn += 1
        self._autosave()
        return self._batch.copy()

    def _strategy_utility(self, X_remaining, picked):
        strategy = getattr(self.learner, "query_strategy_", None)
        utility = getattr(strategy, "utility", None)
        if not callable(utility):
            return None
        X_net = self.learner.network_input(X_remaining)
        try:
            takes_seed = "random_state" in inspect.signature(utility).parameters
        except (TypeError, ValueError):
            takes_seed = False
        if takes_seed:
            # the seed the learner gave the strategy's query (its purpose 1, _QUERY),
            # so a randomised utility is the one the query ranked by
            seed = self.learner._seed(1) if hasattr(self.learner, "_seed") else 0
            values = utility(self.learner, X_net, random_state=seed)
        else:
            values = utility(self.learner, X_net)
        return np.asarray(values, dtype=np.float64)[picked]

    def _check_in_batch(self, index):
        if not _is_int(index):
            raise TypeError(f"index must be an integer position in X_pool, got {index!r}.")
        if self._batch is None or int(index) not in set(self._batch.tolist()):
            batch = self.batch_.tolist()
            raise ValueError(
                f"Row {index} is not in the open batch {batch}: label only the rows "
                "next_batch() returned" + ("; call next_batch() first." if not batch else ".")
            )
        return int(index)

    def _check_label(self, y):
        y = _plain(y)
        classes = self.classes_
        if classes is None:
            if not np.isscalar(y):
                raise TypeError(f"A label must be a scalar (int, str, ...), got {y!r}.")
            return y
        for c in classes:
            if isinstance(c, str) == isinstance(y, str) and c == y:
                return c
        raise ValueError(f"Label {y!r} is not one of the classes {classes}.")

    def label(self, index, y):
        """Give row ``index`` of the open batch the label ``y``.

        A row labelled (or skipped) before in this batch gets the new label.

        Parameters
        ----------
        index : int
            Position in ``X_pool`` of a row of the open batch.
        y : scalar
            Its label, one of :attr:`classes_` when they are known.

        Returns
        -------
        self : LabelingSession
        """
        index = self._check_in_batch(index)
        y = self._check_label(y)
        previous = self._labelled().get(index)
        was_skipped = self._skipped.pop(index, None)
        if previous is not None:
            self._history.append(("relabel", index, previous["label"]))
            previous["label"] = y
        else:
            self._history.append(("label", index, was_skipped))
            self._records.append(
                {
                    "index": index,
                    "label": y,
                    "round": self.round_ + 1,
                    "committed": False,
                    "trained": False,
                }
            )
        self._autosave()
        return self

    def skip(self, index):
        """Skip row ``index`` of the open batch: it is never asked again.

        A label given to it in this batch is withdrawn.

        Returns
        -------
        self : LabelingSession
        """
        index = self._check_in_batch(index)
        if index in self._skipped:
            return self
        previous = self._labelled().get(index)
        if previous is not None:
            self._records.remove(previous)
        self._history.append(("skip", index, previous))
        self._skipped[index] = self.round_ + 1
        self._autosave()
        return self

    def undo(self):
        """Take back the last label or skip of the open batch.

        Committed labels are in the learner and cannot be undone.

        Returns
        -------
        index : int
            The pool index whose answer was taken back.
        """
        if not self._history:
            raise ValueError(
                "Nothing to undo in the open batch (committed labels are taught to the "
                "learner and stay)."
            )
        action, index, before = self._history.pop()
        labelled = self._labelled()
        if action == "relabel":
            labelled[index]["label"] = before
        elif action == "label":
            self._records.remove(labelled[index])
            if before is not None:
                self._skipped[index] = before
        else:  # skip
            del self._skipped[index]
            if before is not None:
                self._records.append(before)
        self._autosave()
        return index

    def _fittable(self, records):
        labels = {r["label"] for r in records}
        declared = self.classes is not None or getattr(self.learner, "classes", None) is not None
        return len(labels) >= 2 or (declared and len(labels) >= 1)

    def commit(self):
        """Teach the open batch's labels to the learner and retrain it.

        Before the learner can be fitted (cold start), the labels are only
        recorded as committed; the commit that makes them fittable fits the
        learner on every committed label. If training fails or is
        interrupted (Ctrl-C), the learner is left as it was (see
        :meth:`ActiveLearner.teach`) and so is the session: the labels stay
        in the open batch, to commit again.

        Returns
        -------
        self : LabelingSession
        """
        pending = self._pending()
        if not pending:
            raise ValueError(
                "The open batch has no label to commit: label at least one row "
                "(skipped rows are not taught)."
            )
        untrained = [r for r in self._records if not r["trained"]]
        trains = self.is_fitted or self._fittable(untrained)
        if trains:
            idx = np.asarray([r["index"] for r in untrained], dtype=np.int64)
            X_new = probes.take_rows(self.X_pool, idx)
            y_new = np.asarray([r["label"] for r in untrained])
            if self.is_fitted:
                self.learner.teach(X_new, y_new)
            else:
                if self.classes is not None and getattr(self.learner, "classes", None) is None:
                    self.learner.set_params(classes=list(self.classes))
                self.learner.fit(X_new, y_new)
        # Training succeeded (or was not due): only now does the session change.
        for record in pending:
            record["committed"] = True
        if trains:
            for record in untrained:
                record["trained"] = True
        self.round_ += 1
        self._batch, self._utility, self._history = None, None, []
        if trains and self.X_val is not None:
            score = float(self.learner.score(self.X_val, self.y_val))
            self._scores.append({"n_labels": len(self._records), "score": score})
        self._autosave()
        return self

    def widget(self, *, render=None, columns=None):
        """The session's face in Jupyter: a :class:`~skactive.labeling.LabelingWidget`.

        Parameters
        ----------
        render : callable, default=None
            ``render(row)`` drawing one row (see
            :func:`skactive.labeling.render_row`); default: an image for image
            pools, the text for strings, a table row for tables.
        columns : list of str, default=None
            Column names of a 2-D array pool's rows.

        Returns
        -------
        widget : LabelingWidget
            An ``ipywidgets.VBox``; display it (the last line of a cell).
        """
        from ._widget import LabelingWidget

        return LabelingWidget(self, render=render, columns=columns)

    # ------------------------------------------------------------ save / load

    def save(self, path, *, include_pool=True):
        """Write the session to ``path`` (one file, replaced atomically).

        Parameters
        ----------
        path : str or path
        include_pool : bool, default=True
            Whether to store ``X_pool`` (and the validation set) in the file.
            Without it the file is small and :meth:`load` must be given the
            pool again.
        """
        path = Path(path)
        state = dict(self.__dict__)
        state["_format"] = _FORMAT
        if not include_pool:
            state["X_pool"] = None
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump(state, tmp)
        os.replace(tmp, path)  # atomic: a cut-short save leaves the old file whole

    @classmethod
    def load(cls, path, X_pool=None):
        """A session saved by :meth:`save`, ready to continue.

        Parameters
        ----------
        path : str or path
        X_pool : array-like, default=None
            The pool, needed when the session was saved with
            ``include_pool=False``; it must have as many rows as the saved one.

        Returns
        -------
        session : LabelingSession
        """
        state = joblib.load(path)
        if not isinstance(state, dict) or state.get("_format") != _FORMAT:
            raise ValueError(f"{path} is not a file written by LabelingSession.save.")
        del state["_format"]
        if X_pool is not None:
            if probes.n_rows(X_pool) != state["_n_pool"]:
                raise ValueError(
                    f"X_pool has {probes.n_rows(X_pool)} rows but the saved session's pool "
                    f"had {state['_n_pool']}."
                )
            state["X_pool"] = X_pool
        elif state["X_pool"] is None:
            raise ValueError(
                f"{path} was saved without its pool: pass it, LabelingSession.load(path, X_pool)."
            )
        session = cls.__new__(cls)
        session.__dict__.update(state)
        return session

    def _autosave(self):
        if self.autosave is not None:
            self.save(self.autosave)

    # ------------------------------------------------------------ export

    def to_csv(self, path, **kwargs):
        """Write :attr:`labels_` to a CSV file (``pandas.DataFrame.to_csv``, no index)."""
        self.labels_.to_csv(path, index=False, **kwargs)

    def labeled_set(self, *, committed_only=False):
        """The labelled rows and their labels.

        Parameters
        ----------
        committed_only : bool, default=False
            Leave out the open batch's labels.

        Returns
        -------
        X : same kind as ``X_pool``, n_labeled rows
        y : ndarray of shape (n_labeled,)
        """
        records = [r for r in self._records if r["committed"] or not committed_only]
        idx = np.asarray([r["index"] for r in records], dtype=np.int64)
        return probes.take_rows(self.X_pool, idx), np.asarray([r["label"] for r in records])

    def labeled_frame(self, *, committed_only=False):
        """The labelled set as one DataFrame: :attr:`labels_` beside the rows.

        A DataFrame pool gives its own columns, a table ``x0, x1, ...``, texts
        one column ``text``, images their flattened pixels ``x0, ...``.
        """
        labels = self.labels_
        if committed_only:
            labels = labels[labels["committed"]]
        labels = labels.reset_index(drop=True)
        rows = _content_frame(self.X_pool, labels["index"].to_numpy())
        return pd.concat([labels, rows], axis=1)

    def export_batch(self, path):
        """Write the open batch to a CSV file for an external annotation tool.

        Columns: ``index``, ``id`` (with ``ids``), an empty ``label``, and
        the rows' content where a CSV can hold it — a DataFrame pool's
        columns, a table's ``x0, x1, ...``, a text's ``text``; for images a
        column ``file`` naming PNG files written to the folder
        ``<path stem>_images`` beside the CSV. Fill in ``label`` (empty:
        unanswered, ``skip``: skip the row) and read it back with
        :meth:`import_labels`.

        Returns
        -------
        frame : DataFrame
            What was written.
        """
        batch = self.next_batch()
        if batch.shape[0] == 0:
            raise ValueError("There is no batch to export: the pool or the budget is spent.")
        from ._rendering import image_array, png_bytes, pool_kind

        path = Path(path)
        frame = pd.DataFrame({"index": batch})
        if self.ids is not None:
            frame["id"] = self.ids[batch]
        frame["label"] = ""
        if pool_kind(self.X_pool) == "image":
            folder = path.with_name(path.stem + "_images")
            folder.mkdir(parents=True, exist_ok=True)
            files = []
            for i in batch:
                name = f"row{i}.png"
                rows = probes.take_rows(self.X_pool, [i])
                (folder / name).write_bytes(png_bytes(image_array(rows[0])))
                files.append(f"{folder.name}/{name}")
            frame["file"] = files
        else:
            frame = pd.concat([frame, _content_frame(self.X_pool, batch)], axis=1)
        frame.to_csv(path, index=False)
        return frame

    def import_labels(self, path_or_frame):
        """Label the open batch from a CSV file (or DataFrame) of an annotation tool.

        The file needs a column ``label`` and a column ``index`` (position in
        ``X_pool``) or ``id`` (with ``ids``). Rows with an empty label are
        left unanswered; a label ``"skip"`` (when it is not a class) skips
        the row. Labels are matched to :attr:`classes_` by their text, so
        ``"3"`` read from a CSV labels class ``3``. Every row is checked
        before any is applied: on a bad row nothing changes.

        Returns
        -------
        n : int
            Number of rows labelled or skipped.
        """
        if isinstance(path_or_frame, pd.DataFrame):
            frame = path_or_frame
        else:
            frame = pd.read_csv(path_or_frame, dtype=str, keep_default_na=False)
        if "label" not in frame.columns:
            raise ValueError("The annotations need a column 'label'.")
        if "index" in frame.columns:
            keys = [int(k) for k in frame["index"]]
        elif "id" in frame.columns and self.ids is not None:
            where = {str(_plain(v)): i for i, v in enumerate(self.ids)}
            unknown = [k for k in frame["id"] if str(k) not in where]
            if unknown:
                raise ValueError(f"ids {unknown[:5]} are not in the session's ids.")
            keys = [where[str(k)] for k in frame["id"]]
        else:
            raise ValueError("The annotations need a column 'index' (or 'id' with ids=).")
        classes = self.classes_
        by_text = None if classes is None else {str(c): c for c in classes}
        actions = []
        for key, value in zip(keys, frame["label"], strict=True):
            if isinstance(value, float) and np.isnan(value) or str(value).strip() == "":
                continue
            self._check_in_batch(key)
            text = str(value).strip()
            if by_text is not None and text in by_text:
                actions.append((key, by_text[text]))
            elif text == "skip":
                actions.append((key, None))
            elif by_text is None:
                actions.append((key, self._check_label(value)))
            else:
                raise ValueError(
                    f"Label {text!r} of row {key} is not one of the classes {classes}."
                )
        autosave, self.autosave = self.autosave, None
        try:
            for key, y in actions:
                self.skip(key) if y is None else self.label(key, y)
        finally:
            self.autosave = autosave
        self._autosave()
        return len(actions)


def _content_frame(X, indices):
    """Rows ``indices`` of ``X`` as a DataFrame (index 0..n-1)."""
    rows = probes.take_rows(X, indices)
    if hasattr(rows, "iloc"):
        return rows.reset_index(drop=True)
    if isinstance(rows, dict):
        parts = {}
        for key, value in rows.items():
            flat = np.asarray(value).reshape(len(indices), -1)
            for j in range(flat.shape[1]):
                parts[f"{key}{j}"] = flat[:, j]
        return pd.DataFrame(parts)
    array = np.asarray(rows) if not probes.is_dataset(rows) else None
    if array is None:
        return pd.DataFrame(index=range(len(indices)))
    if array.dtype.kind in "USO" and array.ndim == 1:
        return pd.DataFrame({"text": array})
    flat = array.reshape(len(indices), -1)
    return pd.DataFrame(flat, columns=[f"x{j}" for j in range(flat.shape[1])])
