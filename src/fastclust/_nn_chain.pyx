"""Complete, average, weighted and Ward linkage by the nearest-neighbour chain.

Two working layouts, with the same chain, the same Lance-Williams formulas
(Ward on squared distances) and so the same merges bit for bit:

- condensed (`nn_chain_linkage`): in place on the condensed matrix, no extra
  n^2 memory. The active clusters are kept in a sorted array, so that the
  scans walk memory in increasing order with no pointer chasing; the merged
  cluster takes the smaller of its two slots, whose row (the contiguous part
  of the condensed layout) is the longer one. Half of every scan and update
  still reads or writes a column, one cache line per entry.
- square (`nn_chain_square_linkage`): an n x n matrix built from the
  condensed one, where every scan and update walks a row. A merge rewrites
  the merged cluster's row only; the other rows learn the new distances
  lazily, when they are next read (see `validate_row`), so no column is
  ever written. Dead rows and columns are squeezed out whenever fewer than
  half of the rows are alive, which shortens the scans.

Reference: D. Muellner, "Modern hierarchical, agglomerative clustering
algorithms", arXiv:1109.2378, section 3.3 (NN-chain-linkage).
"""
import numpy as np

from cython.parallel cimport prange
from libc.math cimport INFINITY, sqrt
from libc.string cimport memmove

from ._common cimport (position_of, reraise_pending, index_t, row_base, report_and_poll,
                       signals_pending, STATUS_OK, STATUS_INTERRUPTED, STATUS_BUG,
                       SIGNAL_CHECK_WORK, METHOD_COMPLETE, METHOD_AVERAGE, METHOD_WEIGHTED,
                       METHOD_WARD)
from ._openmp cimport omp_get_thread_num

cdef extern from "_chain_kernels.h":
    enum:
        FC_COMPLETE
        FC_AVERAGE
        FC_WEIGHTED
        FC_WARD
    ctypedef struct fc_merge_t:
        index_t a, b
        double d, size_a, size_b
    double fc_lance_williams(int method, double d_ka, double d_kb, double d_ab,
                             double size_a, double size_b, double size_k) noexcept nogil
    void fc_replay_row(int method, double* row, index_t m, double size_x, const fc_merge_t* log,
                       index_t t0, index_t t1) noexcept nogil
    index_t fc_masked_argmin(const double* row, const double* pen, index_t m,
                             double* best) noexcept nogil
    void fc_lance_williams_row(int method, double* ra, const double* rb, const double* size,
                               index_t m, double d_ab, double size_a, double size_b) noexcept nogil
    void fc_square_upper_rows(const double* y, index_t n, index_t i0, index_t i1, double scale,
                              int square, double* D) noexcept nogil
    void fc_square_lower_rows(index_t n, index_t i0, index_t i1, double* D) noexcept nogil
    void fc_copy_stale_entries(double* D, index_t N, const index_t* rows, index_t n_rows,
                               const index_t* valid_since, const index_t* sources,
                               index_t n_sources, const index_t* rewritten_at) noexcept nogil


# The C loops name the methods by their own codes; they must be _common.pxd's.
if (FC_COMPLETE, FC_AVERAGE, FC_WEIGHTED, FC_WARD) != (
        METHOD_COMPLETE, METHOD_AVERAGE, METHOD_WEIGHTED, METHOD_WARD):
    raise ImportError("method codes in _chain_kernels.h differ from _common.pxd")

# The merge steps of both kernels run on one thread on purpose: a merge's scans
# and updates take microseconds, and a parallel region per scan stalls whenever
# another process holds the second core (average linkage then ran 7x slower
# than on one thread). Only the square matrix's build, one pass, is shared.

cdef enum:
    CHAIN_GROWN = 0         # chain_extend: y pushed, go on scanning from it
    CHAIN_CLOSED = 1        # chain_extend: y and the top form a reciprocal pair
    CHAIN_BROKEN = -1       # chain_extend: longer than the live clusters (a bug)


