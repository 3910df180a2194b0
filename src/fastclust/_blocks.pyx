"""Blockwise scans for the distributed linkages: a row block x a column block of points.

Every scan visits the pairs (row a, column b) of one block pair and folds the
result into arrays the caller owns, so that a task can scan several column
blocks into the same output and partial results merge with a plain minimum.
Points carry their global ids (row_ids, col_ids): a pair of a point with
itself is skipped, and ties break on ids exactly as the single-machine
kernels do.

Distances come from one of two sources:

- SOURCE_EUCLIDEAN / SOURCE_SQEUCLIDEAN: computed here from the coordinates
  with _pair_distance.squared_distance, the loop fastclust.pdist uses, so the
  values are bit-identical to fastclust.pdist's;
- SOURCE_MATRIX: a precomputed (nr, nc) block, from _metrics.cdist_rect, for
  every other metric.

All cores are ``noexcept nogil`` and run without the GIL, so that Dask threads
(or the local thread pool) run them in parallel.
"""
import numpy as np

from libc.math cimport fabs, sqrt, INFINITY

from ._common cimport index_t, condensed_index, STATUS_OK
from ._pair_distance cimport squared_distance

cdef enum:
    SRC_EUCLIDEAN = 0
    SRC_SQEUCLIDEAN = 1
    SRC_MATRIX = 2

# The same codes for Python callers.
SOURCE_EUCLIDEAN = SRC_EUCLIDEAN
SOURCE_SQEUCLIDEAN = SRC_SQEUCLIDEAN
SOURCE_MATRIX = SRC_MATRIX


cdef struct Block:
    int source
    const double* XR    # (nr, d) row points, or NULL
    const double* XC    # (nc, d) column points, or NULL
    index_t d
    const double* D     # (nr, nc) precomputed distances, or NULL
    index_t nc


cdef inline double block_distance(const Block* blk, index_t a, index_t b) noexcept nogil:
    """Distance of row a and column b, as fastclust.pdist computes it."""
    cdef double acc
    if blk.source == SRC_MATRIX:
        return blk.D[a * blk.nc + b]
    # (u - v)^2 == (v - u)^2 exactly: the order of the pair does not matter
    acc = squared_distance(blk.XR + a * blk.d, blk.XC + b * blk.d, blk.d)
    return sqrt(acc) if blk.source == SRC_EUCLIDEAN else acc


cdef inline bint key_less(double d1, index_t k1, double d2, index_t k2) noexcept nogil:
    return d1 < d2 or (d1 == d2 and k1 < k2)


cdef inline void need(bint ok, str what) except *:
    """The wrappers are internal, but a wrong shape would read or write out of bounds."""
    if not ok:
        raise ValueError(f"internal error in fastclust._blocks: {what}")


cdef Block make_block(int source, const double[:, ::1] XR, const double[:, ::1] XC,
                      const double[:, ::1] D, index_t nr, index_t nc) except *:
    cdef Block blk
    if source == SRC_MATRIX:
        need(D.shape[0] == nr and D.shape[1] == nc, "D must have shape (rows, columns)")
    else:
        need(XR.shape[0] == nr and XC.shape[0] == nc
             and (nr == 0 or nc == 0 or XR.shape[1] == XC.shape[1]),
             "XR and XC must have one row per id and the same number of columns")
    blk.source = source
    blk.XR = NULL
    blk.XC = NULL
    blk.D = NULL
    blk.d = 0
    blk.nc = 0
    if source == SRC_MATRIX:
        blk.D = &D[0, 0] if D.shape[0] > 0 and D.shape[1] > 0 else NULL
        blk.nc = D.shape[1]
    else:
        blk.XR = &XR[0, 0] if XR.shape[0] > 0 else NULL
        blk.XC = &XC[0, 0] if XC.shape[0] > 0 else NULL
        blk.d = XR.shape[1]
    return blk


