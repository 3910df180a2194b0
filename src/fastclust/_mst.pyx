"""Single linkage: the minimum spanning tree of a condensed matrix, by Boruvka rounds.

Each round is one sequential pass over the condensed array (read only). Every
component finds its lightest outgoing edge; union-find joins them. Once few
components are left, one more pass contracts the matrix to a small c x c matrix
of inter-component minima, and a dense Prim finishes the tree.

Small matrices skip both: Prim runs on the condensed array itself, on one
thread, with O(n) scratch (a c x c matrix and thread start-up would cost more
than the whole tree).

The matrix may be float64 or float32 (fused type `floating`): float32 entries
are widened to double exactly where they are read, so a float32 matrix gives
the tree of the same numbers as its float64 conversion, without making one.

Edges are totally ordered by (distance, condensed offset); the offset of (i, j),
i < j, grows with (i, j) lexicographically. Under a total order the minimum
spanning tree is unique, so the tree (and Z) does not depend on the number of
threads or on the order in which rows are scanned.
"""
import numpy as np

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.string cimport memmove

from ._common cimport (find_root, reraise_pending, index_t, report_and_poll, row_base,
                       signals_pending, STATUS_BUG, STATUS_OK, STATUS_INTERRUPTED,
                       SIGNAL_CHECK_WORK)
from ._openmp cimport omp_get_thread_num

# Rows handed to a thread at a time; rows have different lengths, so hand out many.
cdef index_t ROWS_PER_CHUNK = 16

# Up to this n, Prim on the condensed array (one thread, the matrix still in
# cache) beat Boruvka with contraction on one or two threads when measured;
# by n = 1500 Prim's column reads miss the cache and it was 2-3x slower.
cdef index_t PRIM_UP_TO = 1024


cdef inline bint edge_less(double d1, index_t k1, double d2, index_t k2) noexcept nogil:
    return d1 < d2 or (d1 == d2 and k1 < k2)


cdef index_t next_block_end(index_t n, index_t lo) noexcept nogil:
    """End of a block of rows starting at `lo` with about SIGNAL_CHECK_WORK entries."""
    cdef index_t work = 0, hi = lo
    while hi < n - 1 and work < SIGNAL_CHECK_WORK:
        work += n - 1 - hi
        hi += 1
    return hi


cdef extern from "_scan_kernels.h":
    void fc_boruvka_row_f64(const double* drow, const index_t* comp, index_t ci, index_t j0,
                            index_t n, index_t koff, double* col_d, index_t* col_k,
                            double* best_d, index_t* best_k) noexcept nogil
    void fc_boruvka_row_f32(const float* drow, const index_t* comp, index_t ci, index_t j0,
                            index_t n, index_t koff, double* col_d, index_t* col_k,
                            double* best_d, index_t* best_k) noexcept nogil
    void fc_contract_row_f64(const double* drow, const index_t* comp, index_t j0, index_t n,
                             index_t koff, double* cd_row, index_t* ck_row) noexcept nogil
    void fc_contract_row_f32(const float* drow, const index_t* comp, index_t j0, index_t n,
                             index_t koff, double* cd_row, index_t* ck_row) noexcept nogil


cdef void scan_rows_boruvka(const floating* D, index_t n, index_t lo, index_t hi,
                            const index_t* comp,            # in
                            double* col_d, index_t* col_k,  # in/out, this thread's
                            double* row_d, index_t* row_k   # out
                            ) noexcept nogil:
    """Lightest edge (i, j > i) leaving comp[i] for rows lo..hi-1; column minima too."""
    cdef index_t i, base
    for i in range(lo, hi):
        base = row_base(n, i)
        if floating is double:
            fc_boruvka_row_f64(D + base, comp, comp[i], i + 1, n, base, col_d, col_k,
                               &row_d[i], &row_k[i])
        else:
            fc_boruvka_row_f32(D + base, comp, comp[i], i + 1, n, base, col_d, col_k,
                               &row_d[i], &row_k[i])


cdef void scan_rows_contract(const floating* D, index_t n, index_t lo, index_t hi,
                             const index_t* comp, index_t c,
                             double* Cd, index_t* Ck      # in/out, this thread's c x c
                             ) noexcept nogil:
    """Scatter-min of rows lo..hi-1 into row comp[i] of the contracted matrix."""
    cdef index_t i, base
    for i in range(lo, hi):
        base = row_base(n, i)
        if floating is double:
            fc_contract_row_f64(D + base, comp, i + 1, n, base, Cd + comp[i] * c,
                                Ck + comp[i] * c)
        else:
            fc_contract_row_f32(D + base, comp, i + 1, n, base, Cd + comp[i] * c,
                                Ck + comp[i] * c)


