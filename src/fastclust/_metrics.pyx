"""Pairwise distances between rows of observation matrices (condensed or rectangular output).

One pass per row pair, rows split across threads. The metric codes match
_distance.METRICS. Every formula follows SciPy's compiled one (same order of
operations where it matters, same value for zero denominators).
"""
from cython.parallel cimport prange
from libc.math cimport sqrt, fabs, pow, log, INFINITY, NAN
from libc.stdlib cimport malloc, free

from ._euclidean cimport squared_distance
from ._common cimport reraise_pending, index_t, row_base, signals_pending, STATUS_OK, STATUS_INTERRUPTED, SIGNAL_CHECK_WORK

cdef enum:
    METRIC_EUCLIDEAN = 0
    METRIC_SQEUCLIDEAN = 1
    METRIC_CITYBLOCK = 2
    METRIC_CHEBYSHEV = 3
    METRIC_MINKOWSKI = 4
    METRIC_COSINE = 5
    METRIC_BRAYCURTIS = 6
    METRIC_CANBERRA = 7
    METRIC_SEUCLIDEAN = 8
    METRIC_MAHALANOBIS = 9
    METRIC_JENSENSHANNON = 10
    METRIC_HAMMING = 11
    METRIC_JACCARD = 12
    METRIC_DICE = 13
    METRIC_ROGERSTANIMOTO = 14
    METRIC_RUSSELLRAO = 15
    METRIC_SOKALSNEATH = 16
    METRIC_YULE = 17


cdef struct Params:
    int metric
    double p            # Minkowski exponent
    const double* w     # weights, or NULL
    const double* V     # seuclidean variances
    const double* VI    # mahalanobis inverse covariance, row-major (d, d)
    double log_base     # jensenshannon: log(base), or 0 for natural log


cdef inline double weight(const Params* prm, index_t k) noexcept nogil:
    return 1.0 if prm.w == NULL else prm.w[k]


cdef double other_distance(const double* u, const double* v, index_t d, const Params* prm,
                           double* scratch) noexcept nogil:
    """The metrics off the fast path: one loop each, weights where SciPy has them."""
    cdef index_t k, l
    cdef int metric = prm.metric
    cdef double num = 0.0, den = 0.0, acc = 0.0, wk, s, su = 0.0, sv = 0.0, pk, qk, mk
    cdef double ntt = 0.0, ntf = 0.0, nft = 0.0, nff = 0.0, ndiff = 0.0, total = 0.0, half_r
    cdef bint x, y
    if metric == METRIC_BRAYCURTIS:
        for k in range(d):
            wk = weight(prm, k)
            num += wk * fabs(u[k] - v[k])
            den += wk * fabs(u[k] + v[k])
        return num / den                    # 0/0 is NaN, as in SciPy
    elif metric == METRIC_CANBERRA:
        for k in range(d):
            num = fabs(u[k] - v[k])
            den = fabs(u[k]) + fabs(v[k])
            acc += weight(prm, k) * (num / (den + (den == 0.0)))   # 0/0 terms count 0
        return acc
    elif metric == METRIC_SEUCLIDEAN:
        for k in range(d):
            s = u[k] - v[k]
            acc += s * s / prm.V[k]
        return sqrt(acc)
    elif metric == METRIC_MAHALANOBIS:
        for k in range(d):
            scratch[k] = u[k] - v[k]
        for k in range(d):
            s = 0.0
            for l in range(d):
                s += scratch[l] * prm.VI[k * d + l]
            acc += scratch[k] * s
        return sqrt(acc)
    elif metric == METRIC_JENSENSHANNON:
        for k in range(d):
            if u[k] < 0.0 or v[k] < 0.0:
                return INFINITY
            su += u[k]
            sv += v[k]
        if su == 0.0 or sv == 0.0:
            return INFINITY
        for k in range(d):
            pk = u[k] / su
            qk = v[k] / sv
            mk = (pk + qk) / 2.0
            if pk > 0.0:
                acc += pk * log(pk / mk)
            if qk > 0.0:
                acc += qk * log(qk / mk)
        if prm.log_base != 0.0:
            acc = acc / prm.log_base
        return sqrt(acc / 2.0)
    elif metric == METRIC_HAMMING:
        for k in range(d):
            wk = weight(prm, k)
            ndiff += wk * (u[k] != v[k])
            total += wk
        return ndiff / total
    elif metric == METRIC_JACCARD:
        for k in range(d):
            wk = weight(prm, k)
            x = u[k] != 0.0
            y = v[k] != 0.0
            num += wk * (x != y)
            den += wk * (x or y)
        return 0.0 if den == 0.0 else num / den
    elif metric == METRIC_DICE:
        # values are 0 or 1 here (checked in Python)
        for k in range(d):
            wk = weight(prm, k)
            ndiff += wk * (u[k] * (1.0 - v[k]) + v[k] * (1.0 - u[k]))
            ntt += wk * u[k] * v[k]
        return ndiff / (2.0 * ntt + ndiff)
    else:  # the other boolean metrics: nonzero is True
        for k in range(d):
            wk = weight(prm, k)
            x = u[k] != 0.0
            y = v[k] != 0.0
            total += wk
            if x and y:
                ntt += wk
            elif x:
                ntf += wk
            elif y:
                nft += wk
            else:
                nff += wk
        ndiff = ntf + nft
        if metric == METRIC_ROGERSTANIMOTO:
            return (2.0 * ndiff) / (total + ndiff)
        elif metric == METRIC_RUSSELLRAO:
            return (total - ntt) / total
        elif metric == METRIC_SOKALSNEATH:
            return (2.0 * ndiff) / (ntt + 2.0 * ndiff)
        else:  # yule
            half_r = ntf * nft
            return (2.0 * half_r) / (ntt * nff + half_r + (half_r == 0.0))


