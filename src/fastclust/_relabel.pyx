"""Turn a sequence of merges between observations into SciPy's linkage matrix."""
import numpy as np

from ._common cimport find_root, index_t

# Orders in which linkage_from_merges lists the merges.
cdef enum:
    AS_MADE = 0        # as the kernel made them (centroid, median: inversions allowed)
    KRUSKAL = 1        # by (height, a, b): single linkage's tree edges
    GREEDY = 2         # the greedy order of a reducible linkage, children first
ORDER_AS_MADE, ORDER_KRUSKAL, ORDER_GREEDY = AS_MADE, KRUSKAL, GREEDY

# Runs sorted by insertion before merging; short runs keep tiny inputs cheap.
cdef index_t INSERTION_RUN = 16


cdef void label_core(const index_t* a, const index_t* b, const double* height,
                     const index_t* order, index_t n,
                     index_t* parent, index_t* size,     # scratch, 2n - 1 each
                     double[:, ::1] Z) noexcept nogil:
    """Union-find relabelling of the merges in `order` into Z (see label_merges)."""
    cdef index_t s, m, ra, rb
    for s in range(2 * n - 1):
        parent[s] = s
        size[s] = 1
    for s in range(n - 1):
        m = order[s]
        ra = find_root(parent, a[m])
        rb = find_root(parent, b[m])
        parent[ra] = n + s
        parent[rb] = n + s
        size[n + s] = size[ra] + size[rb]
        Z[s, 0] = <double>min(ra, rb)
        Z[s, 1] = <double>max(ra, rb)
        Z[s, 2] = height[m]
        Z[s, 3] = <double>size[n + s]


def label_merges(const index_t[::1] a,      # in: one observation of each side
                 const index_t[::1] b,      # in
                 const double[::1] height,  # in
                 const index_t[::1] order,  # in: the order in which to apply merges
                 index_t n,                 # in
                 double[:, ::1] Z):         # out: (n - 1, 4)
    """Union-find relabelling: merge s joins the clusters holding a[order[s]] and b[order[s]].

    Cluster ids follow SciPy: observations are 0..n-1, merge s creates id n + s;
    each row lists the smaller id first. Preconditions: len(order) == n - 1 and
    every merge joins two different clusters (a spanning tree of merges).
    """
    cdef index_t[::1] scratch = np.empty(4 * n, dtype=np.intp)
    with nogil:
        label_core(&a[0], &b[0], &height[0], &order[0], n, &scratch[0], &scratch[2 * n], Z)


cdef inline bint key_less(double h1, index_t a1, index_t b1,
                          double h2, index_t a2, index_t b2) noexcept nogil:
    return h1 < h2 or (h1 == h2 and (a1 < a2 or (a1 == a2 and b1 < b2)))


cdef void greedy_keys(const index_t* a, const index_t* b, const double* height, index_t n,
                      index_t* parent, index_t* last,              # scratch, n each
                      double* key_h, index_t* key_a, index_t* key_b) noexcept nogil:   # out
    """Keys that list the merges of a reducible linkage in greedy order, children first.

    Input: the n - 1 merges (a[s] < b[s], slots) in an order where every merge
    comes after the two that made its clusters (the order a kernel made them).
    In exact arithmetic the greedy order is increasing in (height, a, b), but
    rounding can give a parent a height equal to its child's (and a smaller
    slot) or one ulp below it; sorting by (height, a, b) would then put the
    parent first, and the relabelling would build another tree. The effective
    key of a merge is the lexicographic maximum of its own (height, a, b) and
    its children's effective keys: the same key wherever the merges are
    already in order, and never less than a child's. Sorted by (key, input
    position), the merges are in greedy order and every child precedes its
    parent; key_h, the height raised to its children's where rounding put it
    below, makes Z monotone.
    """
    cdef index_t s, t, c, ra, rb
    cdef double kh
    cdef index_t ka, kb
    for s in range(n):
        parent[s] = s
        last[s] = -1                     # per root: the merge that made it
    for s in range(n - 1):
        ra = find_root(parent, a[s])
        rb = find_root(parent, b[s])
        kh, ka, kb = height[s], a[s], b[s]
        for t in range(2):
            c = last[ra] if t == 0 else last[rb]
            if c >= 0 and key_less(kh, ka, kb, key_h[c], key_a[c], key_b[c]):
                kh, ka, kb = key_h[c], key_a[c], key_b[c]
        key_h[s], key_a[s], key_b[s] = kh, ka, kb
        parent[rb] = ra
        last[ra] = s


