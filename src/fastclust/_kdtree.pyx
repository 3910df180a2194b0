"""Euclidean minimum spanning tree of observations by KD-tree Boruvka rounds.

The points are copied into tree order (median splits on the widest coordinate,
leaves of at most `leaf_size` points, a bounding box and the smallest
observation index per node; the top levels on one thread, the subtrees in
parallel). The first round finds the K nearest neighbours of every point
(one shared traversal per leaf for d <= 4, one search per point above).
Each round then finds, for every component, its lightest outgoing edge:
points whose listed neighbour still lies outside their component keep that
edge (the candidates only shrink as components merge); the others run a
nearest-neighbour query that skips the points and whole nodes of their own
component and prunes boxes against their own best edge and their component's
best known edge (one copy of the component bounds per thread, so threads
never write shared data); a per-point lower bound lets most points skip the
query altogether.

Exactness. Edges are totally ordered by (distance, condensed offset of the
pair), like the O(n^2) kernel in _mst.pyx, so the tree is unique and the same
for any algorithm and any number of threads. Every distance is
sqrt(squared_distance(u, v)) from _pair_distance.pxd, the arithmetic of
pdist(X, 'euclidean') (squared_distance_lowd below writes its loop out for
d <= 4, same operations in the same order), so heights are bit-identical. For a fixed query point
the condensed offset grows with the other point's index, so within one query
the tie-break is "smaller observation index". Box lower bounds are computed
with the same operations in the same order on the box faces; rounding is
monotone, so a box bound never exceeds the computed squared distance of any
point in the box, and pruning compares it with the largest squared value whose
square root is still the current best distance (prune only when strictly
worse; at equal distance the smallest observation index in the node, through
the offset, decides). The K-nearest-neighbour lists are kept in squared
distances and converted once; entries that could tie with an unlisted point
after the square root are dropped.
"""
import numpy as np

from cython.parallel cimport prange
from libc.math cimport sqrt, INFINITY
from libc.string cimport memcpy
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

from ._common cimport (find_root, index_t, reraise_pending, signals_pending, STATUS_BUG,
                       STATUS_INTERRUPTED, STATUS_OK)
from ._pair_distance cimport squared_distance
from ._openmp cimport omp_get_thread_num

# Tree depth is at most ceil(log2(n)) + 1 (median splits); a query's stack holds at most
# one pending sibling per level plus the node being expanded.
cdef enum:
    STACK_SIZE = 192
    MAX_K = 32

# Query points per scheduling chunk (tree order: neighbouring queries share cache lines),
# and per block between two checks for Ctrl-C.
cdef index_t POINTS_PER_CHUNK = 256
cdef index_t POINTS_PER_BLOCK = 1 << 17
# Fewer points than this run on one thread (per call, and per block of queries), and
# passes over fewer points than PARALLEL_MIN_PASS too: when the other core is busy, a
# parallel region can cost a whole time slice of the scheduler.
cdef index_t PARALLEL_MIN_POINTS = 16384
cdef index_t PARALLEL_MIN_PASS = 1 << 18


cdef struct Tree:
    index_t n
    index_t d
    const double* X        # (n, d) points in tree order
    const index_t* perm    # tree position -> observation index
    const index_t* start   # node -> first tree position
    const index_t* end     # node -> one past the last
    const index_t* left    # node -> left child (right = left + 1), -1 for a leaf
    const double* lo       # (n_nodes, d) bounding boxes
    const double* hi
    const index_t* min_obs # node -> smallest observation index inside
    index_t* node_comp     # node -> component of all its points, or -1 if mixed
    const index_t* leaf_of # tree position -> its leaf


cdef struct Best:
    double d               # distance of the lightest edge found so far
    double thr             # largest squared value whose sqrt is <= d (prune if above)
    double thr_lo          # smallest squared value whose sqrt is >= d
    index_t jo             # observation index of its other end (tie-break)
    index_t j              # tree position of its other end, -1 if none


cdef inline double now() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + 1e-9 * ts.tv_nsec


# Phases timed into the optional `timings` array of kdtree_mst (seconds, wall clock).
cdef enum:
    T_BUILD = 0      # copy + tree
    T_KNN = 1        # first round: K nearest neighbours of every point
    T_KEPT = 2       # per round: edges kept from earlier rounds, the to-do list
    T_PREPARE = 3    # per round: node labels, component bounds
    T_QUERY = 4      # per round: the queries
    T_JOIN = 5       # per round: reduction, union, relabel
    T_ROUNDS = 6     # number of Boruvka rounds
    N_TIMINGS = 8


cdef struct Bound:
    double d               # a component's lightest outgoing edge known so far (one thread's view)
    double thr             # sq_upper(d)
    double thr_lo          # sq_lower(d)
    index_t k              # its condensed offset


cdef inline double squared_distance_lowd(const double* u, const double* v, index_t d) noexcept nogil:
    """squared_distance, bit for bit, with the loop written out for d <= 4.

    The sum starts from 0.0 and adds the terms in index order, exactly as the
    loop does (0.0 + t == t for the first term t >= 0), so the value is the same.
    """
    cdef double a, b, c, e
    if d == 3:
        a = u[0] - v[0]
        b = u[1] - v[1]
        c = u[2] - v[2]
        return (a * a + b * b) + c * c
    if d == 2:
        a = u[0] - v[0]
        b = u[1] - v[1]
        return a * a + b * b
    if d == 1:
        a = u[0] - v[0]
        return a * a
    if d == 4:
        a = u[0] - v[0]
        b = u[1] - v[1]
        c = u[2] - v[2]
        e = u[3] - v[3]
        return ((a * a + b * b) + c * c) + e * e
    return squared_distance(u, v, d)


