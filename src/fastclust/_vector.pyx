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
from libc.string cimport memmove

from ._common cimport (condensed_index, position_of, reraise_pending, index_t, signals_pending,
                       STATUS_OK, STATUS_INTERRUPTED, STATUS_BUG, SIGNAL_CHECK_WORK,
                       METHOD_CENTROID, METHOD_MEDIAN, METHOD_WARD)
from ._heap cimport Heap, heap_remove, heap_update, sift_down, sift_up
from ._pair_distance cimport (Params, pair_distance, pair_work, squared_distance,
                              METRIC_EUCLIDEAN)

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
                    double* key_d, index_t* key_k, index_t* key_u,     # in/out
                    double* scratch,                                   # d doubles
                    double* best_d, index_t* best_k, index_t* best_t,  # out
                    index_t* bad) noexcept nogil:                      # out: a pair, if any
    """Relax the keys of rest[lo:hi] with the edges to the new tree vertex u.

    Returns in best_* the lexicographically smallest (key_d, key_k) of the range
    and its position t. A non-finite distance is reported in bad[0], bad[1].
    """
    cdef index_t t, v, a, b, k, bt = -1, bk = -1
    cdef double dist, bd = INFINITY
    cdef bint fast = prm.metric == METRIC_EUCLIDEAN and prm.w == NULL
    for t in range(lo, hi):
        v = rest[t]
        if u < v:
            a = u
            b = v
        else:
            a = v
            b = u
        if fast:
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


cdef int prim_core(const floating* X, index_t n, index_t d, const Params* prm,
                   const double* norms, int workers,
                   index_t* rest, double* key_d, index_t* key_k, index_t* key_u,  # scratch, n
                   double* scratch,                  # workers * d
                   double* loc_d, index_t* loc_k, index_t* loc_t,   # scratch, workers
                   index_t* bad,                     # out: 2 * workers
                   double* edge_d, index_t* edge_i, index_t* edge_j) noexcept nogil:
    cdef index_t m = n - 1, t, u = 0, step, per_pair = pair_work(prm.metric, d), work = 0
    cdef index_t c, nthreads, bt
    cdef double bd
    cdef index_t bk
    for t in range(m):
        rest[t] = t + 1
        key_d[t] = INFINITY
        key_k[t] = -1
        key_u[t] = -1
    for t in range(2 * workers):
        bad[t] = -1
    for step in range(n - 1):
        nthreads = workers if m * per_pair >= PARALLEL_MIN_WORK * workers else 1
        if nthreads > 1 and m >= nthreads:
            for c in prange(nthreads, schedule='static', num_threads=nthreads):
                prim_scan(X, n, d, prm, norms, u, c * m // nthreads, (c + 1) * m // nthreads,
                          rest, key_d, key_k, key_u, scratch + c * d,
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
            prim_scan(X, n, d, prm, norms, u, 0, m, rest, key_d, key_k, key_u, scratch,
                      &bd, &bk, &bt, bad)
        for c in range(workers):
            if bad[2 * c] >= 0:
                bad[0] = bad[2 * c]
                bad[1] = bad[2 * c + 1]
                return STATUS_NOT_FINITE
        if bt < 0:
            return STATUS_BUG
        # the edge (key_u, rest[bt]) joins the tree
        u = rest[bt]
        edge_d[step] = bd
        edge_i[step] = min(u, key_u[bt])
        edge_j[step] = max(u, key_u[bt])
        m -= 1
        rest[bt] = rest[m]
        key_d[bt] = key_d[m]
        key_k[bt] = key_k[m]
        key_u[bt] = key_u[m]
        work += (m + 1) * per_pair
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    return STATUS_OK


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
                 double log_base=0.0):         # in: jensenshannon log(base), 0 = natural
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
    cdef double[::1] scratch = np.empty(workers * d)
    cdef double[::1] loc_d = np.empty(workers)
    cdef index_t[::1] loc_k = np.empty(workers, dtype=np.intp)
    cdef index_t[::1] loc_t = np.empty(workers, dtype=np.intp)
    cdef index_t[::1] bad_all = np.empty(2 * workers, dtype=np.intp)
    cdef int status
    with nogil:
        status = prim_core(&X[0, 0], n, d, &prm, &norms[0], workers, &rest[0], &key_d[0],
                           &key_k[0], &key_u[0], &scratch[0], &loc_d[0], &loc_k[0], &loc_t[0],
                           &bad_all[0], &edge_d[0], &edge_i[0], &edge_j[0])
    bad[0] = bad_all[0]
    bad[1] = bad_all[1]
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status


# ---------------------------------------------------------------------------
# Centroids: shared helpers
# ---------------------------------------------------------------------------

cdef inline double ward_dist(const floating* C, index_t d, const double* size,
                             index_t a, index_t b) noexcept nogil:
    """Squared Ward distance 2 |a| |b| / (|a| + |b|) ||c_a - c_b||^2 (symmetric in a, b)."""
    return 2.0 * (size[a] * size[b] / (size[a] + size[b])) * squared_distance(
        C + a * d, C + b * d, d)


