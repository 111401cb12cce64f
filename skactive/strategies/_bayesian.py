"""MC-dropout strategies: BALD, BatchBALD and maximum variance.

Each reads ``J`` stochastic forward passes of the network with dropout on
(Gal and Ghahramani, 2016) from the probe layer
(:func:`skactive.probes.iter_mc_dropout_output`), with the dropout masks
shared across pool rows and drawn from the query's ``random_state``, and
hands them to a NumPy kernel (:mod:`skactive.kernels`). The network
needs at least one dropout layer; a network without one is refused with a
``ValueError``.

References
----------
.. [1] Y. Gal and Z. Ghahramani, "Dropout as a Bayesian Approximation:
   Representing Model Uncertainty in Deep Learning", ICML 2016.
"""

from contextlib import closing
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from .. import probes
from ..kernels import bald, batchbald_greedy, mc_variance, top_k
from ._base import QueryStrategy, UtilityStrategy

__all__ = ["BALD", "BatchBALD", "MCDropoutUtility", "MaxVariance"]


def _int_at_least(minimum):
    """The constraint of an integer ``>= minimum`` and the message it breaks with."""
    message = "{cls} needs an integer {name} >= %d, got {value!r}." % minimum
    return [Interval(Integral, minimum, None, closed="left")], message


#: The number of MC-dropout passes, shared by every MC-dropout strategy.
_N_MC_SAMPLES, _N_MC_SAMPLES_MESSAGE = _int_at_least(2)
_N_CONFIGURATIONS, _N_CONFIGURATIONS_MESSAGE = _int_at_least(1)


def _mask_seed(rng):
    """An integer seed for the dropout masks, drawn from the query's stream."""
    return int(rng.randint(np.iinfo(np.int32).max))


class MCDropoutUtility(UtilityStrategy):
    """Base class of ranking strategies scored from MC-dropout samples.

    :meth:`utility` reads ``J = n_mc_samples`` stochastic forward passes of
    the network with dropout on, chunk by chunk from the probe layer
    (:func:`skactive.probes.iter_mc_dropout_output`, the dropout masks shared
    across pool rows and seeded from ``random_state``), and hands each chunk
    to :meth:`utility_from_samples`; :meth:`query` returns the ``n`` rows of
    highest utility (:func:`skactive.kernels.top_k`). A new strategy of this
    family sets an ``n_mc_samples`` parameter and implements
    :meth:`utility_from_samples` alone, as :class:`BALD` (mutual
    information) and :class:`MaxVariance` (predictive variance) do; one that
    needs class probabilities also overrides :meth:`check_learner`.

    Examples
    --------
    >>> from skactive.kernels import predictive_entropy
    >>> from skactive.strategies import MCDropoutUtility
    >>> class MCEntropy(MCDropoutUtility):
    ...     def __init__(self, n_mc_samples=20):
    ...         self.n_mc_samples = n_mc_samples
    ...
    ...     def check_learner(self, learner):
    ...         self._require_classifier(learner)
    ...
    ...     @staticmethod
    ...     def utility_from_samples(samples):
    ...         return predictive_entropy(samples)
    >>> MCEntropy()
    MCEntropy()
    """

    _parameter_constraints = {"n_mc_samples": _N_MC_SAMPLES}
    _parameter_messages = {"n_mc_samples": _N_MC_SAMPLES_MESSAGE}

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.needs_dropout = tags.row_independent = True
        return tags

    def utility(self, learner, X_pool, random_state=None):
        """Utility of labelling each pool row; larger is more useful.

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
        utility : ndarray of shape (n_samples,)
        """
        self.check_learner(learner)
        n_mc = int(self.n_mc_samples)
        utility = np.empty(probes.n_rows(X_pool), dtype=np.float64)
        chunks = probes.iter_mc_dropout_output(
            learner.network_,
            X_pool,
            n_mc_samples=n_mc,
            batch_size=learner.pool_batch_size,
            random_state=random_state,
        )
        # closing: dropout and grad mode are put back even if a chunk's utility raises.
        with closing(chunks):
            for start, samples in chunks:
                utility[start : start + samples.shape[1]] = self.utility_from_samples(samples)
        return utility

    def check_learner(self, learner):
        """Refuse a learner the utility cannot use, before any forward pass.

        Does nothing by default; a strategy that needs class probabilities
        raises the ``ValueError`` of a regressor here.

        Parameters
        ----------
        learner : ActiveLearner
            A fitted learner.
        """

    @staticmethod
    def utility_from_samples(samples):
        """One utility per row of a chunk of MC-dropout samples (the hook to implement).

        Parameters
        ----------
        samples : ndarray of shape (n_mc_samples, n_chunk, n_outputs)
            The ``J`` passes over one chunk of pool rows: class
            probabilities for a classifier, outputs for a regressor, the
            same dropout masks for every row.

        Returns
        -------
        utility : ndarray of shape (n_chunk,)
            Larger is more useful to label.
        """
        raise NotImplementedError

    def query(self, learner, X_pool, n, random_state=None):
        rng = check_random_state(random_state)
        utility = self.utility(learner, X_pool, random_state=_mask_seed(rng))
        return top_k(utility, n, rng)

    query.__doc__ = QueryStrategy.query.__doc__


