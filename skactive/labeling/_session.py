"""LabelingSession: the labelling loop with a person as the oracle.

The class is spread over three modules: this one holds its constructor and
the labelling loop (``next_batch``, ``label``, ``skip``, ``undo``,
``commit``); :mod:`._state` its state properties and queries, and
:mod:`._files` saving, loading and the CSV exchange with annotation tools,
bound here as methods. This module stays a little over 400 lines: the class
docstring, the user's guide to the loop, is a quarter of it.
"""

import inspect

import numpy as np
from sklearn.utils import check_random_state

from .. import probes
from ..strategies import Random
from . import _files, _state
from ._state import _check_arguments, _is_int, _plain

__all__ = ["LabelingSession"]


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
        n_pool, ids, classes = _check_arguments(
            learner,
            X_pool,
            batch_size=batch_size,
            ids=ids,
            classes=classes,
            cold_start=cold_start,
            budget=budget,
            stopping=stopping,
            X_val=X_val,
            y_val=y_val,
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

    classes_ = property(_state.classes_)
    is_fitted = property(_state.is_fitted)
    labels_ = property(_state.labels_)
    skipped_ = property(_state.skipped_)
    scores_ = property(_state.scores_)
    batch_ = property(_state.batch_)
    utility_ = property(_state.utility_)
    _labeled = _state._labeled
    _remaining = _state._remaining
    _pending = _state._pending
    unanswered = _state.unanswered
    current = _state.current
    progress = _state.progress
    should_stop = _state.should_stop
    __repr__ = _state._repr

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
        previous = self._labeled().get(index)
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
        previous = self._labeled().get(index)
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
        labeled = self._labeled()
        if action == "relabel":
            labeled[index]["label"] = before
        elif action == "label":
            self._records.remove(labeled[index])
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

    # ------------------------------------------------------------ save / load / export

    save = _files.save
    load = classmethod(_files.load)
    _autosave = _files._autosave
    to_csv = _files.to_csv
    labeled_set = _files.labeled_set
    labeled_frame = _files.labeled_frame
    export_batch = _files.export_batch
    import_labels = _files.import_labels
