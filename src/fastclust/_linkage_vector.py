"""linkage_vector(): clustering of observation vectors in Theta(n*d) memory.

validate -> dispatch -> kernel, as linkage() does; the kernels are in _vector.pyx.
"""
from __future__ import annotations

import math

import numpy as np

from ._distance import METRICS, _prepare, as_observations, check_metric
from ._methods import CENTROID, MEDIAN, WARD
from ._relabel import ORDER_AS_MADE, ORDER_GREEDY, ORDER_KRUSKAL, linkage_from_merges
from ._validation import (NonFiniteError, check_method, check_n, raise_for_status,
                          resolve_workers, square_safe_scale)

__all__ = ["linkage_vector"]

# Methods with an exact Theta(n*d)-memory algorithm.
VECTOR_METHODS = ("single", "ward", "centroid", "median")
ALGORITHMS = ("auto", "prim", "kdtree")
# fastcluster's spellings that mean something else than fastclust.pdist's name.
# 'matching' (alias 'sokalmichener') is fastcluster's Hamming distance on the
# Boolean conversion of X.
_BOOLEAN_HAMMING = ("matching", "sokalmichener")
STATUS_NOT_FINITE = 3     # _vector.pyx
# Metrics with vectorised Prim rows (unweighted): _vector_kernels.h FC_ROW_* and cosine
# (correlation too: it is the cosine of the centred rows).
_ROW_CODES = tuple(METRICS[m].code for m in ("euclidean", "sqeuclidean", "cityblock",
                                             "chebyshev", "cosine"))


