"""Pairwise distances between rows of observation matrices (condensed or rectangular output).

One pass per row pair, rows split across threads. The metric codes match
_distance.METRICS. The per-pair formulas live in _pair_distance.pxd (shared with
linkage_vector). Observations may be float32 or float64 and the output float32
or float64 (fused types): coordinates are promoted to double before any
arithmetic, and each distance is rounded to the output type once, at the end.
"""
import numpy as np

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport sqrt, NAN
from libc.stdlib cimport malloc, free

from ._common cimport (reraise_pending, index_t, report_and_poll, row_base, signals_pending,
                       STATUS_OK, STATUS_INTERRUPTED, SIGNAL_CHECK_WORK)
from libc.stdint cimport uint64_t

from ._cpu_features cimport fc_use_avx2
from ._pair_distance cimport (Params, pair_distance, pair_work, squared_distance,
                              METRIC_BRAYCURTIS, METRIC_CANBERRA, METRIC_CHEBYSHEV,
                              METRIC_CITYBLOCK, METRIC_COSINE, METRIC_EUCLIDEAN,
                              METRIC_MAHALANOBIS, METRIC_SEUCLIDEAN, METRIC_SQEUCLIDEAN,
                              METRIC_HAMMING, METRIC_JACCARD, METRIC_DICE,
                              METRIC_ROGERSTANIMOTO, METRIC_RUSSELLRAO, METRIC_SOKALSNEATH,
                              METRIC_YULE)

cdef extern from "_bool_kernels.h":
    enum:
        FC_HAMMING
        FC_JACCARD
        FC_DICE
        FC_ROGERSTANIMOTO
        FC_RUSSELLRAO
        FC_SOKALSNEATH
        FC_YULE
    void fc_packed_row_f64(int kind, const uint64_t* P, index_t w, const double* ones,
                           double d, index_t i, index_t j0, index_t j1,
                           double* out) noexcept nogil
    void fc_packed_row_f32(int kind, const uint64_t* P, index_t w, const double* ones,
                           double d, index_t i, index_t j0, index_t j1,
                           float* out) noexcept nogil

# The C rows name the metrics by their own codes; they must be _pair_distance's.
if (FC_HAMMING, FC_JACCARD, FC_DICE, FC_ROGERSTANIMOTO, FC_RUSSELLRAO, FC_SOKALSNEATH,
        FC_YULE) != (METRIC_HAMMING, METRIC_JACCARD, METRIC_DICE, METRIC_ROGERSTANIMOTO,
                     METRIC_RUSSELLRAO, METRIC_SOKALSNEATH, METRIC_YULE):
    raise ImportError("metric codes in _bool_kernels.h differ from _pair_distance.pxd")

ctypedef fused out_t:
    float
    double


cdef extern from "_distance_kernels.h":
    void fc_metric_row_f64(int kind, const double* xi, const double* XT, index_t ld, index_t j0,
                           index_t j1, index_t d, double* out) noexcept nogil
    void fc_metric_row_f32(int kind, const double* xi, const double* XT, index_t ld, index_t j0,
                           index_t j1, index_t d, float* out) noexcept nogil
    void fc_other_row_f64(int kind, const double* xi, const double* XT, index_t ld, index_t j0,
                          index_t j1, index_t d, const double* V, double* out) noexcept nogil
    void fc_other_row_f32(int kind, const double* xi, const double* XT, index_t ld, index_t j0,
                          index_t j1, index_t d, const double* V, float* out) noexcept nogil
    void fc_mahalanobis_row_f64(const double* xi, const double* XT, index_t ld, index_t j0,
                                index_t j1, index_t d, const double* VI, double* out) noexcept nogil
    void fc_mahalanobis_row_f32(const double* xi, const double* XT, index_t ld, index_t j0,
                                index_t j1, index_t d, const double* VI, float* out) noexcept nogil
    void fc_cosine_row_f64(const double* xi, double norm_i, const double* XT, index_t ld,
                           index_t j0, index_t j1, index_t d, const double* norms,
                           double* out) noexcept nogil
    void fc_cosine_row_f32(const double* xi, double norm_i, const double* XT, index_t ld,
                           index_t j0, index_t j1, index_t d, const double* norms,
                           float* out) noexcept nogil


