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

from contextlib import closing, contextmanager

import numpy as np
import torch
from skorch.utils import to_tensor

__all__ = [
    "evaluating",
    "gradient_embedding",
    "input_gradients",
    "iter_network_output",
    "loss_gradient_norms",
    "network_output",
    "penultimate_embedding",
    "seeded_torch",
]


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


def _iter_chunks(net, X, batch_size):
    """Yield ``(start, tensor)`` chunks of ``X`` on the net's device."""
    for start in range(0, X.shape[0], batch_size):
        chunk = np.asarray(X[start : start + batch_size])
        if not chunk.flags.writeable:
            # torch warns on read-only arrays (memmaps, pandas views); one
            # chunk is cheap to copy.
            chunk = chunk.copy()
        yield start, to_tensor(chunk, device=net.device)


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
    """``chunk`` with its last row repeated up to a multiple of ROW_MULTIPLE rows."""
    if not isinstance(chunk, torch.Tensor) or chunk.ndim == 0:
        return chunk
    pad = -chunk.shape[0] % ROW_MULTIPLE
    if pad == 0:
        return chunk
    return torch.cat([chunk, chunk[-1:].expand(pad, *chunk.shape[1:])], dim=0)


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
        for start, chunk in _iter_chunks(net, X, batch_size):
            # Padded rows (see ROW_MULTIPLE) are dropped before the nonlinearity.
            raw = _first(net.infer(_padded(chunk)))[: chunk.shape[0]]
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


# ------------------------------------------------------------------ embeddings


@contextmanager
def _capturing_final_linear(module):
    """Record the input of the last ``nn.Linear`` that runs in a forward pass.

    A forward pre-hook is put on every ``nn.Linear`` of ``module``; each call
    overwrites the record, so after a forward pass it holds the layer that ran
    last (the network's final linear layer, whatever the order in which the
    submodules were registered) and its input. The hooks are removed on exit.
    """
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError(
            f"{type(module).__name__} has no torch.nn.Linear layer: this strategy needs a "
            "network whose output comes from a final nn.Linear (its input is the "
            "penultimate embedding). End the module with an nn.Linear (as "
            "skactive.nets.MLP does), or choose a strategy that needs no embedding "
            "(e.g. 'entropy' or 'dami')."
        )
    record = {}

    def hook(layer, args):
        record["layer"] = layer
        record["input"] = args[0]

    handles = [layer.register_forward_pre_hook(hook) for layer in linears]
    try:
        yield record
    finally:
        for handle in handles:
            handle.remove()


def _embedding_of(record):
    h = record["input"]
    if h.ndim != 2:
        raise ValueError(
            "the final nn.Linear layer receives an input of shape "
            f"{tuple(h.shape)}; a penultimate embedding needs one vector per row "
            "(a 2-D input of shape (n_samples, n_features))."
        )
    return h


def _iter_final_linear(net, X, batch_size):
    """Yield ``(start, output, layer, h)`` per chunk, in eval mode, hooks removed after.

    ``output`` is the module output (first element of a tuple), ``layer`` the
    final ``nn.Linear`` and ``h`` its input, one vector per row.
    """
    if X.shape[0] == 0:
        raise ValueError("X has no rows.")
    with evaluating(net.module_), _capturing_final_linear(net.module_) as record:
        for start, chunk in _iter_chunks(net, X, batch_size):
            output = _first(net.infer(chunk))
            yield start, output, record["layer"], _embedding_of(record)


def penultimate_embedding(net, X, *, batch_size):
    """The input of the network's final ``nn.Linear`` layer, row by row.

    The final layer is the ``nn.Linear`` that runs last in the forward pass,
    found with forward hooks, which are removed afterwards.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module contains at least one ``nn.Linear``.
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    embedding : ndarray of shape (n_samples, n_hidden), dtype float32
        ``h(x)``, the representation the final linear layer maps to the
        output.

    Raises
    ------
    ValueError
        If the module has no ``nn.Linear`` layer, or its input is not one
        vector per row.
    """
    embedding = None
    with closing(_iter_final_linear(net, X, batch_size)) as chunks:
        for start, _, _, h in chunks:
            if embedding is None:
                embedding = np.empty((X.shape[0], h.shape[1]), dtype=np.float32)
            embedding[start : start + h.shape[0]] = _numpy(h)
    return embedding


