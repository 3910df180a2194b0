"""Complete, average, weighted and Ward linkage by the nearest-neighbour chain.

Works in place on the condensed matrix with Lance-Williams updates (Ward on
squared distances). The active clusters are kept in a sorted array, so that
the scans walk memory in increasing order with no pointer chasing; the merged
cluster takes the smaller of its two slots, whose row (the contiguous part of
the condensed layout) is the longer one.

Reference: D. Muellner, "Modern hierarchical, agglomerative clustering
algorithms", arXiv:1109.2378, section 3.3 (NN-chain-linkage).
"""
import numpy as np

from libc.math cimport INFINITY, sqrt
from libc.string cimport memmove

from ._common cimport (reraise_pending, index_t, row_base, signals_pending, STATUS_OK,
                       STATUS_INTERRUPTED, STATUS_BUG, SIGNAL_CHECK_WORK,
                       METHOD_COMPLETE, METHOD_AVERAGE, METHOD_WEIGHTED, METHOD_WARD)


cdef inline index_t position_of(const index_t* act, index_t m, index_t x) noexcept nogil:
    """Index of x in the sorted array act[0:m] (x must be present)."""
    cdef index_t lo = 0, hi = m - 1, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if act[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline double lance_williams(int method, double d_ka, double d_kb, double d_ab,
                                  double size_a, double size_b, double size_k) noexcept nogil:
    if method == METHOD_COMPLETE:
        return d_ka if d_ka > d_kb else d_kb
    elif method == METHOD_AVERAGE:
        return (size_a * d_ka + size_b * d_kb) / (size_a + size_b)
    elif method == METHOD_WEIGHTED:
        return 0.5 * (d_ka + d_kb)
    else:  # Ward, on squared distances
        return ((size_k + size_a) * d_ka + (size_k + size_b) * d_kb - size_k * d_ab) \
            / (size_k + size_a + size_b)


cdef int nn_chain_core(double* D, index_t n, int method,
                       index_t* act, double* size, index_t* chain,      # scratch
                       index_t* out_a, index_t* out_b, double* out_h    # out
                       ) noexcept nogil:
    cdef index_t m = n, chain_len = 0, step, t, k, x, y, prev, a, b, pos_x, pos_a, pos_b
    cdef index_t base_x, base_a, base_b, i, work = 0
    cdef double d, best, d_ab, s_a, s_b
    for t in range(n):
        act[t] = t
        size[t] = 1.0
    if method == METHOD_WARD:
        for i in range(n * (n - 1) // 2):
            D[i] = D[i] * D[i]
    for step in range(n - 1):
        if chain_len == 0:
            chain[0] = act[0]
            chain_len = 1
        while True:
            x = chain[chain_len - 1]
            pos_x = position_of(act, m, x)
            base_x = row_base(n, x)
            # Prefer the previous chain element on ties: that is what keeps the chain finite.
            if chain_len >= 2:
                prev = chain[chain_len - 2]
                best = D[row_base(n, prev) + x] if prev < x else D[base_x + prev]
            else:
                prev = -1
                best = INFINITY
            y = prev
            for t in range(pos_x):              # clusters k < x: the column of x
                k = act[t]
                d = D[row_base(n, k) + x]
                if d < best:
                    best = d
                    y = k
            for t in range(pos_x + 1, m):       # clusters k > x: the row of x
                k = act[t]
                d = D[base_x + k]
                if d < best:
                    best = d
                    y = k
            work += m
            if y == prev:
                break
            chain[chain_len] = y
            chain_len += 1
            if chain_len > m:
                return STATUS_BUG
        chain_len -= 2
        a = x if x < y else y
        b = y if x < y else x
        d_ab = best
        out_a[step] = a
        out_b[step] = b
        out_h[step] = d_ab
        # Lance-Williams update of row/column a; b is retired.
        s_a = size[a]
        s_b = size[b]
        pos_a = position_of(act, m, a)
        pos_b = position_of(act, m, b)
        base_a = row_base(n, a)
        base_b = row_base(n, b)
        for t in range(pos_a):                  # k < a < b
            k = act[t]
            i = row_base(n, k)
            D[i + a] = lance_williams(method, D[i + a], D[i + b], d_ab, s_a, s_b, size[k])
        for t in range(pos_a + 1, pos_b):       # a < k < b
            k = act[t]
            D[base_a + k] = lance_williams(method, D[base_a + k], D[row_base(n, k) + b],
                                           d_ab, s_a, s_b, size[k])
        for t in range(pos_b + 1, m):           # a < b < k
            k = act[t]
            D[base_a + k] = lance_williams(method, D[base_a + k], D[base_b + k],
                                           d_ab, s_a, s_b, size[k])
        size[a] = s_a + s_b
        memmove(act + pos_b, act + pos_b + 1, (m - pos_b - 1) * sizeof(index_t))
        m -= 1
        work += 2 * m
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    if method == METHOD_WARD:
        for step in range(n - 1):
            out_h[step] = sqrt(out_h[step])
    return STATUS_OK


def nn_chain_linkage(double[::1] dists,     # in/out: workspace, left unspecified
                     index_t n,             # in
                     int method,            # in: METHOD_COMPLETE .. METHOD_WARD
                     index_t[::1] out_a,    # out, length n - 1: slots merged
                     index_t[::1] out_b,    # out
                     double[::1] out_h):    # out: merge heights, in merge order
    """NN-chain on a condensed matrix, overwriting it.

    Preconditions: n >= 2, len(dists) == n*(n-1)//2, entries finite and >= 0.
    The merges come out in the order performed (not sorted by height); each
    merge names one observation of either side. Returns a status code.
    """
    cdef index_t[::1] act = np.empty(n, dtype=np.intp)
    cdef index_t[::1] chain = np.empty(n, dtype=np.intp)
    cdef double[::1] size = np.empty(n)
    cdef int status
    with nogil:
        status = nn_chain_core(&dists[0], n, method, &act[0], &size[0], &chain[0],
                               &out_a[0], &out_b[0], &out_h[0])
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