class BALD(MCDropoutUtility):
    """Bayesian Active Learning by Disagreement with MC dropout.

    Utility: the mutual information between a row's label and the network
    parameters, ``H[mean_j p_j(y | x)] - mean_j H[p_j(y | x)]``, from ``J``
    MC-dropout passes (entropies with ``xlogy``, so ``0 log 0 = 0``); it
    lies in ``[0, ln C]``. Rows on which the passes are individually
    confident but disagree come first. Needs a classifier with a dropout
    layer.

    Parameters
    ----------
    n_mc_samples : int, default=50
        Number ``J`` of MC-dropout passes (the DEIMOS paper's experiments use
        50, its appendix D).

    See Also
    --------
    BatchBALD : the batch version, which avoids redundant rows.

    References
    ----------
    .. [1] N. Houlsby, F. Huszár, Z. Ghahramani and M. Lengyel, "Bayesian
       Active Learning for Classification and Preference Learning", 2011, §2.
    .. [2] Y. Gal, R. Islam and Z. Ghahramani, "Deep Bayesian Active Learning
       with Image Data", ICML 2017, §3 (BALD with MC dropout).
    """

    def __init__(self, n_mc_samples=50):
        self.n_mc_samples = n_mc_samples

    def check_learner(self, learner):
        self._require_classifier(learner)

    check_learner.__doc__ = MCDropoutUtility.check_learner.__doc__

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = True
        return tags

    @staticmethod
    def utility_from_samples(samples):
        """(J, n_chunk, C) probabilities -> (n_chunk,) mutual information."""
        return bald(samples)


class MaxVariance(MCDropoutUtility):
    """Maximum MC-dropout predictive variance.

    Utility: the variance over ``J`` MC-dropout passes of the network's
    prediction: for a regressor the output's variance (summed over targets),
    for a classifier the variance of the class probabilities summed over
    classes. The DEIMOS paper's "maximum variance acquisition" baseline
    (§5.2); works with classifiers and regressors that have a dropout layer.

    Parameters
    ----------
    n_mc_samples : int, default=50
        Number ``J`` of MC-dropout passes (DEIMOS paper, appendix D).

    References
    ----------
    .. [1] Anonymous, "Active Learning in CNNs via Expected Improvement
       Maximization" (DEIMOS), ICLR 2021 submission, §5.2.
    .. [2] Y. Gal, R. Islam and Z. Ghahramani, "Deep Bayesian Active Learning
       with Image Data", ICML 2017, §3 (variation ratios and mean STD).
    """

    def __init__(self, n_mc_samples=50):
        self.n_mc_samples = n_mc_samples

    @staticmethod
    def utility_from_samples(samples):
        """(J, n_chunk, C) outputs -> (n_chunk,) summed variance."""
        return mc_variance(samples)


