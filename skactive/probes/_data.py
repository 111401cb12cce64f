"""The inputs a skorch net accepts, as the probes and the learner read them.

skactive takes every input a skorch net takes:

* an array (or a torch tensor) of shape ``(n_samples, ...)``: a table
  ``(n_samples, n_features)``, images ``(n_samples, C, H, W)``, sequences;
* a dict of such arrays with a common first dimension, handed to the module
  as keyword arguments (``module.forward(**X)``), skorch's multi-input form;
* a map-style :class:`torch.utils.data.Dataset` (``len`` and
  ``__getitem__``) whose items are ``x``, ``(x,)`` or ``(x, y)``, ``x`` an
  array, a tensor or a dict of them.

The functions here count, take and append rows of any of them without
copying what need not be copied (a Dataset is only ever indexed through
:class:`~torch.utils.data.Subset` and :class:`~torch.utils.data.ConcatDataset`),
and feed them to a network in chunks: arrays and memory maps are sliced,
``batch_size`` rows at a time, and never collated row by row; a Dataset goes
through a batched :class:`~torch.utils.data.DataLoader`.

Floating arrays reach the network as ``float32``; a plain array of any
numeric dtype too (images stored as ``uint8`` included). A dict keeps the
integer dtype of its integer entries (token ids for an ``nn.Embedding``).

This module is the front of three: :mod:`._rows` counts, takes and appends
rows, :mod:`._chunks` feeds them to a network in chunks, and this one
validates an input at the learner's boundary (its row shape, finite values,
a Dataset's targets); every public name of the three is importable from here.
"""

from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import Dataset

from ._chunks import flat_rows, iter_chunks
from ._rows import (
    _as_input_tensor,
    _finite,
    _shape_of,
    concat_rows,
    is_dataset,
    item_input,
    n_rows,
    take_rows,
)

__all__ = [
    "concat_rows",
    "flat_rows",
    "is_dataset",
    "item_input",
    "iter_chunks",
    "n_rows",
    "take_rows",
    "training_dataset",
]


class _TrainingDataset(Dataset):
    """A Dataset's inputs paired with encoded targets, for skorch's ``fit``.

    skorch trains on a Dataset's own ``(x, y)`` items; this one returns the
    input part of ``X[i]`` (as a ``float32`` tensor when floating, checked
    against ``expected`` and for finite values) with ``y[i]``, so the labels
    the learner encoded are the ones trained on, and nothing is loaded
    before skorch asks for it.
    """

    def __init__(self, X, y, expected):
        self.X = X
        self.y = y
        self.expected = expected

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        x = item_input(self.X[i])
        if _shape_of(x) != self.expected:
            raise ValueError(
                f"item {i} of the labelled Dataset has an input of shape {_shape_of(x)}, but "
                f"the learner was fitted on inputs of shape {self.expected}."
            )
        if isinstance(x, Mapping):
            x = {key: _as_input_tensor(value) for key, value in x.items()}
        else:
            x = _as_input_tensor(x)
        if not _finite(x):
            raise ValueError(f"item {i} of the labelled Dataset has NaN or infinite values.")
        return x, self.y[i]


def training_dataset(X, y, expected):
    """``X`` (a Dataset) with the targets ``y``, as skorch's ``fit`` takes it.

    Parameters
    ----------
    X : Dataset
        The labelled rows.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Encoded targets, one per item of ``X``.
    expected : tuple or dict
        Shape of every item's input.

    Returns
    -------
    dataset : Dataset
        Items ``(x, y[i])``.
    """
    return _TrainingDataset(X, y, expected)


# ------------------------------------------------------------------ validation


def row_shape(X):
    """Shape of one row's input: ``X.shape[1:]``, a dict of them, or a Dataset item's."""
    if is_dataset(X):
        return _shape_of(item_input(X[0]))
    if isinstance(X, Mapping):
        return {key: tuple(np.shape(value))[1:] for key, value in X.items()}
    return tuple(X.shape[1:])


def _numeric_array(values, name):
    """``values`` as a NumPy array (a tensor is moved to the CPU); numeric or refused."""
    if torch.is_tensor(values):
        values = values.detach().cpu().numpy()
    try:
        values = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} could not be read as an array: {error}") from error
    if values.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} has dtype {values.dtype}; a network needs numbers (bool, integer or float): "
            "convert it first, or pass a Pipeline whose first steps do."
        )
    return values


