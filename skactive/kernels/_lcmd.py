"""NumPy kernels of LCMD (largest cluster maximum distance) and its features.

LCMD is the batch selection method of Holzmüller, Zaverkin, Kästner and
Steinwart (JMLR 2023). Given rows already selected ("centres"), every pool row
belongs to the cluster of its nearest centre; each step takes the cluster
whose squared distances to its centre sum highest and picks, within it, the
row furthest from the centre, which becomes a centre of its own.

The kernels work on explicit feature vectors ``φ(x)`` of a kernel
``k(x, x') = φ(x)·φ(x')``, so the distance is ``d(x, x')² = ‖φ(x) − φ(x')‖²``.
Pool work is chunked: memory is ``O(n_samples · n_features)`` for the
features plus ``O(n_samples)`` of state, and the distances to many centres
are computed in blocks of at most ``2**22`` entries; no ``(n_samples,
n_centres)`` matrix is formed.

Prior validation of data is assumed.

References
----------
.. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A Framework
   and Benchmark for Deep Batch Active Learning for Regression", Journal of
   Machine Learning Research 24(164), 2023: the selection method LCMD, the
   TP and P modes, and the sketching and scaling kernel transformations.
"""

import numpy as np

__all__ = ["gaussian_sketch", "lcmd_greedy", "scale_factor"]

#: Largest number of float64 distances one block of centres holds (32 MiB).
_MAX_BLOCK_ENTRIES = 2**22
#: Feature values per chunk of pool rows by default (4 MiB in float64): a
#: chunk small enough to stay in cache is about 8x faster per pick than one
#: of 2**22 values.
_CHUNK_ENTRIES = 2**19


