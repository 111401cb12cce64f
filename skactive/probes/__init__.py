"""The probe layer: everything skactive asks of a fitted torch network.

Torch lives here and in :mod:`skactive.nets`, nowhere else. Strategies call
these functions with a fitted skorch net and the pool as the network takes
it, and get NumPy arrays back on the CPU. The embedding probes
(:func:`penultimate_embedding`, :func:`gradient_embedding`,
:func:`input_gradients`) can instead leave their result on the net's device
as a float32 torch tensor (``on_device=True``): the greedy strategies ask for
that when the net runs on a GPU (:func:`uses_accelerator`), and their
selection kernels, which take any array API array, then run there.

The input may be any kind skorch accepts (see :func:`n_rows`,
:func:`take_rows` and :func:`iter_chunks`): an array of shape
``(n_samples, ...)`` (a table, images ``(n_samples, C, H, W)``,
sequences), a dict of such arrays passed to the module as keyword
arguments, or a map-style torch ``Dataset``. Arrays and memory maps are
sliced in chunks of ``batch_size`` rows; a Dataset is read through a batched
``DataLoader``. Chunks are put on
``net.device``.

Every function works in ``eval`` mode and leaves the module exactly as it
found it: parameters, BatchNorm buffers, each submodule's train/eval flag,
torch's grad mode and every hook are restored even when an error is raised.

One module per kind of probe:

- ``_output``: predictions (:func:`network_output`);
- ``_embedding``: the penultimate embedding, BADGE's
  gradient embedding and LCMD's last-layer features;
- ``_gradients``: input gradients (DAMI) and per-sample
  loss-gradient norms (EGL);
- ``_gradient_features``: per-row gradients of one output
  with respect to every ``nn.Linear``, exact or sketched (LCMD's "grad"
  kernel);
- ``_mc``: MC dropout with masks shared across rows;
- ``_shap``: SHAP explanations (ALEX);
- ``_data``: the input kinds, counted, indexed and
  chunked.
"""

from ._data import concat_rows, flat_rows, is_dataset, iter_chunks, n_rows, take_rows
from ._device import uses_accelerator
from ._embedding import gradient_embedding, last_layer_features, penultimate_embedding
from ._gradient_features import gradient_features
from ._gradients import input_gradients, loss_gradient_norms
from ._mc import (
    dropout_layers,
    dropout_rates,
    iter_mc_dropout_output,
    mc_dropout_output,
    weight_decay,
)
from ._output import evaluating, iter_network_output, network_output, seeded_torch
from ._shap import EXPLAINERS, shap_explanations

__all__ = [
    "EXPLAINERS",
    "concat_rows",
    "dropout_layers",
    "dropout_rates",
    "evaluating",
    "flat_rows",
    "gradient_embedding",
    "gradient_features",
    "input_gradients",
    "is_dataset",
    "last_layer_features",
    "iter_chunks",
    "iter_mc_dropout_output",
    "iter_network_output",
    "loss_gradient_norms",
    "mc_dropout_output",
    "n_rows",
    "network_output",
    "penultimate_embedding",
    "seeded_torch",
    "shap_explanations",
    "take_rows",
    "uses_accelerator",
    "weight_decay",
]
