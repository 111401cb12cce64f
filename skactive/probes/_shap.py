"""SHAP explanations of a fitted network's predictions, in the probe layer.

ALEX (Mondal & Ganguly, 2020) represents each row by its explanation
vector: the SHAP values (Lundberg & Lee, 2017) of the network's output for
the row's predicted class, one value per input feature. This module gets
them from the ``shap`` package for a fitted skorch net and returns NumPy
arrays.

shap's explainers change the module they are given: they put it in eval
mode, register forward and backward hooks, attach tensors to submodules as
parameters, accumulate or clear the parameters' gradients, and some draw
from NumPy's global random generator. :func:`shap_explanations` undoes all
of this on exit, even when shap raises: each submodule's train/eval flag,
torch's grad mode, every hook, parameter and buffer registered during the
call, the parameters' ``.grad`` and NumPy's global random state are put
back as they were.

References
----------
.. [1] S. M. Lundberg and S.-I. Lee, "A Unified Approach to Interpreting
   Model Predictions", NeurIPS 2017.
.. [2] I. Mondal and D. Ganguly, "ALEX: Active Learning based Enhancement
   of a Model's EXplainability", CIKM 2020, §3.
"""

from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np
import torch

from ._data import iter_chunks, n_rows
from ._output import _first, _numpy, evaluating, seeded_torch

__all__ = ["EXPLAINERS", "shap_explanations"]

#: Explainers :func:`shap_explanations` can use.
EXPLAINERS = ("deep", "gradient", "kernel")


@contextmanager
def _restoring(module):
    """Put ``module`` back exactly as it was after shap has used it."""
    hook_names = {}
    snapshot = []
    for m in module.modules():
        hooks = {
            name: dict(value)
            for name, value in vars(m).items()
            if name.endswith("hooks") and isinstance(value, dict)
        }
        hook_names[m] = hooks
        snapshot.append(
            (
                m,
                set(vars(m)),
                set(m._parameters),
                set(m._buffers),
                set(m._modules),
                getattr(m, "_is_full_backward_hook", None),
            )
        )
    grads = [(p, None if p.grad is None else p.grad.clone()) for p in module.parameters()]
    numpy_state = np.random.get_state()
    try:
        with evaluating(module), torch.enable_grad():
            yield
    finally:
        np.random.set_state(numpy_state)
        for m, attrs, params, buffers, children, full_hook in snapshot:
            for name, before in hook_names[m].items():
                current = getattr(m, name, None)
                if isinstance(current, dict):
                    for key in [k for k in current if k not in before]:
                        del current[key]
            for key in [k for k in m._parameters if k not in params]:
                del m._parameters[key]
            for key in [k for k in m._buffers if k not in buffers]:
                del m._buffers[key]
            for key in [k for k in m._modules if k not in children]:
                del m._modules[key]
            for key in [k for k in vars(m) if k not in attrs]:
                delattr(m, key)
            if "_is_full_backward_hook" in vars(m):
                m._is_full_backward_hook = full_hook
        for p, grad in grads:
            p.grad = grad


class _Logits(torch.nn.Module):
    """The module's first output as a 2-D tensor (skorch's tuple convention).

    ``keys`` names the entries of a dict input: shap hands a multi-input
    model its inputs as positional tensors, which go back to the module as
    keyword arguments.
    """

    def __init__(self, module, keys=None):
        super().__init__()
        self.module = module
        self.keys = keys

    def forward(self, *X):
        if self.keys:
            out = self.module(**dict(zip(self.keys, X, strict=True)))
        else:
            out = self.module(X[0])
        out = _first(out)
        return out[:, None] if out.ndim == 1 else out


def _parts(chunk):
    """A chunk as shap takes it: one tensor, or the tensors of a dict in key order."""
    return list(chunk.values()) if isinstance(chunk, Mapping) else [chunk]


def _shap_input(parts):
    return parts if len(parts) > 1 else parts[0]


def _all_rows(net, X, batch_size):
    """Every row of a (small) input as one chunk of tensors on the net's device."""
    chunks = [_parts(chunk) for _, chunk in iter_chunks(net, X, batch_size)]
    return [torch.cat(tensors, dim=0) for tensors in zip(*chunks, strict=True)]


def _flat(phi, parts):
    """SHAP values of a chunk as (n_rows, n_input_values, n_explained_outputs)."""
    n = parts[0].shape[0]
    phi = phi if isinstance(phi, list) and len(parts) > 1 else [phi]
    flat = [
        np.asarray(p).reshape(n, int(np.prod(t.shape[1:])), -1)
        for p, t in zip(phi, parts, strict=True)
    ]
    return np.concatenate(flat, axis=1)


def _predicted_columns(net, X, batch_size):
    columns = np.empty(n_rows(X), dtype=np.int64)
    with evaluating(net.module_):
        for start, chunk in iter_chunks(net, X, batch_size):
            out = _first(net.infer(chunk))
            out = out[:, None] if out.ndim == 1 else out
            columns[start : start + out.shape[0]] = _numpy(out.argmax(dim=1))
    return columns


def _of_columns(phi, columns):
    """(n_chunk, n_values, n_outputs) SHAP values -> those of one output per row."""
    rows = np.arange(phi.shape[0])
    return phi[rows, :, columns[: phi.shape[0]]]