cdef inline double pair_distance(const double* u, const double* v, index_t d, const Params* prm,
                                 double norm_u, double norm_v, double* scratch) noexcept nogil:
    cdef index_t k
    cdef int metric = prm.metric
    cdef const double* w = prm.w
    cdef double acc = 0.0, diff, cos
    if w == NULL and (metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN):
        for k in range(d):
            diff = u[k] - v[k]
            acc += diff * diff
        return sqrt(acc) if metric == METRIC_EUCLIDEAN else acc
    elif metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN:
        for k in range(d):
            diff = u[k] - v[k]
            acc += w[k] * diff * diff
        return sqrt(acc) if metric == METRIC_EUCLIDEAN else acc
    elif metric == METRIC_CITYBLOCK:
        if w == NULL:
            for k in range(d):
                acc += fabs(u[k] - v[k])
        else:
            for k in range(d):
                acc += w[k] * fabs(u[k] - v[k])
        return acc
    elif metric == METRIC_CHEBYSHEV:
        for k in range(d):
            diff = fabs(u[k] - v[k])
            if diff > acc and (w == NULL or w[k] > 0.0):   # SciPy: max over w > 0
                acc = diff
        return acc
    elif metric == METRIC_MINKOWSKI:
        if w == NULL:
            for k in range(d):
                acc += pow(fabs(u[k] - v[k]), prm.p)
        else:
            for k in range(d):
                acc += w[k] * pow(fabs(u[k] - v[k]), prm.p)
        return pow(acc, 1.0 / prm.p)
    elif metric == METRIC_COSINE:  # norms (weighted if w) are precomputed once per row
        if w == NULL:
            for k in range(d):
                acc += u[k] * v[k]
        else:
            for k in range(d):
                acc += w[k] * u[k] * v[k]
        cos = acc / (norm_u * norm_v)
        # rounding can push |cos| just past 1; SciPy clips the same way
        if cos > 1.0:
            cos = 1.0
        elif cos < -1.0:
            cos = -1.0
        return 1.0 - cos
    return other_distance(u, v, d, prm, scratch)


cdef void pdist_rows(const double* X, index_t n, index_t d, index_t lo, index_t hi,
                     const Params* prm, const double* norms, double* out) noexcept nogil:
    cdef index_t i, j, base
    cdef double* scratch = NULL
    if prm.metric == METRIC_MAHALANOBIS:
        scratch = <double*> malloc(d * sizeof(double))
        if scratch == NULL:   # out of memory (d doubles): leave NaN
            for i in range(lo, hi):
                base = row_base(n, i)
                for j in range(i + 1, n):
                    out[base + j] = NAN
            return
    if prm.metric == METRIC_EUCLIDEAN and prm.w == NULL:   # the fast path, no dispatch
        for i in range(lo, hi):
            base = row_base(n, i)
            for j in range(i + 1, n):
                out[base + j] = sqrt(squared_distance(X + i * d, X + j * d, d))
        return
    for i in range(lo, hi):
        base = row_base(n, i)
        for j in range(i + 1, n):
            out[base + j] = pair_distance(X + i * d, X + j * d, d, prm, norms[i], norms[j],
                                          scratch)
    free(scratch)


cdef void cdist_rows(const double* XA, const double* XB, index_t nB, index_t d, index_t lo,
                     index_t hi, const Params* prm, const double* norms_a,
                     const double* norms_b, double* out) noexcept nogil:
    cdef index_t i, j
    cdef double* scratch = NULL
    if prm.metric == METRIC_MAHALANOBIS:
        scratch = <double*> malloc(d * sizeof(double))
        if scratch == NULL:
            for i in range(lo, hi):
                for j in range(nB):
                    out[i * nB + j] = NAN
            return
    if prm.metric == METRIC_EUCLIDEAN and prm.w == NULL:
        for i in range(lo, hi):
            for j in range(nB):
                out[i * nB + j] = sqrt(squared_distance(XA + i * d, XB + j * d, d))
        return
    for i in range(lo, hi):
        for j in range(nB):
            out[i * nB + j] = pair_distance(XA + i * d, XB + j * d, d, prm, norms_a[i],
                                            norms_b[j], scratch)
    free(scratch)


