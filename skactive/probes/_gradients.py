"""Gradients of a fitted network: with respect to its input (DAMI) and, per
row and per possible label, of the loss with respect to the parameters (EGL).
"""

from collections.abc import Mapping

import numpy as np
import torch

from ._data import iter_chunks, n_rows
from ._device import _Rows
from ._output import _first, _numpy, evaluating

__all__ = ["input_gradients", "loss_gradient_norms"]


def input_gradients(net, X, *, batch_size, output="argmax", on_device=False):
    """Gradient of one network output with respect to the network input.

    DAMI's local interpretation ``I(x) = ∂ŷ/∂x`` (eq. 1). The differentiated
    quantity is the module's raw output (its first element for a tuple),
    before skorch's predict nonlinearity: for a classifier module that
    returns logits it is the logit of the predicted class, which is exactly
    piecewise linear in ``x`` for a ReLU network, so ``f(x + εd) ≈ f(x) +
    ε I(x)·d`` holds inside each linear region (DAMI eq. 2).

    Rows are independent in eval mode, so the gradients of a whole chunk come
    from one backward pass of the sum of the chosen outputs. Only the input
    receives gradients; the parameters' ``.grad`` are left untouched.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Rows per forward and backward pass.
    output : "argmax" or int, default="argmax"
        Which output column to differentiate: the largest one of each row
        (the predicted class of a classifier) or a fixed column (0 for a
        one-output regressor).
    on_device : bool, default=False
        Return a torch tensor on the net's device instead of a NumPy array
        on the CPU (see :func:`uses_accelerator`).

    Returns
    -------
    gradients : ndarray of shape (n_samples, n_input_values), dtype float32
        One interpretation vector per row: the gradient with respect to the
        row's input, flattened (an image ``(C, H, W)`` gives ``C·H·W``
        values; a dict input the flattened gradients of its floating
        entries, in key order, one after the other). A float32 torch tensor
        of that shape on the net's device if ``on_device``.

    References
    ----------
    .. [1] Q. Liu, Z. Liu, X. Zhu, Y. Wang, R. Chen and Y. Liu, "Deep Active
       Learning by Model Interpretability", 2020, eq. (1)–(2).
    """
    gradients = _Rows(n_rows(X), on_device)
    with evaluating(net.module_), torch.enable_grad():
        for start, chunk in iter_chunks(net, X, batch_size):
            chunk, inputs = _differentiable(chunk)
            out = _first(net.infer(chunk))
            if out.ndim == 1:
                out = out[:, None]
            if output == "argmax":
                columns = out.detach().argmax(dim=1)
            else:
                if not 0 <= output < out.shape[1]:
                    raise ValueError(
                        f"output={output} is not a column of the network's {out.shape[1]} outputs."
                    )
                columns = torch.full((out.shape[0],), output, device=out.device)
            rows = torch.arange(out.shape[0], device=out.device)
            grads = torch.autograd.grad(out[rows, columns].sum(), inputs)
            grad = torch.cat([g.reshape(g.shape[0], -1) for g in grads], dim=1)
            gradients.put(start, grad)
    return gradients.array


def _differentiable(chunk):
    """``chunk`` with its floating tensors requiring grad, and those tensors.

    A dict input keeps its integer entries (token ids) as they are; only its
    floating entries, in key order, receive gradients.
    """
    if isinstance(chunk, Mapping):
        chunk = {
            key: value.clone().requires_grad_(True) if value.is_floating_point() else value
            for key, value in chunk.items()
        }
        inputs = [value for value in chunk.values() if value.requires_grad]
        if not inputs:
            raise ValueError(
                "input gradients need a floating-point input; every entry of the dict input "
                f"({sorted(chunk)}) is an integer tensor."
            )
        return chunk, inputs
    chunk = chunk.clone().requires_grad_(True)
    return chunk, [chunk]


