"""Kernels of the tree toolkit (_tree.py): walks over a linkage matrix without recursion.

Every entry point takes `children`, the two child ids of each row of Z as an
(n - 1, 2) intp array, validated in Python: row s joins two different ids
below n + s, and no id is used twice. Children therefore come before their
parents, so a forward pass over the rows is a bottom-up walk and a backward
pass a top-down walk. Where SciPy's results depend on a depth-first traversal
(flat cluster numbers, leaders), the same traversal is done with an explicit
stack. Cores are `noexcept nogil` and never raise.
"""
import numpy as np

from libc.math cimport sqrt

from ._common cimport condensed_index, find_root, index_t


# ---------------------------------------------------------------- bottom-up passes

cdef void _subtree_max_core(const index_t[:, ::1] children, const double[::1] values,
                            index_t n, double[::1] out) noexcept nogil:
    cdef index_t s, a, b
    cdef double v
    for s in range(n - 1):
        v = values[s]
        a = children[s, 0]
        b = children[s, 1]
        if a >= n and out[a - n] > v:
            v = out[a - n]
        if b >= n and out[b - n] > v:
            v = out[b - n]
        out[s] = v


def subtree_max(const index_t[:, ::1] children,   # in: (n - 1, 2)
                const double[::1] values,          # in: one value per row
                index_t n,                         # in
                double[::1] out):                  # out: n - 1
    """out[s] = the largest `values` entry over row s and the rows below it.

    This is maxdists (values = Z[:, 2]) and maxRstat (values = R[:, i]).
    """
    with nogil:
        _subtree_max_core(children, values, n, out)


cdef void _layout_core(const index_t[:, ::1] children, index_t n, index_t[::1] size,
                       index_t[::1] start, int[::1] order) noexcept nogil:
    cdef index_t s, a, b, na
    for s in range(n):
        size[s] = 1
    for s in range(n - 1):
        size[n + s] = size[children[s, 0]] + size[children[s, 1]]
    # Top-down: the leaves of a node are a contiguous block of the leaf order,
    # its left child's block first.
    start[2 * n - 2] = 0
    for s in range(n - 2, -1, -1):
        a = children[s, 0]
        b = children[s, 1]
        na = size[a]
        start[a] = start[n + s]
        start[b] = start[n + s] + na
        if a < n:
            order[start[a]] = <int>a
        if b < n:
            order[start[b]] = <int>b


def tree_layout(const index_t[:, ::1] children,   # in: (n - 1, 2)
                index_t n,                         # in, n >= 2
                index_t[::1] size,                 # out: 2n - 1, leaves under each node
                index_t[::1] start,                # out: 2n - 1, first position in the order
                int[::1] order):                   # out: n, the leaf order
    """Leaf order of the dendrogram (left child first) and each node's block in it.

    Node v (observation or n + row) covers order[start[v] : start[v] + size[v]].
    `order` is SciPy's leaves_list.
    """
    with nogil:
        _layout_core(children, n, size, start, order)


# ---------------------------------------------------------------- cophenetic distances

cdef void _cophenetic_core(const index_t[:, ::1] children, const double[::1] height,
                           index_t n, const index_t[::1] size, const index_t[::1] start,
                           const int[::1] order, double[::1] out) noexcept nogil:
    cdef index_t s, p, q, i, j, a, b, a0, a1, b1
    cdef double h
    for s in range(n - 1):
        a = children[s, 0]
        b = children[s, 1]
        h = height[s]
        a0 = start[a]
        a1 = a0 + size[a]
        b1 = start[b] + size[b]
        for p in range(a0, a1):
            for q in range(a1, b1):
                i = order[p]
                j = order[q]
                if i < j:
                    out[condensed_index(n, i, j)] = h
                else:
                    out[condensed_index(n, j, i)] = h


def cophenetic(const index_t[:, ::1] children,   # in: (n - 1, 2)
               const double[::1] height,          # in: Z[:, 2]
               index_t n,                         # in
               const index_t[::1] size,           # in: from tree_layout
               const index_t[::1] start,          # in: from tree_layout
               const int[::1] order,              # in: from tree_layout
               double[::1] out):                  # out: n (n - 1) / 2, condensed
    """Condensed cophenetic distances: each pair gets the height of the merge joining it."""
    with nogil:
        _cophenetic_core(children, height, n, size, start, order, out)


