"""HierarchicalClustering: a scikit-learn-style estimator over fastclust's trees.

It follows scikit-learn's estimator conventions (parameters stored by the
constructor, get_params / set_params, fit returning self, fitted attributes
ending in an underscore) without importing scikit-learn; when scikit-learn is
installed it passes ``sklearn.utils.estimator_checks.check_estimator`` in its
``n_clusters`` configurations (with ``distance_threshold`` set, the checks that
set ``n_clusters`` as well fail by design, as for scikit-learn's own
AgglomerativeClustering) and works inside a ``Pipeline``.
"""
from __future__ import annotations

import inspect
import math
import numbers

import numpy as np
from numpy.typing import NDArray

from ._methods import METHODS

__all__ = ["HierarchicalClustering"]

AGGLOMERATIVE = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
DIVISIVE = ("diana", "bisecting")
LINKAGES = AGGLOMERATIVE + DIVISIVE


class HierarchicalClustering:
    """Hierarchical clustering with the interface of scikit-learn's estimators.

    Builds the whole tree with :func:`fastclust.linkage` (agglomerative),
    :func:`fastclust.diana` or :func:`fastclust.bisecting` (divisive), keeps it
    as SciPy's linkage matrix, and cuts it into flat clusters, either into a
    given number of clusters or at a distance threshold.

    Parameters
    ----------
    n_clusters : int or None, default=2
        Number of clusters to find. Must be None when `distance_threshold`
        is given: exactly one of the two is set.
    linkage : {'ward', 'single', 'complete', 'average', 'weighted', 'centroid', \
'median', 'diana', 'bisecting'}, default='ward'
        How the tree is built. The first seven are the agglomerative methods
        of :func:`fastclust.linkage` (SciPy's names; 'weighted' is WPGMA,
        R's 'mcquitty'). 'diana' is divisive analysis
        (:func:`fastclust.diana`); 'bisecting' is bisecting 2-means
        (:func:`fastclust.bisecting`), whose heights are sums of squares, not
        dissimilarities. Divisive trees are cut exactly like agglomerative ones.
    metric : str or callable, default='euclidean'
        Any metric of :func:`fastclust.pdist`, a callable
        ``metric(u, v) -> float``, or 'precomputed': then `X` is a square
        symmetric distance matrix, or a condensed one (1-D, as returned by
        :func:`fastclust.pdist`). 'ward', 'centroid' and 'median' need
        'euclidean' (or 'precomputed' Euclidean distances); 'bisecting' needs
        'euclidean'.
    distance_threshold : float or None, default=None
        Cut the tree at this height instead of into `n_clusters` clusters:
        two observations end in one cluster when they are joined below the
        threshold. The comparison is strict, as in scikit-learn: a merge at
        exactly `distance_threshold` is not made (SciPy's
        ``fcluster(Z, t, 'distance')`` does make it).
    random_state : int, numpy.random.Generator or None, default=None
        Seed for 'bisecting' (ignored by the other linkages).
    workers : int or None, default=None
        Threads for distances and single linkage (see :func:`fastclust.linkage`).
    connectivity : sparse matrix, Graph, array_like or callable, default=None
        Merge only clusters that an edge of this graph joins (pixels next to
        each other, nearest neighbours): :func:`fastclust.linkage_graph`, with
        `linkage` 'ward', 'single', 'complete' or 'average' and observations
        `X`. A graph in several parts is never completed: the parts stay
        apart (`n_clusters` must be at least their number, which
        ``n_connected_components_`` gives), unlike scikit-learn, which adds
        edges between them.
    pairs : {'edges', 'all'}, default='edges'
        With `connectivity`: the distances 'single', 'complete' and 'average'
        see (see :func:`fastclust.linkage_graph`). 'edges' is scikit-learn's
        tree; 'all' makes every pair of points of two adjacent clusters count,
        so that with 'complete' no two points of a cluster found with
        `distance_threshold` t are t or more apart.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each observation, in 0 .. n_clusters_ - 1, numbered in order
        of first appearance (observation 0 is in cluster 0).
    n_clusters_ : int
        Number of clusters found.
    n_leaves_ : int
        Number of observations (leaves of the tree).
    n_features_in_ : int
        Number of columns of `X` seen during fit (n_samples for a square
        precomputed matrix, as in scikit-learn).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of `X`, when `X` has string column names (e.g. a
        pandas DataFrame).
    children_ : ndarray of shape (n_samples - 1, 2)
        Row i lists the two nodes merged at step i; ids below n_samples are
        observations and id n_samples + i is the node made at step i
        (scikit-learn's and SciPy's convention).
    distances_ : ndarray of shape (n_samples - 1,)
        Height of each merge (always computed, unlike scikit-learn).
    counts_ : ndarray of shape (n_samples - 1,)
        Number of observations under each merge.
    linkage_matrix_ : ndarray of shape (n_samples - 1, 4)
        SciPy's linkage matrix Z, for every tree function of fastclust or
        SciPy (``fcluster``, ``cophenet``, ``dendrogram``, ...). With a
        disconnected `connectivity`, its parts are joined at height +inf.
    n_connected_components_ : int
        Number of connected parts of `connectivity` (1 without it).

    See Also
    --------
    fastclust.linkage, fastclust.diana, fastclust.bisecting, fastclust.fcluster

    Notes
    -----
    With `n_clusters` = k the labels are those of the first n - k rows of
    the linkage matrix (the last k - 1 merges are undone); for trees
    without inversions this equals ``fcluster(Z, k, 'maxclust')`` and
    scikit-learn's AgglomerativeClustering. With `distance_threshold` = t,
    a row is kept when the highest merge in its subtree is below t (so
    inversions of 'centroid' and 'median' never split a cluster), and
    ``n_clusters_`` is the number of clusters that gives.

    Differences from scikit-learn's AgglomerativeClustering: the default
    cluster numbering (first appearance here); a disconnected
    `connectivity` is not completed; `distance_threshold` keeps every merge
    at or above it out of the clusters even when the heights have
    inversions (scikit-learn counts the merges at or above it and undoes
    that many of the last ones, which lets a higher merge through when the
    heights are not monotone, as with a connectivity graph); no `memory`
    or `compute_full_tree` (the full tree is always built); 'weighted',
    'centroid', 'median', 'diana' and 'bisecting' are extra.

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import HierarchicalClustering
    >>> X = np.array([[0.0], [1.0], [5.0], [7.0], [20.0]])
    >>> model = HierarchicalClustering(n_clusters=2, linkage="average").fit(X)
    >>> model.labels_
    array([0, 0, 0, 0, 1])
    >>> model.distances_
    array([ 1.  ,  2.  ,  5.5 , 16.75])

    A threshold is strict: the single-linkage merge at exactly 2.0 is not made.

    >>> HierarchicalClustering(None, distance_threshold=2.0, linkage="single").fit_predict(X)
    array([0, 0, 1, 2, 3])
    >>> HierarchicalClustering(None, distance_threshold=2.5, linkage="single").fit_predict(X)
    array([0, 0, 1, 1, 2])
    >>> HierarchicalClustering(2, linkage="diana").fit(X).labels_
    array([0, 0, 0, 0, 1])

    Along a graph: with edges only between neighbours on the line, 0.0 and
    20.0 cannot join without the points between them.

    >>> from fastclust import Graph
    >>> chain = Graph(5, [0, 1, 2, 3], [1, 2, 3, 4])
    >>> HierarchicalClustering(2, linkage="single", connectivity=chain).fit_predict(X)
    array([0, 0, 0, 0, 1])
    >>> parts = Graph(5, [0, 2], [1, 3])          # {0, 1}, {2, 3}, {4}: three parts
    >>> HierarchicalClustering(3, connectivity=parts).fit(X).n_connected_components_
    3
    """

    def __init__(self, n_clusters=2, *, linkage="ward", metric="euclidean",
                 distance_threshold=None, random_state=None, workers=None, connectivity=None,
                 pairs="edges"):
        self.n_clusters = n_clusters
        self.linkage = linkage
        self.metric = metric
        self.distance_threshold = distance_threshold
        self.random_state = random_state
        self.workers = workers
        self.connectivity = connectivity
        self.pairs = pairs

    # ---- scikit-learn's parameter protocol -------------------------------------------------

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True) -> dict:
        """Parameters of this estimator (scikit-learn's protocol).

        Parameters
        ----------
        deep : bool, default=True
            Accepted for compatibility; there are no nested estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.

        Examples
        --------
        >>> from fastclust import HierarchicalClustering
        >>> HierarchicalClustering(3).get_params()["n_clusters"]
        3
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params) -> "HierarchicalClustering":
        """Set parameters (scikit-learn's protocol); values are checked by fit.

        Parameters
        ----------
        **params : dict
            Parameter names and their new values.

        Returns
        -------
        self : HierarchicalClustering

        Raises
        ------
        ValueError
            For a name that is not a parameter of this estimator.

        Examples
        --------
        >>> from fastclust import HierarchicalClustering
        >>> HierarchicalClustering().set_params(linkage="average").linkage
        'average'
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator "
                                 f"{type(self).__name__}; valid parameters are "
                                 f"{', '.join(valid)}.")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {name: p.default for name, p in
                    inspect.signature(type(self).__init__).parameters.items()}
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name)
            default = defaults.get(name, inspect.Parameter.empty)
            if value is not default and (default is None or isinstance(value, np.ndarray)
                                         or value != default):
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __sklearn_tags__(self):
        """scikit-learn's estimator tags (only called by scikit-learn, which it imports)."""
        from sklearn.utils import InputTags, Tags, TargetTags

        precomputed = isinstance(self.metric, str) and self.metric.lower() == "precomputed"
        return Tags(estimator_type="clusterer", target_tags=TargetTags(required=False),
                    input_tags=InputTags(pairwise=precomputed, positive_only=precomputed))

    # ---- fitting ---------------------------------------------------------------------------

    def fit(self, X, y=None) -> "HierarchicalClustering":
        """Build the tree of `X` and cut it into flat clusters.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), or (n_samples, n_samples) \
or (n_samples * (n_samples - 1) // 2,) when metric='precomputed'
            Observations, or distances between them.
        y : None
            Ignored; present for the scikit-learn API.

        Returns
        -------
        self : HierarchicalClustering
            The fitted estimator.

        Raises
        ------
        ValueError
            For invalid parameters (named in the message), fewer than 2
            samples, NaN or infinite values, complex data, or a linkage that
            the metric does not allow.
        TypeError
            For sparse or non-numeric input, or parameters of the wrong type.

        Examples
        --------
        >>> from fastclust import HierarchicalClustering
        >>> HierarchicalClustering(2).fit([[0.0], [1.0], [9.0]]).n_clusters_
        2
        """
        params = self._checked_params()
        data, n, n_features, names = self._checked_input(X, params["metric"])
        if params["n_clusters"] is not None and params["n_clusters"] > n:
            raise ValueError(f"`n_clusters` must be at most the number of samples "
                             f"(n_samples={n}); got {params['n_clusters']}.")
        Z = self._tree(data, params)
        n_parts = int(np.count_nonzero(Z[:, 2] == np.inf)) + 1 if self.connectivity is not None else 1
        if params["n_clusters"] is not None and params["n_clusters"] < n_parts:
            raise ValueError(f"`n_clusters`={params['n_clusters']} is fewer than the {n_parts} "
                             "connected parts of `connectivity`, and clusters never span two "
                             f"parts: use n_clusters >= {n_parts} or a distance_threshold.")
        self.n_connected_components_ = n_parts
        self.linkage_matrix_ = Z
        self.children_ = Z[:, :2].astype(np.intp)
        self.distances_ = Z[:, 2].copy()
        self.counts_ = Z[:, 3].astype(np.intp)
        self.n_leaves_ = n
        self.n_features_in_ = n_features
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        if params["n_clusters"] is not None:
            from ._tree import _labels_by_count

            self.labels_ = _labels_by_count(Z, params["n_clusters"])
        else:
            self.labels_ = _cut_below(Z, n, params["distance_threshold"])
        self.n_clusters_ = int(self.labels_.max()) + 1
        return self

    def fit_predict(self, X, y=None) -> NDArray[np.intp]:
        """Fit and return `labels_`.

        Parameters
        ----------
        X : array_like
            As for :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each observation.

        Examples
        --------
        >>> from fastclust import HierarchicalClustering
        >>> HierarchicalClustering(2).fit_predict([[0.0], [1.0], [9.0]])
        array([0, 0, 1])
        """
        return self.fit(X, y).labels_

    def plot_dendrogram(self, ax=None, **kwargs):
        """Draw the fitted tree with ``fastclust.plot.dendrogram`` (needs matplotlib).

        By default the links are coloured by the fitted clusters
        (``n_clusters=self.n_clusters_``, exact by merge order).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure by default.
        **kwargs
            Passed on to ``fastclust.plot.dendrogram`` (e.g. ``labels``,
            ``orientation``, ``cut_line=True``, or ``color_threshold`` instead
            of the fitted clusters).

        Returns
        -------
        matplotlib.axes.Axes

        Raises
        ------
        ValueError
            If the estimator is not fitted.
        ImportError
            If matplotlib (or fastclust's plotting module) is not available.
        """
        if not hasattr(self, "linkage_matrix_"):
            raise ValueError(f"This {type(self).__name__} instance is not fitted yet; "
                             f"call fit before plot_dendrogram.")
        try:
            from . import plot
        except ImportError as exc:
            raise ImportError("plot_dendrogram needs matplotlib and fastclust.plot "
                              f"(pip install matplotlib): {exc}") from exc
        if "n_clusters" not in kwargs and "color_threshold" not in kwargs:
            kwargs["n_clusters"] = self.n_clusters_
        return plot.dendrogram(self.linkage_matrix_, ax=ax, **kwargs)

    # ---- helpers ---------------------------------------------------------------------------

    def _checked_params(self) -> dict:
        """The parameters, validated, with canonical names; ValueError/TypeError naming them."""
        n_clusters, threshold = self.n_clusters, self.distance_threshold
        if (n_clusters is None) == (threshold is None):
            raise ValueError(
                "Exactly one of `n_clusters` and `distance_threshold` must be set (the other "
                f"None); got n_clusters={n_clusters!r} and distance_threshold={threshold!r}.")
        if n_clusters is not None:
            if not isinstance(n_clusters, numbers.Integral) or isinstance(n_clusters, bool):
                raise TypeError(f"`n_clusters` must be an integer or None; got {n_clusters!r}.")
            if n_clusters < 1:
                raise ValueError(f"`n_clusters` must be at least 1; got {n_clusters}.")
            n_clusters = int(n_clusters)
        if threshold is not None:
            if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
                raise TypeError(f"`distance_threshold` must be a real number or None; "
                                f"got {threshold!r}.")
            if math.isnan(threshold) or threshold < 0:
                raise ValueError(f"`distance_threshold` must be a non-negative number; "
                                 f"got {threshold!r}.")
            threshold = float(threshold)
        linkage = self.linkage
        if not isinstance(linkage, str) or linkage.lower() not in LINKAGES:
            valid = ", ".join(repr(m) for m in LINKAGES)
            raise ValueError(f"`linkage` must be one of {valid}; got {linkage!r}.")
        linkage = linkage.lower()
        metric = self.metric
        if isinstance(metric, str) and metric.lower() == "precomputed":
            metric = "precomputed"
        elif not callable(metric):
            from ._distance import check_metric

            metric = check_metric(metric)
        euclidean_only = linkage == "bisecting" or (linkage in METHODS
                                                    and METHODS[linkage].euclidean_only)
        allowed = ("euclidean",) if linkage == "bisecting" else ("euclidean", "precomputed")
        if euclidean_only and metric not in allowed:
            raise ValueError(f"`linkage={linkage!r}` requires metric="
                             f"{' or '.join(repr(m) for m in allowed)}; got metric={self.metric!r}.")
        if self.connectivity is not None:
            from ._connectivity import GRAPH_METHODS, GRAPH_METRICS

            if linkage not in GRAPH_METHODS:
                raise ValueError(f"`linkage` must be one of {', '.join(map(repr, GRAPH_METHODS))} "
                                 f"with `connectivity`; got {self.linkage!r}.")
            if metric == "precomputed" or callable(metric) or metric not in GRAPH_METRICS:
                raise ValueError(f"`metric` must be one of {', '.join(map(repr, GRAPH_METRICS))} "
                                 f"with `connectivity`; got {self.metric!r}.")
            if self.pairs not in ("edges", "all"):
                raise ValueError(f"`pairs` must be 'edges' or 'all'; got {self.pairs!r}.")
        if linkage == "bisecting":
            from ._divisive import _as_generator

            _as_generator(self.random_state)        # raises for a bad seed
        from ._validation import resolve_workers

        resolve_workers(self.workers)
        return dict(n_clusters=n_clusters, distance_threshold=threshold, linkage=linkage,
                    metric=metric)

    def _checked_input(self, X, metric):
        """X as float64 (condensed if precomputed), n_samples, n_features_in_, column names.

        Errors use scikit-learn's wording where its common checks expect it.
        """
        if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
            raise TypeError("A sparse matrix was passed for `X`, but sparse input is not "
                            "supported; convert it with X.toarray().")
        columns = getattr(X, "columns", None)
        try:
            arr = X if isinstance(X, np.ndarray) else np.asarray(X)
        except (TypeError, ValueError) as exc:     # ragged lists and the like
            raise ValueError(f"`X` could not be converted to an array: {exc}") from None
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: `X` must be real-valued; "
                             f"got dtype {arr.dtype}.")
        arr = arr.astype(np.float64, copy=False)     # TypeError for non-numbers
        names = None
        if (columns is not None and arr.ndim == 2 and len(columns) == arr.shape[1]
                and all(isinstance(c, str) for c in columns)):
            names = np.asarray(list(columns), dtype=object)
        precomputed = metric == "precomputed"
        if arr.ndim == 1 and precomputed:
            from ._validation import num_obs_condensed

            n = num_obs_condensed(arr.shape[0], "X") if arr.shape[0] else 0
            n_features = n
        elif arr.ndim == 2:
            n, n_features = arr.shape
        else:
            raise ValueError(
                f"`X` must be a 2-D array of shape (n_samples, n_features)"
                f"{' or a condensed distance matrix' if precomputed else ''}; got "
                f"{arr.ndim} dimension(s). Reshape 1-D data with X.reshape(-1, 1) for one "
                "feature.")
        if arr.size and not np.isfinite(arr).all():
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
            raise ValueError(f"`X` must not contain NaN or inf; entry {list(bad)} is "
                             f"{arr[bad]}.")
        if n_features == 0:
            raise ValueError(f"`X` has 0 feature(s) (shape={arr.shape}) while a minimum of 1 "
                             "is required.")
        if n < 2:
            raise ValueError(f"`X` must hold at least 2 samples to build a tree; "
                             f"got n_samples={n}.")
        if precomputed:
            arr = _condensed_distances(arr)
        return arr, n, n_features, names

    def _tree(self, data, params) -> NDArray[np.float64]:
        from ._divisive import bisecting, diana
        from ._linkage import linkage as build

        linkage, metric = params["linkage"], params["metric"]
        if self.connectivity is not None:
            from ._connectivity import linkage_graph

            return linkage_graph(data, self.connectivity, linkage, metric, pairs=self.pairs)
        if linkage == "bisecting":
            return bisecting(data, random_state=self.random_state)
        y = data
        if metric == "precomputed":
            metric = "euclidean"                # y is condensed: the metric is not used
        if linkage == "diana":
            return diana(y, metric=metric, workers=self.workers)
        return build(y, linkage, metric=metric, workers=self.workers)


