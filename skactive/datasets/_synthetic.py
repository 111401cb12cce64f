"""Synthetic data sets."""

from numbers import Integral

import numpy as np
from scipy.special import expit
from sklearn.utils import check_random_state

__all__ = ["make_sigmoid"]


def make_sigmoid(n_samples=1000, *, low=-5.0, high=5.0, random_state=None):
    """Generate the Sigmoid data set of the DAMI paper (eq. 3).

    Two features drawn uniformly from ``[low, high]`` and a binary label with
    ``P(y = 1 | x) = sigmoid(x1 * x2)``: the classes follow the signs of the
    four quadrants, blurred near the axes, so the data are not linearly
    separable but are in four regions.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows, at least 1.
    low, high : float, default=-5.0, 5.0
        Range of the uniform features; the paper uses [-5, 5].
    random_state : int, RandomState instance or None, default=None
        Seed of the features and of the labels.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The features ``x1, x2``.
    y : ndarray of shape (n_samples,), dtype int64
        The labels, 0 or 1, each drawn from ``Bernoulli(sigmoid(x1 * x2))``.

    References
    ----------
    .. [DAMI] "Deep Active learning approach by Model Interpretability" (DAMI),
       the Sigmoid data set: eq. (3) and Fig. 1.

    Examples
    --------
    >>> from skactive.datasets import make_sigmoid
    >>> X, y = make_sigmoid(500, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((500, 2), [0, 1])
    """
    if not isinstance(n_samples, Integral) or isinstance(n_samples, bool) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"low and high must be finite with low < high, got {low!r}, {high!r}.")
    rng = check_random_state(random_state)
    X = rng.uniform(low, high, size=(n_samples, 2))
    p = expit(X[:, 0] * X[:, 1])
    y = (rng.uniform(size=n_samples) < p).astype(np.int64)
    return X, y