cdef Params make_params(int metric, double p, const double[::1] w, const double[::1] V,
                        const double[:, ::1] VI, double log_base):
    cdef Params prm
    prm.metric = metric
    prm.p = p
    prm.w = &w[0] if w.shape[0] > 0 else NULL
    prm.V = &V[0] if V.shape[0] > 0 else NULL
    prm.VI = &VI[0, 0] if VI.shape[0] > 0 else NULL
    prm.log_base = log_base
    return prm


cdef object row_norms(const double[:, ::1] X, int metric, const double[::1] w):
    """Euclidean (weighted if w) norms of the rows for cosine; ones otherwise."""
    import numpy as np
    cdef index_t i, k, n = X.shape[0], d = X.shape[1]
    cdef double acc
    cdef double[::1] norms = np.ones(max(n, 1))
    if metric == METRIC_COSINE:
        for i in range(n):
            acc = 0.0
            for k in range(d):
                if w.shape[0] > 0:
                    acc = acc + w[k] * X[i, k] * X[i, k]
                else:
                    acc = acc + X[i, k] * X[i, k]
            norms[i] = sqrt(acc)
    return norms


cdef inline index_t pair_work(int metric, index_t d) noexcept nogil:
    return d * (d + 1) if metric == METRIC_MAHALANOBIS else d + 1


def pdist_condensed(const double[:, ::1] X,     # in: (n, d) observations
                    int metric,                 # in: METRIC_* code
                    double p,                   # in: Minkowski exponent (> 0)
                    double[::1] out,            # out: length n*(n-1)//2
                    int workers=1,              # in
                    const double[::1] w=None,   # in: weights (d,) or empty
                    const double[::1] V=None,   # in: seuclidean variances (d,) or empty
                    const double[:, ::1] VI=None,   # in: mahalanobis (d, d) or empty
                    double log_base=0.0):       # in: jensenshannon log(base), 0 = natural
    """Condensed pairwise distances of the rows of X; returns a status code.

    Preconditions: X finite, C-contiguous float64; len(out) == n*(n-1)//2;
    w, V of length d or 0, VI of shape (d, d) or (0, 0), as the metric needs.
    """
    import numpy as np
    empty1 = np.empty(0)
    if w is None:
        w = empty1
    if V is None:
        V = empty1
    if VI is None:
        VI = np.empty((0, 0))
    cdef index_t n = X.shape[0], d = X.shape[1], lo, hi, chunk, n_chunks, work, per_pair
    cdef int interrupted = 0
    cdef double[::1] norms = row_norms(X, metric, w)
    cdef Params prm = make_params(metric, p, w, V, VI, log_base)
    if n < 2:
        return STATUS_OK
    per_pair = pair_work(metric, d)
    with nogil:
        lo = 0
        while lo < n - 1:
            # a block of rows worth ~SIGNAL_CHECK_WORK coordinate operations
            hi = lo
            work = 0
            while hi < n - 1 and work < SIGNAL_CHECK_WORK:
                work = work + (n - 1 - hi) * per_pair
                hi = hi + 1
            n_chunks = hi - lo
            for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
                pdist_rows(&X[0, 0], n, d, lo + chunk, lo + chunk + 1, &prm,
                           &norms[0], &out[0])
            lo = hi
            if signals_pending():
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK


def cdist_rect(const double[:, ::1] XA,        # in: (nA, d) observations
               const double[:, ::1] XB,        # in: (nB, d) observations
               int metric,                     # in: METRIC_* code
               double p,                       # in: Minkowski exponent (> 0)
               double[:, ::1] out,             # out: (nA, nB)
               int workers=1,                  # in
               const double[::1] w=None,       # in: weights (d,) or empty
               const double[::1] V=None,       # in: seuclidean variances (d,) or empty
               const double[:, ::1] VI=None,   # in: mahalanobis (d, d) or empty
               double log_base=0.0):           # in: jensenshannon log(base), 0 = natural
    """Distances between every row of XA and every row of XB; returns a status code.

    Preconditions: as pdist_condensed, XA and XB with the same d, out (nA, nB).
    """
    import numpy as np
    empty1 = np.empty(0)
    if w is None:
        w = empty1
    if V is None:
        V = empty1
    if VI is None:
        VI = np.empty((0, 0))
    cdef index_t nA = XA.shape[0], nB = XB.shape[0], d = XA.shape[1]
    cdef index_t lo, hi, chunk, n_chunks, work, per_pair
    cdef int interrupted = 0
    cdef double[::1] norms_a = row_norms(XA, metric, w)
    cdef double[::1] norms_b = row_norms(XB, metric, w)
    cdef Params prm = make_params(metric, p, w, V, VI, log_base)
    if nA == 0 or nB == 0:
        return STATUS_OK
    per_pair = pair_work(metric, d)
    with nogil:
        lo = 0
        while lo < nA:
            hi = lo
            work = 0
            while hi < nA and work < SIGNAL_CHECK_WORK:
                work = work + nB * per_pair
                hi = hi + 1
            n_chunks = hi - lo
            for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
                cdist_rows(&XA[0, 0], &XB[0, 0], nB, d, lo + chunk, lo + chunk + 1, &prm,
                           &norms_a[0], &norms_b[0], &out[0, 0])
            lo = hi
            if signals_pending():
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK
