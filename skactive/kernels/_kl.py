"""KL-divergence kernels of ALEX: explanations as distributions, and their divergence.

Pure NumPy, no torch, no input validation: prior validation of data is
assumed (finite arrays of the documented shapes).

References
----------
.. [1] I. Mondal and D. Ganguly, "ALEX: Active Learning based Enhancement of
   a Model's EXplainability", CIKM 2020.
"""

import numpy as np

__all__ = ["explanation_distribution", "mean_kl_divergence"]


def explanation_distribution(phi, eps=1e-8):
    """Turn explanation vectors into distributions over the features.

    ``e_j = (|φ_j| + ε) / Σ_k (|φ_k| + ε)``: the absolute SHAP values,
    shifted by ``ε`` so that every entry is positive (a zero explanation
    becomes the uniform distribution) and normalised to sum to 1.

    Parameters
    ----------
    phi : ndarray of shape (n_samples, n_features)
        Explanation vectors.
    eps : float, default=1e-8
        The shift ``ε``.

    Returns
    -------
    e : ndarray of shape (n_samples, n_features), dtype float64
    """
    e = np.abs(np.asarray(phi, dtype=np.float64)) + eps
    e /= e.sum(axis=1, keepdims=True)
    return e


def mean_kl_divergence(E_candidates, E_labeled):
    """Mean KL divergence of each candidate's distribution from the labeled ones.

    ``d̄(u) = (1/|S|) Σ_{x ∈ S} KL(e_u ‖ e_x) = Σ_j e_uj log e_uj −
    e_u · (1/|S|) Σ_{x ∈ S} log e_x``: the mean over the labeled rows only
    enters through the mean of their log-distributions, so all candidates
    are scored in one matrix-vector product, in ``O((|C| + |S|) d)`` time
    and memory, never forming the ``|C| × |S|`` divergences.

    Parameters
    ----------
    E_candidates : ndarray of shape (n_candidates, n_features)
        Positive distributions (rows summing to 1).
    E_labeled : ndarray of shape (n_labeled, n_features)
        Positive distributions (rows summing to 1).

    Returns
    -------
    divergence : ndarray of shape (n_candidates,), dtype float64
    """
    mean_log_labeled = np.log(E_labeled).mean(axis=0)
    return np.einsum("ij,ij->i", E_candidates, np.log(E_candidates)) - (
        E_candidates @ mean_log_labeled
    )
