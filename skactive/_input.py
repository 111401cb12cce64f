"""Input validation at the learner's boundary: rows of every kind skorch takes.

A plain net's table is validated by scikit-learn (``validate_data``, float32);
rows of another shape, dicts of arrays and Datasets by
:func:`skactive.probes._data.validate_input`; a Pipeline's raw rows are left to
its steps, and their output is checked by :func:`network_input`. The helpers
below also keep the labeled set in the kind it was given (a frame keeps its
index) and read ``frame.iloc[i]`` as one row.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import _num_samples, check_array, validate_data

from . import probes
from .probes import _data

__all__ = ["network_input", "validate_X"]


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
    """Append rows ``b`` to the labeled rows ``a`` (ndarray, DataFrame, dict or Dataset).

    Frames keep their index, so the labeled rows' original ids stay in
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
    labeled set keeps the caller's index (the rows' original ids) and
    columns. The network still receives the array (:func:`network_input`).
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


def validate_X(learner, X, *, reset, copy=False, name="X"):
    """Validate rows at the learner's boundary.

    A plain net's table becomes a finite float32 ndarray (scikit-learn's
    ``validate_data``); rows of another shape, dicts of arrays and
    Datasets are checked by :func:`skactive.probes._data.validate_input`
    (numeric, finite, the row shape ``fit`` saw). A Pipeline gets ``X``
    as given (its steps validate it); only the number of features and the
    feature names are checked here, and the network input is checked after
    preprocessing by :func:`network_input`. ``copy=True`` (for rows that
    join the labeled set) guarantees the learner owns its data (a
    Dataset is referenced, never copied). With ``reset``, ``learner``'s
    ``input_shape_`` (and scikit-learn's ``n_features_in_``) are set.
    """
    X, _ = _series_as_row(learner, X)  # frame.iloc[i]: one row
    if X is None:
        raise ValueError(f"{name} is None: pass an array-like of shape (n_samples, n_features).")
    if sp.issparse(X):
        raise TypeError(
            f"Sparse data was passed for {name}, but ActiveLearner needs dense "
            "data: convert it with .toarray()."
        )
    if isinstance(learner.estimator, Pipeline):
        # Raw rows may be 1-D (texts for a vectoriser) or mixed-type
        # columns: what the steps accept is theirs to check. Only a learner
        # fitted on columns refuses 1-D rows here, with the usual advice.
        if not reset and hasattr(learner, "n_features_in_") and _is_1d(X):
            raise ValueError(
                f"Expected 2D array for {name}, got 1D array instead: Reshape your "
                "data either using array.reshape(-1, 1) if your data has a single "
                "feature or array.reshape(1, -1) if it contains a single sample."
            )
        X = validate_data(learner, X, reset=reset, skip_check_array=True)
        if not hasattr(X, "shape"):
            X = np.asarray(X)
        if _num_samples(X) == 0:
            raise ValueError(f"{name} is empty: found 0 samples, a minimum of 1 is required.")
        return X.copy() if copy else X
    X = _data.to_numpy(X)
    expected = None if reset else getattr(learner, "input_shape_", None)
    if _is_table(X):
        X = _validate_table(learner, X, reset=reset, copy=copy, name=name)
        shape = tuple(X.shape[1:])
        _data.check_row_shape(shape, expected, name)
    else:
        X, shape = _data.validate_input(X, expected=expected, copy=copy, name=name)
        if reset:
            # scikit-learn's n_features_in_ describes tables only.
            learner.__dict__.pop("n_features_in_", None)
            learner.__dict__.pop("feature_names_in_", None)
    if reset:
        learner.input_shape_ = shape
    return X


def _validate_table(learner, X, *, reset, copy, name):
    """A 2-D table for a plain net: scikit-learn's validation, as float32."""
    try:
        return validate_data(learner, X, reset=reset, dtype=np.float32, copy=copy)
    except ValueError as error:
        if "could not convert" not in str(error):
            raise
        raise ValueError(
            f"{name} has values that are not numbers ({error}). A network needs numeric "
            "columns: encode the others first, or pass a Pipeline whose first steps do "
            "(e.g. a ColumnTransformer with a OneHotEncoder)."
        ) from error


def labels_of(X, y):
    """``y``, or the labels of a Dataset of ``(x, y)`` items when ``y`` is None."""
    if y is None and probes.is_dataset(X):
        return _data.dataset_targets(X)
    return y


def network_input(estimator, X, *, fit_steps=False, y=None):
    """Rows as the network sees them: preprocessed, dense, finite float32.

    ``X`` must already have passed :func:`validate_X`. For a Pipeline
    ``estimator`` its preprocessing steps are applied (fitted first if
    ``fit_steps``, with ``y``).
    """
    if not isinstance(estimator, Pipeline) and hasattr(X, "iloc"):
        X = X.to_numpy(dtype=np.float32, copy=True)  # a frame only to keep the index
    if isinstance(estimator, Pipeline):
        steps = estimator[:-1]
        X = steps.fit_transform(X, y) if fit_steps else steps.transform(X)
        if sp.issparse(X):
            X = X.toarray()
        X = check_array(X, dtype=np.float32, input_name="X after the Pipeline's preprocessing")
    return X