def _log_proba_function(net):
    """``output -> log p(y | x)`` matching the loss the net is trained with."""
    criterion = net.criterion_
    if isinstance(criterion, torch.nn.CrossEntropyLoss):
        return lambda out: torch.log_softmax(out, dim=-1)
    nonlinearity = net._get_predict_nonlinearity()

    def log_proba(out):
        proba = nonlinearity(out)
        # skorch's NeuralNetClassifier.get_loss adds the same eps before the
        # log when the criterion is NLLLoss on probabilities.
        return torch.log(proba + torch.finfo(proba.dtype).eps)

    return log_proba


#: Upper bound on per-sample gradient entries held at once (float32 values):
#: rows of a chunk × classes × parameters. 2**26 is 256 MiB.
_MAX_GRADIENT_ENTRIES = 2**26


def loss_gradient_norms(net, X, *, batch_size):
    """Per-row norms of the loss gradient for every possible label.

    For each row ``x`` and class ``y``, ``‖∇_θ ℓ(x, y)‖`` with ``ℓ(x, y) =
    −log p(y | x)`` (cross-entropy on the module's logits when the criterion
    is ``CrossEntropyLoss``, else the log of skorch's probabilities plus eps,
    as skorch's ``NLLLoss`` handling does), over all trainable parameters
    ``θ`` of the module.

    Per-sample gradients come from :mod:`torch.func`: ``vmap`` over the rows
    of a chunk of ``jacrev`` of the row's log-probability vector, reduced to
    norms inside the transform, so one forward pass per chunk gives the
    gradients of all ``n_classes`` losses of every row, never a Python loop
    over rows. The chunk is shrunk below
    ``batch_size`` when needed so that at most ``2**26`` Jacobian entries
    (rows × classes × parameters) exist at once.

    Parameters
    ----------
    net : skorch.NeuralNetClassifier
        A fitted classifier net.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Largest number of rows per vectorised call.

    Returns
    -------
    norms : ndarray of shape (n_samples, n_classes), dtype float64
        ``norms[i, y] = ‖∇_θ ℓ(x_i, y)‖₂``.
    """
    from torch.func import functional_call, jacrev, vmap

    module = net.module_
    params = {k: v.detach() for k, v in module.named_parameters() if v.requires_grad}
    buffers = dict(module.named_buffers())
    n_params = sum(v.numel() for v in params.values())
    if n_params == 0:
        raise ValueError("the network has no trainable parameters to differentiate.")
    log_proba = _log_proba_function(net)

    def row_log_proba(params, x):
        # One row as a batch of one; a dict row goes in as keyword arguments.
        if isinstance(x, Mapping):
            batch = {key: value.unsqueeze(0) for key, value in x.items()}
            out = functional_call(module, (params, buffers), (), batch)
        else:
            out = functional_call(module, (params, buffers), (x.unsqueeze(0),))
        return log_proba(_first(out))[0]

    def row_sq_norms(params, x):
        # (n_classes,) squared norms of the gradients of every class's loss,
        # reduced inside the transform so no (n_classes, n_params) temporary
        # of squares is kept per row.
        jacobian = jacrev(row_log_proba)(params, x)
        norms = [torch.linalg.vector_norm(g.flatten(1), dim=1) for g in jacobian.values()]
        return sum(n.square() for n in norms)

    per_row = vmap(row_sq_norms, in_dims=(None, 0))
    if n_rows(X) == 0:
        raise ValueError("X has no rows.")
    with evaluating(module), torch.enable_grad():
        _, first_row = next(iter_chunks(net, X, 1))
        n_classes = _first(net.infer(first_row)).shape[-1]
        rows_per_call = max(1, min(batch_size, _MAX_GRADIENT_ENTRIES // (n_params * n_classes)))
        norms = np.empty((n_rows(X), n_classes), dtype=np.float64)
        for start, chunk in iter_chunks(net, X, rows_per_call):
            sq = _numpy(per_row(params, chunk))
            norms[start : start + sq.shape[0]] = np.sqrt(sq.astype(np.float64))
    return norms
