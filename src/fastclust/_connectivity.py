"""Clustering restricted to a connectivity graph: linkage_graph, grid_graph, knn_graph.

The graph says which observations may be joined directly (pixels next to each
other, voxels of a brain scan, nearest neighbours); two clusters may merge only
when an edge joins them. The kernels are in _graph.pyx.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Literal, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._distance import METRICS, as_observations, cdist, check_metric
from ._graph import component_labels, edge_distances, graph_linkage, single_forest
from ._methods import METHODS
from ._metrics import row_norms
from ._progress import STAGE_MERGES, current
from ._relabel import label_merges
from ._validation import ClusterWarning, caller_stacklevel

__all__ = ["Graph", "grid_graph", "knn_graph", "linkage_graph"]

GRAPH_METHODS = ("ward", "single", "complete", "average")
# Metrics with no parameters, for the edge distances of single, complete and average.
GRAPH_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine")
DISCONNECTED = ("forest", "complete", "raise")


class Graph:
    """An undirected graph on `n` points, as an edge list.

    What :func:`grid_graph` and :func:`knn_graph` return, and one of the forms
    :func:`linkage_graph` accepts. It has the attributes of a SciPy COO matrix
    (`shape`, `row`, `col`, `data`, and ``tocoo()`` returning itself), so
    code written for a sparse adjacency reads it as one; :meth:`to_scipy`
    makes the real thing (for scikit-learn's ``connectivity``, say).

    Parameters
    ----------
    n : int
        Number of points (vertices 0 .. n - 1).
    row, col : array_like of int
        The ends of each edge (one entry per edge; the direction is ignored).
    data : array_like of float, optional
        A value per edge (e.g. a distance); ones by default.

    Examples
    --------
    >>> from fastclust import Graph
    >>> g = Graph(3, [0, 1], [1, 2])
    >>> g.shape, g.nnz
    ((3, 3), 2)
    """

    def __init__(self, n: int, row: ArrayLike, col: ArrayLike, data: ArrayLike | None = None):
        self.row = np.asarray(row, dtype=np.int64)
        self.col = np.asarray(col, dtype=np.int64)
        self.data = (np.ones(self.row.shape[0]) if data is None
                     else np.asarray(data, dtype=np.float64))
        if not (self.row.ndim == self.col.ndim == self.data.ndim == 1
                and self.row.shape == self.col.shape == self.data.shape):
            raise ValueError("`row`, `col` and `data` must be 1-D and of one length; got shapes "
                             f"{self.row.shape}, {self.col.shape} and {self.data.shape}.")
        n = int(n)
        if self.row.size and (min(self.row.min(), self.col.min()) < 0
                              or max(self.row.max(), self.col.max()) >= n):
            raise ValueError(f"edge ends must lie in [0, {n}); got ends from "
                             f"{min(self.row.min(), self.col.min())} to "
                             f"{max(self.row.max(), self.col.max())}.")
        self.shape = (n, n)

    @property
    def nnz(self) -> int:
        """Number of edges stored."""
        return int(self.row.shape[0])

    def tocoo(self) -> "Graph":
        """The graph itself (it is already in coordinate form)."""
        return self

    def to_scipy(self):
        """The graph as a ``scipy.sparse.coo_array``, entries as stored (needs SciPy).

        Not symmetrised: :func:`grid_graph` stores each edge once (i < j), and
        :func:`knn_graph` each point's neighbours, as scikit-learn's
        ``kneighbors_graph`` does; scikit-learn's ``connectivity`` and
        :func:`linkage_graph` take an edge in either direction.
        """
        from scipy import sparse

        return sparse.coo_array((self.data, (self.row, self.col)), shape=self.shape)

    def __repr__(self) -> str:
        return f"Graph(n={self.shape[0]}, edges={self.nnz})"


# Also any scipy.sparse matrix or array (duck-typed through .tocoo(): SciPy is not imported).
ConnectivityLike = Union[ArrayLike, Graph, Callable[[np.ndarray], Any], Any]


# ---------------------------------------------------------------------------
# Reading a connectivity argument


def _edges(connectivity, X: np.ndarray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The undirected edges of `connectivity` as (u, v), u < v, unique, in (u, v) order.

    An edge joins i and j when entry (i, j) or (j, i) is nonzero; the diagonal
    (self-loops) is ignored. Negative, NaN or infinite entries are errors.
    """
    n = X.shape[0]
    if callable(connectivity) and not hasattr(connectivity, "tocoo"):
        connectivity = connectivity(X)
    if hasattr(connectivity, "tocoo"):              # scipy.sparse, or a Graph
        shape = tuple(connectivity.shape)
        coo = connectivity.tocoo()
        row = np.asarray(coo.row, dtype=np.intp)
        col = np.asarray(coo.col, dtype=np.intp)
        data = np.asarray(coo.data)
    else:
        dense = np.asarray(connectivity)
        if dense.dtype == object:
            raise TypeError("`connectivity` must be a sparse matrix, a Graph, an (n, n) array "
                            "or a callable returning one; got an object array.")
        shape = dense.shape
        if dense.ndim != 2:
            raise ValueError(f"`connectivity` must be an (n, n) matrix for the n = {n} rows of "
                             f"`X`; got shape {shape}.")
        row, col = (idx.astype(np.intp) for idx in np.nonzero(dense))
        data = dense[row, col]
    if shape != (n, n):
        raise ValueError(f"`connectivity` must be an (n, n) matrix for the n = {n} rows of `X`; "
                         f"got shape {shape}.")
    if data.dtype.kind not in "biuf":
        raise TypeError(f"`connectivity` must hold numbers (edge weights); got dtype {data.dtype}.")
    data = data.astype(np.float64, copy=False)
    bad = ~np.isfinite(data) | (data < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"`connectivity` weights must be finite and non-negative (nonzero "
                         f"means an edge); entry ({row[k]}, {col[k]}) is {data[k]}.")
    keep = (data != 0) & (row != col)
    u = np.minimum(row[keep], col[keep])
    v = np.maximum(row[keep], col[keep])
    key = np.unique(u.astype(np.int64) * n + v)
    return (key // n).astype(np.intp), (key % n).astype(np.intp)


def _component_labels(n: int, u: NDArray[np.intp], v: NDArray[np.intp]) -> NDArray[np.intp]:
    """Connected part of each point, numbered in order of each part's smallest point."""
    labels = np.empty(n, dtype=np.intp)
    component_labels(n, u, v, labels)
    return labels


def _completing_edges(X, labels, n_parts: int, metric: str):
    """scikit-learn's completion: for every pair of parts, an edge between their closest points."""
    members = [np.flatnonzero(labels == c) for c in range(n_parts)]
    extra_u, extra_v = [], []
    for a in range(n_parts):
        for b in range(a):
            D = cdist(X[members[a]], X[members[b]], metric)
            i, j = np.unravel_index(int(np.argmin(D)), D.shape)
            p, q = int(members[a][i]), int(members[b][j])
            extra_u.append(min(p, q))
            extra_v.append(max(p, q))
    return np.asarray(extra_u, dtype=np.intp), np.asarray(extra_v, dtype=np.intp)


# ---------------------------------------------------------------------------
# The public function


def linkage_graph(X: ArrayLike, connectivity: ConnectivityLike, method: str = "ward",
                  metric: str = "euclidean", *, pairs: Literal["edges", "all"] = "edges",
                  disconnected: Literal["forest", "complete", "raise"] = "forest"
                  ) -> NDArray[np.float64]:
    """Hierarchical clustering in which clusters merge only along the edges of a graph.

    Two clusters may merge only when some edge of `connectivity` joins a point
    of one to a point of the other; among those pairs, the one with the
    smallest linkage value merges first. This is scikit-learn's
    ``AgglomerativeClustering(connectivity=...)`` tree, computed by a compiled
    kernel in O(n + E) memory besides `X` (E edges), without completing a
    disconnected graph unless asked.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Observations (finite).
    connectivity : sparse matrix, Graph, array_like of shape (n, n), or callable
        Entry (i, j) nonzero means i and j are neighbours; it need not be
        symmetric (an edge in either direction counts), the diagonal is
        ignored, and weights must be finite and non-negative (their values
        are not used). Any ``scipy.sparse`` matrix or array, a :class:`Graph`
        (:func:`grid_graph`, :func:`knn_graph`), a dense array, or a callable
        ``connectivity(X)`` returning one of those, as scikit-learn accepts.
    method : {'ward', 'single', 'complete', 'average'}, default='ward'
        'ward': the pair with the smallest increase of the within-cluster sum
        of squares, from the clusters' means (exact, adjacent pairs only).
        'single', 'complete', 'average': scikit-learn's definitions on the
        graph. Each edge starts with the distance of its two points; when two
        clusters merge, the new cluster's value for a neighbour is the larger
        ('complete') or the size-weighted mean ('average') of the two
        clusters' values, or the one value when only one of them touches that
        neighbour. 'single' is the minimum spanning forest of the edges. With
        every edge present, each equals :func:`fastclust.linkage`.
    metric : str, default='euclidean'
        Distance for the edges of 'single', 'complete' and 'average': one of
        'euclidean', 'sqeuclidean', 'cityblock' (aliases 'l1', 'manhattan'),
        'chebyshev', 'cosine'. 'ward' needs 'euclidean'.
    pairs : {'edges', 'all'}, default='edges'
        Which distances 'single', 'complete' and 'average' see. 'edges':
        only those of the graph's edges, as above (scikit-learn's tree;
        O(n + E) memory and fast). 'all': every pair of points of two adjacent
        clusters, so that the value of a pair is the true linkage distance
        (the largest, smallest or mean distance between their points): then
        a height below t means that no two points of the cluster are t apart
        ('complete'), which 'edges' does not promise (scikit-learn issue
        23550). Costs up to O(n^2) distance evaluations; memory stays O(n + E).
        'ward' is exact either way.
    disconnected : {'forest', 'complete', 'raise'}, default='forest'
        What to do when the graph has several connected parts. 'forest':
        points of different parts never merge; each part's tree is built,
        and the parts are joined last at height ``+inf`` (in order of their
        smallest observation), so that Z is still a valid linkage matrix for
        every tree function. 'complete': scikit-learn's behaviour, with its
        warning: for every pair of parts, an edge is added between their
        closest points (by `metric`), and the tree is built on that graph.
        'raise': a ValueError.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix: row s merges clusters Z[s, 0] < Z[s, 1] at
        height Z[s, 2] into a cluster of Z[s, 3] points with id n + s. Rows
        are in the order the merges happen. Heights need not increase: a
        merge allowed late by the graph can be lower than an earlier one
        (Ward's and average's heights on a graph have inversions).

    Raises
    ------
    ValueError
        For an unknown `method`, `metric` or `disconnected`, 'ward' with
        another metric, a `connectivity` whose shape is not (n, n) or that
        holds negative, NaN or infinite weights, fewer than 2 points, or a
        disconnected graph with ``disconnected='raise'``.
    TypeError
        For a `connectivity` that holds no numbers.

    See Also
    --------
    grid_graph, knn_graph, HierarchicalClustering

    Notes
    -----
    Ties: the smallest (value, larger node id, smaller node id) merges first
    ('single': Kruskal's (distance, i, j) order). On tie-free data the tree,
    and so every partition cut from it by merge order, equals scikit-learn's;
    scikit-learn breaks the ties of 'complete' and 'average' by the order of
    its heap, so with ties the two can differ. Heights are scikit-learn's
    (Ward: ``sqrt(2 * increase)``, SciPy's Ward distance); edge distances are
    :func:`fastclust.pdist`'s values.

    Examples
    --------
    Four points on a line, with an edge only between neighbours: the two
    outer points are nearer to each other than to anything but their
    neighbour, yet they merge last.

    >>> import numpy as np
    >>> from fastclust import Graph, linkage_graph
    >>> X = np.array([[0.0], [3.0], [4.0], [0.5]])
    >>> chain = Graph(4, [0, 1, 2], [1, 2, 3])
    >>> linkage_graph(X, chain, "single")
    array([[1. , 2. , 1. , 2. ],
           [0. , 4. , 3. , 3. ],
           [3. , 5. , 3.5, 4. ]])

    A graph with two parts gives a forest joined at +inf:

    >>> linkage_graph(X, Graph(4, [0, 1], [3, 2]), "average")
    array([[0. , 3. , 0.5, 2. ],
           [1. , 2. , 1. , 2. ],
           [4. , 5. , inf, 4. ]])
    """
    arr = as_observations(X, "X")
    n = arr.shape[0]
    if n < 2:
        raise ValueError(f"`X` must hold at least 2 observations; got {n}.")
    if not isinstance(method, str) or method.lower() not in GRAPH_METHODS:
        raise ValueError(f"`method` must be one of {', '.join(map(repr, GRAPH_METHODS))} with "
                         f"a connectivity graph; got {method!r}.")
    method = method.lower()
    metric = check_metric(metric)
    if method == "ward" and metric != "euclidean":
        raise ValueError(f"method='ward' requires metric='euclidean'; got metric={metric!r}.")
    if metric not in GRAPH_METRICS:
        raise ValueError(f"`metric` must be one of {', '.join(map(repr, GRAPH_METRICS))} with a "
                         f"connectivity graph; got {metric!r}.")
    if pairs not in ("edges", "all"):
        raise ValueError(f"`pairs` must be 'edges' or 'all'; got {pairs!r}.")
    if disconnected not in DISCONNECTED:
        raise ValueError(f"`disconnected` must be one of {', '.join(map(repr, DISCONNECTED))}; "
                         f"got {disconnected!r}.")
    u, v = _edges(connectivity, arr)
    labels = _component_labels(n, u, v)
    n_parts = int(labels.max()) + 1
    if n_parts > 1 and disconnected == "raise":
        raise ValueError(f"`connectivity` has {n_parts} connected parts; points of different "
                         "parts can never merge (pass disconnected='forest' to get each part's "
                         "tree, or 'complete' to add edges between them).")
    if n_parts > 1 and disconnected == "complete":
        warnings.warn(f"the connectivity graph has {n_parts} connected parts: completing it "
                      "with an edge between the closest points of every two parts, as "
                      "scikit-learn does.", ClusterWarning, stacklevel=caller_stacklevel())
        extra_u, extra_v = _completing_edges(arr, labels, n_parts, metric)
        key = np.unique(np.concatenate([u * n + v, extra_u * n + extra_v]))
        u, v = (key // n).astype(np.intp), (key % n).astype(np.intp)
        n_parts = 1

    Z = np.empty((n - 1, 4))
    all_pairs = pairs == "all" and method != "ward"
    if method == "single" and not all_pairs:
        _single(arr, u, v, metric, Z)
        return Z
    progress = current(STAGE_MERGES, n - 1)
    values = np.empty(0)
    if method != "ward":
        values = _edge_distances(arr, u, v, metric)
    code = METRICS[metric].code
    norms = row_norms(arr, code, np.empty(0)) if metric == "cosine" else np.empty(0)
    # The symmetric graph in CSR form, each edge in both directions.
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    order = np.lexsort((cols, rows))
    indices = np.ascontiguousarray(cols[order], dtype=np.intp)
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    if method != "ward":
        values = np.ascontiguousarray(np.concatenate([values, values])[order])
    min_obs = np.empty(2 * n - 1, dtype=np.intp)
    alive = np.empty(2 * n - 1, dtype=np.int8)
    steps = graph_linkage(n, indptr, indices, values, METHODS[method].code, arr, Z, min_obs,
                          alive, all_pairs, code, norms, progress)
    # One cluster per connected part is left: join them at +inf.
    parts = np.flatnonzero(alive)
    parts = parts[np.argsort(min_obs[parts], kind="stable")]
    sizes = np.zeros(2 * n - 1)
    sizes[:n] = 1.0
    sizes[n:n + steps] = Z[:steps, 3]
    joined = parts[0]
    for s, part in zip(range(steps, n - 1), parts[1:]):
        Z[s] = (min(joined, part), max(joined, part), np.inf, sizes[joined] + sizes[part])
        sizes[n + s] = Z[s, 3]
        joined = n + s
    return Z


def _edge_distances(X, u, v, metric: str) -> NDArray[np.float64]:
    code = METRICS[metric].code
    norms = row_norms(X, code, np.empty(0)) if metric == "cosine" else np.empty(0)
    out = np.empty(u.shape[0])
    edge_distances(X, u, v, code, norms, out)
    return out


def _single(X, u, v, metric: str, Z) -> None:
    """Kruskal's forest of the edges, labelled into Z; parts joined at +inf."""
    n = X.shape[0]
    dist = _edge_distances(X, u, v, metric)
    order = np.lexsort((v, u, dist)).astype(np.intp)
    tree = np.empty(n - 1, dtype=np.intp)
    count = single_forest(n, u, v, order, tree)
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.full(n - 1, np.inf)
    a[:count], b[:count], h[:count] = u[tree[:count]], v[tree[:count]], dist[tree[:count]]
    if count < n - 1:
        # Join the parts by their smallest points, after every finite merge.
        labels = _component_labels(n, a[:count], b[:count])
        firsts = np.unique(labels, return_index=True)[1].astype(np.intp)   # ascending
        a[count:] = firsts[0]
        b[count:] = firsts[1:]
    merge_order = np.lexsort((b, a, h)).astype(np.intp)
    label_merges(a, b, h, merge_order, n, Z)


# ---------------------------------------------------------------------------
# Graph builders


def grid_graph(shape: tuple[int, ...], mask: ArrayLike | None = None) -> Graph:
    """The graph of a pixel or voxel grid: each point joined to its neighbours along the axes.

    Points are numbered in C order (the order of ``image.reshape(-1, ...)``),
    as scikit-learn's ``grid_to_graph`` numbers them; a 2-D grid gets
    4-connectivity, a 3-D grid 6-connectivity, and so on.

    Parameters
    ----------
    shape : tuple of int
        The grid's size along each axis, e.g. ``image.shape[:2]``.
    mask : array_like of bool with that shape, optional
        Keep only the points where `mask` is True (numbered in C order among
        themselves), and the edges between them.

    Returns
    -------
    Graph
        Each edge once, with weight 1.

    Examples
    --------
    >>> from fastclust import grid_graph
    >>> g = grid_graph((2, 3))
    >>> g.nnz                      # 2 * 2 horizontal + 3 vertical
    7
    >>> sorted(zip(g.row.tolist(), g.col.tolist()))[:3]
    [(0, 1), (0, 3), (1, 2)]
    """
    shape = tuple(int(s) for s in np.atleast_1d(shape))
    if not shape or min(shape) < 1:
        raise ValueError(f"`shape` must be a tuple of positive sizes; got {shape}.")
    ids = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    rows, cols = [], []
    for axis in range(len(shape)):
        lo = [slice(None)] * len(shape)
        hi = [slice(None)] * len(shape)
        lo[axis] = slice(0, -1)
        hi[axis] = slice(1, None)
        rows.append(ids[tuple(lo)].ravel())
        cols.append(ids[tuple(hi)].ravel())
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    n = ids.size
    if mask is not None:
        keep = np.asarray(mask)
        if keep.shape != shape:
            raise ValueError(f"`mask` must have the grid's shape {shape}; got {keep.shape}.")
        keep = keep.astype(bool).ravel()
        new_id = np.cumsum(keep) - 1
        both = keep[row] & keep[col]
        row, col = new_id[row[both]], new_id[col[both]]
        n = int(keep.sum())
    order = np.lexsort((col, row))
    return Graph(n, row[order], col[order])


def knn_graph(X: ArrayLike, n_neighbors: int, *, metric: str = "euclidean",
              include_self: bool = False) -> Graph:
    """The k-nearest-neighbour graph of the rows of X: each point joined to its k nearest.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Observations.
    n_neighbors : int
        k, at least 1 and below n (or at most n with `include_self`).
    metric : str, default='euclidean'
        Any metric of :func:`fastclust.cdist`.
    include_self : bool, default=False
        Count each point as its own nearest neighbour (a self-loop, which
        :func:`linkage_graph` ignores), as scikit-learn's option does.

    Returns
    -------
    Graph
        n * k directed entries (i, its j-th neighbour) with their distances
        as weights; :func:`linkage_graph` treats them as undirected edges, as
        scikit-learn does with ``kneighbors_graph``.

    Notes
    -----
    Exact, by blocks of rows of :func:`fastclust.cdist` (O(n^2 d) time, O(n)
    memory per block row): right for up to some ten thousands of points; ties
    at the k-th distance go to the smaller index.

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import knn_graph
    >>> g = knn_graph(np.array([[0.0], [1.0], [3.0], [7.0]]), 1)
    >>> g.row.tolist(), g.col.tolist(), g.data.tolist()
    ([0, 1, 2, 3], [1, 0, 1, 2], [1.0, 1.0, 2.0, 4.0])
    """
    arr = as_observations(X, "X")
    n = arr.shape[0]
    if not isinstance(n_neighbors, (int, np.integer)) or isinstance(n_neighbors, bool):
        raise TypeError(f"`n_neighbors` must be an integer; got {n_neighbors!r}.")
    k = int(n_neighbors)
    limit = n if include_self else n - 1
    if not 1 <= k <= limit:
        raise ValueError(f"`n_neighbors` must be in [1, {limit}] for {n} points"
                         f"{' (include_self)' if include_self else ''}; got {k}.")
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = np.empty(n * k, dtype=np.int64)
    data = np.empty(n * k)
    block = max(1, (1 << 22) // max(n, 1))          # ~32 MiB of distances per block
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        D = cdist(arr[lo:hi], arr, metric)
        if not include_self:
            D[np.arange(hi - lo), np.arange(lo, hi)] = np.inf
        # k smallest by (distance, index): partition, then settle ties at the k-th value
        kth = np.partition(D, k - 1, axis=1)[:, k - 1:k]
        below = D < kth
        need = k - below.sum(axis=1, keepdims=True)
        at = D == kth
        chosen = below | (at & (np.cumsum(at, axis=1) <= need))
        r, c = np.nonzero(chosen)
        dist = D[r, c]
        order = np.lexsort((c, dist, r))
        cols[lo * k:hi * k] = c[order]
        data[lo * k:hi * k] = dist[order]
    return Graph(n, rows, cols, data)
