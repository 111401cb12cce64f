"""Driving the skorch network: clone, size, seed, train, check.

:func:`train` trains a fresh clone (or a copy of the fitted estimator, warm)
and returns it, leaving the learner untouched, so that a failed or
interrupted training commits nothing. The module's input and output sizes
are set from the data (:func:`size_network`), torch is seeded explicitly
(skorch does not), a Ctrl-C that skorch swallows is noticed
(:func:`noticing_interrupts`) and a diverged training is refused.
"""

import copy
import inspect
import signal
import threading
from contextlib import contextmanager

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from skorch import NeuralNet

from . import probes
from ._input import network_input
from .nets import _check_classifier_criterion
from .probes import _data

__all__ = ["network_of", "task_of", "train"]


def network_of(estimator):
    """The skorch net: the estimator itself or the last step of a Pipeline."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def task_of(estimator):
    """'classifier' or 'regressor' for a supported estimator, else None."""
    net = network_of(estimator)
    if not isinstance(net, NeuralNet):
        return None
    if is_classifier(net):
        return "classifier"
    if is_regressor(net):
        return "regressor"
    return None


def check_task(estimator):
    """The task of a supported estimator; a TypeError that says what is supported otherwise."""
    task = task_of(estimator)
    if task is None:
        raise TypeError(
            "estimator must be a skorch NeuralNetClassifier or NeuralNetRegressor, "
            f"or a Pipeline ending in one; got {type(network_of(estimator)).__name__}."
        )
    if type(network_of(estimator)).__name__ == "NeuralNetBinaryClassifier":
        raise TypeError(
            "NeuralNetBinaryClassifier is not supported: use NeuralNetClassifier "
            "with one output per class (2 for a binary problem)."
        )
    return task


@contextmanager
def noticing_interrupts():
    """Record a Ctrl-C (SIGINT) even if the code inside swallows it.

    Yields a function that tells whether SIGINT arrived in the block. The
    signal still raises KeyboardInterrupt (or runs the previous handler) as
    usual. Outside the main thread, where handlers cannot be set, and while
    SIGINT is ignored (then nothing is interrupted), it reports nothing.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is signal.SIG_IGN:
        yield lambda: False
        return
    seen = []

    def handler(signum, frame):
        seen.append(signum)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)


def _differs(given, value):
    """Whether a size set by hand disagrees with the data (a shape as any sequence)."""
    if isinstance(value, tuple):
        try:
            return tuple(given) != value
        except TypeError:
            return True
    return given != value


def size_network(net, input_shape, n_outputs):
    """Set module__n_features_in, module__input_shape, module__n_outputs from the data.

    ``input_shape`` is the network input's row shape; a dict input (a
    dict of shapes) sizes only the outputs.
    """
    module = net.module
    if is_classifier(net):
        _check_classifier_criterion(module, net.criterion)
    if not inspect.isclass(module):
        return  # an instance is already built: the user sized it
    try:
        parameters = inspect.signature(module).parameters
    except (TypeError, ValueError):
        return
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    given = net.get_params(deep=False)
    sizes = {}
    candidates = [("n_outputs", n_outputs)]
    if isinstance(input_shape, tuple):
        candidates = [
            ("n_features_in", int(np.prod(input_shape))),
            ("input_shape", input_shape),
        ] + candidates
    for name, value in candidates:
        # input_shape goes only to a module that names it: one taking
        # **kwargs gets the two sizes it always got.
        if name not in parameters and (not accepts_any or name == "input_shape"):
            continue
        key = f"module__{name}"
        if key in given and given[key] is not None and _differs(given[key], value):
            raise ValueError(
                f"The network was given {key}={given[key]!r}, but the data need "
                f"{value}: leave {key} unset and ActiveLearner sizes the module."
            )
        sizes[key] = value
    if sizes:
        net.set_params(**sizes)


def check_training(net):
    """Refuse a network whose last training loss is not finite."""
    try:
        loss = net.history[-1, "train_loss"]
    except (KeyError, IndexError, TypeError):
        return
    if not np.isfinite(loss):
        raise ValueError(
            f"Training the network produced a non-finite loss ({loss}). Lower the "
            "learning rate or scale the inputs; if the module returns logits, use "
            "criterion=torch.nn.CrossEntropyLoss."
        )


def train(estimator, X, y, y_net, seed, *, warm, n_outputs, net_params):
    """Train on (X, y) and return the fitted estimator.

    Parameters
    ----------
    estimator : skorch net or Pipeline
        Warm: the fitted estimator, copied and trained further (skorch's
        ``partial_fit``, the Pipeline's steps kept). Otherwise the unfitted
        template, cloned and trained from scratch. It is never changed.
    X : validated rows (see :func:`skactive._input.validate_X`)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        The labels as given (the Pipeline's steps are fitted with them).
    y_net : ndarray of shape (n_samples,) or (n_samples, n_targets)
        The encoded labels skorch trains on.
    seed : int
        Seeds torch for the training.
    warm : bool
    n_outputs : int
        The module's number of outputs, when it is sized from the data.
    net_params : dict
        Further parameters of a fresh net (a classifier's ``classes``).

    Returns
    -------
    estimator : skorch net or Pipeline
        The trained copy.
    """
    estimator = copy.deepcopy(estimator) if warm else clone(estimator)
    net = network_of(estimator)
    with probes.seeded_torch(seed), noticing_interrupts() as interrupted:
        X_net = network_input(estimator, X, fit_steps=not warm, y=y)
        shape = _data.row_shape(X_net)
        if probes.is_dataset(X_net):
            # skorch trains on a Dataset's own items: pair them with the
            # encoded labels, read lazily.
            X_net = _data.training_dataset(X_net, y_net, shape)
        if warm:
            net.partial_fit(X_net, y_net)
        else:
            size_network(net, shape, n_outputs)
            if net_params:
                net.set_params(**net_params)
            net.fit(X_net, y_net)
    if interrupted():
        # skorch ends training quietly on Ctrl-C; a cut-short network must
        # not be committed as if it were trained.
        raise KeyboardInterrupt("training was interrupted; the learner is unchanged")
    check_training(net)
    return estimator
