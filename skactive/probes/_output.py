"""Network output: predictions in chunks, in eval mode, under a seed.

The helpers every probe shares: :func:`seeded_torch` and :func:`evaluating`
leave torch's generators, each submodule's train/eval flag and the grad
mode as they were, even when an error is raised.
"""

from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np
import torch

from ._data import iter_chunks

__all__ = ["evaluating", "iter_network_output", "network_output", "seeded_torch"]


@contextmanager
def seeded_torch(seed):
    """Run a block with torch's global generator seeded by ``seed``.

    The previous states of the CPU generator and, where CUDA is available,
    of every CUDA device's generator are restored on exit, so seeding a fit
    or a query does not disturb the caller's own torch random streams.

    Parameters
    ----------
    seed : int
        Seed handed to :func:`torch.manual_seed` (which seeds CUDA too).
    """
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield


@contextmanager
def evaluating(module):
    """Put ``module`` in eval mode with gradients off; restore both on exit.

    Each submodule's ``training`` flag is recorded and put back individually,
    so a module that was partly in train mode is returned as it was.

    Parameters
    ----------
    module : torch.nn.Module
        The network to evaluate.
    """
    flags = [(m, m.training) for m in module.modules()]
    grad_enabled = torch.is_grad_enabled()
    try:
        module.eval()
        torch.set_grad_enabled(False)
        yield module
    finally:
        torch.set_grad_enabled(grad_enabled)
        for m, flag in flags:
            m.training = flag


def _first(output):
    # skorch convention: of a tuple output only the first element is the
    # prediction.
    return output[0] if isinstance(output, (tuple, list)) else output


#: Every forward pass of :func:`iter_network_output` has a multiple of this
#: many rows. A matrix product's rounding depends on how many rows it has:
#: BLAS kernels take other code paths (another summation order) for a few
#: rows or a ragged tail, so a row predicted alone could differ from the same
#: row predicted among others by one unit in the last place of float32. On
#: multiples of 16 rows the row-by-row result is the same whatever the other
#: rows and the chunk's length, so predictions do not depend on which other
#: rows share a batch. At most 15 rows are added per chunk.
ROW_MULTIPLE = 16


def _padded(chunk):
    """``chunk`` with its last row repeated up to a multiple of ROW_MULTIPLE rows.

    A dict chunk is padded entry by entry.
    """
    if isinstance(chunk, Mapping):
        return {key: _padded(value) for key, value in chunk.items()}
    if not isinstance(chunk, torch.Tensor) or chunk.ndim == 0:
        return chunk
    pad = -chunk.shape[0] % ROW_MULTIPLE
    if pad == 0:
        return chunk
    return torch.cat([chunk, chunk[-1:].expand(pad, *chunk.shape[1:])], dim=0)


def _chunk_length(chunk):
    return next(iter(chunk.values())).shape[0] if isinstance(chunk, Mapping) else chunk.shape[0]


def _numpy(tensor):
    return tensor.detach().to("cpu").numpy()


def iter_network_output(net, X, *, batch_size):
    """Yield the network's predictions for ``X`` chunk by chunk.

    The prediction is skorch's: the module output (its first element for a
    tuple) passed through the net's predict nonlinearity, so class
    probabilities for a classifier trained with ``CrossEntropyLoss`` or with a
    module that ends in a softmax, and the raw output for a regressor.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`). Memory-mapped arrays are
        read one chunk at a time.
    batch_size : int
        Rows per forward pass.

    Yields
    ------
    start : int
        Index of the chunk's first row in ``X``.
    output : ndarray of shape (n_chunk, n_outputs)
        The predictions of rows ``start:start + n_chunk``, ``float32``.
    """
    nonlinearity = net._get_predict_nonlinearity()
    with evaluating(net.module_):
        for start, chunk in iter_chunks(net, X, batch_size):
            # Padded rows (see ROW_MULTIPLE) are dropped before the nonlinearity.
            raw = _first(net.infer(_padded(chunk)))[: _chunk_length(chunk)]
            output = _numpy(nonlinearity(raw))
            if output.ndim == 1:
                output = output[:, None]
            yield start, output


def network_output(net, X, *, batch_size):
    """Predictions of a fitted net for all of ``X``, computed in chunks.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
        Class probabilities for a classifier, raw outputs for a regressor.
    """
    chunks = [out for _, out in iter_network_output(net, X, batch_size=batch_size)]
    return np.concatenate(chunks, axis=0)
