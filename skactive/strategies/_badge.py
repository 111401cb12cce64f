"""BADGE: batch active learning by diverse gradient embeddings.

References
----------
.. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
   "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower Bounds",
   ICLR 2020.
"""

from sklearn.utils import check_random_state

from .. import probes
from ..kernels import kmeans_pp_factored
from ._base import QueryStrategy

__all__ = ["BADGE"]


class BADGE(QueryStrategy):
    """Batch Active learning by Diverse Gradient Embeddings (Ash et al., 2020).

    Algorithm 1 of the paper, one round:

    1. for every pool row ``x``, the hallucinated label ``ŷ(x) = argmax_y
       p(y | x)`` of the current network;
    2. the gradient embedding ``g_x = ∂ℓ_CE(f(x), ŷ)/∂W`` with respect to the
       weights ``W`` of the final linear layer, which is ``(p − e_ŷ) ⊗ h(x)``
       with ``h(x)`` the penultimate embedding (eq. 1);
    3. k-means++ seeding on ``{g_x}`` picks the batch.

    The embeddings are kept in that factored form and k-means++ uses the
    factored squared distance (:func:`skactive.kernels.kmeans_pp_factored`),
    so memory is ``O(n_samples · (n_classes + n_hidden))``, never
    ``O(n_samples · n_classes · n_hidden)``.

    Choices the paper leaves open:

    - the embedding is the gradient with respect to the final layer's weight
      matrix only, not its bias (§3, eq. 1 differentiates ``W``);
    - the first centre is the row with the largest ``‖g_x‖``, as in the
      authors' code, where Appendix A's Algorithm 2 draws it uniformly; the
      rest are drawn with probability ``∝ D²``. So the most uncertain-and-
      large row always comes first, and the rest depend on ``random_state``.

    Where the net runs on a GPU, the factors stay there and k-means++ runs
    there (one full pass per step, the draws on the host; the same picks up
    to floating-point rounding).

    There are no hyper-parameters.

    The network must be a classifier whose final ``nn.Linear`` produces one
    logit per class (as :class:`skactive.nets.MLP` does).

    References
    ----------
    .. [1] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
       "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower
       Bounds", ICLR 2020, §3, Algorithm 1, Appendix A.

    Examples
    --------
    >>> from skactive.strategies import BADGE
    >>> BADGE()
    BADGE()
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = tags.needs_final_linear = True
        return tags

    def gradient_embedding(self, learner, X):
        """BADGE's gradient embeddings of ``X`` in factored form.

        ``g_x = q_x ⊗ h_x`` (row ``x`` of the ``(n_samples, n_classes ·
        n_hidden)`` embedding matrix is ``np.outer(q[x], h[x]).ravel()``).

        Parameters
        ----------
        learner : ActiveLearner
            A fitted classifier learner.
        X : ndarray of shape (n_samples, n_features_net)
            Rows as the network sees them (``learner.network_input(X)``).

        Returns
        -------
        q : ndarray of shape (n_samples, n_classes), dtype float32
            ``p(x) − e_ŷ(x)``.
        h : ndarray of shape (n_samples, n_hidden), dtype float32
            The penultimate embedding. Both are float32 torch tensors on the
            net's device where the net runs on a GPU
            (:func:`skactive.probes.uses_accelerator`), NumPy arrays on the
            CPU otherwise.
        """
        self._require_classifier(learner)
        net = learner.network_
        return probes.gradient_embedding(
            net, X, batch_size=learner.pool_batch_size, on_device=probes.uses_accelerator(net)
        )

    def query(self, learner, X_pool, n, random_state=None):
        q, h = self.gradient_embedding(learner, X_pool)
        return kmeans_pp_factored(q, h, n, check_random_state(random_state))

    query.__doc__ = QueryStrategy.query.__doc__
