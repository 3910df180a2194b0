# Distance between two observations, one metric code at a time.
#
# Shared by _metrics.pyx (pdist, cdist) and _vector.pyx (linkage_vector), so that
# both compute every distance with the same operations in the same order: the
# single-linkage tree of linkage_vector is then bit-identical to linkage(pdist(X)).
# Inputs are float32 or float64 (fused); every coordinate is promoted to double
# before any arithmetic, so float32 data gives exactly the distances of its
# float64 conversion. Every formula follows SciPy's compiled one (same order of
# operations where it matters, same value for zero denominators).
from cython cimport floating
from libc.math cimport sqrt, fabs, pow, log, INFINITY

from ._common cimport index_t

# Metric codes; _distance.METRICS uses the same numbers.
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


cdef inline index_t pair_work(int metric, index_t d) noexcept nogil:
    """Rough cost of one distance, in coordinate operations."""
    return d * (d + 1) if metric == METRIC_MAHALANOBIS else d + 1


cdef inline double other_distance(const floating* u_, const floating* v_, index_t d,
                                  const Params* prm, double* scratch) noexcept nogil:
    """The metrics off the fast path: one loop each, weights where SciPy has them."""
    cdef index_t k, l
    cdef int metric = prm.metric
    cdef double num = 0.0, den = 0.0, acc = 0.0, wk, s, su = 0.0, sv = 0.0, pk, qk, mk
    cdef double ntt = 0.0, ntf = 0.0, nft = 0.0, nff = 0.0, ndiff = 0.0, total = 0.0, half_r
    cdef double uk, vk, xk, yk, xy
    if metric == METRIC_BRAYCURTIS:
        for k in range(d):
            wk = weight(prm, k)
            uk = u_[k]
            vk = v_[k]
            num += wk * fabs(uk - vk)
            den += wk * fabs(uk + vk)
        return num / den                    # 0/0 is NaN, as in SciPy
    elif metric == METRIC_CANBERRA:
        for k in range(d):
            uk = u_[k]
            vk = v_[k]
            num = fabs(uk - vk)
            den = fabs(uk) + fabs(vk)
            acc += weight(prm, k) * (num / (den + (den == 0.0)))   # 0/0 terms count 0
        return acc
    elif metric == METRIC_SEUCLIDEAN:
        for k in range(d):
            s = <double>u_[k] - <double>v_[k]
            acc += s * s / prm.V[k]
        return sqrt(acc)
    elif metric == METRIC_MAHALANOBIS:
        for k in range(d):
            scratch[k] = <double>u_[k] - <double>v_[k]
        for k in range(d):
            s = 0.0
            for l in range(d):
                s += scratch[l] * prm.VI[k * d + l]
            acc += scratch[k] * s
        return sqrt(acc)
    elif metric == METRIC_JENSENSHANNON:
        for k in range(d):
            if u_[k] < 0.0 or v_[k] < 0.0:
                return INFINITY
            su += <double>u_[k]
            sv += <double>v_[k]
        if su == 0.0 or sv == 0.0:
            return INFINITY
        for k in range(d):
            pk = <double>u_[k] / su
            qk = <double>v_[k] / sv
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
            ndiff += wk * (u_[k] != v_[k])
            total += wk
        return ndiff / total
    elif metric == METRIC_JACCARD:
        # branch-free: with x, y in {0, 1} every term is wk or 0 exactly, and adding
        # an exact 0 changes no sum, so these are the counts of the obvious branches
        for k in range(d):
            wk = weight(prm, k)
            xk = <double>(u_[k] != 0.0)
            yk = <double>(v_[k] != 0.0)
            xy = xk * yk
            num += wk * (xk + yk - 2.0 * xy)        # x != y
            den += wk * (xk + yk - xy)              # x or y
        return 0.0 if den == 0.0 else num / den
    elif metric == METRIC_DICE:
        # values are 0 or 1 here (checked in Python)
        for k in range(d):
            wk = weight(prm, k)
            uk = u_[k]
            vk = v_[k]
            ndiff += wk * (uk * (1.0 - vk) + vk * (1.0 - uk))
            ntt += wk * uk * vk
        return ndiff / (2.0 * ntt + ndiff)
    else:  # the other boolean metrics: nonzero is True; branch-free as jaccard
        for k in range(d):
            wk = weight(prm, k)
            xk = <double>(u_[k] != 0.0)
            yk = <double>(v_[k] != 0.0)
            xy = xk * yk
            total += wk
            ntt += wk * xy
            ntf += wk * (xk - xy)
            nft += wk * (yk - xy)
            nff += wk * (1.0 - xk - yk + xy)
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


cdef inline double squared_distance(const floating* u, const floating* v, index_t d) noexcept nogil:
    """Sum of (u[k] - v[k])**2 in k order, without fused multiply-add."""
    cdef index_t k
    cdef double acc = 0.0, diff
    for k in range(d):
        diff = <double>u[k] - <double>v[k]
        acc += diff * diff
    return acc


cdef inline double pair_distance(const floating* u, const floating* v, index_t d,
                                 const Params* prm, double norm_u, double norm_v,
                                 double* scratch) noexcept nogil:
    """Distance of metric prm.metric between rows u and v.

    norm_u, norm_v: the (weighted) Euclidean norms of u and v for cosine, else
    unused; scratch: d doubles for mahalanobis, else unused. Callers pass the
    pair in index order (u the lower row): jensenshannon is not bitwise symmetric.
    """
    cdef index_t k
    cdef int metric = prm.metric
    cdef const double* w = prm.w
    cdef double acc = 0.0, diff, cos
    if w == NULL and (metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN):
        acc = squared_distance(u, v, d)
        return sqrt(acc) if metric == METRIC_EUCLIDEAN else acc
    elif metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN:
        for k in range(d):
            diff = <double>u[k] - <double>v[k]
            acc += w[k] * diff * diff
        return sqrt(acc) if metric == METRIC_EUCLIDEAN else acc
    elif metric == METRIC_CITYBLOCK:
        if w == NULL:
            for k in range(d):
                acc += fabs(<double>u[k] - <double>v[k])
        else:
            for k in range(d):
                acc += w[k] * fabs(<double>u[k] - <double>v[k])
        return acc
    elif metric == METRIC_CHEBYSHEV:
        for k in range(d):
            diff = fabs(<double>u[k] - <double>v[k])
            if diff > acc and (w == NULL or w[k] > 0.0):   # SciPy: max over w > 0
                acc = diff
        return acc
    elif metric == METRIC_MINKOWSKI:
        if w == NULL:
            for k in range(d):
                acc += pow(fabs(<double>u[k] - <double>v[k]), prm.p)
        else:
            for k in range(d):
                acc += w[k] * pow(fabs(<double>u[k] - <double>v[k]), prm.p)
        return pow(acc, 1.0 / prm.p)
    elif metric == METRIC_COSINE:  # norms (weighted if w) are precomputed once per row
        if w == NULL:
            for k in range(d):
                acc += <double>u[k] * <double>v[k]
        else:
            for k in range(d):
                acc += w[k] * <double>u[k] * <double>v[k]
        cos = acc / (norm_u * norm_v)
        # rounding can push |cos| just past 1; SciPy clips the same way
        if cos > 1.0:
            cos = 1.0
        elif cos < -1.0:
            cos = -1.0
        return 1.0 - cos
    return other_distance(u, v, d, prm, scratch)
