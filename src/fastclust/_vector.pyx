"""Linkage of observation vectors in Theta(n*d) memory: no distance matrix is ever stored.

- single: Prim's algorithm with distances computed on the fly, by the same
  code as pdist (_pair_distance.pxd), so every distance has the same bits as
  in pdist(X). Edges are totally ordered by (distance, condensed offset of the
  pair), the order of _mst.pyx: the tree is unique, and Z equals
  linkage(pdist(X), 'single') whatever the algorithm or the number of threads.
- ward: the nearest-neighbour chain on cluster centroids and sizes. The Ward
  distance of clusters A, B is sqrt(2 |A| |B| / (|A| + |B|)) * ||c_A - c_B||.
- centroid, median: Muellner's generic algorithm (a heap of per-slot nearest
  neighbour candidates) on centroids; median merges to the midpoint of the two
  centroids (WPGMC). Heights may go down (inversions); merges come out in the
  order performed, as in _generic.pyx.

Observations are float32 or float64 (fused). Coordinates are promoted to
double for every distance; the working centroids of ward/centroid/median are
kept in the input's type.

Reference: D. Muellner, "Modern hierarchical, agglomerative clustering
algorithms", arXiv:1109.2378 (sections 3.1-3.3, and the vector versions of
section 4).
"""
import numpy as np

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport INFINITY, sqrt

from ._common cimport (condensed_index, reraise_pending, index_t, report_and_poll, signals_pending,
                       STATUS_OK, STATUS_INTERRUPTED, STATUS_BUG, SIGNAL_CHECK_WORK,
                       METHOD_CENTROID, METHOD_MEDIAN, METHOD_WARD)
from ._heap cimport Heap, heap_build, heap_remove, heap_update, sift_down, sift_up
from ._openmp cimport omp_get_thread_num
from ._pair_distance cimport (Params, pair_distance, pair_work, squared_distance,
                              METRIC_BRAYCURTIS, METRIC_CANBERRA, METRIC_COSINE,
                              METRIC_EUCLIDEAN, METRIC_MAHALANOBIS, METRIC_SEUCLIDEAN)

cdef extern from "_distance_kernels.h":
    void fc_mahalanobis_row_f64(const double* xi, const double* XT, index_t ld, index_t j0,
                                index_t j1, index_t d, const double* VI,
                                double* out) noexcept nogil
    void fc_other_row_f64(int kind, const double* xi, const double* XT, index_t ld, index_t j0,
                          index_t j1, index_t d, const double* V, double* out) noexcept nogil

# Prim steps for mahalanobis (d <= 64) and unweighted braycurtis, canberra and
# seuclidean compute the distances of PRIM_BLOCK remaining points at a time to
# the new tree vertex with pdist's vectorised row (the same operations as
# pair_distance: the same bits), reading a transposed copy of the remaining
# points kept in the order of `rest` (prim_core moves one column per step).
cdef index_t PRIM_BLOCK = 256


cdef inline bint prim_blocked(const Params* prm, index_t d) noexcept nogil:
    if prm.metric == METRIC_MAHALANOBIS:
        return d <= 64
    return prm.w == NULL and (prm.metric == METRIC_BRAYCURTIS or prm.metric == METRIC_CANBERRA
                              or prm.metric == METRIC_SEUCLIDEAN)


cdef inline index_t prim_scratch_size(const Params* prm, index_t d) noexcept nogil:
    """Doubles of scratch per thread for prim_scan."""
    if prim_blocked(prm, d):
        return d + PRIM_BLOCK
    return d


cdef extern from "_vector_kernels.h":
    void fc_prim_rows_f64(int kind, const double* XT, index_t ld, index_t m, index_t d,
                          const double* xu, index_t u, const index_t* rest, index_t n,
                          double* key_d, index_t* key_k, index_t* key_u, double* best_d,
                          index_t* best_k, index_t* best_t) noexcept nogil
    void fc_prim_rows_f32(int kind, const float* XT, index_t ld, index_t m, index_t d,
                          const double* xu, index_t u, const index_t* rest, index_t n,
                          double* key_d, index_t* key_k, index_t* key_u, double* best_d,
                          index_t* best_k, index_t* best_t) noexcept nogil
    void fc_prim_cosine_f64(const double* XT, index_t ld, index_t m, index_t d,
                            const double* xu, double nu, const double* nr, index_t u,
                            const index_t* rest, index_t n, double* key_d, index_t* key_k,
                            index_t* key_u, double* best_d, index_t* best_k,
                            index_t* best_t) noexcept nogil
    void fc_prim_cosine_f32(const float* XT, index_t ld, index_t m, index_t d,
                            const double* xu, double nu, const double* nr, index_t u,
                            const index_t* rest, index_t n, double* key_d, index_t* key_k,
                            index_t* key_u, double* best_d, index_t* best_k,
                            index_t* best_t) noexcept nogil
    void fc_dist_row_f64(const double* x, const double* XT, index_t ld, index_t p0, index_t p1,
                         index_t d, const double* pen, int ward, double s_x, const double* sz,
                         double* out) noexcept nogil
    void fc_dist_row_f32(const double* x, const float* XT, index_t ld, index_t p0, index_t p1,
                         index_t d, const double* pen, int ward, double s_x, const double* sz,
                         double* out) noexcept nogil
    index_t fc_dist_argmin_f64(const double* x, const double* XT, index_t ld, index_t p0,
                               index_t p1, index_t d, const double* pen, int ward, double s_x,
                               const double* sz, double* best) noexcept nogil
    index_t fc_dist_argmin_f32(const double* x, const float* XT, index_t ld, index_t p0,
                               index_t p1, index_t d, const double* pen, int ward, double s_x,
                               const double* sz, double* best) noexcept nogil