cdef inline int chain_extend(index_t* chain, unsigned char* in_chain, index_t* chain_len,
                             index_t y, index_t m) noexcept nogil:
    """Extend the chain by y, the least pair partner of its top element x.

    Pairs are ordered by (distance, smaller slot, larger slot), a strict total
    order, and the scans return x's least pair under it (lowest slot on ties).
    The chain stops exactly when that is the previous element: a reciprocal
    pair under the total order. Every link is strictly less than the one
    before, so the chain is finite; and the merges are those of the greedy
    algorithm under the same order, which RAC (fastclust.distributed) also
    reproduces, whatever order the chain visits the clusters in. Both layouts
    index clusters so that a lower index is a lower slot.
    """
    cdef index_t t
    if chain_len[0] >= 2 and y == chain[chain_len[0] - 2]:
        return CHAIN_CLOSED
    if in_chain[y]:
        # Only rounding gets here: a Lance-Williams update that breaks
        # reducibility by an ulp left an older link of the chain stale. A
        # chain built afresh from y is strictly decreasing again.
        for t in range(chain_len[0]):
            in_chain[chain[t]] = 0
        chain_len[0] = 0
    chain[chain_len[0]] = y
    in_chain[y] = 1
    chain_len[0] += 1
    return CHAIN_BROKEN if chain_len[0] > m else CHAIN_GROWN


cdef inline index_t chain_pop_pair(index_t* chain, unsigned char* in_chain,
                                   index_t* chain_len) noexcept nogil:
    """Take the reciprocal pair off the top of the chain; returns the element
    below the top (the top itself is the caller's x)."""
    cdef index_t x = chain[chain_len[0] - 1], y = chain[chain_len[0] - 2]
    chain_len[0] -= 2
    in_chain[x] = 0
    in_chain[y] = 0
    return y


cdef inline void chain_start(index_t* chain, unsigned char* in_chain, index_t* chain_len,
                             index_t a, index_t nn_a) noexcept nogil:
    """Start an emptied chain at the merged cluster a and its nearest neighbour,
    which the update pass found: one scan saved."""
    chain[0] = a
    chain[1] = nn_a
    in_chain[a] = 1
    in_chain[nn_a] = 1
    chain_len[0] = 2


cdef inline void finish(long long* progress, int method, double* out_h, index_t n) noexcept nogil:
    """Report the work done; Ward's heights come out of the squared distances."""
    cdef index_t step
    if progress != NULL:
        progress[1] = progress[2]
    if method == METHOD_WARD:
        for step in range(n - 1):
            out_h[step] = sqrt(out_h[step])


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
        d = fc_lance_williams(method, D[i + a], D[i + b], d_ab, s_a, s_b, size[k])
        D[i + a] = d
        if d < best:
            best = d
            best_k = k
    for t in range(pos_a + 1, pos_b):           # a < k < b: row a, column b
        k = act[t]
        d = fc_lance_williams(method, D[base_a + k], D[act_base[t] + b],
                           d_ab, s_a, s_b, size[k])
        D[base_a + k] = d
        if d < best:
            best = d
            best_k = k
    for t in range(pos_b + 1, m):               # a < b < k: both rows
        k = act[t]
        d = fc_lance_williams(method, D[base_a + k], D[base_b + k], d_ab, s_a, s_b, size[k])
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
    cdef index_t m = n, chain_len = 0, step, t, x, y, a, b, pos_x, pos_a, pos_b
    cdef int grown
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
            grown = chain_extend(chain, in_chain, &chain_len, y, m)
            if grown == CHAIN_CLOSED:
                break
            if grown == CHAIN_BROKEN:
                return STATUS_BUG
        y = chain_pop_pair(chain, in_chain, &chain_len)
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
            chain_start(chain, in_chain, &chain_len, a, nn_a)
        if work > SIGNAL_CHECK_WORK:
            work = 0
            # the work left is about proportional to m^2
            if report_and_poll(progress, n * n - m * m):
                return STATUS_INTERRUPTED
    finish(progress, method, out_h, n)
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
    # one zeroed allocation for the integer scratch (a call on 10 points costs
    # about as much as allocating five arrays): act, act_base, chain, in_chain
    cdef index_t[::1] scratch = np.zeros(4 * n, dtype=np.intp)
    cdef double[::1] size = np.empty(n)
    cdef int status
    cdef long long* counters = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * n
    with nogil:
        status = nn_chain_core(&dists[0], n, method, squared, &scratch[0], &scratch[n],
                               &size[0], &scratch[2 * n], <unsigned char*>&scratch[3 * n],
                               &out_a[0], &out_b[0], &out_h[0], counters)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status



# ---------------------------------------------------------------------------
# Square layout

