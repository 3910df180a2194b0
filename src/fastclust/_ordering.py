"""optimal_leaf_ordering(): flip merges for the shortest path through the leaves."""
from __future__ import annotations

import numpy as np

from ._distance import as_observations, check_metric, pdist
from ._tree import _check_linkage, _layout
from ._validation import (as_float_array, check_finite, check_memory, num_obs_condensed,
                          raise_for_status, resolve_workers, warn_if_square_distance_matrix)

__all__ = ["optimal_leaf_ordering"]


def _condensed_for(y, metric, n: int, workers: int) -> np.ndarray:
    arr = as_float_array(y, "y")
    if arr.ndim == 1:
        m = num_obs_condensed(arr.shape[0]) if arr.shape[0] else 0
        dists = np.ascontiguousarray(arr)
    elif arr.ndim == 2:
        X = as_observations(arr, "y")
        warn_if_square_distance_matrix(X)
        m = X.shape[0]
        if m == n:
            dists = pdist(X, metric if callable(metric) else check_metric(metric),
                          workers=workers)
    else:
        raise ValueError(f"`y` must be 1-D (condensed distances) or 2-D (observations); "
                         f"got {arr.ndim} dimensions.")
    if m != n:
        raise ValueError(f"`Z` and `y` must describe the same observations: Z has {n}, "
                         f"y has {m}.")
    check_finite(dists, "y" if arr.ndim == 1 else "pdist(y)")
    return dists


def optimal_leaf_ordering(Z, y, metric="euclidean", *, workers=None):
    """Reorder the children of each merge so that adjacent leaves are as close as possible.

    A drop-in for :func:`scipy.cluster.hierarchy.optimal_leaf_ordering`: of
    the 2^(n-1) leaf orders the tree allows (any merge may swap its two
    children), return the one with the smallest sum of distances between
    neighbouring leaves.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    y : array_like
        The distances the tree was built from: a condensed distance matrix,
        or n observations (then ``pdist(y, metric)`` is used).
    metric : str or callable, default='euclidean'
        Metric for observations `y`; any metric of :func:`pdist`.
    workers : int, optional
        Threads for the large merges; None or -1 means all CPUs. The result
        does not depend on it.

    Returns
    -------
    Z_ordered : ndarray of shape (n - 1, 4)
        `Z` with the first two columns of some rows swapped; heights, sizes
        and the clusters themselves are unchanged, and
        ``leaves_list(Z_ordered)`` is the optimal order.

    Raises
    ------
    ValueError
        For an invalid `Z`, a `y` of another number of observations, or
        non-finite distances.
    MemoryError
        If the n x n work matrix does not fit in memory.

    Notes
    -----
    The algorithm of Bar-Joseph, Gifford and Jaakkola (2001) with the two
    minimisations split into (min, +) products: O(n^3) time in the worst
    case (much less on unbalanced trees) and 8 n^2 bytes of memory (plus up
    to 2 n^2 for the largest merge's scratch). SciPy's
    implementation is O(n^4). When several orders are optimal, the one
    found first is returned: the cheapest pair of end leaves at the root,
    then the first minimising pair at each merge, in leaf order.

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import leaves_list, linkage, optimal_leaf_ordering, pdist
    >>> X = np.array([[0.], [10.], [1.], [11.], [5.]])
    >>> y = pdist(X)
    >>> Z = linkage(y, "complete")
    >>> leaves_list(Z)
    array([1, 3, 4, 0, 2], dtype=int32)
    >>> leaves_list(optimal_leaf_ordering(Z, y))   # 11 10 5 1 0: total 11 instead of 13
    array([3, 1, 4, 2, 0], dtype=int32)
    """
    from ._olo import optimal_leaf_order
    Z, children, n = _check_linkage(Z)
    workers = resolve_workers(workers)
    dists = _condensed_for(y, metric, n, workers)
    out = Z.copy()
    if n <= 2:
        return out
    size, start, order = _layout(children, n)
    # the n x n matrix, plus the |A| x |B| scratch of the largest merge
    largest = int((size[children[:, 0]] * size[children[:, 1]]).max())
    check_memory(8 * (n * n + largest), "the work matrices of optimal leaf ordering")
    new_children = np.empty((n - 1, 2), dtype=np.intp)
    status, _ = optimal_leaf_order(dists, n, children, size, start, order, new_children,
                                   workers)
    raise_for_status(status, "optimal_leaf_ordering")
    out[:, :2] = new_children
    return out