def gradient_embedding(net, X, *, batch_size):
    """BADGE's last-layer gradient embedding, in factored form.

    For cross-entropy on logits ``z = W h(x) + b`` and the hallucinated label
    ``ŷ = argmax_y p(y | x)``, the gradient of the loss with respect to the
    final layer's weights ``W`` is the outer product ``(p − e_ŷ) h(x)ᵀ``
    (BADGE, eq. 1). It is returned as its two factors, so that the
    ``(n_samples, n_classes · n_hidden)`` product is never formed.

    ``p`` are the classifier's probabilities (skorch's predict nonlinearity
    applied to the module output), which is ``softmax(W h + b)`` when the
    final ``nn.Linear`` produces the logits, with or without a softmax after
    it.

    Parameters
    ----------
    net : skorch.NeuralNetClassifier
        A fitted classifier net whose final ``nn.Linear`` has one output per
        class.
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``.
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    q : ndarray of shape (n_samples, n_classes), dtype float32
        ``p(x) − e_ŷ(x)``.
    h : ndarray of shape (n_samples, n_hidden), dtype float32
        The penultimate embedding.

    References
    ----------
    .. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
       "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower
       Bounds", ICLR 2020, §3, eq. (1).
    """
    nonlinearity = net._get_predict_nonlinearity()
    q = h = None
    with closing(_iter_final_linear(net, X, batch_size)) as chunks:
        for start, output, layer, embedding in chunks:
            proba = nonlinearity(output)
            if proba.ndim != 2 or layer.out_features != proba.shape[1]:
                raise ValueError(
                    "the gradient embedding needs a final nn.Linear with one output per class; "
                    f"the final layer has {layer.out_features} outputs and the network predicts "
                    f"{proba.shape[-1]} classes."
                )
            if q is None:
                q = np.empty((X.shape[0], proba.shape[1]), dtype=np.float32)
                h = np.empty((X.shape[0], embedding.shape[1]), dtype=np.float32)
            stop = start + proba.shape[0]
            rows = torch.arange(proba.shape[0], device=proba.device)
            proba[rows, proba.argmax(dim=1)] -= 1.0
            q[start:stop] = _numpy(proba)
            h[start:stop] = _numpy(embedding)
    return q, h


# ------------------------------------------------------------------- gradients


def input_gradients(net, X, *, batch_size, output="argmax"):
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
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``.
    batch_size : int
        Rows per forward and backward pass.
    output : "argmax" or int, default="argmax"
        Which output column to differentiate: the largest one of each row
        (the predicted class of a classifier) or a fixed column (0 for a
        one-output regressor).

    Returns
    -------
    gradients : ndarray of shape (n_samples, n_features), dtype float32
        One interpretation vector per row.

    References
    ----------
    .. [1] Q. Liu, Z. Liu, X. Zhu, Y. Wang, R. Chen and Y. Liu, "Deep Active
       Learning by Model Interpretability", 2020, eq. (1)–(2).
    """
    gradients = np.empty(X.shape, dtype=np.float32)
    with evaluating(net.module_), torch.enable_grad():
        for start, chunk in _iter_chunks(net, X, batch_size):
            chunk = chunk.clone().requires_grad_(True)
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
            (grad,) = torch.autograd.grad(out[rows, columns].sum(), chunk)
            gradients[start : start + grad.shape[0]] = _numpy(grad).reshape(grad.shape[0], -1)
    return gradients


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
    X : ndarray of shape (n_samples, n_features)
        Network input, ``float32``.
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
        out = _first(functional_call(module, (params, buffers), (x.unsqueeze(0),)))
        return log_proba(out)[0]

    def row_sq_norms(params, x):
        # (n_classes,) squared norms of the gradients of every class's loss,
        # reduced inside the transform so no (n_classes, n_params) temporary
        # of squares is kept per row.
        jacobian = jacrev(row_log_proba)(params, x)
        norms = [torch.linalg.vector_norm(g.flatten(1), dim=1) for g in jacobian.values()]
        return sum(n.square() for n in norms)

    per_row = vmap(row_sq_norms, in_dims=(None, 0))
    if X.shape[0] == 0:
        raise ValueError("X has no rows.")
    with evaluating(module), torch.enable_grad():
        _, first_row = next(_iter_chunks(net, X[:1], 1))
        n_classes = _first(net.infer(first_row)).shape[-1]
        rows_per_call = max(1, min(batch_size, _MAX_GRADIENT_ENTRIES // (n_params * n_classes)))
        norms = np.empty((X.shape[0], n_classes), dtype=np.float64)
        for start, chunk in _iter_chunks(net, X, rows_per_call):
            sq = per_row(params, chunk)
            norms[start : start + chunk.shape[0]] = np.sqrt(_numpy(sq).astype(np.float64))
    return norms