# The build shares blocks of ROW_BLOCK rows between threads from n =
# PARALLEL_BUILD_MIN_N on (below, the build takes less time than a thread the
# system is slow to run can cost), and checks for Ctrl-C every BUILD_BLOCKS
# blocks; a compaction checks every 8 * ROW_BLOCK rows.
cdef enum:
    ROW_BLOCK = 32
    BUILD_BLOCKS = 4
    PARALLEL_BUILD_MIN_N = 4096
    PAGE_DOUBLES = 512          # doubles in a 4 KiB page


cdef struct SquareState:
    double* D              # N x N, row p at D + p * N
    index_t N              # current dimension (shrinks at each compaction)
    int method
    index_t* slot          # slot (smallest observation) of the cluster at each position
    double* size           # cluster sizes by position
    double* pen            # 0 for a live position, +inf for a dead one
    fc_merge_t* log        # the merges since the last compaction, in order
    index_t n_logged
    index_t* valid_since   # row p has seen the merges log[0:valid_since[p]]
    index_t* rewritten_at  # row p was last rewritten by merge rewritten_at[p] - 1 (0: not since)


cdef inline void validate_row(SquareState* st, index_t x) noexcept nogil:
    """Bring row x up to date by replaying the merges it has not seen.

    A merge rewrites only the merged cluster's row; in every other row x the
    entry for the merged cluster is stale until replayed here. Replaying the
    Lance-Williams update on row x's own entries, d(x, a) and d(x, b) as they
    stood before the merge, gives the very number the merge wrote into row a
    (the same operands in the same order), and reads row x alone: no column of
    D is ever touched. Replays go in merge order, so each finds the entries it
    reads current as of its merge; x's size has not changed since (a merge of
    x would have rewritten its row).
    """
    fc_replay_row(st.method, st.D + x * st.N, st.N, st.size[x], st.log, st.valid_since[x],
                  st.n_logged)
    st.valid_since[x] = st.n_logged


cdef int compact(SquareState* st, index_t m, index_t* chain, index_t chain_len,
                 unsigned char* in_chain, index_t* live, index_t* rewritten) noexcept nogil:
    """Squeeze the dead rows and columns out of D, in place; m positions are live.

    Positions keep their order, so the tie rule (lowest slot first) is
    unchanged. Every row is first brought up to date, so the log restarts
    empty: an entry (x, j) is stale exactly when row j was rewritten after row
    x last was, and then row j holds it (see fc_copy_stale_entries). Copying
    those entries in blocks of rows reads each rewritten row a short stretch
    at a time; replaying the log row by row would wait on memory at every
    step. Returns a status code.
    """
    cdef index_t p, q, c, r = 0, N = st.N
    cdef double* D = st.D
    cdef double* dst
    c = 0
    for p in range(N):
        if st.pen[p] == 0.0:
            live[c] = p
            c += 1
            if st.rewritten_at[p] > 0:
                rewritten[r] = p
                r += 1
    for c in range(chain_len):
        chain[c] = position_of(live, m, chain[c])
    c = 0
    while c < m:
        q = ROW_BLOCK if c + ROW_BLOCK <= m else m - c
        fc_copy_stale_entries(D, N, live + c, q, st.valid_since, rewritten, r,
                              st.rewritten_at)
        c += q
        if c % (8 * ROW_BLOCK) == 0 and signals_pending():
            return STATUS_INTERRUPTED
    # Row live[c] moves to row c of an m x m matrix. Its destination ends before
    # row live[c + 1] starts, so moving rows in order overwrites only rows done.
    for c in range(m):
        p = live[c]
        dst = D + c * m
        for q in range(m):
            dst[q] = D[p * N + live[q]]
        st.slot[c] = st.slot[p]
        st.size[c] = st.size[p]
        in_chain[c] = in_chain[p]
        st.valid_since[c] = 0
        st.rewritten_at[c] = 0
        if (c + 1) % (8 * ROW_BLOCK) == 0 and signals_pending():
            return STATUS_INTERRUPTED
    for c in range(m):
        st.pen[c] = 0.0
    st.N = m
    st.n_logged = 0
    return STATUS_OK


