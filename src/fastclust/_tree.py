"""The tree toolkit: what scipy.cluster.hierarchy does with a linkage matrix.

Predicates and conversions, flat clusters (fcluster, fclusterdata, leaders,
cut_tree), statistics (cophenet, inconsistent, maxdists, maxinconsts,
maxRstat), trees (to_tree, ClusterNode, leaves_list) and DisjointSet. Names,
signatures, results and label conventions are SciPy's. Nothing recurses: the
walks over a tree are loops in _tree_kernels.pyx (or explicit stacks here), so
chained trees of any depth work.

Every function that takes `Z` validates it once (``_check_linkage``) and hands
the kernels the child ids as an intp array; the kernels trust it.
"""
from __future__ import annotations

import gc
import math
import numbers
import warnings

import numpy as np
from numpy.typing import NDArray

from . import _tree_kernels as _k
from ._validation import (ClusterWarning, as_float_array, caller_stacklevel, check_finite,
                          num_obs_condensed)

__all__ = [
    "ClusterNode",
    "DisjointSet",
    "cophenet",
    "cophenetic_correlation",
    "correspond",
    "cut_tree",
    "fcluster",
    "fclusterdata",
    "from_mlab_linkage",
    "inconsistent",
    "is_isomorphic",
    "is_monotonic",
    "is_valid_im",
    "is_valid_linkage",
    "leaders",
    "leaves_list",
    "maxRstat",
    "maxdists",
    "maxinconsts",
    "num_obs_linkage",
    "to_mlab_linkage",
    "to_tree",
]

CRITERIA = ("inconsistent", "distance", "maxclust", "monocrit", "maxclust_monocrit")


# ---------------------------------------------------------------------------------------
# validation


def _linkage_problem(Z: np.ndarray, name: str | None):
    """(exception class, message) for the first rule `Z` breaks, or None if it is valid.

    SciPy's rules (float64, 2-D, 4 columns, at least one row, no negative ids,
    heights or counts, counts at most n, ids formed before use, each id used
    once), plus two SciPy does not check: all entries finite but for +inf
    heights, ids integral.
    """
    what = f"Linkage matrix `{name}`" if name else "Linkage matrix"
    if Z.dtype != np.float64:
        return TypeError, f"{what} must contain float64 values (doubles); got dtype {Z.dtype}."
    if Z.ndim != 2 or Z.shape[1] != 4:
        return ValueError, f"{what} must have shape (n - 1, 4); got shape {Z.shape}."
    rows = Z.shape[0]
    if rows == 0:
        return ValueError, (f"{what} must have at least one row (linkage needs at least two "
                            f"observations); got shape {Z.shape}.")
    n = rows + 1
    # Heights may be +inf, as SciPy allows: linkage_graph joins the parts of a
    # disconnected graph there. Anything else must be finite.
    bad = ~np.isfinite(Z)
    bad[:, 2] &= Z[:, 2] != np.inf
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        return ValueError, f"{what} must contain only finite values; entry [{r}, {c}] is {Z[r, c]}."
    ids = Z[:, :2]

    def first(mask):
        return int(np.flatnonzero(mask.reshape(rows, -1).any(axis=1))[0])

    checks = (
        (ids < 0, "contains negative cluster ids"),
        (ids != np.floor(ids), "contains cluster ids that are not integers"),
        (Z[:, 2] < 0, "contains negative distances"),
        # SciPy skips every check on one row; its tests use [[0, 1, 0.3, 4]].
        (Z[:, 3] < 0 if rows > 1 else np.False_, "contains negative counts"),
        (Z[:, 3] > n if rows > 1 else np.False_,
         f"contains excessive observations in a cluster (a count above n = {n})"),
        (ids.max(axis=1) >= n + np.arange(rows),
         "uses a non-singleton cluster before it is formed (row s may use ids below n + s)"),
        (ids[:, 0] == ids[:, 1], "joins a cluster with itself"),
    )
    for mask, rule in checks:
        if mask.any():
            s = first(mask)
            return ValueError, f"{what} {rule}; row {s} is {Z[s].tolist()}."
    counts = np.bincount(ids.astype(np.intp).ravel(), minlength=2 * n - 1)
    if counts.max() > 1:
        twice = int(np.argmax(counts))
        where = np.flatnonzero((ids == twice).any(axis=1)).tolist()
        return ValueError, (f"{what} uses the same cluster more than once; id {twice} is "
                            f"merged in rows {where}.")
    return None


def _check_linkage(Z, name: str = "Z") -> tuple[NDArray[np.float64], NDArray[np.intp], int]:
    """Z as a float64 array, its child ids as an (n - 1, 2) intp array, and n.

    Raises TypeError or ValueError (naming `name`, the rule and the value) when
    Z is not a valid linkage matrix. Nothing is mutated.
    """
    arr = as_float_array(Z, name)
    problem = _linkage_problem(arr, name)
    if problem is not None:
        raise problem[0](problem[1])
    children = np.ascontiguousarray(arr[:, :2], dtype=np.intp)
    return arr, children, arr.shape[0] + 1


def _check_im(R, rows: int, name: str = "R") -> NDArray[np.float64]:
    """R as a float64 inconsistency matrix with `rows` rows; TypeError/ValueError otherwise."""
    arr = as_float_array(R, name)
    problem = _im_problem(arr, name)
    if problem is not None:
        raise problem[0](problem[1])
    if arr.shape[0] != rows:
        raise ValueError(f"`{name}` must have one row per row of `Z` ({rows}); "
                         f"got {arr.shape[0]} rows.")
    return arr


