"""Top-k selection: the ``k`` largest utilities, ties broken at random.

Prior validation of data is assumed.
"""

import numpy as np

from ._array_api import _namespace, _top_k_xp

__all__ = ["top_k"]


def top_k(utility, k, random_state):
    """Indices of the ``k`` largest utilities, largest first.

    Runs in O(n_samples) time and memory (``np.partition``), never sorting
    the whole array nor building a ``(k, n_samples)`` array. Ties are broken
    uniformly at random through ``random_state`` so that equal utilities do
    not always favour the first rows of the pool; the result is therefore
    deterministic for a given seed.

    Prior validation of data is assumed.

    An array of another array API library (a torch tensor, on any device)
    is ranked in its own namespace by a stable descending sort
    (``O(n_samples log n_samples)``), with the same relabeling, hence the
    same indices.

    Parameters
    ----------
    utility : ndarray or array API array (e.g. torch tensor) of shape (n_samples,)
        One finite utility per pool row; larger is more useful.
    k : int
        Number of indices to return, ``1 <= k <= n_samples``.
    random_state : numpy.random.RandomState
        Source of the tie-breaking order.

    Returns
    -------
    indices : ndarray of shape (k,), dtype int64
        Distinct row indices, sorted by decreasing utility (ties in random
        order); a NumPy array whatever the input.
    """
    xp = _namespace(utility)
    if xp is not None:
        return _top_k_xp(xp, utility, k, random_state)
    n_samples = utility.shape[0]
    # A random relabeling of the rows turns "lowest index first" tie-breaking
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
    # (random) relabeled order.
    chosen = chosen[np.argsort(-shuffled[chosen], kind="stable")]
    return order[chosen].astype(np.int64, copy=False)