cdef int nn_chain_square_core(SquareState* st, index_t n, int method,
                              index_t* chain, unsigned char* in_chain,  # scratch (zeros)
                              index_t* live, index_t* rewritten,        # scratch
                              index_t* out_a, index_t* out_b, double* out_h,   # out
                              long long* progress                       # out, or NULL
                              ) noexcept nogil:
    """The chain of nn_chain_core on the square layout; the same merges, bit for bit.

    Positions stand in for slots (they keep the slots' order through every
    compaction), so the scans' lowest-index rule is the lowest-slot rule.
    """
    cdef index_t m = n, N, chain_len = 0, step, t, x, y, a, b, nn_a, work = 0
    cdef int grown
    cdef double best, best_a, d_ab
    cdef double* D
    cdef fc_merge_t* entry
    for step in range(n - 1):
        N = st.N
        D = st.D
        if chain_len == 0:
            t = 0
            while st.pen[t] != 0.0:
                t += 1
            chain[0] = t
            in_chain[t] = 1
            chain_len = 1
        while True:
            x = chain[chain_len - 1]
            validate_row(st, x)
            y = fc_masked_argmin(D + x * N, st.pen, N, &best)
            if y < 0:
                return STATUS_BUG
            work += N
            grown = chain_extend(chain, in_chain, &chain_len, y, m)
            if grown == CHAIN_CLOSED:
                break
            if grown == CHAIN_BROKEN:
                return STATUS_BUG
        y = chain_pop_pair(chain, in_chain, &chain_len)
        a = x if x < y else y
        b = y if x < y else x
        d_ab = best
        out_a[step] = st.slot[a]
        out_b[step] = st.slot[b]
        out_h[step] = d_ab
        validate_row(st, a)
        validate_row(st, b)
        st.pen[b] = INFINITY
        fc_lance_williams_row(method, D + a * N, D + b * N, st.size, N, d_ab,
                              st.size[a], st.size[b])
        D[a * N + a] = INFINITY
        nn_a = fc_masked_argmin(D + a * N, st.pen, N, &best_a)
        entry = st.log + st.n_logged
        entry.a = a
        entry.b = b
        entry.d = d_ab
        entry.size_a = st.size[a]
        entry.size_b = st.size[b]
        st.n_logged += 1
        st.valid_since[a] = st.n_logged
        st.rewritten_at[a] = st.n_logged
        st.size[a] = st.size[a] + st.size[b]
        m -= 1
        work += 2 * N
        if chain_len == 0 and m >= 2:
            if nn_a < 0:
                return STATUS_BUG
            chain_start(chain, in_chain, &chain_len, a, nn_a)
        if 2 * m < N and m >= 2:
            if compact(st, m, chain, chain_len, in_chain, live, rewritten) != STATUS_OK:
                return STATUS_INTERRUPTED
            work += m * m
        if work > SIGNAL_CHECK_WORK:
            work = 0
            if report_and_poll(progress, n * n - m * m):
                return STATUS_INTERRUPTED
    finish(progress, method, out_h, n)
    return STATUS_OK