def _im_problem(R: np.ndarray, name: str | None):
    what = f"Inconsistency matrix `{name}`" if name else "Inconsistency matrix"
    if R.dtype != np.float64:
        return TypeError, f"{what} must contain float64 values (doubles); got dtype {R.dtype}."
    if R.ndim != 2 or R.shape[1] != 4:
        return ValueError, f"{what} must have shape (n - 1, 4); got shape {R.shape}."
    if R.shape[0] == 0:
        return ValueError, f"{what} must have at least one row; got shape {R.shape}."
    if np.isnan(R).any():
        r, c = (int(v) for v in np.argwhere(np.isnan(R))[0])
        return ValueError, f"{what} must not contain NaN; entry [{r}, {c}] is NaN."
    for col, what_col in ((0, "link height means"), (1, "link height standard deviations"),
                          (2, "link counts")):
        if (R[:, col] < 0).any():
            s = int(np.flatnonzero(R[:, col] < 0)[0])
            return ValueError, f"{what} contains negative {what_col}; row {s} is {R[s].tolist()}."
    return None


def _report(problem, warning: bool, throw: bool) -> bool:
    if problem is None:
        return True
    if throw:
        raise problem[0](problem[1])
    if warning:
        warnings.warn(problem[1], ClusterWarning, stacklevel=caller_stacklevel())
    return False


def _check_real(value, name: str, *, allow_inf: bool = True) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number; got {value!r}.")
    value = float(value)
    if math.isnan(value) or (not allow_inf and math.isinf(value)):
        raise ValueError(f"`{name}` must be a {'finite ' if not allow_inf else ''}number, "
                         f"not {value}.")
    return value


def _check_int(value, name: str, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be an integer; got {value!r}.")
    if value != math.floor(value) or value < low:
        raise ValueError(f"`{name}` must be an integer >= {low}; got {value!r}.")
    return int(value)


def _check_condensed(Y, n: int, name: str = "Y") -> NDArray[np.float64]:
    arr = as_float_array(Y, name)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a condensed distance matrix (1-D); "
                         f"got {arr.ndim} dimension(s).")
    m = num_obs_condensed(arr.shape[0], name)
    if m != n:
        raise ValueError(f"`{name}` describes {m} observations but `Z` describes {n}; "
                         f"its length must be {n * (n - 1) // 2}.")
    check_finite(arr, name)
    return np.ascontiguousarray(arr)


# ---------------------------------------------------------------------------------------
# predicates and conversions


def is_valid_linkage(Z, warning=False, throw=False, name=None) -> bool:
    """Check whether `Z` is a valid linkage matrix.

    Parameters
    ----------
    Z : array_like
        The candidate linkage matrix. It must already be float64: no
        conversion is made.
    warning : bool, default=False
        Issue a :class:`ClusterWarning` describing the first problem found.
    throw : bool, default=False
        Raise TypeError or ValueError describing the first problem found.
    name : str, optional
        The variable name used in the messages.

    Returns
    -------
    bool
        True if `Z` is a valid linkage matrix.

    Raises
    ------
    TypeError, ValueError
        With ``throw=True``, when `Z` is not valid.

    Notes
    -----
    The rules are SciPy's: a float64 array of shape (n - 1, 4) with at least
    one row; non-negative ids, heights and counts; no count above n; row s
    only uses ids below n + s; and no id used twice. fastclust also requires
    finite entries (but for heights, which may be +inf, as for the joins of
    the parts of a disconnected graph in :func:`linkage_graph`) and integral
    ids (SciPy accepts NaN ids). With one row,
    SciPy checks nothing; fastclust then still checks everything but the
    count. Counts are not checked against the tree (:func:`to_tree` does that).

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import is_valid_linkage
    >>> is_valid_linkage(np.array([[0., 1., 1., 2.], [2., 3., 2., 3.]]))
    True
    >>> is_valid_linkage(np.array([[0., 1., 1., 2.], [1., 3., 2., 3.]]))
    False
    """
    arr = np.asarray(Z)
    return _report(_linkage_problem(arr, name), warning, throw)


def is_valid_im(R, warning=False, throw=False, name=None) -> bool:
    """Check whether `R` is a valid inconsistency matrix.

    Parameters
    ----------
    R : array_like
        The candidate inconsistency matrix (as returned by :func:`inconsistent`).
        It must already be float64.
    warning : bool, default=False
        Issue a :class:`ClusterWarning` describing the first problem found.
    throw : bool, default=False
        Raise TypeError or ValueError describing the first problem found.
    name : str, optional
        The variable name used in the messages.

    Returns
    -------
    bool
        True if `R` is a float64 (k, 4) array, k >= 1, without NaN and with
        non-negative means, standard deviations and counts.

    Raises
    ------
    TypeError, ValueError
        With ``throw=True``, when `R` is not valid.

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import inconsistent, is_valid_im, linkage
    >>> R = inconsistent(linkage([[0.], [1.], [5.], [7.]]))
    >>> is_valid_im(R)
    True
    >>> is_valid_im(-R)
    False
    """
    arr = np.asarray(R)
    return _report(_im_problem(arr, name), warning, throw)


def num_obs_linkage(Z) -> int:
    """Number of observations of the linkage matrix `Z`: its number of rows plus one.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).

    Returns
    -------
    int
        n.

    Examples
    --------
    >>> from fastclust import linkage, num_obs_linkage
    >>> num_obs_linkage(linkage([[0.], [1.], [5.], [7.]]))
    4
    """
    return _check_linkage(Z)[2]


def is_monotonic(Z) -> bool:
    """Whether the merge heights of `Z` never decrease from one row to the next.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).

    Returns
    -------
    bool
        False when the tree has inversions (possible with 'centroid' and 'median').

    Examples
    --------
    >>> from fastclust import is_monotonic, linkage
    >>> X = [[0., 0.], [1., 0.], [0.5, 0.9]]
    >>> is_monotonic(linkage(X, "single")), is_monotonic(linkage(X, "centroid"))
    (True, False)
    """
    arr, _, _ = _check_linkage(Z)
    return bool((arr[1:, 2] >= arr[:-1, 2]).all())


