"""The training schedule that trains each round to convergence: :class:`TrainToConvergence`."""

import math
from numbers import Integral, Real

from skorch.callbacks import Callback


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
