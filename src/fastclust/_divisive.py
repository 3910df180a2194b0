"""Divisive clustering (DIANA, bisecting 2-means) and the agglomerative / divisive coefficients.

Both divisive methods return SciPy's linkage matrix: each split of a cluster C
becomes the row that merges its two parts at the height of C, so that every
tree function of fastclust (fcluster, cut_tree, cophenet, dendrogram, ...)
works on the result.
"""
from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._distance import as_observations
from ._methods import METHODS
from ._validation import raise_for_status

__all__ = ["diana", "bisecting", "divisive_coefficient", "agglomerative_coefficient"]


def _splits_to_linkage(a, b, h, n: int) -> NDArray[np.float64]:
    """Z from splits made largest-first: the rows are the splits in reverse order."""
    from ._relabel import label_merges

    Z = np.empty((n - 1, 4), dtype=np.float64)
    order = np.arange(n - 2, -1, -1, dtype=np.intp)
    label_merges(a, b, h, order, n, Z)
    return Z


def diana(y: ArrayLike, metric="euclidean", *, workers=None) -> NDArray[np.float64]:
    """Divisive analysis (DIANA): the splinter-group hierarchy as a linkage matrix.

    Starting from all observations, the cluster of largest diameter (largest
    dissimilarity between two of its members) is split in two, until every
    cluster is a single observation. A split starts a splinter group with the
    member of largest average dissimilarity to the others; then, one at a
    time, it moves the member whose average dissimilarity to the rest minus
    its average dissimilarity to the splinter group is largest, while that
    difference is positive. This is R's ``cluster::diana`` (Kaufman and
    Rousseeuw, chapter 6).

    Parameters
    ----------
    y : array_like of shape (n * (n - 1) // 2,) or (n, d)
        A condensed distance matrix, or n observations in d dimensions (then
        distances are computed with `metric`). Must be finite and, as
        distances, non-negative.
    metric : str or callable, default='euclidean'
        Used only when `y` holds observations: any metric of :func:`pdist`, a
        callable ``metric(u, v) -> float``, or 'precomputed' when `y` is a
        square symmetric distance matrix.
    workers : int, optional
        Threads for computing distances from observations (see :func:`pdist`).
        The split procedure runs on one thread.

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix. Each row is one split, read bottom-up: it
        joins the two parts ``Z[s, 0]`` and ``Z[s, 1]`` of a cluster of
        ``Z[s, 3]`` observations at ``Z[s, 2]``, that cluster's diameter.
        Heights never decrease (a part's diameter is at most its whole's).

    Raises
    ------
    ValueError
        For fewer than 2 observations, a wrong length or shape, NaN, infinite
        or negative distances, or an unknown metric.
    TypeError
        For complex or non-numeric input.

    See Also
    --------
    divisive_coefficient : R's ``dc`` for the returned tree.
    bisecting : a faster divisive method for large n (vectors only).
    linkage : agglomerative clustering.

    Notes
    -----
    Complexity: splitting a cluster of m members costs O(m^2) (one pass
    over its pairs for the diameter and the members' sums of distances,
    then O(m) per member moved, with running sums), so the whole tree costs
    O(n^2 * depth): O(n^2 log n) for balanced trees, O(n^3) in the worst
    case (a tree of depth n). Memory: O(n) besides the distances, which are
    read, never copied or written (a condensed float64 input is used as is).

    Ties follow R's ``cluster::diana``, so that the result is reproducible
    and equal to R's: the splinter group starts with the smallest-index
    observation among those of largest average dissimilarity; each move
    takes the smallest-index observation among those of largest difference,
    and only a difference > 0 moves (0 stops the split). The difference is
    computed in R's floating-point form, ``(T - S) / (b - 1) - S / a`` for a
    splinter group of `a` and a rest of `b` observations, with T and S an
    observation's sums of distances to its whole cluster and to the
    splinter group; for integer-valued distances T and S are exact, so
    ties are decided exactly as in R. Clusters of equal diameter are split
    in the order they were made (the split order does not change the tree);
    rows of Z are the splits in reverse order, so equal heights keep
    children before their parents.

    References
    ----------
    .. [1] L. Kaufman and P. J. Rousseeuw, "Finding Groups in Data: An
       Introduction to Cluster Analysis", Wiley, 1990, chapter 6.
    .. [2] M. Maechler et al., R package ``cluster``, function ``diana``.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> X = np.array([[0.0], [1.0], [5.0], [7.0]])
    >>> fastclust.diana(X)
    array([[0., 1., 1., 2.],
           [2., 3., 2., 2.],
           [4., 5., 7., 4.]])
    >>> fastclust.fcluster(fastclust.diana(X), 2, "maxclust")
    array([1, 1, 2, 2], dtype=int32)
    """
    from ._diana import diana_splits
    from ._linkage import _working_condensed

    # Single linkage's input path: read only, no copy of a float64 condensed array.
    dists, n, _, _ = _working_condensed(y, METHODS["single"], metric, True, workers)
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    status = diana_splits(dists, n, a, b, h)
    raise_for_status(status, "diana")
    return _splits_to_linkage(a, b, h, n)


