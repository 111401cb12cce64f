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

from .. import probes
from .._lcmd_kernels import gaussian_sketch, lcmd_greedy, scale_factor
from ._base import QueryStrategy

__all__ = ["LCMD"]

_MODES = ("tp", "p")


class LCMD(QueryStrategy):
    """Largest Cluster Maximum Distance (Holzmüller et al., 2023).

    The batch selection method the paper proposes, built from its three
    parts:

    - **base kernel**: the last-layer kernel ``k_ll(x, x') = ⟨∇_θL f(x),
      ∇_θL f(x')⟩``, the gradient of the network output with respect to the
      parameters ``θL`` of its final ``nn.Linear``, which is ``(h(x), 1)``
      with ``h(x)`` the penultimate embedding
      (:func:`skactive.probes.last_layer_features`);
    - **kernel transformations**: optionally sketching, ``φ ↦ φ P`` with a
      Gaussian ``P`` of ``sketch_dim`` columns (an unbiased estimate of the
      kernel), then scaling by ``λ = 1 / mean k(x, x)`` over the labelled rows
      (``k → scale(X_train)``);
    - **selection**: LCMD (:func:`skactive._lcmd_kernels.lcmd_greedy`). With
      the distance ``d(x, x')² = k(x, x) + k(x', x') − 2 k(x, x')``, every pool
      row belongs to the cluster of its nearest centre; each step takes the
      cluster whose squared distances to its centre sum highest and picks its
      row furthest from the centre, which becomes a centre. In the TP mode
      (the default, and the mode of the paper's LCMD-TP) the labelled rows
      are the first centres; in the P mode only the picks are, and the first
      pick is the row of largest ``k(x, x)``.

    Choices the paper leaves open, or that this library makes:

    - **Kernel.** The paper recommends the full-gradient kernel with
      sketching to 512 features (``grad`` → ``rp(512)``) and also runs LCMD-TP
      on the last-layer kernel ``ll``. Only the last-layer kernel is offered
      here: the probe layer computes last-layer gradients in closed form, not
      per-sample gradients of every parameter. ``sketch_dim=None`` (the
      default) uses ``k_ll`` exactly, as the paper's ``ll`` runs do.
    - **Gradient scale.** The paper's networks use the neural tangent
      parametrisation, in which the weight and bias gradients carry factors
      ``σ_w/√d`` and ``σ_b``; a plain ``nn.Linear`` gives ``(h, 1)``. The
      constant bias feature cancels in every distance, so it only matters
      for the P mode's first pick after sketching.
    - **Scaling.** The scale transformation multiplies every squared
      distance by the same ``λ``, which leaves the nearest centres, the
      largest cluster and the furthest row unchanged, so LCMD's picks do not
      depend on it (tested; the paper's LCMD runs use no scaling). It is
      applied, at the cost of one pass, so that :meth:`features` of
      different networks share one scale: a mean ``k(x, x)`` of 1 over the
      labelled rows.
    - **Ties** (equidistant centres, clusters of equal sum, candidates at
      equal distance) go to the older centre, to all tied clusters, and to
      the lowest pool index; see :func:`~skactive._lcmd_kernels.lcmd_greedy`.
    - **Classifiers.** The paper treats regression. For a network with
      several outputs the gradient of each output with respect to the final
      layer is ``(h, 1)`` in that output's row, so the last-layer kernel of
      every output is the same and LCMD applies unchanged to classifiers and
      multi-output regressors (an extension: it reads only the penultimate
      embedding, not the class probabilities).

    ``random_state`` only draws the sketch; without sketching LCMD is
    deterministic.

    Parameters
    ----------
    mode : {"tp", "p"}, default="tp"
        ``"tp"``: the labelled rows are centres from the start (LCMD-TP);
        ``"p"``: only the pool rows picked in this batch are.
    sketch_dim : int or None, default=None
        Number of Gaussian random features of the sketching transformation;
        None for the exact last-layer kernel. The paper sketches to 512.

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
    >>> LCMD(sketch_dim=512)
    LCMD(sketch_dim=512)
    """

    def __init__(self, mode="tp", sketch_dim=None):
        self.mode = mode
        self.sketch_dim = sketch_dim

    def _check_params(self):
        if not isinstance(self.mode, str) or self.mode not in _MODES:
            raise ValueError(f"LCMD mode must be 'tp' or 'p', got {self.mode!r}.")
        dim = self.sketch_dim
        if dim is not None and (not isinstance(dim, Integral) or isinstance(dim, bool) or dim < 1):
            raise ValueError(
                f"LCMD sketch_dim must be None or an integer >= 1, got {dim!r}; "
                "the paper sketches to 512."
            )

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
        self._check_params()
        net, batch_size = learner.network_, learner.pool_batch_size
        pool = probes.last_layer_features(net, X_pool, batch_size=batch_size)
        labelled = probes.last_layer_features(
            net, learner.network_input(learner.X_labeled_), batch_size=batch_size
        )
        if self.sketch_dim is not None:
            projection = gaussian_sketch(
                pool.shape[1], int(self.sketch_dim), check_random_state(random_state)
            ).astype(pool.dtype)
            pool, labelled = pool @ projection, labelled @ projection
        factor = np.sqrt(scale_factor(labelled)).astype(pool.dtype)
        pool *= factor
        labelled *= factor
        return pool, labelled

    def query(self, learner, X_pool, n, random_state=None):
        pool, labelled = self.features(learner, X_pool, random_state)
        centres = labelled if self.mode == "tp" else labelled[:0]
        return lcmd_greedy(pool, n, centres)

    query.__doc__ = QueryStrategy.query.__doc__
