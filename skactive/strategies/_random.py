"""Random sampling, the baseline of every active-learning paper."""

from sklearn.utils import check_random_state

from .. import probes
from ..kernels import greedy_within_budget
from ._base import QueryStrategy

__all__ = ["Random"]


class Random(QueryStrategy):
    """Choose pool rows uniformly at random, without replacement.

    Works with any network, classifier or regressor; it never evaluates the
    network.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import Random
    >>> Random().query(None, np.zeros((10, 2), dtype=np.float32), 3, random_state=0)
    array([2, 8, 4])
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.uses_network = False
        return tags

    def query(self, learner, X_pool, n, random_state=None, costs=None, max_cost=None):
        """Choose ``n`` rows of ``X_pool`` uniformly at random.

        With ``costs``, the rows are still drawn uniformly (the cost does not
        weigh the draw); with ``max_cost`` as well, rows are taken in the
        random order while they fit in the budget, so fewer than ``n`` may be
        returned. Cost-blind, within a budget: the baseline of a cost-aware
        comparison.

        Parameters
        ----------
        learner : ActiveLearner or None
            Not read.
        X_pool : ndarray of shape (n_samples, n_features_net)
        n : int
        random_state : int, RandomState instance or None, default=None
        costs : ndarray of shape (n_samples,), default=None
        max_cost : float, default=None

        Returns
        -------
        indices : ndarray of shape (n,) or (n_taken,), dtype int64
        """
        rng = check_random_state(random_state)
        if costs is None or max_cost is None:
            return rng.choice(probes.n_rows(X_pool), size=n, replace=False).astype("int64")
        return greedy_within_budget(rng.permutation(probes.n_rows(X_pool)), costs, n, max_cost)
