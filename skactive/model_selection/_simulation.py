"""One simulated pool-based active-learning experiment, labels as the oracle.

:class:`ActiveLearningSimulation` records each round as it completes, so that
a run can be stopped, saved and continued. Its rounds are played by the one
round engine, :mod:`skactive._rounds`, the engine ``ActiveLearner.fit`` uses
with ``initial_size``.
"""

import copy
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import check_scoring

from .._rollback import restored_on_failure
from .._rounds import fit_seed_set, play_round
from .._rounds import resolve_size as _resolve_size  # noqa: F401 (imported from here)
from .._rounds import schedule as _schedule  # noqa: F401
from ..probes import n_rows, take_rows
from ._setup import (  # noqa: F401 (_check_learner, check_rows_and_labels: imported from here)
    SIMULATION_COLUMNS,
    _check_learner,
    _fingerprint,
    check_rows_and_labels,
    draw_initial_set,
    prepare,
)

__all__ = ["ActiveLearningSimulation", "draw_initial_set"]


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
        learner, initial, sizes = prepare(
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
        fit_time = fit_seed_set(learner.fit, X, y, initial)
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
        costs = getattr(self, "_costs", None)
        spent = self._extra[-1].get("cost", 0.0) if costs is not None else 0.0
        criteria = copy.deepcopy(getattr(self, "stopping_", []))
        # teach only commits once training succeeded, by replacing attributes:
        # a shallow copy restores them. The query strategy may change its own
        # state in place (ALBL's bandit): it is copied in full.
        with restored_on_failure(learner, deep=("query_strategy_",)):
            played = play_round(
                X,
                y,
                pool,
                n,
                query=lambda X_pool, n: self._query(learner, X_pool, n, costs, pool, spent),
                teach=learner.teach,
            )
            score = float(scorer(learner, X_test, y_test))
            left, picked = played.pool, played.picked
            if costs is not None:
                spent += float(costs[picked].sum())
            extra = _extra_columns(criteria, costs, learner, take_rows(X, left), spent)
        n_labeled = self._rows[-1][1] + picked.shape[0]
        row = (round_, n_labeled, score, played.query_time, played.fit_time, picked)
        self._commit(
            pool_indices_=left,
            n_rounds_=round_,
            finished_=round_ == self.schedule_.shape[0]
            or _budget_spent(costs, self.cost_budget, spent, left),
            stopping_=criteria,
            _rows=self._rows + [row],
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
