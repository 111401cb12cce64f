"""Embeddings of pool rows at the network's final ``nn.Linear`` layer.

The penultimate embedding ``h(x)`` (the input of the last ``nn.Linear`` to
run) and BADGE's last-layer gradient embedding, in factored form.
"""

from contextlib import closing, contextmanager

import numpy as np
import torch

from ._data import iter_chunks, n_rows
from ._device import _Rows
from ._output import _first, _numpy, evaluating

__all__ = ["gradient_embedding", "last_layer_features", "penultimate_embedding"]


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
    if n_rows(X) == 0:
        raise ValueError("X has no rows.")
    with evaluating(net.module_), _capturing_final_linear(net.module_) as record:
        for start, chunk in iter_chunks(net, X, batch_size):
            output = _first(net.infer(chunk))
            yield start, output, record["layer"], _embedding_of(record)


def penultimate_embedding(net, X, *, batch_size, on_device=False):
    """The input of the network's final ``nn.Linear`` layer, row by row.

    The final layer is the ``nn.Linear`` that runs last in the forward pass,
    found with forward hooks, which are removed afterwards.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module contains at least one ``nn.Linear``.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Rows per forward pass.
    on_device : bool, default=False
        Return a torch tensor on the net's device instead of a NumPy array
        on the CPU (see :func:`uses_accelerator`).

    Returns
    -------
    embedding : ndarray of shape (n_samples, n_hidden), dtype float32
        ``h(x)``, the representation the final linear layer maps to the
        output; a float32 torch tensor of that shape on the net's device
        if ``on_device``.

    Raises
    ------
    ValueError
        If the module has no ``nn.Linear`` layer, or its input is not one
        vector per row.
    """
    embedding = _Rows(n_rows(X), on_device)
    with closing(_iter_final_linear(net, X, batch_size)) as chunks:
        for start, _, _, h in chunks:
            embedding.put(start, h)
    return embedding.array


def gradient_embedding(net, X, *, batch_size, on_device=False):
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
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Rows per forward pass.
    on_device : bool, default=False
        Return torch tensors on the net's device instead of NumPy arrays on
        the CPU (see :func:`uses_accelerator`).

    Returns
    -------
    q : ndarray of shape (n_samples, n_classes), dtype float32
        ``p(x) − e_ŷ(x)``.
    h : ndarray of shape (n_samples, n_hidden), dtype float32
        The penultimate embedding. Both are float32 torch tensors on the
        net's device if ``on_device``.

    References
    ----------
    .. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
       "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower
       Bounds", ICLR 2020, §3, eq. (1).
    """
    nonlinearity = net._get_predict_nonlinearity()
    q, h = _Rows(n_rows(X), on_device), _Rows(n_rows(X), on_device)
    with closing(_iter_final_linear(net, X, batch_size)) as chunks:
        for start, output, layer, embedding in chunks:
            proba = nonlinearity(output)
            if proba.ndim != 2 or layer.out_features != proba.shape[1]:
                raise ValueError(
                    "the gradient embedding needs a final nn.Linear with one output per class; "
                    f"the final layer has {layer.out_features} outputs and the network predicts "
                    f"{proba.shape[-1]} classes."
                )
            rows = torch.arange(proba.shape[0], device=proba.device)
            proba[rows, proba.argmax(dim=1)] -= 1.0
            q.put(start, proba)
            h.put(start, embedding)
    return q.array, h.array


def last_layer_features(net, X, *, batch_size):
    """Gradients of a network output with respect to the final layer's parameters.

    For the final ``nn.Linear`` ``z = W h(x) + b``, the gradient of any one
    output ``z_k`` with respect to ``(W, b)`` is ``h(x)`` in row ``k`` of
    ``W``, 1 at ``b_k`` and zero elsewhere, so its non-zero part is
    ``(h(x), 1)``, the same for every ``k``. Its inner products form the
    last-layer kernel ``k_ll(x, x') = h(x)·h(x') + 1`` (Holzmüller et al.,
    2023, base kernel "ll"). Without a bias the trailing 1 is left out.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module contains at least one ``nn.Linear``.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    batch_size : int
        Rows per forward pass.

    Returns
    -------
    features : ndarray of shape (n_samples, n_hidden + 1) or (n_samples, n_hidden), dtype float32
        ``(h(x), 1)`` if the final layer has a bias, else ``h(x)``.

    Raises
    ------
    ValueError
        If the module has no ``nn.Linear`` layer, or its input is not one
        vector per row.

    References
    ----------
    .. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", JMLR 24(164), 2023, base kernel k_ll.
    """
    features = None
    with closing(_iter_final_linear(net, X, batch_size)) as chunks:
        for start, _, layer, h in chunks:
            if features is None:
                extra = 0 if layer.bias is None else 1
                features = np.ones((n_rows(X), h.shape[1] + extra), dtype=np.float32)
            features[start : start + h.shape[0], : h.shape[1]] = _numpy(h)
    return features
