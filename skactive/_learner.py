"""ActiveLearner: a scikit-learn meta-estimator that adds pool-based active
learning to a skorch network.

The learner keeps the labelled set, retrains the wrapped network on it, and
asks its query strategy which rows of an unlabelled pool to label next::

    learner.fit(X_seed, y_seed)             # train on the labelled seed set
    idx = learner.query(X_pool, n=20)       # indices into X_pool
    learner.teach(X_pool[idx], y_new)       # append the labels and retrain

With ``initial_size`` set, ``fit(X, y)`` instead runs a simulated active
learning loop in which ``y`` plays the oracle, so that model selection tools
such as ``GridSearchCV`` can compare query strategies at a fixed labelling
budget.

This module is the public face: parameters, validation at the boundary and
the estimator API. Beside it: :mod:`skactive._input` (validating rows),
:mod:`skactive._targets` (classifier and regressor targets),
:mod:`skactive._network` (driving skorch), :mod:`skactive._rounds` (the
round engine of a simulation), :mod:`skactive._querying` (calling the
strategy and checking its answer), :mod:`skactive._seeds` and
:mod:`skactive._rollback`.

At some 690 lines this module is over the ~400 of the others: about 330 of
them are the numpydoc docstrings of the class and its public methods (the
reference documentation of the estimator); the code left is the boundary
and the estimator API.
"""

import inspect
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import ClassifierTags, RegressorTags, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from . import _modal, _querying, _rounds, probes
from ._compatibility import check_compatibility
from ._input import (
    _check_n,
    _concat_rows,
    _is_empty,
    _keep_index,
    _series_as_row,
    labels_of,
    validate_X,
)
from ._input import network_input as _network_input
from ._network import check_task, network_of, task_of, train
from ._rollback import restored_on_failure
from ._seeds import QUERY, SIMULATION, TRAIN, base_seed, derive_seed
from ._targets import target_handler
from .probes import _device
from .strategies import STRATEGY_ALIASES, CallableStrategy, _distributed

__all__ = ["ActiveLearner"]


def _estimator_has(attr):
    """available_if check: the wrapped network has ``attr``."""

    def check(self):
        return hasattr(network_of(self.estimator), attr)

    return check


def _is_classifier_learner(self):
    return task_of(self.estimator) == "classifier"


