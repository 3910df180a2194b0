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

from ._common cimport (position_of, reraise_pending, index_t, row_base, signals_pending, STATUS_OK,
                       STATUS_INTERRUPTED, STATUS_BUG, SIGNAL_CHECK_WORK,
                       METHOD_COMPLETE, METHOD_AVERAGE, METHOD_WEIGHTED, METHOD_WARD)


# The kernel runs on one thread on purpose. Sharing every scan between two
# threads (one parallel region per scan) halved Ward's time at n = 20000 on an
# idle machine, but made average linkage 7x slower when another process held
# the second core, even with a self-timing fallback (commit 0691467 has the
# threaded version; the 2026-12-01 closing note has the numbers).

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



cdef void scan(const double* D, index_t n, const index_t* act, const index_t* act_base,
               index_t m, index_t x, index_t pos_x,
               double* best_out, index_t* k_out) noexcept nogil:
    """(min d(x, k), lowest such k) over the active clusters k = act[t], t != pos_x."""
    cdef index_t t, k, base_x = row_base(n, x), best_k = -1
    cdef double d, best = INFINITY
    for t in range(pos_x):                      # k < x: the column of x
        d = D[act_base[t] + x]
        if d < best:
            best = d
            best_k = act[t]
    for t in range(pos_x + 1, m):               # k > x: the row of x
        k = act[t]
        d = D[base_x + k]
        if d < best:
            best = d
            best_k = k
    best_out[0] = best
    k_out[0] = best_k


cdef void update(double* D, index_t n, int method, const index_t* act, const index_t* act_base,
                 index_t m, index_t a, index_t b, index_t pos_a, index_t pos_b,
                 double d_ab, const double* size, double* best_out, index_t* k_out) noexcept nogil:
    """Lance-Williams update of d(k, a) for every active k other than a and b.

    Also returns the lexicographic minimum (new d(k, a), k): a's new nearest neighbour.
    """
    cdef index_t t, k, i, base_a = row_base(n, a), base_b = row_base(n, b), best_k = -1
    cdef double d, best = INFINITY, s_a = size[a], s_b = size[b]
    for t in range(pos_a):                      # k < a < b: both in row k
        k = act[t]
        i = act_base[t]
        d = lance_williams(method, D[i + a], D[i + b], d_ab, s_a, s_b, size[k])
        D[i + a] = d
        if d < best:
            best = d
            best_k = k
    for t in range(pos_a + 1, pos_b):           # a < k < b: row a, column b
        k = act[t]
        d = lance_williams(method, D[base_a + k], D[act_base[t] + b],
                           d_ab, s_a, s_b, size[k])
        D[base_a + k] = d
        if d < best:
            best = d
            best_k = k
    for t in range(pos_b + 1, m):               # a < b < k: both rows
        k = act[t]
        d = lance_williams(method, D[base_a + k], D[base_b + k], d_ab, s_a, s_b, size[k])
        D[base_a + k] = d
        if d < best:
            best = d
            best_k = k
    best_out[0] = best
    k_out[0] = best_k