cdef void _cophenetic_moments_core(const index_t[:, ::1] children, const double[::1] height,
                                   index_t n, const index_t[::1] size,
                                   const index_t[::1] start, const int[::1] order,
                                   const double[::1] y, double y_mean, double c_mean,
                                   double* result) noexcept nogil:
    cdef index_t s, p, q, i, j, a, b, a0, a1, b1, k, length = n * (n - 1) // 2
    cdef double cross = 0.0, c2 = 0.0, y2 = 0.0, part, dc, dy
    for s in range(n - 1):
        a = children[s, 0]
        b = children[s, 1]
        a0 = start[a]
        a1 = a0 + size[a]
        b1 = start[b] + size[b]
        part = 0.0
        for p in range(a0, a1):
            for q in range(a1, b1):
                i = order[p]
                j = order[q]
                if i < j:
                    part += y[condensed_index(n, i, j)] - y_mean
                else:
                    part += y[condensed_index(n, j, i)] - y_mean
        dc = height[s] - c_mean
        cross += dc * part
        c2 += dc * dc * <double>size[a] * <double>size[b]
    for k in range(length):
        dy = y[k] - y_mean
        y2 += dy * dy
    result[0] = cross
    result[1] = c2
    result[2] = y2


def cophenetic_moments(const index_t[:, ::1] children,   # in: (n - 1, 2)
                       const double[::1] height,          # in: Z[:, 2]
                       index_t n,                         # in
                       const index_t[::1] size,           # in: from tree_layout
                       const index_t[::1] start,          # in
                       const int[::1] order,              # in
                       const double[::1] y,               # in: condensed distances
                       double y_mean, double c_mean):     # in: the two means
    """Centred sums (cross, cophenetic squares, distance squares) of the correlation.

    The cophenetic matrix is never stored: merge s contributes
    (height[s] - c_mean) * sum over its pairs of (y - y_mean). Time O(n^2),
    extra memory O(1).
    """
    cdef double result[3]
    with nogil:
        _cophenetic_moments_core(children, height, n, size, start, order, y, y_mean,
                                 c_mean, result)
    return result[0], result[1], result[2]


# ---------------------------------------------------------------- inconsistency

cdef void _inconsistent_core(const index_t[:, ::1] children, const double[::1] height,
                             index_t n, index_t d, index_t[::1] stack,
                             index_t[::1] depth, double[:, ::1] R) noexcept nogil:
    cdef index_t s, top, node, level, c, k
    cdef double total, squares, h, var
    for s in range(n - 1):
        total = 0.0
        squares = 0.0
        k = 0
        stack[0] = s
        depth[0] = 0
        top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            level = depth[top]
            h = height[node]
            total += h
            squares += h * h
            k += 1
            if level < d - 1:
                for c in range(2):
                    if children[node, c] >= n:
                        stack[top] = children[node, c] - n
                        depth[top] = level + 1
                        top += 1
        R[s, 0] = total / k
        R[s, 2] = <double>k
        if k < 2:
            var = (squares - total * total) / k
        else:
            var = (squares - total * total / k) / (k - 1)
        if var > 0:
            R[s, 1] = sqrt(var)
            R[s, 3] = (height[s] - R[s, 0]) / R[s, 1]
        else:
            R[s, 1] = 0.0
            R[s, 3] = 0.0


def inconsistent_stats(const index_t[:, ::1] children,   # in: (n - 1, 2)
                       const double[::1] height,          # in: Z[:, 2]
                       index_t n, index_t d,              # in: d >= 0
                       double[:, ::1] R):                 # out: (n - 1, 4)
    """SciPy's inconsistency matrix: statistics of the heights within d levels of each row.

    Row s gathers its own height and those of the non-singleton nodes at most
    d - 1 levels below it (d = 0 counts as d = 1). Columns: mean, standard
    deviation (n - 1 in the denominator; 0 for one link), count, and the
    inconsistency coefficient (0 when the deviation is 0).
    """
    cdef index_t[::1] stack = np.empty(n, dtype=np.intp)
    cdef index_t[::1] depth = np.empty(n, dtype=np.intp)
    with nogil:
        _inconsistent_core(children, height, n, d, stack, depth, R)


# ---------------------------------------------------------------- flat clusters