def linkage_vector(X, method="single", metric="euclidean", extraarg=None, *,
                   workers=None, algorithm="auto"):
    """Hierarchical clustering of observation vectors without a distance matrix.

    A drop-in for :func:`fastcluster.linkage_vector`: the same arguments in
    the same order, the same output, and memory that grows with the data,
    Theta(n*d), not with the n^2 pairs.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Observations, one per row. For 'single' with the Prim path a
        float32 array is used as it is (no float64 copy); the KD-tree path
        and the centroid methods work on float64 copies (n*d doubles). Other
        input is converted to float64. Must be finite.
    method : {'single', 'ward', 'centroid', 'median'}, default='single'
        Distance between clusters, as in :func:`linkage`. 'complete',
        'average' and 'weighted' have no exact method in Theta(n*d) memory and
        raise ValueError; use :func:`linkage` for them.
    metric : str or callable, default='euclidean'
        For 'single': any metric of :func:`pdist` or its aliases (including
        fastcluster's 'chebychev'), fastcluster's 'matching' and
        'sokalmichener' (the Hamming distance of the Boolean conversion of
        `X`), or a callable ``metric(u, v) -> float`` (called in Python on
        every pair: slow). 'ward', 'centroid' and 'median' require
        'euclidean'. As in fastcluster, 'jaccard', 'dice' and 'sokalsneath'
        put two all-zero rows at distance 0 (identical vectors), where
        :func:`pdist` keeps SciPy's values (0, NaN and an error).
    extraarg : optional
        The metric's parameter, as in fastcluster: the exponent ``p`` of
        'minkowski' (``numpy.inf`` gives 'chebyshev'), the variances ``V``
        (shape (d,)) of 'seuclidean', the inverse covariance ``VI`` (shape
        (d, d)) of 'mahalanobis'. Defaults as in :func:`pdist`: p = 2, the
        column variances of `X` (ddof=1), the inverse covariance of `X`.
    workers : int, optional
        Threads for the distance evaluations; None or -1 means all available
        CPUs. Only steps worth about a millisecond or more are shared (an
        expensive metric, large d, or the first pass of 'centroid' and
        'median'); the result does not depend on `workers`.
    algorithm : {'auto', 'prim', 'kdtree'}, default='auto'
        For 'single': 'prim' computes the n^2/2 distances on the fly (any
        metric); 'kdtree' builds the Euclidean minimum spanning tree with a
        KD-tree (metric='euclidean' only), in about O(n log n) time for
        low-dimensional data. 'auto' picks 'kdtree' for Euclidean data with
        d <= 4 and n >= 800, d <= 8 and n >= 2000, or d <= 12 and n >= 20000,
        else 'prim'. Both give the same Z.
        Other methods accept only 'auto'.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        The linkage matrix, float64, as returned by :func:`linkage`.

    Raises
    ------
    NonFiniteError
        Both a ValueError (SciPy's contract) and a FloatingPointError
        (fastcluster's): for NaN or infinite entries of `X`, or a distance
        that comes out NaN or infinite (see below).
    ValueError
        If `X` is not 2-D, has NaN or infinite entries or fewer than 2 rows;
        for an unknown or unsupported method or metric (including a
        non-Euclidean metric with 'ward', 'centroid' or 'median'), an
        `extraarg` of the wrong shape or for a metric that takes none, or a
        distance that comes out NaN or infinite (e.g. 'cosine' of a zero row,
        'sqeuclidean' of coordinates near 1e154). Coordinates whose squares
        could overflow are not an error: the vectorised single-linkage kernels
        and the KD-tree work on X times the largest power of two that avoids
        it (an exact scaling, undone on the heights: the same bits), and
        'ward', 'centroid', 'median' scale coordinates beyond 2**±400 by a
        power of two as :func:`linkage` does.
    TypeError
        For complex or non-numeric input.
    KeyboardInterrupt
        On Ctrl-C; the kernels check for it every few tens of milliseconds.

    See Also
    --------
    linkage : the same clustering from a condensed matrix or from observations
        (all seven methods, Theta(n^2) memory).
    pdist : the distances that 'single' uses, with the same bits.

    Notes
    -----
    Algorithms (Muellner 2011, section 4 for the vector versions):

    - single: Prim's algorithm, computing each distance when needed with the
      code of :func:`pdist` (for 'euclidean', 'sqeuclidean', 'cityblock',
      'chebyshev', 'cosine' and 'correlation', a vectorised loop that performs
      the same operations in the same order). Time Theta(n^2 d); memory O(n)
      besides `X`, plus an (n, d) copy of `X`'s type for the vectorised
      metrics (and a centred float64 copy for 'correlation'). Every distance
      has the same bits as in ``pdist(X, metric)``, and edges are ordered by
      (distance, pair) exactly as in :func:`linkage`, so Z equals
      ``linkage(pdist(X, metric), 'single')`` even with ties.
      With 'kdtree' (Euclidean): Boruvka rounds whose lightest outgoing edges
      come from nearest-neighbour queries in a KD-tree, with box bounds that
      are exact under rounding; the same Z, bit for bit. Memory O(n d).
    - ward: the nearest-neighbour chain on cluster centroids and sizes; the
      Ward distance of clusters A and B is
      ``sqrt(2 |A| |B| / (|A| + |B|)) * ||c_A - c_B||``. Time O(n^2 d).
    - centroid, median: the generic algorithm (a heap of nearest-neighbour
      candidates) on centroids; 'median' merges to the midpoint of the two
      centroids (WPGMC). Time O(n^2 d) in practice. Heights may decrease
      (inversions); rows of Z are in merge order, as in :func:`linkage`.

    'ward', 'centroid' and 'median' work on a transposed float64 copy of `X`
    (n*d doubles) that holds the centroids. Their heights come from centroids rather
    than from Lance-Williams updates of a distance matrix, so they agree with
    :func:`linkage` to rounding (about 1e-12 relative for float64 data), and
    the merges are the same when no two candidate distances are that close.
    float32 data gives exactly the float64 result of its values (the
    centroids are kept in float64: in float32 they lost the tree on data far
    from the origin). Ties: 'ward' orders pairs of clusters by (distance,
    smaller slot, larger slot) like :func:`linkage`, so the trees agree on
    tied data too, except where two distances that are equal in exact
    arithmetic come out of the centroids and of Lance-Williams updates with
    different last bits (random points on a 5 x 5 grid: 8 % of the cases,
    ``bench/tie_agreement.py``); ``fastclust.distributed.linkage(X, 'ward')`` gives this function's
    Z bit for bit. 'centroid' keeps its own heap order and can pick a
    different one of several equal merges than :func:`linkage`.

    References
    ----------
    .. [1] D. Muellner, "Modern hierarchical, agglomerative clustering
       algorithms", arXiv:1109.2378, 2011.
    .. [2] D. Muellner, "fastcluster: Fast Hierarchical, Agglomerative
       Clustering Routines for R and Python", Journal of Statistical
       Software 53(9), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [5.0, 2.0]])
    >>> fastclust.linkage_vector(X)
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 4., 4.]])
    >>> fastclust.linkage_vector(X, "ward")[-1]
    array([4.        , 5.        , 6.51920241, 4.        ])
    >>> fastclust.linkage_vector(X, "single", "minkowski", 1)[:, 2]
    array([1., 2., 4.])
    """
    spec = check_method(method)
    if spec.name not in VECTOR_METHODS:
        raise ValueError(
            f"`method={spec.name!r}` has no exact algorithm in Theta(n*d) memory: its cluster "
            f"distances cannot be updated from centroids or from the observations, so it needs "
            f"the full distance matrix; use fastclust.linkage(X, {spec.name!r}) instead "
            f"(Theta(n^2) memory). linkage_vector supports 'single', 'ward', 'centroid' and "
            f"'median'.")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"`algorithm` must be one of 'auto', 'prim', 'kdtree'; got {algorithm!r}.")
    if spec.name != "single" and algorithm != "auto":
        raise ValueError(f"`algorithm={algorithm!r}` applies only to method='single'; "
                         f"method={spec.name!r} takes algorithm='auto'.")
    if callable(metric):
        if spec.name != "single":
            raise ValueError(f"`method={spec.name!r}` requires metric='euclidean'; "
                             f"got a callable metric.")
        if extraarg is not None:
            raise ValueError("`extraarg` must be None with a callable metric; got "
                             f"{_short(extraarg)}.")
        return _single_callable(X, metric)
    if not isinstance(metric, str):
        raise ValueError(f"`metric` must be a string or a callable; got {metric!r}.")
    boolean_hamming = metric.lower() in _BOOLEAN_HAMMING
    name = "hamming" if boolean_hamming else check_metric(metric)
    if spec.name != "single" and name != "euclidean":
        raise ValueError(f"`method={spec.name!r}` requires metric='euclidean' (it works on "
                         f"cluster centroids); got metric={metric!r}.")
    X = as_observations(X, "X", keep_float32=True)
    n, d = X.shape
    check_n(n, "X")
    if spec.name == "single":
        if algorithm == "kdtree" or (algorithm == "auto" and _kdtree_pays_off(name, extraarg,
                                                                               n, d)):
            return _kdtree_single(X, name, extraarg, workers)
        if boolean_hamming or METRICS[name].boolean:
            # fastcluster converts X to bool for these; float32 holds 0 and 1 exactly
            X = (X != 0).astype(np.float32)
            if name in _ZERO_ROWS_IDENTICAL:
                return _single_with_zero_rows_identical(X, name, extraarg, workers)
        return _single_prim(X, name, extraarg, workers)
    if extraarg is not None:
        raise ValueError(f"`extraarg` must be None for metric='euclidean'; got {_short(extraarg)}.")
    return _centroid_linkage(X, spec, workers)


