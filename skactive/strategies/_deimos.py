"""DEIMOS: batch active learning by expected improvement maximisation.

DEIMOS ("Dropout-based Expected IMprOvementS") queries the rows expected to
reduce the network's predictive variance the most, summed over a large
representative sample of the data, for regression and classification. It
keeps the full joint predictive covariance of that sample, estimated from
MC-dropout passes whose masks are shared across rows, and builds a batch
greedily, conditioning the covariance on each pick so that the batch is not
redundant.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions

from .. import probes
from ..kernels import deimos_expected_improvement, deimos_factor, deimos_greedy
from ._base import QueryStrategy, RealInterval
from ._bayesian import _N_MC_SAMPLES, _N_MC_SAMPLES_MESSAGE, _int_at_least, _mask_seed

__all__ = ["DEIMOS"]

_N_CANDIDATES, _N_CANDIDATES_MESSAGE = _int_at_least(1)
_POSITIVE = RealInterval(0, None, closed="neither")
_POSITIVE_MESSAGE = "DEIMOS needs a positive number {name}, got {value!r}."


def _noise_variance_message(name, value, cls):
    # An unknown string and a non-positive number are told apart.
    if isinstance(value, str):
        return (
            "DEIMOS noise_variance must be 'relative', 'precision' or a positive float, "
            f"got {value!r}."
        )
    return _POSITIVE_MESSAGE.format(name=name, value=value)


class DEIMOS(QueryStrategy):
    """Dropout-based Expected IMprOvementS (DEIMOS), greedy batch mode.

    Each query follows the paper:

    1. **Representative sample** (§3.1, appendix D). ``X_samp`` is drawn at
       random from the labelled rows and the pool together, until it holds
       ``max(n_candidates, n)`` pool rows; if the pool has no more rows
       than that, ``X_samp`` is the whole pool and every labelled row. The
       candidates are the pool rows in ``X_samp``; the variance reduction
       is summed over all of ``X_samp``, labelled rows included.
    2. **Predictive covariance** (§3.2, eq. 3). ``J = n_mc_samples``
       MC-dropout passes with the same masks for every row give the sample
       covariance ``Var_dropout`` of the ``S × C`` predictions (unbiased,
       divided by ``J - 1``); ``V = Var_dropout + τ⁻¹ I``.

       * Regression (§3.3): the predictions are the network's outputs and
         ``τ⁻¹`` is set by ``noise_variance``.
       * Classification (§3.4): the predictions are the class probabilities
         (the paper finds them better than logits), ``τ⁻¹ = 0`` and the
         ``C × C`` block of a candidate is smoothed by ``τ_s⁻¹ I`` before
         inversion (eq. 6), with ``τ_s⁻¹ = smoothing_fraction`` times the
         average MC-dropout variance across classes (appendix E: between
         0.001 and 0.01 of it).

    3. **Greedy batch** (§4, Algorithm 1): pick the candidate maximising the
       expected improvement ``tr(V_i (V_ii + τ_s⁻¹ I)⁻¹ V_iᵀ)`` (eqs. 5, 6),
       condition ``V`` on it, ``V ← V - V_i (V_ii + τ_s⁻¹ I)⁻¹ V_iᵀ``, and
       repeat until ``n`` rows are chosen. Appendix A shows the greedy batch
       is close to the best batch in practice.

    ``V`` is kept in its ``J``-dimensional low-rank form
    ``B G Bᵀ + τ⁻¹ I`` with a ``J × J`` core ``G`` updated per pick (see
    :func:`skactive.kernels.deimos_greedy`): a query costs
    ``O(n S C J²)`` time and ``O(S C J)`` memory, never the
    ``(S C) × (S C)`` matrix.

    Works with classifiers and regressors whose network has a dropout layer;
    a network without one is refused with a ``ValueError``.

    Parameters
    ----------
    n_mc_samples : int, default=50
        Number ``J`` of MC-dropout masks (appendix D uses 50).
    n_candidates : int, default=2500
        Number of pool rows in the representative sample (appendix D: 2500
        for MNIST 7 vs 9, 2000 for MNIST 0-9, 5000 in regression; §5.3 finds
        500 to 5000 equally good). A larger value costs time linearly.
    noise_variance : "relative", "precision" or float, default="relative"
        Regression only: the observation noise ``τ⁻¹`` of eq. 3.

        * ``"relative"``: ``noise_fraction`` times the average MC-dropout
          variance over the representative sample (appendix E: the paper
          tunes ``τ⁻¹`` to 0.1–0.2 of the average dropout variance of the
          initial model on a validation set; here it is recomputed at each
          query from the current model, pass a float to hold it fixed).
        * ``"precision"``: the model precision of §3.2,
          ``τ = (1 - p) l² / (2 N λ)`` with ``p`` the dropout probability
          (all dropout layers must share it), ``l = length_scale``, ``N`` the
          number of labelled rows and ``λ`` the optimizer's
          ``weight_decay``, which must then be positive.
        * a positive float: ``τ⁻¹`` itself, in squared output units.
    noise_fraction : float, default=0.1
        Fraction used by ``noise_variance="relative"`` (appendix E: 0.1–0.2).
    length_scale : float, default=1.0
        Prior length-scale ``l`` of ``noise_variance="precision"`` (§3.2).
    smoothing_fraction : float, default=0.01
        Classification only: ``τ_s⁻¹`` as a fraction of the average
        MC-dropout variance across classes over the representative sample
        (appendix E: 0.001–0.01).

    See Also
    --------
    MaxVariance : the paper's single-row variance baseline.
    BatchBALD : a batch method for classification built on the same samples.

    References
    ----------
    .. [1] Anonymous, "Active Learning in CNNs via Expected Improvement
       Maximization", ICLR 2021 submission: §3.1 (expected improvement),
       §3.2 (MC-dropout covariance, eq. 3), §3.3–3.4 (eqs. 5, 6), §4
       (Algorithm 1), appendices A, D and E.
    .. [2] Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation",
       ICML 2016 (the model precision ``τ``).
    """

    _parameter_constraints = {
        "n_mc_samples": _N_MC_SAMPLES,
        "n_candidates": _N_CANDIDATES,
        "noise_variance": [StrOptions({"relative", "precision"}), _POSITIVE],
        "noise_fraction": [_POSITIVE],
        "length_scale": [_POSITIVE],
        "smoothing_fraction": [_POSITIVE],
    }
    _parameter_messages = {
        "n_mc_samples": _N_MC_SAMPLES_MESSAGE,
        "n_candidates": _N_CANDIDATES_MESSAGE,
        "noise_variance": _noise_variance_message,
        **dict.fromkeys(
            ("noise_fraction", "length_scale", "smoothing_fraction"), _POSITIVE_MESSAGE
        ),
    }

    _validated_methods = (*QueryStrategy._validated_methods, "expected_improvement")

    def __init__(
        self,
        n_mc_samples=50,
        n_candidates=2500,
        noise_variance="relative",
        noise_fraction=0.1,
        length_scale=1.0,
        smoothing_fraction=0.01,
    ):
        self.n_mc_samples = n_mc_samples
        self.n_candidates = n_candidates
        self.noise_variance = noise_variance
        self.noise_fraction = noise_fraction
        self.length_scale = length_scale
        self.smoothing_fraction = smoothing_fraction

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_dropout = True
        return tags

    # ------------------------------------------------------------ pieces

    def _noise_and_smoothing(self, learner, factor):
        """(τ⁻¹, τ_s⁻¹) for this query, from the factor of shape (S, C, J)."""
        mean_variance = float((factor**2).sum(axis=2).mean())
        # A network whose passes all agree has no variance to reduce; a tiny
        # floor keeps the C × C systems invertible (every gain is then 0).
        floor = np.finfo(np.float64).tiny ** 0.5
        if is_classifier(learner):
            return 0.0, max(self.smoothing_fraction * mean_variance, floor)
        if self.noise_variance == "relative":
            return max(self.noise_fraction * mean_variance, floor), 0.0
        if self.noise_variance == "precision":
            return self._precision_noise(learner), 0.0
        return float(self.noise_variance), 0.0

    def _precision_noise(self, learner):
        """τ⁻¹ = 2 N λ / ((1 - p) l²), the inverse of §3.2's precision."""
        net = learner.network_
        rates = sorted(set(probes.dropout_rates(net)))
        if len(rates) != 1:
            raise ValueError(
                "DEIMOS noise_variance='precision' needs one dropout probability p, but "
                f"the network's dropout layers use {rates}: pass noise_variance=<float>."
            )
        decay = probes.weight_decay(net)
        if not decay > 0:
            raise ValueError(
                "DEIMOS noise_variance='precision' needs weight decay: set the net's "
                "optimizer__weight_decay > 0, or pass noise_variance='relative' or a float."
            )
        n_labeled = len(learner.y_labeled_)
        return 2.0 * n_labeled * decay / ((1.0 - rates[0]) * self.length_scale**2)

    def _samples(self, learner, X, seed):
        return probes.mc_dropout_output(
            learner.network_,
            X,
            n_mc_samples=int(self.n_mc_samples),
            batch_size=learner.pool_batch_size,
            random_state=seed,
        )

    # ------------------------------------------------------------ query

    def query(self, learner, X_pool, n, random_state=None):
        n_candidates = int(self.n_candidates)
        rng = check_random_state(random_state)
        X_labeled = learner.network_input(learner.X_labeled_)
        n_pool, n_labeled = probes.n_rows(X_pool), probes.n_rows(X_labeled)
        # Appendix D: draw from labelled ∪ pool until the sample holds
        # n_candidates pool rows. Ids < n_pool are pool rows, the others
        # labelled rows; the random order also breaks ties at random.
        order = rng.permutation(n_pool + n_labeled)
        wanted = max(n_candidates, n)
        if wanted < n_pool:
            stop = int(np.searchsorted(np.cumsum(order < n_pool), wanted)) + 1
        else:
            stop = order.shape[0]  # the whole pool: the whole data set
        sample = order[:stop]
        is_pool = sample < n_pool
        # The sample's rows in sample order: pool rows, then labelled rows,
        # put back in place (any kind of network input).
        X_samp = probes.take_rows(
            probes.concat_rows(
                probes.take_rows(X_pool, sample[is_pool]),
                probes.take_rows(X_labeled, sample[~is_pool] - n_pool),
            ),
            np.argsort(np.argsort(~is_pool, kind="stable"), kind="stable"),
        )

        factor = deimos_factor(self._samples(learner, X_samp, _mask_seed(rng)))
        noise, smoothing = self._noise_and_smoothing(learner, factor)
        chosen, _ = deimos_greedy(
            factor, np.flatnonzero(is_pool), n, noise=noise, smoothing=smoothing
        )
        return sample[chosen].astype(np.int64)

    query.__doc__ = QueryStrategy.query.__doc__

    def expected_improvement(self, learner, X_pool, random_state=None):
        """Expected improvement of labelling each pool row on its own.

        ``tr(V_i (V_ii + τ_s⁻¹ I)⁻¹ V_iᵀ)`` (eqs. 5 and 6): the first greedy
        step of :meth:`query`, with the whole pool and every labelled row as
        the representative sample (no subsampling). Useful to draw the
        acquisition function, as in the paper's Fig. 1.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner whose network has a dropout layer.
        X_pool : ndarray of shape (n_samples, n_features_net)
            The candidate rows, as the network sees them.
        random_state : int, RandomState instance or None, default=None
            Seed of the dropout masks.

        Returns
        -------
        gains : ndarray of shape (n_samples,)
            Expected reduction of the summed predictive variance.
        """
        rng = check_random_state(random_state)
        X_labeled = learner.network_input(learner.X_labeled_)
        X_samp = probes.concat_rows(X_pool, X_labeled)
        factor = deimos_factor(self._samples(learner, X_samp, _mask_seed(rng)))
        noise, smoothing = self._noise_and_smoothing(learner, factor)
        return deimos_expected_improvement(
            factor, np.arange(probes.n_rows(X_pool)), noise=noise, smoothing=smoothing
        )
