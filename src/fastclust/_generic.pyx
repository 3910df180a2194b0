"""Centroid and median linkage by Muellner's generic algorithm.

For every slot i the kernel keeps a candidate nearest neighbour nbr[i] > i and a
lower bound mind[i] on the distance to the true nearest neighbour among the
active slots above i. A binary heap orders the slots by (mind, slot). The top
is exact when mind[i] still equals D(i, nbr[i]); otherwise its row is rescanned
(contiguous in the condensed layout) and it sinks. Centroid and median
distances may shrink after a merge, so merge heights can go down (inversions);
the merges come out in the order performed.

Works in place on squared distances; the merged cluster takes the larger slot.

Reference: D. Muellner, "Modern hierarchical, agglomerative clustering
algorithms", arXiv:1109.2378, section 3.1 (generic algorithm).
"""
import numpy as np

from libc.math cimport INFINITY, sqrt
from libc.string cimport memmove

from ._heap cimport Heap, heap_build, heap_remove, heap_update, sift_down, sift_up
from ._common cimport (position_of, reraise_pending, index_t, row_base, report_and_poll, STATUS_OK,
                       STATUS_BUG, STATUS_INTERRUPTED, SIGNAL_CHECK_WORK, METHOD_CENTROID)


cdef inline void scan_row(const double* D, index_t n, index_t i, const index_t* act,
                          index_t from_pos, index_t m, index_t* nbr, double* mind) noexcept nogil:
    """Exact nearest neighbour of slot i among act[from_pos:m] (all > i)."""
    cdef index_t base = row_base(n, i), t, best_j = -1
    cdef double best = INFINITY, d
    for t in range(from_pos, m):
        d = D[base + act[t]]
        if d < best:
            best = d
            best_j = act[t]
    nbr[i] = best_j
    mind[i] = best


cdef inline void update_candidate(index_t k, double new_d, index_t x, index_t y,
                                  index_t* nbr, double* mind, Heap* heap) noexcept nogil:
    """Keep slot k's lower bound valid after d(k, y) became new_d (x is gone)."""
    if new_d < mind[k]:
        mind[k] = new_d
        nbr[k] = y
        sift_up(heap, heap.where[k])
    elif nbr[k] == x:
        nbr[k] = y           # mind[k] stays a valid lower bound


cdef void init_rows(double* D, const double* src, index_t n, bint square,
                    index_t* nbr, double* mind) noexcept nogil:
    """First pass: D = src (squared if asked), and each row's nearest neighbour.

    Copying, squaring and the initial row minima share one sequential pass;
    src may be D itself (in place).
    """
    cdef index_t i, j, base, best_j
    cdef double v, best
    for i in range(n - 1):
        base = row_base(n, i)
        best = INFINITY
        best_j = -1
        for j in range(i + 1, n):
            v = src[base + j]
            if square:
                v = v * v
            D[base + j] = v
            if v < best:              # strict: the lowest j wins ties
                best = v
                best_j = j
        nbr[i] = best_j
        mind[i] = best