def _centroid_linkage(X, spec, workers):
    """Z of ward, centroid or median by the centroid algorithms; X passed as_observations."""
    # the centroid workspace (d, n), always float64: float32 centroids lose the tree
    # on offset data (coordinates ~1e5 gave heights 17% off)
    CT = np.ascontiguousarray(X.T, dtype=np.float64)
    if np.shares_memory(CT, X):
        CT = CT.copy()
    # as linkage: coordinates far from 1 are scaled by a power of two (exact), so that
    # squared distances neither overflow nor underflow; the heights are unscaled after
    scale = square_safe_scale(float(np.max(np.abs(CT)))) if CT.size else 1.0
    if scale != 1.0:
        CT *= scale
    Z = _centroid_methods(CT, spec, resolve_workers(workers))
    if scale != 1.0:
        Z[:, 2] /= scale
    return Z


def _centroids_pay_off(n, d) -> bool:
    """'auto' for ward, centroid and median on Euclidean observations in linkage().

    The centroid algorithms (Theta(n^2 d) time, Theta(n d) memory) against
    pdist + the matrix kernel, measured with bench/dispatch_crossover.py: at
    n = 5000 and 10000 they took 0.15-0.4x the matrix path's time for
    d <= 16, 0.55-0.67x at d = 24 and 0.8-1.04x at d = 32; at n = 1000,
    0.44-0.9x for d <= 10 and 0.9-1.3x at d = 16; at n = 300 and 600 (d = 5)
    0.5-0.9x; at n = 100 they break even.
    """
    return (n >= 200 and d <= 10) or (n >= 4000 and d <= 24)


