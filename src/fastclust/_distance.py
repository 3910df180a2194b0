"""pdist, cdist and squareform: pairwise distances between observations, the metric table."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._metrics import cdist_rect, pdist_condensed, pdist_packed
from ._progress import STAGE_DISTANCES, current
from ._validation import (as_float_array, check_finite, check_memory, num_obs_condensed,
                          resolve_workers)


@dataclass(frozen=True)
class MetricSpec:
    """One row of the metric table: kernel code, keyword arguments, input rules."""

    code: int                     # METRIC_* code in _metrics.pyx
    kwargs: tuple = ("w",)        # keyword arguments the metric accepts
    boolean: bool = False         # boolean metric: nonzero entries count as True
    center: bool = False          # rows are centred first (correlation = centred cosine)


# name -> spec; every metric of scipy.spatial.distance.pdist. Aliases map to the names.
METRICS = {
    "braycurtis": MetricSpec(6),
    "canberra": MetricSpec(7),
    "chebyshev": MetricSpec(3),
    "cityblock": MetricSpec(2),
    "correlation": MetricSpec(5, center=True),
    "cosine": MetricSpec(5),
    "dice": MetricSpec(13, boolean=True),
    "euclidean": MetricSpec(0),
    "hamming": MetricSpec(11),
    "jaccard": MetricSpec(12),
    "jensenshannon": MetricSpec(10, kwargs=("base",)),
    "mahalanobis": MetricSpec(9, kwargs=("VI",)),
    "minkowski": MetricSpec(4, kwargs=("p", "w")),
    "rogerstanimoto": MetricSpec(14, boolean=True),
    "russellrao": MetricSpec(15, boolean=True),
    "seuclidean": MetricSpec(8, kwargs=("V",)),
    "sokalsneath": MetricSpec(16, boolean=True),
    "sqeuclidean": MetricSpec(1),
    "yule": MetricSpec(17, boolean=True),
}
METRIC_ALIASES = {
    "manhattan": "cityblock",
    "l1": "cityblock",
    "cblock": "cityblock",
    "l2": "euclidean",
    "euclid": "euclidean",
    "chebychev": "chebyshev",   # fastcluster's spelling
    "cheby": "chebyshev",
    "cheb": "chebyshev",
    "cos": "cosine",
    "matching": "hamming",
    "hamm": "hamming",
    "jacc": "jaccard",
    "js": "jensenshannon",
    "mahal": "mahalanobis",
    "mah": "mahalanobis",
    "pnorm": "minkowski",
    "sqe": "sqeuclidean",
    "sqeuclid": "sqeuclidean",
}
_CODE = {name: spec.code for name, spec in METRICS.items()}


def check_metric(metric) -> str:
    """Canonical metric name, or ValueError listing the valid ones."""
    if isinstance(metric, str):
        name = METRIC_ALIASES.get(metric.lower(), metric.lower())
        if name in METRICS:
            return name
    valid = ", ".join(repr(m) for m in sorted(METRICS))
    aliases = ", ".join(repr(a) for a in sorted(METRIC_ALIASES))
    raise ValueError(f"`metric` must be a callable or one of {valid} (aliases {aliases}); "
                     f"got {metric!r}.")


def as_observations(X, name: str = "X", *, keep_float32: bool = False) -> np.ndarray:
    """A finite, C-contiguous float64 (n, d) array; clear errors otherwise.

    With keep_float32, a float32 array stays float32 (the kernels read it
    directly, promoting each coordinate to double).
    """
    if keep_float32 and isinstance(X, np.ndarray) and X.dtype == np.float32:
        arr = X
    else:
        arr = as_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array of observations; got {arr.ndim} dimension(s).")
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` must have at least one feature (column); got shape {arr.shape}.")
    check_finite(arr, name)
    return np.ascontiguousarray(arr)


def _check_kwargs(name: str, kwargs: dict) -> None:
    allowed = METRICS[name].kwargs
    for key in kwargs:
        if key not in allowed:
            accepts = ", ".join(repr(k) for k in allowed)
            raise TypeError(f"`metric={name!r}` takes no keyword argument {key!r}; "
                            f"it accepts {accepts}.")


def _as_vector(value, what: str, d: int) -> np.ndarray:
    arr = as_float_array(value, what)
    if arr.ndim != 1 or arr.shape[0] != d:
        raise ValueError(f"`{what}` must be a 1-D array of length {d} (one entry per feature); "
                         f"got shape {arr.shape}.")
    check_finite(arr, what)
    return np.ascontiguousarray(arr)


def _prepare(name: str, blocks: list, kwargs: dict):
    """Validate the keyword arguments and the data of metric `name`.

    `blocks` holds the validated (n, d) arrays (X, or XA and XB) with the names
    they have for the caller. Returns the kernel code, the (possibly centred)
    arrays and the kernel keyword arguments.
    """
    _check_kwargs(name, kwargs)
    spec = METRICS[name]
    arrays = [arr for arr, _ in blocks]
    d = arrays[0].shape[1]
    code, p = spec.code, 2.0
    args = {}
    if kwargs.get("w") is not None:
        w = _as_vector(kwargs["w"], "w", d)
        if w.size and w.min() < 0:
            k = int(np.argmin(w))
            raise ValueError(f"`w` must hold non-negative weights; entry [{k}] is {w[k]}.")
        args["w"] = w
    if name == "minkowski":
        p = kwargs.get("p", 2.0)
        try:
            p = float(p)
        except (TypeError, ValueError):
            raise TypeError(f"`p` must be a number; got {p!r}.") from None
        if not p > 0 or not math.isfinite(p):
            raise ValueError(f"`p` must be a positive finite number for the Minkowski metric; "
                             f"got {p!r}.")
        # the special exponents take the exact formulas, as SciPy does
        code = {1.0: _CODE["cityblock"], 2.0: _CODE["euclidean"]}.get(p, code)
    if spec.boolean and name == "dice":
        # SciPy's dice on other values is not a dissimilarity (it can be negative)
        for arr, what in blocks:
            bad = (arr != 0) & (arr != 1)
            if bad.any():
                i, j = np.argwhere(bad)[0]
                raise ValueError(f"`{what}` must be boolean (or hold only 0 and 1) for "
                                 f"metric='dice'; entry [{i}, {j}] is {arr[i, j]}.")
    if spec.center:   # a new array anyway: make it float64 (float32 input too)
        w = args.get("w")
        arrays = [arr.astype(np.float64) for arr in arrays]
        arrays = [arr - (arr.mean(axis=1, keepdims=True) if w is None
                         else np.average(arr, axis=1, weights=w)[:, None])
                  for arr in arrays]
    if name == "seuclidean":
        V = kwargs.get("V")
        if V is None:
            V = np.var(np.vstack(arrays).astype(np.float64, copy=False), axis=0, ddof=1)
        args["V"] = _as_vector(V, "V", d)
    if name == "mahalanobis":
        VI = kwargs.get("VI")
        if VI is None:
            m = sum(arr.shape[0] for arr in arrays)
            if m <= d:
                raise ValueError(
                    f"The number of observations ({m}) is too small; the covariance matrix "
                    f"is singular. For observations with {d} dimensions, at least {d + 1} "
                    f"observations are required; or pass `VI`.")
            stacked = np.vstack(arrays).astype(np.float64, copy=False)
            VI = np.linalg.inv(np.atleast_2d(np.cov(stacked.T))).T
        VI = as_float_array(VI, "VI")
        if VI.shape != (d, d):
            raise ValueError(f"`VI` must be a ({d}, {d}) matrix (the inverse covariance); "
                             f"got shape {VI.shape}.")
        check_finite(VI, "VI")
        args["VI"] = np.ascontiguousarray(VI)
    if name == "jensenshannon" and kwargs.get("base") is not None:
        base = kwargs["base"]
        try:
            base = float(base)
        except (TypeError, ValueError):
            raise TypeError(f"`base` must be a number; got {base!r}.") from None
        if not (base > 0 and base != 1 and math.isfinite(base)):
            raise ValueError(f"`base` must be a positive finite number other than 1; "
                             f"got {base!r}.")
        args["log_base"] = math.log(base)
    return code, p, [np.ascontiguousarray(arr) for arr in arrays], args


def _check_dtype(dtype):
    """np.float64 or np.float32 from the `dtype` argument (None means float64)."""
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"`dtype` must be None, numpy.float64 or numpy.float32; got {dtype!r}.")
    return dt


def _check_out(out, shape: tuple, what: str, dtype=None):
    """The output array: a new one of `dtype`, or the caller's `out` (float64 or float32)."""
    if out is None:
        dt = _check_dtype(dtype)
        check_memory(dt.itemsize * math.prod(shape), what)
        return np.empty(shape, dtype=dt)
    if (not isinstance(out, np.ndarray) or out.dtype not in (np.float64, np.float32)
            or out.shape != shape or not out.flags.c_contiguous or not out.flags.writeable):
        raise ValueError(f"`out` must be a writable C-contiguous float64 or float32 array of "
                         f"shape {shape}.")
    if dtype is not None and out.dtype != _check_dtype(dtype):
        raise ValueError(f"`out` has dtype {out.dtype} but `dtype` is {dtype!r}; give one of them.")
    return out


