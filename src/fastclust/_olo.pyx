"""Optimal leaf ordering in O(n^3) time and O(n^2) memory (Bar-Joseph et al. 2001).

Flipping the two children of any merge keeps the tree; among the 2^(n-1)
leaf orders so reachable we want the one with the smallest sum of distances
between adjacent leaves.

For a node v with children A and B, M(i, j) is the smallest cost of an order
of v's leaves that starts with leaf i (in A) and ends with leaf j (in B):

    M(i, j) = min over k, m of  M(i, k) + D(k, m) + M(m, j)

where k is a leaf of A on the other side of A from i (A's other child; k = i
when A is an observation) and m likewise in B. Every pair of leaves (i, j)
gets exactly one value, at the node where they meet, so all M fit in one
n x n matrix. We split the double minimum into two (min, +) products,

    T(i, m) = min_k M(i, k) + D(k, m)        (|A| x |B|, stage 1)
    M(i, j) = min_m T(i, m) + M(m, j)        (stage 2)

which is O(|A| |B| (|A| + |B|)) per node and O(n^3) in all, instead of the
O(n^4) of the direct minimum. The leaves are renumbered in the tree's
leaf order first, so every block (a child's leaves) is a contiguous range
and both stages are unit-stride vector loops (see _minplus.h).

The n x n matrix holds D at the start and becomes M node by node: node v
reads the D(A, B) block in stage 1 and writes M(A, B) in stage 2, and no
other node touches that block. The orientation is recovered at the end by
walking down from the root and finding, at every node, the (k, m) that
attains the stored minimum (the same floating-point sums, so the match is
exact); D is read from the condensed input there.
"""
import numpy as np

from cython.parallel cimport prange
from libc.math cimport INFINITY

from ._common cimport (STATUS_BUG, STATUS_INTERRUPTED, STATUS_OK, condensed_index, index_t,
                       reraise_pending, signals_pending)
from ._cpu_features cimport fc_use_avx2
from ._openmp cimport omp_get_thread_num

cdef extern from "_minplus.h":
    void fc_minplus(double* r, const double* row, double a, index_t len, int avx2) noexcept nogil

# Below this much (min, +) work a node is done on one thread.
cdef index_t PARALLEL_WORK = 1 << 18


cdef inline double dist(const double* y, index_t n, index_t p, index_t q) noexcept nogil:
    if p < q:
        return y[condensed_index(n, p, q)]
    if q < p:
        return y[condensed_index(n, q, p)]
    return 0.0


cdef inline index_t opposite_child(const index_t[:, ::1] children, const index_t[::1] start,
                                   const index_t[::1] size, index_t n, index_t node,
                                   index_t pos) noexcept nogil:
    """The child of internal `node` that does not hold leaf position `pos`."""
    cdef index_t c0 = children[node - n, 0]
    if start[c0] <= pos < start[c0] + size[c0]:
        return children[node - n, 1]
    return c0


cdef inline void opposite(const index_t[:, ::1] children, const index_t[::1] size,
                          const index_t[::1] start, index_t n, index_t node, index_t pos,
                          index_t* lo, index_t* hi) noexcept nogil:
    """The leaves of `node` on the other side from position `pos`: [lo, hi).

    (Serial code only: inside prange, assign the bounds directly so that
    Cython makes them thread-private; see fill_costs.)
    """
    cdef index_t c
    if node < n:
        lo[0] = pos
        hi[0] = pos + 1
        return
    c = opposite_child(children, start, size, n, node, pos)
    lo[0] = start[c]
    hi[0] = start[c] + size[c]


cdef void stage_one_row(double* M, index_t n, index_t i, index_t a, index_t olo, index_t ohi,
                        index_t b0, index_t nb, double* Trow, int avx2) noexcept nogil:
    """Trow[m - b0] = min over k in [olo, ohi) of M[i, k] + D[k, m], m in B."""
    cdef index_t k, m
    if a < n:                      # A is one observation: T(i, m) = D(i, m)
        for m in range(nb):
            Trow[m] = M[i * n + b0 + m]
        return
    for m in range(nb):
        Trow[m] = INFINITY
    for k in range(olo, ohi):
        fc_minplus(Trow, &M[k * n + b0], M[i * n + k], nb, avx2)


