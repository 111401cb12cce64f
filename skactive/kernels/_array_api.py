"""The selection kernels on arrays of any array API library (torch tensors, say).

Each public kernel of :mod:`skactive.kernels` takes NumPy arrays (memory maps
included) and runs its NumPy code on them, or arrays of another library that
follows the array API standard, such as torch tensors, on which it runs the
generic code here, in that library's namespace and on the arrays' device (a
GPU for tensors on ``cuda``), as scikit-learn's array API support does: the
namespace comes from ``array_api_compat`` (the package where installed, else
the copy that scikit-learn ships), never from importing torch here. The
generic code does one full pass over the pool per pick, where the NumPy code
skips rows exactly; both pick the same rows up to floating-point rounding
(exactly so where the arithmetic is exact, e.g. on integer-valued data). The
random draws always come from the NumPy ``random_state`` on the host, and
the returned indices are always a NumPy ``int64`` array.

Prior validation of data is assumed.
"""

import numpy as np

try:  # the package where installed; scikit-learn (>= 1.6) ships a copy
    import array_api_compat
except ImportError:  # pragma: no cover - depends on the environment
    from sklearn.externals import array_api_compat


def _namespace(*arrays):
    """The array namespace of the inputs, or ``None`` for the NumPy kernels.

    ``None`` unless some input is an array of an array API library other
    than NumPy (a torch tensor, say); then its namespace, through
    ``array_api_compat`` (a ``TypeError`` if the inputs mix libraries).
    """
    foreign = [
        a
        for a in arrays
        if array_api_compat.is_array_api_obj(a) and not array_api_compat.is_numpy_array(a)
    ]
    if not foreign:
        return None
    return array_api_compat.array_namespace(*arrays)


def _wide_float(xp, device):
    """``float64`` where the device has it, else ``float32`` (e.g. Apple's MPS)."""
    try:
        xp.zeros(1, dtype=xp.float64, device=device)
    except (TypeError, RuntimeError, ValueError):
        return xp.float32
    return xp.float64


def _to_host(x):
    """A NumPy copy of the array ``x`` of any namespace, on the CPU."""
    return np.asarray(array_api_compat.to_device(x, "cpu"))


def _top_k_xp(xp, utility, k, random_state):
    """top_k in the namespace ``xp``: a stable descending sort of the relabeled rows."""
    order = random_state.permutation(utility.shape[0])
    order = xp.asarray(order, device=array_api_compat.device(utility))
    ranked = xp.argsort(xp.take(utility, order, axis=0), descending=True, stable=True)[:k]
    return _to_host(xp.take(order, ranked, axis=0)).astype(np.int64, copy=False)


def _sample_by_squared_distance_xp(xp, sq_dist, random_state):
    """sample_by_squared_distance in the namespace ``xp`` (one draw on the host)."""
    cumulative = xp.cumulative_sum(sq_dist)
    total = float(cumulative[-1])
    if not total > 0:
        return -1
    u = random_state.uniform() * total
    u = xp.asarray([u], dtype=cumulative.dtype, device=array_api_compat.device(sq_dist))
    index = int(xp.searchsorted(cumulative, u, side="right")[0])
    if index >= sq_dist.shape[0]:
        index = int(xp.nonzero(sq_dist > 0)[0][-1])
    return index


def _factored_sq_distances_xp(xp, q, h, sq_norms, c):
    """factored_sq_distances in the namespace ``xp``, the same arithmetic."""
    wide = sq_norms.dtype
    out = xp.astype(q @ q[c, :], wide) * xp.astype(h @ h[c, :], wide)
    out = out * -2.0 + sq_norms + sq_norms[c]
    return xp.clip(out, min=0.0)


def _kmeans_pp_factored_xp(xp, q, h, k, random_state):
    """kmeans_pp_factored in the namespace ``xp``: one full pass per step."""
    device = array_api_compat.device(q)
    wide = _wide_float(xp, device)
    n_samples = q.shape[0]
    sq_norms = xp.astype(xp.sum(q * q, axis=1), wide) * xp.astype(xp.sum(h * h, axis=1), wide)
    chosen = np.zeros(n_samples, dtype=bool)
    indices = np.empty(k, dtype=np.int64)
    indices[0] = int(xp.argmax(sq_norms))
    sq_dist = xp.full((n_samples,), xp.inf, dtype=wide, device=device)
    for t in range(1, k + 1):
        c = int(indices[t - 1])
        chosen[c] = True
        sq_dist = xp.minimum(sq_dist, _factored_sq_distances_xp(xp, q, h, sq_norms, c))
        sq_dist[c] = 0.0
        if t == k:
            break
        index = _sample_by_squared_distance_xp(xp, sq_dist, random_state)
        if index < 0 or chosen[index]:
            remaining = np.flatnonzero(~chosen)
            index = remaining[random_state.randint(remaining.shape[0])]
        indices[t] = index
    return indices


def _k_center_greedy_xp(xp, X, k, centres, random_state, max_block_entries):
    """k_center_greedy in the namespace ``xp``: one full pass per pick.

    The initial distances come in blocks of at most ``max_block_entries``,
    as in the NumPy kernel.
    """
    device = array_api_compat.device(X)
    centres = xp.astype(centres, X.dtype)
    n_samples, n_centres = X.shape[0], centres.shape[0]
    X_sq_norms = xp.sum(X * X, axis=1)
    sq_dist = xp.full((n_samples,), xp.inf, dtype=X.dtype, device=device)
    if n_centres:
        c_sq_norms = xp.sum(centres * centres, axis=1)
        n_cols = max(1, min(n_centres, max_block_entries // max(1, n_samples)))
        n_rows = max(1, min(n_samples, max_block_entries // n_cols))
        for j in range(0, n_centres, n_cols):
            block_c = centres[j : j + n_cols, :]
            for i in range(0, n_samples, n_rows):
                d = X[i : i + n_rows, :] @ block_c.T
                d = d * -2.0 + X_sq_norms[i : i + n_rows, None] + c_sq_norms[None, j : j + n_cols]
                sq_dist[i : i + n_rows] = xp.minimum(sq_dist[i : i + n_rows], xp.min(d, axis=1))
        sq_dist = xp.clip(sq_dist, min=0.0)
    indices = np.empty(k, dtype=np.int64)
    for t in range(k):
        if t == 0 and n_centres == 0:
            index = random_state.randint(n_samples)
        else:
            index = int(xp.argmax(sq_dist))  # the first maximum: lowest index
        indices[t] = index
        new = (X @ X[index, :]) * -2.0 + X_sq_norms + X_sq_norms[index]
        sq_dist = xp.minimum(sq_dist, xp.clip(new, min=0.0))
        sq_dist[index] = -1.0
    return indices