cdef int boruvka_round(const floating* D, index_t n, index_t* comp, index_t c,
                       index_t* parent, double* col_d, index_t* col_k,
                       double* row_d, index_t* row_k, double* best_d, index_t* best_k,
                       double* edge_d, index_t* edge_k, index_t* n_edges,
                       int workers) noexcept nogil:
    """One Boruvka round; returns the new number of components, or -1 on Ctrl-C."""
    cdef index_t i, t, u, v, ru, rv, lo, hi, chunk, n_chunks
    cdef int tid
    cdef double d
    cdef index_t k
    for i in range(workers * n):
        col_d[i] = INFINITY
        col_k[i] = -1
    lo = 0
    while lo < n - 1:
        hi = next_block_end(n, lo)
        n_chunks = (hi - lo + ROWS_PER_CHUNK - 1) // ROWS_PER_CHUNK
        for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
            tid = omp_get_thread_num()
            scan_rows_boruvka(D, n, lo + chunk * ROWS_PER_CHUNK,
                              min(hi, lo + (chunk + 1) * ROWS_PER_CHUNK), comp,
                              col_d + tid * n, col_k + tid * n, row_d, row_k)
        lo = hi
        if signals_pending():
            return -1
    row_d[n - 1] = INFINITY
    row_k[n - 1] = -1
    # Lightest edge per component: min over its nodes of row and column minima.
    for i in range(c):
        best_d[i] = INFINITY
        best_k[i] = -1
    for i in range(n):
        d = row_d[i]
        k = row_k[i]
        for t in range(workers):
            if edge_less(col_d[t * n + i], col_k[t * n + i], d, k):
                d = col_d[t * n + i]
                k = col_k[t * n + i]
        if edge_less(d, k, best_d[comp[i]], best_k[comp[i]]):
            best_d[comp[i]] = d
            best_k[comp[i]] = k
    # Join along the chosen edges; one edge may be chosen by both its ends.
    for i in range(c):
        k = best_k[i]
        decode_offset(n, k, &u, &v)          # the edge's two observations
        ru = find_root(parent, u)
        rv = find_root(parent, v)
        if ru != rv:
            parent[ru] = rv
            edge_d[n_edges[0]] = best_d[i]
            edge_k[n_edges[0]] = k
            n_edges[0] += 1
    return relabel(n, parent, comp, best_k)


cdef index_t relabel(index_t n, index_t* parent, index_t* comp, index_t* label_of_root) noexcept nogil:
    """comp[i] = dense label of i's component; returns the number of components."""
    cdef index_t i, r, c = 0
    for i in range(n):
        label_of_root[i] = -1
    for i in range(n):
        r = find_root(parent, i)
        if label_of_root[r] < 0:
            label_of_root[r] = c
            c += 1
        comp[i] = label_of_root[r]
    return c


cdef inline void decode_offset(index_t n, index_t k, index_t* i, index_t* j) noexcept nogil:
    """Inverse of the condensed offset: the pair (i, j), i < j, stored at offset k."""
    cdef index_t row = 0, lo = 0, hi = n - 1, mid
    # largest row with row_start(row) <= k, by bisection (exact integers, no sqrt)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid * (2 * n - mid - 1) // 2 <= k:
            lo = mid
        else:
            hi = mid - 1
    row = lo
    i[0] = row
    j[0] = k - row_base(n, row)


