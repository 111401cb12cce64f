"""LCMD: largest cluster maximum distance (Holzmüller et al., JMLR 2023).

References
----------
.. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A Framework
   and Benchmark for Deep Batch Active Learning for Regression", Journal of
   Machine Learning Research 24(164), 2023.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .. import probes
from ..kernels import gaussian_sketch, lcmd_greedy, scale_factor
from ._base import QueryStrategy, differentiated_output

__all__ = ["LCMD"]

_MODES = ("tp", "p")
_KERNELS = ("ll", "grad")


class LCMD(QueryStrategy):
    """Largest Cluster Maximum Distance (Holzmüller et al., 2023).

    The batch selection method the paper proposes, built from its three
    parts:

    - **base kernel**: by default the last-layer kernel ``k_ll(x, x') =
      ⟨∇_θL f(x), ∇_θL f(x')⟩``, the gradient of the network output with
      respect to the parameters ``θL`` of its final ``nn.Linear``, which is
      ``(h(x), 1)`` with ``h(x)`` the penultimate embedding
      (:func:`skactive.probes.last_layer_features`); with ``kernel="grad"``
      the finite-width neural tangent kernel ``k_grad``, the gradient with
      respect to the parameters of every ``nn.Linear``
      (:func:`skactive.probes.gradient_features`);
    - **kernel transformations**: optionally sketching to ``sketch_dim``
      Gaussian random features (an unbiased estimate of the kernel): ``φ ↦ φ
      P`` for ``ll``, and for ``grad`` a sketch computed layer by layer that
      never forms the per-row gradient; then scaling by ``λ = 1 / mean k(x,
      x)`` over the labelled rows (``k → scale(X_train)``);
    - **selection**: LCMD (:func:`skactive.kernels.lcmd_greedy`). With
      the distance ``d(x, x')² = k(x, x) + k(x', x') − 2 k(x, x')``, every pool
      row belongs to the cluster of its nearest centre; each step takes the
      cluster whose squared distances to its centre sum highest and picks its
      row furthest from the centre, which becomes a centre. In the TP mode
      (the default, and the mode of the paper's LCMD-TP) the labelled rows
      are the first centres; in the P mode only the picks are, and the first
      pick is the row of largest ``k(x, x)``.

    Choices the paper leaves open, or that this library makes:

    - **Kernel.** The paper recommends the full-gradient kernel sketched to
      512 features (``LCMD(kernel="grad", sketch_dim=512)`` here) and also
      runs LCMD-TP on the last-layer kernel ``ll``. The default here is
      ``ll``, exact (``sketch_dim=None``), as in the paper's ``ll`` runs: it
      needs only the penultimate embedding, works for classifiers, and costs
      one forward pass; ``grad`` also needs a backward pass per chunk. The
      ``grad`` kernel covers the parameters of the ``nn.Linear`` layers only
      (as the paper's networks are fully connected); convolutions and
      normalisation layers are not differentiated. Exact ``grad`` features
      have one column per parameter, so set ``sketch_dim`` for any but a
      small network.
    - **Gradient scale.** The paper's networks use the neural tangent
      parametrisation, in which each layer's weight and bias gradients carry
      factors ``σ_w/√d_in`` and ``σ_b``. Here gradients are taken with
      respect to the parameters as the module holds them (the standard
      parametrisation of ``nn.Linear``), so the last-layer features are
      ``(h, 1)``. For ``ll`` the constant bias feature cancels in every
      distance and only matters for the P mode's first pick after
      sketching; for ``grad`` the layers are weighted as their raw
      parameter gradients are, which differs from the paper's weighting.
    - **Scaling.** The scale transformation multiplies every squared
      distance by the same ``λ``, which leaves the nearest centres, the
      largest cluster and the furthest row unchanged, so LCMD's picks do not
      depend on it (tested; the paper's LCMD runs use no scaling). It is
      applied, at the cost of one pass, so that :meth:`features` of
      different networks share one scale: a mean ``k(x, x)`` of 1 over the
      labelled rows.
    - **Ties** (equidistant centres, clusters of equal sum, candidates at
      equal distance) go to the older centre, to all tied clusters, and to
      the lowest pool index; see :func:`~skactive.kernels.lcmd_greedy`.
    - **Classifiers.** The paper treats regression with one output. For a
      network with several outputs the gradient of each output with respect
      to the final layer is ``(h, 1)`` in that output's row, so the
      last-layer kernel of every output is the same and LCMD with ``ll``
      applies unchanged to classifiers and multi-output regressors (an
      extension: it reads only the penultimate embedding, not the class
      probabilities). The ``grad`` kernel differs per output: for a
      classifier it differentiates the logit of the predicted class, as DAMI
      does (an extension); a regressor must have one output.

    ``random_state`` only draws the sketch; without sketching LCMD is
    deterministic.

    Parameters
    ----------
    kernel : {"ll", "grad"}, default="ll"
        Base kernel: last-layer gradients, or gradients with respect to every
        ``nn.Linear`` (the finite-width neural tangent kernel).
    mode : {"tp", "p"}, default="tp"
        ``"tp"``: the labelled rows are centres from the start (LCMD-TP);
        ``"p"``: only the pool rows picked in this batch are.
    sketch_dim : int or None, default=None
        Number of Gaussian random features of the sketching transformation;
        None for the exact kernel. The paper sketches to 512.

    References
    ----------
    .. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", JMLR 24(164), 2023: the framework of base kernels,
       kernel transformations and selection methods; the last-layer base
       kernel; the scaling and sketching transformations; the selection
       method LCMD and the P/TP modes.

    Examples
    --------
    >>> from skactive.strategies import LCMD
    >>> LCMD()
    LCMD()
    >>> LCMD(kernel="grad", sketch_dim=512)
    LCMD(kernel='grad', sketch_dim=512)
    """

    def __init__(self, kernel="ll", mode="tp", sketch_dim=None):
        self.kernel = kernel
        self.mode = mode
        self.sketch_dim = sketch_dim

    _parameter_constraints = {
        "kernel": [StrOptions(set(_KERNELS))],
        "mode": [StrOptions(set(_MODES))],
        "sketch_dim": [Interval(Integral, 1, None, closed="left"), None],
    }
    _parameter_messages = {
        "kernel": "LCMD kernel must be 'll' or 'grad', got {value!r}.",
        "mode": "LCMD mode must be 'tp' or 'p', got {value!r}.",
        "sketch_dim": (
            "LCMD sketch_dim must be None or an integer >= 1, got {value!r}; "
            "the paper sketches to 512."
        ),
    }
    _validated_methods = (*QueryStrategy._validated_methods, "features")

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_final_linear = True
        tags.single_output = self.kernel == "grad"
        return tags

    def features(self, learner, X_pool, random_state=None):
        """The kernel's feature vectors of the pool and labelled rows.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        random_state : int, RandomState instance or None, default=None
            Seed of the sketch.

        Returns
        -------
        pool : ndarray of shape (n_samples, n_kernel_features)
            ``φ(x)`` of the pool rows, sketched and scaled.
        labelled : ndarray of shape (n_labelled, n_kernel_features)
            ``φ(x)`` of the labelled rows, the same transformations applied.
        """
        X_labeled = learner.network_input(learner.X_labeled_)
        if self.kernel == "grad":
            return self._gradient_features(learner, X_pool, X_labeled, random_state)
        net, batch_size = learner.network_, learner.pool_batch_size
        pool = probes.last_layer_features(net, X_pool, batch_size=batch_size)
        labeled = probes.last_layer_features(net, X_labeled, batch_size=batch_size)
        if self.sketch_dim is not None:
            projection = gaussian_sketch(
                pool.shape[1], int(self.sketch_dim), check_random_state(random_state)
            ).astype(pool.dtype)
            pool, labeled = pool @ projection, labeled @ projection
        return _scaled(pool, labeled)

    def _gradient_features(self, learner, X_pool, X_labeled, random_state):
        output = differentiated_output(
            learner,
            "LCMD's kernel='grad' needs one output to differentiate",
            "use kernel='ll' or a single-output regressor",
        )
        # One seed for both sets, so that they share the sketch's matrices.
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        features = [
            probes.gradient_features(
                learner.network_,
                X,
                batch_size=learner.pool_batch_size,
                output=output,
                n_components=self.sketch_dim,
                random_state=seed,
            )
            for X in (X_pool, X_labeled)
        ]
        return _scaled(*features)

    def query(self, learner, X_pool, n, random_state=None):
        pool, labeled = self.features(learner, X_pool, random_state)
        centres = labeled if self.mode == "tp" else labeled[:0]
        return lcmd_greedy(pool, n, centres)

    query.__doc__ = QueryStrategy.query.__doc__


def _scaled(pool, labeled):
    """Both feature sets scaled so that mean ``k(x, x)`` over ``labelled`` is 1."""
    factor = np.sqrt(scale_factor(labeled)).astype(pool.dtype)
    pool *= factor
    labeled *= factor
    return pool, labeled