def _run_shap(net, X, background, columns, explainer, seed, batch_size, nsamples):
    import shap

    module = net.module_
    keys = list(background) if isinstance(background, Mapping) else None
    model = _Logits(module, keys)
    device = net.device
    background_t = _all_rows(net, background, batch_size)
    values = None

    def store(start, phi):
        nonlocal values
        if values is None:
            values = np.empty((n_rows(X), phi.shape[1]), dtype=np.float64)
        values[start : start + phi.shape[0]] = phi

    if explainer == "kernel":
        if keys is not None:
            raise ValueError(
                "the kernel explainer takes one array per row; for a dict input choose "
                "explainer='deep' or 'gradient'."
            )
        shape = tuple(background_t[0].shape[1:])

        def f(Z):
            Z = torch.from_numpy(np.asarray(Z, dtype=np.float32).reshape((-1,) + shape))
            with torch.no_grad():
                return _numpy(model(Z.to(device))).astype(np.float64)

        np.random.seed(seed)
        flat_background = _numpy(background_t[0]).reshape(len(background_t[0]), -1)
        kernel = shap.KernelExplainer(f, flat_background.astype(np.float64))
        for start, chunk in iter_chunks(net, X, batch_size):
            rows = _numpy(chunk).reshape(chunk.shape[0], -1).astype(np.float64)
            phi = kernel.shap_values(rows, nsamples=nsamples, l1_reg=False, silent=True)
            store(start, _of_columns(_flat(phi, [chunk]), columns[start:]))
        return values
    if explainer == "deep":
        shap_explainer = shap.DeepExplainer(model, _shap_input(background_t))
    else:
        shap_explainer = shap.GradientExplainer(model, _shap_input(background_t))
    kwargs = {"check_additivity": False} if explainer == "deep" else {"nsamples": nsamples}
    for start, chunk in iter_chunks(net, X, batch_size):
        parts = _parts(chunk)
        if explainer == "gradient":
            kwargs["rseed"] = seed
        # Only the largest output is explained (shap's ranked outputs): one
        # backward pass per row instead of one per class.
        phi, ranked = shap_explainer.shap_values(
            _shap_input(parts), ranked_outputs=1, output_rank_order="max", **kwargs
        )
        expected = columns[start : start + parts[0].shape[0]]
        if np.array_equal(np.asarray(ranked).reshape(-1), expected):
            store(start, _flat(phi, parts)[:, :, 0])
        else:
            # Tied outputs ranked differently from argmax: explain every output
            # and take the predicted one.
            if explainer == "gradient":
                kwargs["rseed"] = seed
            phi = shap_explainer.shap_values(_shap_input(parts), **kwargs)
            store(start, _of_columns(_flat(phi, parts), expected))
    return values


def shap_explanations(
    net, X, background, *, explainer="deep", batch_size=256, random_state=0, nsamples=200
):
    """SHAP values of each row's predicted output, one per input feature.

    The explained output is the module's raw output (its first element for a
    tuple): the logit for a classifier module such as
    :class:`skactive.nets.MLP`, before skorch's softmax; the column explained
    is the row's largest output, its predicted class (a one-output
    regressor's only output).

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Rows to explain, network input (see :mod:`skactive.probes`):
        tables, images, a dict input (explained entry by entry; the deep and
        gradient explainers only).
    background : ndarray, dict of arrays or Dataset
        Rows over which shap integrates features out, network input of the
        same kind and row shape as ``X``.
    explainer : {"deep", "gradient", "kernel"}, default="deep"
        ``shap.DeepExplainer`` (DeepLIFT-style, exact for the supported
        layers), ``shap.GradientExplainer`` (expected gradients) or
        ``shap.KernelExplainer`` (model-agnostic, slow).
    batch_size : int, default=256
        Rows handed to shap at once.
    random_state : int, default=0
        Seed of the sampling of the gradient and kernel explainers (torch and
        NumPy's global generator are seeded for the call and restored).
    nsamples : int, default=200
        Samples per row for the gradient and kernel explainers.

    Returns
    -------
    explanations : ndarray of shape (n_samples, n_input_values), dtype float64
        ``φ(x)``: the SHAP value of each input value for the predicted
        output, flattened per row (an image ``(C, H, W)`` gives ``C·H·W``
        values; a dict its entries' values in key order).

    Raises
    ------
    ValueError
        If ``explainer`` is unknown, ``X`` or ``background`` has no rows,
        or shap cannot explain the module (the message names shap's error,
        a row shape that differs between ``X`` and ``background``
        included).
    """
    if explainer not in EXPLAINERS:
        raise ValueError(f"explainer must be one of {EXPLAINERS}, got {explainer!r}.")
    if n_rows(X) == 0 or n_rows(background) == 0:
        raise ValueError("X and background must have at least one row each.")
    if isinstance(X, Mapping) != isinstance(background, Mapping):
        raise ValueError("X and background must be inputs of the same kind (both dicts or not).")
    if hasattr(X, "shape") and hasattr(background, "shape") and X.shape[1:] != background.shape[1:]:
        raise ValueError(
            "X and background must have rows of the same shape (for tables, the same number of "
            f"columns); got shapes {X.shape} and {background.shape}."
        )
    columns = _predicted_columns(net, X, batch_size)
    module = net.module_
    with _restoring(module), seeded_torch(random_state):
        try:
            return _run_shap(
                net, X, background, columns, explainer, int(random_state), batch_size, nsamples
            )
        except Exception as error:
            raise ValueError(
                f"shap's {explainer} explainer could not explain "
                f"{type(module).__name__}: {type(error).__name__}: {error}. Choose another "
                "explainer (ALEX(explainer='gradient') or 'kernel')."
            ) from error
