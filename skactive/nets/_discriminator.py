"""A small torch discriminator between labelled and unlabelled rows.

Discriminative Active Learning (Gissin & Shalev-Shwartz, 2019) trains a
binary classifier that tells labelled rows (``l``) from pool rows (``u``) on
the learned representation of the task network, and asks for the rows it
finds most surely unlabelled. The training loop lives here, with the rest of
the torch code of the model layer (beside :mod:`skactive.nets`); the
strategy (:class:`skactive.strategies.DAL`) only hands over arrays and gets
probabilities back. It trains a model, so it is not among the probes.

The discriminator is a fresh multi-layer perceptron built and trained inside
:func:`skactive.probes.seeded_torch`, so its initialisation and the order of
its mini-batches depend only on the seed; the task network is never touched.

References
----------
.. [1] D. Gissin and S. Shalev-Shwartz, "Discriminative Active Learning",
   arXiv:1907.06347, 2019, §3–4.
"""

from collections import namedtuple
from numbers import Integral, Real

import numpy as np
import torch
from torch import nn

from ..probes import seeded_torch

__all__ = ["DiscriminatorResult", "discriminate"]

#: What :func:`discriminate` returns.
DiscriminatorResult = namedtuple(
    "DiscriminatorResult", ["proba_unlabeled", "n_epochs", "train_accuracy"]
)


def _mlp(n_features, hidden_layer_sizes):
    layers = []
    width = n_features
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    # One logit: log P(u | z) - log P(l | z).
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def _check_parameters(hidden_layer_sizes, max_epochs, accuracy_threshold, batch_size, lr):
    try:
        sizes = tuple(hidden_layer_sizes)
    except TypeError:  # a bare int, None
        sizes = (None,)
    if any(not isinstance(s, Integral) or isinstance(s, bool) or s < 1 for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be a tuple of positive integers, got {hidden_layer_sizes!r}."
        )
    for name, value in (("max_epochs", max_epochs), ("batch_size", batch_size)):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if not isinstance(accuracy_threshold, Real) or not 0 < accuracy_threshold <= 1:
        raise ValueError(f"accuracy_threshold must be in (0, 1], got {accuracy_threshold!r}.")
    if not isinstance(lr, Real) or not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}.")
    return sizes