cdef inline bint row_kernel_metric(int metric) noexcept nogil:
    """Metrics with a vectorised row (unweighted only); codes shared with the kernel."""
    return (metric == METRIC_EUCLIDEAN or metric == METRIC_SQEUCLIDEAN
            or metric == METRIC_CITYBLOCK or metric == METRIC_CHEBYSHEV
            or metric == METRIC_COSINE or metric == METRIC_BRAYCURTIS
            or metric == METRIC_CANBERRA or metric == METRIC_SEUCLIDEAN
            or metric == METRIC_MAHALANOBIS)


cdef inline void metric_row(int metric, const double* xi, double norm_i, const double* XT,
                            index_t ld, index_t j0, index_t j1, index_t d, const double* norms,
                            const Params* prm, out_t* out) noexcept nogil:
    """Columns j0..j1-1 of XT against x_i; norms (cosine only): of the columns;
    prm.V, prm.VI: seuclidean's variances, mahalanobis's inverse covariance."""
    if metric == METRIC_MAHALANOBIS:
        if out_t is double:
            fc_mahalanobis_row_f64(xi, XT, ld, j0, j1, d, prm.VI, out)
        else:
            fc_mahalanobis_row_f32(xi, XT, ld, j0, j1, d, prm.VI, out)
    elif metric == METRIC_BRAYCURTIS or metric == METRIC_CANBERRA or metric == METRIC_SEUCLIDEAN:
        if out_t is double:
            fc_other_row_f64(metric, xi, XT, ld, j0, j1, d, prm.V, out)
        else:
            fc_other_row_f32(metric, xi, XT, ld, j0, j1, d, prm.V, out)
    elif metric == METRIC_COSINE:
        if out_t is double:
            fc_cosine_row_f64(xi, norm_i, XT, ld, j0, j1, d, norms, out)
        else:
            fc_cosine_row_f32(xi, norm_i, XT, ld, j0, j1, d, norms, out)
    elif out_t is double:
        fc_metric_row_f64(metric, xi, XT, ld, j0, j1, d, out)
    else:
        fc_metric_row_f32(metric, xi, XT, ld, j0, j1, d, out)


# Coordinates of the row being computed are widened to double on the stack up
# to this many, in a heap buffer beyond.
cdef enum:
    XI_ON_STACK = 64
    XT_TILE_BYTES = 1 << 18     # a tile of the transposed observations: half of L2
    PDIST_ROW_GROUP = 8         # rows a thread takes at once (they share each tile)