def correspond(Z, Y) -> bool:
    """Whether the linkage matrix `Z` and the condensed distances `Y` have the same n.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    Y : array_like of shape (m * (m - 1) // 2,)
        A condensed distance matrix (validated: finite, 1-D, a valid length).

    Returns
    -------
    bool
        True if m == n.

    Examples
    --------
    >>> from fastclust import correspond, linkage, pdist
    >>> X = [[0.], [1.], [5.], [7.]]
    >>> correspond(linkage(X), pdist(X)), correspond(linkage(X), pdist(X[:3]))
    (True, False)
    """
    _, _, n = _check_linkage(Z)
    arr = as_float_array(Y, "Y")
    if arr.ndim != 1:
        raise ValueError(f"`Y` must be a condensed distance matrix (1-D); "
                         f"got {arr.ndim} dimension(s).")
    check_finite(arr, "Y")
    return num_obs_condensed(arr.shape[0], "Y") == n


def is_isomorphic(T1, T2) -> bool:
    """Whether two flat cluster assignments are the same partition up to relabelling.

    Parameters
    ----------
    T1, T2 : array_like of shape (n,)
        Flat cluster labels (any hashable-by-value numbers or strings).

    Returns
    -------
    bool
        True if ``T1[i] == T1[j]`` exactly when ``T2[i] == T2[j]``.

    Raises
    ------
    ValueError
        If either is not 1-D or their lengths differ.

    Notes
    -----
    O(n log n): sort by T1 and compare where the labels change.

    Examples
    --------
    >>> from fastclust import is_isomorphic
    >>> is_isomorphic([1, 1, 2, 3], [7, 7, 5, 1]), is_isomorphic([1, 1, 2], [1, 2, 2])
    (True, False)
    """
    a, b = np.asarray(T1), np.asarray(T2)
    if a.ndim != 1:
        raise ValueError(f"`T1` must be one-dimensional; got {a.ndim} dimension(s).")
    if b.ndim != 1:
        raise ValueError(f"`T2` must be one-dimensional; got {b.ndim} dimension(s).")
    if a.shape != b.shape:
        raise ValueError(f"`T1` and `T2` must have the same number of elements; "
                         f"got {a.shape[0]} and {b.shape[0]}.")
    if a.size == 0:
        return True
    idx = np.argsort(a, kind="stable")
    a, b = a[idx], b[idx]
    return bool(np.array_equal(a != np.roll(a, -1), b != np.roll(b, -1)))


def from_mlab_linkage(Z) -> NDArray[np.float64]:
    """Convert a MATLAB linkage matrix (1-based ids, 3 columns) to SciPy's format.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 3)
        MATLAB's linkage output: ids 1..2n-2, heights.

    Returns
    -------
    ndarray of shape (n - 1, 4)
        0-based ids, the heights, and the cluster sizes in the last column.
        An empty input is returned as an empty copy.

    Raises
    ------
    ValueError
        If `Z` is not 2-D, or the ids are not 1..2n-2 forming a valid tree.

    Examples
    --------
    >>> from fastclust import from_mlab_linkage
    >>> from_mlab_linkage([[1., 2., 1.], [3., 4., 2.]])
    array([[0., 1., 1., 2.],
           [2., 3., 2., 3.]])
    """
    arr = as_float_array(Z, "Z")
    if arr.shape in ((), (0,)) or (arr.ndim == 2 and arr.shape[0] == 0):
        return arr.copy()
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"`Z` must be a MATLAB linkage matrix of shape (n - 1, 3); "
                         f"got shape {arr.shape}.")
    if arr[:, :2].min() < 1:
        raise ValueError(f"`Z` must use MATLAB's ids 1..N (1-based); its smallest id is "
                         f"{arr[:, :2].min()}.")
    out = np.empty((arr.shape[0], 4), dtype=np.float64)
    out[:, :2] = arr[:, :2] - 1.0
    out[:, 2] = arr[:, 2]
    out[:, 3] = 0.0
    _, children, n = _check_linkage(out)
    size = np.ones(2 * n - 1)
    for s, (a, b) in enumerate(children.tolist()):   # O(n), children before parents
        size[n + s] = size[a] + size[b]
    out[:, 3] = size[n:]
    return out


def to_mlab_linkage(Z) -> NDArray[np.float64]:
    """Convert a linkage matrix to MATLAB's format: 1-based ids, no size column.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated). An empty input is returned as an empty copy.

    Returns
    -------
    ndarray of shape (n - 1, 3)

    Examples
    --------
    >>> from fastclust import linkage, to_mlab_linkage
    >>> to_mlab_linkage(linkage([[0.], [1.], [3.]]))
    array([[1., 2., 1.],
           [3., 4., 2.]])
    """
    arr = as_float_array(Z, "Z")
    if arr.shape in ((), (0,)):
        return arr.copy()
    arr, _, _ = _check_linkage(arr)
    out = arr[:, :3].copy()
    out[:, :2] += 1.0
    return out


# ---------------------------------------------------------------------------------------
# statistics


def _layout(children: NDArray[np.intp], n: int):
    size = np.empty(2 * n - 1, dtype=np.intp)
    start = np.empty(2 * n - 1, dtype=np.intp)
    order = np.empty(n, dtype=np.int32)
    _k.tree_layout(children, n, size, start, order)
    return size, start, order


