"""Agglomerative clustering restricted to a graph: clusters merge only along edges.

Two clusters are adjacent when an edge of the graph joins a point of one to a
point of the other. Each step merges the adjacent pair with the smallest
linkage value, scikit-learn's definitions on the graph:

    ward      from the clusters' sizes and coordinate sums, exact for any pair:
              n_a n_b / (n_a + n_b) * |mean_a - mean_b|^2, the height being
              sqrt(2 * that), SciPy's Ward distance
    complete  the larger of the two values the merged clusters carry for a
              neighbour, or the one value when only one of them is adjacent to it
    average   the size-weighted mean of the two values, or the one value
    single    Kruskal's minimum spanning forest of the edges (single_forest)

A value starts as the edge's distance. With every edge present, complete and
average are complete and average linkage; on a sparse graph they only see the
distances of edges. With all_pairs, a value missing on one side is computed
from the points instead (the largest, smallest or mean distance between the
two clusters' points), so that the values of complete, single and average are
the true linkage distances of adjacent clusters. Ties: the smallest (value, larger node id, smaller node id)
merges first, node ids being SciPy's (observations 0..n-1, merge s makes n + s).

Memory: each cluster's adjacency list of (neighbour, value) entries, built at
its merge from its two children's lists and appended to when a neighbour merges
(entries of merged clusters are dropped when a list has to grow), so the lists
hold O(n + E) entries; a heap of candidate pairs whose merged ends are removed
whenever it would grow, so it holds O(E); for ward the coordinate sums, one row
per live cluster (n x d).
"""
import numpy as np

from libc.math cimport sqrt
from libc.stdlib cimport free, malloc, realloc

from ._common cimport (METHOD_AVERAGE, METHOD_COMPLETE, METHOD_SINGLE, METHOD_WARD,
                       SIGNAL_CHECK_WORK,
                       STATUS_BUG, STATUS_INTERRUPTED, STATUS_OK, find_root, index_t,
                       reraise_pending, report_and_poll)
from ._pair_distance cimport Params, pair_distance

# Returned when an allocation fails inside the nogil core.
cdef enum:
    STATUS_NO_MEMORY = 3


cdef struct Entry:          # a neighbour of a cluster and the pair's value
    index_t node
    double value


cdef struct AdjList:
    Entry* e
    index_t size
    index_t cap


cdef struct Cand:           # a candidate merge
    double value
    index_t a               # the larger node id
    index_t b               # the smaller


cdef struct Heap:
    Cand* c
    index_t size
    index_t cap


cdef inline bint cand_less(const Cand* x, const Cand* y) noexcept nogil:
    return x.value < y.value or (x.value == y.value and (
        x.a < y.a or (x.a == y.a and x.b < y.b)))


cdef void sift_down(Cand* c, index_t size, index_t i) noexcept nogil:
    cdef Cand item = c[i]
    cdef index_t child
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and cand_less(&c[child + 1], &c[child]):
            child += 1
        if not cand_less(&c[child], &item):
            break
        c[i] = c[child]
        i = child
    c[i] = item