cdef int contract_and_prim(const floating* D, index_t n, const index_t* comp, index_t c,
                           double* Cd, index_t* Ck, double* key_d, index_t* key_k,
                           double* edge_d, index_t* edge_k, index_t* n_edges,
                           int workers) noexcept nogil:
    """Finish the tree: c x c inter-component minima in one pass, then dense Prim."""
    cdef index_t i, a, b, lo, hi, chunk, n_chunks, t, cc = c * c
    cdef int tid
    for i in range(workers * cc):
        Cd[i] = INFINITY
        Ck[i] = -1
    lo = 0
    while lo < n - 1:
        hi = next_block_end(n, lo)
        n_chunks = (hi - lo + ROWS_PER_CHUNK - 1) // ROWS_PER_CHUNK
        for chunk in prange(n_chunks, schedule='dynamic', num_threads=workers):
            tid = omp_get_thread_num()
            scan_rows_contract(D, n, lo + chunk * ROWS_PER_CHUNK,
                               min(hi, lo + (chunk + 1) * ROWS_PER_CHUNK),
                               comp, c, Cd + tid * cc, Ck + tid * cc)
        lo = hi
        if signals_pending():
            return STATUS_INTERRUPTED
    # Fold the threads' copies into the first, then symmetrise (lexicographic min).
    for t in range(1, workers):
        for i in range(cc):
            if edge_less(Cd[t * cc + i], Ck[t * cc + i], Cd[i], Ck[i]):
                Cd[i] = Cd[t * cc + i]
                Ck[i] = Ck[t * cc + i]
    for a in range(c):
        for b in range(a + 1, c):
            if edge_less(Cd[b * c + a], Ck[b * c + a], Cd[a * c + b], Ck[a * c + b]):
                Cd[a * c + b] = Cd[b * c + a]
                Ck[a * c + b] = Ck[b * c + a]
    prim_dense(Cd, Ck, c, key_d, key_k, edge_d, edge_k, n_edges)
    return STATUS_OK


cdef void prim_dense(const double* Cd, const index_t* Ck, index_t c,
                     double* key_d, index_t* key_k,        # scratch, length c
                     double* edge_d, index_t* edge_k, index_t* n_edges) noexcept nogil:
    """Prim's algorithm on the upper triangle of a dense c x c matrix, (d, offset) keys."""
    cdef index_t step, v, u, best_v
    cdef double bd
    cdef index_t bk
    for v in range(c):
        key_d[v] = INFINITY
        key_k[v] = -1
    key_k[0] = -2                      # -2 marks a vertex already in the tree
    u = 0
    for step in range(c - 1):
        best_v = -1
        bd = INFINITY
        bk = -1
        for v in range(c):
            if key_k[v] == -2:
                continue
            if u < v:
                if edge_less(Cd[u * c + v], Ck[u * c + v], key_d[v], key_k[v]):
                    key_d[v] = Cd[u * c + v]
                    key_k[v] = Ck[u * c + v]
            elif edge_less(Cd[v * c + u], Ck[v * c + u], key_d[v], key_k[v]):
                key_d[v] = Cd[v * c + u]
                key_k[v] = Ck[v * c + u]
            if best_v < 0 or edge_less(key_d[v], key_k[v], bd, bk):
                best_v = v
                bd = key_d[v]
                bk = key_k[v]
        edge_d[n_edges[0]] = bd
        edge_k[n_edges[0]] = bk
        n_edges[0] += 1
        key_k[best_v] = -2
        u = best_v


ctypedef struct prim_key:
    double d            # the lightest edge from the tree to vertex v so far
    index_t k           # its offset (ties)
    index_t v           # the vertex


PRIM_KEY = np.dtype([("d", np.float64), ("k", np.intp), ("v", np.intp)])


cdef int prim_condensed(const floating* D, index_t n,
                        prim_key* rest,                          # scratch, length n
                        double* edge_d, index_t* edge_k,         # out, length n - 1
                        long long* counters) noexcept nogil:     # out, or NULL
    """Prim's algorithm on the condensed matrix itself, with (distance, offset) keys.

    Under that total order the spanning tree is unique, so it is the tree the
    Boruvka rounds find. rest[0:m] holds the vertices not yet in the tree, in
    increasing order: those below the last vertex taken, u, are reached
    through their own rows (offset row_base(v) + u), the others through u's row.
    """
    cdef index_t m = n - 1, t, u = 0, below_u = 0, base_u, k, bt, step, work = 0
    cdef double d, bd
    cdef index_t bk
    for t in range(m):
        rest[t].d = INFINITY
        rest[t].k = -1
        rest[t].v = t + 1
    for step in range(n - 1):
        base_u = row_base(n, u)
        bd = INFINITY
        bk = -1
        bt = 0
        for t in range(m):
            if t < below_u:
                k = row_base(n, rest[t].v) + u
            else:
                k = base_u + rest[t].v
            d = D[k]
            if edge_less(d, k, rest[t].d, rest[t].k):
                rest[t].d = d
                rest[t].k = k
            if edge_less(rest[t].d, rest[t].k, bd, bk):
                bd = rest[t].d
                bk = rest[t].k
                bt = t
        edge_d[step] = bd
        edge_k[step] = bk
        u = rest[bt].v
        below_u = bt                  # rest stays sorted: the first bt vertices are below u
        m -= 1
        memmove(rest + bt, rest + bt + 1, (m - bt) * sizeof(prim_key))
        work += m
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if report_and_poll(counters, step + 1):
                return STATUS_INTERRUPTED
    return STATUS_OK