class ActiveLearner(MetaEstimatorMixin, BaseEstimator):
    """Pool-based active learning around a skorch network.

    ``ActiveLearner`` wraps a skorch ``NeuralNetClassifier`` or
    ``NeuralNetRegressor`` (or a :class:`~sklearn.pipeline.Pipeline` whose
    last step is one), keeps the labelled set, and adds :meth:`query` and
    :meth:`teach` to the usual ``fit`` / ``predict`` / ``score``. It is a
    classifier or a regressor according to the wrapped net
    (``sklearn.base.is_classifier`` follows it), so ``score`` is accuracy or
    R², and cross-validation stratifies when it should.

    Parameters
    ----------
    estimator : skorch net or Pipeline
        A skorch ``NeuralNetClassifier`` or ``NeuralNetRegressor``, or a
        ``Pipeline`` ending in one. It is cloned in :meth:`fit`. If its
        ``module`` is a class accepting ``n_features_in``, ``input_shape``
        or ``n_outputs`` (as :class:`skactive.nets.MLP` and
        :class:`skactive.nets.CNN` do), they are set from the data; see
        :mod:`skactive.nets` for the convention. A plain net takes every
        input skorch takes: a table, an array or tensor of rows of any
        shape (images ``(n, C, H, W)``), a dict of such arrays (passed to
        the module as keyword arguments) or a map-style torch ``Dataset``
        with items ``x`` or ``(x, y)``.
    query_strategy : str, strategy object or callable, default="entropy"
        Which rows :meth:`query` asks for: a strategy object (see
        :mod:`skactive.strategies`), one of the aliases of
        ``skactive.strategies.STRATEGY_ALIASES`` (``"random"``,
        ``"least_confidence"``, ``"margin"``, ``"entropy"``), or a function
        ``f(learner, X_pool, n)`` returning indices. Uncertainty strategies,
        the default included, need a classifier; use ``"random"`` or another
        regression strategy with a regressor.
    classes : array-like of shape (n_classes,), default=None
        Every class the labels may take, declared up front. The network's
        output then has one unit per declared class from the start, so a
        class absent from the seed set can arrive later through
        :meth:`teach`. If None, the classes are those present in ``y`` at
        :meth:`fit` and a label outside them is refused by :meth:`teach`.
        Ignored by regressors.
    warm_start : bool, default=False
        If False, :meth:`teach` retrains a fresh network from scratch on the
        whole labelled set. If True, it continues training the current
        network (skorch's ``partial_fit``) on the whole labelled set, and the
        preprocessing steps of a Pipeline are kept as fitted by :meth:`fit`.
    pool_batch_size : int, default=1024
        Number of pool rows pushed through the network at once by
        :meth:`query`, :meth:`predict` and :meth:`predict_proba`. It bounds
        memory on large pools and does not change any result.
    initial_size : int, float or None, default=None
        Simulated active learning in :meth:`fit` (off by default). If set,
        ``fit(X, y)`` draws a random seed set of this size (a fraction of
        ``len(X)`` if a float in (0, 1)), trains on it, then runs
        ``n_rounds`` rounds of ``query`` + ``teach`` over the remaining rows
        with ``y`` as the oracle. The fitted model is the one trained on the
        rows it queried, so ``GridSearchCV`` over ``query_strategy`` compares
        strategies at a fixed labelling budget.
    query_size : int or float, default=10
        Rows queried per simulated round (a fraction of ``len(X)`` if a
        float in (0, 1)). Used only when ``initial_size`` is set.
    n_rounds : int, default=10
        Number of simulated rounds. The simulation stops early when the pool
        is exhausted. Used only when ``initial_size`` is set.
    random_state : int, RandomState instance or None, default=None
        Controls every random choice: network initialisation and training
        (torch is seeded from it), the queries of the strategy, and the seed
        set of a simulation. Resolved once per :meth:`fit` into a base seed;
        each later training and query derives its seed from the base seed and
        the round number, so :meth:`query` returns the same indices when
        called twice on the same pool.

    Attributes
    ----------
    estimator_ : skorch net or Pipeline
        The fitted clone of ``estimator``.
    network_ : skorch net
        The fitted skorch net (``estimator_`` or its last step).
    query_strategy_ : QueryStrategy
        The strategy object used by :meth:`query` (a clone of
        ``query_strategy``, the strategy named by an alias, or a wrapper
        around a function). Stateful strategies keep their state here.
    classes_ : ndarray of shape (n_classes,)
        Class labels (classifiers only).
    X_labeled_ : ndarray, DataFrame, dict of ndarrays or Dataset
        Every labelled row, in the order it was given, of the kind ``fit``
        was given: a ``float32`` array of shape (n_labeled, ...) for a
        plain net (a dict of arrays for a dict input, floating entries as
        ``float32``); a ``ConcatDataset`` of ``Subset`` views of the given
        Datasets (indices, nothing copied); as given for a Pipeline
        estimator. Rows given as a DataFrame stay a DataFrame with the
        caller's index, so ``X_labeled_.index`` holds the labelled rows'
        original ids (rows taught as an array have none: the index is then
        renumbered).
    y_labeled_ : ndarray of shape (n_labeled,) or (n_labeled, n_targets)
        The labels of ``X_labeled_``, as given (not encoded).
    labeled_rounds_ : ndarray of shape (n_labeled,)
        Round in which each labelled row arrived: 0 for :meth:`fit` (or the
        simulation's seed set), ``r`` for the ``r``-th :meth:`teach`.
    n_rounds_ : int
        Number of :meth:`teach` calls since :meth:`fit`, simulated rounds
        included.
    initial_indices_ : ndarray of shape (n_initial,)
        Simulation only: indices into ``fit``'s ``X`` of the seed set.
    queried_indices_ : list of ndarray
        Simulation only: for each round, the indices into ``fit``'s ``X`` of
        the rows queried, in selection order.
    validation_scores_ : ndarray of shape (`n_rounds_` + 1,)
        Simulation with ``X_val``, ``y_val`` only: :meth:`score` on the
        validation set after the seed set and after each round.
    input_shape_ : tuple or dict
        The shape of one row seen during :meth:`fit` (``(n_features,)``
        for a table, ``(C, H, W)`` for images, the item shape of a Dataset,
        one shape per key of a dict input); later calls must give rows of
        this shape.
    n_features_in_ : int
        Number of features seen during :meth:`fit`, for a table.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when ``X`` has string
        column names.

    See Also
    --------
    skactive.strategies : the query strategies.
    sklearn.semi_supervised.SelfTrainingClassifier : a meta-estimator that
        also grows a labelled set, by pseudo-labelling.

    Examples
    --------
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from sklearn.datasets import load_iris
    >>> from skactive import ActiveLearner
    >>> from skactive.nets import MLP
    >>> X, y = load_iris(return_X_y=True)
    >>> net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=20, lr=0.1, train_split=None, verbose=0)
    >>> learner = ActiveLearner(net, query_strategy="margin", random_state=0)
    >>> learner = learner.fit(X[::10], y[::10])
    >>> idx = learner.query(X, n=5)
    >>> learner = learner.teach(X[idx], y[idx])
    >>> learner.X_labeled_.shape
    (20, 4)
    """

    def __new__(cls, *args, **kwargs):
        _modal.check_init_keywords(kwargs)  # modAL's X_training= / y_training=
        return super().__new__(cls)

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "query_strategy": [StrOptions(set(STRATEGY_ALIASES)), HasMethods(["query"]), callable],
        "classes": ["array-like", None],
        "warm_start": ["boolean"],
        "pool_batch_size": [Interval(Integral, 1, None, closed="left")],
        "initial_size": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "query_size": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
        ],
        "n_rounds": [Interval(Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        query_strategy="entropy",
        *,
        classes=None,
        warm_start=False,
        pool_batch_size=1024,
        initial_size=None,
        query_size=10,
        n_rounds=10,
        random_state=None,
    ):
        self.estimator = estimator
        self.query_strategy = query_strategy
        self.classes = classes
        self.warm_start = warm_start
        self.pool_batch_size = pool_batch_size
        self.initial_size = initial_size
        self.query_size = query_size
        self.n_rounds = n_rounds
        self.random_state = random_state

    # The constructor's signature is __init__'s (inspect.signature(ActiveLearner)).
    __new__.__signature__ = inspect.signature(__init__)

    # ------------------------------------------------------------------ tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        task = task_of(self.estimator)
        if task == "classifier":
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags(multi_class=True, multi_label=False)
        elif task == "regressor":
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
            tags.target_tags.multi_output = True
        tags.target_tags.required = True
        tags.input_tags.sparse = False
        if isinstance(self.estimator, Pipeline):
            # What raw input is accepted (strings, NaN, categories) is the
            # business of the Pipeline's preprocessing steps.
            inner = get_tags(self.estimator).input_tags
            tags.input_tags.allow_nan = inner.allow_nan
            tags.input_tags.string = inner.string
            tags.input_tags.categorical = inner.categorical
        return tags

    # ------------------------------------------------------------ properties

    @property
    def network_(self):
        """The fitted skorch net (``estimator_`` or its last step)."""
        check_is_fitted(self, "estimator_")
        return network_of(self.estimator_)

    # ------------------------------------------------------------ validation

    def _task(self):
        return check_task(self.estimator)

    def _validate_X(self, X, *, reset, copy=False, name="X"):
        """Validate rows at the boundary (see :func:`skactive._input.validate_X`)."""
        return validate_X(self, X, reset=reset, copy=copy, name=name)

    def _validate_y(self, targets, y, n_samples):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        return targets.validate(y, n_samples)

    def _network_input(self, X):
        """Validated rows as the network sees them (a Pipeline's steps applied)."""
        return _network_input(self.estimator_, X)

    def network_input(self, X):
        """Validate ``X`` and return it as the network sees it.

        For a plain net, the validated input: a table as a ``float32``
        array, rows of another shape as a numeric array (a pool is not
        copied: the probes convert each chunk to ``float32``), a dict of
        arrays, a Dataset as given; for a Pipeline estimator, the output of
        its preprocessing steps as ``float32``. Strategies use it to bring
        the labelled rows into network space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...), dict or Dataset

        Returns
        -------
        X_net : ndarray of shape (n_samples, n_features_net) or (n_samples, ...), dict or Dataset
        """
        check_is_fitted(self, "estimator_")
        return self._network_input(self._validate_X(X, reset=False))

    # -------------------------------------------------------------- training

    def _seed(self, purpose, round_=None):
        round_ = self.n_rounds_ if round_ is None else round_
        return derive_seed(self._base_seed, round_, purpose)

    def _train(self, X, y, seed):
        """Train on (X, y) and return the fitted estimator; self is not touched.

        From scratch (a fresh clone of ``estimator``) unless ``warm_start`` and
        a fitted estimator exist, in which case a copy of the current one is
        trained further (:func:`skactive._network.train`).
        """
        warm = self.warm_start and hasattr(self, "estimator_")
        targets = self._target_handler_
        return train(
            self.estimator_ if warm else self.estimator,
            X,
            y,
            targets.encode(y, self),
            seed,
            warm=warm,
            n_outputs=targets.n_outputs(y, self),
            net_params=targets.net_params(self),
        )

    def _resolve_strategy(self):
        strategy = self.query_strategy
        if isinstance(strategy, str):
            return STRATEGY_ALIASES[strategy]()
        if hasattr(strategy, "query"):
            return clone(strategy)
        return CallableStrategy(strategy)

    # ------------------------------------------------------------ public API

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, *, X_val=None, y_val=None):
        """Train the network on a labelled set, or simulate active learning.

        Without ``initial_size``, every row of ``X`` is a labelled row and
        the network is trained on all of them. With ``initial_size`` set,
        ``y`` is the oracle of a simulated active-learning run (see the class
        docstring) and only the seed set and the queried rows are labelled.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...), dict or Dataset
            Training rows (a DataFrame is accepted; a Pipeline estimator
            receives it as given): a table, rows of any shape (images), a
            dict of arrays or a map-style torch Dataset.
        y : array-like of shape (n_samples,) or (n_samples, n_targets), default=None
            Their labels. Every value is a real label: there is no marker for
            "unlabelled"; the pool is what :meth:`query` is given. Only a
            Dataset of ``(x, y)`` items may leave it out: the labels are
            then read from the items (one pass over the Dataset).
        X_val, y_val : array-like, default=None
            Simulation only: a validation set scored after every round,
            recorded in ``validation_scores_``.

        Returns
        -------
        self : ActiveLearner
            The fitted learner.
        """

        # A fit that fails (bad input, diverging training, Ctrl-C) leaves the
        # learner as it was, fitted or not; except that a simulation
        # interrupted after its seed set was trained keeps the rounds it
        # completed.
        def keep(error):
            simulated = self.initial_size is not None and "estimator_" in self.__dict__
            return isinstance(error, KeyboardInterrupt) and simulated

        with restored_on_failure(self, keep=keep):
            return self._fit(X, y, X_val, y_val)

    def _fit(self, X, y, X_val, y_val):
        targets = target_handler(self._task())
        X = _keep_index(self._validate_X(X, reset=True, copy=True), X)
        y = self._validate_y(targets, labels_of(X, y), probes.n_rows(X))
        classes = targets.fit_classes(y, self.classes, type(self).__name__)
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None and self.initial_size is None:
            raise ValueError(
                "X_val and y_val are scored after each simulated round; they need "
                "initial_size to be set (without it fit trains on all of X, y)."
            )

        check_compatibility(self._resolve_strategy(), self, X, y)  # before any training
        _device.check_device(network_of(self.estimator))
        # Start from a clean fitted state (a refit forgets the previous run).
        for attr in (
            "estimator_",
            "classes_",
            "initial_indices_",
            "queried_indices_",
            "validation_scores_",
        ):
            self.__dict__.pop(attr, None)
        if classes is not None:
            self.classes_ = classes
        self._target_handler_ = targets
        self._base_seed = base_seed(self.random_state)
        self.n_rounds_ = 0
        self.query_strategy_ = self._resolve_strategy()

        if self.initial_size is None:
            return self._fit_seed_set(X, y)
        return self._simulate(X, y, X_val, y_val)

    def _fit_seed_set(self, X, y):
        """Train on the first labeled rows (round 0) and keep them."""
        self.estimator_ = self._train(X, y, self._seed(TRAIN))
        self.X_labeled_, self.y_labeled_ = X, y
        self.labeled_rounds_ = np.zeros(probes.n_rows(X), dtype=np.int64)
        return self

    def _simulate(self, X, y, X_val, y_val):
        """Simulated active learning with ``y`` as the oracle (:mod:`skactive._rounds`)."""
        n_samples = probes.n_rows(X)
        rng = np.random.RandomState(self._seed(SIMULATION))
        initial = _rounds.draw_seed_set(n_samples, self.initial_size, rng, "initial_size")
        sizes = _rounds.schedule(n_samples, initial.shape[0], self.query_size, self.n_rounds, None)
        _rounds.fit_seed_set(self._fit_seed_set, X, y, initial)
        self.initial_indices_ = initial
        self.queried_indices_ = []
        if X_val is not None:
            self.validation_scores_ = np.asarray([self.score(X_val, y_val)])

        # X and y were validated by fit: the rounds skip the public methods'
        # validation (which would also see an ndarray where fit saw a frame).
        pool = np.setdiff1d(np.arange(n_samples), initial)
        for n in sizes:
            played = _rounds.play_round(
                X, y, pool, n, query=self._query_validated, teach=self._teach_validated
            )
            self.queried_indices_.append(played.picked)
            pool = played.pool
            if X_val is not None:
                score = self.score(X_val, y_val)
                self.validation_scores_ = np.append(self.validation_scores_, score)
        return self

    def query(self, X_pool, n=1, *, costs=None, max_cost=None, **kwargs):
        """Choose the ``n`` pool rows the query strategy most wants labelled.

        Never retrains and never changes the fitted network (parameters,
        BatchNorm buffers, train/eval mode). Calling it twice on the same
        pool returns the same indices.

        Parameters
        ----------
        X_pool : array-like of shape (n_pool, n_features) or (n_pool, ...), dict or Dataset
            Unlabelled candidate rows, raw (a Pipeline estimator's
            preprocessing is applied before the strategy sees them). A
            ``dask.array`` pool is scored partition by partition on the
            workers by a ranking strategy, to the picks the computed pool
            gives (see :func:`skactive.strategies.query_dask_pool`).
        n : int, default=1
            Number of rows to choose, ``1 <= n <= n_pool``; with
            ``max_cost``, the most rows to choose.
        costs : array-like of shape (n_pool,) or str, default=None
            The annotation cost of each pool row (positive, finite), or the
            name of a column of a DataFrame ``X_pool`` that holds it (the
            column is dropped before the rows reach the network). Ranking
            strategies then choose by utility per unit cost (return on
            investment, Settles, Craven & Friedland 2008); ``Random`` stays
            uniform. Strategies that choose a batch jointly (BADGE, CoreSet,
            BatchBALD, ...) refuse costs with a ``TypeError``.
        max_cost : float, default=None
            With ``costs``: the batch's total cost may not exceed it. Rows are
            taken in the strategy's order while they fit (a row too expensive
            for what is left is skipped), so fewer than ``n`` rows may come
            back; give ``n=len(X_pool)`` to be bounded by cost alone.

        Returns
        -------
        indices : ndarray of shape (n,), dtype int64
            Distinct indices into ``X_pool``, in selection order (shorter
            than ``n`` only under ``max_cost``): positions (for a DataFrame
            pool, select with ``X_pool.iloc[indices]``). Only the indices,
            not modAL's ``(indices, X_pool[indices])``.
        """
        _modal.check_query_keywords(kwargs)  # modAL's n_instances=
        check_is_fitted(self, "estimator_")
        if costs is not None or max_cost is not None:
            return self._query_with_costs(X_pool, n, costs, max_cost)
        _check_n(n)
        if _distributed.is_dask_array(X_pool):  # scored partition by partition, on the workers
            indices = _distributed.query_dask_pool(self, X_pool, n, self._seed(QUERY))
            return _querying.check_indices(self.query_strategy_, indices, n, X_pool.shape[0])
        X_pool, _ = self._validated_pool(X_pool, n)
        return self._query_validated(X_pool, n)

    def _validated_pool(self, X_pool, n):
        """The validated pool and its number of rows, at least ``n``."""
        if _is_empty(X_pool):
            raise ValueError("X_pool is empty: there is nothing to query.")
        X_pool = self._validate_X(X_pool, reset=False, name="X_pool")
        n_pool = probes.n_rows(X_pool)
        if n > n_pool:
            raise ValueError(f"n={n} is larger than the pool, which has {n_pool} rows.")
        return X_pool, n_pool

    def _query_with_costs(self, X_pool, n, costs, max_cost):
        """``query`` with annotation costs: validate them, then ask the strategy."""
        from ._validation import check_costs

        if costs is None:
            raise ValueError("max_cost needs costs: give one annotation cost per pool row.")
        if isinstance(costs, str):
            if not hasattr(X_pool, "columns") or costs not in X_pool.columns:
                raise ValueError(
                    f"costs={costs!r} names a column, but X_pool has no such column; give a "
                    "DataFrame pool with that column, or an array of costs."
                )
            X_pool, costs = X_pool.drop(columns=[costs]), X_pool[costs].to_numpy()
        _check_n(n)
        X_pool, n_pool = self._validated_pool(X_pool, n)
        costs = check_costs(costs, n_pool, max_cost)
        return self._query_validated(X_pool, n, costs=costs, max_cost=max_cost)

    def _query_validated(self, X_pool, n, costs=None, max_cost=None):
        strategy, seed = self.query_strategy_, self._seed(QUERY)
        if costs is not None:
            return _querying.query_with_costs(
                strategy, self, X_pool, n, seed, costs, max_cost, to_network=self._network_input
            )
        X_net = self._network_input(X_pool)
        indices = strategy.query(self, X_net, n, random_state=seed)
        return _querying.check_indices(strategy, indices, n, probes.n_rows(X_net))

    def teach(self, X, y=None):
        """Add labelled rows and retrain.

        The rows are appended to ``X_labeled_`` / ``y_labeled_`` and the
        network is retrained on the whole labelled set: from scratch, or
        continued if ``warm_start=True``. If anything fails (bad input, a
        label outside ``classes_``, training), the learner is left exactly as
        it was.

        Parameters
        ----------
        X : array-like of shape (n_new, n_features) or (n_new, ...), dict or Dataset
            The newly labelled rows, of the kind and row shape ``fit`` saw
            (a Dataset, e.g. ``Subset(pool, indices)``, joins the labelled
            set as indices).
        y : array-like of shape (n_new,) or (n_new, n_targets), default=None
            Their labels; read from the items of a Dataset of ``(x, y)``
            items when left out.

        Returns
        -------
        self : ActiveLearner
        """
        check_is_fitted(self, "estimator_")
        self._validate_params()
        X, y = _series_as_row(self, X, y)
        _modal.check_teach(self, X, y)  # pool indices, or X_pool[i] with an int i
        X = _keep_index(self._validate_X(X, reset=False, copy=True), X)
        targets = self._target_handler_
        y = self._validate_y(targets, labels_of(X, y), probes.n_rows(X))
        return self._teach_validated(X, targets.match(y, self))

    def _teach_validated(self, X, y):
        """Append validated rows, retrain, commit, then tell the strategy.

        The strategy's ``on_teach(learner, X_new, y_new)``, if it has one, is
        called once the new labels are committed; if it fails, the learner's
        attributes are put back (a strategy that changes its own state in
        place keeps that change atomic, see :mod:`skactive._rollback`).
        """
        X_all = _concat_rows(self.X_labeled_, X)
        y_all = np.concatenate([self.y_labeled_, y], axis=0)
        estimator = self._train(X_all, y_all, self._seed(TRAIN, self.n_rounds_ + 1))
        on_teach = getattr(self.query_strategy_, "on_teach", None)
        with restored_on_failure(self):
            # Commit only once training succeeded.
            self.estimator_ = estimator
            self.X_labeled_, self.y_labeled_ = X_all, y_all
            self.n_rounds_ += 1
            self.labeled_rounds_ = np.concatenate(
                [self.labeled_rounds_, np.full(probes.n_rows(X), self.n_rounds_, dtype=np.int64)]
            )
            if on_teach is not None:
                on_teach(self, X, y)
        return self

    # ---------------------------------------------------------- prediction

    def _output(self, X):
        check_is_fitted(self, "estimator_")
        X_net = self.network_input(X)
        output = probes.network_output(self.network_, X_net, batch_size=self.pool_batch_size)
        # scikit-learn's convention: float64 predictions and probabilities.
        return output.astype(np.float64)

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict class labels (classifier) or targets (regressor) for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...), dict or Dataset

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        output = self._output(X)  # checks that the learner is fitted
        return self._target_handler_.decode(output, self)

    @available_if(_is_classifier_learner)
    def predict_proba(self, X):
        """Class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...), dict or Dataset

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return self._output(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The wrapped network's decision function on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...), dict or Dataset

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self, "estimator_")
        return self.network_.decision_function(self.network_input(X))

    def score(self, X, y, sample_weight=None):
        """Accuracy for a classifier, R² for a regressor.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        y_pred = self.predict(X)
        return self._target_handler_.score(y, y_pred, sample_weight=sample_weight)
