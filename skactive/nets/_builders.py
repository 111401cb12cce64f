"""The skorch nets around the default modules: :func:`make_mlp_net`, :func:`make_cnn_net`."""

import inspect

import torch

from ._convergence import TrainToConvergence
from ._modules import CNN, MLP


def make_mlp_net(
    task="classifier",
    *,
    hidden_layer_sizes=(64,),
    dropout=0.2,
    max_epochs=None,
    lr=1e-3,
    batch_size=32,
    convergence=True,
    **kwargs,
):
    """A skorch net around :class:`MLP`, set up the way skactive's tools use it.

    Adam, shuffled mini-batches, no validation split (every label trains),
    silent, trained to convergence (:class:`TrainToConvergence`); a
    classifier gets ``CrossEntropyLoss`` (MLP returns logits). The
    :class:`~skactive.ActiveLearner` sizes the module from the data.

    Parameters
    ----------
    task : {"classifier", "regressor"}, default="classifier"
    hidden_layer_sizes : tuple of int, default=(64,)
    dropout : float, default=0.2
    max_epochs : int or None, default=None
        With ``convergence``, the most epochs of one fit (None: 1000);
        without, the number of epochs of every fit (None: 50).
    lr : float, default=1e-3
    batch_size : int, default=32
    convergence : bool or TrainToConvergence, default=True
        Train every fit to convergence: True adds ``TrainToConvergence()``
        to the net's callbacks (as ``("convergence", ...)``, after any given
        in ``callbacks=``), an instance adds that one; False trains a fixed
        ``max_epochs`` epochs.
    **kwargs
        Any other skorch parameter, e.g. ``device="cuda"``.

    Returns
    -------
    net : skorch.NeuralNetClassifier or skorch.NeuralNetRegressor

    Examples
    --------
    >>> from skactive.nets import make_mlp_net
    >>> make_mlp_net("regressor", hidden_layer_sizes=(32, 16)).module__hidden_layer_sizes
    (32, 16)
    """
    return _make_net(
        task,
        dict(
            module=MLP,
            module__hidden_layer_sizes=tuple(hidden_layer_sizes),
            module__dropout=dropout,
        ),
        max_epochs=max_epochs,
        lr=lr,
        batch_size=batch_size,
        convergence=convergence,
        **kwargs,
    )


def make_cnn_net(
    task="classifier",
    *,
    channels=(16, 32),
    hidden_size=128,
    dropout=0.2,
    max_epochs=None,
    lr=1e-3,
    batch_size=32,
    convergence=True,
    **kwargs,
):
    """A skorch net around :class:`CNN`, set up like :func:`make_mlp_net`.

    Adam, shuffled mini-batches, no validation split, silent, trained to
    convergence (:class:`TrainToConvergence`); a classifier gets
    ``CrossEntropyLoss``. The :class:`~skactive.ActiveLearner` sizes the
    module from images of shape ``(n_samples, C, H, W)``.

    Parameters
    ----------
    task : {"classifier", "regressor"}, default="classifier"
    channels : tuple of int, default=(16, 32)
    hidden_size : int, default=128
    dropout : float, default=0.2
    max_epochs : int or None, default=None
        With ``convergence``, the most epochs of one fit (None: 1000);
        without, the number of epochs of every fit (None: 50).
    lr : float, default=1e-3
    batch_size : int, default=32
    convergence : bool or TrainToConvergence, default=True
        As in :func:`make_mlp_net`.
    **kwargs
        Any other skorch parameter, e.g. ``device="cuda"``.

    Returns
    -------
    net : skorch.NeuralNetClassifier or skorch.NeuralNetRegressor

    Examples
    --------
    >>> from skactive.nets import make_cnn_net
    >>> make_cnn_net(channels=(8,)).module__channels
    (8,)
    """
    return _make_net(
        task,
        dict(
            module=CNN,
            module__channels=tuple(channels),
            module__hidden_size=hidden_size,
            module__dropout=dropout,
        ),
        max_epochs=max_epochs,
        lr=lr,
        batch_size=batch_size,
        convergence=convergence,
        **kwargs,
    )


#: The most epochs of one fit of a net trained to convergence (``make_*_net``).
CONVERGENCE_MAX_EPOCHS = 1000
#: The epochs of every fit of a net trained for a fixed number of epochs.
FIXED_MAX_EPOCHS = 50


def _convergence_callbacks(convergence, callbacks):
    """``callbacks`` with the convergence schedule appended (as ``"convergence"``)."""
    if isinstance(convergence, bool):
        if not convergence:
            return callbacks
        convergence = TrainToConvergence()
    elif not isinstance(convergence, TrainToConvergence):
        raise TypeError(
            "convergence must be True, False or a TrainToConvergence instance, got "
            f"{convergence!r}."
        )
    if isinstance(callbacks, str):
        raise ValueError(
            f"callbacks={callbacks!r} would turn off the convergence schedule too: pass "
            "convergence=False with it."
        )
    given = [] if callbacks is None else list(callbacks)
    for item in given:
        callback = item[1] if isinstance(item, tuple) else item
        if isinstance(callback, TrainToConvergence) or (
            inspect.isclass(callback) and issubclass(callback, TrainToConvergence)
        ):
            return given  # the caller set the schedule up already
    return given + [("convergence", convergence)]


def _make_net(task, module_params, *, max_epochs, lr, batch_size, convergence, **kwargs):
    """The skorch net of ``make_*_net``: Adam, shuffled batches, no split, silent."""
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    if task not in ("classifier", "regressor"):
        raise ValueError(f"task must be 'classifier' or 'regressor', got {task!r}.")
    callbacks = _convergence_callbacks(convergence, kwargs.pop("callbacks", None))
    if callbacks is not None:
        kwargs["callbacks"] = callbacks
    if max_epochs is None:
        max_epochs = CONVERGENCE_MAX_EPOCHS if convergence is not False else FIXED_MAX_EPOCHS
    params = dict(
        module_params,
        optimizer=torch.optim.Adam,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    params.update(kwargs)
    if task == "classifier":
        params.setdefault("criterion", torch.nn.CrossEntropyLoss)
        return NeuralNetClassifier(**params)
    return NeuralNetRegressor(**params)
