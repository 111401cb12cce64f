"""TypiClust: typical rows of the largest uncovered clusters, for low budgets.

References
----------
.. [1] G. Hacohen, A. Dekel and D. Weinshall, "Active Learning on a Budget:
   Opposite Strategies Suit High and Low Budgets", ICML 2022.
"""

from numbers import Integral

import numpy as np
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .. import probes
from ..kernels import typiclust_select
from ._base import QueryStrategy

__all__ = ["TypiClust"]


def represent(learner, X, representation):
    """Rows of ``X`` in the space a low-budget strategy measures distances in.

    ``"input"``: the rows as the network sees them, flattened to one vector
    each; ``"embedding"``: the network's penultimate embedding.

    Returns
    -------
    Z : ndarray of shape (n_samples, n_dims), dtype float32
    """
    if representation == "input":
        if isinstance(X, np.ndarray) and X.ndim == 2:
            return np.asarray(X, dtype=np.float32)
        return probes.flat_rows(X, batch_size=learner.pool_batch_size)
    return probes.penultimate_embedding(learner.network_, X, batch_size=learner.pool_batch_size)


def labeled_and_pool(learner, X_pool, representation):
    """``(Z_labelled, Z_pool)``: the labelled rows and the pool in one representation."""
    Z_pool = represent(learner, X_pool, representation)
    Z_labeled = represent(learner, learner.network_input(learner.X_labeled_), representation)
    return Z_labeled, Z_pool


def seed_from(rng):
    """An integer seed drawn from the query's stream, for a sub-step (k-means)."""
    return int(rng.randint(np.iinfo(np.int32).max))


class TypiClust(QueryStrategy):
    """TypiClust (Hacohen, Dekel & Weinshall, 2022): typical rows of uncovered clusters.

    In the low-budget regime labelling *typical* rows pays more than
    labelling uncertain ones (§2–3). One query of ``n`` rows, with ``L`` the
    labelled set and ``U`` the pool (Algorithm 1, §3.2):

    1. the rows of ``L ∪ U`` are clustered by k-means (k-means++ seeding,
       ``random_state``) into ``min(|L| + n, max_clusters)`` clusters
       (the authors cap the count at 500);
    2. ``n`` times: take the cluster with the fewest labelled or already
       chosen rows, the largest among those (clusters of at most
       ``min_cluster_size`` rows only once no larger one is left, as in the
       authors' code), and choose its most typical pool row, typicality
       being the inverse mean Euclidean distance to the row's
       ``K = n_neighbors`` nearest neighbours among the cluster's pool rows
       (eq. 4; ``K = min(n_neighbors, m // 2)`` in a cluster of ``m`` pool
       rows, as in the authors' code).

    Choices the paper leaves open, or that this library makes differently:

    - **Representation.** The paper clusters a self-supervised embedding
      (SimCLR / SCAN, §3.1, §4.1) learnt on all the unlabelled data,
      independent of the labels. Here ``representation="input"`` (default)
      uses the rows as the network sees them (after any preprocessing of a
      Pipeline), which for tabular data is label-independent as the paper
      asks; ``"embedding"`` uses the network's penultimate embedding
      (:func:`skactive.probes.penultimate_embedding`), the better choice for
      images, where pixel distances say little, once the network has learnt
      something. A self-supervised encoder can be placed in a Pipeline before
      the network.
    - Distances in the typicality are Euclidean as in eq. 4 (the authors'
      code averages squared distances).
    - When several clusters tie on both counts, or several rows on
      typicality, one is chosen at random through ``random_state``.

    Works with classifiers and regressors.

    Parameters
    ----------
    representation : {"input", "embedding"}, default="input"
        Space of the clustering and the distances (see above).
    n_neighbors : int, default=20
        ``K`` of the typicality (§3.1: 20).
    max_clusters : int, default=500
        Cap on the number of clusters.
    min_cluster_size : int, default=5
        Clusters of at most this many rows are used last.

    References
    ----------
    .. [1] G. Hacohen, A. Dekel and D. Weinshall, "Active Learning on a
       Budget: Opposite Strategies Suit High and Low Budgets", ICML 2022,
       §3.1 (typicality, eq. 4), §3.2 (Algorithm 1).

    Examples
    --------
    >>> from skactive.strategies import TypiClust
    >>> TypiClust()
    TypiClust()
    """

    _parameter_constraints = {
        "representation": [StrOptions({"input", "embedding"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "max_clusters": [Interval(Integral, 1, None, closed="left")],
        "min_cluster_size": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self, representation="input", *, n_neighbors=20, max_clusters=500, min_cluster_size=5
    ):
        self.representation = representation
        self.n_neighbors = n_neighbors
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_final_linear = tags.uses_network = self.representation == "embedding"
        return tags

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        Z_labeled, Z_pool = labeled_and_pool(learner, X_pool, self.representation)
        Z = np.concatenate([Z_labeled, Z_pool]).astype(np.float64)
        n_distinct = np.unique(Z, axis=0).shape[0]
        n_clusters = min(Z_labeled.shape[0] + n, self.max_clusters, n_distinct)
        clusters = KMeans(n_clusters=n_clusters, n_init=1, random_state=seed_from(rng)).fit(Z)
        labels = clusters.labels_.astype(np.int64)
        n_labeled = Z_labeled.shape[0]
        return typiclust_select(
            labels[:n_labeled],
            labels[n_labeled:],
            Z[n_labeled:],
            n,
            n_neighbors=self.n_neighbors,
            min_cluster_size=self.min_cluster_size,
            random_state=rng,
        )

    query.__doc__ = QueryStrategy.query.__doc__