# A distance was NaN or infinite (e.g. the cosine distance of a zero vector);
# the pair is reported in `bad`. _linkage_vector.py turns it into a ValueError.
cdef enum:
    STATUS_NOT_FINITE = 3

# Coordinate operations a step must have before it is shared between threads.
# One parallel region per step costs a few microseconds on an idle machine and
# up to a scheduler time slice when another process holds a core, so only
# steps worth about a millisecond or more are split.
cdef index_t PARALLEL_MIN_WORK = 1 << 20


def _set_parallel_min_work(index_t work):
    """Set the threshold above (returns the old value); for tests of the threaded paths."""
    global PARALLEL_MIN_WORK
    old = PARALLEL_MIN_WORK
    PARALLEL_MIN_WORK = work
    return old


cdef inline bint edge_less(double d1, index_t k1, double d2, index_t k2) noexcept nogil:
    return d1 < d2 or (d1 == d2 and k1 < k2)


# ---------------------------------------------------------------------------
# single: Prim on the fly
# ---------------------------------------------------------------------------

cdef void prim_scan(const floating* X, index_t n, index_t d, const Params* prm,
                    const double* norms, index_t u, index_t lo, index_t hi,
                    const index_t* rest,                               # in
                    const double* RT,                                  # in, or NULL
                    double* key_d, index_t* key_k, index_t* key_u,     # in/out
                    double* scratch,                                   # prim_scratch_size
                    double* best_d, index_t* best_k, index_t* best_t,  # out
                    index_t* bad) noexcept nogil:                      # out: a pair, if any
    """Relax the keys of rest[lo:hi] with the edges to the new tree vertex u.

    RT: for the blocked metrics (prim_blocked), the remaining points transposed
    in the order of rest: RT[k * n + t] is coordinate k of point rest[t].
    Returns in best_* the lexicographically smallest (key_d, key_k) of the range
    and its position t. A non-finite distance is reported in bad[0], bad[1].
    """
    cdef index_t t, v, a, b, k, bt = -1, bk = -1, t0 = lo, cnt = 0
    cdef double dist, bd = INFINITY
    cdef bint fast = prm.metric == METRIC_EUCLIDEAN and prm.w == NULL
    # blocked metrics: scratch = x_u (d), the distances of a block (PRIM_BLOCK)
    cdef bint blocked = RT != NULL
    cdef double* xu = scratch
    cdef double* bdist = scratch + d
    if blocked:
        for k in range(d):
            xu[k] = X[u * d + k]
    for t in range(lo, hi):
        v = rest[t]
        if u < v:
            a = u
            b = v
        else:
            a = v
            b = u
        if blocked:
            # (u, v) and (v, u) give the same bits here: mahalanobis and seuclidean
            # pair two negated factors in every product, braycurtis and canberra
            # take absolute values of differences and sums of the two
            if t == t0 + cnt:
                t0 = t
                cnt = min(PRIM_BLOCK, hi - t)
                if prm.metric == METRIC_MAHALANOBIS:
                    fc_mahalanobis_row_f64(xu, RT + t0, n, 0, cnt, d, prm.VI, bdist)
                else:
                    fc_other_row_f64(prm.metric, xu, RT + t0, n, 0, cnt, d, prm.V, bdist)
            dist = bdist[t - t0]
        elif fast:
            dist = sqrt(squared_distance(X + a * d, X + b * d, d))
        else:
            dist = pair_distance(X + a * d, X + b * d, d, prm, norms[a], norms[b], scratch)
        if not (dist < INFINITY):      # NaN or inf
            bad[0] = a
            bad[1] = b
        if dist <= key_d[t]:
            k = condensed_index(n, a, b)
            if dist < key_d[t] or k < key_k[t]:
                key_d[t] = dist
                key_k[t] = k
                key_u[t] = u
        if bt < 0 or edge_less(key_d[t], key_k[t], bd, bk):
            bd = key_d[t]
            bk = key_k[t]
            bt = t
    best_d[0] = bd
    best_k[0] = bk
    best_t[0] = bt


cdef inline index_t prim_take(index_t bt, double bd, index_t step, index_t m,
                             index_t* rest, double* key_d, index_t* key_k, index_t* key_u,
                             double* edge_d, index_t* edge_i, index_t* edge_j) noexcept nogil:
    """The edge (key_u[bt], rest[bt]) joins the tree as edge `step`; position bt of the m
    remaining points takes the last one (swap-remove). Returns the new tree vertex."""
    cdef index_t u = rest[bt]
    edge_d[step] = bd
    edge_i[step] = min(u, key_u[bt])
    edge_j[step] = max(u, key_u[bt])
    rest[bt] = rest[m - 1]
    key_d[bt] = key_d[m - 1]
    key_k[bt] = key_k[m - 1]
    key_u[bt] = key_u[m - 1]
    return u


