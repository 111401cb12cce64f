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

The package's modules
---------------------
- ``_modules.py``: the torch modules :class:`MLP` and :class:`CNN`;
- ``_convergence.py``: the training schedule :class:`TrainToConvergence`;
- ``_builders.py``: the skorch nets around them, :func:`make_mlp_net` and
  :func:`make_cnn_net`.
"""

from ._builders import CONVERGENCE_MAX_EPOCHS as CONVERGENCE_MAX_EPOCHS
from ._builders import FIXED_MAX_EPOCHS as FIXED_MAX_EPOCHS
from ._builders import make_cnn_net, make_mlp_net
from ._convergence import TrainToConvergence
from ._modules import CNN, MLP
from ._modules import _check_classifier_criterion as _check_classifier_criterion  # the learner's

__all__ = ["CNN", "MLP", "TrainToConvergence", "make_cnn_net", "make_mlp_net"]
