"""linkage() and the one-word method shortcuts: validate -> dispatch -> kernel."""
from __future__ import annotations

import math

import numpy as np

from ._checks import finite_range
from ._distance import (_pdist_checked, as_observations, check_metric, condensed_from_square,
                        pdist)
from ._generic import generic_linkage
from ._linkage_vector import (_centroid_linkage, _centroids_pay_off, _kdtree_pays_off,
                              _kdtree_single, _overflow_scale, _prim_pays_off, _single_prim)
from ._methods import MethodSpec
from ._mst import mst_linkage
from ._nn_chain import nn_chain_linkage, nn_chain_square_linkage
from ._progress import STAGE_MERGES, current
from ._relabel import ORDER_AS_MADE, ORDER_GREEDY, ORDER_KRUSKAL, linkage_from_merges
from ._validation import (NonFiniteError, as_float_array, available_memory, check_finite, check_memory,
                          check_method, check_n, square_safe_scale,
                          num_obs_condensed, raise_for_status, resolve_workers,
                          warn_if_square_distance_matrix)

__all__ = ["linkage", "single", "complete", "average", "weighted", "ward", "centroid", "median"]


LAYOUTS = ("auto", "square", "condensed")

# 'auto' takes the square layout from this n on: below it the condensed kernel
# is as fast and needs half the memory.
SQUARE_MIN_N = 3000

# 'auto' takes the square layout only while it fits in this share of the
# memory available now.
SQUARE_MEMORY_SHARE = 0.8