cdef int prim_core(const floating* X, index_t n, index_t d, const Params* prm,
                   const double* norms, int workers,
                   index_t* rest, double* key_d, index_t* key_k, index_t* key_u,  # scratch, n
                   double* RT,                       # scratch, d * n for prim_blocked, or NULL
                   double* scratch,                  # workers * prim_scratch_size
                   double* loc_d, index_t* loc_k, index_t* loc_t,   # scratch, workers
                   index_t* bad,                     # out: 2 * workers
                   double* edge_d, index_t* edge_i, index_t* edge_j,
                   long long* progress) noexcept nogil:   # out: see _progress.py, or NULL
    cdef index_t m = n - 1, t, u = 0, step, per_pair = pair_work(prm.metric, d), work = 0
    cdef index_t c, k, nthreads, bt, stride = prim_scratch_size(prm, d)
    cdef double bd
    cdef index_t bk
    for t in range(m):
        rest[t] = t + 1
        key_d[t] = INFINITY
        key_k[t] = -1
        key_u[t] = -1
    if RT != NULL:
        for k in range(d):
            for t in range(m):
                RT[k * n + t] = X[rest[t] * d + k]
    for t in range(2 * workers):
        bad[t] = -1
    for step in range(n - 1):
        nthreads = workers if m * per_pair >= PARALLEL_MIN_WORK * workers else 1
        if nthreads > 1 and m >= nthreads:
            for c in prange(nthreads, schedule='static', num_threads=nthreads):
                prim_scan(X, n, d, prm, norms, u, c * m // nthreads, (c + 1) * m // nthreads,
                          rest, RT, key_d, key_k, key_u, scratch + c * stride,
                          &loc_d[c], &loc_k[c], &loc_t[c], bad + 2 * c)
            bt = loc_t[0]
            bd = loc_d[0]
            bk = loc_k[0]
            for c in range(1, nthreads):
                if edge_less(loc_d[c], loc_k[c], bd, bk):
                    bt = loc_t[c]
                    bd = loc_d[c]
                    bk = loc_k[c]
        else:
            prim_scan(X, n, d, prm, norms, u, 0, m, rest, RT, key_d, key_k, key_u, scratch,
                      &bd, &bk, &bt, bad)
        for c in range(workers):
            if bad[2 * c] >= 0:
                bad[0] = bad[2 * c]
                bad[1] = bad[2 * c + 1]
                return STATUS_NOT_FINITE
        if bt < 0:
            return STATUS_BUG
        u = prim_take(bt, bd, step, m, rest, key_d, key_k, key_u, edge_d, edge_i, edge_j)
        if RT != NULL:                    # the same swap-remove as rest's
            for k in range(d):
                RT[k * n + bt] = RT[k * n + m - 1]
        m -= 1
        work += (m + 1) * per_pair
        if work > SIGNAL_CHECK_WORK:
            work = 0
            # step t costs ~m: work left ~m^2
            if report_and_poll(progress, n * n - m * m):
                return STATUS_INTERRUPTED
    return STATUS_OK


cdef inline void prim_rows_range(int kind, const floating* XT, index_t ld, index_t lo,
                                 index_t hi, index_t d, const double* xu, index_t u,
                                 index_t* rest, index_t n, double* key_d, index_t* key_k,
                                 index_t* key_u, double nu, const double* nr, double* bd,
                                 index_t* bk, index_t* bt) noexcept nogil:
    if kind == METRIC_COSINE:
        if floating is double:
            fc_prim_cosine_f64(XT + lo, ld, hi - lo, d, xu, nu, nr + lo, u, rest + lo, n,
                               key_d + lo, key_k + lo, key_u + lo, bd, bk, bt)
        else:
            fc_prim_cosine_f32(XT + lo, ld, hi - lo, d, xu, nu, nr + lo, u, rest + lo, n,
                               key_d + lo, key_k + lo, key_u + lo, bd, bk, bt)
    elif floating is double:
        fc_prim_rows_f64(kind, XT + lo, ld, hi - lo, d, xu, u, rest + lo, n, key_d + lo,
                         key_k + lo, key_u + lo, bd, bk, bt)
    else:
        fc_prim_rows_f32(kind, XT + lo, ld, hi - lo, d, xu, u, rest + lo, n, key_d + lo,
                         key_k + lo, key_u + lo, bd, bk, bt)
    if bt[0] >= 0:
        bt[0] += lo


