"""DIANA (divisive analysis): split the widest cluster by the splinter-group procedure.

Kaufman & Rousseeuw, "Finding Groups in Data" (1990), chapter 6. The kernel
reads a condensed matrix and never writes it. Clusters are contiguous segments
of a permutation `order` of the observations, each segment sorted ascending;
a split partitions its segment stably (splinter group first), so both halves
stay sorted and the condensed rows are read in increasing address order.

Per observation the kernel keeps T[i], the sum of its distances to the other
members of its current cluster (computed afresh, in one pass, together with
the cluster's diameter when the cluster is made), and, during a split, S[i],
the sum of its distances to the splinter group. With a splinter group of `a`
objects out of m, the rest has b = m - a, and object j of the rest has

    mean distance to the rest - mean distance to the splinter group
        = (T[j] - S[j]) / (b - 1) - S[j] / a,

computed in exactly this floating-point form, as R's ``cluster::diana`` does,
so that ties (integer-valued distances) are decided as R decides them: the
first (smallest-index) object of largest difference moves, and only while the
difference is positive. T[j] - S[j] is exact for integer-valued distances.
"""
import numpy as np

from ._common cimport (index_t, reraise_pending, row_base, signals_pending, STATUS_OK,
                       STATUS_INTERRUPTED, SIGNAL_CHECK_WORK)
from ._split_heap cimport SplitHeap, heap_pop, heap_push, stable_partition


cdef double diameter_and_sums(const double* D, index_t n, const index_t* mem, index_t m,
                              double* T) noexcept nogil:
    """Largest distance among mem[0:m] (sorted ascending); T[i] = sum to the other members."""
    cdef index_t p, q, i
    cdef double diam = 0.0, d, row_sum
    cdef const double* row
    for p in range(m):
        T[mem[p]] = 0.0
    for p in range(m):
        i = mem[p]
        row = D + row_base(n, i)
        row_sum = 0.0
        for q in range(p + 1, m):
            d = row[mem[q]]
            row_sum += d
            T[mem[q]] += d
            if d > diam:
                diam = d
        T[i] += row_sum
    return diam


cdef int _diana_core(const double* D, index_t n,
                     index_t* order, index_t* scratch, double* T, double* S, char* splinter,
                     SplitHeap* hp, index_t* a_out, index_t* b_out, double* h_out) noexcept nogil:
    """Fill the n - 1 splits in the order made (largest diameter first).

    Split k divides a cluster of diameter h_out[k] into a splinter group
    containing a_out[k] and a rest containing b_out[k] (one observation of
    each: the smallest). Preconditions: n >= 2, D finite and non-negative.
    """
    cdef index_t i, p, s, e, m, a, x, best, next_id = 1, done = 0
    cdef index_t work = 0, base
    cdef double diam, score, best_score, d, a_dbl, rest
    for i in range(n):
        order[i] = i
        splinter[i] = 0
    diam = diameter_and_sums(D, n, order, n, T)
    work += n * n // 2
    heap_push(hp, diam, 0, 0, n)
    while hp.size > 0:
        diam = hp.key[0]
        s = hp.start[0]
        e = hp.end[0]
        heap_pop(hp)
        m = e - s
        # The splinter group starts with the object farthest, on average, from
        # the others: the largest T (first in the segment, i.e. the smallest
        # observation index, on ties).
        best = s
        for p in range(s + 1, e):
            if T[order[p]] > T[order[best]]:
                best = p
        for p in range(s, e):
            S[order[p]] = 0.0
        a = 0
        while True:
            x = order[best]
            splinter[x] = 1
            a += 1
            if a == m - 1:
                break          # the rest would be a single object: nothing left to compare
            # Add x's distances to S over the rest and find the best next move in the
            # same pass: the largest positive score, the smallest index on ties.
            a_dbl = <double>a
            rest = <double>(m - a - 1)
            best = -1
            best_score = 0.0
            base = row_base(n, x)
            for p in range(s, e):
                i = order[p]
                if splinter[i]:
                    continue
                if i < x:
                    d = D[row_base(n, i) + x]
                else:
                    d = D[base + i]
                S[i] += d
                score = (T[i] - S[i]) / rest - S[i] / a_dbl
                if score > best_score:
                    best_score = score
                    best = p
            work += 4 * m          # half of these reads are strided (a cache miss each)
            if best < 0:
                break
            if work >= SIGNAL_CHECK_WORK:
                work = 0
                if signals_pending():
                    return STATUS_INTERRUPTED
        # Stable partition of the segment: splinter group first, then the rest.
        for p in range(m):
            scratch[p] = order[s + p]
        stable_partition(order + s, scratch, m, splinter)
        a_out[done] = order[s]
        b_out[done] = order[s + a]
        h_out[done] = diam
        done += 1
        for p in range(s, e):
            splinter[order[p]] = 0
        # Children: diameters and fresh within-cluster sums; singletons are finished.
        if a >= 2:
            diam = diameter_and_sums(D, n, order + s, a, T)
            heap_push(hp, diam, next_id, s, s + a)
            work += a * a // 2
        next_id += 1
        if m - a >= 2:
            diam = diameter_and_sums(D, n, order + s + a, m - a, T)
            heap_push(hp, diam, next_id, s + a, e)
            work += (m - a) * (m - a) // 2
        next_id += 1
        if work >= SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    return STATUS_OK


def diana_splits(const double[::1] dists,   # in: condensed, finite, non-negative
                 index_t n,                 # in: n >= 2
                 index_t[::1] a,            # out: (n - 1,) one observation of the splinter group
                 index_t[::1] b,            # out: (n - 1,) one observation of the rest
                 double[::1] h):            # out: (n - 1,) diameter of the split cluster
    """Run DIANA on `dists`; the splits come out largest diameter first.

    Returns a status code (STATUS_OK, or STATUS_INTERRUPTED with the
    KeyboardInterrupt re-raised by the caller through reraise_pending).
    """
    cdef index_t[::1] order = np.empty(n, dtype=np.intp)
    cdef index_t[::1] scratch = np.empty(n, dtype=np.intp)
    cdef double[::1] T = np.empty(n, dtype=np.float64)
    cdef double[::1] S = np.empty(n, dtype=np.float64)
    cdef char[::1] splinter = np.empty(n, dtype=np.int8)
    cdef double[::1] hd = np.empty(n, dtype=np.float64)
    cdef index_t[::1] hid = np.empty(n, dtype=np.intp)
    cdef index_t[::1] hs = np.empty(n, dtype=np.intp)
    cdef index_t[::1] he = np.empty(n, dtype=np.intp)
    cdef SplitHeap heap
    cdef int status
    heap.key = &hd[0]
    heap.cid = &hid[0]
    heap.start = &hs[0]
    heap.end = &he[0]
    heap.size = 0
    with nogil:
        status = _diana_core(&dists[0], n, &order[0], &scratch[0], &T[0], &S[0],
                             &splinter[0], &heap, &a[0], &b[0], &h[0])
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
