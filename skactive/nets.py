"""Default torch modules that size themselves from the data.

The module-constructor convention
---------------------------------
:class:`~skactive.ActiveLearner` sizes the network from the data it is given.
When the module handed to skorch is a class (not an instance) whose
constructor accepts the keyword arguments

``n_features_in``
    the width of the network's input: the number of columns of ``X``, or of
    the output of the Pipeline's preprocessing steps;
``n_outputs``
    the number of classes for a classifier, the number of targets for a
    regressor,

the learner sets them (as ``module__n_features_in`` and
``module__n_outputs``) before each training. A value set by hand that
disagrees with the data is an error. Modules that do not accept these
arguments are left alone and must be sized by the user.

Classifier modules return one score per class. :class:`MLP` returns
**logits**, so a classifier net should use
``criterion=torch.nn.CrossEntropyLoss``; skorch then applies the softmax in
``predict_proba``. (skorch's default ``NLLLoss`` expects probabilities.)
"""

import inspect
from numbers import Integral, Real

import torch
from torch import nn

__all__ = ["MLP", "make_mlp_net"]

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
        """Map ``X`` of shape (n_samples, n_features_in) to (n_samples, n_outputs)."""
        return self.output(self.hidden(X))


def _check_classifier_criterion(module, criterion):
    """Refuse a classifier pairing :class:`MLP` (logits) with ``NLLLoss``.

    skorch's default classifier criterion, ``NLLLoss``, takes the log of the
    module's output as probabilities: with logits the loss is NaN or
    meaningless. ``module`` and ``criterion`` are the skorch net's
    parameters (classes or instances).
    """
    module_class = module if inspect.isclass(module) else type(module)
    criterion_class = criterion if inspect.isclass(criterion) else type(criterion)
    if issubclass(module_class, MLP) and issubclass(criterion_class, nn.NLLLoss):
        raise ValueError(
            "skactive.nets.MLP returns logits, but the classifier's criterion is "
            "NLLLoss (skorch's default), which expects probabilities: use "
            "NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, ...)."
        )


def make_mlp_net(
    task="classifier",
    *,
    hidden_layer_sizes=(64,),
    dropout=0.2,
    max_epochs=50,
    lr=1e-3,
    batch_size=32,
    **kwargs,
):
    """A skorch net around :class:`MLP`, set up the way skactive's tools use it.

    Adam, shuffled mini-batches, no validation split (every label trains),
    silent; a classifier gets ``CrossEntropyLoss`` (MLP returns logits). The
    :class:`~skactive.ActiveLearner` sizes the module from the data.

    Parameters
    ----------
    task : {"classifier", "regressor"}, default="classifier"
    hidden_layer_sizes : tuple of int, default=(64,)
    dropout : float, default=0.2
    max_epochs : int, default=50
    lr : float, default=1e-3
    batch_size : int, default=32
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
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    if task not in ("classifier", "regressor"):
        raise ValueError(f"task must be 'classifier' or 'regressor', got {task!r}.")
    params = dict(
        module=MLP,
        module__hidden_layer_sizes=tuple(hidden_layer_sizes),
        module__dropout=dropout,
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