cdef int prim_rows_core(int kind, const floating* X, floating* XT, index_t n, index_t d,
                        int workers,
                          index_t* rest, double* key_d, index_t* key_k, index_t* key_u,
                          double* xu,                                      # scratch, d
                          const double* norms, double* nr,                 # in (n), scratch (n)
                          double* loc_d, index_t* loc_k, index_t* loc_t,   # scratch, workers
                          double* edge_d, index_t* edge_i, index_t* edge_j,
                          long long* progress) noexcept nogil:
    """Prim for an unweighted euclidean, sqeuclidean, cityblock, chebyshev or cosine metric.

    XT (d, n) holds the points not yet in the tree, rest[0:m], in its first m columns; a point
    that joins the tree is replaced by the last one (swap-remove), so every
    step streams m contiguous columns through the vectorised loop.
    """
    cdef index_t m = n - 1, t, k, u = 0, step, work = 0, c, nthreads, bt, bk
    cdef double bd
    for t in range(m):
        rest[t] = t + 1
        key_d[t] = INFINITY
        key_k[t] = -1
        key_u[t] = -1
        nr[t] = norms[t + 1]
        for k in range(d):
            XT[k * n + t] = X[(t + 1) * d + k]
    for step in range(n - 1):
        for k in range(d):
            xu[k] = X[u * d + k]
        nthreads = workers if m * (d + 2) >= PARALLEL_MIN_WORK * workers else 1
        if nthreads > 1 and m >= 8 * nthreads:
            for c in prange(nthreads, schedule='static', num_threads=nthreads):
                prim_rows_range(kind, XT, n, c * m // nthreads, (c + 1) * m // nthreads, d, xu,
                                u, rest, n, key_d, key_k, key_u, norms[u], nr, &loc_d[c],
                                &loc_k[c], &loc_t[c])
            bt = loc_t[0]
            bd = loc_d[0]
            bk = loc_k[0]
            for c in range(1, nthreads):
                if edge_less(loc_d[c], loc_k[c], bd, bk):
                    bt = loc_t[c]
                    bd = loc_d[c]
                    bk = loc_k[c]
        else:
            prim_rows_range(kind, XT, n, 0, m, d, xu, u, rest, n, key_d, key_k, key_u,
                            norms[u], nr, &bd, &bk, &bt)
        if bt < 0:
            return STATUS_BUG
        u = prim_take(bt, bd, step, m, rest, key_d, key_k, key_u, edge_d, edge_i, edge_j)
        m -= 1
        nr[bt] = nr[m]
        for k in range(d):
            XT[k * n + bt] = XT[k * n + m]
        work += (m + 1) * (d + 2)
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if report_and_poll(progress, n * n - m * m):
                return STATUS_INTERRUPTED
    return STATUS_OK


cdef long long* progress_counters(long long[::1] progress, index_t total):
    """The counters' address with their total set, or NULL without a display."""
    if progress is None:
        return NULL
    progress[2] = total
    return &progress[0]


def prim_rows_linkage(const floating[:, ::1] X,   # in: (n, d) observations
                      floating[:, ::1] XT,        # scratch: (d, n), same dtype as X
                      int metric,                 # in: METRIC_ code, one with vectorised rows
                      const double[::1] norms,    # in: row norms for cosine, else ones (n,)
                      double[::1] edge_d,         # out, length n - 1
                      index_t[::1] edge_i,        # out, length n - 1
                      index_t[::1] edge_j,        # out, length n - 1
                      int workers=1,              # in
                      long long[::1] progress=None):   # out: [stage, done, total], _progress.py
    """Minimum spanning tree of the rows of X (unweighted metric), by vectorised Prim on the fly.

    metric: METRIC_EUCLIDEAN, _SQEUCLIDEAN, _CITYBLOCK, _CHEBYSHEV or _COSINE.
    Preconditions: n >= 2, X finite and no distance overflowing float64, no
    zero norm for cosine (checked in Python). Writes the n - 1 tree edges
    (unsorted, edge_i < edge_j), each distance bit-identical to pdist(X, metric).
    Returns a status code.
    """
    cdef index_t n = X.shape[0], d = X.shape[1]
    cdef index_t[::1] rest = np.empty(n, dtype=np.intp)
    cdef index_t[::1] key_k = np.empty(n, dtype=np.intp)
    cdef index_t[::1] key_u = np.empty(n, dtype=np.intp)
    cdef double[::1] key_d = np.empty(n)
    cdef double[::1] xu = np.empty(d)
    cdef double[::1] nr = np.empty(n)
    cdef double[::1] loc_d = np.empty(workers)
    cdef index_t[::1] loc_k = np.empty(workers, dtype=np.intp)
    cdef index_t[::1] loc_t = np.empty(workers, dtype=np.intp)
    cdef int status
    cdef long long* counters = progress_counters(progress, n * n)
    with nogil:
        status = prim_rows_core(metric, &X[0, 0], &XT[0, 0], n, d, workers, &rest[0],
                                &key_d[0], &key_k[0], &key_u[0], &xu[0], &norms[0], &nr[0],
                                &loc_d[0], &loc_k[0], &loc_t[0], &edge_d[0], &edge_i[0],
                                &edge_j[0], counters)
    if counters != NULL and status == STATUS_OK:
        counters[1] = counters[2]
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status


