"""Density-weighted selection: far from the labelled rows, close to a cluster centre.

References
----------
.. [1] A. Fujii, K. Inui, T. Tokunaga and H. Tanaka, "Selective Sampling for
   Example-based Word Sense Disambiguation", Computational Linguistics
   24(4), 1998.
.. [2] I. Mondal and D. Ganguly, "ALEX: Active Learning based Enhancement of
   a Model's EXplainability", CIKM 2020, §4.1 (the DW baseline).
"""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .. import probes
from ..kernels import density_weighted_score, top_k
from ._base import RealInterval, UtilityStrategy

__all__ = ["DensityWeighted"]


class DensityWeighted(UtilityStrategy):
    """Density-weighted sampling, the DW baseline of ALEX (after Fujii et al., 1998).

    ALEX §4.1 describes DW as selecting "the points least similar to the
    currently labelled instances", after clustering the data into ``c``
    clusters (``c`` the number of classes) "to compute the distance of an
    unlabelled point from the centroids of the ``c`` clusters". The exact
    rule implemented here:

    1. k-means (k-means++ seeding, ``random_state``) clusters the pool rows
       into ``c`` clusters with centroids ``μ_1, …, μ_c``;
    2. for each pool row ``x``, ``d_L(x) = min_{x' ∈ L} ‖x − x'‖`` is its
       distance to the nearest labelled row (dissimilarity to the labelled
       set) and ``d_C(x) = ‖x − μ_{c(x)}‖`` its distance to the centroid of
       its own cluster (how far it lies from the dense part of its cluster);
    3. the utility is ``d_L(x) · (1 + d_C(x) / d̄_C)^(−β)``, ``d̄_C`` the
       mean of ``d_C`` over the pool (which makes the weight independent of
       the scale of the data; 1 if every ``d_C`` is 0) and ``β =
       density_exponent``; the ``n`` rows of highest utility are picked,
       ties broken at random.

    A row is preferred when it is far from everything labelled (diversity)
    and near the centre of a cluster (representative, not an outlier); with
    ``β = 0`` the rule is farthest-from-the-labelled-set alone.

    Parameters
    ----------
    n_clusters : int or None, default=None
        Number of clusters ``c``; None means the number of classes (ALEX
        §4.1), which needs a classifier. Capped at the pool size.
    representation : {"input", "embedding"}, default="input"
        Space of the distances: the rows as the network sees them (the
        input distribution, as in the paper; an image or any other row is
        flattened into its values) or the network's penultimate embedding.
        For images, distances between pixel vectors say little about
        content: ``"embedding"`` is the better choice for a CNN.
    density_exponent : float, default=1.0
        ``β``, the weight given to the closeness to a centroid.

    References
    ----------
    .. [1] A. Fujii, K. Inui, T. Tokunaga and H. Tanaka, "Selective Sampling
       for Example-based Word Sense Disambiguation", Computational
       Linguistics 24(4), 1998.
    .. [2] I. Mondal and D. Ganguly, "ALEX: Active Learning based
       Enhancement of a Model's EXplainability", CIKM 2020, §4.1.

    Examples
    --------
    >>> from skactive.strategies import DensityWeighted
    >>> DensityWeighted(n_clusters=10)
    DensityWeighted(n_clusters=10)
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left"), None],
        "representation": [StrOptions({"input", "embedding"})],
        "density_exponent": [RealInterval(0, None, closed="left")],
    }
    _parameter_messages = {
        "n_clusters": "n_clusters must be a positive integer or None, got {value!r}.",
        "representation": "representation must be 'input' or 'embedding', got {value!r}.",
        "density_exponent": "density_exponent must be a non-negative number, got {value!r}.",
    }

    def __init__(self, n_clusters=None, *, representation="input", density_exponent=1.0):
        self.n_clusters = n_clusters
        self.representation = representation
        self.density_exponent = density_exponent

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        embedding = self.representation == "embedding"
        tags.needs_final_linear = tags.uses_network = embedding
        tags.clusters_from_classes = self.n_clusters is None
        return tags

    def _n_clusters(self, learner):
        c = self.n_clusters
        if c is None:
            if not is_classifier(learner):
                raise ValueError(
                    "DensityWeighted uses as many clusters as classes by default, which needs a "
                    "classifier; with a regressor set n_clusters."
                )
            return int(learner.classes_.shape[0])
        return int(c)

    def _represent(self, learner, X):
        if self.representation == "input":
            if isinstance(X, np.ndarray) and X.ndim == 2:
                return np.asarray(X, dtype=np.float32)
            return probes.flat_rows(X, batch_size=learner.pool_batch_size)
        return probes.penultimate_embedding(learner.network_, X, batch_size=learner.pool_batch_size)

    def utility(self, learner, X_pool, random_state=None):
        beta = self.density_exponent
        c = min(self._n_clusters(learner), probes.n_rows(X_pool))
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        Z_pool = self._represent(learner, X_pool)
        Z_labeled = self._represent(learner, learner.network_input(learner.X_labeled_))
        kmeans = KMeans(n_clusters=c, n_init=3, random_state=seed).fit(Z_pool)
        return density_weighted_score(
            Z_pool, Z_labeled, kmeans.cluster_centers_, kmeans.labels_, beta
        )

    utility.__doc__ = UtilityStrategy.utility.__doc__

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        return top_k(self.utility(learner, X_pool, rng), n, rng)

    query.__doc__ = UtilityStrategy.query.__doc__