def cophenet(Z, Y=None):
    """Cophenetic distances of a tree, and optionally its cophenetic correlation with `Y`.

    The cophenetic distance of observations i and j is the height of the
    merge that first puts them in one cluster.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    Y : array_like of shape (n * (n - 1) // 2,), optional
        The condensed distances the tree was built from.

    Returns
    -------
    c : numpy.float64
        Only when `Y` is given: the Pearson correlation between the cophenetic
        distances and `Y` (NaN when either is constant).
    d : ndarray of shape (n * (n - 1) // 2,)
        The condensed cophenetic distance matrix. As in SciPy, ``cophenet(Z)``
        returns ``d`` and ``cophenet(Z, Y)`` returns ``(c, d)``.

    See Also
    --------
    cophenetic_correlation : the coefficient alone, without building ``d``.

    Notes
    -----
    Every merge writes its height over the block of pairs (left leaves) x
    (right leaves), using the leaf order; time O(n^2), memory O(n) besides ``d``.
    With `Y`, the coefficient is computed in the same streaming way as
    :func:`cophenetic_correlation` (``d`` is built only because it is returned).

    Examples
    --------
    >>> from fastclust import cophenet, linkage, pdist
    >>> X = [[0.], [1.], [5.], [7.]]
    >>> Z = linkage(X, "single")
    >>> cophenet(Z)
    array([1., 4., 4., 4., 4., 2.])
    >>> c, d = cophenet(Z, pdist(X))
    >>> round(float(c), 4)
    0.8985
    """
    arr, children, n = _check_linkage(Z)
    size, start, order = _layout(children, n)
    height = np.ascontiguousarray(arr[:, 2])
    d = np.zeros(n * (n - 1) // 2, dtype=np.float64)
    _k.cophenetic(children, height, n, size, start, order, d)
    if Y is None:
        return d
    y = _check_condensed(Y, n)
    return _correlation(children, height, n, size, start, order, y), d


def _correlation(children, height, n, size, start, order, y) -> np.float64:
    pairs = (size[children[:, 0]] * size[children[:, 1]]).astype(np.float64)
    c_mean = float(np.dot(pairs, height)) / y.shape[0]
    y_mean = float(np.mean(y))
    cross, c2, y2 = _k.cophenetic_moments(children, height, n, size, start, order, y,
                                          y_mean, c_mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(cross) / np.sqrt(np.float64(c2) * np.float64(y2))


def cophenetic_correlation(Z, Y) -> np.float64:
    """The cophenetic correlation coefficient of a tree, without the cophenetic matrix.

    Equal to ``cophenet(Z, Y)[0]`` (not a SciPy function), computed in a
    streaming way: the n(n-1)/2 cophenetic distances are never stored.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    Y : array_like of shape (n * (n - 1) // 2,)
        The condensed distances the tree was built from (finite).

    Returns
    -------
    numpy.float64
        Pearson's correlation between cophenetic distances and `Y`; NaN
        when either is constant.

    Notes
    -----
    With m = n(n-1)/2 pairs, the mean cophenetic distance is
    sum over merges of height * (pairs joined) / m, in O(n). The centred
    cross sum is, for each merge, (height - mean) times the sum of
    (Y - mean of Y) over the pairs it joins; these are read from `Y` in the
    leaf order. Time O(n^2), extra memory O(n).

    Examples
    --------
    >>> from fastclust import cophenetic_correlation, linkage, pdist
    >>> X = [[0.], [1.], [5.], [7.]]
    >>> round(float(cophenetic_correlation(linkage(X, "single"), pdist(X))), 4)
    0.8985
    """
    arr, children, n = _check_linkage(Z)
    y = _check_condensed(Y, n)
    size, start, order = _layout(children, n)
    return _correlation(children, np.ascontiguousarray(arr[:, 2]), n, size, start, order, y)


def inconsistent(Z, d=2) -> NDArray[np.float64]:
    """Inconsistency statistics of each merge of the tree.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    d : int, default=2
        How many levels of links to use: row s and the non-singleton merges
        up to d - 1 levels below it. Must be a non-negative integer; 0 acts
        as 1 (as in SciPy).

    Returns
    -------
    R : ndarray of shape (n - 1, 4)
        For each row: mean and standard deviation (n - 1 denominator; 0 for
        one link) of the heights used, their number, and the inconsistency
        coefficient (height - mean) / std (0 when std is 0).

    Notes
    -----
    Explicit-stack walk below every row, O(n min(2^d, n)) time.

    Examples
    --------
    >>> from fastclust import inconsistent, linkage
    >>> inconsistent(linkage([[0.], [1.], [5.], [7.]], "single"))
    array([[1.        , 0.        , 1.        , 0.        ],
           [2.        , 0.        , 1.        , 0.        ],
           [2.33333333, 1.52752523, 3.        , 1.09108945]])
    """
    arr, children, n = _check_linkage(Z)
    depth = _check_int(d, "d", 0)
    R = np.zeros((n - 1, 4), dtype=np.float64)
    _k.inconsistent_stats(children, np.ascontiguousarray(arr[:, 2]), n, depth, R)
    return R


def maxdists(Z) -> NDArray[np.float64]:
    """The highest merge in the subtree of every row (equals ``Z[:, 2]`` without inversions).

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).

    Returns
    -------
    ndarray of shape (n - 1,)

    Examples
    --------
    >>> import numpy as np
    >>> from fastclust import maxdists
    >>> maxdists(np.array([[0., 1., 3., 2.], [2., 3., 2., 3.]]))
    array([3., 3.])
    """
    arr, children, n = _check_linkage(Z)
    out = np.empty(n - 1, dtype=np.float64)
    _k.subtree_max(children, np.ascontiguousarray(arr[:, 2]), n, out)
    return out


def maxinconsts(Z, R) -> NDArray[np.float64]:
    """The largest inconsistency coefficient ``R[:, 3]`` in the subtree of every row.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    R : array_like of shape (n - 1, 4)
        Its inconsistency matrix (validated, as by :func:`is_valid_im`).

    Returns
    -------
    ndarray of shape (n - 1,)

    Examples
    --------
    >>> from fastclust import inconsistent, linkage, maxinconsts
    >>> Z = linkage([[0.], [1.], [5.], [7.]], "single")
    >>> maxinconsts(Z, inconsistent(Z))
    array([0.        , 0.        , 1.09108945])
    """
    return maxRstat(Z, R, 3)


def maxRstat(Z, R, i) -> NDArray[np.float64]:
    """The largest value of column `i` of `R` in the subtree of every row.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    R : array_like of shape (n - 1, 4)
        Its inconsistency matrix (validated).
    i : int
        The column: 0 (mean), 1 (standard deviation), 2 (count) or
        3 (inconsistency coefficient).

    Returns
    -------
    ndarray of shape (n - 1,)

    Examples
    --------
    >>> from fastclust import inconsistent, linkage, maxRstat
    >>> Z = linkage([[0.], [1.], [5.], [7.]], "single")
    >>> maxRstat(Z, inconsistent(Z), 0)
    array([1.        , 2.        , 2.33333333])
    """
    arr, children, n = _check_linkage(Z)
    Rm = _check_im(R, n - 1)
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral):
        raise TypeError(f"`i` must be an integer; got {i!r}.")
    if not 0 <= i <= 3:
        raise ValueError(f"`i` must be an integer between 0 and 3 inclusive; got {i}.")
    out = np.empty(n - 1, dtype=np.float64)
    _k.subtree_max(children, np.ascontiguousarray(Rm[:, int(i)]), n, out)
    return out


# ---------------------------------------------------------------------------------------
# flat clusters


def fcluster(Z, t, criterion="inconsistent", depth=2, R=None, monocrit=None) -> NDArray[np.int32]:
    """Flat clusters from a linkage matrix.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    t : float
        The threshold for 'inconsistent', 'distance' and 'monocrit'; the
        largest number of clusters for 'maxclust' and 'maxclust_monocrit'
        (then a number >= 1; a fraction is rounded down).
    criterion : {'inconsistent', 'distance', 'maxclust', 'monocrit', \
'maxclust_monocrit'}, default='inconsistent'
        - 'inconsistent': a node and all below it form a cluster when no
          inconsistency coefficient in its subtree exceeds `t`.
        - 'distance': no two observations of a cluster have a cophenetic
          distance above `t` (the highest merge in the subtree is <= `t`).
        - 'maxclust': the smallest threshold on the subtree heights that
          gives at most `t` clusters.
        - 'monocrit': a node forms a cluster when ``monocrit[s] <= t``.
        - 'maxclust_monocrit': the smallest threshold on `monocrit` that gives
          at most `t` clusters.
    depth : int, default=2
        Depth of the inconsistency statistics when `R` is not given.
    R : array_like of shape (n - 1, 4), optional
        The inconsistency matrix for 'inconsistent' (computed if None).
    monocrit : array_like of shape (n - 1,), optional
        One value per row, required by the monocrit criteria; it should not
        decrease from a node to its parent (e.g. :func:`maxdists`).

    Returns
    -------
    T : ndarray of shape (n,), dtype int32
        ``T[i]`` is the flat cluster (1..k) of observation i, numbered in
        SciPy's order (a depth-first walk from the root).

    Raises
    ------
    TypeError, ValueError
        For an invalid `Z`, `R` or `monocrit`, an unknown `criterion`, a NaN
        `t`, or `t` < 1 with the maxclust criteria.

    Notes
    -----
    Ties with 'maxclust': the cut is a threshold on heights, so merges at the
    same height are made or undone together. When the k-th and (k+1)-th
    highest merges tie, fewer than `t` clusters come back (as in SciPy). To
    get exactly k clusters, by merge order (the last k - 1 merges undone), use
    ``cut_tree(Z, n_clusters=k)``.

    The maxclust criteria use the smallest value of the criterion (the
    subtree heights, or `monocrit`) that gives at most `t` clusters. SciPy
    bisects over the criterion in row order, which finds that value only
    when it does not decrease from row to row (true for 'maxclust' on
    monotone trees, where the results are identical); otherwise SciPy can
    return fewer clusters than needed (e.g. 1 where 5 were allowed).

    'maxclust' with ``t >= n`` gives n singletons numbered 1..n in observation
    order (SciPy's numbering, which differs from a cut below every merge). SciPy's answer for
    ``t < 1`` is erratic (n, 1 or 2 clusters depending on n, scipy#21206):
    here it is an error.

    Examples
    --------
    >>> from fastclust import fcluster, linkage
    >>> Z = linkage([[0.], [1.], [5.], [7.], [20.]], "single")
    >>> fcluster(Z, 1.5, criterion="distance")
    array([1, 1, 2, 3, 4], dtype=int32)
    >>> fcluster(Z, 2, criterion="maxclust")
    array([1, 1, 1, 1, 2], dtype=int32)
    """
    arr, children, n = _check_linkage(Z)
    if not isinstance(criterion, str) or criterion not in CRITERIA:
        valid = ", ".join(repr(c) for c in CRITERIA)
        raise ValueError(f"`criterion` must be one of {valid}; got {criterion!r}.")
    t = _check_real(t, "t")
    if criterion in ("maxclust", "maxclust_monocrit") and t < 1:
        raise ValueError(f"`t` is the largest number of clusters for criterion "
                         f"{criterion!r} and must be >= 1; got {t}.")
    if criterion == "inconsistent":
        if R is None:
            Rm = inconsistent(arr, _check_int(depth, "depth", 0))
        else:
            Rm = _check_im(R, n - 1)
        mc = np.empty(n - 1, dtype=np.float64)
        _k.subtree_max(children, np.ascontiguousarray(Rm[:, 3]), n, mc)
    elif criterion in ("distance", "maxclust"):
        mc = np.empty(n - 1, dtype=np.float64)
        _k.subtree_max(children, np.ascontiguousarray(arr[:, 2]), n, mc)
    else:
        if monocrit is None:
            raise ValueError(f"`monocrit` is required for criterion {criterion!r}.")
        mc = as_float_array(monocrit, "monocrit")
        if mc.shape != (n - 1,):
            raise ValueError(f"`monocrit` must have shape ({n - 1},), one value per row of "
                             f"`Z`; got shape {mc.shape}.")
        if np.isnan(mc).any():
            raise ValueError(f"`monocrit` must not contain NaN; entry "
                             f"{int(np.flatnonzero(np.isnan(mc))[0])} is NaN.")
        mc = np.ascontiguousarray(mc)
    T = np.zeros(n, dtype=np.int32)
    if criterion in ("maxclust", "maxclust_monocrit"):
        k = min(int(t), n)
        if k >= n:
            T[:] = np.arange(1, n + 1)            # SciPy numbers singletons in order here
        else:
            _k.cluster_maxclust(children, mc, np.unique(mc), n, k, T)
    else:
        _k.cluster_monocrit(children, mc, n, t, T)
    return T


def fclusterdata(X, t, criterion="inconsistent", metric="euclidean", depth=2, method="single",
                 R=None) -> NDArray[np.int32]:
    """Flat clusters straight from observations: pdist, linkage, then fcluster.

    Parameters
    ----------
    X : array_like of shape (n, d)
        n observations in d dimensions (finite).
    t : float
        As in :func:`fcluster`.
    criterion : {'inconsistent', 'distance', 'maxclust'}, default='inconsistent'
        As in :func:`fcluster` (the monocrit criteria need `monocrit`, which
        this function does not take).
    metric : {'euclidean', 'sqeuclidean', 'cityblock', 'chebyshev', 'minkowski', \
'cosine'}, default='euclidean'
        The metric of :func:`fastclust.pdist`.
    depth : int, default=2
        Depth of the inconsistency statistics.
    method : str, default='single'
        The linkage method (see :func:`fastclust.linkage`).
    R : array_like of shape (n - 1, 4), optional
        The inconsistency matrix, computed if None.

    Returns
    -------
    T : ndarray of shape (n,), dtype int32

    Examples
    --------
    >>> from fastclust import fclusterdata
    >>> fclusterdata([[0.], [1.], [5.], [7.], [20.]], 2, criterion="maxclust")
    array([1, 1, 1, 1, 2], dtype=int32)
    """
    from ._distance import as_observations, pdist
    from ._linkage import linkage

    obs = as_observations(X, "X")
    if isinstance(metric, str) and metric == "euclidean":
        Z = linkage(obs, method=method)     # linkage's dispatch picks the fastest path
    else:
        # SciPy's contract: any metric with any method, through the condensed matrix
        Z = linkage(pdist(obs, metric=metric), method=method)
    if R is None:
        R = inconsistent(Z, depth)
    return fcluster(Z, t, criterion=criterion, depth=depth, R=R)


def leaders(Z, T):
    """The root node of every flat cluster, for a flat assignment that is a cut of the tree.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    T : array_like of shape (n,), integer dtype
        Flat cluster labels, e.g. from :func:`fcluster`.

    Returns
    -------
    L : ndarray of shape (k,), dtype int32
        ``L[j]`` is the node id (an observation if < n, else n + row) whose
        leaves are exactly the cluster ``M[j]``.
    M : ndarray of shape (k,)
        The labels of the k clusters, in T's dtype; the order is SciPy's.

    Raises
    ------
    ValueError
        If T does not have n entries, or some flat cluster is not the set
        of leaves of one node (the message names the node where it shows).
    TypeError
        If T is not of an integer dtype.

    Examples
    --------
    >>> from fastclust import fcluster, leaders, linkage
    >>> Z = linkage([[0.], [1.], [5.], [7.], [20.]], "single")
    >>> T = fcluster(Z, 2, criterion="maxclust")
    >>> leaders(Z, T)
    (array([4, 7], dtype=int32), array([2, 1], dtype=int32))
    """
    _, children, n = _check_linkage(Z)
    labels = np.asarray(T)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"`T` must be an array of integers; got dtype {labels.dtype}.")
    if labels.shape != (n,):
        raise ValueError(f"`T` must have shape ({n},), one label per observation; "
                         f"got shape {labels.shape}.")
    values, codes = np.unique(labels, return_inverse=True)
    k = values.shape[0]
    L = np.empty(k, dtype=np.longlong)
    M = np.empty(k, dtype=np.longlong)
    bad = _k.leaders_of(children, np.ascontiguousarray(codes, dtype=np.longlong), n, L, M)
    if bad >= 0:
        raise ValueError(f"`T` is not a valid assignment vector: a flat cluster is not the "
                         f"set of leaves of one node (found when examining node {bad} < 2n-1).")
    return L.astype(np.int32), values[M]