# ---------------------------------------------------------------- squared-value thresholds

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* Neighbours of a finite double s >= 0 (s_up may return inf); exact bit steps. */
    static inline double fc_next_up(double s) {
        uint64_t u; memcpy(&u, &s, 8); u += 1; memcpy(&s, &u, 8); return s;
    }
    static inline double fc_next_down(double s) {   /* s > 0 */
        uint64_t u; memcpy(&u, &s, 8); u -= 1; memcpy(&s, &u, 8); return s;
    }
    """
    double next_up "fc_next_up"(double s) noexcept nogil
    double next_down "fc_next_down"(double s) noexcept nogil


cdef inline double sq_upper(double d) noexcept nogil:
    """Largest s >= 0 with sqrt(s) <= d (d >= 0 finite, or inf)."""
    cdef double s, t
    if d == INFINITY:
        return INFINITY
    s = d * d
    while s > 0.0 and sqrt(s) > d:
        s = next_down(s)
    while True:
        t = next_up(s)
        if sqrt(t) <= d:
            s = t
        else:
            return s


cdef inline double sq_lower(double d) noexcept nogil:
    """Smallest s >= 0 with sqrt(s) >= d (d >= 0 finite, or inf)."""
    cdef double s
    if d == INFINITY:
        return INFINITY
    s = d * d
    while sqrt(s) < d:
        s = next_up(s)
    while s > 0.0 and sqrt(next_down(s)) >= d:
        s = next_down(s)
    return s


cdef inline void best_reset(Best* b) noexcept nogil:
    b.d = INFINITY
    b.thr = INFINITY
    b.thr_lo = INFINITY
    b.jo = -1
    b.j = -1


cdef inline bint edge_less(double d1, index_t k1, double d2, index_t k2) noexcept nogil:
    return d1 < d2 or (d1 == d2 and k1 < k2)


cdef inline index_t pair_offset(index_t n, index_t a, index_t b) noexcept nogil:
    """Condensed offset of observations a != b (either order)."""
    cdef index_t t
    if a > b:
        t = a
        a = b
        b = t
    return a * (2 * n - a - 1) // 2 + (b - a - 1)


# ---------------------------------------------------------------- tree construction

cdef inline void swap_rows(double* X, index_t* perm, index_t d, index_t a, index_t b) noexcept nogil:
    cdef index_t k, ti
    cdef double t
    for k in range(d):
        t = X[a * d + k]
        X[a * d + k] = X[b * d + k]
        X[b * d + k] = t
    ti = perm[a]
    perm[a] = perm[b]
    perm[b] = ti


cdef void select_rows(double* X, index_t* perm, index_t d, index_t s, index_t e, index_t m,
                      index_t dim) noexcept nogil:
    """Reorder rows s..e-1 so that row m holds the value of rank m - s in coordinate dim,
    rows before it are <= and rows after it >= (Hoare/Wirth selection, median-of-3 pivot)."""
    cdef index_t lo = s, hi = e - 1, i, j, mid
    cdef double a, b, c, pivot
    while hi > lo:
        mid = lo + (hi - lo) // 2
        a = X[lo * d + dim]
        b = X[mid * d + dim]
        c = X[hi * d + dim]
        if a < b:
            pivot = b if b < c else (c if a < c else a)
        else:
            pivot = a if a < c else (c if b < c else b)
        i = lo
        j = hi
        while i <= j:
            while X[i * d + dim] < pivot:
                i += 1
            while X[j * d + dim] > pivot:
                j -= 1
            if i <= j:
                swap_rows(X, perm, d, i, j)
                i += 1
                j -= 1
        if m <= j:
            hi = j
        elif m >= i:
            lo = i
        else:
            return


cdef index_t count_nodes(index_t m, index_t leaf_size) noexcept nogil:
    """Number of nodes build_nodes makes for m points (m >= 1, leaf_size >= 1).

    The sizes on one level of the tree are always two consecutive integers.
    """
    cdef index_t s = m, cs = 1, cs1 = 0, total = 0, a, na, na1
    while cs + cs1 > 0:
        total += cs + cs1
        a = s // 2
        na = 0
        na1 = 0
        if s > leaf_size:                  # s -> (s // 2, s - s // 2)
            if s % 2 == 0:
                na += 2 * cs
            else:
                na += cs
                na1 += cs
        if s + 1 > leaf_size and cs1 > 0:  # s + 1 -> ((s + 1) // 2, s + 1 - (s + 1) // 2)
            if s % 2 == 0:
                na += cs1
                na1 += cs1
            else:
                na1 += 2 * cs1
        s = a
        cs = na
        cs1 = na1
    return total


cdef index_t build_nodes(double* X, index_t* perm, index_t d, index_t leaf_size,
                         index_t* start, index_t* end, index_t* left, double* lo, double* hi,
                         index_t* min_obs, index_t root, index_t next_free, index_t max_depth,
                         index_t* pending, index_t* pending_depth,
                         index_t* frontier, index_t* n_frontier) noexcept nogil:
    """Build the subtree of `root` (start/end set) in place: rows of X and perm are permuted.

    Children get numbers from next_free on, parents before children (a reverse
    sweep is bottom-up). Nodes at depth max_depth below root are left
    unbuilt and listed in frontier. Returns the next free node number.
    """
    cdef index_t top = 1, node, depth, s, e, i, k, dim, mid, l, mo
    cdef double v, spread, widest
    pending[0] = root
    pending_depth[0] = 0
    while top > 0:
        top -= 1
        node = pending[top]
        depth = pending_depth[top]
        if depth == max_depth:
            frontier[n_frontier[0]] = node
            n_frontier[0] += 1
            continue
        s = start[node]
        e = end[node]
        for k in range(d):
            lo[node * d + k] = X[s * d + k]
            hi[node * d + k] = X[s * d + k]
        mo = perm[s]
        for i in range(s + 1, e):
            if perm[i] < mo:
                mo = perm[i]
            for k in range(d):
                v = X[i * d + k]
                if v < lo[node * d + k]:
                    lo[node * d + k] = v
                elif v > hi[node * d + k]:
                    hi[node * d + k] = v
        min_obs[node] = mo
        if e - s <= leaf_size:
            left[node] = -1
            continue
        dim = 0
        widest = -1.0
        for k in range(d):
            spread = hi[node * d + k] - lo[node * d + k]
            if spread > widest:
                widest = spread
                dim = k
        mid = s + (e - s) // 2
        # all-equal coordinates still get split: the index tie-break then prunes by min_obs
        select_rows(X, perm, d, s, e, mid, dim)
        l = next_free
        next_free += 2
        left[node] = l
        start[l] = s
        end[l] = mid
        start[l + 1] = mid
        end[l + 1] = e
        pending[top] = l + 1
        pending[top + 1] = l
        pending_depth[top] = depth + 1
        pending_depth[top + 1] = depth + 1
        top += 2
    return next_free


cdef index_t build_tree(double* X, index_t* perm, index_t n, index_t d, index_t leaf_size,
                        index_t* start, index_t* end, index_t* left, double* lo, double* hi,
                        index_t* min_obs, index_t* pending, index_t* pending_depth,
                        index_t* frontier, index_t* region, int workers) noexcept nogil:
    """Build the whole tree; the top levels on one thread, the subtrees below in parallel.

    pending and pending_depth hold STACK_SIZE entries per thread; frontier and
    region hold at least 2 ** top_depth + 1 entries. Returns the node count.
    """
    cdef index_t top_depth = 0, n_frontier = 0, next_free, f, unused, tid
    while (1 << top_depth) < 4 * workers and top_depth < 10:
        top_depth += 1
    if workers == 1:
        top_depth = 0
    start[0] = 0
    end[0] = n
    next_free = build_nodes(X, perm, d, leaf_size, start, end, left, lo, hi, min_obs, 0, 1,
                            top_depth, pending, pending_depth, frontier, &n_frontier)
    region[0] = next_free
    for f in range(n_frontier):
        region[f + 1] = region[f] + count_nodes(end[frontier[f]] - start[frontier[f]],
                                                leaf_size) - 1
    for f in prange(n_frontier, schedule='dynamic', num_threads=workers):
        tid = omp_get_thread_num()
        unused = 0
        build_nodes(X, perm, d, leaf_size, start, end, left, lo, hi, min_obs, frontier[f],
                    region[f], -1, pending + tid * STACK_SIZE, pending_depth + tid * STACK_SIZE,
                    NULL, &unused)
    return region[n_frontier]


cdef void label_nodes(Tree* t, index_t n_nodes, const index_t* comp, int workers) noexcept nogil:
    """node_comp[node] = the component of all of node's points, or -1 if they differ."""
    cdef index_t node, i, c, l
    for node in prange(n_nodes, schedule='dynamic', chunksize=4096,
                       num_threads=workers if n_nodes >= PARALLEL_MIN_PASS // 8 else 1):
        if t.left[node] < 0:
            c = comp[t.start[node]]
            for i in range(t.start[node] + 1, t.end[node]):
                if comp[i] != c:
                    c = -1
                    break
            t.node_comp[node] = c
    for node in range(n_nodes - 1, -1, -1):
        l = t.left[node]
        if l >= 0:
            t.node_comp[node] = t.node_comp[l] if t.node_comp[l] == t.node_comp[l + 1] else -1


# ---------------------------------------------------------------- queries

cdef inline double box_bound(const Tree* t, index_t node, const double* xq) noexcept nogil:
    """Lower bound of squared_distance(xq, p) over the points p in node's box.

    Same operations in the same order as squared_distance, on the nearest face;
    rounding is monotone, so the bound is never above the computed value.
    """
    cdef index_t k, d = t.d
    cdef const double* lo = t.lo + node * d
    cdef const double* hi = t.hi + node * d
    cdef double acc = 0.0, below, above, diff
    for k in range(d):
        # at most one term is positive; adding 0.0 is exact (branch-free for the compiler)
        below = lo[k] - xq[k]
        above = xq[k] - hi[k]
        diff = (below if below > 0.0 else 0.0) + (above if above > 0.0 else 0.0)
        acc += diff * diff
    return acc


cdef inline bint own_prunes(const Best* b, double bound, index_t min_obs) noexcept nogil:
    """True when no point of a node with this bound can beat the query's own best."""
    return bound > b.thr or (bound >= b.thr_lo and min_obs > b.jo)


cdef void query(const Tree* t, index_t q, const index_t* comp,
                Bound* cbound,                          # in/out: this thread's, per component
                index_t* stack_node, double* stack_bound,  # scratch, this thread's
                index_t K, double* res_d, index_t* res_j,   # out: slot 0 of q's K slots
                char* res_m, double* res_lb, char* res_exact,  # out, [q]
                char* res_first                               # out, [q]
                ) noexcept nogil:
    """Lightest edge from point q to a point of another component.

    Nodes whose points all give edges heavier than the component's best known
    edge are skipped; then the result may not be q's own lightest edge
    (res_exact = 0), but every such skipped edge is heavier than the
    component's lightest.
    res_lb is a lower bound of the distance of q's lightest edge, valid for
    all later rounds (the candidate set only shrinks).
    """
    cdef index_t d = t.d, cq = comp[q], top, node, l, near, far, j, jo, k, qo = t.perm[q]
    cdef Bound* cb = &cbound[cq]
    cdef const double* xq = t.X + q * d
    cdef double bound, bl, br, bnear, bfar, sq, dj, skipped_lb = INFINITY
    cdef char exact = 1
    cdef Best b
    best_reset(&b)
    b.jo = t.n          # beyond every observation index
    stack_node[0] = 0
    stack_bound[0] = box_bound(t, 0, xq)
    top = 1
    while top > 0:
        top -= 1
        node = stack_node[top]
        bound = stack_bound[top]
        if t.node_comp[node] == cq or own_prunes(&b, bound, t.min_obs[node]):
            continue
        # an edge (q, p) has offset >= pair_offset(qo, p) for the node's smallest p
        if bound > cb.thr or (bound >= cb.thr_lo
                              and pair_offset(t.n, qo, t.min_obs[node]) > cb.k):
            exact = 0
            dj = sqrt(bound)
            if dj < skipped_lb:
                skipped_lb = dj
            continue
        l = t.left[node]
        if l < 0:
            for j in range(t.start[node], t.end[node]):
                if comp[j] == cq:
                    continue
                sq = squared_distance_lowd(xq, t.X + j * d, d)
                if sq <= b.thr:
                    dj = sqrt(sq)
                    jo = t.perm[j]
                    if dj < b.d or jo < b.jo:      # sq <= thr means dj <= b.d
                        b.d = dj
                        b.jo = jo
                        b.j = j
                        b.thr = sq_upper(dj)
                        b.thr_lo = sq_lower(dj)
                        k = pair_offset(t.n, qo, jo)
                        if edge_less(dj, k, cb.d, cb.k):
                            cb.d = dj
                            cb.k = k
                            cb.thr = b.thr
                            cb.thr_lo = b.thr_lo
            continue
        bl = box_bound(t, l, xq)
        br = box_bound(t, l + 1, xq)
        if bl < br or (bl == br and t.min_obs[l] < t.min_obs[l + 1]):
            near, far, bnear, bfar = l, l + 1, bl, br
        else:
            near, far, bnear, bfar = l + 1, l, br, bl
        if not own_prunes(&b, bfar, t.min_obs[far]) and t.node_comp[far] != cq:
            stack_node[top] = far
            stack_bound[top] = bfar
            top += 1
        if not own_prunes(&b, bnear, t.min_obs[near]) and t.node_comp[near] != cq:
            stack_node[top] = near
            stack_bound[top] = bnear
            top += 1
    res_d[q * K] = b.d
    res_j[q * K] = b.j
    res_m[q] = 1 if b.j >= 0 else 0
    res_first[q] = 0
    res_lb[q] = b.d if b.d < skipped_lb else skipped_lb
    res_exact[q] = exact


cdef inline void knn_scan(const Tree* t, index_t q, const double* xq, index_t s, index_t e,
                          index_t K, double* ld, index_t* lj, index_t* ljo, index_t* m,
                          double* thr, index_t* thr_jo) noexcept nogil:
    """Offer the points at tree positions s..e-1 (except q) to q's K-list (squared distances)."""
    cdef index_t d = t.d, j, jo, r
    cdef double sq
    for j in range(s, e):
        sq = squared_distance_lowd(xq, t.X + j * d, d)
        if sq > thr[0] or j == q:
            continue
        jo = t.perm[j]
        if m[0] == K:
            if sq == thr[0] and jo > thr_jo[0]:
                continue
            r = K - 1
        else:
            r = m[0]
            m[0] += 1
        while r > 0 and (sq < ld[r - 1] or (sq == ld[r - 1] and jo < ljo[r - 1])):
            ld[r] = ld[r - 1]
            lj[r] = lj[r - 1]
            ljo[r] = ljo[r - 1]
            r -= 1
        ld[r] = sq
        lj[r] = j
        ljo[r] = jo
        if m[0] == K:
            thr[0] = ld[K - 1]
            thr_jo[0] = ljo[K - 1]


cdef void knn_query(const Tree* t, index_t q, index_t K,
                    index_t* stack_node, double* stack_bound,  # scratch, this thread's
                    double* res_d, index_t* res_j,             # out: q's K slots
                    char* res_m, double* res_lb, char* res_exact  # out, [q]
                    ) noexcept nogil:
    """The lightest edges from point q to the other points, in (distance, index) order.

    Used in the first round, when every point is its own component. The
    search keeps the K smallest (squared distance, index) pairs; after the
    square roots, the entries strictly nearer than the K-th are exactly q's
    lightest edges (a point outside the list has a squared distance >= the
    K-th, so a distance >= the K-th); entries tied with the K-th distance are
    dropped when a larger squared value could have the same root. res_lb
    gets the K-th distance. q's own leaf is scanned first, for a tight bound.
    """
    cdef index_t d = t.d, top, node, l, near, far, j, jo, m = 0, r
    cdef index_t own_leaf = t.leaf_of[q]
    cdef const double* xq = t.X + q * d
    cdef double bound, bl, br, bnear, bfar, dj
    cdef double thr = INFINITY      # squared distance of the K-th entry once full
    cdef index_t thr_jo = t.n       # its index
    cdef double* ld = res_d + q * K
    cdef index_t* lj = res_j + q * K
    cdef index_t ljo[MAX_K]
    knn_scan(t, q, xq, t.start[own_leaf], t.end[own_leaf], K, ld, lj, ljo, &m, &thr, &thr_jo)
    stack_node[0] = 0
    stack_bound[0] = box_bound(t, 0, xq)
    top = 1
    while top > 0:
        top -= 1
        node = stack_node[top]
        bound = stack_bound[top]
        if bound > thr or (bound == thr and t.min_obs[node] > thr_jo) or node == own_leaf:
            continue
        l = t.left[node]
        if l < 0:
            knn_scan(t, q, xq, t.start[node], t.end[node], K, ld, lj, ljo, &m, &thr, &thr_jo)
            continue
        bl = box_bound(t, l, xq)
        br = box_bound(t, l + 1, xq)
        if bl < br or (bl == br and t.min_obs[l] < t.min_obs[l + 1]):
            near, far, bnear, bfar = l, l + 1, bl, br
        else:
            near, far, bnear, bfar = l + 1, l, br, bl
        if bfar < thr or (bfar == thr and t.min_obs[far] < thr_jo):
            stack_node[top] = far
            stack_bound[top] = bfar
            top += 1
        if bnear < thr or (bnear == thr and t.min_obs[near] < thr_jo):
            stack_node[top] = near
            stack_bound[top] = bnear
            top += 1
    knn_finish(q, K, m, thr, ld, lj, ljo, res_m, res_lb, res_exact)


cdef inline void knn_finish(index_t q, index_t K, index_t m, double thr, double* ld, index_t* lj,
                            index_t* ljo, char* res_m, double* res_lb,
                            char* res_exact) noexcept nogil:
    """Turn q's list of m (squared distance, index) pairs into its exact edge list."""
    cdef index_t r, l, j, jo
    cdef double dj
    # squared distances -> distances, then (distance, index) order
    for r in range(m):
        ld[r] = sqrt(ld[r])
        dj = ld[r]
        j = lj[r]
        jo = ljo[r]
        l = r
        while l > 0 and dj == ld[l - 1] and jo < ljo[l - 1]:
            ld[l] = ld[l - 1]
            lj[l] = lj[l - 1]
            ljo[l] = ljo[l - 1]
            l -= 1
        ld[l] = dj
        lj[l] = j
        ljo[l] = jo
    res_lb[q] = ld[m - 1] if m > 0 else INFINITY
    # A point outside the list has a squared distance > thr, or == thr and a larger index:
    # it may tie with the K-th distance only if a larger squared value has the same root.
    if m == K and sqrt(next_up(thr)) == ld[K - 1]:
        while m > 0 and ld[m - 1] == ld[K - 1]:
            m -= 1
    res_m[q] = <char>m
    res_exact[q] = 1


cdef inline double box_box_bound(const Tree* t, index_t a, index_t b) noexcept nogil:
    """Lower bound of box_bound(t, b, x) over the points x in node a's box (monotone rounding)."""
    cdef index_t k, d = t.d
    cdef const double* lo_a = t.lo + a * d
    cdef const double* hi_a = t.hi + a * d
    cdef const double* lo_b = t.lo + b * d
    cdef const double* hi_b = t.hi + b * d
    cdef double acc = 0.0, below, above, diff
    for k in range(d):
        below = lo_b[k] - hi_a[k]
        above = lo_a[k] - hi_b[k]
        diff = (below if below > 0.0 else 0.0) + (above if above > 0.0 else 0.0)
        acc += diff * diff
    return acc


cdef void knn_leaf(const Tree* t, index_t leaf, index_t K,
                   index_t* stack_node, double* stack_bound,   # scratch, this thread's
                   index_t* q_m, double* q_thr, index_t* q_thr_jo, index_t* q_ljo,  # scratch
                   double* res_d, index_t* res_j, char* res_m, double* res_lb,
                   char* res_exact) noexcept nogil:
    """knn_query for every point of a leaf, with one shared traversal of the tree.

    Nodes are pruned for the whole leaf by the box-to-box bound against the
    largest of the points' K-th squared distances, then per point at the leaves.
    """
    cdef index_t d = t.d, s = t.start[leaf], e = t.end[leaf], nq = e - s, a, q, top, node
    cdef index_t l, near, far
    cdef double bound, bl, br, bnear, bfar, thr_leaf, b
    cdef index_t jo_leaf      # largest index of the points' K-th entries (ties at thr_leaf)
    for a in range(nq):
        q_m[a] = 0
        q_thr[a] = INFINITY
        q_thr_jo[a] = t.n
    for a in range(nq):
        q = s + a
        knn_scan(t, q, t.X + q * d, s, e, K, res_d + q * K, res_j + q * K, q_ljo + a * K,
                 &q_m[a], &q_thr[a], &q_thr_jo[a])
    thr_leaf = 0.0
    jo_leaf = 0
    for a in range(nq):
        if q_thr[a] > thr_leaf:
            thr_leaf = q_thr[a]
        if q_thr_jo[a] > jo_leaf:
            jo_leaf = q_thr_jo[a]
    stack_node[0] = 0
    stack_bound[0] = 0.0
    top = 1
    while top > 0:
        top -= 1
        node = stack_node[top]
        bound = stack_bound[top]
        # every point's bound is >= this one: no point can use the node if it is worse for
        # the worst of them (at equal distance: all its indices above every K-th index)
        if bound > thr_leaf or (bound == thr_leaf and t.min_obs[node] > jo_leaf) or node == leaf:
            continue
        l = t.left[node]
        if l < 0:
            for a in range(nq):
                q = s + a
                b = box_bound(t, node, t.X + q * d)
                if b > q_thr[a] or (b == q_thr[a] and t.min_obs[node] > q_thr_jo[a]):
                    continue
                knn_scan(t, q, t.X + q * d, t.start[node], t.end[node], K, res_d + q * K,
                         res_j + q * K, q_ljo + a * K, &q_m[a], &q_thr[a], &q_thr_jo[a])
            thr_leaf = 0.0
            jo_leaf = 0
            for a in range(nq):
                if q_thr[a] > thr_leaf:
                    thr_leaf = q_thr[a]
                if q_thr_jo[a] > jo_leaf:
                    jo_leaf = q_thr_jo[a]
            continue
        bl = box_box_bound(t, leaf, l)
        br = box_box_bound(t, leaf, l + 1)
        if bl < br or (bl == br and t.min_obs[l] < t.min_obs[l + 1]):
            near, far, bnear, bfar = l, l + 1, bl, br
        else:
            near, far, bnear, bfar = l + 1, l, br, bl
        if bfar < thr_leaf or (bfar == thr_leaf and t.min_obs[far] <= jo_leaf):
            stack_node[top] = far
            stack_bound[top] = bfar
            top += 1
        if bnear < thr_leaf or (bnear == thr_leaf and t.min_obs[near] <= jo_leaf):
            stack_node[top] = near
            stack_bound[top] = bnear
            top += 1
    for a in range(nq):
        q = s + a
        knn_finish(q, K, q_m[a], q_thr[a], res_d + q * K, res_j + q * K, q_ljo + a * K,
                   res_m, res_lb, res_exact)


cdef void query_chunk(const Tree* t, const index_t* todo, index_t lo, index_t hi,
                      const index_t* comp, Bound* cbound,
                      index_t* stack_node, double* stack_bound, index_t K,
                      double* res_d, index_t* res_j, char* res_m, double* res_lb,
                      char* res_exact, char* res_first) noexcept nogil:
    cdef index_t s, q
    for s in range(lo, hi):
        q = todo[s]
        # every edge of q weighs at least res_lb[q]: skip it if that cannot win
        if res_lb[q] > cbound[comp[q]].d:
            continue
        query(t, q, comp, cbound, stack_node, stack_bound,
              K, res_d, res_j, res_m, res_lb, res_exact, res_first)


cdef inline index_t first_alien(index_t i, index_t K, const index_t* res_j, const char* res_m,
                                const char* res_first, const index_t* comp) noexcept nogil:
    """Slot of the first listed neighbour of i outside i's component, or -1.

    Slots before res_first[i] are known to be inside it (components only grow).
    """
    cdef index_t r
    for r in range(res_first[i], res_m[i]):
        if comp[res_j[i * K + r]] != comp[i]:
            return r
    return -1


# ---------------------------------------------------------------- Boruvka rounds

cdef inline void offer(index_t n, const Tree* t, index_t i, index_t j, double dij, index_t ci,
                       double* cbest_d, index_t* cbest_k, index_t* cbest_u,
                       index_t* cbest_v) noexcept nogil:
    """Make edge (i, j) of length dij component ci's best if it is lighter."""
    cdef index_t k = pair_offset(n, t.perm[i], t.perm[j])
    if cbest_u[ci] < 0 or edge_less(dij, k, cbest_d[ci], cbest_k[ci]):
        cbest_d[ci] = dij
        cbest_k[ci] = k
        cbest_u[ci] = i
        cbest_v[ci] = j


cdef int boruvka(Tree* t, index_t n_nodes, index_t* comp, index_t* todo, char* slot,
                 char* res_first,
                 double* cand_d, index_t* cand_k, index_t K,
                 double* res_d, index_t* res_j, char* res_m, double* res_lb, char* res_exact,
                 Bound* cbound, double* cbest_d, index_t* cbest_k,
                 index_t* cbest_u, index_t* cbest_v, index_t* cparent, index_t* clabel,
                 index_t* stack_node, double* stack_bound,
                 double* edge_d, index_t* edge_i, index_t* edge_j,
                 index_t* edge_pi, index_t* edge_pj, int workers,
                 double* timings, bint per_leaf,
                 const index_t* leaves, index_t n_leaves, index_t leaf_size,
                 index_t* q_m, double* q_thr, index_t* q_thr_jo, index_t* q_ljo,
                 long long* progress) noexcept nogil:
    """All Boruvka rounds; writes the n - 1 tree edges (unsorted). Returns a status code.

    progress (or NULL): [stage, done, total] for a display; done counts the
    points joined to another component so far (total: n - 1).

    Per point i, slots res_*[i * K: i * K + res_m[i]] list edges (i, j) in
    (distance, index) order: after the first round the K nearest neighbours,
    later the lightest edge found by the last query. With res_exact[i], the
    list is exactly the lightest edges to the points outside i's component at
    query time, so its first entry still outside the component is i's
    lightest edge now.
    """
    cdef index_t n = t.n, c = n, i, j, ci, ru, rv, r, n_todo, n_edges = 0, lo, hi
    cdef index_t chunk, n_chunks, c_new
    cdef int tid
    cdef double t0 = now(), t1
    for i in range(n):
        comp[i] = i
    # First round: K nearest neighbours of every point, exact.
    lo = 0
    while per_leaf and lo < n_leaves:
        hi = min(n_leaves, lo + POINTS_PER_BLOCK // 16)
        n_chunks = (hi - lo + 15) // 16
        for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
            tid = omp_get_thread_num()
            for i in range(lo + chunk * 16, min(hi, lo + chunk * 16 + 16)):
                knn_leaf(t, leaves[i], K, stack_node + tid * STACK_SIZE,
                         stack_bound + tid * STACK_SIZE, q_m + tid * leaf_size,
                         q_thr + tid * leaf_size, q_thr_jo + tid * leaf_size,
                         q_ljo + tid * leaf_size * K, res_d, res_j, res_m, res_lb, res_exact)
        lo = hi
        if signals_pending():
            return STATUS_INTERRUPTED
    lo = 0
    while not per_leaf and lo < n:
        hi = min(n, lo + POINTS_PER_BLOCK)
        n_chunks = (hi - lo + POINTS_PER_CHUNK - 1) // POINTS_PER_CHUNK
        for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
            tid = omp_get_thread_num()
            knn_chunk(t, lo + chunk * POINTS_PER_CHUNK, min(hi, lo + (chunk + 1) * POINTS_PER_CHUNK),
                      K, stack_node + tid * STACK_SIZE, stack_bound + tid * STACK_SIZE,
                      res_d, res_j, res_m, res_lb, res_exact)
        lo = hi
        if signals_pending():
            return STATUS_INTERRUPTED
    t1 = now()
    timings[T_KNN] += t1 - t0
    while c > 1:
        t0 = t1
        timings[T_ROUNDS] += 1
        for ci in range(c):
            cbest_u[ci] = -1
        # Edges kept from earlier rounds; the points without a final answer go to `todo`.
        for i in prange(n, schedule='dynamic', chunksize=8192,
                        num_threads=workers if n >= PARALLEL_MIN_PASS else 1):
            r = first_alien(i, K, res_j, res_m, res_first, comp)
            res_first[i] = <char>(r if r >= 0 else res_m[i])
            slot[i] = <char>r
            if r >= 0:
                cand_d[i] = res_d[i * K + r]
                cand_k[i] = pair_offset(n, t.perm[i], t.perm[res_j[i * K + r]])
        n_todo = 0
        for i in range(n):
            r = slot[i]
            if r >= 0:
                ci = comp[i]
                if cbest_u[ci] < 0 or edge_less(cand_d[i], cand_k[i], cbest_d[ci], cbest_k[ci]):
                    cbest_d[ci] = cand_d[i]
                    cbest_k[ci] = cand_k[i]
                    cbest_u[ci] = i
                    cbest_v[ci] = res_j[i * K + r]
                if res_exact[i]:
                    continue
            todo[n_todo] = i
            n_todo += 1
        t1 = now()
        timings[T_KEPT] += t1 - t0
        t0 = t1
        if n_todo > 0:
            label_nodes(t, n_nodes, comp, workers)
            for ci in range(c):
                if cbest_u[ci] >= 0:
                    cbound[ci].d = cbest_d[ci]
                    cbound[ci].k = cbest_k[ci]
                else:
                    cbound[ci].d = INFINITY
                    cbound[ci].k = -1
                cbound[ci].thr = sq_upper(cbound[ci].d)
                cbound[ci].thr_lo = sq_lower(cbound[ci].d)
            for tid in range(1, workers):     # each thread refines its own copy: no races
                memcpy(cbound + tid * n, cbound, c * sizeof(Bound))
        t1 = now()
        timings[T_PREPARE] += t1 - t0
        t0 = t1
        # Queries, in blocks between checks for Ctrl-C.
        lo = 0
        while lo < n_todo:
            hi = min(n_todo, lo + POINTS_PER_BLOCK)
            n_chunks = (hi - lo + POINTS_PER_CHUNK - 1) // POINTS_PER_CHUNK
            # a parallel region costs a time slice when the other core is busy: share
            # only blocks with enough work
            for chunk in prange(n_chunks, schedule='dynamic',
                                num_threads=workers if hi - lo >= PARALLEL_MIN_POINTS else 1):
                tid = omp_get_thread_num()
                query_chunk(t, todo, lo + chunk * POINTS_PER_CHUNK,
                            min(hi, lo + (chunk + 1) * POINTS_PER_CHUNK), comp, cbound + tid * n,
                            stack_node + tid * STACK_SIZE, stack_bound + tid * STACK_SIZE,
                            K, res_d, res_j, res_m, res_lb, res_exact, res_first)
            lo = hi
            if signals_pending():
                return STATUS_INTERRUPTED
        t1 = now()
        timings[T_QUERY] += t1 - t0
        t0 = t1
        for lo in range(n_todo):
            i = todo[lo]
            r = first_alien(i, K, res_j, res_m, res_first, comp)
            if r >= 0:
                offer(n, t, i, res_j[i * K + r], res_d[i * K + r], comp[i],
                      cbest_d, cbest_k, cbest_u, cbest_v)
        # Join along the chosen edges (an edge chosen by both ends is added once).
        for ci in range(c):
            cparent[ci] = ci
        for ci in range(c):
            if cbest_u[ci] < 0:
                return STATUS_BUG
            ru = find_root(cparent, ci)
            rv = find_root(cparent, comp[cbest_v[ci]])
            if ru != rv:
                cparent[ru] = rv
                i = t.perm[cbest_u[ci]]
                j = t.perm[cbest_v[ci]]
                edge_d[n_edges] = cbest_d[ci]
                edge_i[n_edges] = min(i, j)
                edge_j[n_edges] = max(i, j)
                edge_pi[n_edges] = cbest_u[ci]
                edge_pj[n_edges] = cbest_v[ci]
                n_edges += 1
        c_new = 0
        for ci in range(c):
            clabel[ci] = -1
        for ci in range(c):
            ru = find_root(cparent, ci)
            if clabel[ru] < 0:
                clabel[ru] = c_new
                c_new += 1
            cbest_k[ci] = clabel[ru]        # scratch now: old label -> new label
        for i in prange(n, schedule='dynamic', chunksize=8192,
                        num_threads=workers if n >= PARALLEL_MIN_PASS else 1):
            comp[i] = cbest_k[comp[i]]
        if c_new >= c:
            return STATUS_BUG
        c = c_new
        if progress != NULL:
            progress[1] = n - c
        t1 = now()
        timings[T_JOIN] += t1 - t0
    return STATUS_OK if n_edges == n - 1 else STATUS_BUG


cdef void knn_chunk(const Tree* t, index_t lo, index_t hi, index_t K,
                    index_t* stack_node, double* stack_bound,
                    double* res_d, index_t* res_j, char* res_m, double* res_lb,
                    char* res_exact) noexcept nogil:
    cdef index_t q
    for q in range(lo, hi):
        knn_query(t, q, K, stack_node, stack_bound, res_d, res_j, res_m, res_lb, res_exact)


def node_count(index_t n, index_t leaf_size):
    """Number of nodes of the tree of n points (n >= 1, leaf_size >= 1)."""
    return count_nodes(n, leaf_size)


def kdtree_mst(const double[:, ::1] X,     # in: (n, d) finite observations
               index_t leaf_size,          # in: >= 1
               double[::1] edge_d,         # out, length n - 1
               index_t[::1] edge_i,        # out, length n - 1
               index_t[::1] edge_j,        # out, length n - 1
               int workers=1,              # in: >= 1
               index_t K=6,                # in: neighbours per point in the first round
               double[::1] timings=None,   # out: seconds per phase (T_* order), if given
               int knn_mode=0,             # in: first round per 1: point, 2: leaf, 0: by d
               index_t[::1] edge_pi=None,  # out, length n - 1, if given: edge_i's tree position
               index_t[::1] edge_pj=None,  # out, length n - 1, if given
               index_t[::1] perm_out=None,  # out, length n, if given: position -> observation
               long long[::1] progress=None):  # out: [stage, done, total], see _progress.py
    """Euclidean minimum spanning tree of the rows of X.

    Preconditions: n >= 2, d >= 1, X finite and C-contiguous, workers >= 1.
    Writes the n - 1 tree edges (unsorted) with edge_i < edge_j and
    edge_d[e] == pdist(X)[offset of (edge_i[e], edge_j[e])] bit for bit.
    The tree is the unique minimum under the order (distance, offset).
    Optionally also the ends' positions in tree order and the permutation,
    for tree_linkage. Returns a status code.
    """
    cdef index_t n = X.shape[0], d = X.shape[1], n_nodes
    cdef int status
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n - 1
    cdef index_t max_nodes = node_count(n, leaf_size)
    K = max(1, min(K, MAX_K, n - 1))
    if n < PARALLEL_MIN_POINTS:
        workers = 1
    cdef double[:, ::1] Xp = np.array(X, dtype=np.float64, order="C", copy=True)
    cdef index_t[::1] perm = np.arange(n, dtype=np.intp)
    cdef index_t[::1] start = np.empty(max_nodes, dtype=np.intp)
    cdef index_t[::1] end = np.empty(max_nodes, dtype=np.intp)
    cdef index_t[::1] left = np.empty(max_nodes, dtype=np.intp)
    cdef index_t[::1] min_obs = np.empty(max_nodes, dtype=np.intp)
    cdef index_t[::1] node_comp = np.empty(max_nodes, dtype=np.intp)
    cdef index_t[::1] leaf_of = np.empty(n, dtype=np.intp)
    cdef index_t node, i
    cdef index_t[::1] pending = np.empty(workers * STACK_SIZE, dtype=np.intp)
    cdef index_t[::1] pending_depth = np.empty(workers * STACK_SIZE, dtype=np.intp)
    cdef index_t[::1] frontier = np.empty(2048, dtype=np.intp)
    cdef index_t[::1] region = np.empty(2049, dtype=np.intp)
    cdef double[::1] lo = np.empty(max_nodes * d)
    cdef double[::1] hi = np.empty(max_nodes * d)
    cdef index_t[::1] comp = np.empty(n, dtype=np.intp)
    cdef index_t[::1] todo = np.empty(n, dtype=np.intp)
    cdef char[::1] slot = np.empty(n, dtype=np.int8)
    cdef char[::1] res_first = np.zeros(n, dtype=np.int8)
    cdef double[::1] cand_d = np.empty(n)
    cdef index_t[::1] cand_k = np.empty(n, dtype=np.intp)
    cdef double[::1] res_d = np.empty(n * K)
    cdef index_t[::1] res_j = np.empty(n * K, dtype=np.intp)
    cdef char[::1] res_m = np.empty(n, dtype=np.int8)
    cdef double[::1] res_lb = np.empty(n)
    cdef char[::1] res_exact = np.empty(n, dtype=np.int8)
    cdef Bound[::1] cbound = np.empty(workers * n, dtype=np.dtype(
        [("d", np.float64), ("thr", np.float64), ("thr_lo", np.float64), ("k", np.intp)]))
    cdef double[::1] cbest_d = np.empty(n)
    cdef index_t[::1] cbest_k = np.empty(n, dtype=np.intp)
    cdef index_t[::1] cbest_u = np.empty(n, dtype=np.intp)
    cdef index_t[::1] cbest_v = np.empty(n, dtype=np.intp)
    cdef index_t[::1] cparent = np.empty(n, dtype=np.intp)
    cdef index_t[::1] clabel = np.empty(n, dtype=np.intp)
    cdef index_t[::1] stack_node = np.empty(workers * STACK_SIZE, dtype=np.intp)
    cdef double[::1] stack_bound = np.empty(workers * STACK_SIZE)
    cdef Tree t
    if edge_pi is None:
        edge_pi = np.empty(n - 1, dtype=np.intp)
    if edge_pj is None:
        edge_pj = np.empty(n - 1, dtype=np.intp)
    # measured: the shared traversal per leaf pays off in low d, one query per point above
    cdef bint per_leaf = knn_mode == 2 or (knn_mode == 0 and d <= 4)
    cdef double[::1] clock = np.zeros(N_TIMINGS)
    cdef double t0 = now()
    with nogil:
        n_nodes = build_tree(&Xp[0, 0], &perm[0], n, d, leaf_size, &start[0], &end[0], &left[0],
                             &lo[0], &hi[0], &min_obs[0], &pending[0], &pending_depth[0],
                             &frontier[0], &region[0], workers)
    if n_nodes != max_nodes:
        return STATUS_BUG
    t.n = n
    t.d = d
    t.X = &Xp[0, 0]
    t.perm = &perm[0]
    t.start = &start[0]
    t.end = &end[0]
    t.left = &left[0]
    t.lo = &lo[0]
    t.hi = &hi[0]
    t.min_obs = &min_obs[0]
    t.node_comp = &node_comp[0]
    t.leaf_of = &leaf_of[0]
    cdef index_t[::1] leaves = np.empty(n, dtype=np.intp)
    cdef index_t n_leaves = 0
    leaf_size = min(leaf_size, n)
    cdef index_t[::1] q_m = np.empty(workers * leaf_size, dtype=np.intp)
    cdef double[::1] q_thr = np.empty(workers * leaf_size)
    cdef index_t[::1] q_thr_jo = np.empty(workers * leaf_size, dtype=np.intp)
    cdef index_t[::1] q_ljo = np.empty(workers * leaf_size * K, dtype=np.intp)
    with nogil:
        for node in range(n_nodes):
            if left[node] < 0:
                for i in range(start[node], end[node]):
                    leaf_of[i] = node
        i = 0
        while i < n:                      # leaves in tree order
            leaves[n_leaves] = leaf_of[i]
            n_leaves += 1
            i = end[leaf_of[i]]
    clock[T_BUILD] = now() - t0
    with nogil:
        status = boruvka(&t, n_nodes, &comp[0], &todo[0], &slot[0], &res_first[0], &cand_d[0], &cand_k[0], K, &res_d[0], &res_j[0], &res_m[0],
                         &res_lb[0],
                         &res_exact[0], &cbound[0], &cbest_d[0], &cbest_k[0],
                         &cbest_u[0], &cbest_v[0], &cparent[0], &clabel[0],
                         &stack_node[0], &stack_bound[0], &edge_d[0], &edge_i[0], &edge_j[0],
                         &edge_pi[0], &edge_pj[0],
                         workers, &clock[0], per_leaf, &leaves[0], n_leaves, leaf_size,
                         &q_m[0], &q_thr[0], &q_thr_jo[0], &q_ljo[0], counters)
    if timings is not None:
        timings[:N_TIMINGS] = clock
    if perm_out is not None:
        perm_out[:] = perm
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status


def tree_linkage(const index_t[::1] pa,      # in: one end of each edge, as a tree position
                 const index_t[::1] pb,      # in: the other end
                 const double[::1] height,   # in
                 const index_t[::1] order,   # in: the order in which to apply the edges
                 const index_t[::1] perm,    # in: tree position -> observation
                 double[:, ::1] Z):          # out: (n - 1, 4)
    """SciPy's linkage matrix from spanning-tree edges given by tree positions.

    Same output as _relabel.label_merges on the observation indices (cluster
    ids: observations 0..n-1, merge s creates n + s, smaller id first), but
    the union-find runs over tree positions, where the ends of an edge are
    close in memory. Preconditions: len(perm) == n, len(order) == n - 1, the
    edges form a spanning tree.
    """
    cdef index_t n = perm.shape[0], s, m, ru, rv, x, y, tmp
    cdef index_t[::1] parent_arr = np.arange(n, dtype=np.intp)
    cdef index_t[::1] cid = np.array(perm, dtype=np.intp)    # cluster id of each root
    cdef index_t[::1] size = np.ones(n, dtype=np.intp)
    cdef index_t* parent = &parent_arr[0]
    with nogil:
        for s in range(n - 1):
            m = order[s]
            ru = find_root(parent, pa[m])
            rv = find_root(parent, pb[m])
            x = cid[ru]
            y = cid[rv]
            if size[ru] < size[rv]:
                tmp = ru
                ru = rv
                rv = tmp
            parent[rv] = ru
            size[ru] += size[rv]
            cid[ru] = n + s
            Z[s, 0] = <double>min(x, y)
            Z[s, 1] = <double>max(x, y)
            Z[s, 2] = height[m]
            Z[s, 3] = <double>size[ru]