cdef inline bint position_less(index_t p, index_t q, const double* kh, const index_t* ka,
                               const index_t* kb) noexcept nogil:
    """Position p before q: by key (kh, ka, kb), then by position."""
    return key_less(kh[p], ka[p], kb[p], kh[q], ka[q], kb[q]) or (
        not key_less(kh[q], ka[q], kb[q], kh[p], ka[p], kb[p]) and p < q)


cdef void sort_positions(index_t* order, index_t* tmp, index_t m, const double* kh,
                         const index_t* ka, const index_t* kb) noexcept nogil:
    """order = 0..m-1 sorted by (kh, ka, kb, position): a total order, so the
    result is the one np.lexsort((positions, kb, ka, kh)) gives. Merge sort on
    runs sorted by insertion; `tmp` is scratch of length m."""
    cdef index_t i, j, p, lo, mid, hi, width, k
    cdef index_t* src = order
    cdef index_t* dst = tmp
    cdef index_t* swap
    for i in range(m):
        order[i] = i
    lo = 0
    while lo < m:
        hi = min(lo + INSERTION_RUN, m)
        for i in range(lo + 1, hi):
            p = order[i]
            j = i
            while j > lo and position_less(p, order[j - 1], kh, ka, kb):
                order[j] = order[j - 1]
                j -= 1
            order[j] = p
        lo = hi
    width = INSERTION_RUN
    while width < m:
        lo = 0
        while lo < m:
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if position_less(src[j], src[i], kh, ka, kb):
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
            lo = hi
        swap = src
        src = dst
        dst = swap
        width *= 2
    if src != order:
        for i in range(m):
            order[i] = src[i]


def linkage_from_merges(const index_t[::1] a,      # in: merge s joins a[s] and b[s]
                        const index_t[::1] b,      # in
                        const double[::1] height,  # in: merge heights
                        index_t n,                 # in
                        int order,                 # in: ORDER_AS_MADE, _KRUSKAL or _GREEDY
                        double[:, ::1] Z):         # out: (n - 1, 4)
    """SciPy's Z from n - 1 merges, in one call: list them in `order`, relabel.

    ORDER_AS_MADE keeps the input order. ORDER_KRUSKAL sorts by (height, a,
    b), for the edges of a spanning tree (a < b, observations). ORDER_GREEDY
    takes merges of a reducible linkage as the kernel made them (children
    first; a < b, slots) and lists them in greedy order with the heights of
    greedy_keys. Preconditions: n >= 2, the merges form a spanning tree.
    """
    cdef index_t m = n - 1
    cdef index_t[::1] scratch = np.empty(4 * n + 4 * m, dtype=np.intp)
    cdef double[::1] key_h_arr
    cdef index_t* parent = &scratch[0]            # 2n - 1, then reused as the sort's tmp
    cdef index_t* size = &scratch[2 * n]          # 2n - 1
    cdef index_t* positions = &scratch[4 * n]     # m
    cdef index_t* key_a = &scratch[4 * n + m]     # m each
    cdef index_t* key_b = &scratch[4 * n + 2 * m]
    cdef index_t* tmp = &scratch[4 * n + 3 * m]
    cdef const double* key_h = &height[0]
    cdef index_t s
    if order == GREEDY:
        key_h_arr = np.empty(m)
        key_h = &key_h_arr[0]
    with nogil:
        if order == GREEDY:
            greedy_keys(&a[0], &b[0], &height[0], n, parent, size, &key_h_arr[0], key_a,
                        key_b)
            sort_positions(positions, tmp, m, key_h, key_a, key_b)
        elif order == KRUSKAL:
            sort_positions(positions, tmp, m, key_h, &a[0], &b[0])
        else:
            for s in range(m):
                positions[s] = s
        label_core(&a[0], &b[0], key_h, positions, n, parent, size, Z)
