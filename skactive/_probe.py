"""The probe layer: everything skactive asks of a fitted torch network.

Torch lives here and in :mod:`skactive.nets`, nowhere else. Strategies call
these functions with a fitted skorch net and an array the network accepts
(``float32``, already through any Pipeline preprocessing) and get NumPy
arrays back, so that the selection kernels never see a tensor.

Every function works through the pool in chunks of ``batch_size`` rows, in
``eval`` mode and without gradients, and leaves the module exactly as it
found it: parameters, BatchNorm buffers, each submodule's train/eval flag and
torch's grad mode are restored even when an error is raised.
"""

from contextlib import contextmanager

import numpy as np
import torch
from skorch.utils import to_tensor

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
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``. Memory-mapped arrays are read one chunk
        at a time.
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
        for start in range(0, X.shape[0], batch_size):
            chunk = np.asarray(X[start : start + batch_size])
            if not chunk.flags.writeable:
                # torch warns on read-only arrays (memmaps, pandas views);
                # one chunk is cheap to copy.
                chunk = chunk.copy()
            chunk = to_tensor(chunk, device=net.device)
            output = nonlinearity(_first(net.infer(chunk)))
            output = output.detach().to("cpu").numpy()
            if output.ndim == 1:
                output = output[:, None]
            yield start, output


def network_output(net, X, *, batch_size):
    """Predictions of a fitted net for all of ``X``, computed in chunks.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    output : ndarray of shape (n_samples, n_outputs)
        Class probabilities for a classifier, raw outputs for a regressor.
    """
    chunks = [out for _, out in iter_network_output(net, X, batch_size=batch_size)]
    return np.concatenate(chunks, axis=0)