cdef index_t knn_core(const Block* blk, index_t nr, index_t nc, const index_t* row_ids,
                      const index_t* col_ids, index_t k, double* out_d,
                      index_t* out_j) noexcept nogil:
    """Returns 0, or 1 + a * nc + b for the first pair whose distance is not finite."""
    cdef index_t a, b, t, i, j, bad = 0
    cdef double dist
    cdef double* rd
    cdef index_t* rj
    for a in range(nr):
        i = row_ids[a]
        rd = out_d + a * k
        rj = out_j + a * k
        for b in range(nc):
            j = col_ids[b]
            if j == i:
                continue
            dist = block_distance(blk, a, b)
            if not (fabs(dist) < INFINITY):      # NaN or inf: the caller raises
                if bad == 0:
                    bad = 1 + a * nc + b
                continue
            if not key_less(dist, j, rd[k - 1], rj[k - 1]):
                continue
            t = k - 1          # insertion into the sorted list
            while t > 0 and key_less(dist, j, rd[t - 1], rj[t - 1]):
                rd[t] = rd[t - 1]
                rj[t] = rj[t - 1]
                t -= 1
            rd[t] = dist
            rj[t] = j
    return bad


cdef inline void knn_insert(double* rd, index_t* rj, index_t k, double dist,
                            index_t j) noexcept nogil:
    """Insert (dist, j) into the sorted list rd/rj of length k if it is among the k least."""
    cdef index_t t
    if not key_less(dist, j, rd[k - 1], rj[k - 1]):
        return
    t = k - 1
    while t > 0 and key_less(dist, j, rd[t - 1], rj[t - 1]):
        rd[t] = rd[t - 1]
        rj[t] = rj[t - 1]
        t -= 1
    rd[t] = dist
    rj[t] = j


cdef index_t knn_pairs_core(const Block* blk, index_t nr, index_t nc, const index_t* row_ids,
                            const index_t* col_ids, index_t k, bint diagonal,
                            double* row_d, index_t* row_j, double* col_d,
                            index_t* col_j) noexcept nogil:
    """Each pair once: both ends' lists; on the diagonal block only the pairs i < j."""
    cdef index_t a, b, i, j, bad = 0
    cdef double dist
    for a in range(nr):
        i = row_ids[a]
        for b in range(nc):
            j = col_ids[b]
            if diagonal and j <= i:
                continue
            dist = block_distance(blk, a, b)
            if not (fabs(dist) < INFINITY):      # NaN or inf: the caller raises
                if bad == 0:
                    bad = 1 + a * nc + b
                continue
            knn_insert(row_d + a * k, row_j + a * k, k, dist, j)
            knn_insert(col_d + b * k, col_j + b * k, k, dist, i)
    return bad


def knn_pair_scan(int source,                  # in: SOURCE_* code
                  const double[:, ::1] XR,     # in: (nr, d) rows, or (0, 0) for a matrix
                  const double[:, ::1] XC,     # in: (nc, d) columns, or (0, 0)
                  const double[:, ::1] D,      # in: (nr, nc) distances, or (0, 0)
                  const index_t[::1] row_ids,  # in: global ids of the rows
                  const index_t[::1] col_ids,  # in: global ids of the columns
                  bint diagonal,               # in: rows and columns are the same block
                  double[:, ::1] row_d,        # in/out: (nr, k) sorted lists of the rows
                  index_t[:, ::1] row_j,       # in/out
                  double[:, ::1] col_d,        # in/out: (nc, k) sorted lists of the columns
                  index_t[:, ::1] col_j):      # in/out
    """Fold every pair of a block pair into the k-lightest lists of both of its ends.

    Each distance is computed once, so a scan over the block pairs r <= c
    visits each of the n (n - 1) / 2 pairs once. Preconditions as knn_scan;
    on the diagonal block (diagonal=True, the same points) only pairs of ids
    i < j count.
    Returns 0, or 1 + a * nc + b for the first pair whose distance is NaN or
    infinite.
    """
    cdef index_t nr = row_ids.shape[0], nc = col_ids.shape[0], k = row_d.shape[1], bad
    cdef Block blk = make_block(source, XR, XC, D, nr, nc)
    need(row_d.shape[0] == nr and row_j.shape[0] == nr and row_j.shape[1] == k
         and col_d.shape[0] == nc and col_j.shape[0] == nc and col_d.shape[1] == k
         and col_j.shape[1] == k, "the k-lists must have shape (rows or columns, k)")
    if nr == 0 or nc == 0 or k == 0:
        return 0
    with nogil:
        bad = knn_pairs_core(&blk, nr, nc, &row_ids[0], &col_ids[0], k, diagonal,
                             &row_d[0, 0], &row_j[0, 0], &col_d[0, 0], &col_j[0, 0])
    return bad