def _as_callable_input(X, name: str) -> np.ndarray:
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array of observations; "
                         f"got {arr.ndim} dimension(s).")
    return arr


def pdist(X, metric="euclidean", *, out=None, dtype=None, workers=None, **kwargs):
    """Pairwise distances between observations, in condensed form.

    A compiled, multithreaded counterpart of :func:`scipy.spatial.distance.pdist`
    with all of its metrics and the same results (to rounding).

    Parameters
    ----------
    X : array_like of shape (n, d)
        Observations, one per row. A float32 array is read as it is (no
        float64 copy); anything else is converted to float64. Must be finite
        (except for a callable `metric`, which gets the rows as given).
    metric : str or callable, default='euclidean'
        One of 'braycurtis', 'canberra', 'chebyshev', 'cityblock',
        'correlation', 'cosine', 'dice', 'euclidean', 'hamming', 'jaccard',
        'jensenshannon', 'mahalanobis', 'minkowski', 'rogerstanimoto',
        'russellrao', 'seuclidean', 'sokalsneath', 'sqeuclidean', 'yule', or
        an alias ('manhattan', 'l1', 'l2', 'chebychev', 'cos', 'matching',
        'js', 'mahal', 'sqe', ...). A callable ``metric(u, v, **kwargs) ->
        float`` is called in Python on each pair of rows.
    out : ndarray of shape (n * (n - 1) // 2,), optional
        C-contiguous float64 or float32 array to write the result into.
    dtype : {None, numpy.float64, numpy.float32}, default=None
        Storage type of the result when `out` is not given; None means
        float64. float32 halves the memory of the condensed matrix; each
        distance is computed in double precision and rounded once.
    workers : int, optional
        Threads to use; None or -1 means all available CPUs. A callable
        metric runs on the calling thread.
    **kwargs
        Arguments of the metric, as in SciPy:

        - ``w`` : array_like of shape (d,), non-negative feature weights, for
          every metric except 'jensenshannon', 'mahalanobis' and 'seuclidean'.
        - ``p`` : float, default=2.0, the Minkowski exponent (positive and
          finite; use 'chebyshev' for ``p = inf``).
        - ``V`` : array_like of shape (d,), the variances of 'seuclidean';
          default: the column variances of `X` with ``ddof=1``.
        - ``VI`` : array_like of shape (d, d), the inverse covariance of
          'mahalanobis'; default: the inverse of the covariance of `X` (needs
          n > d).
        - ``base`` : float, optional, the logarithm base of 'jensenshannon'.

        A callable metric receives them all.

    Returns
    -------
    y : ndarray of shape (n * (n - 1) // 2,)
        ``y[k]`` is the distance between rows i < j, with
        ``k = n*i - i*(i+1)//2 + j - i - 1`` (SciPy's condensed layout).

    Raises
    ------
    ValueError
        If `X` is not 2-D or has NaN or infinite entries, `metric` is
        unknown, `p` is not positive and finite, `w`, `V` or `VI` has the wrong shape or `w` a
        negative entry, 'dice' gets values other than 0 and 1, or
        'mahalanobis' without `VI` has n <= d.
    TypeError
        If `X` is complex or not numeric, or `metric` does not take one of
        the keyword arguments.

    See Also
    --------
    cdist : distances between the rows of two matrices.
    squareform : condensed vector to square matrix and back.

    Notes
    -----
    Each formula is SciPy's, including the values for zero denominators:
    the cosine and correlation distances of a zero (constant) row are NaN,
    'braycurtis' of two zero rows is NaN, 'canberra' counts a term with
    ``u[k] = v[k] = 0`` as 0, 'jensenshannon' is inf for a zero row or a
    negative entry, 'jaccard' of two zero rows is 0, 'dice' and
    'sokalsneath' of two all-False rows are NaN. The boolean metrics (dice,
    rogerstanimoto, russellrao, sokalsneath, yule) treat nonzero entries as
    True, and so does 'jaccard'; 'hamming' compares values. All as in SciPy,
    except that 'dice' accepts only 0/1 values (SciPy's formula returns
    negative numbers for others).
    'correlation' is the cosine distance of the rows minus their (weighted)
    means. Unlike SciPy's pdist, 'jensenshannon' accepts `base`, and a
    `p` that is not positive and finite is an error.

    Time O(n^2 d) (O(n^2 d^2) for 'mahalanobis'), memory: the output only
    (plus an (n, d) float64 copy for the vectorised unweighted Euclidean
    rows, for a centred 'correlation', and for a float32 `X` whose metric
    needs statistics of the data).

    Every coordinate is promoted to double before any arithmetic, so float32
    observations give exactly the distances of their float64 conversion
    (before the optional rounding of the result to float32).

    Examples
    --------
    >>> import fastclust
    >>> fastclust.pdist([[0, 0], [3, 4], [6, 8]])
    array([ 5., 10.,  5.])
    >>> fastclust.pdist([[0, 0], [3, 4], [6, 8]], dtype="float32")
    array([ 5., 10.,  5.], dtype=float32)
    >>> fastclust.pdist([[0, 0], [3, 4]], metric="cityblock")
    array([7.])
    >>> fastclust.pdist([[0, 0], [3, 4]], "minkowski", p=1, w=[2, 1])
    array([10.])
    >>> fastclust.pdist([[1, 0, 1, 1], [1, 1, 0, 1]], "jaccard")
    array([0.5])
    """
    if callable(metric):
        X = _as_callable_input(X, "X")
        n = X.shape[0]
        out = _check_out(out, (n * (n - 1) // 2,), "the condensed distance matrix", dtype)
        k = 0
        for i in range(n - 1):
            for j in range(i + 1, n):
                out[k] = metric(X[i], X[j], **kwargs)
                k += 1
        return out
    name = check_metric(metric)
    X = as_observations(X, keep_float32=True)
    return _pdist_checked(X, name, kwargs, out, dtype, workers)


# Boolean metrics whose unweighted pdist runs on rows packed 64 truth values to a
# word, with population counts (the same values: see _bool_kernels.h); hamming
# only on 0/1 data, where "differs" is "one is True".
_PACKED_METRICS = ("jaccard", "dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule",
                   "hamming")


def _pdist_checked(X, name: str, kwargs: dict, out=None, dtype=None, workers=None):
    """pdist of observations that passed as_observations, with a canonical metric name."""
    code, p, (X,), args = _prepare(name, [(X, "X")], kwargs)
    n = X.shape[0]
    out = _check_out(out, (n * (n - 1) // 2,), "the condensed distance matrix", dtype)
    if (name in _PACKED_METRICS and not args
            and (name != "hamming" or bool(np.all((X == 0) | (X == 1))))):
        packed, ones = _packed_rows(X)
        pdist_packed(packed, ones, X.shape[1], code, out,
                     resolve_workers(workers, out.shape[0] * packed.shape[1]),
                     progress=current(STAGE_DISTANCES, 0))
        return out
    pdist_condensed(X, code, p, out, resolve_workers(workers, out.shape[0] * X.shape[1]),
                    **args, progress=current(STAGE_DISTANCES, 0))
    return out


def _packed_rows(X):
    """(X != 0 packed 64 to a uint64 word per row, zero bits past d; True per row)."""
    truth = X != 0
    n, d = truth.shape
    packed = np.zeros((n, 8 * -(-d // 64)), dtype=np.uint8)
    packed[:, :-(-d // 8)] = np.packbits(truth, axis=1, bitorder="little")
    return packed.view(np.uint64), np.count_nonzero(truth, axis=1).astype(np.float64)


def cdist(XA, XB, metric="euclidean", *, out=None, workers=None, **kwargs):
    """Distances between each row of one matrix and each row of another.

    A compiled, multithreaded counterpart of :func:`scipy.spatial.distance.cdist`
    with all of its metrics and the same results (to rounding).

    Parameters
    ----------
    XA : array_like of shape (n_a, d)
        Observations, one per row. Converted to float64; must be finite
        (except for a callable `metric`).
    XB : array_like of shape (n_b, d)
        Observations with the same number of columns as `XA`.
    metric : str or callable, default='euclidean'
        Any metric of :func:`pdist` (or its aliases), or a callable
        ``metric(u, v, **kwargs) -> float``, called in Python on each pair.
    out : ndarray of shape (n_a, n_b), optional
        C-contiguous float64 array to write the result into.
    workers : int, optional
        Threads to use (rows of `XA` are split); None or -1 means all
        available CPUs. A callable metric runs on the calling thread.
    **kwargs
        Arguments of the metric, as in :func:`pdist` (``w``, ``p``, ``V``,
        ``VI``, ``base``). The default ``V`` and ``VI`` are computed from
        the rows of `XA` and `XB` together, as in SciPy.

    Returns
    -------
    D : ndarray of shape (n_a, n_b)
        ``D[i, j]`` is the distance between ``XA[i]`` and ``XB[j]``.

    Raises
    ------
    ValueError
        If `XA` and `XB` have different numbers of columns, or as in
        :func:`pdist`.
    TypeError
        As in :func:`pdist`.

    See Also
    --------
    pdist : distances between the rows of one matrix, condensed.

    Notes
    -----
    Formulas and special values are those of :func:`pdist`. Time
    O(n_a n_b d), memory: the output only.

    Examples
    --------
    >>> import fastclust
    >>> fastclust.cdist([[0, 0], [3, 4]], [[0, 0], [6, 8], [3, 0]])
    array([[ 0., 10.,  3.],
           [ 5.,  5.,  4.]])
    >>> fastclust.cdist([[1, 2]], [[2, 4]], "chebyshev")
    array([[2.]])
    """

    if callable(metric):
        XA = _as_callable_input(XA, "XA")
        XB = _as_callable_input(XB, "XB")
        _check_same_columns(XA, XB)
        out = _check_out(out, (XA.shape[0], XB.shape[0]), "the distance matrix")
        for i in range(XA.shape[0]):
            for j in range(XB.shape[0]):
                out[i, j] = metric(XA[i], XB[j], **kwargs)
        return out
    name = check_metric(metric)
    XA = as_observations(XA, "XA", keep_float32=True)
    XB = as_observations(XB, "XB", keep_float32=True)
    if XA.dtype != XB.dtype:
        XA, XB = XA.astype(np.float64), XB.astype(np.float64)
    _check_same_columns(XA, XB)
    code, p, (XA, XB), args = _prepare(name, [(XA, "XA"), (XB, "XB")], kwargs)
    out = _check_out(out, (XA.shape[0], XB.shape[0]), "the distance matrix")
    cdist_rect(XA, XB, code, p, out, resolve_workers(workers), **args)
    return out


def _check_same_columns(XA, XB) -> None:
    if XA.shape[1] != XB.shape[1]:
        raise ValueError(f"`XA` and `XB` must have the same number of columns (features); "
                         f"got {XA.shape[1]} and {XB.shape[1]}.")


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
