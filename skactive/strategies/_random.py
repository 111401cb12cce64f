"""Random sampling, the baseline of every active-learning paper."""

from sklearn.utils import check_random_state

from .. import probes
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

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        return rng.choice(probes.n_rows(X_pool), size=n, replace=False).astype("int64")

    query.__doc__ = QueryStrategy.query.__doc__
