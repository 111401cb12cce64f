"""One simulated pool-based active-learning experiment, labels as the oracle."""

import copy
import time
from numbers import Integral, Real

import joblib
import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import check_random_state

from ..probes import is_dataset, n_rows, take_rows

__all__ = ["ActiveLearningSimulation", "draw_initial_set", "simulate_active_learning"]

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
    stopping=None,
    costs=None,
    cost_budget=None,
    cost_aware=True,
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
    stopping : list or dict of stopping criteria, default=None
        Criteria of :mod:`skactive.stopping` (objects or names of
        ``STOPPING_ALIASES``), or a dict ``{name: criterion}``. Each is
        cloned and asked ``should_stop(learner, X_pool)`` after the seed set
        and after every round; its answers are the column ``stop:<name>``.
        The run does not stop: it goes on to the budget, so that the point
        where each criterion fired can be judged
        (:func:`~skactive.model_selection.stopping_report`).
    costs : array-like of shape (n_train,), default=None
        The annotation cost of each training row. The column ``cost`` then
        records the cumulative cost of the queried rows (the seed set not
        counted: every strategy starts from the same one), and queries are
        cost-aware if ``cost_aware``.
    cost_budget : float, default=None
        With ``costs``: the total cost the queried rows may reach; each round
        queries at most ``query_size`` rows within what is left, and the run
        ends when no pool row fits. ``n_rounds`` and ``budget`` may then be
        left out (the pool bounds the run).
    cost_aware : bool, default=True
        With ``costs``: True passes them to ``learner.query`` (rows by
        utility per unit cost); False queries cost-blind and only cuts the
        batch to the budget (the strategy's rows in its order, skipping those
        that do not fit), the baseline of a cost-aware comparison.

    Returns
    -------
    results : pandas.DataFrame of shape (n_rounds_done + 1, 6 + n_extra)
        One row per round, round 0 being the seed set: ``round``,
        ``n_labeled`` (labelled rows after the round), ``score`` (test score),
        ``query_time`` and ``fit_time`` (seconds; no query in round 0),
        ``queried`` (ndarray of the indices into ``X`` labelled in that round,
        in selection order; the seed set in round 0); with ``costs``,
        ``cost``; with ``stopping``, one boolean ``stop:<name>`` per criterion.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, with the interrupted experiment attached as its
        ``simulation`` attribute: ``error.simulation.results_`` holds every
        completed round and ``error.simulation.run(X, y, X_test, y_test)``
        continues from them to the results of an uninterrupted run.

    See Also
    --------
    ActiveLearningSimulation : the same experiment as an object that can be
        stopped, saved and continued (e.g. checkpointed after each round).
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
    simulation = ActiveLearningSimulation(
        learner,
        initial_size=initial_size,
        per_class=per_class,
        initial_indices=initial_indices,
        query_size=query_size,
        n_rounds=n_rounds,
        budget=budget,
        scoring=scoring,
        random_state=random_state,
        stopping=stopping,
        costs=costs,
        cost_budget=cost_budget,
        cost_aware=cost_aware,
    )
    try:
        simulation.run(X, y, X_test, y_test)
    except KeyboardInterrupt as error:
        error.simulation = simulation
        if hasattr(error, "add_note"):  # Python 3.11+
            error.add_note(
                "The rounds completed before the interrupt are in error.simulation.results_; "
                "error.simulation.run(X, y, X_test, y_test) continues from them."
            )
        raise
    return simulation.results_


