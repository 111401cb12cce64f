"""Default torch modules that size themselves from the data.

The module-constructor convention
---------------------------------
:class:`~skactive.ActiveLearner` sizes the network from the data it is given.
When the module handed to skorch is a class (not an instance) whose
constructor accepts the keyword arguments

``n_features_in``
    the width of the network's input: the number of columns of ``X``, or of
    the output of the Pipeline's preprocessing steps (for rows of shape
    ``(C, H, W)`` or any other, the number of values of a row);
``input_shape``
    the shape of one row, ``X.shape[1:]``: ``(n_features,)`` for a table,
    ``(C, H, W)`` for images (a Dataset's item input shape);
``n_outputs``
    the number of classes for a classifier, the number of targets for a
    regressor,

the learner sets them (as ``module__n_features_in``, ``module__input_shape``
and ``module__n_outputs``) before each training. A dict input is not sized. A value set by hand that
disagrees with the data is an error. Modules that do not accept these
arguments are left alone and must be sized by the user.

Classifier modules return one score per class. :class:`MLP` and
:class:`CNN` return **logits**, so a classifier net should use
``criterion=torch.nn.CrossEntropyLoss``; skorch then applies the softmax in
``predict_proba``. (skorch's default ``NLLLoss`` expects probabilities.)

Training to convergence
-----------------------
A fixed number of epochs trains a network very differently at 20 labels
(one mini-batch per epoch) and at 2,000 (sixty). :class:`TrainToConvergence`
is a skorch callback that ends each fit once the network has taken a minimum
number of gradient steps *and* its training loss has stopped improving (or,
for a classifier, its running training accuracy has reached a target, as
Beck et al. 2021 train every round to 99 %), within the net's
``max_epochs``. :func:`make_mlp_net` and :func:`make_cnn_net` add it by
default; a net built by hand is never changed: add the callback to its
``callbacks`` to get the same schedule.
"""

import inspect
import math
from numbers import Integral, Real

import torch
from skorch.callbacks import Callback
from torch import nn

__all__ = ["CNN", "MLP", "TrainToConvergence", "make_cnn_net", "make_mlp_net"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "logistic": nn.Sigmoid, "gelu": nn.GELU}


