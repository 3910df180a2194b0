"""Pairwise distances between the rows of an observation matrix (condensed output).

One pass per row pair, rows split across threads. The metric codes match
_distance.METRICS.
"""
from cython.parallel cimport prange
from libc.math cimport sqrt, fabs, pow, INFINITY, NAN

from ._common cimport reraise_pending, index_t, row_base, signals_pending, STATUS_OK, STATUS_INTERRUPTED, SIGNAL_CHECK_WORK

cdef enum:
    METRIC_EUCLIDEAN = 0
    METRIC_SQEUCLIDEAN = 1
    METRIC_CITYBLOCK = 2
    METRIC_CHEBYSHEV = 3
    METRIC_MINKOWSKI = 4
    METRIC_COSINE = 5


cdef inline double pair_distance(const double* u, const double* v, index_t d, int metric,
                                 double p, double norm_u, double norm_v) noexcept nogil:
    cdef index_t k
    cdef double acc = 0.0, diff, cos
    if metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN:
        for k in range(d):
            diff = u[k] - v[k]
            acc += diff * diff
        return sqrt(acc) if metric == METRIC_EUCLIDEAN else acc
    elif metric == METRIC_CITYBLOCK:
        for k in range(d):
            acc += fabs(u[k] - v[k])
        return acc
    elif metric == METRIC_CHEBYSHEV:
        for k in range(d):
            diff = fabs(u[k] - v[k])
            if diff > acc:
                acc = diff
        return acc
    elif metric == METRIC_MINKOWSKI:
        for k in range(d):
            acc += pow(fabs(u[k] - v[k]), p)
        return pow(acc, 1.0 / p)
    else:  # cosine: norms are precomputed once per row
        for k in range(d):
            acc += u[k] * v[k]
        cos = acc / (norm_u * norm_v)
        # rounding can push |cos| just past 1; SciPy clips the same way
        if cos > 1.0:
            cos = 1.0
        elif cos < -1.0:
            cos = -1.0
        return 1.0 - cos


cdef void distance_rows(const double* X, index_t n, index_t d, index_t lo, index_t hi,
                        int metric, double p, const double* norms, double* out) noexcept nogil:
    cdef index_t i, j, base
    for i in range(lo, hi):
        base = row_base(n, i)
        for j in range(i + 1, n):
            out[base + j] = pair_distance(X + i * d, X + j * d, d, metric, p,
                                          norms[i], norms[j])


def pdist_condensed(const double[:, ::1] X,   # in: (n, d) observations
                    int metric,               # in: METRIC_* code
                    double p,                 # in: Minkowski exponent (> 0)
                    double[::1] out,          # out: length n*(n-1)//2
                    int workers=1):           # in
    """Condensed pairwise distances of the rows of X; returns a status code.

    Preconditions: X finite, C-contiguous float64; len(out) == n*(n-1)//2.
    """
    cdef index_t n = X.shape[0], d = X.shape[1], i, k, lo, hi, chunk, n_chunks, work
    cdef double acc
    cdef int interrupted = 0
    cdef double[::1] norms
    import numpy as np
    norms = np.ones(n)
    if metric == METRIC_COSINE:
        for i in range(n):
            acc = 0.0
            for k in range(d):
                acc = acc + X[i, k] * X[i, k]
            norms[i] = sqrt(acc)
    if n < 2:
        return STATUS_OK
    with nogil:
        lo = 0
        while lo < n - 1:
            # a block of rows worth ~SIGNAL_CHECK_WORK coordinate operations
            hi = lo
            work = 0
            while hi < n - 1 and work < SIGNAL_CHECK_WORK:
                work = work + (n - 1 - hi) * (d + 1)
                hi = hi + 1
            n_chunks = hi - lo
            for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
                distance_rows(&X[0, 0], n, d, lo + chunk, lo + chunk + 1, metric, p,
                              &norms[0], &out[0])
            lo = hi
            if signals_pending():
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK
