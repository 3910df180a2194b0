"""Turn a sequence of merges between observations into SciPy's linkage matrix."""
from ._common cimport find_root, index_t


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
    cdef index_t[::1] parent_arr = _intp_range(2 * n - 1)
    cdef double[::1] size_arr = _ones(2 * n - 1)
    cdef index_t* parent = &parent_arr[0]
    cdef index_t s, m, ra, rb
    with nogil:
        for s in range(n - 1):
            m = order[s]
            ra = find_root(parent, a[m])
            rb = find_root(parent, b[m])
            parent[ra] = n + s
            parent[rb] = n + s
            size_arr[n + s] = size_arr[ra] + size_arr[rb]
            Z[s, 0] = <double>min(ra, rb)
            Z[s, 1] = <double>max(ra, rb)
            Z[s, 2] = height[m]
            Z[s, 3] = size_arr[n + s]


cdef inline bint key_less(double h1, index_t a1, index_t b1,
                          double h2, index_t a2, index_t b2) noexcept nogil:
    return h1 < h2 or (h1 == h2 and (a1 < a2 or (a1 == a2 and b1 < b2)))


def greedy_keys(const index_t[::1] a,       # in: slots merged, a[s] < b[s]
                const index_t[::1] b,       # in
                const double[::1] height,   # in: merge heights
                index_t n,                  # in
                double[::1] key_h,          # out: effective keys, see below
                index_t[::1] key_a,         # out
                index_t[::1] key_b):        # out
    """Keys that list the merges of a reducible linkage in greedy order, children first.

    Input: the n - 1 merges in an order where every merge comes after the two
    that made its clusters (the order a kernel made them). In exact arithmetic
    the greedy order is increasing in (height, a, b), but rounding can give a
    parent a height equal to its child's (and a smaller slot) or one ulp below
    it; sorting by (height, a, b) would then put the parent first, and
    label_merges would build another tree. The effective key of a merge is the
    lexicographic maximum of its own (height, a, b) and its children's
    effective keys: the same key wherever the merges are already in order, and
    never less than a child's. Sorted by (key, input position), the merges are
    in greedy order and every child precedes its parent; key_h, the height
    raised to its children's where rounding put it below, makes Z monotone.
    """
    cdef index_t[::1] parent_arr = _intp_range(n)
    cdef index_t[::1] last_arr = _minus_ones(n)      # per root: the merge that made it
    cdef index_t* parent = &parent_arr[0]
    cdef index_t* last = &last_arr[0]
    cdef index_t s, t, c, ra, rb
    cdef double kh
    cdef index_t ka, kb
    with nogil:
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


def greedy_order(a, b, height, index_t n):
    """(order, heights) to hand to label_merges for a reducible linkage; see greedy_keys.

    `a`, `b`, `height`: the merges in the order they were made (children first).
    """
    import numpy as np
    m = max(n - 1, 0)
    key_h = np.empty(m)
    key_a = np.empty(m, dtype=np.intp)
    key_b = np.empty(m, dtype=np.intp)
    if m:
        greedy_keys(np.ascontiguousarray(a, dtype=np.intp), np.ascontiguousarray(b, dtype=np.intp),
                    np.ascontiguousarray(height, dtype=np.float64), n, key_h, key_a, key_b)
    order = np.lexsort((np.arange(m), key_b, key_a, key_h)).astype(np.intp)
    return order, key_h


def _minus_ones(index_t length):
    import numpy as np
    return np.full(length, -1, dtype=np.intp)


def _intp_range(index_t length):
    import numpy as np
    return np.arange(length, dtype=np.intp)


def _ones(index_t length):
    import numpy as np
    return np.ones(length, dtype=np.float64)