cdef int nn_chain_core(double* D, index_t n, int method, bint squared,
                       index_t* act, index_t* act_base, double* size, index_t* chain,  # scratch
                       unsigned char* in_chain,                         # scratch, zeros
                       index_t* out_a, index_t* out_b, double* out_h,   # out
                       long long* progress                              # out, or NULL
                       ) noexcept nogil:
    cdef index_t m = n, chain_len = 0, step, t, x, y, prev, a, b, pos_x, pos_a, pos_b
    cdef index_t i, nn_a, work = 0
    cdef double best, d_ab
    for t in range(n):
        act[t] = t
        act_base[t] = row_base(n, t)   # act_base[t] + j is pair (act[t], j): no multiply in the walks
        size[t] = 1.0
    if method == METHOD_WARD and not squared:
        for i in range(n * (n - 1) // 2):
            D[i] = D[i] * D[i]
    for step in range(n - 1):
        if chain_len == 0:
            chain[0] = act[0]
            in_chain[act[0]] = 1
            chain_len = 1
        while True:
            x = chain[chain_len - 1]
            pos_x = position_of(act, m, x)
            scan(D, n, act, act_base, m, x, pos_x, &best, &y)
            if y < 0:
                return STATUS_BUG        # no finite candidate: cannot happen on finite input
            work += m
            # Pairs are ordered by (distance, smaller slot, larger slot), a strict total
            # order, and scan() returns x's least pair under it (lowest slot on ties).
            # The chain stops exactly when that is the previous element: a reciprocal
            # pair under the total order. Every link is strictly less than the one
            # before, so the chain is finite; and the merges are those of the greedy
            # algorithm under the same order, which RAC (fastclust.distributed) also
            # reproduces, whatever order the chain visits the clusters in.
            if chain_len >= 2 and y == chain[chain_len - 2]:
                break
            if in_chain[y]:
                # Only rounding gets here: a Lance-Williams update that breaks
                # reducibility by an ulp left an older link of the chain stale. A
                # chain built afresh from y is strictly decreasing again.
                for t in range(chain_len):
                    in_chain[chain[t]] = 0
                chain_len = 0
            chain[chain_len] = y
            in_chain[y] = 1
            chain_len += 1
            if chain_len > m:
                return STATUS_BUG
        y = chain[chain_len - 2]
        chain_len -= 2
        in_chain[x] = 0
        in_chain[y] = 0
        a = x if x < y else y
        b = y if x < y else x
        d_ab = best
        out_a[step] = a
        out_b[step] = b
        out_h[step] = d_ab
        # Lance-Williams update of row/column a; b is retired. The same pass finds
        # a's new nearest neighbour, so an emptied chain restarts at a for free.
        pos_a = position_of(act, m, a)
        pos_b = position_of(act, m, b)
        update(D, n, method, act, act_base, m, a, b, pos_a, pos_b, d_ab, size, &best, &nn_a)
        size[a] = size[a] + size[b]
        memmove(act + pos_b, act + pos_b + 1, (m - pos_b - 1) * sizeof(index_t))
        memmove(act_base + pos_b, act_base + pos_b + 1, (m - pos_b - 1) * sizeof(index_t))
        m -= 1
        work += 2 * m
        if chain_len == 0 and m >= 2:
            if nn_a < 0:
                return STATUS_BUG
            chain[0] = a
            chain[1] = nn_a
            in_chain[a] = 1
            in_chain[nn_a] = 1
            chain_len = 2
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if progress != NULL:
                # the work left is about proportional to m^2
                progress[1] = <long long>(n * n - m * m)
            if signals_pending():
                return STATUS_INTERRUPTED
    if progress != NULL:
        progress[1] = progress[2]
    if method == METHOD_WARD:
        for step in range(n - 1):
            out_h[step] = sqrt(out_h[step])
    return STATUS_OK


def nn_chain_linkage(double[::1] dists,     # in/out: workspace, left unspecified
                     index_t n,             # in
                     int method,            # in: METHOD_COMPLETE .. METHOD_WARD
                     index_t[::1] out_a,    # out, length n - 1: slots merged
                     index_t[::1] out_b,    # out
                     double[::1] out_h,     # out: merge heights, in merge order
                     bint squared=False,    # in: Ward only, dists already squared
                     long long[::1] progress=None):   # out: [stage, done, total], see _progress.py
    """NN-chain on a condensed matrix, overwriting it.

    Preconditions: n >= 2, len(dists) == n*(n-1)//2, entries finite and >= 0.
    The merges come out in the order performed (not sorted by height); each
    merge names one observation of either side. Returns a status code.
    """
    cdef index_t[::1] act = np.empty(n, dtype=np.intp)
    cdef index_t[::1] act_base = np.empty(n, dtype=np.intp)
    cdef index_t[::1] chain = np.empty(n, dtype=np.intp)
    cdef unsigned char[::1] in_chain = np.zeros(n, dtype=np.uint8)
    cdef double[::1] size = np.empty(n)
    cdef int status
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * n
    with nogil:
        status = nn_chain_core(&dists[0], n, method, squared, &act[0], &act_base[0], &size[0],
                               &chain[0], &in_chain[0], &out_a[0], &out_b[0], &out_h[0],
                               counters)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status

