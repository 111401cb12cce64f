"""ProbCover: greedy max coverage of the data by balls of radius δ, for low budgets.

References
----------
.. [1] O. Yehuda, A. Dekel, G. Hacohen and D. Weinshall, "Active Learning
   Through a Covering Lens", NeurIPS 2022.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..kernels import ball_graph, max_coverage_greedy, purity_radius
from ._base import QueryStrategy
from ._typiclust import labeled_and_pool, seed_from

__all__ = ["ProbCover"]


class ProbCover(QueryStrategy):
    """ProbCover (Yehuda, Dekel, Hacohen & Weinshall, 2022): max probability coverage.

    With few labels, a 1-nearest-neighbour view of the classifier errs where
    the data are not covered by balls of radius ``δ`` around labelled rows,
    or where such a ball is impure (§3, Theorem 3.1). ProbCover therefore
    maximises the number of rows covered (§4.2, Algorithm 1):

    1. build the graph over ``L ∪ U`` in which a row covers every row at
       Euclidean distance below ``δ`` (itself included);
    2. mark the rows covered by the labelled rows;
    3. ``n`` times: choose the pool row whose ball holds the most uncovered
       rows, mark them covered (the graph's edges into covered rows are
       removed).

    Choosing ``δ`` (§4.1, §5): the paper takes the largest ``δ`` whose
    purity ``π(δ)`` — the fraction of rows whose ball holds a single label
    — is at least ``α = 0.95``, labels being the k-means clusters of the
    data with as many clusters as classes. That is the default
    (``delta=None``): k-means (``random_state``) with ``n_clusters`` clusters
    (None: the number of classes of a classifier) over ``L ∪ U``, and the
    exact largest such ``δ`` (:func:`skactive.kernels.purity_radius`;
    the paper searches a grid of values). Give ``delta`` to fix it.

    Other choices:

    - **Representation.** The paper uses a self-supervised embedding
      (SimCLR, §5). ``representation="input"`` (default) uses the rows as
      the network sees them, label-independent as the paper asks;
      ``"embedding"`` the network's penultimate embedding (see
      :class:`TypiClust`).
    - Ties between equally good rows are broken at random
      (``random_state``); once every row is covered, the remaining picks are
      drawn uniformly at random from the pool.
    - Memory grows with the number of edges of the graph, which the purity
      rule keeps small; a large fixed ``delta`` can make it ``O(N²)``.

    Works with classifiers, and with regressors given ``delta`` or
    ``n_clusters``.

    Parameters
    ----------
    delta : float or None, default=None
        Ball radius ``δ > 0``; None chooses it by purity (see above).
    alpha : float, default=0.95
        Purity threshold of the ``δ`` choice, in ``(0, 1]``.
    n_clusters : int or None, default=None
        Clusters of the ``δ`` choice; None: the number of classes.
    representation : {"input", "embedding"}, default="input"
        Space of the distances.

    References
    ----------
    .. [1] O. Yehuda, A. Dekel, G. Hacohen and D. Weinshall, "Active
       Learning Through a Covering Lens", NeurIPS 2022, §3 (purity and
       coverage), §4.1 (choice of δ), §4.2 (Algorithm 1).

    Examples
    --------
    >>> from skactive.strategies import ProbCover
    >>> ProbCover(delta=0.5)
    ProbCover(delta=0.5)
    """

    _parameter_constraints = {
        "delta": [Interval(Real, 0, None, closed="neither"), None],
        "alpha": [Interval(Real, 0, 1, closed="right")],
        "n_clusters": [Interval(Integral, 2, None, closed="left"), None],
        "representation": [StrOptions({"input", "embedding"})],
    }

    def __init__(self, delta=None, *, alpha=0.95, n_clusters=None, representation="input"):
        self.delta = delta
        self.alpha = alpha
        self.n_clusters = n_clusters
        self.representation = representation

    _validated_methods = (*QueryStrategy._validated_methods, "radius")

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_final_linear = tags.uses_network = self.representation == "embedding"
        tags.clusters_from_classes = self.delta is None and self.n_clusters is None
        return tags

    def _n_clusters(self, learner):
        if self.n_clusters is not None:
            return int(self.n_clusters)
        if not is_classifier(learner):
            raise ValueError(
                "ProbCover chooses delta with as many clusters as classes by default, which "
                "needs a classifier; with a regressor set delta or n_clusters."
            )
        return max(int(learner.classes_.shape[0]), 2)

    def _radius(self, learner, Z, rng):
        if self.delta is not None:
            return float(self.delta)
        k = self._n_clusters(learner)
        n_distinct = np.unique(Z, axis=0).shape[0]
        if n_distinct < 2:
            raise ValueError(
                "ProbCover cannot choose delta by purity: the labelled and pool rows are "
                "all equal; set delta."
            )
        kmeans = KMeans(n_clusters=min(k, n_distinct), n_init=1, random_state=seed_from(rng))
        return purity_radius(Z, kmeans.fit(Z).labels_, self.alpha)

    def radius(self, learner, X_pool, random_state=None):
        """The ball radius ``δ`` a query of ``X_pool`` with this ``random_state`` uses.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        random_state : int, RandomState instance or None, default=None
            The seed the query would be given.

        Returns
        -------
        delta : float
            ``delta`` if set, else the purity-chosen radius.
        """
        Z = np.concatenate(labeled_and_pool(learner, X_pool, self.representation))
        return self._radius(learner, Z.astype(np.float64), check_random_state(random_state))

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        Z_labeled, Z_pool = labeled_and_pool(learner, X_pool, self.representation)
        Z = np.concatenate([Z_labeled, Z_pool]).astype(np.float64)
        graph = ball_graph(Z, self._radius(learner, Z, rng))
        return max_coverage_greedy(graph, Z_labeled.shape[0], n, rng)

    query.__doc__ = QueryStrategy.query.__doc__