cdef int build_square(const double* y, index_t n, double scale, bint square, double* D,
                      bint in_place, int workers) noexcept nogil:
    """Fill D (n x n) from the condensed y; see fc_square_upper_rows.

    On one thread, block by block of rows: its upper parts, then its lower
    parts while its rows are still in cache. An `in_place` build (y inside D)
    must go that way, in order. Otherwise, with more `workers`, every upper
    part first and then every lower part, each phase shared between the
    threads in one parallel region (a thread that the system does not run at
    once costs one wait per phase, not one per block). The calling thread
    checks for Ctrl-C every BUILD_BLOCKS blocks it builds.
    """
    cdef index_t blk, i0, i1, n_blocks = (n + ROW_BLOCK - 1) // ROW_BLOCK
    cdef index_t page, n_pages = (n * n - n * (n - 1) // 2) // PAGE_DOUBLES
    cdef int phase, threads = 1 if in_place or n < PARALLEL_BUILD_MIN_N else workers
    cdef int interrupted = 0
    cdef int* stop = &interrupted     # shared between the threads (a pointer: not private)
    cdef index_t done_here = 0
    cdef index_t* counted = &done_here
    if in_place and workers > 1 and n >= PARALLEL_BUILD_MIN_N:
        # The in-place build runs on one thread, and the front of D, not yet
        # written, is fresh memory: the first write to each page waits for the
        # system to provide it (up to seconds a GB here). Touching those pages
        # first from all the threads lets them wait side by side.
        for page in prange(n_pages, schedule='static', num_threads=workers):
            D[page * PAGE_DOUBLES] = 0.0
    if threads == 1:
        for blk in range(n_blocks):
            i0 = blk * ROW_BLOCK
            i1 = i0 + ROW_BLOCK if i0 + ROW_BLOCK < n else n
            fc_square_upper_rows(y, n, i0, i1, scale, square, D)
            fc_square_lower_rows(n, i0, i1, D)
            if blk % BUILD_BLOCKS == 0 and signals_pending():
                return STATUS_INTERRUPTED
        return STATUS_OK
    for phase in range(2):
        for blk in prange(n_blocks, schedule='dynamic', num_threads=threads):
            if stop[0]:
                continue
            i0 = blk * ROW_BLOCK
            i1 = i0 + ROW_BLOCK if i0 + ROW_BLOCK < n else n
            if phase == 0:
                fc_square_upper_rows(y, n, i0, i1, scale, square, D)
            else:
                fc_square_lower_rows(n, i0, i1, D)
            if omp_get_thread_num() == 0:
                counted[0] += 1
                if counted[0] % BUILD_BLOCKS == 0 and signals_pending():
                    stop[0] = 1
        if interrupted:
            return STATUS_INTERRUPTED
    return STATUS_OK


def nn_chain_square_linkage(const double[::1] dists,   # in: condensed, not written
                            index_t n,                  # in
                            int method,                 # in: METHOD_COMPLETE .. METHOD_WARD
                            double[:, ::1] D,           # scratch: n x n, left unspecified
                            index_t[::1] out_a,         # out, length n - 1: slots merged
                            index_t[::1] out_b,         # out
                            double[::1] out_h,          # out: merge heights, in merge order
                            double scale=1.0,           # in: distances are multiplied by it
                            bint squared=False,         # in: Ward only, dists already squared
                            int workers=1,              # in: threads for building D
                            long long[::1] progress=None):   # out: [stage, done, total]
    """NN-chain on an n x n working matrix built from the condensed `dists`.

    Preconditions: n >= 2, len(dists) == n*(n-1)//2, entries finite and >= 0
    (for Ward, also their squares times scale**2); D has shape (n, n).
    `dists` is only read, or it is D's own last n*(n-1)//2 entries, which the
    matrix is then built over (see fc_square_upper_rows). The merges are those
    of nn_chain_linkage on ``dists * scale`` (squared for Ward unless
    `squared`), bit for bit and in the same order. Returns a status code.
    """
    cdef index_t[::1] slot = np.arange(n, dtype=np.intp)
    cdef double[::1] size = np.ones(n)
    cdef double[::1] pen = np.zeros(n)
    cdef index_t[::1] valid_since = np.zeros(n, dtype=np.intp)
    cdef unsigned char[::1] log_bytes = np.empty(n * sizeof(fc_merge_t), dtype=np.uint8)
    cdef index_t[::1] chain = np.empty(n, dtype=np.intp)
    cdef unsigned char[::1] in_chain = np.zeros(n, dtype=np.uint8)
    cdef index_t[::1] live = np.empty(n, dtype=np.intp)
    cdef index_t[::1] rewritten = np.empty(n, dtype=np.intp)
    cdef index_t[::1] rewritten_at = np.zeros(n, dtype=np.intp)
    cdef SquareState st
    cdef int status
    cdef bint in_place
    cdef long long* counters = NULL
    if D.shape[0] != n or D.shape[1] != n:
        raise ValueError(f"D must have shape ({n}, {n}); got ({D.shape[0]}, {D.shape[1]}).")
    in_place = &D[0, 0] <= &dists[0] <= &D[n - 1, n - 1]
    if progress is not None:
        counters = &progress[0]
        counters[2] = n * n
    st.D = &D[0, 0]
    st.N = n
    st.method = method
    st.slot = &slot[0]
    st.size = &size[0]
    st.pen = &pen[0]
    st.log = <fc_merge_t*>&log_bytes[0]
    st.n_logged = 0
    st.valid_since = &valid_since[0]
    st.rewritten_at = &rewritten_at[0]
    with nogil:
        status = build_square(&dists[0], n, scale, method == METHOD_WARD and not squared,
                              st.D, in_place, workers)
        if status == STATUS_OK:
            status = nn_chain_square_core(&st, n, method, &chain[0], &in_chain[0], &live[0],
                                          &rewritten[0], &out_a[0], &out_b[0], &out_h[0], counters)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    return status