class ActiveLearningSimulation(BaseEstimator):
    """A simulated active-learning experiment that can be stopped and continued.

    The object form of :func:`simulate_active_learning`, for long runs:
    :meth:`run` executes the rounds still to do and records each one as soon
    as it completes. If a round is interrupted (Ctrl-C, an error, a killed
    job after a checkpoint) the completed rounds stay in ``results_`` and the
    interrupted one leaves no trace, so calling :meth:`run` again, in the
    same process or after the object was pickled (or ``joblib.dump``-ed) and
    loaded in a new one, continues from the last completed round. The final
    results are those of a run that never stopped (the times aside).

    Parameters
    ----------
    learner : ActiveLearner
        The learner to simulate, with its query strategy. It is cloned, not
        modified; the clone is ``learner_``.
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
        ``n_train``.
    n_rounds : int, default=None
        Number of rounds. The last round is cut short if the pool runs out.
    budget : int or float, default=None
        Final number of labelled rows (seed set included), or a fraction in
        (0, 1] of ``n_train``. Exactly one of ``n_rounds`` and ``budget`` is
        given.
    scoring : str or callable, default=None
        A scikit-learn scorer name or a callable ``scorer(estimator, X, y)``;
        None uses ``learner.score``. A callable must be picklable for the
        simulation to be.
    random_state : int, RandomState instance or None, default=None
        Resolved once, when the simulation starts, into the seed of the seed
        set and the learner's ``random_state``.
    stopping, costs, cost_budget, cost_aware
        As in :func:`simulate_active_learning`.

    Attributes
    ----------
    learner_ : ActiveLearner
        The clone of ``learner``, fitted on the seed set and the rows of every
        completed round.
    initial_indices_ : ndarray of shape (n_initial,)
        The seed set, as indices into ``X``.
    schedule_ : ndarray of shape (n_planned_rounds,)
        Rows to query in each round after the seed set, fixed when the
        simulation starts.
    pool_indices_ : ndarray of shape (n_pool,)
        Indices into ``X`` of the rows still unlabelled, sorted.
    n_rounds_ : int
        Query rounds completed (the seed set not counted).
    finished_ : bool
        Whether every planned round is completed.
    results_ : pandas.DataFrame of shape (`n_rounds_` + 1, 6)
        One row per completed round, round 0 being the seed set, with the
        columns of :func:`simulate_active_learning`: ``round``,
        ``n_labeled``, ``score``, ``query_time``, ``fit_time``, ``queried``.

    See Also
    --------
    simulate_active_learning : the same experiment in one call.

    Notes
    -----
    Parameters are read when the simulation starts (the first :meth:`run`);
    to start over, use ``sklearn.base.clone(simulation)``. The data are not
    stored: give :meth:`run` the same ``X, y, X_test, y_test`` each time (it
    checks). A round commits only once it has queried, taught the learner
    and been scored; if it fails, the learner (its query strategy's state
    included, e.g. ALBL's bandit) is put back as it was before the round.

    Examples
    --------
    >>> import joblib, torch
    >>> from skorch import NeuralNetClassifier
    >>> from sklearn.datasets import load_iris
    >>> from skactive import ActiveLearner
    >>> from skactive.nets import MLP
    >>> from skactive.model_selection import ActiveLearningSimulation
    >>> X, y = load_iris(return_X_y=True)
    >>> net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=5,
    ...                           train_split=None, verbose=0)
    >>> sim = ActiveLearningSimulation(ActiveLearner(net, query_strategy="margin"),
    ...                                per_class=2, query_size=5, n_rounds=3, random_state=0)
    >>> sim = sim.run(X[::2], y[::2], X[1::2], y[1::2], max_rounds=1)  # seed set, round 1
    >>> sim.results_["n_labeled"].tolist()
    [6, 11]
    >>> sim = sim.run(X[::2], y[::2], X[1::2], y[1::2])  # the rest; also after a Ctrl-C
    >>> sim.results_["n_labeled"].tolist(), sim.finished_
    ([6, 11, 16, 21], True)

    A checkpoint after every round, to continue in a new process if this one
    dies: ``while not sim.run(X, y, X_test, y_test, max_rounds=1).finished_:
    joblib.dump(sim, "simulation.joblib")``, then ``joblib.load`` it and
    call :meth:`run` again.
    """

    def __init__(
        self,
        learner,
        *,
        initial_size=None,
        per_class=None,
        initial_indices=None,
        query_size=10,
        n_rounds=None,
        budget=None,
        scoring=None,
        random_state=None,
        stopping=None,
        costs=None,
        cost_budget=None,
        cost_aware=True,
    ):
        self.learner = learner
        self.initial_size = initial_size
        self.per_class = per_class
        self.initial_indices = initial_indices
        self.query_size = query_size
        self.n_rounds = n_rounds
        self.budget = budget
        self.scoring = scoring
        self.random_state = random_state
        self.stopping = stopping
        self.costs = costs
        self.cost_budget = cost_budget
        self.cost_aware = cost_aware

    def run(self, X, y, X_test, y_test, *, max_rounds=None):
        """Run the rounds still to do, or at most ``max_rounds`` of them.

        The first call starts the simulation: it draws the seed set, fits
        the learner on it and scores it (round 0). Each later round queries
        the pool, teaches the learner the queried rows' labels and scores
        it, and is recorded in ``results_`` only once all of that succeeded.
        On a finished simulation it does nothing.

        Parameters
        ----------
        X : array-like of shape (n_train, n_features)
            Training rows: the seed set and the pool.
        y : array-like of shape (n_train,) or (n_train, n_targets)
            Their labels, revealed as rows are queried.
        X_test : array-like of shape (n_test, n_features)
        y_test : array-like of shape (n_test,) or (n_test, n_targets)
            The test set scored after the seed set and after each round.
            The same four arrays must be given to every call.
        max_rounds : int, default=None
            Run at most this many query rounds in this call (the seed set
            not counted), e.g. 1 to checkpoint after each round; None runs
            them all.

        Returns
        -------
        self : ActiveLearningSimulation
            With ``results_`` holding every completed round.

        Raises
        ------
        KeyboardInterrupt, Exception
            Whatever interrupted a round; the rounds completed before it are
            kept and the next call continues from them.
        """
        if max_rounds is not None and (
            isinstance(max_rounds, bool) or not isinstance(max_rounds, Integral) or max_rounds < 0
        ):
            raise ValueError(
                f"max_rounds must be a non-negative integer or None, got {max_rounds!r}."
            )
        if not hasattr(self, "results_"):
            self._start(X, y, X_test, y_test)
        elif _fingerprint(X, y, X_test, y_test) != self._data_key:
            raise ValueError(
                "X, y, X_test and y_test differ from those this simulation started with; "
                "give the same data to continue it, or clone the simulation to start anew."
            )
        y = np.asarray(y)
        scorer = check_scoring(self.learner_, scoring=self.scoring)
        done = 0
        while not self.finished_ and (max_rounds is None or done < max_rounds):
            self._run_round(X, y, X_test, np.asarray(y_test), scorer)
            done += 1
        return self

    def _start(self, X, y, X_test, y_test):
        """Draw and fit the seed set (round 0); commit only if it all succeeds."""
        from ._stopping import check_simulation_costs, named_criteria

        criteria = named_criteria(self.stopping)
        costs = check_simulation_costs(self.costs, self.cost_budget, n_rows(X))
        n_rounds, budget = self.n_rounds, self.budget
        if costs is not None and self.cost_budget is not None and n_rounds is None:
            budget = n_rows(X) if budget is None else budget  # the pool bounds the run
        learner, initial, sizes = _prepare(
            self.learner,
            X,
            y,
            X_test,
            y_test,
            initial_size=self.initial_size,
            per_class=self.per_class,
            initial_indices=self.initial_indices,
            query_size=self.query_size,
            n_rounds=n_rounds,
            budget=budget,
            scoring=self.scoring,
            random_state=self.random_state,
        )
        data_key = _fingerprint(X, y, X_test, y_test)
        y, y_test = np.asarray(y), np.asarray(y_test)
        scorer = check_scoring(learner, scoring=self.scoring)
        start = time.perf_counter()
        learner.fit(take_rows(X, initial), y[initial])
        fit_time = time.perf_counter() - start
        row = (0, initial.shape[0], float(scorer(learner, X_test, y_test)), 0.0, fit_time, initial)
        pool = np.setdiff1d(np.arange(n_rows(X)), initial)
        criteria = [(name, _seeded(clone(c), learner.random_state)) for name, c in criteria]
        extra = _extra_columns(criteria, costs, learner, take_rows(X, pool), 0.0)
        self._commit(
            learner_=learner,
            initial_indices_=initial,
            schedule_=np.asarray(sizes, dtype=np.int64),
            pool_indices_=pool,
            n_rounds_=0,
            finished_=len(sizes) == 0 or _budget_spent(costs, self.cost_budget, 0.0, pool),
            stopping_=criteria,
            _costs=costs,
            _data_key=data_key,
            _rows=[row],
            _extra=[extra],
        )

    def _run_round(self, X, y, X_test, y_test, scorer):
        """Query, teach, score one round; on any failure put the learner back."""
        learner, pool = self.learner_, self.pool_indices_
        round_ = self.n_rounds_ + 1
        n = int(self.schedule_[round_ - 1])
        # teach only commits once training succeeded, by replacing attributes:
        # a shallow copy restores them. The query strategy may change its own
        # state in place (ALBL's bandit): it is copied in full.
        saved = dict(learner.__dict__)
        saved["query_strategy_"] = copy.deepcopy(learner.query_strategy_)
        costs = getattr(self, "_costs", None)
        spent = self._extra[-1].get("cost", 0.0) if costs is not None else 0.0
        criteria = copy.deepcopy(getattr(self, "stopping_", []))
        try:
            start = time.perf_counter()
            picked = pool[self._query(learner, take_rows(X, pool), n, costs, pool, spent)]
            query_time = time.perf_counter() - start
            start = time.perf_counter()
            learner.teach(take_rows(X, picked), y[picked])
            fit_time = time.perf_counter() - start
            score = float(scorer(learner, X_test, y_test))
            left = np.setdiff1d(pool, picked)
            if costs is not None:
                spent += float(costs[picked].sum())
            extra = _extra_columns(criteria, costs, learner, take_rows(X, left), spent)
        except BaseException:
            added = learner.__dict__.keys() - saved.keys()
            learner.__dict__.update(saved)
            for key in added:
                del learner.__dict__[key]
            raise
        n_labeled = self._rows[-1][1] + picked.shape[0]
        self._commit(
            pool_indices_=left,
            n_rounds_=round_,
            finished_=round_ == self.schedule_.shape[0]
            or _budget_spent(costs, self.cost_budget, spent, left),
            stopping_=criteria,
            _rows=self._rows + [(round_, n_labeled, score, query_time, fit_time, picked)],
            _extra=self._extra + [extra],
        )

    def _query(self, learner, X_pool, n, costs, pool, spent):
        """The round's query: plain, cost-aware, or cost-blind cut to the budget."""
        if costs is None:
            return learner.query(X_pool, n)
        from ..kernels import greedy_within_budget

        left = None if self.cost_budget is None else self.cost_budget - spent
        if self.cost_aware:
            return learner.query(X_pool, n, costs=costs[pool], max_cost=left)
        picked = learner.query(X_pool, n)
        if left is None or costs[pool[picked]].sum() <= left:
            return picked
        # The budget binds: the strategy's whole ranking, cut to what fits.
        order = learner.query(X_pool, pool.shape[0])
        return greedy_within_budget(order, costs[pool], n, left)

    def _commit(self, **attributes):
        """Record a completed round: the table is built first, then one update."""
        import pandas as pd

        results = pd.DataFrame(attributes["_rows"], columns=SIMULATION_COLUMNS)
        extra = attributes.get("_extra", getattr(self, "_extra", None))
        if extra and extra[0]:
            results = pd.concat([results, pd.DataFrame(extra)], axis=1)
        attributes["results_"] = results
        # A single dict update: an interrupt lands before or after it, never inside.
        self.__dict__.update(attributes)


def _extra_columns(criteria, costs, learner, X_pool, spent):
    """The round's ``cost`` and ``stop:<name>`` columns (criteria are updated in place)."""
    extra = {} if costs is None else {"cost": spent}
    empty = n_rows(X_pool) == 0
    for name, criterion in criteria:
        # An exhausted pool ends the run: a criterion reading it has nothing to say.
        extra[f"stop:{name}"] = False if empty else bool(criterion.should_stop(learner, X_pool))
    return extra


def _seeded(criterion, seed):
    """A criterion whose unset random_state (a stop-set draw) follows the simulation's seed."""
    if criterion.get_params().get("random_state", 0) is None:
        criterion.set_params(random_state=seed)
    return criterion


def _budget_spent(costs, cost_budget, spent, pool):
    """Whether no pool row fits in what is left of the cost budget."""
    if costs is None or cost_budget is None:
        return False
    return pool.shape[0] == 0 or costs[pool].min() > cost_budget - spent


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


def _prepare(
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
