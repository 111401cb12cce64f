"""Validation at the learner's boundary of what the kernels assume valid.

The kernels of :mod:`skactive.kernels` assume valid input; the learner and
the simulations check it here first.
"""

from numbers import Real

import numpy as np

__all__ = ["check_costs"]


def check_costs(
    costs, n_pool, max_cost=None, *, rows="the pool has {n} rows: give one cost per pool row"
):
    """Validate one annotation cost per pool row (the learner's boundary).

    Parameters
    ----------
    costs : array-like of shape (n_pool,)
    n_pool : int
    max_cost : float or None
    rows : str
        How the rows are named in the error message (``{n}``: their number).

    Returns
    -------
    costs : ndarray of shape (n_pool,), dtype float64
    """
    try:
        values = np.asarray(costs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"costs must be numbers, one per pool row; got {type(costs).__name__}."
        ) from None
    if values.ndim != 1 or values.shape[0] != n_pool:
        raise ValueError(
            f"costs has shape {values.shape}, but {rows.format(n=n_pool)}, in their order."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("costs contains NaN or infinity: every pool row needs a finite cost.")
    if np.any(values <= 0):
        raise ValueError(
            f"costs must be positive, got a minimum of {float(values.min())!r}: a row that is "
            "free to label can be given a small positive cost."
        )
    if max_cost is not None:
        if isinstance(max_cost, bool) or not isinstance(max_cost, Real) or not max_cost > 0:
            raise ValueError(f"max_cost must be a positive number, got {max_cost!r}.")
        if values.min() > max_cost:
            raise ValueError(
                f"max_cost={max_cost!r} is below the cheapest pool row "
                f"({float(values.min())!r}): no row can be labeled within it."
            )
    return values