class MLP(nn.Module):
    """Multi-layer perceptron with dropout, ending in a plain ``nn.Linear``.

    Each hidden layer is ``Linear -> [BatchNorm1d] -> activation -> Dropout``.
    The final layer is an ``nn.Linear`` whose input is the penultimate
    embedding used by embedding-based strategies, and its output is returned
    as is (logits for classification, predictions for regression).

    Parameters
    ----------
    n_features_in : int
        Input width. Set by :class:`~skactive.ActiveLearner` from the data.
    n_outputs : int
        Output width: number of classes or of regression targets. Set by
        :class:`~skactive.ActiveLearner` from the data.
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Width of each hidden layer, as in scikit-learn's ``MLPClassifier``
        (an int means one hidden layer).
    activation : {"relu", "tanh", "logistic", "gelu"}, default="relu"
        Hidden-layer nonlinearity.
    dropout : float, default=0.2
        Dropout probability after each hidden layer, in ``[0, 1)``. Set to 0
        to build no dropout layer at all (MC-dropout strategies then refuse
        the network).
    batch_norm : bool, default=False
        Whether to put a ``BatchNorm1d`` after each hidden ``Linear``.
    """

    def __init__(
        self,
        n_features_in=None,
        n_outputs=None,
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.2,
        batch_norm=False,
    ):
        super().__init__()
        for name, value in (("n_features_in", n_features_in), ("n_outputs", n_outputs)):
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"MLP needs a positive integer {name}, got {value!r}; "
                    "ActiveLearner sets it from the data, or pass "
                    f"module__{name}=... to the skorch net."
                )
        sizes = (
            (hidden_layer_sizes,)
            if isinstance(hidden_layer_sizes, Integral)
            else tuple(hidden_layer_sizes)
        )
        if any(not isinstance(s, Integral) or isinstance(s, bool) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {hidden_layer_sizes!r}."
            )
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}."
            )
        if not isinstance(dropout, Real) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")

        layers = []
        width = int(n_features_in)
        for size in sizes:
            layers.append(nn.Linear(width, size))
            if batch_norm:
                layers.append(nn.BatchNorm1d(size))
            layers.append(_ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        self.hidden = nn.Sequential(*layers)
        self.output = nn.Linear(width, int(n_outputs))

    def forward(self, X):
        """Map ``X`` of shape (n_samples, n_features_in) to (n_samples, n_outputs).

        Rows of any other shape (images, sequences) are flattened first, so
        ``n_features_in`` is the number of values of a row.
        """
        if X.dim() > 2:
            X = X.flatten(1)
        return self.output(self.hidden(X))


class CNN(nn.Module):
    """A small convolutional network for images, ending in a plain ``nn.Linear``.

    The image counterpart of :class:`MLP`. Each convolutional block is
    ``Conv2d(k×k, same padding) -> [BatchNorm2d] -> ReLU -> MaxPool2d(2)``
    (the pooling is left out once the feature map is smaller than 2×2); the
    feature map is flattened into ``Linear -> ReLU -> Dropout``, and the
    final ``nn.Linear`` maps that penultimate embedding to the output.
    The dropout before the final layer is what the MC-dropout strategies
    sample (BALD, BatchBALD, DEIMOS, max-variance); embedding strategies
    (BADGE, Core-Set, DAL, DensityWeighted) read the input of the final
    layer.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one image, ``(C, H, W)`` (or ``(H, W)`` for one grey
        channel). Set by :class:`~skactive.ActiveLearner` from the data.
    n_outputs : int
        Number of classes or regression targets. Set by
        :class:`~skactive.ActiveLearner` from the data.
    channels : int or tuple of int, default=(16, 32)
        Output channels of each convolutional block.
    kernel_size : int, default=3
        Side of the square convolution kernels (odd, padded to keep the
        spatial size).
    hidden_size : int, default=128
        Width of the penultimate embedding.
    dropout : float, default=0.2
        Dropout probability before the final layer, in ``[0, 1)``; 0 builds
        no dropout layer (MC-dropout strategies then refuse the network).
    batch_norm : bool, default=False
        Whether to put a ``BatchNorm2d`` after each convolution.

    Examples
    --------
    >>> import torch
    >>> from skactive.nets import CNN
    >>> CNN(input_shape=(1, 28, 28), n_outputs=10)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(
        self,
        input_shape=None,
        n_outputs=None,
        channels=(16, 32),
        kernel_size=3,
        hidden_size=128,
        dropout=0.2,
        batch_norm=False,
    ):
        super().__init__()
        shape = None if input_shape is None else tuple(input_shape)
        if (
            shape is None
            or len(shape) not in (2, 3)
            or any(not isinstance(s, Integral) or isinstance(s, bool) or s < 1 for s in shape)
        ):
            raise ValueError(
                f"CNN needs input_shape=(C, H, W) or (H, W) of positive integers, got "
                f"{input_shape!r}; ActiveLearner sets it from images of shape "
                "(n_samples, C, H, W), or pass module__input_shape=... to the skorch net."
            )
        if not isinstance(n_outputs, Integral) or isinstance(n_outputs, bool) or n_outputs < 1:
            raise ValueError(
                f"CNN needs a positive integer n_outputs, got {n_outputs!r}; ActiveLearner "
                "sets it from the data, or pass module__n_outputs=... to the skorch net."
            )
        sizes = (channels,) if isinstance(channels, Integral) else tuple(channels)
        if any(not isinstance(c, Integral) or isinstance(c, bool) or c < 1 for c in sizes):
            raise ValueError(f"channels must be positive integers, got {channels!r}.")
        if not isinstance(kernel_size, Integral) or kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be a positive odd integer, got {kernel_size!r}.")
        if (
            not isinstance(hidden_size, Integral)
            or isinstance(hidden_size, bool)
            or hidden_size < 1
        ):
            raise ValueError(f"hidden_size must be a positive integer, got {hidden_size!r}.")
        if not isinstance(dropout, Real) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")

        self.grey = len(shape) == 2
        in_channels, height, width = (1,) + shape if self.grey else shape
        blocks = []
        for size in sizes:
            blocks.append(nn.Conv2d(in_channels, size, kernel_size, padding=kernel_size // 2))
            if batch_norm:
                blocks.append(nn.BatchNorm2d(size))
            blocks.append(nn.ReLU())
            if height >= 2 and width >= 2:
                blocks.append(nn.MaxPool2d(2))
                height, width = height // 2, width // 2
            in_channels = size
        self.features = nn.Sequential(*blocks)
        head = [nn.Flatten(), nn.Linear(in_channels * height * width, int(hidden_size)), nn.ReLU()]
        if dropout > 0:
            head.append(nn.Dropout(dropout))
        self.hidden = nn.Sequential(*head)
        self.output = nn.Linear(int(hidden_size), int(n_outputs))

    def forward(self, X):
        """Map images ``(n_samples, C, H, W)`` or ``(n_samples, H, W)`` to logits or targets."""
        if self.grey:
            X = X.unsqueeze(1)
        return self.output(self.hidden(self.features(X)))


class TrainToConvergence(Callback):
    """End each fit once training has converged: enough steps, then a plateau.

    A skorch callback. At the end of every epoch of a ``fit`` (or
    ``partial_fit``) it stops training when **both**

    1. at least ``min_steps`` gradient steps (mini-batches) have been taken
       in this fit, and
    2. the training has converged: the epoch's mean training loss has not
       improved on its best value by more than a fraction ``tol`` for
       ``patience`` epochs in a row, or, for a classifier with
       ``target_accuracy`` set, the epoch's running training accuracy (the
       mini-batches' predictions, as they were trained, dropout on) has
       reached ``target_accuracy``.

    The net's ``max_epochs`` caps each fit: the callback only ends training
    early (as skorch's ``EarlyStopping`` does), so give the net room, e.g.
    ``max_epochs=1000``; :func:`make_mlp_net` does. Rule 1 is what matters
    for a tiny labelled set, where an epoch is one or two steps and a fixed
    number of epochs leaves the network barely trained; rule 2 stops a large
    labelled set after a few epochs instead of training it for as many
    epochs as a small one. Every fit counts afresh, so a warm-started round
    (``ActiveLearner(warm_start=True)``, skorch's ``partial_fit``) trains
    at least ``min_steps`` steps on the grown labelled set. Only training
    losses are read, so it works with ``train_split=None``. It draws no
    random numbers: the fit stays as deterministic as the net's seed makes
    it.

    Parameters
    ----------
    min_steps : int, default=500
        Gradient steps to take in every fit before convergence may end it.
        500 steps of Adam at ``lr=1e-3`` fit the default MLP to a few hundred
        labelled rows; 0 lets rule 2 alone decide.
    patience : int, default=5
        Epochs in a row without an improvement of the training loss that
        count as a plateau.
    tol : float, default=0.01
        Relative improvement that counts: an epoch improves when its mean
        training loss is below ``(1 - tol)`` times the best so far.
    target_accuracy : float or None, default=0.99
        Running training accuracy at which a classifier counts as converged
        (Beck et al. 2021, §4, train to 99 %). None: the loss alone decides.
        Ignored for a regressor.

    Attributes
    ----------
    n_steps_ : int
        Gradient steps taken in the last fit.
    n_epochs_ : int
        Epochs of the last fit.
    stopped_by_ : {"plateau", "accuracy"} or None
        What ended the last fit; None when it ran to the net's
        ``max_epochs``. It is also recorded in the last epoch of the net's
        history, under ``"converged"``.

    See Also
    --------
    make_mlp_net, make_cnn_net : the library's nets, which use this callback.
    skorch.callbacks.EarlyStopping : stops on a validation score instead.

    References
    ----------
    Beck, N., Sivasubramanian, D., Dani, A., Ramakrishnan, G. and Iyer, R.
    (2021). Effective Evaluation of Deep Active Learning on Image
    Classification Tasks. arXiv:2106.15324, §4 (every round is trained until
    99 % training accuracy). The minimum number of steps and the loss plateau
    are this library's choices: the paper's rule never ends for a network
    that cannot fit its labels (noisy classes, regression).

    Examples
    --------
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skactive.nets import MLP, TrainToConvergence
    >>> net = NeuralNetClassifier(
    ...     MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=1000, train_split=None,
    ...     callbacks=[("convergence", TrainToConvergence(min_steps=200))], verbose=0)
    """

    def __init__(self, min_steps=500, patience=5, tol=0.01, target_accuracy=0.99):
        self.min_steps = min_steps
        self.patience = patience
        self.tol = tol
        self.target_accuracy = target_accuracy

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    def _check_params(self):
        for name, minimum in (("min_steps", 0), ("patience", 1)):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
                raise ValueError(
                    f"TrainToConvergence needs an integer {name} >= {minimum}, got {value!r}."
                )
        if not isinstance(self.tol, Real) or isinstance(self.tol, bool) or not 0 <= self.tol < 1:
            raise ValueError(f"TrainToConvergence needs tol in [0, 1), got {self.tol!r}.")
        target = self.target_accuracy
        if target is not None and (
            not isinstance(target, Real) or isinstance(target, bool) or not 0 < target <= 1
        ):
            raise ValueError(
                f"TrainToConvergence needs target_accuracy in (0, 1] or None, got {target!r}."
            )

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self._check_params()
        from sklearn.base import is_classifier

        self._classifier = self.target_accuracy is not None and is_classifier(net)
        self.n_steps_ = 0
        self.n_epochs_ = 0
        self.stopped_by_ = None
        self._best = math.inf
        self._wait = 0

    def on_epoch_begin(self, net, **kwargs):
        self._loss_sum = 0.0
        self._n_rows = 0
        self._n_correct = 0

    def on_batch_end(self, net, batch=None, training=False, loss=None, y_pred=None, **kwargs):
        if not training:
            return
        self.n_steps_ += 1
        target = batch[1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
        n_rows = len(target) if target is not None else 1
        self._loss_sum += float(loss.item() if hasattr(loss, "item") else loss) * n_rows
        self._n_rows += n_rows
        if self._classifier and target is not None:
            scores = y_pred[0] if isinstance(y_pred, (tuple, list)) else y_pred
            if scores.dim() == 2:
                predicted = scores.argmax(dim=1).to(target.device)
                self._n_correct += int((predicted == target).sum())

    def on_epoch_end(self, net, **kwargs):
        if not self._n_rows:
            return
        self.n_epochs_ += 1
        loss = self._loss_sum / self._n_rows
        if loss < self._best * (1 - self.tol) or not math.isfinite(self._best):
            self._best, self._wait = loss, 0
        else:
            self._wait += 1
        accuracy = self._n_correct / self._n_rows if self._classifier else None
        if accuracy is not None:
            net.history.record("train_accuracy", accuracy)
        if self.n_steps_ < self.min_steps:
            return
        if accuracy is not None and accuracy >= self.target_accuracy:
            self.stopped_by_ = "accuracy"
        elif self._wait >= self.patience:
            self.stopped_by_ = "plateau"
        if self.stopped_by_ is not None:
            net.history.record("converged", self.stopped_by_)
            # skorch ends training quietly on KeyboardInterrupt, as its own
            # EarlyStopping does.
            raise KeyboardInterrupt


def _check_classifier_criterion(module, criterion):
    """Refuse a classifier pairing :class:`MLP` (logits) with ``NLLLoss``.

    skorch's default classifier criterion, ``NLLLoss``, takes the log of the
    module's output as probabilities: with logits the loss is NaN or
    meaningless. ``module`` and ``criterion`` are the skorch net's
    parameters (classes or instances).
    """
    module_class = module if inspect.isclass(module) else type(module)
    criterion_class = criterion if inspect.isclass(criterion) else type(criterion)
    if issubclass(module_class, (MLP, CNN)) and issubclass(criterion_class, nn.NLLLoss):
        name = module_class.__name__ if module_class in (MLP, CNN) else "MLP"
        raise ValueError(
            f"skactive.nets.{name} returns logits, but the classifier's criterion is "
            "NLLLoss (skorch's default), which expects probabilities: use "
            f"NeuralNetClassifier({name}, criterion=torch.nn.CrossEntropyLoss, ...)."
        )


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
