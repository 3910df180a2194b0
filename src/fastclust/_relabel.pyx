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


def _intp_range(index_t length):
    import numpy as np
    return np.arange(length, dtype=np.intp)


def _ones(index_t length):
    import numpy as np
    return np.ones(length, dtype=np.float64)
