"""Selection kernels: pure NumPy, no torch, no input validation.

Every function here assumes its inputs were validated by the caller (the
learner or a strategy): finite floating arrays of the documented shapes, and
``k`` within range. Prior validation of data is assumed.
"""

import numpy as np

__all__ = ["top_k"]


def top_k(utility, k, random_state):
    """Indices of the ``k`` largest utilities, largest first.

    Runs in O(n_samples) time and memory (``np.partition``), never sorting
    the whole array nor building a ``(k, n_samples)`` array. Ties are broken
    uniformly at random through ``random_state`` so that equal utilities do
    not always favour the first rows of the pool; the result is therefore
    deterministic for a given seed.

    Prior validation of data is assumed.

    Parameters
    ----------
    utility : ndarray of shape (n_samples,)
        One finite utility per pool row; larger is more useful.
    k : int
        Number of indices to return, ``1 <= k <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the tie-breaking order.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct row indices, sorted by decreasing utility (ties in random
        order).
    """
    n_samples = utility.shape[0]
    # A random relabelling of the rows turns "lowest index first" tie-breaking
    # below into uniformly random tie-breaking.
    order = random_state.permutation(n_samples)
    shuffled = utility[order]
    if k < n_samples:
        threshold = np.partition(shuffled, n_samples - k)[n_samples - k]
        above = np.flatnonzero(shuffled > threshold)
        tied = np.flatnonzero(shuffled == threshold)[: k - above.shape[0]]
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(n_samples)
    # Stable sort on the negated utility: decreasing utility, ties keep the
    # (random) relabelled order.
    chosen = chosen[np.argsort(-shuffled[chosen], kind="stable")]
    return order[chosen].astype(np.int64, copy=False)