def knn_scan(int source,                       # in: SOURCE_* code
             const double[:, ::1] XR,          # in: (nr, d) rows, or (0, 0) for a matrix
             const double[:, ::1] XC,          # in: (nc, d) columns, or (0, 0)
             const double[:, ::1] D,           # in: (nr, nc) distances, or (0, 0)
             const index_t[::1] row_ids,       # in: global ids of the rows
             const index_t[::1] col_ids,       # in: global ids of the columns
             double[:, ::1] out_d,             # in/out: (nr, k) sorted distances
             index_t[:, ::1] out_j):           # in/out: (nr, k) their column ids
    """Fold a column block into each row's k lightest edges, ordered by (distance, id).

    Preconditions: out_d/out_j hold sorted lists (padded with +inf and a large
    id); ids within the block are distinct. For a fixed row i the order
    (distance, j) is the order (distance, condensed offset of {i, j}).
    Returns 0, or 1 + a * nc + b for the first pair (a, b) whose distance is
    NaN or infinite (such pairs are left out).
    """
    cdef index_t nr = row_ids.shape[0], nc = col_ids.shape[0], k = out_d.shape[1], bad
    cdef Block blk = make_block(source, XR, XC, D, nr, nc)
    need(out_d.shape[0] == nr and out_j.shape[0] == nr and out_j.shape[1] == k,
         "out_d and out_j must have shape (rows, k)")
    if nr == 0 or nc == 0 or k == 0:
        return 0
    with nogil:
        bad = knn_core(&blk, nr, nc, &row_ids[0], &col_ids[0], k, &out_d[0, 0], &out_j[0, 0])
    return bad


cdef void boruvka_core(const Block* blk, index_t nr, index_t nc, const index_t* row_ids,
                       const index_t* col_ids, const index_t* row_comp,
                       const index_t* col_comp, double* best_d,
                       index_t* best_j) noexcept nogil:
    cdef index_t a, b, c, j
    cdef double dist, bd
    cdef index_t bj
    for a in range(nr):
        c = row_comp[a]
        bd = best_d[a]
        bj = best_j[a]
        for b in range(nc):
            if col_comp[b] == c:
                continue
            dist = block_distance(blk, a, b)
            j = col_ids[b]
            if key_less(dist, j, bd, bj):
                bd = dist
                bj = j
        best_d[a] = bd
        best_j[a] = bj


def boruvka_scan(int source,                   # in: SOURCE_* code
                 const double[:, ::1] XR,      # in: (nr, d), or (0, 0)
                 const double[:, ::1] XC,      # in: (nc, d), or (0, 0)
                 const double[:, ::1] D,       # in: (nr, nc), or (0, 0)
                 const index_t[::1] row_ids,   # in
                 const index_t[::1] col_ids,   # in
                 const index_t[::1] row_comp,  # in: component of each row
                 const index_t[::1] col_comp,  # in: component of each column
                 double[::1] best_d,           # in/out: (nr,) lightest edge so far
                 index_t[::1] best_j):         # in/out: (nr,) its column id
    """Fold a column block into each row's lightest edge to another component.

    The edge of row i is the least (distance, j) over columns j with
    col_comp != row_comp. Returns a status code.
    """
    cdef index_t nr = row_ids.shape[0], nc = col_ids.shape[0]
    cdef Block blk = make_block(source, XR, XC, D, nr, nc)
    need(row_comp.shape[0] == nr and col_comp.shape[0] == nc and best_d.shape[0] == nr
         and best_j.shape[0] == nr, "one component and one best edge per id")
    if nr == 0 or nc == 0:
        return STATUS_OK
    with nogil:
        boruvka_core(&blk, nr, nc, &row_ids[0], &col_ids[0], &row_comp[0], &col_comp[0],
                     &best_d[0], &best_j[0])
    return STATUS_OK


cdef void contract_core(const Block* blk, index_t nr, index_t nc, const index_t* row_ids,
                        const index_t* col_ids, const index_t* row_comp,
                        const index_t* col_comp, index_t n, index_t K, double* Cd,
                        index_t* Ck) noexcept nogil:
    cdef index_t a, b, i, j, ci, cj, slot, off
    cdef double dist
    for a in range(nr):
        i = row_ids[a]
        ci = row_comp[a]
        for b in range(nc):
            j = col_ids[b]
            cj = col_comp[b]
            if j <= i or cj == ci:
                continue
            dist = block_distance(blk, a, b)
            off = condensed_index(n, i, j)
            slot = ci * K + cj if ci < cj else cj * K + ci
            if key_less(dist, off, Cd[slot], Ck[slot]):
                Cd[slot] = dist
                Ck[slot] = off


