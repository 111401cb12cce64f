"""Per-row gradients of one network output with respect to every ``nn.Linear``.

The finite-width neural tangent kernel's features (Holzmüller et al., 2023,
base kernel "grad"), exactly or sketched by Gaussian random projections that
never form the per-row gradient.
"""

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._data import iter_chunks, n_rows
from ._output import _chunk_length, _first, _numpy, _padded, evaluating

__all__ = ["gradient_features"]


@contextmanager
def _recording_linear_layers(module):
    """Record ``(layer, input, output)`` of every ``nn.Linear`` call of a forward pass.

    Forward hooks on every ``nn.Linear`` of ``module`` append to a list, in
    the order the layers run; the hooks are removed on exit.
    """
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError(
            f"{type(module).__name__} has no torch.nn.Linear layer: the gradient kernel "
            "differentiates the network's nn.Linear layers. End the module with an nn.Linear "
            "(as skactive.nets.MLP does)."
        )
    calls = []

    def hook(layer, args, output):
        calls.append((layer, args[0], output))

    handles = [layer.register_forward_hook(hook) for layer in linears]
    try:
        yield calls
    finally:
        for handle in handles:
            handle.remove()


def _check_calls(calls):
    seen = set()
    for layer, a, _ in calls:
        if id(layer) in seen:
            raise ValueError(
                "an nn.Linear layer runs more than once in a forward pass; the gradient "
                "kernel needs each layer's gradient as one outer product (use kernel='ll')."
            )
        seen.add(id(layer))
        if a.ndim != 2:
            raise ValueError(
                f"an nn.Linear layer receives an input of shape {tuple(a.shape)}; the gradient "
                "kernel needs one vector per row at every nn.Linear (use kernel='ll')."
            )


def _selected_output(out, output):
    if out.ndim == 1:
        out = out[:, None]
    if output == "argmax":
        columns = out.detach().argmax(dim=1)
    else:
        columns = torch.full((out.shape[0],), output, device=out.device)
    return out[torch.arange(out.shape[0], device=out.device), columns]


def gradient_features(net, X, *, batch_size, output=0, n_components=None, random_state=None):
    """The gradient of one network output with respect to every ``nn.Linear``'s parameters.

    For each ``nn.Linear`` ``z = W a + b`` of the network, the gradient of the
    output ``f(x)`` with respect to ``W`` is the outer product ``δ(x) a(x)ᵀ``
    with ``δ = ∂f/∂z``, and with respect to ``b`` it is ``δ(x)``. Their inner
    products summed over layers form the finite-width neural tangent kernel
    of the ``nn.Linear`` parameters. Rows are independent in eval mode, so
    the ``δ`` of a whole chunk come from one backward pass of ``Σ_x f(x)``
    with respect to the layer outputs; the parameters' ``.grad`` are left
    untouched.

    With ``n_components`` the features are sketched without forming the
    outer product: for each layer, with Gaussian matrices ``A`` (in × p),
    ``D`` and ``B`` (out × p) of standard normal entries,
    ``((a A) ⊙ (δ D) + δ B) / √p``, summed over layers. Its inner products
    are unbiased estimates of the kernel (the sketch of a product of
    kernels as an elementwise product of sketches, and of a sum as a sum).
    The matrices are drawn from ``random_state`` in the order the layers run.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module contains at least one ``nn.Linear``, each
        run once per forward pass on one vector per row.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Rows per forward and backward pass.
    output : "argmax" or int, default=0
        The output differentiated: a fixed column (0 for a one-output
        regressor) or each row's largest one (a classifier's predicted
        class).
    n_components : int, default=None
        Dimension of the sketch; None for the exact gradient.
    random_state : int, RandomState instance or None, default=None
        Source of the sketch's Gaussian matrices.

    Returns
    -------
    features : ndarray of shape (n_samples, n_parameters) or (n_samples, n_components)
        dtype float32. Exactly: per layer in the order they run, ``δ ⊗ a``
        (``W``'s gradient flattened row-major, as ``W.grad.ravel()``) and
        then ``δ`` if the layer has a bias. Sketched: ``n_components``
        values.

    References
    ----------
    .. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", JMLR 24(164), 2023, base kernel k_grad and the sketching
       transformation.
    """
    if n_rows(X) == 0:
        raise ValueError("X has no rows.")
    rng = check_random_state(random_state)
    sketch = None
    features = None
    module = net.module_
    with evaluating(module), torch.enable_grad(), _recording_linear_layers(module) as calls:
        for start, chunk in iter_chunks(net, X, batch_size):
            calls.clear()
            length = _chunk_length(chunk)
            f = _selected_output(_first(net.infer(_padded(chunk))), output)
            _check_calls(calls)
            deltas = torch.autograd.grad(f.sum(), [z for _, _, z in calls])
            parts = [
                (layer, a[:length].detach(), d[:length])
                for (layer, a, _), d in zip(calls, deltas, strict=True)
            ]
            if n_components is None:
                block = []
                for layer, a, d in parts:
                    block.append((d[:, :, None] * a[:, None, :]).reshape(length, -1))
                    if layer.bias is not None:
                        block.append(d)
                block = torch.cat(block, dim=1)
            else:
                if sketch is None:
                    sketch = [
                        tuple(
                            torch.as_tensor(
                                rng.standard_normal(shape), dtype=a.dtype, device=a.device
                            )
                            for shape in (
                                (layer.in_features, n_components),
                                (layer.out_features, n_components),
                                (layer.out_features, n_components),
                            )
                        )
                        for layer, a, _ in parts
                    ]
                block = 0.0
                for (layer, a, d), (A, D, B) in zip(parts, sketch, strict=True):
                    block = block + (a @ A) * (d @ D)
                    if layer.bias is not None:
                        block = block + d @ B
                block = block / np.sqrt(n_components)
            if features is None:
                features = np.empty((n_rows(X), block.shape[1]), dtype=np.float32)
            features[start : start + length] = _numpy(block)
            calls.clear()
    return features