def cut_tree(Z, n_clusters=None, height=None) -> NDArray[np.int64]:
    """Flat clusters for one or many numbers of clusters or heights, in one pass.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    n_clusters : int or array_like of int, optional
        Numbers of clusters, each in [1, n].
    height : float or array_like of float, optional
        Heights to cut at (not NaN). At most one of `n_clusters` and `height`
        may be given; with neither, every number of clusters n, n-1, ..., 1.

    Returns
    -------
    ndarray of shape (n, m), dtype int64
        Column c holds the labels 0..k-1 of the c-th request, numbered in
        order of first appearance in observation order (SciPy's numbering).
        A scalar request gives m = 1.

    Notes
    -----
    - `n_clusters` = k undoes the last k - 1 merges in the order of the rows
      of Z, so there are always exactly k clusters: also with tied heights,
      and also with inversions (centroid, median), where SciPy's cut_tree
      sorts by height and returns the wrong number of clusters (scipy#7977,
      scipy#8063).
    - `height` = h makes the merges whose subtree has no merge above h, the
      rule of ``fcluster(Z, h, 'distance')``. Without inversions and without a
      merge at exactly h this is SciPy's answer; SciPy's cut_tree leaves a merge
      at exactly h undone, and is only meant for monotone trees.
    - One union-find pass over the merges, with the requests sorted, plus O(n)
      per requested column: O(n (alpha(n) + m)) after an O(n log n) sort for
      `height`.

    Examples
    --------
    >>> from fastclust import cut_tree, linkage
    >>> Z = linkage([[0.], [1.], [5.], [7.], [20.]], "single")
    >>> cut_tree(Z, n_clusters=[1, 2, 4])
    array([[0, 0, 0],
           [0, 0, 0],
           [0, 0, 1],
           [0, 0, 2],
           [0, 1, 3]])
    >>> cut_tree(Z, height=1.5).ravel()
    array([0, 0, 1, 2, 3])
    """
    arr, children, n = _check_linkage(Z)
    if n_clusters is not None and height is not None:
        raise ValueError("At most one of `n_clusters` and `height` may be given; got both.")
    rows = np.arange(n - 1, dtype=np.intp)
    if height is not None:
        h = as_float_array(height, "height")
        if h.ndim > 1:
            raise ValueError(f"`height` must be a number or a 1-D array; got {h.ndim} dimensions.")
        if np.isnan(h).any():
            raise ValueError("`height` must not contain NaN.")
        top = np.empty(n - 1, dtype=np.float64)
        _k.subtree_max(children, np.ascontiguousarray(arr[:, 2]), n, top)
        # Sorting by (subtree max, row) keeps children before parents, so every
        # prefix is a valid set of merges.
        rows = np.argsort(top, kind="stable").astype(np.intp)
        merges = np.searchsorted(top[rows], np.atleast_1d(h), side="right")
    else:
        if n_clusters is None:
            k = np.arange(n, 0, -1)
        else:
            k = np.asarray(n_clusters)
            if k.ndim > 1:
                raise ValueError(f"`n_clusters` must be an integer or a 1-D array; "
                                 f"got {k.ndim} dimensions.")
            if k.dtype.kind not in "iu":
                if k.dtype.kind == "f" and np.all(k == np.floor(k)):
                    k = k.astype(np.int64)
                else:
                    raise TypeError(f"`n_clusters` must contain integers; got {n_clusters!r}.")
            k = np.atleast_1d(k)
            if k.size and (k.min() < 1 or k.max() > n):
                bad = k[(k < 1) | (k > n)][0]
                raise ValueError(f"`n_clusters` must be between 1 and the number of "
                                 f"observations ({n}); got {bad}.")
        merges = n - k.astype(np.intp)
    unique, inverse = np.unique(merges, return_inverse=True)
    out = np.empty((n, unique.shape[0]), dtype=np.int64)
    _k.cut_labels(children, n, rows, np.ascontiguousarray(unique, dtype=np.intp), out)
    return out[:, inverse.ravel()]