def mst_linkage(const floating[::1] dists, # in, never written: float64 or float32
                index_t n,                 # in
                double[::1] edge_d,        # out, length n - 1
                index_t[::1] edge_i,       # out, length n - 1
                index_t[::1] edge_j,       # out, length n - 1
                int workers=1,             # in
                index_t contract_at=-1,    # in, -1: automatic
                index_t prim_up_to=-1,     # in: Prim on `dists` itself for n <= this; -1: automatic
                long long[::1] progress=None):   # out: [stage, done, total], see _progress.py
    """Minimum spanning tree of a condensed distance matrix.

    Preconditions: n >= 2, len(dists) == n*(n-1)//2, all entries finite,
    workers >= 1. Writes the n - 1 tree edges (unsorted) to edge_d, edge_i,
    edge_j with edge_i < edge_j. Returns a status code. `contract_at` and
    `prim_up_to` choose the path, not the tree.
    """
    cdef index_t c = n, i, n_edges = 0, n_components_before = n + 1
    cdef int status = STATUS_OK
    if contract_at < 0:
        # keep the threads' c x c copies within ~32 MiB: they must stay in cache
        contract_at = min(1024, <index_t>((2 ** 21 // workers) ** 0.5))
    contract_at = max(contract_at, 1)   # Boruvka needs two components to find an edge
    cdef index_t[::1] comp
    cdef index_t[::1] parent
    cdef prim_key[::1] rest
    cdef index_t[::1] edge_k = np.empty(n, dtype=np.intp)
    cdef index_t[::1] scratch_k
    cdef double[::1] scratch_d
    cdef double[::1] col_d, row_d
    cdef index_t[::1] col_k, row_k
    cdef double[::1] Cd
    cdef index_t[::1] Ck
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n - 1          # tree edges found so far
    if prim_up_to < 0:
        prim_up_to = PRIM_UP_TO
    if n <= prim_up_to:
        rest = np.empty(n, dtype=PRIM_KEY)
        with nogil:
            status = prim_condensed(&dists[0], n, &rest[0], &edge_d[0], &edge_k[0], counters)
        n_edges = n - 1
        c = 1
    else:
        comp = np.arange(n, dtype=np.intp)
        parent = np.arange(n, dtype=np.intp)
        scratch_k = np.empty(n, dtype=np.intp)
    if c > contract_at:
        col_d = np.empty(workers * n)
        col_k = np.empty(workers * n, dtype=np.intp)
        row_d = np.empty(n)
        row_k = np.empty(n, dtype=np.intp)
        scratch_d = np.empty(n)
        with nogil:
            while c > contract_at:
                c = boruvka_round(&dists[0], n, &comp[0], c, &parent[0],
                                  &col_d[0], &col_k[0], &row_d[0], &row_k[0],
                                  &scratch_d[0], &scratch_k[0], &edge_d[0], &edge_k[0],
                                  &n_edges, workers)
                if c < 0:
                    status = STATUS_INTERRUPTED
                    break
                if c == n_components_before:      # no progress: cannot happen on finite input
                    status = STATUS_BUG
                    break
                n_components_before = c
                if counters != NULL:
                    counters[1] = n - c
        col_d = row_d = None
        col_k = row_k = None
    if status == STATUS_OK and c > 1:
        Cd = np.empty(workers * c * c)
        Ck = np.empty(workers * c * c, dtype=np.intp)
        scratch_d = np.empty(c)
        with nogil:
            status = contract_and_prim(&dists[0], n, &comp[0], c, &Cd[0], &Ck[0],
                                       &scratch_d[0], &scratch_k[0],
                                       &edge_d[0], &edge_k[0], &n_edges, workers)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    if status != STATUS_OK:
        return status
    if counters != NULL:
        counters[1] = n - 1
    if n_edges != n - 1:
        return STATUS_BUG
    for i in range(n - 1):
        decode_offset(n, edge_k[i], &edge_i[i], &edge_j[i])
    return STATUS_OK