cdef void _monocrit_core(const index_t[:, ::1] children, const double[::1] mc, index_t n,
                         double cutoff, index_t[::1] stack, unsigned char[::1] visited,
                         int[::1] T) noexcept nogil:
    # SciPy's traversal order (cluster_monocrit): left non-singleton subtree,
    # right non-singleton subtree, then the singleton children of the node.
    cdef index_t k = 0, root, left, right, leader = -1
    cdef int n_cluster = 0
    visited[:] = 0
    stack[0] = n - 2
    while k >= 0:
        root = stack[k]
        left = children[root, 0]
        right = children[root, 1]
        if leader == -1 and mc[root] <= cutoff:
            leader = root
            n_cluster += 1
        if left >= n and not visited[left - n]:
            visited[left - n] = 1
            k += 1
            stack[k] = left - n
            continue
        if right >= n and not visited[right - n]:
            visited[right - n] = 1
            k += 1
            stack[k] = right - n
            continue
        if left < n:
            if leader == -1:
                n_cluster += 1
            T[left] = n_cluster
        if right < n:
            if leader == -1:
                n_cluster += 1
            T[right] = n_cluster
        if leader == root:
            leader = -1
        k -= 1


cdef index_t _count_clusters(const index_t[:, ::1] children, const double[::1] mc,
                             index_t n, double cutoff, index_t[::1] stack) noexcept nogil:
    """Number of flat clusters _monocrit_core would make with this cutoff."""
    cdef index_t top = 1, node, c, child, count = 0
    stack[0] = n - 2
    while top > 0:
        top -= 1
        node = stack[top]
        if mc[node] <= cutoff:
            count += 1
            continue
        for c in range(2):
            child = children[node, c]
            if child >= n:
                stack[top] = child - n
                top += 1
            else:
                count += 1
    return count


def cluster_monocrit(const index_t[:, ::1] children,   # in: (n - 1, 2), n >= 2
                     const double[::1] mc,              # in: one value per row
                     index_t n, double cutoff,          # in
                     int[::1] T):                       # out: n labels 1..k
    """Flat clusters: the highest nodes with mc <= cutoff, numbered as SciPy does."""
    cdef index_t[::1] stack = np.empty(n, dtype=np.intp)
    cdef unsigned char[::1] visited = np.empty(n - 1, dtype=np.uint8)
    with nogil:
        _monocrit_core(children, mc, n, cutoff, stack, visited, T)


def cluster_maxclust(const index_t[:, ::1] children,   # in: (n - 1, 2), n >= 2
                     const double[::1] mc,              # in: one value per row
                     const double[::1] candidates,      # in: sorted unique values of mc
                     index_t n, index_t max_nc,         # in: 1 <= max_nc < n
                     int[::1] T):                       # out: n labels 1..k
    """Flat clusters at the smallest candidate cutoff that gives at most max_nc clusters.

    The count of clusters does not grow with the cutoff, so a binary search
    over the candidates finds it; the largest candidate always gives one.
    Returns the cutoff used.
    """
    cdef index_t[::1] stack = np.empty(n, dtype=np.intp)
    cdef unsigned char[::1] visited = np.empty(n - 1, dtype=np.uint8)
    cdef index_t lo = -1, hi = candidates.shape[0] - 1, mid
    with nogil:
        # Invariant: candidates[hi] gives <= max_nc clusters; lo is below the answer.
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _count_clusters(children, mc, n, candidates[mid], stack) <= max_nc:
                hi = mid
            else:
                lo = mid
        _monocrit_core(children, mc, n, candidates[hi], stack, visited, T)
    return candidates[hi]


cdef void _cut_core(const index_t[:, ::1] children, index_t n, const index_t[::1] rows,
                    const index_t[::1] merges, index_t[::1] parent, index_t[::1] member,
                    index_t[::1] label, index_t[::1] stamp,
                    long long[:, ::1] out) noexcept nogil:
    cdef index_t i, s, col, done = 0, ra, rb, r, next_label, row
    for i in range(n):
        parent[i] = i
        member[i] = i
        stamp[i] = -1
    for col in range(merges.shape[0]):
        while done < merges[col]:
            row = rows[done]
            ra = find_root(&parent[0], member[children[row, 0]])
            rb = find_root(&parent[0], member[children[row, 1]])
            if ra < rb:              # keep the smaller observation as the root
                parent[rb] = ra
                member[n + row] = ra
            else:
                parent[ra] = rb
                member[n + row] = rb
            done += 1
        next_label = 0
        for i in range(n):
            r = find_root(&parent[0], i)
            if stamp[r] != col:
                stamp[r] = col
                label[r] = next_label
                next_label += 1
            out[i, col] = label[r]


