"""Bisecting 2-means: split the cluster of largest sum of squares until singletons.

Clusters are contiguous segments of a permutation `order` of the rows of X,
each sorted ascending; a split partitions its segment stably (side 0 first).
Each split runs Lloyd's algorithm with k = 2 from a k-means++ start drawn with
two uniform numbers supplied by the caller (u[2k], u[2k + 1] for split k), so
the result is a pure function of X and those numbers.
"""
import numpy as np

from ._common cimport (index_t, reraise_pending, signals_pending, STATUS_OK, STATUS_INTERRUPTED,
                       SIGNAL_CHECK_WORK)
from ._split_heap cimport SplitHeap, heap_pop, heap_push, stable_partition


cdef inline double sq_dist(const double* x, const double* c, index_t d) noexcept nogil:
    cdef index_t t
    cdef double acc = 0.0, diff
    for t in range(d):
        diff = x[t] - c[t]
        acc += diff * diff
    return acc


cdef double sum_of_squares(const double* X, index_t d, const index_t* mem, index_t m,
                           double* mean) noexcept nogil:
    """Sum of squared distances of the rows mem[0:m] to their mean (two passes)."""
    cdef index_t p, t
    cdef double acc = 0.0
    for t in range(d):
        mean[t] = 0.0
    for p in range(m):
        for t in range(d):
            mean[t] += X[mem[p] * d + t]
    for t in range(d):
        mean[t] /= <double>m
    for p in range(m):
        acc += sq_dist(X + mem[p] * d, mean, d)
    return acc


cdef index_t two_means(const double* X, index_t d, const index_t* mem, index_t m,
                       double u0, double u1, index_t max_iter, char* side,
                       double* c0, double* c1, double* weight) noexcept nogil:
    """Assign side[mem[p]] in {1 (first group), 0 (second)}; return the work done.

    Start: c0 = row mem[floor(u0 * m)], c1 = a row drawn with probability
    proportional to its squared distance to c0 (k-means++). If every row
    equals c0, the first member is split off alone. Lloyd iterations follow
    until no row changes side or `max_iter` iterations; a row equally close
    to both centres goes to c0. An iteration that would empty a side is not
    applied. Both sides are non-empty on return.
    """
    cdef index_t p, t, k, i, n0, n1, it, changed
    cdef index_t work = 0
    cdef double total = 0.0, r, acc, d0, d1
    cdef char s
    k = <index_t>(u0 * m)
    if k >= m:
        k = m - 1
    for t in range(d):
        c0[t] = X[mem[k] * d + t]
    for p in range(m):
        weight[p] = sq_dist(X + mem[p] * d, c0, d)
        total += weight[p]
    work += m * d
    if not total > 0.0:
        for p in range(m):
            side[mem[p]] = 1 if p == 0 else 0
        return work
    r = u1 * total
    acc = 0.0
    k = -1
    for p in range(m):
        if weight[p] > 0.0:
            k = p                    # the last row with positive weight, if r is never reached
            acc += weight[p]
            if acc > r:
                break
    for t in range(d):
        c1[t] = X[mem[k] * d + t]
    for p in range(m):
        side[mem[p]] = 2             # no side yet: the first pass changes every row
    for it in range(max_iter):
        changed = 0
        n0 = 0
        for p in range(m):
            i = mem[p]
            d0 = sq_dist(X + i * d, c0, d)
            d1 = sq_dist(X + i * d, c1, d)
            s = 1 if d0 <= d1 else 0
            weight[p] = <double>s    # the proposed side, applied below
            n0 += s
        work += 2 * m * d
        if n0 == 0 or n0 == m:
            break                    # keep the previous assignment (non-empty sides)
        for p in range(m):
            s = <char>weight[p]
            if side[mem[p]] != s:
                side[mem[p]] = s
                changed += 1
        if changed == 0:
            break
        n1 = m - n0
        for t in range(d):
            c0[t] = 0.0
            c1[t] = 0.0
        for p in range(m):
            i = mem[p]
            if side[i]:
                for t in range(d):
                    c0[t] += X[i * d + t]
            else:
                for t in range(d):
                    c1[t] += X[i * d + t]
        for t in range(d):
            c0[t] /= <double>n0
            c1[t] /= <double>n1
        work += m * d
    return work