# ---------------------------------------------------------------------------------------
# trees


class ClusterNode:
    """A node of the tree built by :func:`to_tree`: a leaf or a merge of two nodes.

    Parameters
    ----------
    id : int
        Observation index for a leaf (< n), n + row for a merge.
    left, right : ClusterNode, optional
        The two children (both or neither).
    dist : float, default=0.0
        The merge height (0 for a leaf).
    count : int, default=1
        The number of leaves; computed from the children when they are given.

    Notes
    -----
    Nodes compare by `dist` (``<``, ``>``, ``==``), as in SciPy; comparing
    with anything else is a ValueError. Nothing here recurses, so trees of
    any depth work.

    Examples
    --------
    >>> from fastclust import ClusterNode
    >>> a, b = ClusterNode(0), ClusterNode(1)
    >>> root = ClusterNode(2, a, b, dist=1.5)
    >>> root.get_count(), root.pre_order(), root.is_leaf(), a < root
    (2, [0, 1], False, True)
    """

    __hash__ = None

    def __init__(self, id, left=None, right=None, dist=0.0, count=1):
        if id < 0:
            raise ValueError(f"`id` must be non-negative; got {id}.")
        if dist < 0:
            raise ValueError(f"`dist` must be non-negative; got {dist}.")
        if (left is None) != (right is None):
            raise ValueError("A ClusterNode must have two children or none (only full binary "
                             "trees are permitted); got one.")
        if count < 1:
            raise ValueError(f"`count` must be at least 1 (a cluster holds at least one "
                             f"observation); got {count}.")
        self.id = id
        self.left = left
        self.right = right
        self.dist = dist
        self.count = count if left is None else left.count + right.count

    def _other(self, node):
        if not isinstance(node, ClusterNode):
            raise ValueError(f"Can't compare ClusterNode to type {type(node)}.")
        return node

    def __lt__(self, node):
        return self.dist < self._other(node).dist

    def __gt__(self, node):
        return self.dist > self._other(node).dist

    def __eq__(self, node):
        return self.dist == self._other(node).dist

    def get_id(self):
        """The node id: an observation index (< n) or n + the row of the merge."""
        return self.id

    def get_count(self):
        """The number of leaves (observations) below this node."""
        return self.count

    def get_left(self):
        """The left child, or None for a leaf."""
        return self.left

    def get_right(self):
        """The right child, or None for a leaf."""
        return self.right

    def is_leaf(self):
        """True if the node has no children."""
        return self.left is None

    def pre_order(self, func=(lambda x: x.id)):
        """``func`` applied to the leaves below this node, left to right (no recursion).

        Parameters
        ----------
        func : callable, default=``lambda x: x.id``
            Called with each leaf ClusterNode.

        Returns
        -------
        list
            The results, in the order of the leaves in the dendrogram.
        """
        out = []
        stack = [self]
        while stack:
            node = stack.pop()
            if node.left is None:
                out.append(func(node))
            else:
                stack.append(node.right)
                stack.append(node.left)
        return out


