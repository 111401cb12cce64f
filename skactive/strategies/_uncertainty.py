"""Uncertainty sampling: least confidence, margin and entropy.

The three classic uncertainty measures computed from the class
probabilities ``p(y | x)`` of the current network (Settles, 2009, §3.1).
Each is a ranking strategy: the ``n`` pool rows with the highest utility are
chosen, in ``O(n_samples)`` memory. The probabilities are computed chunk by
chunk and reduced to one number per row straight away, so a pool is never
held as an ``(n_samples, n_classes)`` array beyond one chunk.

References
----------
.. [1] B. Settles, "Active Learning Literature Survey", Computer Sciences
   Technical Report 1648, University of Wisconsin–Madison, 2009, §3.1.
"""

from contextlib import closing

import numpy as np
from scipy.special import xlogy

from .. import probes
from ._base import UtilityStrategy

__all__ = ["LeastConfidence", "Margin", "Entropy"]


class _ProbabilityUtility(UtilityStrategy):
    """Utility that is a function of each row's class probabilities."""

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = tags.row_independent = True
        return tags

    def utility(self, learner, X_pool):
        self._require_classifier(learner)
        utility = np.empty(probes.n_rows(X_pool), dtype=np.float64)
        chunks = probes.iter_network_output(
            learner.network_, X_pool, batch_size=learner.pool_batch_size
        )
        # closing: the network is put back even if a chunk's utility raises.
        with closing(chunks):
            for start, proba in chunks:
                utility[start : start + proba.shape[0]] = self._from_proba(proba.astype(np.float64))
        return utility

    utility.__doc__ = UtilityStrategy.utility.__doc__


class LeastConfidence(_ProbabilityUtility):
    """Least-confidence sampling: utility ``1 - max_y p(y | x)``.

    References
    ----------
    .. [1] B. Settles, "Active Learning Literature Survey", 2009, §3.1.
    """

    @staticmethod
    def _from_proba(proba):
        """(n_chunk, n_classes) probabilities -> (n_chunk,) utilities."""
        return 1.0 - proba.max(axis=1)


class Margin(_ProbabilityUtility):
    """Margin sampling: utility ``-(p(y_1 | x) - p(y_2 | x))``.

    ``y_1`` and ``y_2`` are the most and second most probable classes; the
    rows whose two best classes are closest are chosen first.

    References
    ----------
    .. [1] T. Scheffer, C. Decomain and S. Wrobel, "Active Hidden Markov
       Models for Information Extraction", IDA 2001.
    .. [2] B. Settles, "Active Learning Literature Survey", 2009, §3.1.
    """

    #: Cost-aware selection divides ``utility + 1 = 1 - margin`` by the cost.
    _utility_floor = -1.0

    @staticmethod
    def _from_proba(proba):
        """(n_chunk, n_classes) probabilities -> (n_chunk,) utilities."""
        top_two = np.partition(proba, proba.shape[1] - 2, axis=1)[:, -2:]
        return top_two[:, 0] - top_two[:, 1]


class Entropy(_ProbabilityUtility):
    """Maximum-entropy sampling: utility ``-sum_y p(y | x) log p(y | x)``.

    Uses ``scipy.special.xlogy`` so that ``0 log 0 = 0``.

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication", 1948.
    .. [2] B. Settles, "Active Learning Literature Survey", 2009, §3.1.
    """

    @staticmethod
    def _from_proba(proba):
        """(n_chunk, n_classes) probabilities -> (n_chunk,) utilities."""
        return -xlogy(proba, proba).sum(axis=1)