def discriminate(
    Z_labeled,
    Z_pool,
    *,
    seed,
    hidden_layer_sizes=(128, 128),
    max_epochs=100,
    accuracy_threshold=0.98,
    batch_size=256,
    lr=1e-3,
    device="cpu",
    predict_batch_size=1024,
):
    """Train a labelled-vs-pool discriminator and score the pool rows.

    A fresh MLP (``Linear -> ReLU`` per hidden layer, then one logit) is
    trained on the rows of ``Z_labeled`` (label ``l``) and ``Z_pool`` (label
    ``u``) with the log loss, each class weighted by ``n / (2 n_class)`` so
    that the labelled and the pool rows weigh the same in total (the pool is
    usually much larger). Features are standardised with the mean and
    standard deviation of all rows (a constant feature is only centred).

    Training runs epochs of shuffled mini-batches with Adam and stops after
    the first epoch whose training accuracy (the fraction of the epoch's rows
    classified correctly as the epoch went, the figure Keras reports, which
    the paper used) reaches ``accuracy_threshold``, or after ``max_epochs``
    epochs (DAL §4.3: 98 %).

    Parameters
    ----------
    Z_labeled : ndarray of shape (n_labeled, n_dims)
        Representation of the labelled rows.
    Z_pool : ndarray of shape (n_pool, n_dims)
        Representation of the pool rows.
    seed : int
        Seeds torch for the initialisation and the mini-batch order.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Widths of the hidden layers. DAL §4.2 used ``(256, 256, 256)`` and
        calls the choice arbitrary; §4.3 recommends a small network. An
        epoch costs about ``6 · n · P`` flops for ``n = n_labeled + n_pool``
        rows and ``P`` weights: ``P ≈ d·128 + 128²`` by default against
        ``d·256 + 2·256²`` for §4.2's, 5 times fewer for ``d = 100``.
    max_epochs : int, default=100
        Upper bound on the number of epochs: the cost where the threshold is
        never reached.
    accuracy_threshold : float, default=0.98
        Training accuracy at which training stops, in ``(0, 1]``.
    batch_size : int, default=256
        Rows per optimisation step.
    lr : float, default=1e-3
        Adam's learning rate (its default, as in the paper's experiments).
    device : str or torch.device, default="cpu"
        Where the discriminator is trained.
    predict_batch_size : int, default=1024
        Pool rows scored at once after training.

    Returns
    -------
    result : DiscriminatorResult
        ``proba_unlabeled``: ndarray of shape (n_pool,), dtype float64,
        ``P(u | z)`` for each pool row; ``n_epochs``: the number of epochs
        run; ``train_accuracy``: list of the training accuracy of each epoch.

    References
    ----------
    .. [1] D. Gissin and S. Shalev-Shwartz, "Discriminative Active
       Learning", 2019, §3, §4.2 and §4.3.
    """
    sizes = _check_parameters(hidden_layer_sizes, max_epochs, accuracy_threshold, batch_size, lr)
    Z_labeled = np.asarray(Z_labeled, dtype=np.float32)
    Z_pool = np.asarray(Z_pool, dtype=np.float32)
    if Z_labeled.ndim != 2 or Z_pool.ndim != 2 or Z_labeled.shape[1] != Z_pool.shape[1]:
        raise ValueError(
            "Z_labeled and Z_pool must be 2-D arrays with the same number of columns; got "
            f"shapes {Z_labeled.shape} and {Z_pool.shape}."
        )
    n_l, n_u = Z_labeled.shape[0], Z_pool.shape[0]
    if n_l == 0 or n_u == 0:
        raise ValueError(
            f"the discriminator needs labelled and pool rows; got {n_l} labelled and {n_u} pool "
            "rows."
        )
    Z = np.concatenate([Z_labeled, Z_pool], axis=0)
    if not np.all(np.isfinite(Z)):
        raise ValueError("the representation contains NaN or infinite values.")
    mean = Z.mean(axis=0, dtype=np.float64)
    std = Z.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    Z = ((Z - mean) / std).astype(np.float32)
    target = np.concatenate([np.zeros(n_l, np.float32), np.ones(n_u, np.float32)])
    n = n_l + n_u
    weight = np.where(target == 1, n / (2.0 * n_u), n / (2.0 * n_l)).astype(np.float32)

    accuracy = []
    with seeded_torch(seed), torch.enable_grad():
        module = _mlp(Z.shape[1], sizes).to(device)
        optimizer = torch.optim.Adam(module.parameters(), lr=lr)
        Z_t = torch.from_numpy(Z).to(device)
        target_t = torch.from_numpy(target).to(device)
        weight_t = torch.from_numpy(weight).to(device)
        module.train()
        for _ in range(max_epochs):
            order = torch.randperm(n).to(device)
            correct = 0
            for start in range(0, n, batch_size):
                rows = order[start : start + batch_size]
                logit = module(Z_t[rows])[:, 0]
                loss = (
                    nn.functional.binary_cross_entropy_with_logits(
                        logit, target_t[rows], weight=weight_t[rows], reduction="sum"
                    )
                    / weight_t[rows].sum()
                )
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                correct += int(((logit.detach() > 0).float() == target_t[rows]).sum())
            accuracy.append(correct / n)
            if accuracy[-1] >= accuracy_threshold:
                break
        module.eval()
        proba = np.empty(n_u, dtype=np.float64)
        with torch.no_grad():
            for start in range(0, n_u, predict_batch_size):
                chunk = Z_t[n_l + start : n_l + start + predict_batch_size]
                proba[start : start + chunk.shape[0]] = (
                    torch.sigmoid(module(chunk)[:, 0]).double().cpu().numpy()
                )
    return DiscriminatorResult(proba, len(accuracy), accuracy)
