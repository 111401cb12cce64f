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
"""

import copy
import inspect
import numbers
import signal
import threading
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    _fit_context,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import Pipeline
from sklearn.utils import (
    ClassifierTags,
    RegressorTags,
    _safe_indexing,
    check_random_state,
    get_tags,
)
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from skorch import NeuralNet

from . import _modal, probes
from ._compatibility import check_compatibility
from .nets import _check_classifier_criterion
from .probes import _data, _device
from .strategies import STRATEGY_ALIASES, CallableStrategy, _distributed

__all__ = ["ActiveLearner"]

# Purposes mixed into the per-round seed, so that the training of round r and
# the query of round r draw independent random streams.
_TRAIN, _QUERY, _SIMULATION = 0, 1, 2


def _network_of(estimator):
    """The skorch net: the estimator itself or the last step of a Pipeline."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _task_of(estimator):
    """'classifier' or 'regressor' for a supported estimator, else None."""
    net = _network_of(estimator)
    if not isinstance(net, NeuralNet):
        return None
    if is_classifier(net):
        return "classifier"
    if is_regressor(net):
        return "regressor"
    return None


def _estimator_has(attr):
    """available_if check: the wrapped network has ``attr``."""

    def check(self):
        return hasattr(_network_of(self.estimator), attr)

    return check


def _is_classifier_learner(self):
    return _task_of(self.estimator) == "classifier"


def _is_1d(X):
    """Whether raw rows are one-dimensional (an array, a list of scalars)."""
    shape = getattr(X, "shape", None)
    if shape is not None:
        return len(shape) == 1
    return isinstance(X, (list, tuple)) and len(X) > 0 and np.isscalar(X[0])


def _is_empty(X):
    """Whether ``X`` has no rows (an empty array, frame or list)."""
    if probes.is_dataset(X) or isinstance(X, dict):
        return False  # validated by kind, with its own message
    shape = getattr(X, "shape", None)
    if shape is not None:
        return len(shape) >= 1 and shape[0] == 0
    return isinstance(X, (list, tuple)) and len(X) == 0


def _check_n(n):
    """Refuse a number of rows to query that is not a positive integer."""
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"n must be an integer, got {n!r}.")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")


def _differs(given, value):
    """Whether a size set by hand disagrees with the data (a shape as any sequence)."""
    if isinstance(value, tuple):
        try:
            return tuple(given) != value
        except TypeError:
            return True
    return given != value


def _is_table(X):
    """Whether a plain net's input is a table (scikit-learn's 2-D validation).

    Everything but a dict, a Dataset and an array (or nested list) of 3 or
    more dimensions: those are validated by
    :func:`skactive.probes._data.validate_input`.
    """
    if probes.is_dataset(X) or isinstance(X, dict):
        return False
    ndim = getattr(X, "ndim", None)
    if ndim is None and isinstance(X, (list, tuple)):
        try:
            ndim = np.ndim(X)
        except ValueError:  # ragged: scikit-learn's message says so
            return True
    return ndim is None or ndim <= 2


def _concat_rows(a, b):
    """Append rows ``b`` to the labelled rows ``a`` (ndarray, DataFrame, dict or Dataset).

    Frames keep their index, so the labelled rows' original ids stay in
    ``X_labeled_.index``; rows given as an array have no ids, and the index
    is then renumbered.
    """
    if probes.is_dataset(a) or probes.is_dataset(b) or isinstance(a, dict):
        return probes.concat_rows(a, b)
    if hasattr(a, "iloc"):
        import pandas as pd

        if not hasattr(b, "iloc"):
            # Positional, as scikit-learn reads an array given to an
            # estimator fitted on a frame (it has warned already).
            b = pd.DataFrame(np.asarray(b), columns=a.columns)
            return pd.concat([a, b], axis=0, ignore_index=True)
        return pd.concat([a, b], axis=0)
    return np.concatenate([np.asarray(a), np.asarray(b)], axis=0)