def _check_finite(values, name, max_values=2**20):
    """Refuse NaN or inf in a floating array, reading a memory map chunk by chunk.

    Each chunk holds at most ``max_values`` values (whole rows), so the
    temporary mask stays at a megabyte whatever the row's size.
    """
    if values.dtype.kind != "f":
        return
    chunk = max(1, max_values // max(1, int(np.prod(values.shape[1:]))))
    for start in range(0, values.shape[0], chunk):
        if not np.isfinite(values[start : start + chunk]).all():
            raise ValueError(
                f"{name} contains NaN or infinity (first in rows {start} to "
                f"{min(start + chunk, values.shape[0]) - 1}); every value must be finite."
            )


def _describe(shape):
    return f"rows of shape {shape}" if isinstance(shape, tuple) else f"entries of shapes {shape}"


def to_numpy(X):
    """A torch tensor as a NumPy array (moved to the CPU); anything else unchanged."""
    return X.detach().cpu().numpy() if torch.is_tensor(X) else X


def check_row_shape(shape, expected, name):
    """Refuse a row shape (or dict keys) other than the one fit saw.

    Parameters
    ----------
    shape, expected : tuple or dict
        The row shape of the input (:func:`row_shape`) and the one fit saw;
        nothing is checked when ``expected`` is None.
    name : str
        How the message calls the input.
    """
    _check_expected(shape, expected, name)


def _check_expected(shape, expected, name):
    if expected is None or shape == expected:
        return
    if isinstance(expected, dict) != isinstance(shape, dict):
        kinds = ("an array or a Dataset", "a dict of arrays")
        raise ValueError(
            f"{name} is {kinds[isinstance(shape, dict)]}, but the learner was fitted on "
            f"{kinds[isinstance(expected, dict)]}: give the same kind of input."
        )
    if isinstance(expected, dict) and set(shape) != set(expected):
        raise ValueError(
            f"{name} has the keys {sorted(shape)}, but the learner was fitted on a dict with the "
            f"keys {sorted(expected)}."
        )
    hint = ""
    if isinstance(expected, tuple) and int(np.prod(shape)) == int(np.prod(expected)):
        hint = f" Reshape it with X.reshape(-1, {', '.join(map(str, expected))})."
    raise ValueError(
        f"{name} has {_describe(shape)}, but the learner was fitted on {_describe(expected)}."
        + hint
    )


def validate_input(X, *, expected=None, copy=False, name="X"):
    """Validate an N-D array or tensor, a dict of arrays or a Dataset.

    2-D tables are validated by scikit-learn's ``validate_data`` in the
    learner; this is the check of every other kind skorch accepts.

    Parameters
    ----------
    X : ndarray or Tensor of shape (n_samples, ...), dict of arrays or Dataset
        The input.
    expected : tuple or dict, default=None
        The row shape fit saw (:func:`row_shape`); None at fit.
    copy : bool, default=False
        Whether the learner must own the result (rows that join the labelled
        set): arrays are then copied, as ``float32`` when they are not
        integer entries of a dict. A Dataset is never copied.
    name : str, default="X"
        How the error messages call ``X``.

    Returns
    -------
    X : ndarray, dict of ndarrays or Dataset
        Arrays as NumPy (a tensor moved to the CPU), numeric and finite.
    shape : tuple or dict
        The row shape of ``X``.

    Raises
    ------
    ValueError
        Empty input, non-numeric values, NaN or infinity, dict entries of
        different lengths, a row shape or dict keys other than ``expected``.
    TypeError
        A Dataset without ``len`` (an iterable-style Dataset).
    """
    if is_dataset(X):
        try:
            length = len(X)
        except TypeError as error:
            raise TypeError(
                f"{name} is a Dataset without len(): an iterable-style Dataset cannot be "
                "indexed by a query; give a map-style Dataset (len and __getitem__)."
            ) from error
        if length == 0:
            raise ValueError(f"{name} is empty: found 0 samples, a minimum of 1 is required.")
        x = item_input(X[0])
        parts = x.values() if isinstance(x, Mapping) else [x]
        for part in parts:
            _numeric_array(part, f"The items of {name}")
        shape = _shape_of(x)
        _check_expected(shape, expected, name)
        return X, shape
    if isinstance(X, Mapping):
        if not X:
            raise ValueError(f"{name} is an empty dict: give one array per input of the module.")
        arrays = {}
        for key, value in X.items():
            value = _numeric_array(value, f"{name}[{key!r}]")
            if value.ndim == 0:
                raise ValueError(f"{name}[{key!r}] is a scalar; give one row per sample.")
            arrays[key] = value
        lengths = {key: value.shape[0] for key, value in arrays.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(
                f"The entries of {name} have different numbers of rows ({lengths}): every "
                "entry must have one row per sample."
            )
        if next(iter(lengths.values())) == 0:
            raise ValueError(f"{name} is empty: found 0 samples, a minimum of 1 is required.")
        for key, value in arrays.items():
            _check_finite(value, f"{name}[{key!r}]")
        shape = {key: tuple(value.shape[1:]) for key, value in arrays.items()}
        _check_expected(shape, expected, name)
        if copy:
            arrays = {
                key: np.array(value, dtype=np.float32 if value.dtype.kind in "bf" else None)
                for key, value in arrays.items()
            }
        return arrays, shape
    X = _numeric_array(X, name)
    if X.ndim < 1 or X.shape[0] == 0:
        raise ValueError(f"{name} is empty: found 0 samples, a minimum of 1 is required.")
    shape = tuple(X.shape[1:])
    _check_expected(shape, expected, name)
    _check_finite(X, name)
    if copy:
        X = np.array(X, dtype=np.float32)
    return X, shape


def dataset_targets(X, name="X"):
    """The labels ``y`` of a Dataset whose items are ``(x, y)`` pairs.

    Reads every item once (the inputs too: pass ``y`` to avoid it).
    """
    targets = []
    for i in range(len(X)):
        item = X[i]
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise ValueError(
                f"y is None and the items of the Dataset {name} are not (x, y) pairs: pass the "
                "labels as y."
            )
        target = item[1]
        targets.append(target.detach().cpu().numpy() if torch.is_tensor(target) else target)
    return np.asarray(targets)