def prim_linkage(const floating[:, ::1] X,     # in: (n, d) observations
                 int metric,                   # in: METRIC_* code
                 double p,                     # in: Minkowski exponent
                 const double[::1] norms,      # in: row norms for cosine, else ones (n,)
                 double[::1] edge_d,           # out, length n - 1
                 index_t[::1] edge_i,          # out, length n - 1
                 index_t[::1] edge_j,          # out, length n - 1
                 index_t[::1] bad,             # out, length 2: the pair of a non-finite distance
                 int workers=1,                # in
                 const double[::1] w=None,     # in: weights (d,) or None
                 const double[::1] V=None,     # in: seuclidean variances (d,) or None
                 const double[:, ::1] VI=None,  # in: mahalanobis (d, d) or None
                 double log_base=0.0,          # in: jensenshannon log(base), 0 = natural
                 long long[::1] progress=None):   # out: [stage, done, total], _progress.py
    """Minimum spanning tree of the rows of X under `metric`, by Prim on the fly.

    Preconditions: n >= 2, X finite and C-contiguous, the metric arguments
    validated as for pdist_condensed. Writes the n - 1 tree edges (unsorted,
    edge_i < edge_j). Returns a status code (STATUS_NOT_FINITE with the pair
    in bad[0], bad[1]).
    """
    cdef index_t n = X.shape[0], d = X.shape[1]
    cdef Params prm
    prm.metric = metric
    prm.p = p
    prm.w = &w[0] if w is not None and w.shape[0] > 0 else NULL
    prm.V = &V[0] if V is not None and V.shape[0] > 0 else NULL
    prm.VI = &VI[0, 0] if VI is not None and VI.shape[0] > 0 else NULL
    prm.log_base = log_base
    cdef index_t[::1] rest = np.empty(n, dtype=np.intp)
    cdef index_t[::1] key_k = np.empty(n, dtype=np.intp)
    cdef index_t[::1] key_u = np.empty(n, dtype=np.intp)
    cdef double[::1] key_d = np.empty(n)
    cdef double[::1] scratch = np.empty(workers * max(prim_scratch_size(&prm, d), 1))
    cdef double[::1] RT = np.empty(d * n if prim_blocked(&prm, d) else 1)
    cdef double* RT_ptr = &RT[0] if prim_blocked(&prm, d) else NULL
    cdef double[::1] loc_d = np.empty(workers)
    cdef index_t[::1] loc_k = np.empty(workers, dtype=np.intp)
    cdef index_t[::1] loc_t = np.empty(workers, dtype=np.intp)
    cdef index_t[::1] bad_all = np.empty(2 * workers, dtype=np.intp)
    cdef int status
    cdef long long* counters = progress_counters(progress, n * n)
    with nogil:
        status = prim_core(&X[0, 0], n, d, &prm, &norms[0], workers, &rest[0], &key_d[0],
                           &key_k[0], &key_u[0], RT_ptr, &scratch[0], &loc_d[0], &loc_k[0],
                           &loc_t[0],
                           &bad_all[0], &edge_d[0], &edge_i[0], &edge_j[0], counters)
    if counters != NULL and status == STATUS_OK:
        counters[1] = counters[2]
    bad[0] = bad_all[0]
    bad[1] = bad_all[1]
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status


# ---------------------------------------------------------------------------
# Centroids: a compact transposed layout
# ---------------------------------------------------------------------------
#
# CT[k * ld + p] is coordinate k of the cluster at position p; act[p] its slot
# (positions in increasing slot order), where_[slot] its position, sz[p] its
# size, pen[p] 0 while alive and +inf once merged away (a dead position's
# distance is then +inf or NaN, never a minimum). cnt positions are in use;
# when more than one in nine is dead, the live ones are moved down (order
# kept), so scans touch at most 1.125 times the live clusters (the scans are
# bound by memory traffic once the centroids leave L2).

cdef struct Layout:
    index_t n
    index_t d
    index_t ld
    index_t cnt
    index_t live
    index_t* act
    index_t* where_
    double* sz
    double* pen
    double* row       # scratch, n: a row of distances
    double* x         # scratch, d: one centroid in double
    long long* progress   # [stage, done, total] for a display (_progress.py), or NULL


cdef inline double sq_at(const floating* CT, const Layout* L, index_t p,
                         index_t q) noexcept nogil:
    """Squared distance of positions p and q, k order, as the vectorised rows compute it."""
    cdef index_t k
    cdef double acc = 0.0, diff
    for k in range(L.d):
        diff = <double>CT[k * L.ld + p] - <double>CT[k * L.ld + q]
        acc += diff * diff
    return acc