def bisecting(X: ArrayLike, *, random_state=None, max_iter: int = 100) -> NDArray[np.float64]:
    """Bisecting 2-means: a divisive hierarchy of vectors, as a linkage matrix.

    Starting from all observations, the cluster with the largest sum of
    squared distances to its mean is split in two by 2-means (Lloyd's
    algorithm from a k-means++ start), until every cluster is a single
    observation. Much faster than :func:`diana` for large n: it never forms
    the n^2 distances.

    Parameters
    ----------
    X : array_like of shape (n, d)
        n observations in d dimensions (finite). Euclidean geometry.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the k-means++ starts. An int gives the same tree on every run
        and every machine; None draws fresh entropy.
    max_iter : int, default=100
        Maximum number of Lloyd iterations per split (a split stops earlier
        when no observation changes side).

    Returns
    -------
    Z : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix, one row per split read bottom-up. The height
        ``Z[s, 2]`` is the within-cluster sum of squares of the cluster that
        was split (in squared units of X). Heights never decrease, so
        ``fcluster(Z, k, 'maxclust')`` gives the k clusters of the first
        k - 1 splits, but they are not a dissimilarity between the two parts:
        cophenetic distances and dendrogram heights mean "sum of squares of
        the smallest cluster holding both", not a distance.

    Raises
    ------
    ValueError
        For fewer than 2 observations, input that is not 2-D, NaN or infinite
        values, or `max_iter` < 1.
    TypeError
        For complex or non-numeric input, or a `random_state` or `max_iter`
        of the wrong type.

    See Also
    --------
    diana : the classical divisive method (any dissimilarity).

    Notes
    -----
    Complexity: a split of m observations costs O(m d) per Lloyd
    iteration, so the tree costs O(n d I depth) for at most I iterations
    per split, O(n d I log n) when splits are balanced; memory O(n + d).

    A split starts with centre 1 at the member chosen by a uniform draw and
    centre 2 drawn with probability proportional to the squared distance to
    centre 1; split k uses draws 2k and 2k + 1 of ``random_state``, so the
    tree is a function of X and the seed. An observation equally close to both
    centres joins centre 1. If all members coincide, the first member is
    split off. Clusters of equal sum of squares are split in the order they
    were made; a part's sum of squares is capped at its whole's, so rounding
    never makes heights decrease.

    References
    ----------
    .. [1] M. Steinbach, G. Karypis and V. Kumar, "A comparison of document
       clustering techniques", KDD Workshop on Text Mining, 2000.
    .. [2] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> X = np.array([[0.0], [1.0], [5.0], [7.0]])
    >>> Z = fastclust.bisecting(X, random_state=0)
    >>> Z
    array([[ 0.  ,  1.  ,  0.5 ,  2.  ],
           [ 2.  ,  3.  ,  2.  ,  2.  ],
           [ 4.  ,  5.  , 32.75,  4.  ]])
    >>> fastclust.fcluster(Z, 2, "maxclust")
    array([1, 1, 2, 2], dtype=int32)
    """
    from ._bisect import bisect_splits

    arr = as_observations(X, "X")
    n = arr.shape[0]
    if n < 2:
        raise ValueError(f"`X` must hold at least 2 observations (rows); got {n}.")
    if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool):
        raise TypeError(f"`max_iter` must be an integer; got {max_iter!r}.")
    if max_iter < 1:
        raise ValueError(f"`max_iter` must be at least 1; got {max_iter}.")
    rng = _as_generator(random_state)
    u = rng.random(2 * (n - 1))
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    status = bisect_splits(arr, u, int(max_iter), a, b, h)
    raise_for_status(status, "bisecting")
    return _splits_to_linkage(a, b, h, n)


