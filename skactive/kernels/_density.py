"""The density-weighted (DW) score: far from the labeled rows, close to a cluster centre.

Pure NumPy (and scikit-learn's chunked nearest-row search), no torch, no
input validation: prior validation of data is assumed (finite arrays of the
documented shapes).

References
----------
.. [1] A. Fujii, K. Inui, T. Tokunaga and H. Tanaka, "Selective Sampling for
   Example-based Word Sense Disambiguation", Computational Linguistics
   24(4), 1998.
.. [2] I. Mondal and D. Ganguly, "ALEX: Active Learning based Enhancement of
   a Model's EXplainability", CIKM 2020, §4.1 (the DW baseline).
"""

import numpy as np
from sklearn.metrics import pairwise_distances_argmin_min

__all__ = ["density_weighted_score"]


def density_weighted_score(Z_pool, Z_labeled, centres, labels, density_exponent):
    """Distance to the nearest labeled row, down-weighted away from the cluster centre.

    ``u(x) = d(x, L) · (1 + d(x, c(x)) / d̄)^(−β)``: ``d(x, L)`` the
    Euclidean distance from pool row ``x`` to its nearest labeled row,
    ``d(x, c(x))`` the distance to the centre of its cluster, ``d̄`` the mean
    of the latter over the pool (no weighting where it is 0) and ``β`` the
    density exponent.

    Prior validation of data is assumed.

    Parameters
    ----------
    Z_pool : ndarray of shape (n_samples, n_dims)
        The pool rows' representation.
    Z_labeled : ndarray of shape (n_labeled, n_dims)
        The labeled rows' representation, ``n_labeled >= 1``.
    centres : ndarray of shape (n_clusters, n_dims)
        Cluster centres of the pool (k-means).
    labels : ndarray of shape (n_samples,), dtype int
        The cluster of each pool row, in ``[0, n_clusters)``.
    density_exponent : float
        ``β >= 0``; 0 scores by the distance to the labeled rows alone.

    Returns
    -------
    score : ndarray of shape (n_samples,), dtype float64
        Larger is more useful to label.
    """
    centres = np.asarray(centres, dtype=np.float64)
    d_centre = np.linalg.norm(Z_pool.astype(np.float64) - centres[labels], axis=1)
    _, d_labeled = pairwise_distances_argmin_min(Z_pool, Z_labeled)
    scale = d_centre.mean()
    weight = (
        (1.0 + d_centre / scale) ** (-density_exponent) if scale > 0 else np.ones_like(d_centre)
    )
    return d_labeled.astype(np.float64) * weight