def _default_chunk(n_features):
    return max(1, _CHUNK_ENTRIES // max(1, n_features))


def gaussian_sketch(n_features, n_components, random_state):
    """The Gaussian random projection of the sketching transformation.

    ``φ ↦ φ P`` with ``P`` of i.i.d. ``N(0, 1 / n_components)`` entries, so
    that ``E[(φ(x) P)·(φ(x') P)] = φ(x)·φ(x')``: the sketched kernel is an
    unbiased estimate of the original one.

    Parameters
    ----------
    n_features : int
        Dimension of the features to project.
    n_components : int
        Dimension after projection (the paper uses 512).
    random_state : numpy.random.RandomState
        Source of the projection.

    Returns
    -------
    projection : ndarray of shape (n_features, n_components), dtype float64
    """
    projection = random_state.standard_normal((n_features, n_components))
    projection /= np.sqrt(n_components)
    return projection


def scale_factor(features):
    """The factor ``λ`` of the scaling transformation ``k ↦ λ k``.

    ``λ = 1 / mean_x k(x, x)`` over the rows of ``features`` (the paper's
    ``k → scale(X_train)``); 1 where that mean is 0. Features are scaled by
    ``√λ``. LCMD's picks do not depend on it (distances all scale by the same
    factor), but it puts distances of different networks on one scale.

    Parameters
    ----------
    features : ndarray of shape (n_samples, n_features)

    Returns
    -------
    factor : float
    """
    if features.shape[0] == 0:
        return 1.0
    mean_diag = float(np.einsum("ij,ij->i", features, features, dtype=np.float64).mean())
    return 1.0 / mean_diag if mean_diag > 0 else 1.0


def _sq_dist_to_one(features, centre, out, chunk_size):
    """``‖x − c‖²`` for every row ``x``, chunk by chunk, in float64.

    (n_samples, d), (d,) -> ``out`` (n_samples,). Each row's value is computed
    from that row alone (a difference, squared and summed), so it does not
    depend on the chunk the row falls in, and a row equal to ``c`` gets
    exactly 0.
    """
    centre = np.asarray(centre, dtype=np.float64)
    for start in range(0, features.shape[0], chunk_size):
        diff = features[start : start + chunk_size].astype(np.float64)
        diff -= centre
        np.einsum("ij,ij->i", diff, diff, out=out[start : start + chunk_size])
    return out


def _assign_to_centres(features, centres, sq_dist, cluster, chunk_size):
    """Nearest centre of each row and the squared distance to it.

    (n_samples, d), (n_centres, d) -> ``sq_dist`` (n_samples,) float64 and
    ``cluster`` (n_samples,) int64, the row of ``centres`` nearest (the first
    such row on ties). The nearest centre is found with ``‖x‖² + ‖c‖² −
    2 x·c`` in blocks of at most ``2**22`` entries; the distance to it is then
    computed exactly as in :func:`_sq_dist_to_one`.
    """
    n_samples, n_centres = features.shape[0], centres.shape[0]
    c64 = centres.astype(np.float64)
    c_sq = np.einsum("ij,ij->i", c64, c64)
    n_cols = max(1, min(n_centres, _MAX_BLOCK_ENTRIES // max(1, chunk_size)))
    for start in range(0, n_samples, chunk_size):
        x64 = features[start : start + chunk_size].astype(np.float64)
        x_sq = np.einsum("ij,ij->i", x64, x64)
        best = np.full(x64.shape[0], np.inf)
        arg = np.zeros(x64.shape[0], dtype=np.int64)
        for j in range(0, n_centres, n_cols):
            d = x64 @ c64[j : j + n_cols].T
            d *= -2.0
            d += x_sq[:, None]
            d += c_sq[None, j : j + n_cols]
            block_arg = d.argmin(axis=1)
            block_best = d[np.arange(d.shape[0]), block_arg]
            closer = block_best < best  # strict: the earlier centre keeps a tie
            best[closer] = block_best[closer]
            arg[closer] = block_arg[closer] + j
        cluster[start : start + chunk_size] = arg
        diff = x64 - c64[arg]
        np.einsum("ij,ij->i", diff, diff, out=sq_dist[start : start + chunk_size])
    return sq_dist, cluster


def lcmd_greedy(features, n, centres, *, chunk_size=None):
    """LCMD: pick ``n`` rows of ``features``, largest cluster first.

    Starting from ``centres`` (the TP mode: labeled rows; none for the P
    mode), each step

    1. assigns every pool row ``x`` to its nearest centre ``c(x)`` (rows
       picked so far are centres too);
    2. takes the cluster ``C`` with the largest sum ``Σ_{x: c(x)=C} d(x, C)²``
       of squared distances of its pool rows to the centre;
    3. picks the pool row of ``C`` with the largest ``d(x, C)``, which becomes
       a centre.

    With no centres at all, the first pick is the row with the largest
    ``k(x, x) = ‖φ(x)‖²``, as in the paper.

    Ties, which the paper leaves open, are broken as follows: a row at equal
    distance from several centres belongs to the one that became a centre
    first (labeled rows in their order, then the picks); if several clusters
    share the largest sum, the candidates are the rows of all of them; among
    equally distant candidates the lowest row index wins. Picked rows are
    never candidates again (each has distance 0 to itself).

    One vector of squared distances and one of cluster ids are kept and
    updated after each pick (one chunked pass over ``features``), and the
    cluster sums are a ``bincount`` over them, so a step costs
    ``O(n_samples · n_features)``; the first assignment to ``n_centres``
    centres costs ``O(n_samples · n_centres · n_features)`` in blocks of at
    most ``2**22`` entries.

    Prior validation of data is assumed.

    Parameters
    ----------
    features : ndarray of shape (n_samples, n_features)
        Feature vectors ``φ(x)`` of the pool rows.
    n : int
        Number of rows to pick, ``1 <= n <= n_samples``.
    centres : ndarray of shape (n_centres, n_features)
        Feature vectors of the rows already selected (may have no rows).
    chunk_size : int, default=None
        Pool rows per block of work; by default as many as hold ``2**19``
        feature values. The picks do not depend on it.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Distinct rows of ``features`` in the order they were picked.

    References
    ----------
    .. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", JMLR 24(164), 2023, selection method LCMD.
    """
    n_samples, n_features = features.shape
    n_centres = centres.shape[0]
    if chunk_size is None:
        chunk_size = _default_chunk(n_features)
    sq_dist = np.full(n_samples, np.inf)
    cluster = np.zeros(n_samples, dtype=np.int64)
    if n_centres:
        _assign_to_centres(features, centres, sq_dist, cluster, chunk_size)
    selected = np.zeros(n_samples, dtype=bool)
    new_sq_dist = np.empty(n_samples)
    indices = np.empty(n, dtype=np.int64)
    for t in range(n):
        if t == 0 and n_centres == 0:
            diag = np.empty(n_samples)
            _sq_dist_to_one(features, np.zeros(n_features), diag, chunk_size)
            index = int(np.argmax(diag))
        else:
            sums = np.bincount(cluster, weights=sq_dist, minlength=n_centres + t)
            largest = sums == sums.max()
            score = np.where(largest[cluster] & ~selected, sq_dist, -np.inf)
            index = int(np.argmax(score))
        indices[t] = index
        _sq_dist_to_one(features, features[index], new_sq_dist, chunk_size)
        closer = new_sq_dist < sq_dist  # strict: a tie stays with the older centre
        sq_dist[closer] = new_sq_dist[closer]
        cluster[closer] = n_centres + t
        sq_dist[index] = 0.0
        selected[index] = True
    return indices