def cut_labels(const index_t[:, ::1] children,   # in: (n - 1, 2)
               index_t n,                         # in
               const index_t[::1] rows,           # in: the rows in the order to apply them
               const index_t[::1] merges,         # in: ascending counts of rows to apply
               long long[:, ::1] out):            # out: (n, len(merges))
    """Column c: flat labels after the first merges[c] rows of `rows` are merged.

    Precondition: every prefix of `rows` is downward closed (children first).
    Labels are 0..k-1 in order of first appearance in observation order, as
    SciPy's cut_tree numbers them. One union-find pass plus O(n) per column.
    """
    cdef index_t[::1] parent = np.empty(n, dtype=np.intp)
    cdef index_t[::1] member = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] label = np.empty(n, dtype=np.intp)
    cdef index_t[::1] stamp = np.empty(n, dtype=np.intp)
    with nogil:
        _cut_core(children, n, rows, merges, parent, member, label, stamp, out)


cdef index_t _leaders_core(const index_t[:, ::1] children, const long long[::1] T, index_t n,
                           long long[::1] cluster_of, index_t[::1] stack,
                           unsigned char[::1] visited, long long[::1] seen_codes,
                           long long[::1] L, long long[::1] M, index_t* found) noexcept nogil:
    # cluster_of[v]: the code of the flat cluster holding every leaf under v, or -1.
    # SciPy's order: a depth-first post-order walk (left subtree, right subtree,
    # node); a node whose children differ emits its uniform children as leaders,
    # left first; the root is last if it is uniform itself.
    cdef index_t s, k = 0, root, left, right, count = 0, v, c
    cdef long long code
    for s in range(n):
        cluster_of[s] = T[s]
    for s in range(n - 1):
        left = children[s, 0]
        right = children[s, 1]
        if cluster_of[left] == cluster_of[right]:
            cluster_of[n + s] = cluster_of[left]
        else:
            cluster_of[n + s] = -1
    visited[:] = 0
    seen_codes[:] = 0
    stack[0] = n - 2
    while k >= 0:
        root = stack[k]
        left = children[root, 0]
        right = children[root, 1]
        if left >= n and not visited[left - n]:
            visited[left - n] = 1
            k += 1
            stack[k] = left - n
            continue
        if right >= n and not visited[right - n]:
            visited[right - n] = 1
            k += 1
            stack[k] = right - n
            continue
        if cluster_of[n + root] < 0:
            for c in range(2):
                v = children[root, c]
                code = cluster_of[v]
                if code >= 0:
                    if seen_codes[code]:
                        found[0] = count
                        return v
                    seen_codes[code] = 1
                    L[count] = v
                    M[count] = code
                    count += 1
        k -= 1
    if cluster_of[2 * n - 2] >= 0:
        L[count] = 2 * n - 2
        M[count] = cluster_of[2 * n - 2]
        count += 1
    found[0] = count
    return -1


def leaders_of(const index_t[:, ::1] children,   # in: (n - 1, 2), n >= 2
               const long long[::1] T,            # in: dense codes 0..k-1 of the clusters
               index_t n,                         # in
               long long[::1] L,                  # out: k leader node ids
               long long[::1] M):                 # out: k codes
    """Leaders of the flat clusters T, in SciPy's traversal order.

    Returns -1, or the id of the first node found where a flat cluster shows up
    a second time (T is then not a cut of the tree).
    """
    cdef long long[::1] cluster_of = np.empty(2 * n - 1, dtype=np.longlong)
    cdef index_t[::1] stack = np.empty(n, dtype=np.intp)
    cdef unsigned char[::1] visited = np.empty(n - 1, dtype=np.uint8)
    cdef long long[::1] seen_codes = np.empty(n, dtype=np.longlong)
    cdef index_t found = 0, bad
    with nogil:
        bad = _leaders_core(children, T, n, cluster_of, stack, visited, seen_codes, L, M,
                            &found)
    return bad
