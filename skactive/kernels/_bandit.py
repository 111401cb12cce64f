"""Bandit kernels of ALBL: EXP4.P's weight update and its reward.

Pure NumPy, no torch, no input validation: prior validation of data is
assumed (arrays of the documented shapes, probabilities in ``(0, 1]``).

References
----------
.. [1] W.-N. Hsu and H.-T. Lin, "Active Learning by Learning", AAAI 2015.
.. [2] A. Beygelzimer, J. Langford, L. Li, L. Reyzin and R. E. Schapire,
   "Contextual Bandit Algorithms with Supervised Learning Guarantees",
   AISTATS 2011 (EXP4.P).
"""

import numpy as np

__all__ = ["exp4p_log_weight_update", "importance_weighted_accuracy"]


def importance_weighted_accuracy(correct, weights):
    """Self-normalised importance-weighted accuracy, in ``[0, 1]``.

    ``Σ_τ W_τ [y_τ = f(x_τ)] / Σ_τ W_τ`` over the rows the bandit queried,
    ``W_τ = 1 / p_τ`` the inverse of the probability with which row ``τ``
    was drawn.

    Parameters
    ----------
    correct : ndarray of shape (n_queried,), dtype bool
        Whether the current model predicts each queried row's label.
    weights : ndarray of shape (n_queried,)
        Importance weights ``W_τ``.

    Returns
    -------
    reward : float
    """
    weights = np.asarray(weights, dtype=np.float64)
    return float(np.sum(weights * np.asarray(correct, dtype=np.float64)) / np.sum(weights))


def exp4p_log_weight_update(advice, v_hat, draw_proba, p_min, n_actions, reward, horizon, delta):
    """EXP4.P's update of the experts' log-weights after one reward.

    Each draw ``t`` of a query is one EXP4.P step that receives the query's
    reward ``r``: with ``r̂ = r / p_t`` the importance-weighted reward of the
    drawn row, expert ``i`` gains

    ``(p_min,t / 2) · (ξ_{t,i} r / p_t + v̂_{t,i} √(ln(N/δ) / (K_t T)))``

    in log-weight, ``ξ_{t,i}`` the probability expert ``i`` gave to the drawn
    row, ``v̂_{t,i} = Σ_x ξ_{t,i}(x) / q_t(x)`` and ``K_t`` the number of
    rows it could draw from.

    Parameters
    ----------
    advice : ndarray of shape (n_draws, n_experts)
        ``ξ_{t,i}`` at the drawn row.
    v_hat : ndarray of shape (n_draws, n_experts)
    draw_proba : ndarray of shape (n_draws,)
        ``p_t``, the probability of the drawn row.
    p_min : ndarray of shape (n_draws,)
    n_actions : ndarray of shape (n_draws,)
        ``K_t``.
    reward : float
        ``r`` in ``[0, 1]``.
    horizon : int
        ``T``.
    delta : float
        ``δ``.

    Returns
    -------
    increment : ndarray of shape (n_experts,)
        What to add to the log-weights.
    """
    n_experts = advice.shape[1]
    confidence = np.sqrt(np.log(n_experts / delta) / (n_actions * horizon))
    gain = advice * (reward / draw_proba)[:, None] + v_hat * confidence[:, None]
    return np.sum(p_min[:, None] / 2.0 * gain, axis=0)
