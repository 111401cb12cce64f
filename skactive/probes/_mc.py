"""MC dropout in the probe layer: stochastic forward passes with shared masks.

Monte Carlo dropout (Gal and Ghahramani, 2016) reads a network trained with
dropout as an approximate Bayesian posterior: keeping dropout on at test time
and running ``J`` forward passes gives ``J`` samples of the prediction.

Here the passes differ from a plain ``module.train()`` forward in two ways:

* only the dropout layers are stochastic. The module stays in ``eval`` mode
  (BatchNorm uses, and never updates, its running statistics) and each
  dropout layer's output is replaced, through a forward hook, by its input
  times a fixed mask scaled by ``1 / (1 - p)``;
* the masks are **shared across rows**: pass ``j`` applies the same mask of
  each dropout layer to every row of the pool. This is what lets DEIMOS
  estimate covariances between the predictions of different points
  (DEIMOS §3.2) and BatchBALD estimate joint entropies (Kirsch et al., 2019,
  §3.2). Each mask is drawn from a ``torch.Generator`` seeded from
  ``random_state``, pass and layer, so the ``(J, N, C)`` output is the same
  whatever the chunk size and reproducible for a seed.

Like every probe, every function leaves the module exactly as it
found it (parameters, buffers, train/eval flags, grad mode, no hook left
behind), even when an error is raised.

References
----------
.. [1] Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation:
   Representing Model Uncertainty in Deep Learning", ICML 2016.
"""

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch import nn

from ._data import iter_chunks
from ._output import _first, _numpy, evaluating

__all__ = [
    "dropout_layers",
    "dropout_rates",
    "iter_mc_dropout_output",
    "mc_dropout_output",
    "weight_decay",
]

# Element-wise dropout: one mask entry per feature of a row.
_ELEMENTWISE = (nn.Dropout,)
# Channel-wise dropout: one mask entry per channel, broadcast over the rest.
_CHANNELWISE = (nn.Dropout1d, nn.Dropout2d, nn.Dropout3d)
# Alpha dropout rescales and shifts dropped units; not implemented here.
_UNSUPPORTED = (nn.AlphaDropout, nn.FeatureAlphaDropout)


def dropout_layers(module):
    """The dropout submodules of ``module`` that MC dropout can use.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    layers : list of torch.nn.Module
        The ``nn.Dropout`` / ``nn.Dropout1d`` / ``nn.Dropout2d`` /
        ``nn.Dropout3d`` submodules with ``p > 0``, in ``module.modules()``
        order.

    Raises
    ------
    ValueError
        If there is none (MC-dropout strategies need one), or if the module
        uses alpha dropout, which is not supported.
    """
    unsupported = [m for m in module.modules() if isinstance(m, _UNSUPPORTED)]
    if unsupported:
        raise ValueError(
            f"MC dropout does not support {type(unsupported[0]).__name__}; use "
            "torch.nn.Dropout (or Dropout1d/2d/3d) in the network."
        )
    layers = [m for m in module.modules() if isinstance(m, _ELEMENTWISE + _CHANNELWISE) and m.p > 0]
    if not layers:
        raise ValueError(
            f"MC-dropout strategies need a network with a dropout layer "
            f"(torch.nn.Dropout, Dropout1d/2d/3d with p > 0), but {type(module).__name__} "
            f"has none. {_dropout_fix(module)}"
        )
    return layers


def _dropout_fix(module):
    """What to change so that ``module`` has a dropout layer."""
    from ..nets import CNN, MLP

    if isinstance(module, (MLP, CNN)):
        return (
            f"With skactive.nets.{type(module).__name__}, set module__dropout > 0 "
            "(the default is 0.2)."
        )
    return (
        "Add a torch.nn.Dropout layer to your module (e.g. before its final nn.Linear; "
        "nn.Dropout2d after a convolution also works); it is only active in training and in "
        "these strategies' stochastic passes."
    )


def dropout_rates(net):
    """Dropout probabilities of a fitted net's dropout layers.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.

    Returns
    -------
    rates : list of float
        ``p`` of each layer returned by :func:`dropout_layers`.
    """
    return [float(m.p) for m in dropout_layers(net.module_)]