def contract_scan(int source,                  # in: SOURCE_* code
                  const double[:, ::1] XR,     # in: (nr, d), or (0, 0)
                  const double[:, ::1] XC,     # in: (nc, d), or (0, 0)
                  const double[:, ::1] D,      # in: (nr, nc), or (0, 0)
                  const index_t[::1] row_ids,  # in
                  const index_t[::1] col_ids,  # in
                  const index_t[::1] row_comp, # in: components 0..K-1
                  const index_t[::1] col_comp, # in
                  index_t n,                   # in: number of points (for offsets)
                  double[:, ::1] Cd,           # in/out: (K, K), upper triangle used
                  index_t[:, ::1] Ck):         # in/out: (K, K) condensed offsets
    """Fold the pairs i < j of a block pair into the K x K component graph.

    Cd[p, q] (p < q) is the least (distance, condensed offset) over edges
    between components p and q. Returns a status code.
    """
    cdef index_t nr = row_ids.shape[0], nc = col_ids.shape[0], K = Cd.shape[0], t
    cdef Block blk = make_block(source, XR, XC, D, nr, nc)
    need(row_comp.shape[0] == nr and col_comp.shape[0] == nc and Cd.shape[1] == K
         and Ck.shape[0] == K and Ck.shape[1] == K, "Cd and Ck must be K x K, one component per id")
    for t in range(nr):
        need(0 <= row_comp[t] < K, "components must lie in 0..K-1")
    for t in range(nc):
        need(0 <= col_comp[t] < K, "components must lie in 0..K-1")
    if nr == 0 or nc == 0 or K == 0:
        return STATUS_OK
    with nogil:
        contract_core(&blk, nr, nc, &row_ids[0], &col_ids[0], &row_comp[0], &col_comp[0],
                      n, K, &Cd[0, 0], &Ck[0, 0])
    return STATUS_OK


cdef index_t ward_core(const double* Q, const double* q_size, const index_t* q_ids,
                       index_t nq, const double* C, const double* c_size, const index_t* c_ids,
                       index_t nc, index_t d, double* best_d, index_t* best_j) noexcept nogil:
    cdef index_t a, b, i, j, bad = 0
    cdef double acc, dist, bd, na, nb
    cdef index_t bj
    cdef const double* u
    for a in range(nq):
        i = q_ids[a]
        na = q_size[a]
        u = Q + a * d
        bd = best_d[a]
        bj = best_j[a]
        for b in range(nc):
            j = c_ids[b]
            if j == i:
                continue
            acc = squared_distance(u, C + b * d, d)
            nb = c_size[b]
            dist = (2.0 * na * nb / (na + nb)) * acc
            if not (dist < INFINITY) and bad == 0:   # overflow: the caller raises
                bad = 1 + a * nc + b
            if key_less(dist, j, bd, bj):
                bd = dist
                bj = j
        best_d[a] = bd
        best_j[a] = bj
    return bad


def ward_scan(const double[:, ::1] Q,         # in: (nq, d) query centroids
              const double[::1] q_size,       # in: (nq,) their sizes
              const index_t[::1] q_ids,       # in: (nq,) their cluster ids
              const double[:, ::1] C,         # in: (nc, d) candidate centroids
              const double[::1] c_size,       # in
              const index_t[::1] c_ids,       # in
              double[::1] best_d,             # in/out: (nq,) squared Ward distance
              index_t[::1] best_j):           # in/out: (nq,) id of the nearest cluster
    """Fold candidates into each query cluster's nearest neighbour under Ward's distance.

    The squared Ward distance of clusters a, b is
    ``2 * n_a * n_b / (n_a + n_b) * ||c_a - c_b||^2`` (for two points, their
    squared Euclidean distance, exactly); ties break on the lower id.
    Returns 0, or 1 + a * nc + b for the first pair whose distance overflowed.
    """
    cdef index_t nq = q_ids.shape[0], nc = c_ids.shape[0], d = Q.shape[1], bad
    need(Q.shape[0] == nq and q_size.shape[0] == nq and best_d.shape[0] == nq
         and best_j.shape[0] == nq and C.shape[0] == nc and c_size.shape[0] == nc
         and C.shape[1] == d, "one centroid, size and id per query and per candidate")
    if nq == 0 or nc == 0:
        return 0
    with nogil:
        bad = ward_core(&Q[0, 0], &q_size[0], &q_ids[0], nq, &C[0, 0], &c_size[0], &c_ids[0], nc,
                  d, &best_d[0], &best_j[0])
    return bad