cdef inline void dist_row(const floating* CT, Layout* L, index_t p, index_t q0, index_t q1,
                          bint ward, int workers) noexcept nogil:
    """L.row[q] = distance of positions p and q (+ pen[q]) for q in [q0, q1)."""
    cdef index_t k, c, nthreads, span = q1 - q0
    for k in range(L.d):
        L.x[k] = CT[k * L.ld + p]
    nthreads = workers if span * (L.d + 4) >= PARALLEL_MIN_WORK * workers else 1
    if nthreads > 1 and span >= 8 * nthreads:
        for c in prange(nthreads, schedule='static', num_threads=nthreads):
            dist_row_range(CT, L, L.sz[p], q0 + c * span // nthreads,
                           q0 + (c + 1) * span // nthreads, ward)
    else:
        dist_row_range(CT, L, L.sz[p], q0, q1, ward)


cdef inline void dist_row_range(const floating* CT, const Layout* L, double s_p, index_t q0,
                                index_t q1, bint ward) noexcept nogil:
    if floating is double:
        fc_dist_row_f64(L.x, CT, L.ld, q0, q1, L.d, L.pen, ward, s_p, L.sz, L.row)
    else:
        fc_dist_row_f32(L.x, CT, L.ld, q0, q1, L.d, L.pen, ward, s_p, L.sz, L.row)


cdef inline index_t dist_argmin_range(const floating* CT, const Layout* L, double s_p,
                                     index_t q0, index_t q1, bint ward,
                                     double* best) noexcept nogil:
    if floating is double:
        return fc_dist_argmin_f64(L.x, CT, L.ld, q0, q1, L.d, L.pen, ward, s_p, L.sz, best)
    else:
        return fc_dist_argmin_f32(L.x, CT, L.ld, q0, q1, L.d, L.pen, ward, s_p, L.sz, best)


cdef index_t nearest_in(const floating* CT, Layout* L, index_t p, index_t q0, index_t q1,
                        bint ward, int workers, double* best) noexcept nogil:
    """Position of the smallest distance (+ pen) from p to [q0, q1), or -1; ties: lowest."""
    cdef index_t k, c, nthreads, span = q1 - q0, q, bq
    cdef double bd
    for k in range(L.d):
        L.x[k] = CT[k * L.ld + p]
    nthreads = workers if span * (L.d + 4) >= PARALLEL_MIN_WORK * workers else 1
    if nthreads > 1 and span >= 8 * nthreads:
        for c in prange(nthreads, schedule='static', num_threads=nthreads):
            # chunk c's result goes to L.row[c] (value) and L.row[n - 1 - c] (position)
            L.row[c] = INFINITY
            q = dist_argmin_range(CT, L, L.sz[p], q0 + c * span // nthreads,
                                  q0 + (c + 1) * span // nthreads, ward, &L.row[c])
            L.row[L.n - 1 - c] = <double>q
        bq = -1
        bd = INFINITY
        for c in range(nthreads):       # chunks in position order: strict < keeps the lowest
            q = <index_t>L.row[L.n - 1 - c]
            if q >= 0 and (bq < 0 or L.row[c] < bd):
                bq = q
                bd = L.row[c]
        best[0] = bd
        return bq
    return dist_argmin_range(CT, L, L.sz[p], q0, q1, ward, best)


cdef void layout_init(Layout* L, index_t n, index_t d, index_t* act, index_t* where_,
                      double* sz, double* pen, double* row, double* x) noexcept nogil:
    cdef index_t t
    L.n = n
    L.d = d
    L.ld = n
    L.cnt = n
    L.live = n
    L.act = act
    L.where_ = where_
    L.sz = sz
    L.pen = pen
    L.row = row
    L.x = x
    L.progress = NULL
    for t in range(n):
        act[t] = t
        where_[t] = t
        sz[t] = 1.0
        pen[t] = 0.0


cdef void layout_kill(floating* CT, Layout* L, index_t p) noexcept nogil:
    """Position p has been merged away; compact when dead > live / 8."""
    cdef index_t q, out = 0, k
    L.pen[p] = INFINITY
    L.where_[L.act[p]] = -1
    L.live -= 1
    if 8 * (L.cnt - L.live) <= L.live or L.cnt < 64:
        return
    for q in range(L.cnt):
        if L.pen[q] != 0.0:
            continue
        if q != out:
            for k in range(L.d):
                CT[k * L.ld + out] = CT[k * L.ld + q]
            L.act[out] = L.act[q]
            L.sz[out] = L.sz[q]
            L.pen[out] = 0.0
        L.where_[L.act[out]] = out
        out += 1
    L.cnt = out


cdef inline void merge_into(floating* CT, Layout* L, int method, index_t p,
                            index_t q) noexcept nogil:
    """Position p becomes the union of p and q (median: the midpoint of the centroids)."""
    cdef index_t k
    cdef double c_p, w_q, s_p = L.sz[p], s_q = L.sz[q]
    w_q = 0.5 if method == METHOD_MEDIAN else s_q / (s_p + s_q)
    for k in range(L.d):
        # c_p + w_q (c_q - c_p), not w_p c_p + w_q c_q: equal centroids (duplicate
        # points) stay exactly equal, so their distance stays exactly 0, as it does
        # under Lance-Williams updates in linkage (and ties among them are exact ties)
        c_p = <double>CT[k * L.ld + p]
        CT[k * L.ld + p] = <floating>(c_p + w_q * (<double>CT[k * L.ld + q] - c_p))
    L.sz[p] = s_p + s_q


# ---------------------------------------------------------------------------
# ward: nearest-neighbour chain on centroids
# ---------------------------------------------------------------------------

cdef int ward_core(floating* CT, Layout* L, int workers, index_t* chain,
                   unsigned char* in_chain,     # scratch, n zeros: slot is in the chain
                   index_t* out_a, index_t* out_b, double* out_h) noexcept nogil:
    cdef index_t top = 0, a, b, pa, pb, x, y, step = 0, work = 0, q
    cdef double bd
    while L.live > 1:
        if top == 0:
            q = 0
            while L.pen[q] != 0.0:
                q += 1
            chain[0] = L.act[q]          # the lowest active slot
            in_chain[chain[0]] = 1
            top = 1
        a = chain[top - 1]
        pa = L.where_[a]
        L.pen[pa] = INFINITY             # not its own neighbour
        pb = nearest_in(CT, L, pa, 0, L.cnt, True, workers, &bd)   # ties: lowest slot
        L.pen[pa] = 0.0
        if pb < 0:
            return STATUS_BUG
        b = L.act[pb]
        # The least (distance, lowest slot) neighbour: a strict total order on the pairs,
        # so the chain is finite and stops at a reciprocal pair under that order, the
        # rule of fastclust.linkage's NN-chain (_nn_chain.pyx) and of fastclust.distributed.
        work += L.cnt * (L.d + 4)
        if top >= 2 and b == chain[top - 2]:
            top -= 2
            in_chain[a] = 0
            in_chain[b] = 0
            x = min(a, b)                # the merged cluster keeps the smaller slot,
            y = max(a, b)                # as in _nn_chain.pyx
            out_a[step] = x
            out_b[step] = y
            out_h[step] = sqrt(bd)
            step += 1
            merge_into(CT, L, METHOD_WARD, L.where_[x], L.where_[y])
            layout_kill(CT, L, L.where_[y])
            if top == 0:                 # restart the chain at the new cluster
                chain[0] = x
                in_chain[x] = 1
                top = 1
        else:
            if in_chain[b]:
                # only rounding gets here (a stale older link, see _nn_chain.pyx):
                # build the chain afresh from b
                for q in range(top):
                    in_chain[chain[q]] = 0
                top = 0
            if top >= L.live:
                return STATUS_BUG
            chain[top] = b
            in_chain[b] = 1
            top += 1
        if work > SIGNAL_CHECK_WORK:
            work = 0
            # a chain step costs ~live: work left ~live^2
            if report_and_poll(L.progress, L.n * L.n - L.live * L.live):
                return STATUS_INTERRUPTED
    return STATUS_OK


# ---------------------------------------------------------------------------
# centroid, median: generic algorithm on centroids
# ---------------------------------------------------------------------------

cdef inline void nearest_above(const floating* CT, Layout* L, index_t i, index_t* nbr,
                               double* mind, int workers) noexcept nogil:
    """Exact nearest neighbour of slot i among the active slots above it; ties: lowest slot."""
    cdef index_t p = L.where_[i], q
    cdef double best
    q = nearest_in(CT, L, p, p + 1, L.cnt, False, workers, &best)
    if q < 0:
        nbr[i] = -1
        mind[i] = INFINITY
    else:
        nbr[i] = L.act[q]
        mind[i] = best


# The first pass of the generic algorithm, blocked: INIT_ROWS rows share each
# chunk of INIT_COLS columns while it is in L1/L2, so the n^2/2 distances are
# computed at arithmetic speed rather than at the speed of memory.
cdef index_t INIT_ROWS = 64
cdef index_t INIT_COLS = 256


cdef void init_block(const floating* CT, const Layout* L, index_t i0, index_t i1,
                     index_t* nbr, double* mind, double* x) noexcept nogil:
    """nbr[i], mind[i] for rows i0..i1-1: nearest position above i (all alive, slot = position)."""
    cdef index_t n = L.n, i, k, c0, c1, lo, q
    cdef double b
    for i in range(i0, i1):
        nbr[i] = -1
        mind[i] = INFINITY
    c0 = i0 + 1
    while c0 < n:
        c1 = min(n, c0 + INIT_COLS)
        for i in range(i0, i1):
            lo = max(c0, i + 1)
            if lo >= c1:
                continue
            for k in range(L.d):
                x[k] = CT[k * L.ld + i]
            if floating is double:
                q = fc_dist_argmin_f64(x, CT, L.ld, lo, c1, L.d, L.pen, 0, 0.0, L.sz, &b)
            else:
                q = fc_dist_argmin_f32(x, CT, L.ld, lo, c1, L.d, L.pen, 0, 0.0, L.sz, &b)
            if q >= 0 and (nbr[i] < 0 or b < mind[i]):   # chunks in order: the first wins
                nbr[i] = q
                mind[i] = b
        c0 = c1


cdef int generic_init(const floating* CT, const Layout* L, index_t* nbr, double* mind,
                      double* xs, int workers) noexcept nogil:
    """Nearest neighbour above every slot; one parallel region per ~SIGNAL_CHECK_WORK."""
    cdef index_t n = L.n, lo = 0, hi, work, blk, n_blk
    cdef int nthreads
    while lo < n - 1:
        hi = lo
        work = 0
        while hi < n - 1 and work < SIGNAL_CHECK_WORK:
            work = work + (n - 1 - hi) * L.d
            hi = hi + 1
        n_blk = (hi - lo + INIT_ROWS - 1) // INIT_ROWS
        nthreads = workers if work >= PARALLEL_MIN_WORK else 1
        for blk in prange(n_blk, schedule='dynamic', num_threads=nthreads):
            init_block(CT, L, lo + blk * INIT_ROWS, min(hi, lo + (blk + 1) * INIT_ROWS),
                       nbr, mind, xs + omp_get_thread_num() * L.d)
        lo = hi
        if L.progress != NULL:              # the first half of the work: n^2/2 pairs
            L.progress[1] = <long long>(hi * (2 * n - hi - 1))
        if signals_pending():
            return STATUS_INTERRUPTED
    return STATUS_OK


cdef int generic_core(floating* CT, Layout* L, int method, int workers,
                      index_t* nbr, double* mind, index_t* heap_slots, index_t* heap_where,
                      double* xs,                                          # workers * d
                      index_t* out_a, index_t* out_b, double* out_h) noexcept nogil:
    cdef index_t n = L.n, i, q, k, x, y, px, py, step, work = 0
    cdef Heap heap
    # Nearest neighbour above each slot: the n^2/2 pass.
    if generic_init(CT, L, nbr, mind, xs, workers) != STATUS_OK:
        return STATUS_INTERRUPTED
    heap_build(&heap, heap_slots, heap_where, mind, n)
    for step in range(n - 1):
        # Pop candidates until the top's lower bound is exact.
        while True:
            x = heap_slots[0]
            y = nbr[x]
            if y >= 0 and mind[x] == sq_at(CT, L, L.where_[x], L.where_[y]):
                break
            nearest_above(CT, L, x, nbr, mind, workers)
            work += (L.cnt - L.where_[x]) * L.d
            sift_down(&heap, 0)
        out_a[step] = x
        out_b[step] = y
        out_h[step] = mind[x]
        heap_remove(&heap, x)
        px = L.where_[x]
        py = L.where_[y]
        merge_into(CT, L, method, py, px)     # the merged cluster takes the larger slot
        layout_kill(CT, L, px)
        py = L.where_[y]
        # Slots below y: distance to the new centroid; keep each lower bound valid.
        dist_row(CT, L, py, 0, py, False, workers)
        for q in range(py):
            if L.pen[q] != 0.0:
                continue
            k = L.act[q]
            if L.row[q] < mind[k]:
                mind[k] = L.row[q]
                nbr[k] = y
                sift_up(&heap, heap_where[k])
            elif nbr[k] == x:
                nbr[k] = y           # mind[k] stays a valid lower bound
        # Row of y: its new nearest neighbour above.
        if heap_where[y] >= 0:
            nearest_above(CT, L, y, nbr, mind, workers)
            heap_update(&heap, y)
        work += L.cnt * L.d
        if work > SIGNAL_CHECK_WORK:
            work = 0
            # the second half: ~live^2 left
            if report_and_poll(L.progress, 2 * n * n - L.live * L.live):
                return STATUS_INTERRUPTED
    for step in range(n - 1):
        out_h[step] = sqrt(out_h[step]) if out_h[step] > 0.0 else 0.0
    return STATUS_OK


def centroid_linkage(floating[:, ::1] CT,       # in/out: (d, n) observations, transposed
                     int method,                # in: METHOD_WARD, METHOD_CENTROID or METHOD_MEDIAN
                     index_t[::1] out_a,        # out, length n - 1
                     index_t[::1] out_b,        # out
                     double[::1] out_h,         # out: heights in merge order
                     int workers=1,             # in
                     long long[::1] progress=None):   # out: [stage, done, total], _progress.py
    """Ward, centroid or median linkage, using CT (the observations transposed) as workspace.

    Preconditions: n >= 2, CT finite and C-contiguous with squared distances
    below the float64 overflow. CT is left unspecified. Merge s joins the
    clusters in slots out_a[s] < out_b[s] (each slot is one of the cluster's
    observations) at height out_h[s]; ward's merges come in chain order (sort
    them by height), centroid's and median's in the order performed.
    Returns a status code.
    """
    cdef index_t d = CT.shape[0], n = CT.shape[1]
    cdef index_t[::1] act = np.empty(n, dtype=np.intp)
    cdef index_t[::1] where_ = np.empty(n, dtype=np.intp)
    cdef index_t[::1] nbr = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_slots = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_where = np.empty(n, dtype=np.intp)
    cdef double[::1] sz = np.empty(n)
    cdef double[::1] pen = np.empty(n)
    cdef double[::1] row = np.empty(n)
    cdef double[::1] mind = np.empty(n)
    cdef double[::1] x = np.empty(d)
    cdef double[::1] xs = np.empty(workers * d)
    cdef unsigned char[::1] in_chain = np.zeros(n, dtype=np.uint8)
    cdef Layout L
    cdef int status
    # ward: ~n^2 of chain work; centroid, median: n^2 for the first pass + ~n^2 of merges
    cdef long long* counters = progress_counters(progress,
                                                 n * n if method == METHOD_WARD else 2 * n * n)
    with nogil:
        layout_init(&L, n, d, &act[0], &where_[0], &sz[0], &pen[0], &row[0], &x[0])
        L.progress = counters
        if method == METHOD_WARD:
            status = ward_core(&CT[0, 0], &L, workers, &nbr[0], &in_chain[0], &out_a[0],
                               &out_b[0], &out_h[0])
        else:
            status = generic_core(&CT[0, 0], &L, method, workers, &nbr[0], &mind[0],
                                  &heap_slots[0], &heap_where[0], &xs[0], &out_a[0],
                                  &out_b[0], &out_h[0])
    if counters != NULL and status == STATUS_OK:
        counters[1] = counters[2]
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