def weight_decay(net):
    """The weight decay of a fitted net's optimizer (its first parameter group).

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net.

    Returns
    -------
    weight_decay : float
        ``optimizer_.param_groups[0]["weight_decay"]``, 0 when unset.
    """
    groups = getattr(net.optimizer_, "param_groups", None) or [{}]
    return float(groups[0].get("weight_decay", 0.0) or 0.0)


class _SharedMasks:
    """Forward hooks that apply pass ``j``'s fixed mask to every row.

    The mask of layer ``l`` in pass ``j`` is drawn from a CPU generator
    seeded with ``seeds[j, l]`` the first time that layer sees an input of a
    given shape, and cached, so every chunk of the pool meets the same mask.
    """

    def __init__(self, layers, seeds, device):
        self.layers = layers
        self.seeds = seeds
        self.device = device
        self.pass_ = 0
        self._cache = {}
        self._handles = []

    def __enter__(self):
        for index, layer in enumerate(self.layers):
            self._handles.append(layer.register_forward_hook(self._hook(index)))
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles = []
        return False

    def _mask(self, index, layer, x):
        if isinstance(layer, _CHANNELWISE):
            # One entry per channel (dimension 1), broadcast over the rest.
            shape = (x.shape[1],) + (1,) * (x.dim() - 2)
        else:
            shape = tuple(x.shape[1:])
        key = (self.pass_, index, shape)
        mask = self._cache.get(key)
        if mask is None:
            generator = torch.Generator().manual_seed(int(self.seeds[self.pass_, index]))
            keep = 1.0 - float(layer.p)
            mask = torch.rand(shape, generator=generator) < keep
            # Inverted dropout, as nn.Dropout in train mode: survivors are
            # scaled by 1 / (1 - p); p = 1 drops everything.
            scale = 1.0 / keep if keep > 0 else 0.0
            mask = (mask.to(torch.float32) * scale).to(self.device)
            self._cache[key] = mask
        return mask

    def _hook(self, index):
        layer = self.layers[index]

        def hook(module, inputs, output):
            x = inputs[0]
            return x * self._mask(index, layer, x).to(x.dtype)

        return hook


def iter_mc_dropout_output(net, X, *, n_mc_samples, batch_size, random_state):
    """Yield MC-dropout predictions for ``X`` chunk by chunk.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module has at least one dropout layer.
    X : ndarray of shape (n_samples, ...), dict of arrays or Dataset
        Network input (see :mod:`skactive.probes`).
    n_mc_samples : int
        Number ``J`` of stochastic passes (dropout masks).
    batch_size : int
        Rows per forward pass. Does not change the result.
    random_state : int, RandomState instance or None
        Seed of the masks.

    Yields
    ------
    start : int
        Index of the chunk's first row in ``X``.
    output : ndarray of shape (n_mc_samples, n_chunk, n_outputs)
        ``output[j]`` is pass ``j`` on rows ``start:start + n_chunk``, after
        the net's predict nonlinearity: class probabilities for a classifier
        trained with ``CrossEntropyLoss``, raw outputs for a regressor.
        ``float32``.

    Raises
    ------
    ValueError
        If the module has no dropout layer.
    """
    module = net.module_
    layers = dropout_layers(module)
    rng = check_random_state(random_state)
    seeds = rng.randint(0, np.iinfo(np.int32).max, size=(n_mc_samples, len(layers)))
    nonlinearity = net._get_predict_nonlinearity()
    with evaluating(module), _SharedMasks(layers, seeds, net.device) as masks:
        for start, chunk in iter_chunks(net, X, batch_size):
            passes = []
            for j in range(n_mc_samples):
                masks.pass_ = j
                output = _numpy(nonlinearity(_first(net.infer(chunk))))
                passes.append(output[:, None] if output.ndim == 1 else output)
            yield start, np.stack(passes, axis=0).astype(np.float32, copy=False)


def mc_dropout_output(net, X, *, n_mc_samples, batch_size, random_state):
    """MC-dropout predictions for all of ``X``, computed in chunks.

    See :func:`iter_mc_dropout_output` for the parameters.

    Returns
    -------
    output : ndarray of shape (n_mc_samples, n_samples, n_outputs)
        ``float32``; identical for every ``batch_size``.
    """
    chunks = [
        out
        for _, out in iter_mc_dropout_output(
            net, X, n_mc_samples=n_mc_samples, batch_size=batch_size, random_state=random_state
        )
    ]
    return np.concatenate(chunks, axis=1)