cdef int generic_core(double* D, const double* src, index_t n, int method, bint squared,
                      index_t* act, index_t* act_base, double* size, index_t* nbr, double* mind,
                      index_t* heap_slots, index_t* heap_where,           # scratch
                      index_t* out_a, index_t* out_b, double* out_h,      # out
                      long long* progress                                 # out, or NULL
                      ) noexcept nogil:
    cdef index_t m = n, i, t, k, x, y, pos_x, pos_y, step, base_x, base_y, bk, work = 0
    cdef double d_xy, s_x, s_y, d_kx, d_ky, new_d, w_x, w_y, w_xy, best
    cdef index_t best_k
    cdef Heap heap
    init_rows(D, src, n, not squared, nbr, mind)
    for t in range(n):
        act[t] = t
        act_base[t] = row_base(n, t)   # pair (act[t], j) is at act_base[t] + j
        size[t] = 1.0
    heap_build(&heap, heap_slots, heap_where, mind, n)
    for step in range(n - 1):
        # Pop candidates until the top's lower bound is exact.
        while True:
            x = heap_slots[0]
            y = nbr[x]
            if y < 0:
                return STATUS_BUG        # no finite candidate: cannot happen on finite input
            if mind[x] == D[row_base(n, x) + y]:
                break
            pos_x = position_of(act, m, x)
            scan_row(D, n, x, act, pos_x + 1, m, nbr, mind)
            work += m - pos_x
            sift_down(&heap, 0)
        d_xy = mind[x]
        out_a[step] = x
        out_b[step] = y
        out_h[step] = d_xy
        s_x = size[x]
        s_y = size[y]
        if method == METHOD_CENTROID:
            w_x = s_x / (s_x + s_y)
            w_y = s_y / (s_x + s_y)
            w_xy = w_x * w_y
        else:   # median: the weighted centroid of equal weights
            w_x = 0.5
            w_y = 0.5
            w_xy = 0.25
        heap_remove(&heap, x)
        pos_x = position_of(act, m, x)
        memmove(act + pos_x, act + pos_x + 1, (m - pos_x - 1) * sizeof(index_t))
        memmove(act_base + pos_x, act_base + pos_x + 1, (m - pos_x - 1) * sizeof(index_t))
        m -= 1
        pos_y = position_of(act, m, y)
        base_x = row_base(n, x)
        base_y = row_base(n, y)
        # New squared distances to the merged cluster, stored in slot y.
        # k < x: pair (k, x) is in row k; x < k < y: in row x. Pair (k, y) is in row k.
        for t in range(pos_x):
            bk = act_base[t]
            new_d = w_x * D[bk + x] + w_y * D[bk + y] - w_xy * d_xy
            D[bk + y] = new_d
            update_candidate(act[t], new_d, x, y, nbr, mind, &heap)
        for t in range(pos_x, pos_y):
            k = act[t]
            bk = act_base[t]
            new_d = w_x * D[base_x + k] + w_y * D[bk + y] - w_xy * d_xy
            D[bk + y] = new_d
            update_candidate(k, new_d, x, y, nbr, mind, &heap)
        # Row of y: update and find its new nearest neighbour in the same pass.
        best = INFINITY
        best_k = -1
        for t in range(pos_y + 1, m):
            k = act[t]
            new_d = w_x * D[base_x + k] + w_y * D[base_y + k] - w_xy * d_xy
            D[base_y + k] = new_d
            if new_d < best:
                best = new_d
                best_k = k
        size[y] = s_x + s_y
        if y < n - 1:
            mind[y] = best
            nbr[y] = best_k
            heap_update(&heap, y)
        work += 2 * m
        if work > SIGNAL_CHECK_WORK:
            work = 0
            # the work left is about proportional to m^2
            if report_and_poll(progress, n * n - m * m):
                return STATUS_INTERRUPTED
    if progress != NULL:
        progress[1] = progress[2]
    for step in range(n - 1):
        out_h[step] = sqrt(out_h[step]) if out_h[step] > 0.0 else 0.0
    return STATUS_OK


def generic_linkage(double[::1] dists,     # in/out: workspace, left unspecified
                    index_t n,             # in
                    int method,            # in: METHOD_CENTROID or METHOD_MEDIAN
                    index_t[::1] out_a,    # out, length n - 1
                    index_t[::1] out_b,    # out
                    double[::1] out_h,     # out: heights in merge order (may go down)
                    bint squared=False,    # in: the input holds squared distances already
                    const double[::1] source=None,   # in: the distances, if not in dists
                    long long[::1] progress=None):   # out: [stage, done, total], see _progress.py
    """Generic algorithm on a condensed matrix of Euclidean distances, overwriting it.

    With `source`, `dists` is an uninitialised buffer of the same length that
    the first pass fills from `source` (squared), which is never written.
    Preconditions: n >= 2, len(dists) == n*(n-1)//2, entries finite and >= 0.
    Returns a status code.
    """
    cdef const double* src = &dists[0] if source is None else &source[0]
    cdef index_t[::1] act = np.empty(n, dtype=np.intp)
    cdef index_t[::1] act_base = np.empty(n, dtype=np.intp)
    cdef index_t[::1] nbr = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_slots = np.empty(n, dtype=np.intp)
    cdef index_t[::1] heap_where = np.empty(n, dtype=np.intp)
    cdef double[::1] size = np.empty(n)
    cdef double[::1] mind = np.empty(n)
    cdef int status
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * n
    with nogil:
        status = generic_core(&dists[0], src, n, method, squared, &act[0], &act_base[0], &size[0], &nbr[0], &mind[0],
                              &heap_slots[0], &heap_where[0],
                              &out_a[0], &out_b[0], &out_h[0], counters)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
