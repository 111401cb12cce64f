"""Count, take and append the rows of every input kind; the input part of a Dataset item.

The input kinds are described in :mod:`skactive.probes`; nothing here
copies what need not be copied (a Dataset is only indexed through
:class:`~torch.utils.data.Subset` and :class:`~torch.utils.data.ConcatDataset`).
"""

from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import ConcatDataset, Dataset, Subset


def is_dataset(X):
    """Whether ``X`` is a torch ``Dataset`` (map-style: ``len`` and indexing).

    Parameters
    ----------
    X : object
        Any input.

    Returns
    -------
    is_dataset : bool
    """
    return isinstance(X, Dataset)


def n_rows(X):
    """Number of rows of an array, tensor, DataFrame, list, dict of arrays or Dataset.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...), dict of such arrays or Dataset
        Any input skorch accepts (a dict's arrays have as many rows each).

    Returns
    -------
    n_rows : int
    """
    if is_dataset(X):
        return len(X)
    if isinstance(X, Mapping):
        return n_rows(next(iter(X.values()))) if X else 0
    shape = getattr(X, "shape", None)
    if shape is not None:
        return int(shape[0])
    return len(X)


def take_rows(X, indices):
    """Rows ``indices`` of ``X``, of the same kind as ``X``.

    Arrays, tensors and the values of a dict are indexed (a copy); a
    DataFrame by position (``iloc``, keeping its index); a Dataset becomes a
    :class:`~torch.utils.data.Subset` of it (nothing is loaded), a Subset of
    a Subset is flattened into one.

    Parameters
    ----------
    X : array-like, DataFrame, dict of arrays or Dataset
    indices : array-like of shape (n_taken,)
        Positions of the rows to take.
    """
    indices = np.asarray(indices, dtype=np.int64).reshape(-1)
    if is_dataset(X):
        if isinstance(X, Subset):
            return Subset(X.dataset, np.asarray(X.indices, dtype=np.int64)[indices].tolist())
        return Subset(X, indices.tolist())
    if isinstance(X, Mapping):
        return {key: take_rows(value, indices) for key, value in X.items()}
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if torch.is_tensor(X):
        return X[torch.from_numpy(indices)]
    if hasattr(X, "shape"):
        return X[indices]
    return [X[i] for i in indices]


def concat_rows(a, b):
    """Rows of ``a`` followed by the rows of ``b``, two inputs of one kind.

    Datasets are chained in a :class:`~torch.utils.data.ConcatDataset` (a
    chain is extended, not nested; arrays or a dict joined to a Dataset
    become a Dataset of their rows); dicts are concatenated key by key;
    arrays with :func:`numpy.concatenate`.

    Parameters
    ----------
    a, b : array-like of shape (n_a, ...) and (n_b, ...), dicts of such arrays or Datasets
        Inputs of one kind (and row shape).

    Returns
    -------
    rows : array of shape (n_a + n_b, ...), dict of such arrays or Dataset
    """
    if is_dataset(a) or is_dataset(b):
        parts = []
        for part in (a, b):
            if isinstance(part, ConcatDataset):
                parts.extend(part.datasets)
            else:
                parts.append(part if is_dataset(part) else _RowsDataset(part))
        return ConcatDataset(parts)
    if isinstance(a, Mapping):
        return {key: np.concatenate([np.asarray(a[key]), np.asarray(b[key])]) for key in a}
    return np.concatenate([np.asarray(a), np.asarray(b)], axis=0)


class _RowsDataset(Dataset):
    """The rows of an array or a dict of arrays as a Dataset (items ``x``)."""

    def __init__(self, X):
        self.X = X

    def __len__(self):
        return n_rows(self.X)

    def __getitem__(self, i):
        if isinstance(self.X, Mapping):
            return {key: value[i] for key, value in self.X.items()}
        return self.X[i]


def item_input(item):
    """The input part ``x`` of a Dataset item.

    ``item[0]`` of an ``(x, y)`` pair or of a 1-tuple ``(x,)`` (what a
    ``TensorDataset`` of one tensor yields), else the item itself.
    """
    if isinstance(item, (tuple, list)) and len(item) in (1, 2):
        return item[0]
    return item


def _as_input_tensor(x):
    """An item's ``x`` as a tensor; floating and boolean values as ``float32``."""
    t = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x)
    if t.is_floating_point() or t.dtype == torch.bool:
        t = t.to(torch.float32)
    return t


def _shape_of(x):
    if isinstance(x, Mapping):
        return {key: tuple(np.shape(value)) for key, value in x.items()}
    return tuple(np.shape(x))


def _finite(x):
    """Whether every floating value of a tensor, or of a dict of tensors, is finite."""
    tensors = x.values() if isinstance(x, Mapping) else [x]
    return all(bool(torch.isfinite(t).all()) for t in tensors if t.is_floating_point())
