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

from contextlib import contextmanager

import numpy as np
import torch

from ._probe import _first, _iter_chunks, _numpy, evaluating, seeded_torch

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
    """The module's first output as a 2-D tensor (skorch's tuple convention)."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, X):
        out = _first(self.module(X))
        return out[:, None] if out.ndim == 1 else out


def _predicted_columns(net, X, batch_size):
    columns = np.empty(X.shape[0], dtype=np.int64)
    with evaluating(net.module_):
        for start, chunk in _iter_chunks(net, X, batch_size):
            out = _first(net.infer(chunk))
            out = out[:, None] if out.ndim == 1 else out
            columns[start : start + out.shape[0]] = _numpy(out.argmax(dim=1))
    return columns


def _of_columns(phi, columns, shape):
    """(n_chunk, n_features[, n_outputs]) SHAP values -> those of one output per row."""
    phi = np.asarray(phi).reshape(shape[0], shape[1], -1)
    rows = np.arange(shape[0])
    return phi[rows, :, columns[: shape[0]]]


def _run_shap(net, X, background, columns, explainer, seed, batch_size, nsamples):
    import shap

    module = net.module_
    model = _Logits(module)
    device = net.device
    background_t = torch.from_numpy(np.ascontiguousarray(background)).to(device)
    values = np.empty(X.shape, dtype=np.float64)
    if explainer == "kernel":

        def f(Z):
            Z = np.asarray(Z, dtype=np.float32)
            with torch.no_grad():
                return _numpy(model(torch.from_numpy(Z).to(device))).astype(np.float64)

        np.random.seed(seed)
        kernel = shap.KernelExplainer(f, np.asarray(background, dtype=np.float64))
        for start in range(0, X.shape[0], batch_size):
            chunk = np.asarray(X[start : start + batch_size], dtype=np.float64)
            phi = np.asarray(
                kernel.shap_values(chunk, nsamples=nsamples, l1_reg=False, silent=True)
            )
            values[start : start + chunk.shape[0]] = _of_columns(phi, columns[start:], chunk.shape)
        return values
    if explainer == "deep":
        shap_explainer = shap.DeepExplainer(model, background_t)
    else:
        shap_explainer = shap.GradientExplainer(model, background_t)
    kwargs = {"check_additivity": False} if explainer == "deep" else {"nsamples": nsamples}
    for start in range(0, X.shape[0], batch_size):
        chunk = torch.from_numpy(np.ascontiguousarray(X[start : start + batch_size])).to(device)
        if explainer == "gradient":
            kwargs["rseed"] = seed
        # Only the largest output is explained (shap's ranked outputs): one
        # backward pass per row instead of one per class.
        phi, ranked = shap_explainer.shap_values(
            chunk, ranked_outputs=1, output_rank_order="max", **kwargs
        )
        expected = columns[start : start + chunk.shape[0]]
        if np.array_equal(np.asarray(ranked).reshape(-1), expected):
            values[start : start + chunk.shape[0]] = np.asarray(phi).reshape(chunk.shape)
        else:
            # Tied outputs ranked differently from argmax: explain every output
            # and take the predicted one.
            if explainer == "gradient":
                kwargs["rseed"] = seed
            phi = shap_explainer.shap_values(chunk, **kwargs)
            values[start : start + chunk.shape[0]] = _of_columns(phi, expected, chunk.shape)
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
        A fitted net whose module maps a 2-D ``float32`` input to its
        output.
    X : ndarray of shape (n_samples, n_features)
        Rows to explain, network input, ``float32``.
    background : ndarray of shape (n_background, n_features)
        Rows over which shap integrates features out, network input.
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
    explanations : ndarray of shape (n_samples, n_features), dtype float64
        ``φ(x)``: the SHAP value of each feature for the predicted output.

    Raises
    ------
    ValueError
        If ``explainer`` is unknown, the arrays are not 2-D and alike, or
        shap cannot explain the module (the message names shap's error).
    """
    if explainer not in EXPLAINERS:
        raise ValueError(f"explainer must be one of {EXPLAINERS}, got {explainer!r}.")
    X = np.asarray(X, dtype=np.float32)
    background = np.asarray(background, dtype=np.float32)
    if X.ndim != 2 or background.ndim != 2 or X.shape[1] != background.shape[1]:
        raise ValueError(
            "X and background must be 2-D arrays with the same number of columns; got shapes "
            f"{X.shape} and {background.shape}."
        )
    if X.shape[0] == 0 or background.shape[0] == 0:
        raise ValueError("X and background must have at least one row each.")
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
