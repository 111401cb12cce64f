"""Default torch modules that size themselves from the data: :class:`MLP`, :class:`CNN`.

The module-constructor convention they follow is described in :mod:`skactive.nets`.
"""

import inspect
from numbers import Integral, Real

from torch import nn

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
