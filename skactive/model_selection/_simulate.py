"""Simulated active learning in one call: :func:`simulate_active_learning`."""

from ._simulation import ActiveLearningSimulation

__all__ = ["simulate_active_learning"]


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