class BatchBALD(QueryStrategy):
    """BatchBALD: greedy batch maximising the joint mutual information.

    The batch is built one row at a time; each step adds the row that
    maximises the mutual information between the *joint* labels of the
    batch and the parameters, so rows whose information overlaps with rows
    already chosen lose their appeal (Kirsch et al., 2019, Algorithm 1).
    The joint entropy is computed exactly over all label configurations of
    the batch while there are at most ``n_configurations`` of them and
    beyond that estimated from ``n_configurations`` sampled configurations
    with the paper's importance-weighted estimator (§3.3); the MC-dropout
    masks are shared across rows, as joint entropies need. The paper leaves
    open how the configurations are drawn: here they are stratified over the
    MC samples (configuration ``m`` from pass ``m mod J``) and the
    candidate's conditional entropy is averaged over the same
    configurations' posteriors, which removes the estimator's largest
    sources of noise as the batch grows (see
    :func:`skactive.kernels.batchbald_greedy`). Rows whose last
    gain shows they cannot win a step are not scored again (lazy greedy on
    the submodular joint mutual information; identical picks on the exact
    path). With ``n=1`` it is :class:`BALD`. Memory stays bounded by
    chunking the pool (never a pool × configurations × classes array at
    once). Needs a classifier with a dropout layer.

    Parameters
    ----------
    n_mc_samples : int, default=50
        Number ``J`` of MC-dropout passes.
    n_configurations : int, default=1000
        Threshold on the number of label configurations of the batch up to
        which the joint entropy is exact, and number of sampled
        configurations beyond it. The paper leaves the value open (§3.3);
        time per step grows linearly with it. The default: on MC dropout of
        an MLP on MNIST (10,000 rows, ``J=20``, 10 classes, ``n=50``,
        ``benchmarks/bench_deimos_batchbald.py``), 1,000 stratified
        configurations give a batch whose joint mutual information, judged
        by a common 200,000-configuration estimate, is above top-50 BALD's
        for each of three seeds (the previous estimator fell below it with
        the same number); 4,000 raised it by at most 0.0005 nats, at four
        to six times the time.

    See Also
    --------
    BALD : the single-row utility.

    References
    ----------
    .. [1] A. Kirsch, J. van Amersfoort and Y. Gal, "BatchBALD: Efficient and
       Diverse Batch Acquisition for Deep Bayesian Active Learning",
       NeurIPS 2019, §3 and Algorithm 1.
    """

    _parameter_constraints = {
        "n_mc_samples": _N_MC_SAMPLES,
        "n_configurations": _N_CONFIGURATIONS,
    }
    _parameter_messages = {
        "n_mc_samples": _N_MC_SAMPLES_MESSAGE,
        "n_configurations": _N_CONFIGURATIONS_MESSAGE,
    }

    def __init__(self, n_mc_samples=50, n_configurations=1000):
        self.n_mc_samples = n_mc_samples
        self.n_configurations = n_configurations

    def __strategy_tags__(self):
        tags = super().__strategy_tags__()
        tags.classifier_only = tags.needs_dropout = True
        return tags

    def query(self, learner, X_pool, n, random_state=None):
        self._require_classifier(learner)
        n_mc = int(self.n_mc_samples)
        n_configurations = int(self.n_configurations)
        rng = check_random_state(random_state)
        probs = probes.mc_dropout_output(
            learner.network_,
            X_pool,
            n_mc_samples=n_mc,
            batch_size=learner.pool_batch_size,
            random_state=_mask_seed(rng),
        )
        indices, _ = batchbald_greedy(probs, n, n_configurations=n_configurations, random_state=rng)
        return indices

    query.__doc__ = QueryStrategy.query.__doc__