cdef int _bisect_core(const double* X, index_t n, index_t d, const double* u, index_t max_iter,
                      index_t* order, index_t* scratch, char* side, double* c0, double* c1,
                      double* weight, SplitHeap* hp,
                      index_t* a_out, index_t* b_out, double* h_out) noexcept nogil:
    """Fill the n - 1 splits in the order made (largest sum of squares first).

    Split k divides a cluster whose sum of squares is h_out[k] into a group
    containing a_out[k] and one containing b_out[k] (the smallest member of
    each). A child's key is capped at its parent's, so that rounding never
    makes the heights decrease. Preconditions: n >= 2, X finite.
    """
    cdef index_t i, p, s, e, m, a, next_id = 1, done = 0, work = 0
    cdef double key, child
    for i in range(n):
        order[i] = i
    key = sum_of_squares(X, d, order, n, c0)
    heap_push(hp, key, 0, 0, n)
    while hp.size > 0:
        key = hp.key[0]
        s = hp.start[0]
        e = hp.end[0]
        heap_pop(hp)
        m = e - s
        if m == 2:
            side[order[s]] = 1
            side[order[s + 1]] = 0
        else:
            work += two_means(X, d, order + s, m, u[2 * done], u[2 * done + 1], max_iter,
                              side, c0, c1, weight)
        for p in range(m):
            scratch[p] = order[s + p]
        stable_partition(order + s, scratch, m, side)
        a = 0
        for p in range(m):
            a += side[scratch[p]]
        a_out[done] = order[s]
        b_out[done] = order[s + a]
        h_out[done] = key
        done += 1
        if a >= 2:
            child = sum_of_squares(X, d, order + s, a, c0)
            heap_push(hp, child if child < key else key, next_id, s, s + a)
        next_id += 1
        if m - a >= 2:
            child = sum_of_squares(X, d, order + s + a, m - a, c0)
            heap_push(hp, child if child < key else key, next_id, s + a, e)
        next_id += 1
        work += m * d
        if work >= SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    return STATUS_OK


def bisect_splits(const double[:, ::1] X,   # in: (n, d), finite
                  const double[::1] u,      # in: (2 * (n - 1),) uniform numbers in [0, 1)
                  index_t max_iter,         # in: >= 1
                  index_t[::1] a,           # out: (n - 1,)
                  index_t[::1] b,           # out: (n - 1,)
                  double[::1] h):           # out: (n - 1,) sum of squares of the split cluster
    """Run bisecting 2-means on the rows of X; the splits come out largest key first."""
    cdef index_t n = X.shape[0], d = X.shape[1]
    cdef index_t[::1] order = np.empty(n, dtype=np.intp)
    cdef index_t[::1] scratch = np.empty(n, dtype=np.intp)
    cdef char[::1] side = np.zeros(n, dtype=np.int8)
    cdef double[::1] c0 = np.empty(d, dtype=np.float64)
    cdef double[::1] c1 = np.empty(d, dtype=np.float64)
    cdef double[::1] weight = np.empty(n, dtype=np.float64)
    cdef double[::1] hk = np.empty(n, dtype=np.float64)
    cdef index_t[::1] hid = np.empty(n, dtype=np.intp)
    cdef index_t[::1] hs = np.empty(n, dtype=np.intp)
    cdef index_t[::1] he = np.empty(n, dtype=np.intp)
    cdef SplitHeap heap
    cdef int status
    heap.key = &hk[0]
    heap.cid = &hid[0]
    heap.start = &hs[0]
    heap.end = &he[0]
    heap.size = 0
    with nogil:
        status = _bisect_core(&X[0, 0], n, d, &u[0], max_iter, &order[0], &scratch[0],
                              &side[0], &c0[0], &c1[0], &weight[0], &heap,
                              &a[0], &b[0], &h[0])
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