cdef void heapify(Heap* h) noexcept nogil:
    cdef index_t i
    for i in range(h.size // 2 - 1, -1, -1):
        sift_down(h.c, h.size, i)


cdef void drop_merged(Heap* h, const char* alive) noexcept nogil:
    """Remove the candidates with a merged end, then restore the heap order."""
    cdef index_t r, w = 0
    for r in range(h.size):
        if alive[h.c[r].a] and alive[h.c[r].b]:
            h.c[w] = h.c[r]
            w += 1
    h.size = w
    heapify(h)


cdef int heap_push(Heap* h, double value, index_t a, index_t b, const char* alive) noexcept nogil:
    """Push (value, a, b), a > b; 0, or -1 when memory runs out."""
    cdef Cand* grown
    cdef index_t i, parent
    cdef Cand item
    if h.size == h.cap:
        drop_merged(h, alive)
        if 2 * h.size > h.cap:
            grown = <Cand*>realloc(h.c, 2 * h.cap * sizeof(Cand))
            if grown == NULL:
                return -1
            h.c = grown
            h.cap *= 2
    item.value = value
    item.a = a
    item.b = b
    i = h.size
    h.size += 1
    while i > 0:
        parent = (i - 1) // 2
        if not cand_less(&item, &h.c[parent]):
            break
        h.c[i] = h.c[parent]
        i = parent
    h.c[i] = item
    return 0


cdef Cand heap_pop(Heap* h) noexcept nogil:
    cdef Cand top = h.c[0]
    h.size -= 1
    if h.size > 0:
        h.c[0] = h.c[h.size]
        sift_down(h.c, h.size, 0)
    return top


cdef int list_append(AdjList* lst, index_t node, double value, const char* alive) noexcept nogil:
    """Append (node, value), first dropping entries of merged clusters when full."""
    cdef index_t r, w
    cdef Entry* grown
    cdef index_t cap
    if lst.size == lst.cap:
        w = 0
        for r in range(lst.size):
            if alive[lst.e[r].node]:
                lst.e[w] = lst.e[r]
                w += 1
        lst.size = w
        if 2 * w >= lst.cap:
            cap = 2 * lst.cap if lst.cap > 0 else 4
            grown = <Entry*>realloc(lst.e, cap * sizeof(Entry))
            if grown == NULL:
                return -1
            lst.e = grown
            lst.cap = cap
    lst.e[lst.size].node = node
    lst.e[lst.size].value = value
    lst.size += 1
    return 0


cdef inline double ward_value(const double* sums, index_t d, index_t sr, index_t sc,
                              double nr, double nc) noexcept nogil:
    """n_r n_c / (n_r + n_c) * |sums_r / n_r - sums_c / n_c|^2 (rows sr and sc of sums)."""
    cdef double w = (nr * nc) / (nr + nc), acc = 0.0, t
    cdef index_t k
    for k in range(d):
        t = sums[sr * d + k] / nr - sums[sc * d + k] / nc
        acc += t * t
    return acc * w


cdef struct Workspace:          # one graph_linkage call's state, allocated by its wrapper
    index_t n
    index_t d
    int method
    bint ward
    bint all_pairs
    const double* X             # (n, d) points
    const Params* prm           # their metric (all_pairs)
    const double* norms         # row norms for cosine, or NULL
    double* sums                # ward: coordinate sums, one row per live cluster
    index_t* slot               # node -> its row of sums
    double* size                # node -> number of points
    char* alive                 # node -> 1 while it is a cluster
    index_t* min_obs            # node -> its smallest point
    index_t* head               # node -> its first point; the others follow next_point
    index_t* tail               # node -> its last point
    index_t* next_point         # point -> the next point of its cluster
    index_t* stamp              # node -> the last merge that listed it as a neighbour
    index_t* pos                # node -> its place in that merge's list
    char* side                  # all_pairs: per entry of a merge's list, which child has it
    index_t side_cap
    AdjList* lists              # node -> its neighbours and the pairs' values
    Heap heap                   # candidate merges
    index_t work                # work done since the last check for Ctrl-C


cdef double cluster_distance(const Workspace* w, index_t a, index_t c) noexcept nogil:
    """The linkage distance of clusters a and c from all pairs of their points.

    A cluster's points are the size[a] points from head[a] on: the chain goes on
    into its sibling's once the two have merged.
    """
    cdef index_t p = w.head[a], q, lo, hi, ia, ic, d = w.d
    cdef index_t count_a = <index_t>w.size[a], count_c = <index_t>w.size[c]
    cdef double acc = 0.0 if w.method == METHOD_AVERAGE else -1.0, dist
    cdef bint first = True
    for ia in range(count_a):
        q = w.head[c]
        for ic in range(count_c):
            lo = p if p < q else q
            hi = q if p < q else p
            dist = pair_distance(w.X + lo * d, w.X + hi * d, d, w.prm,
                                 w.norms[lo] if w.norms != NULL else 0.0,
                                 w.norms[hi] if w.norms != NULL else 0.0, NULL)
            if w.method == METHOD_AVERAGE:
                acc += dist
            elif first or (dist > acc if w.method == METHOD_COMPLETE else dist < acc):
                acc = dist
            first = False
            q = w.next_point[q]
        p = w.next_point[p]
    return acc / (count_a * <double>count_c) if w.method == METHOD_AVERAGE else acc


cdef inline double combine(int method, double value_i, double value_j, double ni,
                           double nj) noexcept nogil:
    """The merged cluster's value from its children's (i's first, as the heap gave them)."""
    if method == METHOD_COMPLETE:
        return value_j if value_j > value_i else value_i
    if method == METHOD_SINGLE:
        return value_j if value_j < value_i else value_i
    return (ni * value_i + nj * value_j) / (ni + nj)


cdef int start(Workspace* w, const index_t* indptr, const index_t* indices,
               const double* values) noexcept nogil:
    """Every point its own cluster; the lists and the heap from the graph's edges."""
    cdef index_t u, v, t, cnt, n = w.n
    cdef double value
    for u in range(n):
        w.alive[u] = 1
        w.size[u] = 1.0
        w.slot[u] = u
        w.stamp[u] = -1
        w.min_obs[u] = u
        w.head[u] = u
        w.tail[u] = u
        w.next_point[u] = -1
        cnt = indptr[u + 1] - indptr[u]
        w.lists[u].size = cnt
        w.lists[u].cap = cnt
        w.lists[u].e = <Entry*>malloc(cnt * sizeof(Entry)) if cnt > 0 else NULL
        if cnt > 0 and w.lists[u].e == NULL:
            return STATUS_NO_MEMORY
        for t in range(cnt):
            v = indices[indptr[u] + t]
            value = ward_value(w.sums, w.d, u, v, 1.0, 1.0) if w.ward else values[indptr[u] + t]
            w.lists[u].e[t].node = v
            w.lists[u].e[t].value = value
            if v < u:
                w.heap.c[w.heap.size].value = value
                w.heap.c[w.heap.size].a = u
                w.heap.c[w.heap.size].b = v
                w.heap.size += 1
    for u in range(n, 2 * n - 1):
        w.alive[u] = 0
        w.stamp[u] = -1
    heapify(&w.heap)
    return STATUS_OK


cdef index_t merged_neighbours(Workspace* w, index_t i, index_t j, index_t k,
                               Entry* fresh) noexcept nogil:
    """Write k's neighbours into fresh: i's, then j's, a shared one once with the two
    values combined; returns their number. With all_pairs, a value that only one
    child has is combined with the other child's, computed from the points."""
    cdef AdjList* li = &w.lists[i]
    cdef AdjList* lj = &w.lists[j]
    cdef index_t t, c, cnt = 0
    cdef double ni = w.size[i], nj = w.size[j], value
    for t in range(li.size):
        c = li.e[t].node
        if w.alive[c]:
            w.stamp[c] = k
            w.pos[c] = cnt
            fresh[cnt] = li.e[t]
            if w.all_pairs:
                w.side[cnt] = 1
            cnt += 1
    for t in range(lj.size):
        c = lj.e[t].node
        if not w.alive[c]:
            continue
        if w.stamp[c] == k:
            if not w.ward:
                fresh[w.pos[c]].value = combine(w.method, fresh[w.pos[c]].value,
                                                lj.e[t].value, ni, nj)
            if w.all_pairs:
                w.side[w.pos[c]] = 3
        else:
            w.stamp[c] = k
            fresh[cnt] = lj.e[t]
            if w.all_pairs:
                w.side[cnt] = 2
            cnt += 1
    if w.all_pairs:
        for t in range(cnt):
            c = fresh[t].node
            if w.side[t] == 1:
                value = cluster_distance(w, j, c)
                fresh[t].value = combine(w.method, fresh[t].value, value, ni, nj)
                w.work += <index_t>(nj * w.size[c]) * w.d
            elif w.side[t] == 2:
                value = cluster_distance(w, i, c)
                fresh[t].value = combine(w.method, value, fresh[t].value, ni, nj)
                w.work += <index_t>(ni * w.size[c]) * w.d
    w.work += li.size + lj.size
    return cnt


cdef int merge(Workspace* w, index_t i, index_t j, index_t k) noexcept nogil:
    """Merge clusters i > j into node k: its points, sums, neighbours and candidates."""
    cdef AdjList* li = &w.lists[i]
    cdef AdjList* lj = &w.lists[j]
    cdef index_t t, c, cnt, total = li.size + lj.size, d = w.d
    cdef Entry* fresh
    cdef char* grown
    w.size[k] = w.size[i] + w.size[j]
    w.min_obs[k] = w.min_obs[i] if w.min_obs[i] < w.min_obs[j] else w.min_obs[j]
    w.next_point[w.tail[i]] = w.head[j]      # k's points: i's, then j's
    w.head[k] = w.head[i]
    w.tail[k] = w.tail[j]
    if w.ward:
        for t in range(d):
            w.sums[w.slot[j] * d + t] = w.sums[w.slot[i] * d + t] + w.sums[w.slot[j] * d + t]
        w.slot[k] = w.slot[j]
    if w.all_pairs and total > w.side_cap:
        grown = <char*>realloc(w.side, total * sizeof(char))
        if grown == NULL:
            return STATUS_NO_MEMORY
        w.side = grown
        w.side_cap = total
    fresh = <Entry*>malloc(total * sizeof(Entry)) if total > 0 else NULL
    if total > 0 and fresh == NULL:
        return STATUS_NO_MEMORY
    w.alive[i] = 0
    w.alive[j] = 0
    cnt = merged_neighbours(w, i, j, k, fresh)
    w.alive[k] = 1
    free(li.e)
    free(lj.e)
    li.e = lj.e = NULL
    li.size = li.cap = lj.size = lj.cap = 0
    w.lists[k].e = fresh
    w.lists[k].size = cnt
    w.lists[k].cap = cnt
    for t in range(cnt):
        c = fresh[t].node
        if w.ward:
            fresh[t].value = ward_value(w.sums, d, w.slot[k], w.slot[c], w.size[k], w.size[c])
        if (list_append(&w.lists[c], k, fresh[t].value, w.alive) != 0
                or heap_push(&w.heap, fresh[t].value, k, c, w.alive) != 0):
            return STATUS_NO_MEMORY
    w.work += cnt * (d if w.ward else 1)
    return STATUS_OK


cdef int merge_along_graph(Workspace* w, double* Z, index_t* n_merges,
                           long long* progress) noexcept nogil:
    """Pop the smallest candidate whose ends are both clusters and merge them, until
    none is left; Z gets one row per merge."""
    cdef index_t step = 0, k
    cdef int status
    cdef Cand top
    while w.heap.size > 0:
        top = heap_pop(&w.heap)
        if not (w.alive[top.a] and w.alive[top.b]):
            continue
        k = w.n + step
        Z[4 * step] = top.b
        Z[4 * step + 1] = top.a
        Z[4 * step + 2] = sqrt(2.0 * top.value) if w.ward else top.value
        Z[4 * step + 3] = w.size[top.a] + w.size[top.b]
        status = merge(w, top.a, top.b, k)
        step += 1
        n_merges[0] = step
        if status != STATUS_OK:
            return status
        if w.work >= SIGNAL_CHECK_WORK:
            w.work = 0
            if report_and_poll(progress, step):
                return STATUS_INTERRUPTED
    if progress != NULL:
        progress[1] = progress[2]
    return STATUS_OK


cdef Params plain_metric(int metric) noexcept:
    """The parameters of a metric that takes none (no weights, p = 2)."""
    cdef Params prm
    prm.metric = metric
    prm.p = 2.0
    prm.w = NULL
    prm.V = NULL
    prm.VI = NULL
    prm.log_base = 0.0
    return prm


def graph_linkage(index_t n,
                  const index_t[::1] indptr,     # in: CSR of the symmetric graph, no self-loops
                  const index_t[::1] indices,    # in: each row's neighbours, unique
                  const double[::1] values,      # in: edge distances (complete, average)
                  int method,                    # in: METHOD_WARD, _COMPLETE, _AVERAGE, _SINGLE
                  const double[:, ::1] X,        # in: (n, d) observations
                  double[:, ::1] Z,              # out: (n - 1, 4); the first n_merges rows
                  index_t[::1] min_obs,          # out: (2n - 1): smallest observation per node
                  char[::1] alive,               # out: (2n - 1): 1 for the clusters left
                  bint all_pairs=False,          # in: values missing on one side from the points
                  int metric=0,                  # in: with all_pairs, the METRIC_* code
                  const double[::1] norms=None,  # in: with all_pairs and cosine, row norms
                  long long[::1] progress=None):  # out: [stage, done, total], see _progress.py
    """Merge along the graph until no two clusters are adjacent; returns the number of merges.

    Rows [0, n_merges) of Z are the merges in order, with SciPy's ids (merge s
    makes n + s), the smaller child first, the height and the size. The clusters
    left (one per connected component) are the nodes with alive == 1.
    METHOD_SINGLE needs all_pairs (single linkage along edges is single_forest).
    """
    cdef index_t n_edges = indptr[n], n_merges = 0, u
    cdef bint ward = method == METHOD_WARD
    cdef double[:, ::1] sums = np.array(X, dtype=np.float64, copy=True) if ward \
        else np.empty((0, 0))
    cdef index_t[::1] head = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] tail = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] next_point = np.empty(n, dtype=np.intp)
    cdef double[::1] size = np.empty(2 * n - 1)
    cdef index_t[::1] slot = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] stamp = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] pos = np.empty(2 * n - 1, dtype=np.intp)
    cdef Params prm = plain_metric(metric)
    cdef int status
    cdef long long* counters = NULL
    cdef Workspace w
    w.n = n
    w.d = X.shape[1]
    w.method = method
    w.ward = ward
    w.all_pairs = all_pairs
    w.X = &X[0, 0]
    w.prm = &prm
    w.norms = &norms[0] if norms is not None and norms.shape[0] > 0 else NULL
    w.sums = &sums[0, 0] if ward else NULL
    w.slot = &slot[0]
    w.size = &size[0]
    w.alive = &alive[0]
    w.min_obs = &min_obs[0]
    w.head = &head[0]
    w.tail = &tail[0]
    w.next_point = &next_point[0]
    w.stamp = &stamp[0]
    w.pos = &pos[0]
    w.side = NULL
    w.side_cap = 0
    w.work = 0
    w.heap.cap = max(n_edges // 2, 16)
    w.heap.size = 0
    w.heap.c = <Cand*>malloc(w.heap.cap * sizeof(Cand))
    w.lists = <AdjList*>malloc((2 * n - 1) * sizeof(AdjList))
    if w.lists == NULL or w.heap.c == NULL:
        free(w.lists)
        free(w.heap.c)
        raise MemoryError("graph linkage: no memory for the adjacency lists and the heap")
    for u in range(2 * n - 1):
        w.lists[u].e = NULL
        w.lists[u].size = 0
        w.lists[u].cap = 0
    if progress is not None:
        counters = &progress[0]
        counters[2] = n - 1
    try:
        with nogil:
            status = start(&w, &indptr[0], &indices[0] if n_edges > 0 else NULL,
                           &values[0] if values.shape[0] > 0 else NULL)
            if status == STATUS_OK:
                status = merge_along_graph(&w, &Z[0, 0], &n_merges, counters)
    finally:
        for u in range(2 * n - 1):
            free(w.lists[u].e)
        free(w.lists)
        free(w.heap.c)
        free(w.side)
    if status == STATUS_INTERRUPTED:
        reraise_pending()
    if status == STATUS_NO_MEMORY:
        raise MemoryError("graph linkage: out of memory for the adjacency lists or the heap")
    if status != STATUS_OK:
        raise RuntimeError(f"graph linkage: internal error (status {status})")
    return n_merges


def single_forest(index_t n,
                  const index_t[::1] u,         # in: edge ends, u < v
                  const index_t[::1] v,
                  const index_t[::1] order,     # in: edges by (distance, u, v)
                  index_t[::1] tree_edges):     # out: the forest's edges, as positions in u/v
    """Kruskal: the minimum spanning forest of the edges taken in `order`; returns its size."""
    cdef index_t[::1] parent = np.arange(n, dtype=np.intp)
    cdef index_t t, e, ru, rv, count = 0
    with nogil:
        for t in range(order.shape[0]):
            e = order[t]
            ru = find_root(&parent[0], u[e])
            rv = find_root(&parent[0], v[e])
            if ru == rv:
                continue
            parent[ru] = rv
            tree_edges[count] = e
            count += 1
            if count == n - 1:
                break
    return count


def edge_distances(const double[:, ::1] X,
                   const index_t[::1] u,
                   const index_t[::1] v,
                   int metric,                   # in: a METRIC_* code without parameters
                   const double[::1] norms,      # in: row norms for cosine, else empty
                   double[::1] out):
    """out[e] = the distance between rows u[e] < v[e], pdist's value for the pair."""
    cdef Params prm = plain_metric(metric)
    cdef index_t e, d = X.shape[1]
    cdef bint cosine = norms.shape[0] > 0
    with nogil:
        for e in range(u.shape[0]):
            out[e] = pair_distance(&X[u[e], 0], &X[v[e], 0], d, &prm,
                                   norms[u[e]] if cosine else 0.0,
                                   norms[v[e]] if cosine else 0.0, NULL)


def component_labels(index_t n,
                     const index_t[::1] u,      # in: edge ends
                     const index_t[::1] v,
                     index_t[::1] labels):      # out: (n,) part of each point
    """Label the connected parts 0, 1, ... in order of their smallest point; returns their number."""
    cdef index_t[::1] parent = np.arange(n, dtype=np.intp)
    cdef index_t e, i, ru, rv, count = 0
    with nogil:
        for e in range(u.shape[0]):
            ru = find_root(&parent[0], u[e])
            rv = find_root(&parent[0], v[e])
            # the smaller point becomes the root: a root is its part's smallest point
            if ru < rv:
                parent[rv] = ru
            elif rv < ru:
                parent[ru] = rv
        for i in range(n):
            ru = find_root(&parent[0], i)
            if ru == i:
                labels[i] = count
                count += 1
            else:
                labels[i] = labels[ru]          # ru < i: labelled already
    return count