cdef inline void merge_centroids(floating* C, index_t d, int method, double s_x, double s_y,
                                 index_t x, index_t y) noexcept nogil:
    """C[y] = centroid of the union of x and y (median: the midpoint)."""
    cdef index_t k
    cdef double w_x, w_y
    if method == METHOD_MEDIAN:
        w_x = 0.5
        w_y = 0.5
    else:
        w_x = s_x / (s_x + s_y)
        w_y = s_y / (s_x + s_y)
    for k in range(d):
        C[y * d + k] = <floating>(w_x * <double>C[x * d + k] + w_y * <double>C[y * d + k])


# ---------------------------------------------------------------------------
# ward: nearest-neighbour chain on centroids
# ---------------------------------------------------------------------------

cdef void ward_scan(const floating* C, index_t d, const double* size, index_t a,
                    const index_t* act, index_t lo, index_t hi,
                    double* best_d, index_t* best_b) noexcept nogil:
    """Nearest active cluster to a among act[lo:hi] (a excluded); ties: lowest slot."""
    cdef index_t t, b, bb = -1
    cdef double dist, bd = INFINITY
    for t in range(lo, hi):
        b = act[t]
        if b == a:
            continue
        dist = ward_dist(C, d, size, a, b)
        if dist < bd or bb < 0:
            bd = dist
            bb = b
    best_d[0] = bd
    best_b[0] = bb


cdef int ward_core(floating* C, index_t n, index_t d, int workers,
                   index_t* act, double* size, index_t* chain,      # scratch, n
                   double* loc_d, index_t* loc_b,                   # scratch, workers
                   index_t* out_a, index_t* out_b, double* out_h) noexcept nogil:
    cdef index_t m = n, t, top = 0, a, b, prev, x, y, step = 0, c, nthreads, work = 0
    cdef double bd, d_prev
    for t in range(n):
        act[t] = t
        size[t] = 1.0
    while m > 1:
        if top == 0:
            chain[0] = act[0]
            top = 1
        a = chain[top - 1]
        nthreads = workers if m * (d + 4) >= PARALLEL_MIN_WORK * workers else 1
        if nthreads > 1:
            for c in prange(nthreads, schedule='static', num_threads=nthreads):
                ward_scan(C, d, size, a, act, c * m // nthreads, (c + 1) * m // nthreads,
                          &loc_d[c], &loc_b[c])
            bd = loc_d[0]
            b = loc_b[0]
            for c in range(1, nthreads):
                if loc_b[c] >= 0 and (b < 0 or loc_d[c] < bd or (loc_d[c] == bd and loc_b[c] < b)):
                    bd = loc_d[c]
                    b = loc_b[c]
        else:
            ward_scan(C, d, size, a, act, 0, m, &bd, &b)
        if b < 0:
            return STATUS_BUG
        if top >= 2:
            prev = chain[top - 2]
            d_prev = ward_dist(C, d, size, a, prev)
            if d_prev <= bd:           # ties keep the chain's predecessor: termination
                b = prev
                bd = d_prev
        work += m * (d + 4)
        if top >= 2 and b == chain[top - 2]:
            top -= 2
            x = min(a, b)              # the merged cluster keeps the smaller slot,
            y = max(a, b)              # as in _nn_chain.pyx
            out_a[step] = x
            out_b[step] = y
            out_h[step] = sqrt(bd)
            step += 1
            merge_centroids(C, d, METHOD_WARD, size[y], size[x], y, x)
            size[x] = size[x] + size[y]
            t = position_of(act, m, y)
            memmove(act + t, act + t + 1, (m - t - 1) * sizeof(index_t))
            m -= 1
            if top == 0:               # restart the chain at the new cluster
                chain[0] = x
                top = 1
        else:
            chain[top] = b
            top += 1
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    return STATUS_OK


# ---------------------------------------------------------------------------
# centroid, median: generic algorithm on centroids
# ---------------------------------------------------------------------------

cdef void nearest_above(const floating* C, index_t d, index_t i, const index_t* act,
                        index_t from_pos, index_t m, index_t* nbr, double* mind) noexcept nogil:
    """Exact nearest neighbour of slot i among act[from_pos:m] (all > i); ties: lowest slot."""
    cdef index_t t, best_j = -1
    cdef double best = INFINITY, dist
    for t in range(from_pos, m):
        dist = squared_distance(C + i * d, C + act[t] * d, d)
        if dist < best or best_j < 0:
            best = dist
            best_j = act[t]
    nbr[i] = best_j
    mind[i] = best


cdef void update_range(const floating* C, index_t d, index_t y, const index_t* act,
                       index_t lo, index_t hi, double* new_d) noexcept nogil:
    """new_d[t] = squared distance from act[t] to the merged centroid in slot y."""
    cdef index_t t
    for t in range(lo, hi):
        new_d[t] = squared_distance(C + act[t] * d, C + y * d, d)


