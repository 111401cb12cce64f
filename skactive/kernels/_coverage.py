"""Low-budget selection kernels: typicality (TypiClust) and ball coverage (ProbCover).

Pure NumPy (and SciPy's sparse matrices), no torch, no input validation:
prior validation of data is assumed (finite floating arrays of the documented
shapes, counts within range).

Rows are numbered as the strategies stack them: the ``n_labeled`` labeled
rows first, then the pool rows; a pick is returned as an index into the pool.
Distances are Euclidean, computed directly (``scipy.spatial.distance.cdist``,
no ``‖a‖² + ‖b‖² − 2a·b`` expansion, so that the radius chosen from one
pairwise distance and the graph built with it agree to the last bit), in row
chunks, so memory grows with
``O(chunk · n_rows)`` for the distances and with the number of edges for the
coverage graph, never with ``n_rows²`` at once.
"""

import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors

__all__ = [
    "ball_graph",
    "max_coverage_greedy",
    "purity_radius",
    "typicality",
    "typiclust_select",
]

#: Entries of one chunk of a distance matrix (rows x columns), ~32 MB of float64.
_CHUNK_ENTRIES = 1 << 22


def _row_chunks(n_rows, n_columns):
    step = max(1, _CHUNK_ENTRIES // max(n_columns, 1))
    for start in range(0, n_rows, step):
        yield start, min(start + step, n_rows)


def typicality(X, n_neighbors):
    """Typicality of each row: the inverse mean distance to its nearest neighbours.

    ``Typicality(x) = (1/K Σ_{x_i ∈ K-NN(x)} ‖x − x_i‖₂)^{-1}`` (Hacohen,
    Dekel & Weinshall, 2022, §3.1, eq. 4), the neighbours taken among the
    other rows of ``X``. A row with ``K`` exact duplicates has typicality
    ``inf``.

    Prior validation of data is assumed.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_dims)
        The rows, ``n_samples >= n_neighbors + 1``.
    n_neighbors : int
        ``K >= 1``.

    Returns
    -------
    typicality : ndarray of shape (n_samples,), dtype float64
    """
    X = np.asarray(X, dtype=np.float64)
    distances, _ = NearestNeighbors(n_neighbors=n_neighbors + 1).fit(X).kneighbors(X)
    # The nearest "neighbour" is the row itself (or a duplicate, at the same
    # distance 0): drop one zero, keep the K others.
    mean = distances[:, 1:].mean(axis=1)
    with np.errstate(divide="ignore"):
        return 1.0 / mean


def typiclust_select(
    clusters_labeled, clusters_pool, Z_pool, n, *, n_neighbors, min_cluster_size, random_state
):
    """TypiClust's selection: the most typical pool row of each largest uncovered cluster.

    Each pick takes the cluster that holds the fewest labeled (and already
    picked) rows, the largest among those (Hacohen et al., 2022, §3.2,
    Algorithm 1), skipping clusters of at most ``min_cluster_size`` rows
    while a larger one has pool rows left; from it the pool row of highest
    :func:`typicality` among the cluster's unpicked pool rows, with
    ``K = min(n_neighbors, m // 2)`` for a cluster of ``m`` such rows (the
    authors' code's rule for small clusters; one row: that row).

    Prior validation of data is assumed.

    Parameters
    ----------
    clusters_labeled : ndarray of shape (n_labeled,), dtype int
        Cluster of each labeled row, in ``[0, n_clusters)``.
    clusters_pool : ndarray of shape (n_pool,), dtype int
        Cluster of each pool row.
    Z_pool : ndarray of shape (n_pool, n_dims)
        The pool rows' representation.
    n : int
        Number of picks, ``1 <= n <= n_pool``.
    n_neighbors : int
        ``K`` of the typicality, ``>= 1``.
    min_cluster_size : int
        Clusters of at most this many rows (labeled and pool) are used
        only once no larger cluster has pool rows left.
    random_state : numpy.random.RandomState
        Breaks ties between equally covered clusters of equal size and
        between equally typical rows.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Distinct pool indices in selection order.
    """
    n_clusters = int(max(clusters_labeled.max(initial=-1), clusters_pool.max())) + 1
    sizes = np.bincount(clusters_labeled, minlength=n_clusters) + np.bincount(
        clusters_pool, minlength=n_clusters
    )
    covered = np.bincount(clusters_labeled, minlength=n_clusters)
    left = np.bincount(clusters_pool, minlength=n_clusters)
    small = sizes <= min_cluster_size
    tie_break = random_state.permutation(n_clusters)
    available = np.ones(clusters_pool.shape[0], dtype=bool)
    picks = np.empty(n, dtype=np.int64)
    for step in range(n):
        usable = left > 0
        if np.any(usable & ~small):
            usable &= ~small
        candidates = np.flatnonzero(usable)
        # Fewest labeled rows first, then the largest, then the random order.
        best = np.lexsort((tie_break[candidates], -sizes[candidates], covered[candidates]))[0]
        cluster = candidates[best]
        rows = np.flatnonzero(available & (clusters_pool == cluster))
        k = min(n_neighbors, rows.shape[0] // 2)
        if k >= 1:
            typ = typicality(Z_pool[rows], k)
            top = np.flatnonzero(typ == typ.max())
            row = rows[top[random_state.randint(top.shape[0])]]
        else:
            row = rows[random_state.randint(rows.shape[0])]
        picks[step] = row
        available[row] = False
        covered[cluster] += 1
        left[cluster] -= 1
    return picks


def purity_radius(Z, pseudo_labels, alpha):
    """The largest ball radius ``δ`` whose purity is at least ``alpha``.

    A row's open ``δ``-ball ``{x' : ‖x − x'‖ < δ}`` is pure when every row in
    it shares the row's pseudo-label, that is when ``δ`` is at most the
    distance ``d_x`` from the row to the nearest row of another label. The
    purity ``π(δ)`` is the fraction of rows whose ball is pure (Yehuda et
    al., 2022, §4.1); it falls as ``δ`` grows, and the largest ``δ`` with
    ``π(δ) >= alpha`` is the ``m``-th smallest ``d_x``, ``m = ⌊(1 − α) N⌋``
    (0-based): below it at most ``m`` rows are impure.

    Prior validation of data is assumed.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_dims)
        The rows.
    pseudo_labels : ndarray of shape (n_samples,), dtype int
        At least two distinct labels.
    alpha : float
        Purity threshold in ``(0, 1]``.

    Returns
    -------
    delta : float
    """
    Z = np.asarray(Z, dtype=np.float64)
    n_samples = Z.shape[0]
    nearest_other = np.empty(n_samples, dtype=np.float64)
    for start, stop in _row_chunks(n_samples, n_samples):
        distances = cdist(Z[start:stop], Z)
        distances[pseudo_labels[start:stop, None] == pseudo_labels[None, :]] = np.inf
        nearest_other[start:stop] = distances.min(axis=1)
    # The rounding guard keeps e.g. (1 - 0.8) * 135 at 27 rather than 26.99...
    m = min(int(np.floor((1.0 - alpha) * n_samples + 1e-9)), n_samples - 1)
    return float(np.partition(nearest_other, m)[m])


def ball_graph(Z, delta):
    """The ``δ``-ball graph: row ``i`` covers row ``j`` when ``‖z_i − z_j‖ < δ``.

    Every row covers itself. The distance is symmetric, so is the graph (the
    two halves are merged, so that no edge can be one-way).

    Prior validation of data is assumed.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_dims)
        The rows.
    delta : float
        Ball radius, ``>= 0``.

    Returns
    -------
    graph : scipy.sparse.csr_matrix of shape (n_samples, n_samples), dtype bool
    """
    Z = np.asarray(Z, dtype=np.float64)
    n_samples = Z.shape[0]
    rows, columns = [np.arange(n_samples)], [np.arange(n_samples)]
    for start, stop in _row_chunks(n_samples, n_samples):
        i, j = np.nonzero(cdist(Z[start:stop], Z) < delta)
        rows.append(i + start)
        columns.append(j)
    rows, columns = np.concatenate(rows), np.concatenate(columns)
    data = np.ones(rows.shape[0], dtype=bool)
    graph = sp.csr_matrix((data, (rows, columns)), shape=(n_samples, n_samples), dtype=bool)
    return (graph + graph.T).tocsr()


def max_coverage_greedy(graph, n_labeled, n, random_state, return_gains=False):
    """Greedy max coverage: each pick covers the most rows not covered yet.

    The labeled rows' balls cover first; then, ``n`` times, the pool row
    whose ball holds the most uncovered rows is picked and its rows marked
    covered (Yehuda et al., 2022, §4.2, Algorithm 1: "remove all incoming
    edges to covered vertices"). Ties go to a random row among the best. Once
    every row is covered the remaining picks are drawn uniformly at random
    from the unpicked pool rows (a choice the paper leaves open; the authors'
    code takes the first row).

    Each pick costs ``O(edges of the newly covered rows)``: the uncovered
    count of every row is kept and decreased as rows get covered.

    Prior validation of data is assumed.

    Parameters
    ----------
    graph : scipy.sparse.csr_matrix of shape (n_rows, n_rows), dtype bool
        Symmetric coverage graph (:func:`ball_graph`) over the labeled rows
        followed by the pool rows.
    n_labeled : int
        Number of labeled rows (the first rows of ``graph``).
    n : int
        Number of picks, ``1 <= n <= n_rows - n_labeled``.
    random_state : numpy.random.RandomState
        Breaks ties.
    return_gains : bool, default=False
        Also return how many rows each pick newly covered.

    Returns
    -------
    indices : ndarray of shape (n,), dtype int64
        Distinct pool indices (``row - n_labeled``) in selection order.
    gains : ndarray of shape (n,), dtype int64
        Only with ``return_gains``: the rows each pick newly covered (0 for
        the random picks after full coverage).
    """
    n_rows = graph.shape[0]
    covered = np.zeros(n_rows, dtype=bool)
    if n_labeled:
        covered[graph[:n_labeled].indices] = True
    uncovered = np.flatnonzero(~covered)
    # Uncovered rows in each row's ball (the graph is symmetric).
    gain = np.asarray(graph[uncovered].sum(axis=0)).ravel().astype(np.int64)
    gain[:n_labeled] = -1  # labeled rows are no candidates
    picks = np.empty(n, dtype=np.int64)
    gains = np.zeros(n, dtype=np.int64)
    step = 0
    while step < n:
        best = gain.max()
        if best <= 0:
            break
        tied = np.flatnonzero(gain == best)
        row = tied[random_state.randint(tied.shape[0])]
        ball = graph.indices[graph.indptr[row] : graph.indptr[row + 1]]
        new = ball[~covered[ball]]
        covered[new] = True
        gain -= np.asarray(graph[new].sum(axis=0)).ravel().astype(np.int64)
        gain[row] = -1
        picks[step], gains[step] = row, new.shape[0]
        step += 1
    if step < n:
        rest = np.flatnonzero(gain == 0)  # unpicked pool rows, all covered
        picks[step:] = random_state.choice(rest, n - step, replace=False)
    picks -= n_labeled
    return (picks, gains) if return_gains else picks