def _as_generator(random_state) -> np.random.Generator:
    if random_state is None or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"`random_state` must be a non-negative integer, a "
                             f"numpy.random.Generator or None; got {random_state!r}.")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    raise TypeError(f"`random_state` must be an int, a numpy.random.Generator or None; "
                    f"got {random_state!r}.")


def _banner_coefficient(Z, name: str) -> float:
    from ._tree import _check_linkage

    Z, _, n = _check_linkage(Z, name)
    if n < 2:
        raise ValueError(f"`{name}` must describe at least 2 observations; got {n}.")
    top = float(Z[:, 2].max())
    # The height at which each observation first joins (or is last split off):
    # the row where it appears as a child.
    ids = Z[:, :2].astype(np.intp)
    first = np.empty(n, dtype=np.float64)
    leaf = ids < n
    rows = np.broadcast_to(np.arange(n - 1)[:, None], ids.shape)
    first[ids[leaf]] = Z[rows[leaf], 2]
    if top == 0.0:
        return float("nan")
    return float(np.mean(1.0 - first / top))


def divisive_coefficient(Z: ArrayLike) -> float:
    """R's divisive coefficient ``dc`` of a divisive tree (e.g. from :func:`diana`).

    For each observation i, let d(i) be the diameter of the last cluster it
    belonged to before it was split off as a single observation; the
    coefficient is the mean of ``1 - d(i) / D`` with D the diameter of the
    whole data set. Values near 1 mean a strong clustering structure.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (n >= 2), usually from :func:`diana`.

    Returns
    -------
    dc : float
        In [0, 1] for non-negative heights; NaN when every height is 0.

    Raises
    ------
    ValueError, TypeError
        When `Z` is not a valid linkage matrix.

    See Also
    --------
    agglomerative_coefficient : the same formula for an agglomerative tree.

    Notes
    -----
    In a linkage matrix d(i) is the height of the row in which i appears,
    and D the largest height, so this is the same computation as
    :func:`agglomerative_coefficient`; the two names follow R (``dc`` of
    ``diana``, ``ac`` of ``agnes`` and ``coef.hclust``). O(n).

    Examples
    --------
    >>> import fastclust
    >>> X = [[0.0], [1.0], [5.0], [7.0]]
    >>> round(fastclust.divisive_coefficient(fastclust.diana(X)), 4)
    0.7857
    """
    return _banner_coefficient(Z, "Z")


def agglomerative_coefficient(Z: ArrayLike) -> float:
    """R's agglomerative coefficient (``coef.hclust``, ``agnes()$ac``) of a linkage matrix.

    For each observation i, let m(i) be the height of the first merge that
    involves it; the coefficient is the mean of ``1 - m(i) / M`` with M the
    height of the last merge.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (n >= 2), e.g. from :func:`linkage`.

    Returns
    -------
    ac : float
        In [0, 1] for monotone trees; NaN when every height is 0.

    Raises
    ------
    ValueError, TypeError
        When `Z` is not a valid linkage matrix.

    See Also
    --------
    divisive_coefficient : the same formula, named for divisive trees.

    Notes
    -----
    M is the largest height in `Z` (for monotone trees, the last merge). The
    coefficient grows with n, so compare it only between data sets of similar
    size (Kaufman and Rousseeuw, section 5.1). O(n).

    Examples
    --------
    >>> import fastclust
    >>> X = [[0.0], [1.0], [5.0], [7.0]]
    >>> round(fastclust.agglomerative_coefficient(fastclust.linkage(X, "average")), 4)
    0.7273
    """
    return _banner_coefficient(Z, "Z")