def _keep_index(X_valid, X):
    """The validated float32 rows as a frame with ``X``'s index, if ``X`` is one.

    A plain net's rows are validated into an ndarray; for a DataFrame the
    labelled set keeps the caller's index (the rows' original ids) and
    columns. The network still receives the array (:meth:`_network_input`).
    """
    if hasattr(X, "iloc") and hasattr(X, "columns") and not hasattr(X_valid, "iloc"):
        import pandas as pd

        return pd.DataFrame(X_valid, index=X.index, columns=X.columns, copy=False)
    return X_valid


def _series_as_row(learner, X, y=None):
    """A pandas Series indexed by the fitted feature names as one row.

    ``frame.iloc[i]`` is a Series whose index is the frame's columns; it is
    one row, not a column of values. Anything else is returned as given.
    With a scalar ``y`` (``labels.iloc[i]``) the label becomes ``[y]``.
    """
    names = getattr(learner, "feature_names_in_", None)
    if (
        names is None
        or type(X).__name__ != "Series"
        or not hasattr(X, "to_frame")
        or list(X.index) != list(names)
    ):
        return X, y
    row = X.to_frame().T
    row = row.infer_objects()
    if y is not None and np.ndim(y) == 0:
        y = np.asarray([y])
    return row, y


@contextmanager
def _noticing_interrupts():
    """Record a Ctrl-C (SIGINT) even if the code inside swallows it.

    Yields a function that tells whether SIGINT arrived in the block. The
    signal still raises KeyboardInterrupt (or runs the previous handler) as
    usual. Outside the main thread, where handlers cannot be set, and while
    SIGINT is ignored (then nothing is interrupted), it reports nothing.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is signal.SIG_IGN:
        yield lambda: False
        return
    seen = []

    def handler(signum, frame):
        seen.append(signum)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)


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
        task = _task_of(self.estimator)
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
        return _network_of(self.estimator_)

    # ------------------------------------------------------------ validation

    def _task(self):
        task = _task_of(self.estimator)
        if task is None:
            raise TypeError(
                "estimator must be a skorch NeuralNetClassifier or NeuralNetRegressor, "
                f"or a Pipeline ending in one; got {type(_network_of(self.estimator)).__name__}."
            )
        net = _network_of(self.estimator)
        if type(net).__name__ == "NeuralNetBinaryClassifier":
            raise TypeError(
                "NeuralNetBinaryClassifier is not supported: use NeuralNetClassifier "
                "with one output per class (2 for a binary problem)."
            )
        return task

    def _validate_X(self, X, *, reset, copy=False, name="X"):
        """Validate rows at the learner's boundary.

        A plain net's table becomes a finite float32 ndarray (scikit-learn's
        ``validate_data``); rows of another shape, dicts of arrays and
        Datasets are checked by :func:`skactive.probes._data.validate_input`
        (numeric, finite, the row shape ``fit`` saw). A Pipeline gets ``X``
        as given (its steps validate it); only the number of features and the
        feature names are checked here, and the network input is checked after
        preprocessing by :meth:`_network_input`. ``copy=True`` (for rows that
        join the labelled set) guarantees the learner owns its data (a
        Dataset is referenced, never copied).
        """
        X, _ = _series_as_row(self, X)  # frame.iloc[i]: one row
        if X is None:
            raise ValueError(
                f"{name} is None: pass an array-like of shape (n_samples, n_features)."
            )
        if sp.issparse(X):
            raise TypeError(
                f"Sparse data was passed for {name}, but ActiveLearner needs dense "
                "data: convert it with .toarray()."
            )
        if isinstance(self.estimator, Pipeline):
            # Raw rows may be 1-D (texts for a vectoriser) or mixed-type
            # columns: what the steps accept is theirs to check. Only a learner
            # fitted on columns refuses 1-D rows here, with the usual advice.
            if not reset and hasattr(self, "n_features_in_") and _is_1d(X):
                raise ValueError(
                    f"Expected 2D array for {name}, got 1D array instead: Reshape your "
                    "data either using array.reshape(-1, 1) if your data has a single "
                    "feature or array.reshape(1, -1) if it contains a single sample."
                )
            X = validate_data(self, X, reset=reset, skip_check_array=True)
            if not hasattr(X, "shape"):
                X = np.asarray(X)
            if _num_samples(X) == 0:
                raise ValueError(f"{name} is empty: found 0 samples, a minimum of 1 is required.")
            return X.copy() if copy else X
        X = _data.to_numpy(X)
        expected = None if reset else getattr(self, "input_shape_", None)
        if _is_table(X):
            X = self._validate_table(X, reset=reset, copy=copy, name=name)
            shape = tuple(X.shape[1:])
            _data.check_row_shape(shape, expected, name)
        else:
            X, shape = _data.validate_input(X, expected=expected, copy=copy, name=name)
            if reset:
                # scikit-learn's n_features_in_ describes tables only.
                self.__dict__.pop("n_features_in_", None)
                self.__dict__.pop("feature_names_in_", None)
        if reset:
            self.input_shape_ = shape
        return X

    def _validate_table(self, X, *, reset, copy, name):
        """A 2-D table for a plain net: scikit-learn's validation, as float32."""
        try:
            return validate_data(self, X, reset=reset, dtype=np.float32, copy=copy)
        except ValueError as error:
            if "could not convert" not in str(error):
                raise
            raise ValueError(
                f"{name} has values that are not numbers ({error}). A network needs numeric "
                "columns: encode the others first, or pass a Pipeline whose first steps do "
                "(e.g. a ColumnTransformer with a OneHotEncoder)."
            ) from error

    def _targets(self, X, y):
        """``y``, or the labels of a Dataset of ``(x, y)`` items when ``y`` is None."""
        if y is None and probes.is_dataset(X):
            return _data.dataset_targets(X)
        return y

    def _validate_y(self, y, n_samples):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        if self._task() == "classifier":
            y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
            y = column_or_1d(y, warn=True)
            check_classification_targets(y)
        else:
            y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
            if y.ndim == 2 and y.shape[1] == 0:
                raise ValueError("y has 0 targets.")
        if _num_samples(y) != n_samples:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {n_samples} rows in X "
                f"but {_num_samples(y)} labels in y."
            )
        return y

    def _validate_labels(self, y, *, fit):
        """Check class labels against ``classes_`` (or set it in fit)."""
        if self._task() != "classifier":
            return
        if fit:
            if self.classes is not None:
                classes = np.unique(np.asarray(self.classes))
                if classes.ndim != 1 or classes.shape[0] < 2:
                    raise ValueError(
                        f"classes must list at least 2 distinct labels, got {self.classes!r}."
                    )
            else:
                classes = np.unique(y)
                if classes.shape[0] < 2:
                    raise ValueError(
                        f"{type(self).__name__} needs at least 2 classes in y, got 1 class "
                        f"({classes.tolist()[0]!r}). If more classes will arrive through teach, "
                        "declare them all with classes=[...]."
                    )
        else:
            classes = self.classes_
        unknown = np.unique(y[~np.isin(y, classes)])
        if unknown.shape[0]:
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not among the learner's "
                f"classes {classes.tolist()}. For a class to arrive after the seed set, "
                "declare every class with classes=[...] before fit."
            )
        return classes

    def _network_input(self, X, *, fit_steps=False, y=None, estimator=None):
        """Rows as the network sees them: preprocessed, dense, finite float32.

        ``X`` must already have passed :meth:`_validate_X`.
        """
        estimator = self.estimator_ if estimator is None else estimator
        if not isinstance(estimator, Pipeline) and hasattr(X, "iloc"):
            X = X.to_numpy(dtype=np.float32, copy=True)  # a frame only to keep the index
        if isinstance(estimator, Pipeline):
            steps = estimator[:-1]
            X = steps.fit_transform(X, y) if fit_steps else steps.transform(X)
            if sp.issparse(X):
                X = X.toarray()
            X = check_array(X, dtype=np.float32, input_name="X after the Pipeline's preprocessing")
        return X

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
        sequence = np.random.SeedSequence([self._base_seed, round_, purpose])
        return int(sequence.generate_state(1)[0] & 0x7FFFFFFF)

    def _encode(self, y):
        if self._task() == "classifier":
            return np.searchsorted(self.classes_, y).astype(np.int64)
        y = np.asarray(y, dtype=np.float32)
        return y[:, None] if y.ndim == 1 else y

    def _n_outputs(self, y):
        if self._task() == "classifier":
            return self.classes_.shape[0]
        return 1 if y.ndim == 1 else y.shape[1]

    def _size_network(self, net, input_shape, n_outputs):
        """Set module__n_features_in, module__input_shape, module__n_outputs from the data.

        ``input_shape`` is the network input's row shape; a dict input (a
        dict of shapes) sizes only the outputs.
        """
        module = net.module
        if is_classifier(net):
            _check_classifier_criterion(module, net.criterion)
        if not inspect.isclass(module):
            return  # an instance is already built: the user sized it
        try:
            parameters = inspect.signature(module).parameters
        except (TypeError, ValueError):
            return
        accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        given = net.get_params(deep=False)
        sizes = {}
        candidates = [("n_outputs", n_outputs)]
        if isinstance(input_shape, tuple):
            candidates = [
                ("n_features_in", int(np.prod(input_shape))),
                ("input_shape", input_shape),
            ] + candidates
        for name, value in candidates:
            # input_shape goes only to a module that names it: one taking
            # **kwargs gets the two sizes it always got.
            if name not in parameters and (not accepts_any or name == "input_shape"):
                continue
            key = f"module__{name}"
            if key in given and given[key] is not None and _differs(given[key], value):
                raise ValueError(
                    f"The network was given {key}={given[key]!r}, but the data need "
                    f"{value}: leave {key} unset and ActiveLearner sizes the module."
                )
            sizes[key] = value
        if sizes:
            net.set_params(**sizes)

    def _train(self, X, y, seed):
        """Train on (X, y) and return the fitted estimator; self is not touched.

        From scratch (a fresh clone of ``estimator``) unless ``warm_start`` and
        a fitted estimator exist, in which case a copy of the current one is
        trained further. Working on a copy keeps the learner unchanged if
        training fails.
        """
        warm = self.warm_start and hasattr(self, "estimator_")
        estimator = copy.deepcopy(self.estimator_) if warm else clone(self.estimator)
        net = _network_of(estimator)
        y_net = self._encode(y)
        with probes.seeded_torch(seed), _noticing_interrupts() as interrupted:
            X_net = self._network_input(X, fit_steps=not warm, y=y, estimator=estimator)
            shape = _data.row_shape(X_net)
            if probes.is_dataset(X_net):
                # skorch trains on a Dataset's own items: pair them with the
                # encoded labels, read lazily.
                X_net = _data.training_dataset(X_net, y_net, shape)
            if warm:
                net.partial_fit(X_net, y_net)
            else:
                self._size_network(net, shape, self._n_outputs(y))
                if self._task() == "classifier":
                    net.set_params(classes=list(range(self.classes_.shape[0])))
                net.fit(X_net, y_net)
        if interrupted():
            # skorch ends training quietly on Ctrl-C; a cut-short network must
            # not be committed as if it were trained.
            raise KeyboardInterrupt("training was interrupted; the learner is unchanged")
        self._check_training(net)
        return estimator

    @staticmethod
    def _check_training(net):
        try:
            loss = net.history[-1, "train_loss"]
        except (KeyError, IndexError, TypeError):
            return
        if not np.isfinite(loss):
            raise ValueError(
                f"Training the network produced a non-finite loss ({loss}). Lower the "
                "learning rate or scale the inputs; if the module returns logits, use "
                "criterion=torch.nn.CrossEntropyLoss."
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
        previous = dict(self.__dict__)
        try:
            return self._fit(X, y, X_val, y_val)
        except BaseException as error:
            simulated = self.initial_size is not None and "estimator_" in self.__dict__
            if not (isinstance(error, KeyboardInterrupt) and simulated):
                self.__dict__.clear()
                self.__dict__.update(previous)
            raise

    def _fit(self, X, y, X_val, y_val):
        self._task()
        X = _keep_index(self._validate_X(X, reset=True, copy=True), X)
        y = self._validate_y(self._targets(X, y), probes.n_rows(X))
        classes = self._validate_labels(y, fit=True)
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if X_val is not None and self.initial_size is None:
            raise ValueError(
                "X_val and y_val are scored after each simulated round; they need "
                "initial_size to be set (without it fit trains on all of X, y)."
            )

        check_compatibility(self._resolve_strategy(), self, X, y)  # before any training
        _device.check_device(_network_of(self.estimator))
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
        self._base_seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self.n_rounds_ = 0
        self.query_strategy_ = self._resolve_strategy()

        if self.initial_size is None:
            return self._fit_seed_set(X, y)
        return self._simulate(X, y, X_val, y_val)

    def _fit_seed_set(self, X, y):
        """Train on the first labelled rows (round 0) and keep them."""
        self.estimator_ = self._train(X, y, self._seed(_TRAIN))
        self.X_labeled_, self.y_labeled_ = X, y
        self.labeled_rounds_ = np.zeros(probes.n_rows(X), dtype=np.int64)
        return self

    @staticmethod
    def _resolve_size(size, n_samples):
        if isinstance(size, numbers.Real) and not isinstance(size, numbers.Integral):
            return max(1, int(np.floor(size * n_samples)))
        return int(size)

    def _simulate(self, X, y, X_val, y_val):
        n_samples = probes.n_rows(X)
        n_initial = self._resolve_size(self.initial_size, n_samples)
        if n_initial >= n_samples:
            raise ValueError(
                f"initial_size={self.initial_size!r} leaves no pool to query: the seed set "
                f"would hold {n_initial} of the {n_samples} rows."
            )
        query_size = self._resolve_size(self.query_size, n_samples)
        rng = np.random.RandomState(self._seed(_SIMULATION))
        initial = rng.choice(n_samples, size=n_initial, replace=False)
        self._fit_seed_set(probes.take_rows(X, initial), _safe_indexing(y, initial))
        self.initial_indices_ = initial
        self.queried_indices_ = []
        if X_val is not None:
            self.validation_scores_ = np.asarray([self.score(X_val, y_val)])

        # X and y were validated by fit: the rounds skip the public methods'
        # validation (which would also see an ndarray where fit saw a frame).
        pool = np.setdiff1d(np.arange(n_samples), initial)
        for _ in range(self.n_rounds):
            if pool.shape[0] == 0:
                break
            n = min(query_size, pool.shape[0])
            rows = pool[self._query_validated(probes.take_rows(X, pool), n)]
            self._teach_validated(probes.take_rows(X, rows), _safe_indexing(y, rows))
            self.queried_indices_.append(rows)
            pool = np.setdiff1d(pool, rows)
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
            indices = _distributed.query_dask_pool(self, X_pool, n, self._seed(_QUERY))
            return self._check_indices(indices, n, X_pool.shape[0])
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
        if costs is not None:
            return self._query_costed(X_pool, n, costs, max_cost)
        X_net = self._network_input(X_pool)
        indices = self.query_strategy_.query(self, X_net, n, random_state=self._seed(_QUERY))
        return self._check_indices(indices, n, probes.n_rows(X_net))

    def _query_costed(self, X_pool, n, costs, max_cost):
        strategy = self.query_strategy_
        try:
            takes_costs = "costs" in inspect.signature(strategy.query).parameters
        except (TypeError, ValueError):
            takes_costs = False
        if not takes_costs:
            raise TypeError(
                f"The query strategy {type(strategy).__name__} does not take annotation costs: "
                "it chooses its batch jointly. Use a ranking strategy (LeastConfidence, Margin, "
                "Entropy, EGL) or Random with costs, or query without costs."
            )
        X_net = self._network_input(X_pool)
        indices = strategy.query(
            self, X_net, n, random_state=self._seed(_QUERY), costs=costs, max_cost=max_cost
        )
        indices = np.asarray(indices)
        n_taken = indices.shape[0] if indices.ndim == 1 else -1
        if max_cost is not None and 1 <= n_taken <= n:
            checked = self._check_indices(indices, n_taken, probes.n_rows(X_net))
            if costs[checked].sum() > max_cost * (1 + 1e-9):
                raise ValueError(
                    f"The query strategy {type(strategy).__name__} returned rows costing "
                    f"{float(costs[checked].sum())!r}, more than max_cost={max_cost!r}."
                )
            return checked
        return self._check_indices(indices, n, probes.n_rows(X_net))

    def _check_indices(self, indices, n, n_pool):
        name = type(self.query_strategy_).__name__
        if isinstance(self.query_strategy_, CallableStrategy):
            name = getattr(self.query_strategy_.func, "__name__", repr(self.query_strategy_.func))
        _modal.check_strategy_output(indices, name)  # modAL's (indices, X_pool[indices])
        indices = np.asarray(indices)
        problem = None
        if indices.ndim != 1 or indices.shape[0] != n:
            problem = f"returned an array of shape {indices.shape} instead of ({n},)"
        elif indices.dtype.kind not in "iu":
            problem = f"returned indices of dtype {indices.dtype} instead of integers"
        elif indices.min() < 0 or indices.max() >= n_pool:
            problem = f"returned indices outside [0, {n_pool})"
        elif np.unique(indices).shape[0] != n:
            problem = "returned repeated indices"
        if problem:
            raise ValueError(f"The query strategy {name} {problem}.")
        return indices.astype(np.int64, copy=False)

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
        y = self._validate_y(self._targets(X, y), probes.n_rows(X))
        self._validate_labels(y, fit=False)
        if self._task() == "regressor":
            y = self._match_targets(y)
        return self._teach_validated(X, y)

    def _teach_validated(self, X, y):
        X_all = _concat_rows(self.X_labeled_, X)
        y_all = np.concatenate([self.y_labeled_, y], axis=0)
        estimator = self._train(X_all, y_all, self._seed(_TRAIN, self.n_rounds_ + 1))
        # Commit only once training succeeded.
        self.estimator_ = estimator
        self.X_labeled_, self.y_labeled_ = X_all, y_all
        self.n_rounds_ += 1
        self.labeled_rounds_ = np.concatenate(
            [self.labeled_rounds_, np.full(probes.n_rows(X), self.n_rounds_, dtype=np.int64)]
        )
        return self

    def _match_targets(self, y):
        """Shape regression targets like those given to fit."""
        n_targets = 1 if self.y_labeled_.ndim == 1 else self.y_labeled_.shape[1]
        if (1 if y.ndim == 1 else y.shape[1]) != n_targets:
            raise ValueError(
                f"y has {1 if y.ndim == 1 else y.shape[1]} targets, but the learner was "
                f"fitted with {n_targets}."
            )
        return y.reshape((-1,) + self.y_labeled_.shape[1:])

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
        output = self._output(X)
        if self._task() == "classifier":
            return self.classes_[output.argmax(axis=1)]
        if self.y_labeled_.ndim == 1:
            return output[:, 0]
        return output

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
        if self._task() == "classifier":
            return float(accuracy_score(y, y_pred, sample_weight=sample_weight))
        return float(r2_score(y, y_pred, sample_weight=sample_weight))
