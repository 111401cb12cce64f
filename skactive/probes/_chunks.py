"""Feed any input kind to a network in chunks.

Arrays and memory maps are sliced ``batch_size`` rows at a time, never
collated row by row; a Dataset goes through a batched
:class:`~torch.utils.data.DataLoader` whose collate function checks every
item (:class:`_Collate`).
"""

from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import DataLoader

from ._rows import (
    _as_input_tensor,
    _finite,
    _shape_of,
    is_dataset,
    item_input,
    n_rows,
)


class _Collate:
    """Stack a Dataset's items into one input chunk, checking every item.

    Items must all have the shape ``expected`` (the first item's shape when
    None) and finite values; the error names the first item that has not.
    Used with ``num_workers=0`` only: it counts the items it has seen.
    """

    def __init__(self, expected=None):
        self.expected = expected
        self.seen = 0

    def _check(self, x):
        shape = _shape_of(x)
        if self.expected is None:
            self.expected = shape
        if shape != self.expected:
            raise ValueError(
                f"The Dataset has items of different shapes: item {self.seen} has an input of "
                f"shape {shape}, but the others have {self.expected}. Every item must have the "
                "same shape (resize or pad them in the Dataset)."
            )
        self.seen += 1

    def __call__(self, items):
        xs = [item_input(item) for item in items]
        for x in xs:
            self._check(x)
        if isinstance(xs[0], Mapping):
            chunk = {key: torch.stack([_as_input_tensor(x[key]) for x in xs]) for key in xs[0]}
        else:
            chunk = torch.stack([_as_input_tensor(x) for x in xs])
        if not _finite(chunk):
            raise ValueError(
                "The Dataset has NaN or infinite values in items "
                f"{self.seen - len(xs)} to {self.seen - 1}: every value must be finite."
            )
        return chunk


def _loader(X, batch_size, collate):
    """A batched, ordered DataLoader over ``X`` in this process.

    It gets a generator of its own: a DataLoader draws its base seed from the
    generator it is given, which would otherwise be torch's global one, and
    reading a pool must leave the caller's random streams alone.
    """
    return DataLoader(
        X, batch_size=batch_size, shuffle=False, collate_fn=collate, generator=torch.Generator()
    )


def _array_chunk(values, floating_only):
    """One slice of an array as a tensor the network accepts."""
    if torch.is_tensor(values):
        chunk = values
    else:
        values = np.asarray(values)
        if not values.flags.writeable:
            # torch warns on read-only arrays (memmaps, pandas views); one
            # chunk is cheap to copy.
            values = values.copy()
        chunk = torch.from_numpy(values)
    if not floating_only or chunk.is_floating_point() or chunk.dtype == torch.bool:
        chunk = chunk.to(torch.float32)
    return chunk


def _chunk_rows(chunk):
    return next(iter(chunk.values())).shape[0] if isinstance(chunk, Mapping) else chunk.shape[0]


def _to(chunk, device):
    if isinstance(chunk, Mapping):
        return {key: value.to(device) for key, value in chunk.items()}
    return chunk.to(device)


def iter_chunks(net, X, batch_size, *, expected=None):
    """Yield ``(start, chunk)``: the input ``X`` in chunks, on ``net.device``.

    Parameters
    ----------
    net : skorch.NeuralNet
        The net whose ``device`` receives the chunks.
    X : ndarray, tensor, dict of arrays or Dataset
        Network input. Arrays and memory maps are sliced and read one chunk
        at a time; a Dataset is read through a batched ``DataLoader``.
    batch_size : int
        Rows per chunk.
    expected : tuple or dict, default=None
        Dataset only: the shape every item's input must have.

    Yields
    ------
    start : int
        Index of the chunk's first row in ``X``.
    chunk : Tensor of shape (n_chunk, ...) or dict of such tensors
        Rows ``start:start + n_chunk``; what ``net.infer`` takes (a dict is
        passed to the module as keyword arguments).
    """
    yield from _chunks(X, batch_size, net.device, expected)


def _chunks(X, batch_size, device, expected=None):
    if is_dataset(X):
        loader = _loader(X, batch_size, _Collate(expected))
        start = 0
        for chunk in loader:
            yield start, _to(chunk, device)
            start += _chunk_rows(chunk)
        return
    for start in range(0, n_rows(X), batch_size):
        stop = start + batch_size
        if isinstance(X, Mapping):
            chunk = {key: _array_chunk(value[start:stop], True) for key, value in X.items()}
        else:
            chunk = _array_chunk(X[start:stop], False)
        yield start, _to(chunk, device)


def flat_rows(X, *, batch_size=1024):
    """Every row of ``X`` as one flat ``float32`` vector, read in chunks.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input.
    batch_size : int, default=1024
        Rows read at once.

    Returns
    -------
    rows : ndarray of shape (n_samples, n_values), dtype float32
        Row ``i``'s values in C order (a dict's entries one after the
        other, in key order).
    """
    out = None
    device = torch.device("cpu")
    for start, chunk in _chunks(X, batch_size, device):
        parts = list(chunk.values()) if isinstance(chunk, Mapping) else [chunk]
        flat = torch.cat([t.reshape(t.shape[0], -1).to(torch.float32) for t in parts], dim=1)
        if out is None:
            out = np.empty((n_rows(X), flat.shape[1]), dtype=np.float32)
        out[start : start + flat.shape[0]] = flat.numpy()
    return out
