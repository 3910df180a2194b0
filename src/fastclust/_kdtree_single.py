"""Exact single linkage of low-dimensional Euclidean observations through a KD-tree MST.

Private entry point; the public functions (``linkage_vector``, ``linkage`` on
observations with method 'single') dispatch here when it pays off.
"""
from __future__ import annotations

import numpy as np

from ._distance import as_observations
from ._progress import STAGE_MERGES, current
from ._validation import check_n, raise_for_status, resolve_workers

__all__ = ["kdtree_single_linkage", "kdtree_mst_edges", "DEFAULT_LEAF_SIZE", "DEFAULT_FIRST_K"]

DEFAULT_LEAF_SIZE = 16
DEFAULT_FIRST_K = 6


_KNN_MODES = {"auto": 0, "point": 1, "leaf": 2}


def kdtree_mst_edges(X, *, workers=None, leaf_size=DEFAULT_LEAF_SIZE, first_k=DEFAULT_FIRST_K,
                     knn="auto", dedup=True):
    """Euclidean minimum spanning tree of the rows of `X`, as three edge arrays.

    Returns ``(a, b, h)``: n - 1 edges joining observations ``a[e] < b[e]``
    at distance ``h[e]`` (bit-identical to ``pdist(X)`` for that pair), in
    no particular order. The tree is the unique minimum under the order
    (distance, a, b). `X` is validated as in :func:`kdtree_single_linkage`.
    `first_k` (1..32) is the number of neighbours per point searched in the
    first Boruvka round, `knn` how: 'point' (one tree search per point),
    'leaf' (one shared search per leaf) or 'auto' ('leaf' for d <= 4).
    With `dedup` (default), data with many identical rows is reduced to its
    distinct rows first. These change the speed, never the result.
    """
    return _mst(X, workers, leaf_size, first_k, knn, dedup)[:3]


def _mst(X, workers, leaf_size, first_k, knn, dedup=True):
    """Validate, run the kernel; (a, b, h, tree positions of a and b, permutation)."""
    if knn not in _KNN_MODES:
        raise ValueError(f"`knn` must be one of 'auto', 'leaf', 'point'; got {knn!r}.")
    X = as_observations(X, "X")
    n = X.shape[0]
    check_n(n, "X")
    leaf_size = _check_positive_int(leaf_size, "leaf_size")
    first_k = _check_positive_int(first_k, "first_k")
    if first_k > 32:
        raise ValueError(f"`first_k` must be at most 32; got {first_k!r}.")
    workers = resolve_workers(workers)
    groups = _duplicate_groups(X) if dedup and n > 2 else None
    if groups is not None:
        found = _mst_of_distinct(X, groups, workers, leaf_size, first_k, knn)
        if found is not None:
            return found
    return _run_kernel(X, workers, leaf_size, first_k, knn)


def _run_kernel(X, workers, leaf_size, first_k, knn):
    n = X.shape[0]
    a, b, pa, pb = (np.empty(max(n - 1, 0), dtype=np.intp) for _ in range(4))
    h = np.empty(max(n - 1, 0), dtype=np.float64)
    perm = np.arange(n, dtype=np.intp)
    if n > 1:
        from ._kdtree import kdtree_mst

        raise_for_status(kdtree_mst(X, leaf_size, h, a, b, workers, first_k, None,
                                    _KNN_MODES[knn], pa, pb, perm,
                                    progress=current(STAGE_MERGES, 0)),
                         "KD-tree single linkage")
        # squares beyond the float64 range: the O(n^2) path rejects pdist(X) the same way
        if not np.isfinite(h.max()):
            raise ValueError("`X` must have all pairwise distances within the float64 range "
                             f"(pdist(X) would hold inf); got coordinates up to "
                             f"{float(np.abs(X).max())!r} in magnitude.")
    return a, b, h, pa, pb, perm


