"""Greedy k-center on a representation: Core-Set and DAMI.

Both strategies cover the labelled and pool rows with balls as small as
possible in some representation space, picking pool rows furthest-first
(:func:`skactive.kernels.k_center_greedy`); they differ only in the
representation: the penultimate embedding for Core-Set, the local
interpretation ``∂ŷ/∂x`` for DAMI.

References
----------
.. [1] O. Sener and S. Savarese, "Active Learning for Convolutional Neural
   Networks: A Core-Set Approach", ICLR 2018.
.. [2] Q. Liu, Z. Liu, X. Zhu, Y. Wang, R. Chen and Y. Liu, "Deep Active
   Learning by Model Interpretability", 2020.
"""

from sklearn.utils import check_random_state

from .. import probes
from ..kernels import k_center_greedy
from ._base import QueryStrategy, differentiated_output

__all__ = ["CoreSet", "DAMI", "KCenterStrategy"]


class KCenterStrategy(QueryStrategy):
    """Base class of greedy k-center strategies: a representation, then furthest-first.

    :meth:`query` represents the labeled rows and the pool with
    :meth:`representation` and picks ``n`` pool rows by greedy k-center
    (:func:`skactive.kernels.k_center_greedy`), the labeled rows acting as
    the initial centres: each pick is the pool row furthest from its nearest
    centre, and becomes a centre. A new strategy of this family subclasses
    it and implements :meth:`representation` alone, asking the probe layer
    (:mod:`skactive.probes`) for the arrays, as :class:`CoreSet` (the
    penultimate embedding) and :class:`DAMI` (input gradients) do.

    Examples
    --------
    >>> from skactive import probes
    >>> from skactive.strategies import KCenterStrategy
    >>> class LogitCoreSet(KCenterStrategy):
    ...     def representation(self, learner, X):
    ...         return probes.network_output(
    ...             learner.network_, X, batch_size=learner.pool_batch_size
    ...         )
    >>> LogitCoreSet()
    LogitCoreSet()
    """

    def representation(self, learner, X):
        """The representation the k-center search runs on (the hook to implement).

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        X : ndarray of shape (n_samples, n_features_net)
            Rows as the network sees them (``learner.network_input(X)``).

        Returns
        -------
        representation : ndarray of shape (n_samples, n_dims), dtype float32
            A NumPy array where the net runs on the CPU; a float32 torch
            tensor on the net's device where it runs on a GPU
            (:func:`skactive.probes.uses_accelerator`), so that the k-center
            search runs there too.
        """
        raise NotImplementedError

    def query(self, learner, X_pool, n, random_state=None):
        labeled = self.representation(learner, learner.network_input(learner.X_labeled_))
        pool = self.representation(learner, X_pool)
        return k_center_greedy(pool, n, labeled, check_random_state(random_state))

    query.__doc__ = QueryStrategy.query.__doc__


class CoreSet(KCenterStrategy):
    """Core-Set selection by greedy k-center (Sener & Savarese, 2018).

    The rows are represented by the network's penultimate embedding ``h(x)``
    (the input of its final ``nn.Linear``); starting from the labelled rows
    as centres, the pool row furthest from its nearest centre is picked, made
    a centre, and so on ``n`` times (the greedy 2-approximation of the
    k-center problem, Sener & Savarese Algorithm 1, as BADGE §4 and DAL §5.3
    run it as a baseline). Distances are Euclidean. The robust
    mixed-integer refinement of the original paper is not run, as in the
    BADGE and DAL comparisons.

    Works for classifier and regressor nets alike. Where the net runs on a
    GPU, the embeddings stay there and the k-center search runs there (one
    full pass per pick; the same picks up to floating-point rounding). There
    are no hyper-parameters; ``random_state`` is unused (ties go to the lowest pool
    index).

    References
    ----------
    .. [1] O. Sener and S. Savarese, "Active Learning for Convolutional Neural
       Networks: A Core-Set Approach", ICLR 2018, Algorithm 1.
    .. [2] J. T. Ash et al., "Deep Batch Active Learning by Diverse, Uncertain
       Gradient Lower Bounds", ICLR 2020, §4 (CORESET baseline).

    Examples
    --------
    >>> from skactive.strategies import CoreSet
    >>> CoreSet()
    CoreSet()
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_final_linear = True
        return tags

    def representation(self, learner, X):
        net = learner.network_
        return probes.penultimate_embedding(
            net, X, batch_size=learner.pool_batch_size, on_device=probes.uses_accelerator(net)
        )

    representation.__doc__ = KCenterStrategy.representation.__doc__


class DAMI(KCenterStrategy):
    """Deep Active learning by Model Interpretability (Liu et al., 2020).

    Algorithm 1 of the paper, one round: the local interpretation ``I(x) =
    ∂ŷ/∂x`` (eq. 1) of every labelled and pool row is its representation;
    greedy k-center over ``{I(x) : x ∈ L} ∪ {I(x) : x ∈ U}``, the labelled
    rows being the initial centres, picks ``n`` pool rows. In a ReLU network
    ``I(x)`` is the weight vector of the local linear model of the linearly
    separable region ``x`` falls in (eq. 2), so the batch covers the
    regions evenly. There are no hyper-parameters, as the paper stresses.

    Choices the paper leaves open:

    - ``ŷ`` is the module's raw output for the predicted class (its logit
      for :class:`skactive.nets.MLP`), not the softmax probability: the
      logit of a ReLU network is exactly piecewise linear, which is the
      property the paper's argument rests on (§"Learning from the
      Interpretations of DNN"). For a multiclass network the predicted
      class's output is differentiated; for a one-output regressor, the
      prediction itself (an extension: the paper treats classification).
    - The gradient is taken with respect to the network input, i.e. after
      any preprocessing steps of a Pipeline.
    - K-Center is the greedy furthest-first algorithm with Euclidean
      distance, as in Core-Set (which the paper cites for it).

    ``random_state`` is unused (ties go to the lowest pool index).

    References
    ----------
    .. [1] Q. Liu, Z. Liu, X. Zhu, Y. Wang, R. Chen and Y. Liu, "Deep Active
       Learning by Model Interpretability", 2020, Algorithm 1, eq. (1)–(2).
    .. [2] O. Sener and S. Savarese, "Active Learning for Convolutional Neural
       Networks: A Core-Set Approach", ICLR 2018.

    Examples
    --------
    >>> from skactive.strategies import DAMI
    >>> DAMI()
    DAMI()
    """

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.single_output = True
        return tags

    def representation(self, learner, X):
        output = differentiated_output(
            learner,
            "DAMI needs one output to interpret",
            "use a single-output regressor or a classifier",
        )
        net = learner.network_
        return probes.input_gradients(
            net,
            X,
            batch_size=learner.pool_batch_size,
            output=output,
            on_device=probes.uses_accelerator(net),
        )

    representation.__doc__ = KCenterStrategy.representation.__doc__
