"""Flat clusters from a linkage matrix, by count or by height (private; used by the CLI).

Both cuts run a union-find (union by size, path halving) over a downward-closed
set of rows of Z, then number the clusters 0 .. k-1 in order of first
appearance in observation order. Time O(n alpha(n)), memory O(n).
"""
from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import NDArray

__all__ = ["cut_by_count", "cut_by_height"]


def cut_by_count(Z, n_clusters) -> NDArray[np.intp]:
    """Flat labels of the `n_clusters` clusters left after the first n - k merges of Z.

    Contract: `Z` is a linkage matrix of shape (n - 1, 4) (validated here),
    `n_clusters` an integer in [1, n]. Rows are taken in the order of Z (the
    merge order), so there are always exactly k clusters, also with
    inversions (centroid, median). For monotone Z without tied heights this
    equals SciPy's ``fcluster(Z, k, 'maxclust')`` and ``cut_tree(Z, k)``
    (``cut_tree`` can return fewer clusters with inversions, scipy#8063).
    Returns a new intp array of n labels in 0 .. k-1, numbered in order of
    first appearance. Nothing is mutated.
    """
    Z, n = _check_linkage(Z)
    if (not isinstance(n_clusters, numbers.Integral) or isinstance(n_clusters, bool)):
        raise TypeError(f"`n_clusters` must be an integer; got {n_clusters!r}.")
    if not 1 <= n_clusters <= n:
        raise ValueError(f"`n_clusters` must be between 1 and the number of observations "
                         f"({n}); got {n_clusters}.")
    include = np.zeros(n - 1, dtype=bool)
    include[: n - int(n_clusters)] = True
    return _union_labels(Z, n, include)


def cut_by_height(Z, threshold) -> NDArray[np.intp]:
    """Flat labels joining every merge at height <= `threshold` (inclusive).

    Contract: `Z` is a linkage matrix of shape (n - 1, 4) (validated here),
    `threshold` a real number, not NaN (-inf and inf are allowed). A merge is
    made when the highest merge in its subtree is <= `threshold`, so that
    with inversions (centroid, median) a cluster never splits around a
    higher merge below it. This is ``fcluster(Z, threshold, 'distance')``
    of SciPy: no two observations in a flat cluster have a cophenetic distance
    above `threshold`. Returns a new intp array of n labels in 0 .. k-1,
    numbered in order of first appearance. Nothing is mutated.
    """
    Z, n = _check_linkage(Z)
    if (not isinstance(threshold, numbers.Real) or isinstance(threshold, bool)):
        raise TypeError(f"`threshold` must be a real number; got {threshold!r}.")
    if math.isnan(threshold):
        raise ValueError(f"`threshold` must not be NaN; got {threshold!r}.")
    if n == 1:
        return np.zeros(1, dtype=np.intp)
    heights = _subtree_max_heights(Z, n)
    return _union_labels(Z, n, heights <= threshold)


def _check_linkage(Z) -> tuple[NDArray[np.float64], int]:
    """Z as a float64 (n - 1, 4) array, and n; ValueError/TypeError for anything else.

    Checks the shape, finiteness of the heights, and that row s joins two
    distinct, integral cluster ids below n + s, each used by one row at most.
    Sizes in column 3 are not checked (they are not used).
    """
    try:
        arr = np.asarray(Z)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"`Z` could not be converted to an array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`Z` must contain real numbers; got dtype {arr.dtype}.")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError(f"`Z` must be a linkage matrix of shape (n - 1, 4); "
                         f"got shape {arr.shape}.")
    n = arr.shape[0] + 1
    if not np.isfinite(arr[:, :3]).all():
        bad = int(np.argwhere(~np.isfinite(arr[:, :3]))[0, 0])
        raise ValueError(f"`Z` must contain finite ids and heights; row {bad} is "
                         f"{arr[bad].tolist()}.")
    ids = arr[:, :2]
    limit = n + np.arange(n - 1)[:, None]          # row s may use ids < n + s
    bad_rows = np.flatnonzero(((ids != np.floor(ids)) | (ids < 0) | (ids >= limit)).any(axis=1)
                              | (ids[:, 0] == ids[:, 1]))
    if bad_rows.size:
        s = int(bad_rows[0])
        raise ValueError(f"`Z` row {s} must join two different cluster ids, integers in "
                         f"[0, {n + s - 1}]; got {ids[s].tolist()}.")
    if n > 1:
        counts = np.bincount(ids.astype(np.intp).ravel(), minlength=2 * n - 1)
        if counts.max() > 1:
            twice = int(np.argmax(counts))
            raise ValueError(f"`Z` must use each cluster id at most once; id {twice} is "
                             f"merged {int(counts[twice])} times.")
    return arr, n


def _subtree_max_heights(Z: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """For each row s, the highest merge height in the subtree of cluster n + s.

    Equals Z[:, 2] for monotone Z. Children precede parents, so one pass suffices.
    """
    top = Z[:, 2].tolist()
    for s, (a, b) in enumerate(Z[:, :2].astype(np.intp).tolist()):
        if a >= n:
            top[s] = max(top[s], top[a - n])
        if b >= n:
            top[s] = max(top[s], top[b - n])
    return np.array(top, dtype=np.float64)


def _union_labels(Z: NDArray[np.float64], n: int, include: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Union the two sides of every included row; labels by first appearance.

    Precondition: `include` is downward closed (an included row's children
    are observations or included rows), which both callers guarantee.
    """
    parent = list(range(n))
    size = [1] * n
    member = list(range(n)) + [0] * (n - 1)        # cluster id -> one of its observations

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]           # path halving
            i = parent[i]
        return i

    rows = Z[:, :2].astype(np.intp).tolist()
    for s in np.flatnonzero(include).tolist():
        a, b = rows[s]
        ra, rb = find(member[a]), find(member[b])
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        member[n + s] = ra
    label_of_root: dict[int, int] = {}
    labels = [label_of_root.setdefault(find(i), len(label_of_root)) for i in range(n)]
    return np.array(labels, dtype=np.intp)