cdef void pdist_rows(const floating* X, index_t n, index_t d, index_t lo, index_t hi,
                     const Params* prm, const double* norms, const double* XT,
                     out_t* out) noexcept nogil:
    """Rows lo..hi-1 of the condensed output (pairs (i, j > i)).

    XT: the observations transposed to (d, n) float64, or NULL; with it the
    unweighted euclidean, sqeuclidean, cityblock, chebyshev, cosine (also
    correlation: centred rows), braycurtis, canberra, seuclidean and
    mahalanobis rows take the vectorised kernel (same operations, same order,
    so the same bits as the scalar loop).
    """
    cdef index_t i, j, base, j0, j1, tile
    cdef double* scratch = NULL
    cdef double* xs
    if XT != NULL:                   # the vectorised rows (unweighted)
        # The rows take the columns tile by tile, each tile of XT small enough to
        # stay in L2 while every row uses it: reading all of XT once per row
        # would be limited by the bandwidth of the outer caches at large d.
        xs = <double*> malloc((hi - lo) * d * sizeof(double))
        if xs == NULL:               # out of memory ((hi - lo) d doubles): leave NaN
            for i in range(lo, hi):
                for j in range(i + 1, n):
                    out[row_base(n, i) + j] = NAN
            return
        for i in range(lo, hi):
            for j in range(d):
                xs[(i - lo) * d + j] = X[i * d + j]
        tile = max(64, XT_TILE_BYTES // (8 * d)) // 16 * 16
        j0 = lo + 1
        while j0 < n:
            j1 = j0 + tile if j0 + tile < n else n
            for i in range(lo, hi):
                if j1 > i + 1:
                    metric_row(prm.metric, xs + (i - lo) * d, norms[i], XT, n,
                               max(j0, i + 1), j1, d, norms, prm, out + row_base(n, i))
            j0 = j1
        free(xs)
        return
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
                out[base + j] = <out_t>sqrt(squared_distance(X + i * d, X + j * d, d))
        return
    for i in range(lo, hi):
        base = row_base(n, i)
        for j in range(i + 1, n):
            out[base + j] = <out_t>pair_distance(X + i * d, X + j * d, d, prm, norms[i],
                                                 norms[j], scratch)
    free(scratch)


cdef void cdist_rows(const floating* XA, const floating* XB, index_t nB, index_t d, index_t lo,
                     index_t hi, const Params* prm, const double* norms_a,
                     const double* norms_b, const double* XT, out_t* out) noexcept nogil:
    cdef index_t i, j
    cdef double* scratch = NULL
    cdef double xi_short[XI_ON_STACK]
    cdef double* xi = xi_short
    if XT != NULL:
        if d > XI_ON_STACK:
            xi = <double*> malloc(d * sizeof(double))
            if xi == NULL:           # out of memory (d doubles): leave NaN
                for i in range(lo, hi):
                    for j in range(nB):
                        out[i * nB + j] = NAN
                return
        for i in range(lo, hi):
            for j in range(d):
                xi[j] = XA[i * d + j]
            metric_row(prm.metric, xi, norms_a[i], XT, nB, 0, nB, d, norms_b, prm,
                       out + i * nB)
        if xi != xi_short:
            free(xi)
        return
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
                out[i * nB + j] = <out_t>sqrt(squared_distance(XA + i * d, XB + j * d, d))
        return
    for i in range(lo, hi):
        for j in range(nB):
            out[i * nB + j] = <out_t>pair_distance(XA + i * d, XB + j * d, d, prm, norms_a[i],
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


def row_norms(const floating[:, ::1] X, int metric, const double[::1] w):
    """Euclidean (weighted if w) norms of the rows for cosine; ones otherwise."""
    return np.asarray(norms_of_rows(X, metric, w))


cdef double[::1] norms_of_rows(const floating[:, ::1] X, int metric, const double[::1] w):
    """row_norms for the kernels: no Python call, no conversion back to an array."""
    cdef index_t i, k, n = X.shape[0], d = X.shape[1]
    cdef double acc, x
    cdef double[::1] norms = np.ones(max(n, 1))
    if metric == METRIC_COSINE:
        for i in range(n):
            acc = 0.0
            for k in range(d):
                x = X[i, k]
                if w.shape[0] > 0:
                    acc = acc + w[k] * x * x
                else:
                    acc = acc + x * x
            norms[i] = sqrt(acc)
    return norms


cdef inline index_t rows_worth(index_t n, index_t lo, index_t per_pair) noexcept nogil:
    """End of the block of condensed rows from lo worth about SIGNAL_CHECK_WORK
    operations (per_pair each): the work between two checks for Ctrl-C."""
    cdef index_t hi = lo, work = 0
    while hi < n - 1 and work < SIGNAL_CHECK_WORK:
        work = work + (n - 1 - hi) * per_pair
        hi = hi + 1
    return hi


def transposed_for_rows(X, int metric, w):
    """(d, n) float64 copy of X for the vectorised rows, or None.

    Only when the CPU has AVX2 and the metric is unweighted euclidean,
    sqeuclidean, cityblock, chebyshev, cosine (correlation too), braycurtis,
    canberra, seuclidean, or mahalanobis with d <= 64 (its kernel keeps a
    d-vector in registers); the copy costs n*d doubles, small next to the
    n^2/2 output.
    """
    if (not row_kernel_metric(metric) or w.shape[0] > 0 or not fc_use_avx2()
            or (metric == METRIC_MAHALANOBIS and X.shape[1] > 64)):
        return None
    return np.ascontiguousarray(X.T, dtype=np.float64)


def pdist_condensed(const floating[:, ::1] X,   # in: (n, d) observations
                    int metric,                 # in: METRIC_* code
                    double p,                   # in: Minkowski exponent (> 0)
                    out_t[::1] out,             # out: length n*(n-1)//2
                    int workers=1,              # in
                    const double[::1] w=None,   # in: weights (d,) or empty
                    const double[::1] V=None,   # in: seuclidean variances (d,) or empty
                    const double[:, ::1] VI=None,   # in: mahalanobis (d, d) or empty
                    double log_base=0.0,        # in: jensenshannon log(base), 0 = natural
                    long long[::1] progress=None):  # out: [stage, done, total], see _progress.py
    """Condensed pairwise distances of the rows of X; returns a status code.

    Preconditions: X finite, C-contiguous float32 or float64; out float32 or
    float64 with len(out) == n*(n-1)//2; w, V of length d or 0, VI of shape
    (d, d) or (0, 0), as the metric needs.
    """
    empty1 = np.empty(0)
    if w is None:
        w = empty1
    if V is None:
        V = empty1
    if VI is None:
        VI = np.empty((0, 0))
    cdef index_t n = X.shape[0], d = X.shape[1], lo, hi, chunk, n_chunks, per_pair
    cdef int interrupted = 0
    cdef double[::1] norms = norms_of_rows(X, metric, w)
    cdef Params prm = make_params(metric, p, w, V, VI, log_base)
    cdef const double[:, ::1] XT_view
    cdef const double* XT = NULL
    if n < 2:
        return STATUS_OK
    XT_arr = transposed_for_rows(np.asarray(X), metric, w)
    if XT_arr is not None:
        XT_view = XT_arr
        XT = &XT_view[0, 0]
    per_pair = pair_work(metric, d)
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * (n - 1) // 2       # pairs
    with nogil:
        lo = 0
        while lo < n - 1:
            hi = rows_worth(n, lo, per_pair)
            n_chunks = (hi - lo + PDIST_ROW_GROUP - 1) // PDIST_ROW_GROUP
            for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
                pdist_rows(&X[0, 0], n, d, lo + chunk * PDIST_ROW_GROUP,
                           min(lo + (chunk + 1) * PDIST_ROW_GROUP, hi), &prm,
                           &norms[0], XT, &out[0])
            lo = hi
            # done: the pairs of rows < hi
            if report_and_poll(counters, hi * (2 * n - hi - 1) // 2):
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK


def pdist_packed(const uint64_t[:, ::1] P,     # in: (n, w) truth values, 64 to a word
                 const double[::1] ones,        # in: (n,) number of True in each row
                 index_t d,                     # in: number of coordinates
                 int metric,                    # in: METRIC_HAMMING .. METRIC_YULE
                 out_t[::1] out,                # out: length n*(n-1)//2
                 int workers=1,                 # in
                 long long[::1] progress=None):  # out: [stage, done, total], see _progress.py
    """Condensed distances of a Boolean metric from bit-packed rows; a status code.

    The same values, bit for bit, as pdist_condensed on the unpacked 0/1 rows
    (see _bool_kernels.h). Bits past d in each row must be 0.
    """
    cdef index_t n = P.shape[0], w = P.shape[1], lo, hi, chunk, n_chunks
    cdef int interrupted = 0
    cdef long long* counters = NULL
    if n < 2:
        return STATUS_OK
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * (n - 1) // 2       # pairs
    with nogil:
        lo = 0
        while lo < n - 1:
            hi = rows_worth(n, lo, w + 4)
            n_chunks = hi - lo
            for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
                if out_t is double:
                    fc_packed_row_f64(metric, &P[0, 0], w, &ones[0], <double>d, lo + chunk,
                                      lo + chunk + 1, n, &out[0] + row_base(n, lo + chunk))
                else:
                    fc_packed_row_f32(metric, &P[0, 0], w, &ones[0], <double>d, lo + chunk,
                                      lo + chunk + 1, n, &out[0] + row_base(n, lo + chunk))
            lo = hi
            # done: the pairs of rows < hi
            if report_and_poll(counters, hi * (2 * n - hi - 1) // 2):
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK


def cdist_rect(const floating[:, ::1] XA,      # in: (nA, d) observations
               const floating[:, ::1] XB,      # in: (nB, d) observations, same dtype as XA
               int metric,                     # in: METRIC_* code
               double p,                       # in: Minkowski exponent (> 0)
               out_t[:, ::1] out,              # out: (nA, nB)
               int workers=1,                  # in
               const double[::1] w=None,       # in: weights (d,) or empty
               const double[::1] V=None,       # in: seuclidean variances (d,) or empty
               const double[:, ::1] VI=None,   # in: mahalanobis (d, d) or empty
               double log_base=0.0):           # in: jensenshannon log(base), 0 = natural
    """Distances between every row of XA and every row of XB; returns a status code.

    Preconditions: as pdist_condensed, XA and XB with the same d and dtype, out (nA, nB).
    """
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
    cdef double[::1] norms_a = norms_of_rows(XA, metric, w)
    cdef double[::1] norms_b = norms_of_rows(XB, metric, w)
    cdef Params prm = make_params(metric, p, w, V, VI, log_base)
    cdef const double[:, ::1] XT_view
    cdef const double* XT = NULL
    if nA == 0 or nB == 0:
        return STATUS_OK
    XT_arr = transposed_for_rows(np.asarray(XB), metric, w)
    if XT_arr is not None:
        XT_view = XT_arr
        XT = &XT_view[0, 0]
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
                           &norms_a[0], &norms_b[0], XT, &out[0, 0])
            lo = hi
            if signals_pending():
                interrupted = 1
                break
    if interrupted:
        reraise_pending()
    return STATUS_OK