def linkage(y, method="single", metric="euclidean", optimal_ordering=False, *,
            preserve_input=True, workers=None, algorithm="auto", layout="auto"):
    """Hierarchical, agglomerative clustering: SciPy's linkage matrix from distances or points.

    A drop-in for :func:`scipy.cluster.hierarchy.linkage` and
    :func:`fastcluster.linkage`, with the same arguments and the same output.

    Parameters
    ----------
    y : array_like of shape (n * (n - 1) // 2,) or (n, d)
        A condensed distance matrix (the upper triangle, row by row, as returned
        by :func:`pdist`), or n observations in d dimensions. Integer input
        is converted to float64, and so is float32 input, except a float32
        condensed matrix for 'single', which is read as it is (no n^2 copy;
        the same Z as its float64 conversion). Must be finite and, as
        distances, non-negative.
    method : {'single', 'complete', 'average', 'weighted', 'ward', 'centroid', \
'median'}, default='single'
        Distance between clusters; the formulas are SciPy's. 'ward',
        'centroid' and 'median' assume Euclidean distances.
    metric : str or callable, default='euclidean'
        Used only when `y` holds observations: any metric of :func:`pdist`
        (with its default arguments) or a callable ``metric(u, v) -> float``,
        or 'precomputed' when `y` is a square symmetric distance matrix.
    optimal_ordering : bool, default=False
        Then flip merges so that the sum of distances between neighbouring
        leaves is minimal (:func:`optimal_leaf_ordering`, O(n^3) time, n^2
        doubles of memory). Heights and clusters do not change. Implies
        ``preserve_input=True``.
    preserve_input : bool, default=True
        If False and `y` is a writable, C-contiguous float64 condensed matrix,
        the kernels use `y` itself as their workspace and allocate no second
        n^2 buffer; `y` then holds unspecified values afterwards (for 'ward',
        'centroid' and 'median', partly squared distances). Single linkage
        never writes its input. Other input is converted into a private copy
        either way.
    workers : int, optional
        Threads for the kernels; None or -1 means all available CPUs (or
        ``OMP_NUM_THREADS``). Single linkage shares each pass over the matrix,
        distances from observations are computed in parallel, and so is the
        n x n matrix of layout='square' (from n = 4096); the merge steps of
        the other methods run on one thread (they are too short to share
        robustly). The result does not depend on `workers`.
    algorithm : {'auto', 'matrix', 'kdtree', 'centroids'}, default='auto'
        How Z is computed from observations with the Euclidean metric.
        'matrix' computes the distances and runs the matrix kernel (the only
        path for condensed input, other metrics and the other methods).
        For single linkage, 'kdtree' builds the minimum spanning tree with a
        KD-tree (Boruvka), in O(n log n)-ish time and O(n d) memory, and
        'prim' runs Prim's algorithm computing each distance when needed
        (Theta(n^2 d) time, O(n d) memory), both the same Z bit for bit;
        'auto' takes the KD-tree where it was measured faster (d <= 4 and
        n >= 800, d <= 8 and n >= 2000, or d <= 12 and n >= 20000), else
        Prim for n >= 1000 and d <= 12, else the matrix. For
        'ward', 'centroid' and 'median', 'centroids' runs the algorithms of
        :func:`linkage_vector` on cluster centroids and sizes: Theta(n^2 d)
        time, Theta(n d) memory, no n^2 array at any point; the same merges
        as the matrix path on tie-free data, heights equal to rounding (the
        formulas differ), and ties broken by the same rule up to that
        rounding. 'auto' takes it where it was measured faster: n >= 200
        and d <= 10, or n >= 4000 and d <= 24.

    layout : {'auto', 'square', 'condensed'}, default='auto'
        The working layout of the complete, average, weighted and ward
        kernels; both give the same Z bit for bit. 'condensed' works in a
        copy of the condensed matrix (n^2 / 2 doubles), or inside `y` itself
        with ``preserve_input=False``. 'square' builds an n x n matrix (n^2
        doubles, what fastcluster's two copies take) whose rows the kernel
        only ever walks front to back, which is about twice as fast at large
        n; `y` is only read. 'auto' takes 'square' where a working copy is
        needed anyway (``preserve_input=True``, or observations as input),
        for n >= 3000, while the n x n matrix fits in 80% of the memory
        available now; 'condensed' otherwise. Other methods accept 'auto'
        and 'condensed'. A layout other than 'auto' also means the matrix
        path when `algorithm` is 'auto'.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        Row s merges clusters ``Z[s, 0]`` and ``Z[s, 1]`` (smaller id first) at
        height ``Z[s, 2]`` into a cluster of ``Z[s, 3]`` observations, which
        gets id n + s. Observations have ids 0 .. n-1.

    Raises
    ------
    NonFiniteError
        For NaN or infinite input or distances: both a ValueError (SciPy's
        contract) and a FloatingPointError (fastcluster's).
    ValueError
        For a wrong length or shape, NaN, infinite or negative distances, fewer
        than 2 observations, an unknown method or metric, or 'ward' /
        'centroid' / 'median' with a non-Euclidean metric.
    TypeError
        For complex or non-numeric input.
    MemoryError
        When the distance matrix cannot fit in this machine's memory.
    KeyboardInterrupt
        On Ctrl-C; the kernels check for it about every 50 ms.

    See Also
    --------
    pdist : pairwise distances of observations.

    Notes
    -----
    Algorithms (Muellner 2011):

    - single: minimum spanning tree; up to n = 1024 by Prim on the condensed
      matrix (one thread, O(n^2)), above by Boruvka rounds, each a sequential
      pass over the condensed matrix, finished on a small contracted matrix;
      O(n^2 log n) worst case, a handful of passes in practice; O(n) extra memory.
    - complete, average, weighted, ward: nearest-neighbour chain with
      Lance-Williams updates; O(n^2) time. On the square layout (see
      `layout`) a merge rewrites one row, and every other row replays the
      merges it has missed when it is next read, so no column of the matrix
      is ever read or written; rows of dead clusters are squeezed out
      whenever half of the rows are dead.
    - centroid, median: Muellner's generic algorithm with a heap of
      nearest-neighbour candidates; O(n^3) worst case, about O(n^2) in
      practice. Merge heights may decrease (inversions): rows of Z are then
      in merge order, exactly like SciPy's.

    Ties. Without tied distances Z equals SciPy's row for row. With ties
    every method follows a fixed rule, so Z is reproducible and does not
    depend on `workers`:

    - single: Kruskal's order on the edges sorted by (distance, smaller
      observation, larger observation); the spanning tree is the unique
      minimum under that order.
    - complete, average, weighted, ward: pairs of clusters are ordered by
      (distance, smaller slot, larger slot), a cluster's slot being its
      smallest observation. In exact arithmetic the merges are those of the
      greedy algorithm that always merges the least pair under this order,
      and Z lists them in that order, wherever the chain started. Rounding
      can break the reducibility these methods rely on by an ulp (distances
      equal but for their last bits): the chain may then take another of
      the nearly equal merges, and a parent merge whose height came out
      equal to, or an ulp below, its child's is listed after the child with
      the child's height, so that Z is always a monotone tree. Complete
      linkage only takes maxima and is not affected.
      `linkage_vector` (ward) and `fastclust.distributed.linkage` follow the
      same rule, so their trees agree with this one on tied data too, up to
      rounding: complete linkage always agrees bit for bit; for the others,
      two distances that are equal in exact arithmetic but computed along
      different paths can differ in the last bit, and such a tie may then be
      broken the other way. SciPy's chain prefers its previous element on
      ties and can return another of the equally valid trees.
    - centroid, median: the pair with the smallest (lower bound, slot) in the
      heap, the lowest slot within a row (the merged cluster keeps the larger
      slot).

    References
    ----------
    .. [1] D. Muellner, "Modern hierarchical, agglomerative clustering
       algorithms", arXiv:1109.2378, 2011.
    .. [2] F. Murtagh, "Multidimensional Clustering Algorithms", 1985.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> X = np.array([[0.0], [1.0], [5.0], [7.0]])
    >>> fastclust.linkage(X, "single")
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 4., 4.]])
    >>> y = fastclust.pdist(X)
    >>> fastclust.linkage(y, "average")[-1]
    array([4. , 5. , 5.5, 4. ])
    """
    spec = check_method(method)
    if not isinstance(optimal_ordering, (bool, np.bool_)):
        raise TypeError(f"optimal_ordering must be True or False, got {optimal_ordering!r}")
    if optimal_ordering and not preserve_input:
        # the ordering needs the distances after the kernel has used them as workspace
        preserve_input = True
    if algorithm not in ("auto", "matrix", "kdtree", "prim", "centroids"):
        raise ValueError(f"`algorithm` must be one of 'auto', 'matrix', 'kdtree', 'prim', "
                         f"'centroids'; got {algorithm!r}.")
    if layout not in LAYOUTS:
        raise ValueError(f"`layout` must be one of 'auto', 'square', 'condensed'; "
                         f"got {layout!r}.")
    if layout == "square" and spec.algorithm != "nn_chain":
        raise ValueError(f"`layout='square'` applies to the methods 'complete', 'average', "
                         f"'weighted' and 'ward'; got method={spec.name!r}.")
    if algorithm != "matrix" and not (algorithm == "auto" and layout != "auto"):
        Z = _single_without_matrix(y, spec, metric, algorithm, workers)
        if Z is None:
            Z = _by_centroids(y, spec, metric, algorithm, workers)
        if Z is not None:
            if optimal_ordering and Z.shape[0] > 1:
                from ._ordering import optimal_leaf_ordering
                Z = optimal_leaf_ordering(Z, y, workers=workers)
            return Z
    dists, n, squared, scale = _working_condensed(y, spec, metric, preserve_input, workers,
                                                  float32_ok=spec.algorithm == "mst",
                                                  layout=layout,
                                                  keep_source=optimal_ordering)
    Z = np.empty((n - 1, 4), dtype=np.float64)
    if optimal_ordering and n > 2:
        original = _original_distances(y, dists, spec, squared)
    _run_kernel(spec, dists, n, squared, Z, resolve_workers(workers, n * (n - 1) // 2), scale)
    if optimal_ordering and n > 2:
        from ._ordering import optimal_leaf_ordering
        Z = optimal_leaf_ordering(Z, original, workers=workers)
    return Z


def _euclidean_observations(y, metric):
    """(y as a float array, None) when `y` holds observations and `metric` is
    Euclidean, the condition of the O(n d)-memory paths; else (None, why not)."""
    if callable(metric) or not isinstance(metric, str):
        return None, "got a callable metric"
    if metric.lower() == "precomputed" or check_metric(metric) != "euclidean":
        return None, f"got metric={metric!r}"
    if isinstance(y, np.ndarray) and y.ndim != 2:
        return None, "got a condensed distance matrix"     # before any conversion
    arr = as_float_array(y, "y")
    if arr.ndim != 2:
        return None, "got a condensed distance matrix"
    return arr, None


def _single_without_matrix(y, spec: MethodSpec, metric, algorithm: str, workers):
    """Z of single linkage by the KD-tree MST or by Prim on the fly, where it
    applies and pays off (or is asked for), else None."""
    def not_applicable(why):
        if algorithm in ("kdtree", "prim"):
            raise ValueError(f"`algorithm={algorithm!r}` needs method='single' on observations "
                             f"with metric='euclidean'; {why}.")
        return None

    if spec.name != "single":
        return not_applicable(f"got method={spec.name!r}")
    arr, why = _euclidean_observations(y, metric)
    if arr is None:
        return not_applicable(why)
    chosen = algorithm
    if algorithm == "auto":
        if _kdtree_pays_off("euclidean", None, *arr.shape):
            chosen = "kdtree"
        elif _prim_pays_off(*arr.shape):
            chosen = "prim"
        else:
            return None              # the matrix path checks X itself
    X = as_observations(arr, "y")
    check_n(X.shape[0])
    if algorithm == "auto":
        # where the KD-tree or Prim would rescale X (their overflow guard is
        # stricter than pdist's), 'auto' keeps the matrix path's behaviour,
        # errors included
        if _overflow_scale(X) != 1.0:
            return None
    warn_if_square_distance_matrix(X)
    if chosen == "kdtree":
        return _kdtree_single(X, "euclidean", None, workers)
    return _single_prim(X, "euclidean", None, workers)


def _by_centroids(y, spec: MethodSpec, metric, algorithm: str, workers):
    """Z by the centroid algorithms (ward, centroid, median on Euclidean
    observations) where they pay off or are asked for, else None."""
    def not_applicable(why):
        if algorithm == "centroids":
            raise ValueError(f"`algorithm='centroids'` needs method='ward', 'centroid' or "
                             f"'median' on observations with metric='euclidean'; {why}.")
        return None

    if algorithm == "kdtree" or spec.name not in ("ward", "centroid", "median"):
        return not_applicable(f"got method={spec.name!r}")
    arr, why = _euclidean_observations(y, metric)
    if arr is None:
        return not_applicable(why)
    if algorithm == "auto" and not _centroids_pay_off(*arr.shape):
        return None                  # the matrix path checks X itself
    X = as_observations(arr, "y")
    check_n(X.shape[0])
    warn_if_square_distance_matrix(X)
    return _centroid_linkage(X, spec, workers)


def _original_distances(y, dists, spec: MethodSpec, squared: bool):
    """The distances for optimal leaf ordering, kept safe from the kernel.

    Any positive multiple of the distances gives the same ordering, so the
    scaled working copy may serve.
    """
    if isinstance(dists, _Deferred):         # the source is never written here
        return np.sqrt(dists.source) if squared else dists.source
    if (isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype == np.float64
            and not np.shares_memory(y, dists)):
        return y                             # the kernel works on a copy: y stays intact
    if squared:
        return np.sqrt(dists)                # a copy: the kernel works on `dists`
    if spec.writes_input:
        return dists.copy()
    return dists


def _working_condensed(y, spec: MethodSpec, metric, preserve_input, workers,
                       float32_ok: bool = False, layout: str = "condensed",
                       keep_source: bool = False):
    """The condensed array the kernel will work on, n, whether it is squared, and its scale.

    Returns the caller's own array only when the kernel does not write
    (single) or when the caller allowed it (preserve_input=False). A working
    copy for a kernel on squared distances is squared while it is made, which
    saves the kernel a pass over the matrix. For those kernels, distances far
    from 1 are first multiplied by a power of two `scale` (exact; the heights
    are divided by it again) so that their squares cannot overflow.
    `float32_ok`: a float32 condensed array is returned as it is (for a
    kernel that reads float32: the MST), else converted to float64.
    Where the NN-chain takes the square layout (see `_takes_square`), a
    `_Deferred` names the condensed source and the n x n workspace the kernel
    builds from it; observations then have their distances written into the
    workspace's last n(n-1)/2 entries, which the kernel builds over in place
    (unless `keep_source`: the caller needs the distances afterwards).
    """
    if float32_ok and isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype == np.float32:
        arr = y                 # the MST kernel reads float32 itself: no float64 copy
    else:
        arr = as_float_array(y, "y")
    if arr.ndim == 1:
        n = num_obs_condensed(arr.shape[0]) if arr.shape[0] else 0
        check_n(n)
        lo, hi = check_finite(arr, "y")
        _check_non_negative(arr, lo)
        scale = square_safe_scale(hi) if spec.squared else 1.0
        owned = arr is not y          # converted from another dtype or a list
        if not arr.flags.c_contiguous:
            arr, owned = np.ascontiguousarray(arr), True
        if spec.writes_input and not owned and (preserve_input or not arr.flags.writeable):
            if _takes_square(layout, spec, n):
                return _Deferred(arr, _square_workspace(n), scale), n, False, scale
            check_memory(arr.nbytes, "the working copy of the condensed distance matrix")
            if spec.algorithm == "generic" and scale == 1.0:
                # the kernel's first pass copies and squares: one pass, not two
                return _Deferred(arr), n, False, scale
            return _working_copy(arr, scale, spec.squared), n, spec.squared, scale
        if layout == "square":        # forced: the caller's y is still only read
            return _Deferred(arr, _square_workspace(n), scale), n, False, scale
        if scale != 1.0:
            arr *= scale              # our copy, or the caller allowed it
        return arr, n, False, scale
    if arr.ndim != 2:
        raise ValueError(f"`y` must be 1-D (condensed distances) or 2-D (observations); "
                         f"got {arr.ndim} dimensions.")
    if isinstance(metric, str) and metric.lower() == "precomputed":
        check_n(arr.shape[0])
        dists = condensed_from_square(arr, "y")
        lo = float(dists.min()) if dists.size else 0.0
        _check_non_negative(dists, lo)
        scale = square_safe_scale(float(dists.max())) if spec.squared and dists.size else 1.0
        if scale != 1.0:
            dists *= scale
        return dists, arr.shape[0], False, scale
    name = metric if callable(metric) else check_metric(metric)
    if spec.euclidean_only and name != "euclidean":
        raise ValueError(f"`method={spec.name!r}` requires the Euclidean metric on observations; "
                         f"got metric={metric!r}.")
    X = as_observations(arr, "y")
    n = X.shape[0]
    check_n(n)
    warn_if_square_distance_matrix(X)
    square = _takes_square(layout, spec, n)
    if square:
        workspace = _square_workspace(n)
        out = None if keep_source else workspace.reshape(-1)[n * n - n * (n - 1) // 2:]
    else:
        check_memory(8 * (n * (n - 1) // 2), "the condensed distance matrix")
        out = None
    squared = spec.squared              # then name == "euclidean"
    scale = 1.0
    if squared:
        # coordinates far from 1 would overflow in the squared differences
        scale = square_safe_scale(float(np.abs(X).max()))
        if scale != 1.0:
            X = X * scale
    if callable(name):
        dists = pdist(X, name, out=out, workers=workers)
    else:                               # X passed as_observations: pdist need not check it again
        dists = _pdist_checked(X, "sqeuclidean" if squared else name, {}, out=out,
                               workers=workers)
    if finite_range(dists) is None:     # an overflow (inf) or an undefined distance (NaN)
        if math.isinf(float(dists.max())):
            k = int(np.argmax(dists))
            raise NonFiniteError(f"the distances between the observations in `y` overflow: "
                                 f"entry [{k}] of pdist(y, {name!r}) is inf; rescale the "
                                 f"data.")
        check_finite(dists, "pdist(y)")     # raises: e.g. cosine distance of a zero vector
    if square:
        return _Deferred(dists, workspace, 1.0), n, squared, scale
    return dists, n, squared, scale


# Entries copied between two chances for Python to act on Ctrl-C (64 MiB).
_COPY_CHUNK = 1 << 23


def _working_copy(source, scale: float, square: bool) -> np.ndarray:
    """(source * scale), squared if asked, in a new array, made chunk by chunk
    so that Ctrl-C is acted on within a fraction of a second of arriving."""
    if source.shape[0] <= _COPY_CHUNK:          # one call, one pass
        if scale != 1.0:
            work = np.multiply(source, scale)
            return np.square(work, out=work) if square else work
        return np.square(source) if square else source.copy()
    work = np.empty_like(source)
    for start in range(0, source.shape[0], _COPY_CHUNK):
        part = work[start:start + _COPY_CHUNK]
        if scale != 1.0:
            np.multiply(source[start:start + _COPY_CHUNK], scale, out=part)
        else:
            np.copyto(part, source[start:start + _COPY_CHUNK])
        if square:
            np.square(part, out=part)
    return work


class _Deferred:
    """A working copy the kernel makes itself from the condensed `source`.

    `workspace`: the n x n array the square NN-chain builds in (None: the
    generic kernel's condensed copy); `scale`: the factor to apply on the way.
    The source is never written, except where it lies inside the workspace.
    """

    def __init__(self, source, workspace=None, scale=1.0):
        self.source = source
        self.workspace = workspace
        self.scale = scale


def _takes_square(layout: str, spec: MethodSpec, n: int) -> bool:
    """Whether the NN-chain works on an n x n matrix (a working copy being needed)."""
    if spec.algorithm != "nn_chain" or layout == "condensed":
        return False
    if layout == "square":
        return True
    if n < SQUARE_MIN_N:
        return False
    available = available_memory()
    return available is None or 8 * n * n <= SQUARE_MEMORY_SHARE * available


def _square_workspace(n: int) -> np.ndarray:
    check_memory(8 * n * n, "the n x n working matrix of layout='square'")
    return np.empty((n, n))


def _check_non_negative(dists, lowest: float):
    if dists.size and lowest < 0:
        k = int(np.argmin(dists))
        raise ValueError(f"`y` must hold non-negative distances; entry [{k}] is {dists[k]}.")


def _run_kernel(spec: MethodSpec, dists, n: int, squared: bool, Z, workers: int,
                scale: float = 1.0) -> None:
    """Run the method's kernel, then turn its merges into SciPy's Z (ids, sizes).

    `scale`: the distances were multiplied by it (a power of two); the
    heights are divided by it again.
    """
    progress = current(STAGE_MERGES, 0)      # counters for a display, or None
    a = np.empty(n - 1, dtype=np.intp)   # merge s joins the clusters of a[s] and b[s]
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    if spec.algorithm == "mst":
        status = mst_linkage(dists, n, h, a, b, workers, progress=progress)
    elif spec.algorithm == "nn_chain" and isinstance(dists, _Deferred):
        status = nn_chain_square_linkage(dists.source, n, spec.code, dists.workspace, a, b, h,
                                         dists.scale, squared, workers, progress=progress)
    elif spec.algorithm == "nn_chain":
        status = nn_chain_linkage(dists, n, spec.code, a, b, h, squared, progress=progress)
    elif isinstance(dists, _Deferred):
        status = generic_linkage(np.empty_like(dists.source), n, spec.code, a, b, h,
                                 squared, dists.source, progress=progress)
    else:
        status = generic_linkage(dists, n, spec.code, a, b, h, squared, progress=progress)
    raise_for_status(status, spec.name)
    if scale != 1.0:
        h /= scale                              # exact: a power of two
    # single: Kruskal's order (height, i, j); complete ... ward: the greedy order
    # (height, slot a, slot b), children before parents even where rounding gave
    # a parent its child's height (see _relabel.greedy_keys); centroid, median:
    # inversions, so the merge order
    linkage_from_merges(a, b, h, n, _MERGE_ORDER[spec.algorithm], Z)


_MERGE_ORDER = {"mst": ORDER_KRUSKAL, "nn_chain": ORDER_GREEDY, "generic": ORDER_AS_MADE}


def _shortcut(name):
    def method_linkage(y, *, preserve_input=True, workers=None):
        return linkage(y, name, preserve_input=preserve_input, workers=workers)

    method_linkage.__name__ = method_linkage.__qualname__ = name
    method_linkage.__doc__ = f"""{name.capitalize()} linkage: ``linkage(y, method={name!r})``.

    Parameters
    ----------
    y : array_like of shape (n * (n - 1) // 2,) or (n, d)
        Condensed distances, or observations (Euclidean distances are used).
    preserve_input : bool, default=True
        See :func:`linkage`.
    workers : int, optional
        See :func:`linkage`.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        The linkage matrix.

    Examples
    --------
    >>> import fastclust
    >>> fastclust.{name}([[0.0], [1.0], [5.0]]).shape
    (2, 4)
    """
    return method_linkage


single = _shortcut("single")
complete = _shortcut("complete")
average = _shortcut("average")
weighted = _shortcut("weighted")
ward = _shortcut("ward")
centroid = _shortcut("centroid")
median = _shortcut("median")