def _duplicate_groups(X):
    """(reps, rep_of) when many rows of X repeat, else None.

    reps: the smallest index of each set of identical rows, ascending;
    rep_of[i]: the representative of row i. A sample of rows decides first
    whether the O(n log n) sort is worth it.
    """
    n = X.shape[0]
    s = min(n, 2048)
    sample = X[np.linspace(0, n - 1, s).astype(np.intp)]
    rows = sample[np.lexsort(sample.T[::-1])]
    # m distinct rows, equally frequent, give about s^2 / (2 m) repeats in the sample:
    # collapse when that estimates m <= n / 2
    if np.count_nonzero(np.all(rows[1:] == rows[:-1], axis=1)) < max(8, s * s / n):
        return None
    order = np.lexsort(X.T[::-1])          # stable: identical rows in increasing index
    Xs = X[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.any(Xs[1:] != Xs[:-1], axis=1, out=first[1:])
    rep_sorted = order[first][np.cumsum(first) - 1]    # representative, in sorted order
    rep_of = np.empty(n, dtype=np.intp)
    rep_of[order] = rep_sorted
    return np.sort(order[first]), rep_of


def _mst_of_distinct(X, groups, workers, leaf_size, first_k, knn):
    """The spanning tree from the distinct rows: their tree plus zero-length stars.

    Every row joins its group's smallest index at distance 0 (the lightest
    edges, by offset); between groups the lightest edge under (distance,
    offset) joins the two smallest indices, so the tree of the representatives
    (taken in index order, which keeps the order of offsets) completes the
    unique minimum spanning tree -- provided no two distinct rows are at
    computed distance 0 (underflow); then None: use the whole data.
    """
    reps, rep_of = groups
    n = X.shape[0]
    if len(reps) > 1:
        a_r, b_r, h_r = _run_kernel(np.ascontiguousarray(X[reps]), workers, leaf_size,
                                    first_k, knn)[:3]
        if h_r.min() == 0.0:
            return None
        a_r, b_r = reps[a_r], reps[b_r]
    else:
        a_r = b_r = np.empty(0, dtype=np.intp)
        h_r = np.empty(0)
    others = np.flatnonzero(rep_of != np.arange(n))
    a = np.concatenate([a_r, rep_of[others]])
    b = np.concatenate([b_r, others])
    h = np.concatenate([h_r, np.zeros(len(others))])
    return a, b, h, a, b, np.arange(n, dtype=np.intp)


def kdtree_single_linkage(X, *, workers=None, leaf_size=DEFAULT_LEAF_SIZE,
                          first_k=DEFAULT_FIRST_K):
    """Single linkage of Euclidean observations by a KD-tree Boruvka spanning tree.

    Returns exactly ``fastclust.linkage(X, "single")`` (bit for bit, ties
    included), in about O(n log n) time and O(n d) memory for low-dimensional
    data instead of O(n^2) time and memory.

    Parameters
    ----------
    X : array_like of shape (n, d)
        n observations in d dimensions; finite, real. Integer and float32 input
        is converted to float64.
    workers : int, optional
        Threads for the nearest-neighbour queries; None or -1 means all
        available CPUs. The result does not depend on `workers`.
    leaf_size : int, default=16
        Largest number of points in a leaf of the KD-tree.
    first_k : int, default=6
        Neighbours per point found in the first Boruvka round (1 to 32); most
        points then need no further query. Changes the speed, never `Z`.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix, equal to ``fastclust.linkage(X, "single")``.

    Raises
    ------
    ValueError
        If `X` is not 2-D, has no columns, fewer than 2 rows, NaN or infinite
        entries, or if `leaf_size` or `workers` is out of range.
    TypeError
        For complex or non-numeric input, or a non-integer `leaf_size`.

    Notes
    -----
    The points are sorted into a KD-tree (median splits along the widest
    coordinate). Each Boruvka round finds every component's lightest
    outgoing edge by nearest-neighbour queries that skip the point's own
    component (whole subtrees at once) and prune boxes against the point's
    and the component's best edge; a point whose lightest edge still leaves
    its component keeps it without a new query. Components at least halve
    per round. When a sample of rows shows many identical rows, the data is
    first reduced to its distinct rows (each set of identical rows joins its
    smallest index at height 0, exactly as the O(n^2) path orders them).

    Edges are ordered by (distance, condensed offset of the pair), as in the
    O(n^2) kernel, so the spanning tree is unique, every distance is
    computed with pdist's arithmetic, and box pruning is exact under
    rounding: Z is identical to the O(n^2) path and does not depend on
    `workers`.

    When it pays off. Measured against ``fastclust.linkage(X, "single")``
    (pdist + the O(n^2) Boruvka kernel; same Z), wall time on the 2 shared
    vCPUs of the project machine, so indicative only (bench/compare_lowdim.py
    --crossover); the ratio is O(n^2)-path time / KD-tree time:

    ==========  =====  =====  =====  =====  =====  =====  =====
    uniform       d=2    d=4    d=8   d=12   d=16   d=24   d=32
    ==========  =====  =====  =====  =====  =====  =====  =====
    n = 2000      7.9    5.7    1.7   0.72   0.60   0.42   0.42
    n = 5000        -      -    5.7    1.6    1.3    1.3      -
    n = 10000      29     14    6.6    2.7    1.2   0.76   0.86
    n = 20000       -      -    8.8    2.5   0.90   0.96      -
    ==========  =====  =====  =====  =====  =====  =====  =====

    Clustered data (Gaussian blobs) favours the tree more: 1.1x at d = 24 and
    0.65x at d = 32 for n = 2000, 1.7x at d = 24 for n = 5000, 2.6x at d = 24
    for n = 20000. Uniform data is the worst case. A safe "auto" rule from
    these numbers: the KD-tree when d <= 8, or d <= 12 and n >= 5000 (and, from
    later measurements, n >= 800 for d <= 4, n >= 2000 for d <= 8, n >= 20000
    for d = 9-12: _linkage_vector._kdtree_pays_off); beyond
    that the two are within noise of each other up to d ~ 16-24. Memory
    decides too: the O(n^2) path stores n(n-1)/2 doubles, the KD-tree O(n d).
    Where the condensed matrix does not fit and d is high, the alternative is
    Prim on the fly (O(n^2) time, O(n d) memory): in high d the tree prunes
    little and approaches O(n^2) distance evaluations with more overhead.

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust._kdtree_single import kdtree_single_linkage
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 2.0]])
    >>> kdtree_single_linkage(X)
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 5., 4.]])
    """
    a, b, h, pa, pb, perm = _mst(X, workers, leaf_size, first_k, "auto")
    n = h.shape[0] + 1
    Z = np.empty((n - 1, 4), dtype=np.float64)
    if n > 1:
        from ._kdtree import tree_linkage

        # Kruskal order (height, a, b) as in _linkage.py; (a, b) -> condensed offset is
        # increasing, so sort by offset, then stably by height (faster than a 3-key lexsort)
        offset = a * (2 * n - a - 1) // 2 + (b - a - 1)
        by_offset = np.argsort(offset)
        order = by_offset[np.argsort(h[by_offset], kind="stable")]
        tree_linkage(pa, pb, h, order, perm, Z)
    return Z


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be a positive integer; got {value!r}.")
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer; got {value!r}.")
    return int(value)