def _kdtree_pays_off(name, extraarg, n, d) -> bool:
    """'auto' for single linkage: the KD-tree where it beat the O(n^2) paths when measured.

    bench/compare_lowdim.py --crossover (uniform data, the worst case; clustered
    data favours the tree up to d ~ 24) against linkage(X, 'single'), itself
    faster than Prim on the fly. Small inputs stay on the O(n^2) paths: the
    tree's fixed cost (~100 us) and its O(n log n) passes lost to both of them
    on clustered data below n ~ 600-1000 for d <= 4 and ~1500-2000 for d <= 8.
    """
    if name != "euclidean" or extraarg is not None:
        return False
    if d <= 4:
        return n >= 800
    # d = 9-12: Prim on the fly took 0.25-0.5x the tree's time up to n = 10^4
    # (bench/dispatch_crossover.py --single); the tree wins on clustered data
    # at n = 2 10^4 (0.16 s against 0.37 s)
    return (d <= 8 and n >= 2000) or (d <= 12 and n >= 20000)


def _prim_pays_off(n, d) -> bool:
    """'auto' for single linkage of Euclidean observations in linkage(), where
    the KD-tree does not pay off: Prim on the fly (Theta(n^2 d) time, O(n d)
    memory, the same Z bit for bit) against pdist + the matrix kernel. Measured
    (bench/dispatch_crossover.py --single, blobs): 0.23-0.75x the matrix
    path's time at d = 10 for n >= 1000, 0.8-1.15x at d = 20, 0.86-1.9x at
    d >= 32; even at n = 300.
    """
    return n >= 1000 and d <= 12


def _kdtree_single(X, name, extraarg, workers):
    """The KD-tree (Boruvka) minimum spanning tree for low-dimensional Euclidean data."""
    if name != "euclidean":
        raise ValueError(f"`algorithm='kdtree'` requires metric='euclidean'; got metric={name!r}.")
    if extraarg is not None:
        raise ValueError(f"`extraarg` must be None for metric='euclidean'; got {_short(extraarg)}.")
    from ._kdtree_single import kdtree_single_linkage

    scale = _overflow_scale(X)     # the same rule as Prim's Euclidean kernel
    if scale == 1.0:
        return kdtree_single_linkage(X, workers=workers)
    Z = kdtree_single_linkage(X * scale, workers=workers)
    Z[:, 2] /= scale               # exact: Euclidean distances scale with X
    return Z


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _metric_kwargs(name: str, extraarg, d: int) -> dict:
    """pdist's keyword arguments from fastcluster's `extraarg`, with shape checks."""
    if name == "minkowski":
        if extraarg is None:
            return {}
        try:
            p = float(extraarg)
        except (TypeError, ValueError):
            raise ValueError(f"`extraarg` must be a number (the Minkowski exponent p) for "
                             f"metric='minkowski'; got {_short(extraarg)}.") from None
        return {"p": p}
    if name == "seuclidean":
        if extraarg is None:
            return {}
        V = np.asarray(extraarg)
        if V.shape != (d,):
            raise ValueError(f"`extraarg` (the variances V of 'seuclidean') must be a 1-D array "
                             f"of length {d}; got shape {V.shape}.")
        return {"V": V}
    if name == "mahalanobis":
        if extraarg is None:
            return {}
        VI = np.asarray(extraarg)
        if VI.shape != (d, d):
            raise ValueError(f"`extraarg` (the inverse covariance VI of 'mahalanobis') must be "
                             f"a ({d}, {d}) matrix; got shape {VI.shape}.")
        return {"VI": VI}
    if extraarg is not None:
        raise ValueError(f"`extraarg` must be None for metric={name!r}; only 'minkowski' (p), "
                         f"'seuclidean' (V) and 'mahalanobis' (VI) take one; got "
                         f"{_short(extraarg)}.")
    return {}


def _single_prim(X, name: str, extraarg, workers):
    return _tree_to_Z(*_prim_edges(X, name, extraarg, workers), X.shape[0])


