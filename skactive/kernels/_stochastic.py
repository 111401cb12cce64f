"""Stochastic batch acquisition kernels: sampling a batch from scores (Kirsch et al., 2023).

Pure NumPy, no torch, no input validation: prior validation of data is
assumed (finite utilities; non-negative ones for the power distribution).

A batch of ``n`` rows is drawn without replacement from the distribution
``p_i ∝ w_i`` by the Gumbel-top-k trick: perturb each ``log w_i`` with an
independent standard Gumbel variable and take the ``n`` largest (Kool, van
Hoof & Welling, 2019; Kirsch et al., 2023, §3). The first pick then has
probability ``p_i``, and each further pick follows ``p`` renormalised over
the rows not picked yet (the Plackett–Luce model).
"""

import numpy as np

from ._topk import top_k

__all__ = [
    "gumbel_top_k",
    "power_log_weights",
    "softmax_log_weights",
    "softrank_log_weights",
]


def gumbel_top_k(log_weights, n, random_state):
    """Draw ``n`` distinct rows with probability ``∝ exp(log_weights)``, sequentially.

    Prior validation of data is assumed.

    Parameters
    ----------
    log_weights : ndarray of shape (n_samples,)
        Unnormalised log-probabilities; ``-inf`` for rows of probability 0,
        which come after every other row, in random order.
    n : int
        Number of rows, ``1 <= n <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the Gumbel perturbations.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Distinct row indices in draw order.
    """
    n_samples = log_weights.shape[0]
    keys = log_weights + random_state.gumbel(size=n_samples)
    # Rows with equal keys (the -inf ones) are ordered by a random second key.
    order = np.lexsort((random_state.random_sample(n_samples), -keys))
    return order[:n].astype(np.int64, copy=False)


def softmax_log_weights(utility, beta):
    """``log w_i = β s_i``: the softmax distribution ``p_i ∝ exp(β s_i)``.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        Scores ``s_i``.
    beta : float
        Coldness ``β >= 0`` (``β = 0``: uniform).

    Returns
    -------
    log_weights : ndarray of shape (n_samples,), dtype float64
    """
    return beta * np.asarray(utility, dtype=np.float64)


def power_log_weights(utility, beta):
    """``log w_i = β log s_i``: the power distribution ``p_i ∝ s_i^β``.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        Non-negative scores ``s_i``; a score of 0 has probability 0 (if
        ``β > 0``).
    beta : float
        Coldness ``β >= 0``.

    Returns
    -------
    log_weights : ndarray of shape (n_samples,), dtype float64
    """
    utility = np.asarray(utility, dtype=np.float64)
    if beta == 0:
        return np.zeros_like(utility)
    with np.errstate(divide="ignore"):
        return beta * np.log(utility)


def softrank_log_weights(utility, beta, random_state):
    """``log w_i = −β log r_i``: the soft-rank distribution ``p_i ∝ r_i^{−β}``.

    ``r_i`` is the rank of row ``i`` by decreasing score (1 for the highest),
    rows of equal score ranked in random order.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        Scores ``s_i``.
    beta : float
        Coldness ``β >= 0``.
    random_state : numpy.random.RandomState
        Orders rows of equal score.

    Returns
    -------
    log_weights : ndarray of shape (n_samples,), dtype float64
    """
    utility = np.asarray(utility, dtype=np.float64)
    n_samples = utility.shape[0]
    ranks = np.empty(n_samples, dtype=np.float64)
    ranks[top_k(utility, n_samples, random_state)] = np.arange(1, n_samples + 1)
    return -beta * np.log(ranks)
