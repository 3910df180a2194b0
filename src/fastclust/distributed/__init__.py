"""fastclust.distributed: exact hierarchical clustering on a Dask cluster.

``linkage(X, method)`` takes a ``dask.array`` of observations chunked by rows
(or a NumPy array, then the same rounds run on a local thread pool) and
returns SciPy's linkage matrix, the one :func:`fastclust.linkage` returns on
the same data. Dask is imported only for Dask input; install the extra
``fastclust[distributed]`` (``dask[array]`` and ``distributed``).
"""
from __future__ import annotations

import math
from typing import Callable, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["linkage"]

_EXTRA = "fastclust[distributed]"
_METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")


def _require_dask():
    """Import dask.array, or raise ImportError naming the extra to install."""
    try:
        import dask
        import dask.array as da
    except ImportError as exc:
        raise ImportError(
            f"fastclust.distributed needs Dask for Dask input: install the extra "
            f"{_EXTRA!r} (pip install '{_EXTRA}'), which brings dask[array] and distributed "
            f"({exc})."
        ) from None
    return dask, da


def _is_dask_array(X) -> bool:
    return type(X).__module__.split(".")[0] == "dask" and hasattr(X, "chunks")


def linkage(X, method: Literal["single", "complete", "average", "weighted", "ward"] = "single",
            metric: str = "euclidean", *, metric_kwargs: dict | None = None,
            block_size: int | None = None, workers: int | None = None,
            progress: Callable[[dict], object] | None = None) -> NDArray[np.float64]:
    """Hierarchical clustering of observations on a Dask cluster (or a local thread pool).

    Returns the linkage matrix that :func:`fastclust.linkage` returns for the
    same observations (see Notes for what "the same" means with each method),
    computed in rounds whose heavy work runs as Dask tasks on row blocks of
    `X`. For 'single' and 'ward' the client keeps O(n) or O(n d) numbers and
    no n x n matrix is formed anywhere; 'complete', 'average' and 'weighted'
    keep the n x n distance matrix in row blocks spread over the workers.

    Parameters
    ----------
    X : dask.array.Array or array_like of shape (n, d)
        Observations, one per row. A Dask array must be chunked by rows with
        known chunk sizes (its column chunks are joined); its row blocks are
        the unit of work and stay on the workers (persisted). Any other input
        is converted to a float64 NumPy array and split into blocks of
        `block_size` rows, handled by a thread pool of this process.
    method : {'single', 'complete', 'average', 'weighted', 'ward'}, default='single'
        Distance between clusters, as in :func:`fastclust.linkage`.
        'centroid' and 'median' have no exact parallel algorithm (ValueError,
        pointing to the single-machine O(n d) path).
    metric : str, default='euclidean'
        Any metric name of :func:`fastclust.pdist`; 'ward' needs 'euclidean'.
    metric_kwargs : dict, optional
        Arguments of the metric, as for :func:`fastclust.pdist` (``w``, ``p``,
        ``V``, ``VI``, ``base``). For Dask input, 'seuclidean' needs ``V`` and
        'mahalanobis' needs ``VI`` (their defaults are statistics of all of X).
    block_size : int, optional
        Rows per block for NumPy input (default: n split into about twice as
        many blocks as threads, at least 256 rows each). Ignored for Dask input,
        whose chunks are the blocks.
    workers : int, optional
        Threads of the local pool for NumPy input; None or -1 means all
        available CPUs. Ignored for Dask input.
    progress : callable, optional
        Called as ``progress(info)`` after every round, with a dict holding
        'method', 'round', 'phase' ('knn', 'boruvka' or 'contract' for single,
        'rac' for ward), 'clusters' (components or clusters left), 'n',
        'runner' ('dask' or 'local'), 'seconds' since the start, and the
        round's 'tasks', 'computes', 'bytes_sent' and 'bytes_received' (NumPy
        data between the client and the workers). Single adds 'rescanned'
        (points scanned against all others); the other methods add 'merges',
        'queries' and 'where' (ward: 'client' or 'tasks'; the matrix methods:
        'dask' for actors or 'local').

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix.

    Raises
    ------
    ValueError
        For a wrong shape, NaN or infinite values, fewer than 2 observations,
        an unknown or unsupported method or metric, unknown chunk sizes, or
        a `block_size` or `workers` that is not a positive integer.
    TypeError
        For complex or non-numeric input, a callable `metric`, or a
        `progress` that is not callable.
    MemoryError
        For 'complete', 'average' and 'weighted' when the n x n distance
        matrix does not fit: the message gives the bytes the busiest worker
        would need and its memory limit.
    ImportError
        For Dask input when Dask cannot be imported (install the extra
        ``fastclust[distributed]``).

    See Also
    --------
    fastclust.linkage : the same on one machine, from observations or distances.
    fastclust.linkage_vector : one machine, O(n d) memory (also centroid, median).

    Notes
    -----
    The tasks run fastclust's compiled kernels, so fastclust must be
    installed on the workers (the same version as on the client). The client
    holds O(n) numbers for single linkage (O(n * 16) for the neighbour cache)
    and O(n d) for the other methods (the observations, gathered).

    - single: Boruvka rounds. Round 1 scans all row block x column block
      pairs (O(n^2 d) distance evaluations as (blocks)^2 tasks) and keeps the
      16 lightest edges of every point; later rounds rescan only points whose
      cached edges all stay inside their component and that could still
      matter, and once few components are left (at most 512) and the rescans
      would be large, one pass over the pairs i < j contracts the points to a
      small graph that the client finishes. Edges are ordered by (distance,
      condensed offset), exactly as in :func:`fastclust.linkage`, and the
      distances are computed bit for bit as :func:`fastclust.pdist` does, so
      Z is identical, ties included.
    - ward: RAC (reciprocal nearest neighbours): every round, all mutual
      nearest-neighbour pairs merge; clusters are centroids and sizes. Exact
      for reducible linkages such as Ward's. The centroids and the Ward
      distances are computed exactly as :func:`fastclust.linkage_vector`
      computes them, so Z is that of ``linkage_vector(X, 'ward')`` bit for
      bit, ties included. Against :func:`fastclust.linkage` (Lance-Williams
      updates of the distance matrix): the same merges on tie-free data, the
      same first-level heights, later heights within about 1e-12 (relative).
      Rounds with little work (chain-shaped data needs up to n/2 rounds) run
      on the client. Coordinates far from 1 are scaled by a power of two
      first, exactly as in :func:`fastclust.linkage`, so squares cannot
      overflow.
    - complete, average, weighted: RAC on the n x n distance matrix (n^2 * 8
      bytes in all), kept in row blocks that never move: Dask actors spread
      over the workers of the current ``distributed.Client`` (or objects of
      this process otherwise). Each round merges all mutual pairs; every
      block updates its columns by Lance-Williams, and the new row of a
      merged cluster is built where its row lives, from the two old rows
      (one of which may travel, through the client). Two clusters merged in
      the same round get their distance by nested updates in a fixed order,
      so the matrix stays exactly symmetric. Complete linkage only takes
      maxima of input distances: Z is that of :func:`fastclust.linkage` bit
      for bit, ties included. Average and weighted: the same merges on
      tie-free data, heights within about 1e-15 (the updates are made in
      another order); where that order cannot change the result (integer
      distances with 'weighted', for instance) Z is identical with ties too.

    Ties follow :func:`fastclust.linkage`'s rules. Single: Kruskal's order on
    (distance, smaller observation, larger observation). The other methods:
    pairs of clusters are ordered by (distance, smaller slot, larger slot), a
    cluster's slot being its smallest observation; in every round each
    cluster's neighbour is its least pair under that order, so (in exact
    arithmetic) the mutual pairs, and the tree, are those of the greedy
    algorithm under the same order, and Z lists the merges in that order,
    with children before parents and monotone heights where rounding made
    a parent's height equal to, or an ulp below, its child's (as in
    :func:`fastclust.linkage`). A round that finds no mutual pair because a
    kept neighbour went stale by rounding asks every cluster afresh. Two distances that are
    equal in exact arithmetic but computed along different paths (Lance-
    Williams updates in another order, or centroids instead of updates) can
    differ in the last bit; a tie between such values can be broken the
    other way than in :func:`fastclust.linkage`, giving another valid tree.
    Measured with ``bench/tie_agreement.py`` (random points on small integer
    grids, n < 120): another tree in 1-2 % of the cases for average and
    weighted and 1-8 % for ward, never for single and complete; distributed
    ward against ``linkage_vector(X, 'ward')``: never.

    References
    ----------
    .. [1] O. Boruvka, "O jistem problemu minimalnim", 1926.
    .. [2] B. Sumengen et al., "Scaling Hierarchical Agglomerative Clustering
       to Billion-sized Datasets", arXiv:2105.11653, 2021 (RAC).
    .. [3] D. Muellner, "Modern hierarchical, agglomerative clustering
       algorithms", arXiv:1109.2378, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> import fastclust.distributed
    >>> X = np.array([[0.0], [1.0], [5.0], [7.0]])
    >>> fastclust.distributed.linkage(X, "single", block_size=2)
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 4., 4.]])
    >>> Z = fastclust.distributed.linkage(X, "ward", block_size=2)
    >>> np.array_equal(Z[:, [0, 1, 3]], fastclust.linkage(X, "ward")[:, [0, 1, 3]])
    True

    With Dask (here the default threaded scheduler; with a ``distributed.Client``
    the tasks run on its workers):

    >>> import dask.array as da                                  # doctest: +SKIP
    >>> fastclust.distributed.linkage(da.from_array(X, chunks=2))  # doctest: +SKIP
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 4., 4.]])
    """
    from .._relabel import ORDER_GREEDY, ORDER_KRUSKAL, linkage_from_merges
    from ._runner import RoundReporter

    name = _check_method(method)
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` must be a callable or None; got {progress!r}.")
    if metric_kwargs is not None and not isinstance(metric_kwargs, dict):
        raise TypeError(f"`metric_kwargs` must be a dict or None; got {metric_kwargs!r}.")
    kwargs = dict(metric_kwargs or {})
    metric_name = _check_metric_name(metric, name)
    if name == "ward" and kwargs:
        raise ValueError(f"`metric_kwargs` must be empty for method='ward' (plain Euclidean "
                         f"distances of centroids); got {metric_kwargs!r}.")
    if _is_dask_array(X):
        runner, mp = _dask_runner(X, metric_name, kwargs)
    else:
        runner, mp = _local_runner(X, metric_name, kwargs, block_size, workers)
    n = runner.bounds[-1][1]
    report = RoundReporter(progress, name, runner, n)
    if name == "single":
        from ._boruvka import mst_edges

        a, b, h = mst_edges(runner, n, mp, report)
        order = ORDER_KRUSKAL                 # (height, i, j)
    else:
        if name == "ward":
            from ._rac import ward_merges

            a, b, h = ward_merges(runner, n, report)
        else:
            from ._matrix import rac_matrix_merges

            a, b, h = rac_matrix_merges(runner, n, mp, name, report)
        order = ORDER_GREEDY                  # the greedy order, children first
    Z = np.empty((n - 1, 4), dtype=np.float64)
    linkage_from_merges(np.ascontiguousarray(a, dtype=np.intp),
                        np.ascontiguousarray(b, dtype=np.intp),
                        np.ascontiguousarray(h, dtype=np.float64), n, order, Z)
    return Z


def _check_method(method) -> str:
    if not isinstance(method, str) or method.lower() not in _METHODS:
        valid = ", ".join(repr(m) for m in sorted(_METHODS))
        raise ValueError(f"`method` must be one of {valid}; got {method!r}.")
    name = method.lower()
    if name in ("centroid", "median"):
        raise ValueError(
            f"`method={name!r}` is not reducible, so it has no exact parallel algorithm: "
            f"use fastclust.linkage_vector, which needs O(n d) memory on one machine, or "
            f"fastclust.linkage.")
    return name


def _check_metric_name(metric, method: str) -> str:
    from .._distance import check_metric

    if callable(metric):
        raise TypeError("`metric` must be a metric name for fastclust.distributed; a callable "
                        f"runs in Python on every pair and cannot be scanned blockwise; got "
                        f"{metric!r}.")
    if isinstance(metric, str) and metric.lower() == "precomputed":
        raise ValueError("`metric='precomputed'` is not supported by fastclust.distributed: "
                         "`X` must hold observations.")
    name = check_metric(metric)
    if method == "ward" and name != "euclidean":
        raise ValueError(f"`method='ward'` requires the Euclidean metric; got metric={metric!r}.")
    return name


def _metric(name: str, kwargs: dict, sample: np.ndarray):
    """MetricParams for the block tasks, validated by pdist's own preparation."""
    from .._distance import _prepare
    from ._boruvka import metric_params

    code, p, arrays, args = _prepare(name, [(sample, "X")], kwargs)
    return metric_params(name, code, p, args), arrays[0]


def _local_runner(X, name: str, kwargs: dict, block_size, workers):
    from .._distance import as_observations
    from .._validation import _available_cpus, check_n, warn_if_square_distance_matrix
    from ._runner import LocalRunner

    X = as_observations(X, "X")
    n = X.shape[0]
    check_n(n, "X")
    warn_if_square_distance_matrix(X, _SQUARE_HINT)
    if workers is None or (_is_int(workers) and workers == -1):
        threads = _available_cpus()
    elif _is_int(workers) and workers >= 1:
        threads = int(workers)
    else:
        raise ValueError(f"`workers` must be None, -1 or a positive integer; got {workers!r}.")
    if block_size is None:
        block_size = max(256, math.ceil(n / (2 * threads)))
    elif not _is_int(block_size) or block_size < 1:
        raise ValueError(f"`block_size` must be a positive integer; got {block_size!r}.")
    mp, X = _metric(name, kwargs, X)       # correlation: rows centred, as pdist does
    X = np.ascontiguousarray(X)
    bounds = [(lo, min(n, lo + int(block_size))) for lo in range(0, n, int(block_size))]
    return LocalRunner(X, bounds, threads), mp


# What to do with a distance matrix instead: fastclust.distributed takes observations only.
_SQUARE_HINT = ("Pass the condensed distances (fastclust.squareform) to fastclust.linkage "
                "instead; fastclust.distributed needs observations.")


def _warn_if_square_distance_matrix_dask(X, da) -> None:
    """The Dask form of _validation.warn_if_square_distance_matrix: the same test and text."""
    import warnings

    from .._validation import SQUARE_MATRIX_LOOKS, ClusterWarning, caller_stacklevel

    looks = da.all(X >= 0) & da.allclose(da.diag(X), 0) & da.allclose(X, X.T)
    if X.shape[0] > 1 and bool(looks.compute()):
        warnings.warn(SQUARE_MATRIX_LOOKS + _SQUARE_HINT, ClusterWarning,
                      stacklevel=caller_stacklevel())


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _dask_runner(X, name: str, kwargs: dict):
    from .._validation import check_n
    from ._runner import DaskRunner

    dask, da = _require_dask()
    if X.ndim != 2:
        raise ValueError(f"`X` must be a 2-D array of observations; got {X.ndim} dimension(s).")
    if X.dtype.kind == "c":
        raise TypeError(f"`X` must be real-valued; got complex dtype {X.dtype}.")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"`X` must contain numbers; got dtype {X.dtype}.")
    if any(math.isnan(c) for c in X.chunks[0]) or any(math.isnan(c) for c in X.chunks[1]):
        raise ValueError("`X` must have known chunk sizes; call X.compute_chunk_sizes() first.")
    n, d = X.shape
    check_n(n, "X")
    if d == 0:
        raise ValueError(f"`X` must have at least one feature (column); got shape {X.shape}.")
    key = {"seuclidean": "V", "mahalanobis": "VI"}.get(name)
    if key is not None and kwargs.get(key) is None:
        raise ValueError(f"`metric={name!r}` on Dask input needs metric_kwargs={{{key!r}: ...}}: "
                         f"its default is a statistic of all of X.")
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    X = X.persist()
    row_ok = da.isfinite(X).all(axis=1).compute()
    if not row_ok.all():
        i = int(np.argmin(row_ok))
        raise ValueError(f"`X` must contain only finite values; row {i} has a NaN or "
                         f"infinite entry.")
    if n == d:                             # as for NumPy input (and SciPy): O(n d) more work
        _warn_if_square_distance_matrix_dask(X, da)
    mp, _ = _metric(name, kwargs, np.zeros((1, d)))
    if name == "dice":                     # only 0 and 1, checked where the blocks are
        bad_rows = ((X != 0) & (X != 1)).any(axis=1).compute()
        if bad_rows.any():
            i = int(np.argmax(bad_rows))
            j = int(np.argmax(((X[i] != 0) & (X[i] != 1)).compute()))
            raise ValueError(f"`X` must be boolean (or hold only 0 and 1) for metric='dice'; "
                             f"entry [{i}, {j}] is {float(X[i, j].compute())}.")
    if name == "correlation":              # centre the rows, per block, as pdist does
        from .._distance import _prepare

        X = X.map_blocks(lambda b: _prepare(name, [(np.ascontiguousarray(b), "X")],
                                            kwargs)[2][0], dtype=np.float64).persist()
    edges = np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(int)
    bounds = [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]
    return DaskRunner(X, bounds), mp
