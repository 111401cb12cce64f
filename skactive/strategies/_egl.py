"""Expected gradient length.

References
----------
.. [1] B. Settles, M. Craven and S. Ray, "Multiple-Instance Active
   Learning", NeurIPS 2008.
.. [2] J. Huang, R. Child, V. Rao, H. Liu, S. Satheesh and A. Coates,
   "Active Learning for Speech Recognition: the Power of Gradients", 2016.
"""

import numpy as np

from .. import probes
from ._base import UtilityStrategy

__all__ = ["EGL"]


class EGL(UtilityStrategy):
    """Expected gradient length: ``Σ_y p(y | x) ‖∇_θ ℓ(x, y)‖``.

    The expected norm of the training gradient a row would cause if it were
    labelled, the expectation taken over the current model's predicted label
    distribution, with ``ℓ`` the training loss (cross-entropy) and ``θ`` all
    trainable parameters of the network. The ``n`` rows with the largest
    expected length are chosen. This is the EGL baseline of the DAMI and
    BADGE papers.

    Per-sample gradient norms come from :mod:`torch.func` (``vmap`` over the
    rows of a chunk, one call per class; see
    :func:`skactive.probes.loss_gradient_norms`), never a Python loop over
    rows. Classification only.

    References
    ----------
    .. [1] B. Settles, M. Craven and S. Ray, "Multiple-Instance Active
       Learning", NeurIPS 2008.
    .. [2] J. Huang, R. Child, V. Rao, H. Liu, S. Satheesh and A. Coates,
       "Active Learning for Speech Recognition: the Power of Gradients",
       2016.

    Examples
    --------
    >>> from skactive.strategies import EGL
    >>> EGL()
    EGL()
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = tags.row_independent = True
        return tags

    def utility(self, learner, X_pool):
        self._require_classifier(learner)
        net, batch_size = learner.network_, learner.pool_batch_size
        norms = probes.loss_gradient_norms(net, X_pool, batch_size=batch_size)
        proba = probes.network_output(net, X_pool, batch_size=batch_size)
        return np.einsum("ij,ij->i", proba.astype(np.float64), norms)

    utility.__doc__ = UtilityStrategy.utility.__doc__