def _prim_edges(X, name: str, extraarg, workers):
    """The minimum spanning tree's edges (lengths, i, j) by Prim on the fly."""
    from ._metrics import row_norms
    from ._vector import prim_linkage, prim_rows_linkage

    n, d = X.shape
    kwargs = _metric_kwargs(name, extraarg, d)
    if name == "minkowski" and kwargs.get("p") == math.inf:
        name, kwargs = "chebyshev", {}
    code, p, (X,), args = _prepare(name, [(X, "X")], kwargs)
    edge_d = np.empty(n - 1)
    edge_i = np.empty(n - 1, dtype=np.intp)
    edge_j = np.empty(n - 1, dtype=np.intp)
    if code in _ROW_CODES and not args:
        # the vectorised path: a transposed (d, n) workspace of X's type
        squared = code in (METRICS["euclidean"].code, METRICS["sqeuclidean"].code,
                           METRICS["cosine"].code)
        scale = _overflow_scale(X, squared=squared,
                                terms=1 if code == METRICS["chebyshev"].code else X.shape[1])
        # where a distance could overflow (so pdist(X) would fail): X * 2^k, exact;
        # cosine does not change, sqeuclidean scales with the square
        times = {METRICS["cosine"].code: 0, METRICS["sqeuclidean"].code: 2}.get(code, 1)
        if scale != 1.0:
            X = X * scale
        norms = row_norms(X, code, np.empty(0))
        if code == METRICS["cosine"].code and not norms.all():
            i = int(np.flatnonzero(norms == 0)[0])
            raise NonFiniteError(_not_finite_message(name, *((0, 1) if i == 0 else (0, i))))
        XT = np.empty((d, n), dtype=X.dtype)
        status = prim_rows_linkage(X, XT, code, norms, edge_d, edge_i, edge_j,
                                   resolve_workers(workers), progress=_merge_counters())
        raise_for_status(status, "linkage_vector single")
        with np.errstate(over="ignore"):       # an overflow is reported just below
            for _ in range(times if scale != 1.0 else 0):
                edge_d /= scale                # exact: a power of two (twice, not by
                                               # scale^2, which can underflow)
        if not np.isfinite(edge_d).all():
            largest = float(np.max(np.abs(X / scale)))
            raise NonFiniteError(f"`X` has entries up to {largest:.3g} in magnitude: its "
                                 f"{name} distances overflow float64.")
        return edge_d, edge_i, edge_j
    norms = row_norms(X, code, args.get("w", np.empty(0)))
    bad = np.full(2, -1, dtype=np.intp)
    status = prim_linkage(X, code, p, norms, edge_d, edge_i, edge_j, bad,
                          resolve_workers(workers), progress=_merge_counters(), **args)
    if status == STATUS_NOT_FINITE:
        raise NonFiniteError(_not_finite_message(name, int(bad[0]), int(bad[1])))
    raise_for_status(status, "linkage_vector single")
    return edge_d, edge_i, edge_j


def _merge_counters():
    """Progress counters for a display (fastclust._progress), or None (no display)."""
    from ._progress import STAGE_MERGES, current

    return current(STAGE_MERGES, 0)


def _not_finite_message(name: str, i: int, j: int) -> str:
    return (f"The {name} distance between observations {i} and {j} of `X` is NaN or "
            f"infinite; single linkage needs finite distances (the cosine and correlation "
            f"distances are undefined for a zero or constant row).")


# Metrics that pdist (like SciPy) leaves undefined (NaN, or an error) between two
# all-zero rows, and that fastcluster's linkage_vector defines as 0 there:
# identical vectors.
_ZERO_ROWS_IDENTICAL = ("jaccard", "dice", "sokalsneath")


