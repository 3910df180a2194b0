"""pdist and squareform: pairwise distances between observations, condensed layout."""
from __future__ import annotations

import numpy as np

from ._validation import (as_float_array, check_finite, check_memory, num_obs_condensed,
                          resolve_workers)

# name -> kernel code (_metrics.pyx); aliases map to the same code.
METRICS = {
    "euclidean": 0,
    "sqeuclidean": 1,
    "cityblock": 2,
    "chebyshev": 3,
    "minkowski": 4,
    "cosine": 5,
}
METRIC_ALIASES = {
    "manhattan": "cityblock",
    "l1": "cityblock",
    "l2": "euclidean",
    "chebychev": "chebyshev",   # fastcluster's spelling
    "cos": "cosine",
}


def check_metric(metric) -> str:
    """Canonical metric name, or ValueError listing the valid ones."""
    if isinstance(metric, str):
        name = METRIC_ALIASES.get(metric.lower(), metric.lower())
        if name in METRICS:
            return name
    valid = ", ".join(repr(m) for m in sorted(METRICS))
    aliases = ", ".join(repr(a) for a in sorted(METRIC_ALIASES))
    raise ValueError(f"`metric` must be one of {valid} (aliases {aliases}); got {metric!r}.")


def as_observations(X, name: str = "X") -> np.ndarray:
    """A finite, C-contiguous float64 (n, d) array; clear errors otherwise."""
    arr = as_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array of observations; got {arr.ndim} dimension(s).")
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one feature (column); got shape {arr.shape}.")
    check_finite(arr, name)
    return np.ascontiguousarray(arr)


def pdist(X, metric="euclidean", *, p=2.0, out=None, workers=None):
    """Pairwise distances between observations, in condensed form.

    A compiled, multithreaded counterpart of :func:`scipy.spatial.distance.pdist`
    for the metrics listed below.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Observations, one per row. Converted to float64; must be finite.
    metric : {'euclidean', 'sqeuclidean', 'cityblock', 'chebyshev', 'minkowski', 'cosine'}, \
default='euclidean'
        Distance to use. Aliases: 'manhattan' and 'l1' (cityblock), 'l2'
        (euclidean), 'chebychev' (chebyshev), 'cos' (cosine).
    p : float, default=2.0
        Exponent of the Minkowski distance; must be positive. Ignored otherwise.
    out : ndarray of shape (n * (n - 1) // 2,), optional
        C-contiguous float64 array to write the result into.
    workers : int, optional
        Threads to use; None or -1 means all available CPUs.

    Returns
    -------
    y : ndarray of shape (n * (n - 1) // 2,)
        ``y[k]`` is the distance between rows i < j, with
        ``k = n*i - i*(i+1)//2 + j - i - 1`` (SciPy's condensed layout).

    Raises
    ------
    ValueError
        If `X` is not 2-D, has NaN or infinite entries, or `metric` / `p` is invalid.
    TypeError
        If `X` is complex or not numeric.

    Notes
    -----
    The cosine distance of a zero vector is undefined (NaN), as in SciPy.
    Time O(n^2 d), memory: the output only.

    Examples
    --------
    >>> import fastclust
    >>> fastclust.pdist([[0, 0], [3, 4], [6, 8]])
    array([ 5., 10.,  5.])
    >>> fastclust.pdist([[0, 0], [3, 4]], metric="cityblock")
    array([7.])
    """
    from ._metrics import pdist_condensed

    X = as_observations(X)
    name = check_metric(metric)
    if name == "minkowski":
        p = float(p)
        if not p > 0 or not np.isfinite(p):
            raise ValueError(f"`p` must be a positive finite number for the Minkowski metric; got {p!r}.")
    n = X.shape[0]
    length = n * (n - 1) // 2
    if out is None:
        check_memory(8 * length, "the condensed distance matrix")
        out = np.empty(length, dtype=np.float64)
    elif (not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.shape != (length,)
          or not out.flags.c_contiguous or not out.flags.writeable):
        raise ValueError(
            f"`out` must be a writable C-contiguous float64 array of shape ({length},).")
    pdist_condensed(X, METRICS[name], float(p), out, resolve_workers(workers))
    return out


def squareform(y, *, checks=True):
    """Convert a condensed distance vector to a square matrix, or back.

    Parameters
    ----------
    y : array_like
        Either a condensed vector of length n*(n-1)/2 or a square (n, n) matrix
        with a zero diagonal.
    checks : bool, default=True
        For square input, check that it is symmetric with a zero diagonal.

    Returns
    -------
    ndarray
        The other form: (n, n) for a vector input, (n*(n-1)/2,) for a square one.

    Examples
    --------
    >>> import fastclust
    >>> fastclust.squareform([1.0, 2.0, 3.0])
    array([[0., 1., 2.],
           [1., 0., 3.],
           [2., 3., 0.]])
    >>> fastclust.squareform([[0, 1], [1, 0]])
    array([1.])
    """
    arr = as_float_array(y, "y")
    if arr.ndim == 1:
        n = num_obs_condensed(arr.shape[0]) if arr.shape[0] else 1
        M = np.zeros((n, n))
        iu = np.triu_indices(n, 1)
        M[iu] = arr
        M[iu[1], iu[0]] = arr
        return M
    if arr.ndim == 2:
        return condensed_from_square(arr, "y", checks=checks)
    raise ValueError(f"`y` must be 1-D (condensed) or 2-D (square); got {arr.ndim} dimensions.")


def condensed_from_square(M: np.ndarray, name: str, *, checks: bool = True) -> np.ndarray:
    """Upper triangle of a square distance matrix, row by row."""
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"`{name}` must be a square distance matrix; got shape {M.shape}.")
    if checks:
        # exact, as SciPy's squareform checks: a nearly symmetric matrix is a mistake
        check_finite(M, name)
        if np.any(np.diag(M) != 0):
            i = int(np.flatnonzero(np.diag(M) != 0)[0])
            raise ValueError(f"`{name}` must have a zero diagonal to be a distance matrix; "
                             f"entry [{i}, {i}] is {M[i, i]}.")
        if np.any(M < 0):
            i, j = np.argwhere(M < 0)[0]
            raise ValueError(f"`{name}` must hold non-negative distances; "
                             f"entry [{i}, {j}] is {M[i, j]}.")
        if not np.array_equal(M, M.T):
            i, j = np.argwhere(M != M.T)[0]
            raise ValueError(
                f"`{name}` must be symmetric to be a distance matrix; "
                f"entry [{i}, {j}] is {M[i, j]} but [{j}, {i}] is {M[j, i]}.")
    return M[np.triu_indices(M.shape[0], 1)]