def to_tree(Z, rd=False):
    """Convert a linkage matrix into a tree of :class:`ClusterNode` objects.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated; its counts must match the tree).
    rd : bool, default=False
        Also return the list of all 2n - 1 nodes, indexed by id.

    Returns
    -------
    ClusterNode, or (ClusterNode, list of ClusterNode)
        The root, and with ``rd=True`` the nodes by id.

    Raises
    ------
    ValueError
        If `Z` is not valid or a count in its last column is wrong.

    Examples
    --------
    >>> from fastclust import linkage, to_tree
    >>> root, nodes = to_tree(linkage([[0.], [1.], [5.]], "single"), rd=True)
    >>> root.get_id(), root.get_count(), root.dist, len(nodes)
    (4, 3, 4.0, 5)
    >>> root.get_left().get_id(), root.pre_order()
    (2, [2, 0, 1])
    """
    arr, children, n = _check_linkage(Z)
    size = _layout(children, n)[0][n:]
    wrong = np.flatnonzero(arr[:, 3] != size)
    if wrong.size:
        s = int(wrong[0])
        raise ValueError(f"`Z` has a wrong count in row {s}: Z[{s}, 3] is {arr[s, 3]}, but the "
                         f"cluster holds {int(size[s])} observations.")
    # Z is valid, so the checks of ClusterNode.__init__ hold: build the nodes directly
    # (and without the cyclic garbage collector rescanning millions of new objects).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_tree(arr, children, size, n, rd)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_tree(arr, children, size, n, rd):
    new = ClusterNode.__new__
    nodes = []
    for i in range(n):
        node = new(ClusterNode)
        node.id, node.left, node.right, node.dist, node.count = i, None, None, 0.0, 1
        nodes.append(node)
    for s, ((a, b), h, count) in enumerate(zip(children.tolist(), arr[:, 2].tolist(),
                                               size.tolist())):
        node = new(ClusterNode)
        node.id, node.left, node.right, node.dist, node.count = n + s, nodes[a], nodes[b], h, count
        nodes.append(node)
    root = nodes[-1]
    return (root, nodes) if rd else root