cdef int generic_core(floating* C, index_t n, index_t d, int method, int workers,
                      index_t* act, double* size, index_t* nbr, double* mind,
                      index_t* heap_slots, index_t* heap_where, double* new_d,  # scratch, n
                      index_t* out_a, index_t* out_b, double* out_h) noexcept nogil:
    cdef index_t m = n, i, t, k, x, y, pos_x, pos_y, step, c, nthreads, work = 0
    cdef double d_xy, s_x, s_y
    cdef Heap heap
    for t in range(n):
        act[t] = t
        size[t] = 1.0
    # Nearest neighbour above each slot: the n^2/2 pass, shared between threads.
    nthreads = workers if n * d >= PARALLEL_MIN_WORK else 1
    for i in prange(n - 1, schedule='dynamic', num_threads=nthreads):
        nearest_above(C, d, i, act, i + 1, n, nbr, mind)
    if signals_pending():
        return STATUS_INTERRUPTED
    heap.slots = heap_slots
    heap.where = heap_where
    heap.mind = mind
    heap.size = n - 1
    for i in range(n - 1):
        heap_slots[i] = i
        heap_where[i] = i
    heap_where[n - 1] = -1
    i = (n - 1) // 2
    while i >= 0:
        sift_down(&heap, i)
        i -= 1
    for step in range(n - 1):
        # Pop candidates until the top's lower bound is exact.
        while True:
            x = heap_slots[0]
            y = nbr[x]
            if y >= 0 and mind[x] == squared_distance(C + x * d, C + y * d, d):
                break
            pos_x = position_of(act, m, x)
            nearest_above(C, d, x, act, pos_x + 1, m, nbr, mind)
            work += (m - pos_x) * d
            sift_down(&heap, 0)
        d_xy = mind[x]
        out_a[step] = x
        out_b[step] = y
        out_h[step] = d_xy
        s_x = size[x]
        s_y = size[y]
        heap_remove(&heap, x)
        pos_x = position_of(act, m, x)
        memmove(act + pos_x, act + pos_x + 1, (m - pos_x - 1) * sizeof(index_t))
        m -= 1
        merge_centroids(C, d, method, s_x, s_y, x, y)
        size[y] = s_x + s_y
        pos_y = position_of(act, m, y)
        # Slots below y: distance to the new centroid; keep each lower bound valid.
        nthreads = workers if pos_y * d >= PARALLEL_MIN_WORK * workers else 1
        if nthreads > 1:
            for c in prange(nthreads, schedule='static', num_threads=nthreads):
                update_range(C, d, y, act, c * pos_y // nthreads, (c + 1) * pos_y // nthreads,
                             new_d)
        else:
            update_range(C, d, y, act, 0, pos_y, new_d)
        for t in range(pos_y):
            k = act[t]
            if new_d[t] < mind[k]:
                mind[k] = new_d[t]
                nbr[k] = y
                sift_up(&heap, heap_where[k])
            elif nbr[k] == x:
                nbr[k] = y           # mind[k] stays a valid lower bound
        # Row of y: its new nearest neighbour above.
        if pos_y + 1 < m:
            nearest_above(C, d, y, act, pos_y + 1, m, nbr, mind)
            heap_update(&heap, y)
        elif heap_where[y] >= 0:
            heap_remove(&heap, y)    # no active slot above y any more
        work += m * d
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    for step in range(n - 1):
        out_h[step] = sqrt(out_h[step]) if out_h[step] > 0.0 else 0.0
    return STATUS_OK


def centroid_linkage(floating[:, ::1] C,        # in/out: (n, d) observations, overwritten
                     int method,                # in: METHOD_WARD, METHOD_CENTROID or METHOD_MEDIAN
                     index_t[::1] out_a,        # out, length n - 1
                     index_t[::1] out_b,        # out
                     double[::1] out_h,         # out: heights in merge order
                     int workers=1):            # in
    """Ward, centroid or median linkage of the rows of C, using C as the centroid workspace.

    Preconditions: n >= 2, C finite, C-contiguous, with squared distances
    below the float64 overflow. C is left unspecified. Merge s joins the
    clusters in slots out_a[s] < out_b[s] (each slot is one of the cluster's
    observations) at height out_h[s]; ward's merges come in chain order (sort
    them by height), centroid's and median's in the order performed.
    Returns a status code.
    """
    cdef index_t n = C.shape[0], d = C.shape[1]
    cdef index_t[::1] act = np.empty(n, dtype=np.intp)
    cdef index_t[::1] nbr = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_slots = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_where = np.empty(n, dtype=np.intp)
    cdef double[::1] size = np.empty(n)
    cdef double[::1] mind = np.empty(n)
    cdef double[::1] new_d = np.empty(n)
    cdef double[::1] loc_d = np.empty(workers)
    cdef index_t[::1] loc_b = np.empty(workers, dtype=np.intp)
    cdef int status
    with nogil:
        if method == METHOD_WARD:
            status = ward_core(&C[0, 0], n, d, workers, &act[0], &size[0], &nbr[0],
                               &loc_d[0], &loc_b[0], &out_a[0], &out_b[0], &out_h[0])
        else:
            status = generic_core(&C[0, 0], n, d, method, workers, &act[0], &size[0], &nbr[0],
                                  &mind[0], &heap_slots[0], &heap_where[0], &new_d[0],
                                  &out_a[0], &out_b[0], &out_h[0])
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