cdef void stage_two_row(double* M, index_t n, index_t b, const index_t[:, ::1] children,
                        const index_t[::1] size, const index_t[::1] start,
                        index_t b0, index_t nb, const double* Trow, double* R,
                        int avx2) noexcept nogil:
    """R[j - b0] = min over m opposite j in B of Trow[m - b0] + M[m, j], j in B."""
    cdef index_t m, j, c0, c1, s0, n0, s1, n1
    if b < n:
        R[0] = Trow[0]
        return
    for j in range(nb):
        R[j] = INFINITY
    c0 = children[b - n, 0]
    c1 = children[b - n, 1]
    s0 = start[c0] - b0
    n0 = size[c0]
    s1 = start[c1] - b0
    n1 = size[c1]
    for m in range(n0):            # m in B's first child: j in the second
        fc_minplus(&R[s1], &M[(b0 + s0 + m) * n + b0 + s1], Trow[s0 + m], n1, avx2)
    for m in range(n1):
        fc_minplus(&R[s0], &M[(b0 + s1 + m) * n + b0 + s0], Trow[s1 + m], n0, avx2)


cdef int fill_costs(const double* y, index_t n, const index_t[:, ::1] children,
                    const index_t[::1] size, const index_t[::1] start, const int[::1] order,
                    double* M, double* T, double* R, int workers) noexcept nogil:
    """D in leaf order into M, then M node by node (bottom-up)."""
    cdef index_t p, q, s, i, a, b, a0, na, b0, nb, olo, ohi, j, c
    cdef int avx2 = fc_use_avx2()
    cdef int tid
    cdef index_t work_since_check = 0
    for p in range(n):
        M[p * n + p] = 0.0
        for q in range(p + 1, n):
            M[p * n + q] = dist(y, n, order[p], order[q])
            M[q * n + p] = M[p * n + q]
    for s in range(n - 1):
        a = children[s, 0]
        b = children[s, 1]
        a0 = start[a]
        na = size[a]
        b0 = start[b]
        nb = size[b]
        if na * nb * (na + nb) < PARALLEL_WORK or workers == 1:
            for i in range(a0, a0 + na):
                opposite(children, size, start, n, a, i, &olo, &ohi)
                stage_one_row(M, n, i, a, olo, ohi, b0, nb, &T[(i - a0) * nb], avx2)
            for i in range(a0, a0 + na):
                stage_two_row(M, n, b, children, size, start, b0, nb, &T[(i - a0) * nb], R,
                              avx2)
                for j in range(nb):
                    M[i * n + b0 + j] = R[j]
                    M[(b0 + j) * n + i] = R[j]
        else:
            for i in prange(a0, a0 + na, schedule='dynamic', num_threads=workers):
                # assigned here (not through pointers) so that each thread has its own
                c = opposite_child(children, start, size, n, a, i) if a >= n else i
                olo = start[c] if a >= n else i
                ohi = olo + (size[c] if a >= n else 1)
                stage_one_row(M, n, i, a, olo, ohi, b0, nb, &T[(i - a0) * nb], avx2)
            # all of T first: stage 2 overwrites the D(A, B) block stage 1 reads
            for i in prange(a0, a0 + na, schedule='dynamic', num_threads=workers):
                tid = omp_get_thread_num()
                stage_two_row(M, n, b, children, size, start, b0, nb, &T[(i - a0) * nb],
                              &R[tid * n], avx2)
                for j in range(nb):
                    M[i * n + b0 + j] = R[tid * n + j]
                    M[(b0 + j) * n + i] = R[tid * n + j]
        work_since_check += na * nb * (na + nb) + 1
        if work_since_check > (1 << 26):
            work_since_check = 0
            if signals_pending():
                return STATUS_INTERRUPTED
    return STATUS_OK