def leaves_list(Z) -> NDArray[np.int32]:
    """The observations in the left-to-right order of the dendrogram's leaves.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).

    Returns
    -------
    ndarray of shape (n,), dtype int32

    Notes
    -----
    Each node's leaves form one block of the order, its left child's first:
    one top-down pass over the rows, O(n), no recursion.

    Examples
    --------
    >>> from fastclust import leaves_list, linkage
    >>> leaves_list(linkage([[0.], [1.], [5.]], "single"))
    array([2, 0, 1], dtype=int32)
    """
    _, children, n = _check_linkage(Z)
    return _layout(children, n)[2]


class DisjointSet:
    """Disjoint set (union-find) of hashable elements, as ``scipy.cluster.hierarchy.DisjointSet``.

    Parameters
    ----------
    elements : iterable, optional
        Elements to add, each as its own subset.

    Attributes
    ----------
    n_subsets : int
        The number of subsets.

    Notes
    -----
    Union by size and path halving: nearly O(1) per operation. Elements are
    iterated in insertion order; ``subset(x)`` walks a circular list of the
    members of x's subset, in time proportional to its size.

    Examples
    --------
    >>> from fastclust import DisjointSet
    >>> ds = DisjointSet([1, 2, 3, "a"])
    >>> ds.merge(1, "a"), ds.merge("a", 1)
    (True, False)
    >>> ds.connected(1, "a"), ds.n_subsets, ds.subset_size("a")
    (True, 3, 2)
    >>> sorted(ds.subset(1), key=str), len(ds), 2 in ds
    ([1, 'a'], 4, True)
    """

    def __init__(self, elements=None):
        self.n_subsets = 0
        self._sizes = {}
        self._parents = {}
        self._next = {}        # circular list through the members of each subset
        self._indices = {}     # insertion order; identity of an element
        if elements is not None:
            for x in elements:
                self.add(x)

    def __iter__(self):
        """The elements, in insertion order."""
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)

    def __contains__(self, x):
        return x in self._indices

    def __getitem__(self, x):
        """The root (representative) of the subset of `x`; KeyError if it is not present."""
        if x not in self._indices:
            raise KeyError(x)
        parents, index = self._parents, self._indices
        while index[x] != index[parents[x]]:
            parents[x] = parents[parents[x]]   # path halving
            x = parents[x]
        return x

    def add(self, x):
        """Add `x` as a subset of its own (nothing happens if it is present)."""
        if x in self._indices:
            return
        self._sizes[x] = 1
        self._parents[x] = x
        self._next[x] = x
        self._indices[x] = len(self._indices)
        self.n_subsets += 1

    def merge(self, x, y):
        """Join the subsets of `x` and `y`; False if they were already one. KeyError if absent."""
        xr, yr = self[x], self[y]
        index = self._indices
        if index[xr] == index[yr]:
            return False
        sizes = self._sizes
        if (sizes[xr], index[yr]) < (sizes[yr], index[xr]):
            xr, yr = yr, xr
        self._parents[yr] = xr
        sizes[xr] += sizes[yr]
        self._next[xr], self._next[yr] = self._next[yr], self._next[xr]
        self.n_subsets -= 1
        return True

    def connected(self, x, y):
        """Whether `x` and `y` are in the same subset."""
        return self._indices[self[x]] == self._indices[self[y]]

    def subset(self, x):
        """The set of elements in the subset of `x`."""
        if x not in self._indices:
            raise KeyError(x)
        result = [x]
        nxt = self._next[x]
        while self._indices[nxt] != self._indices[x]:
            result.append(nxt)
            nxt = self._next[nxt]
        return set(result)

    def subset_size(self, x):
        """The number of elements in the subset of `x`."""
        return self._sizes[self[x]]

    def subsets(self):
        """All subsets, as a list of sets, in order of their first element's insertion."""
        result = []
        visited = set()
        for x in self:
            if x not in visited:
                members = self.subset(x)
                visited.update(members)
                result.append(members)
        return result


# ---------------------------------------------------------------- flat labels 0..k-1
# Used by the command line and the estimator: labels numbered by first
# appearance in observation order, starting at 0 (scikit-learn's convention).

def _labels_by_count(Z, n_clusters: int) -> NDArray[np.intp]:
    """Exactly `n_clusters` clusters by merge order (cut_tree), labels 0..k-1."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape[0] == 0:
        return np.zeros(1, dtype=np.intp)
    return cut_tree(Z, n_clusters=n_clusters)[:, 0].astype(np.intp)


def _labels_by_height(Z, threshold: float, *, strict: bool) -> NDArray[np.intp]:
    """Join every merge whose subtree's highest merge is <= threshold (< if strict)."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape[0] == 0:
        return np.zeros(1, dtype=np.intp)
    t = float(threshold)
    if strict:
        t = float(np.nextafter(t, -np.inf))     # maxdist < t  <=>  maxdist <= prev(t)
    labels = fcluster(Z, t, criterion="distance")
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]