def _condensed_distances(arr: np.ndarray) -> np.ndarray:
    """The condensed form of a precomputed distance matrix (square or condensed already).

    Like scikit-learn, a square matrix only needs to be symmetric up to rounding
    (pairwise_distances is not exactly symmetric); its upper triangle is used.
    """
    if arr.size and arr.min() < 0:
        k = tuple(int(i) for i in np.unravel_index(np.argmin(arr), arr.shape))
        raise ValueError(f"Negative values in data passed to `X` (metric='precomputed'): "
                         f"distances must be non-negative; entry {list(k)} is {arr[k]}.")
    if arr.ndim == 2:
        n = arr.shape[0]
        if arr.shape[1] != n:
            raise ValueError(f"`X` must be a square distance matrix (or a condensed one) with "
                             f"metric='precomputed'; got shape {arr.shape}.")
        scale = float(np.abs(arr).max()) if arr.size else 0.0
        tol = 1e-10 * scale
        asym = np.abs(arr - arr.T)
        if asym.max() > tol:
            i, j = (int(k) for k in np.unravel_index(np.argmax(asym), asym.shape))
            raise ValueError(f"`X` must be a symmetric distance matrix with "
                             f"metric='precomputed'; entry [{i}, {j}] is {arr[i, j]} but "
                             f"[{j}, {i}] is {arr[j, i]}.")
        diag = np.abs(np.diagonal(arr))
        if diag.max() > tol:
            i = int(np.argmax(diag))
            raise ValueError(f"`X` must have a zero diagonal with metric='precomputed'; "
                             f"entry [{i}, {i}] is {arr[i, i]}.")
        arr = arr[np.triu_indices(n, 1)]
    return np.ascontiguousarray(arr)


def _cut_below(Z, n: int, threshold: float) -> NDArray[np.intp]:
    """Labels joining the rows whose subtree's highest merge is strictly below `threshold`."""
    from ._tree import _labels_by_height

    return _labels_by_height(Z, threshold, strict=True)