cdef int orient(const double* y, index_t n, const index_t[:, ::1] children,
                const index_t[::1] size, const index_t[::1] start, const int[::1] order,
                const double* M, index_t[:, ::1] out, double* cost) noexcept nogil:
    """Walk down from the root choosing each node's orientation; fill `out`.

    A stack item (v, e0, e1, flipped): e0 is the end leaf of v's order inside
    v's first child, e1 the one inside its second child; flipped means the
    second child comes first in the final order.
    """
    cdef index_t[::1] st_node, st_e0, st_e1
    cdef signed char[::1] st_flip
    cdef index_t sp = 1, v, e0, e1, c0, c1, lo0, hi0, lo1, hi1, k, m, best_k, best_m
    cdef index_t root = 2 * n - 2, i, j, x, child, g0
    cdef double best, target, total
    cdef bint flipped, found, i_on_left
    with gil:
        st_node = np.empty(n, dtype=np.intp)
        st_e0 = np.empty(n, dtype=np.intp)
        st_e1 = np.empty(n, dtype=np.intp)
        st_flip = np.empty(n, dtype=np.int8)
    # the root: the cheapest pair of ends, first child first
    c0 = children[root - n, 0]
    c1 = children[root - n, 1]
    best = INFINITY
    e0 = start[c0]
    e1 = start[c1]
    for i in range(start[c0], start[c0] + size[c0]):
        for j in range(start[c1], start[c1] + size[c1]):
            if M[i * n + j] < best:
                best = M[i * n + j]
                e0 = i
                e1 = j
    cost[0] = best
    st_node[0] = root
    st_e0[0] = e0
    st_e1[0] = e1
    st_flip[0] = 0
    while sp > 0:
        sp -= 1
        v = st_node[sp]
        e0 = st_e0[sp]
        e1 = st_e1[sp]
        flipped = st_flip[sp]
        c0 = children[v - n, 0]
        c1 = children[v - n, 1]
        out[v - n, 0] = c1 if flipped else c0
        out[v - n, 1] = c0 if flipped else c1
        opposite(children, size, start, n, c0, e0, &lo0, &hi0)
        opposite(children, size, start, n, c1, e1, &lo1, &hi1)
        target = M[e0 * n + e1]
        found = False
        best_k = lo0
        best_m = lo1
        for k in range(lo0, hi0):
            for m in range(lo1, hi1):
                total = (M[e0 * n + k] + dist(y, n, order[k], order[m])) + M[m * n + e1]
                if total == target:
                    best_k = k
                    best_m = m
                    found = True
                    break
            if found:
                break
        if not found:
            return STATUS_BUG
        # Not flipped, v reads e0 .. k | m .. e1; flipped, e1 .. m | k .. e0.
        # Each child's ends go on the stack as (end in its first child, end in
        # its second child), flipped when the second one comes first.
        for x in range(2):
            if x == 0:
                child = c0
                i = e0                         # the end at v's outer edge
                j = best_k                     # the end facing the other child
                i_on_left = not flipped
            else:
                child = c1
                i = e1
                j = best_m
                i_on_left = flipped
            if child < n:
                continue
            # push (end in child's first child, end in its second child)
            g0 = children[child - n, 0]
            st_node[sp] = child
            if start[g0] <= i < start[g0] + size[g0]:
                st_e0[sp] = i
                st_e1[sp] = j
                st_flip[sp] = not i_on_left    # flipped: the first child is on the right
            else:
                st_e0[sp] = j
                st_e1[sp] = i
                st_flip[sp] = i_on_left
            sp += 1
    return STATUS_OK


def optimal_leaf_order(const double[::1] y,             # in: condensed distances
                       index_t n,                       # in, n >= 2
                       const index_t[:, ::1] children,  # in: (n - 1, 2), validated
                       const index_t[::1] size,         # in: leaves under each node
                       const index_t[::1] start,        # in: each node's first leaf position
                       const int[::1] order,            # in: leaves_list of the input tree
                       index_t[:, ::1] out,             # out: (n - 1, 2) reordered children
                       int workers=1):
    """Children of every merge in the optimal order; returns (status, total cost)."""
    cdef index_t max_block = 0, s, a, b
    for s in range(n - 1):
        a = size[children[s, 0]]
        b = size[children[s, 1]]
        if a * b > max_block:
            max_block = a * b
    cdef double[::1] M = np.empty(n * n)
    cdef double[::1] T = np.empty(max(max_block, 1))
    cdef double[::1] R = np.empty(workers * n)
    cdef int status
    cdef double cost = 0.0
    with nogil:
        status = fill_costs(&y[0], n, children, size, start, order, &M[0], &T[0], &R[0],
                            workers)
        if status == STATUS_OK:
            status = orient(&y[0], n, children, size, start, order, &M[0], out, &cost)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status, cost