def _single_with_zero_rows_identical(X, name: str, extraarg, workers):
    """Single linkage of Boolean rows where two all-zero rows are at distance 0.

    Between a zero row and any other row these metrics are defined (1), so the
    zero rows after the first are left out of Prim and joined to the first by
    edges of length 0: the spanning tree Kruskal's (distance, i, j) order picks,
    since the first zero row wins every tie against the others.
    """
    zero = np.flatnonzero(~X.any(axis=1))
    n = X.shape[0]
    if zero.size < 2:
        return _single_prim(X, name, extraarg, workers)
    keep = np.ones(n, dtype=bool)
    keep[zero[1:]] = False
    kept = np.flatnonzero(keep)
    edge_d = np.zeros(n - 1)
    edge_i = np.empty(n - 1, dtype=np.intp)
    edge_j = np.empty(n - 1, dtype=np.intp)
    star = zero.size - 1
    edge_i[:star], edge_j[:star] = zero[0], zero[1:]
    if kept.size > 1:
        # kept is increasing, so the edges' (i, j) order survives the renumbering
        d, i, j = _prim_edges(np.ascontiguousarray(X[kept]), name, extraarg, workers)
        edge_d[star:], edge_i[star:], edge_j[star:] = d, kept[i], kept[j]
    return _tree_to_Z(edge_d, edge_i, edge_j, n)


def _tree_to_Z(edge_d, edge_i, edge_j, n):
    """Z from spanning-tree edges, exactly as linkage() does for single."""
    Z = np.empty((n - 1, 4), dtype=np.float64)
    linkage_from_merges(edge_i, edge_j, edge_d, n, ORDER_KRUSKAL, Z)
    return Z


def _single_callable(X, metric):
    """Prim with a Python metric: metric(X[i], X[j]) for i < j, as pdist calls it."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"`X` must be a 2-D array of observations; got {X.ndim} dimension(s).")
    n = X.shape[0]
    check_n(n, "X")
    key_d = np.full(n, np.inf)
    key_u = np.full(n, -1, dtype=np.intp)
    in_tree = np.zeros(n, dtype=bool)
    edge_d = np.empty(n - 1)
    edge_i = np.empty(n - 1, dtype=np.intp)
    edge_j = np.empty(n - 1, dtype=np.intp)
    u = 0
    in_tree[0] = True
    for step in range(n - 1):
        for v in np.flatnonzero(~in_tree):
            a, b = (u, v) if u < v else (v, u)
            dist = float(metric(X[a], X[b]))
            if not math.isfinite(dist):
                raise ValueError(f"The metric returned {dist} for observations {a} and {b} of "
                                 f"`X`; single linkage needs finite distances.")
            # (distance, condensed offset) order; offsets grow with (a, b)
            if dist < key_d[v] or (dist == key_d[v] and (a, b) < _pair(key_u[v], v)):
                key_d[v] = dist
                key_u[v] = u
        rest = np.flatnonzero(~in_tree)
        best = min(rest, key=lambda v: (key_d[v], _pair(key_u[v], v)))
        edge_d[step] = key_d[best]
        edge_i[step], edge_j[step] = _pair(key_u[best], best)
        in_tree[best] = True
        u = best
    return _tree_to_Z(edge_d, edge_i, edge_j, n)


def _pair(a, b):
    return (a, b) if a < b else (b, a)


def _overflow_scale(X, squared: bool = True, terms: int | None = None) -> float:
    """1.0, or the largest power of two s with max |X| s below the overflow guard.

    The vectorised kernels do not check each distance (a sum of `terms`
    |differences|, squared or not), so where one could overflow float64 they
    run on X * s instead. The smallest scaling that suffices (a factor 1/2 to
    1/4 past the guard) keeps small differences far from the subnormal range:
    scaling all the way to [0.5, 1) sent squared differences below ~2 into the
    subnormal range.
    """
    biggest = float(np.max(np.abs(X))) if X.size else 0.0
    terms = X.shape[1] if terms is None else terms
    big = np.finfo(np.float64).max
    limit = math.sqrt(big / (4.0 * terms)) if squared else big / (2.0 * terms)
    if biggest < limit:
        return 1.0
    return math.ldexp(1.0, -math.frexp(biggest / limit)[1])


def _centroid_methods(C, spec, workers: int):
    from ._vector import centroid_linkage

    n = C.shape[1]
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    status = centroid_linkage(C, spec.code, a, b, h, workers, progress=_merge_counters())
    raise_for_status(status, f"linkage_vector {spec.name}")
    if spec.code == WARD:
        order = ORDER_GREEDY                   # the greedy order, children first
    else:
        assert spec.code in (CENTROID, MEDIAN)
        order = ORDER_AS_MADE                  # inversions: keep the merge order
    Z = np.empty((n - 1, 4), dtype=np.float64)
    linkage_from_merges(a, b, h, n, order, Z)
    return Z
