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


cdef double cluster_distance(int method, const double* X, index_t d, const Params* prm,
                             const double* norms, const index_t* head, const index_t* next_point,
                             index_t a, index_t c, double size_a, double size_c,
                             index_t* work) noexcept nogil:
    """The linkage distance of clusters a and c from all pairs of their points.

    A cluster's points are the size_a points from head[a] on: the list goes on
    into its sibling's once the two have merged.
    """
    cdef index_t p = head[a], q, lo, hi, ia, ic
    cdef index_t count_a = <index_t>size_a, count_c = <index_t>size_c
    cdef double acc = 0.0 if method == METHOD_AVERAGE else -1.0, dist
    cdef bint first = True
    for ia in range(count_a):
        q = head[c]
        for ic in range(count_c):
            lo = p if p < q else q
            hi = q if p < q else p
            dist = pair_distance(X + lo * d, X + hi * d, d, prm,
                                 norms[lo] if norms != NULL else 0.0,
                                 norms[hi] if norms != NULL else 0.0, NULL)
            if method == METHOD_AVERAGE:
                acc += dist
            elif first or (dist > acc if method == METHOD_COMPLETE else dist < acc):
                acc = dist
            first = False
            q = next_point[q]
        p = next_point[p]
    work[0] += <index_t>(size_a * size_c) * d
    return acc / (size_a * size_c) if method == METHOD_AVERAGE else acc


cdef inline double combine(int method, double value_i, double value_j, double ni,
                           double nj) noexcept nogil:
    """The merged cluster's value from its children's (i's first, as the heap gave them)."""
    if method == METHOD_COMPLETE:
        return value_j if value_j > value_i else value_i
    if method == METHOD_SINGLE:
        return value_j if value_j < value_i else value_i
    return (ni * value_i + nj * value_j) / (ni + nj)


cdef int merge_along_graph(index_t n, const index_t* indptr, const index_t* indices,
                           const double* values, int method, double* sums, index_t d,
                           double* Z, index_t* n_merges, index_t* min_obs,
                           char* alive, double* size, index_t* slot, index_t* stamp,
                           index_t* pos, AdjList* lists, Heap* heap,
                           bint all_pairs, const double* X, const Params* prm,
                           const double* norms, index_t* head, index_t* tail,
                           index_t* next_point, long long* progress) noexcept nogil:
    """The merge loop; lists, heap and the scratch arrays are the caller's (2n - 1 each;
    next_point n). With all_pairs, X holds the points (d columns) and prm their metric."""
    cdef index_t u, v, t, k, i, j, c, cnt, si, sj
    cdef index_t step = 0, work = 0
    cdef double value, ni, nj
    cdef Cand top
    cdef Entry* fresh
    cdef char* side = NULL        # with all_pairs: 1 = from i only, 2 = from j only, 3 = both
    cdef AdjList* li
    cdef AdjList* lj
    cdef bint ward = method == METHOD_WARD

    for u in range(n):
        alive[u] = 1
        size[u] = 1.0
        slot[u] = u
        stamp[u] = -1
        min_obs[u] = u
        head[u] = u
        tail[u] = u
        next_point[u] = -1
        cnt = indptr[u + 1] - indptr[u]
        lists[u].size = cnt
        lists[u].cap = cnt
        lists[u].e = <Entry*>malloc(cnt * sizeof(Entry)) if cnt > 0 else NULL
        if cnt > 0 and lists[u].e == NULL:
            return STATUS_NO_MEMORY
        for t in range(cnt):
            v = indices[indptr[u] + t]
            value = ward_value(sums, d, u, v, 1.0, 1.0) if ward else values[indptr[u] + t]
            lists[u].e[t].node = v
            lists[u].e[t].value = value
            if v < u:
                heap.c[heap.size].value = value
                heap.c[heap.size].a = u
                heap.c[heap.size].b = v
                heap.size += 1
    for u in range(n, 2 * n - 1):
        alive[u] = 0
        stamp[u] = -1
        lists[u].e = NULL
        lists[u].size = 0
        lists[u].cap = 0
    heapify(heap)

    while heap.size > 0:
        top = heap_pop(heap)
        if not (alive[top.a] and alive[top.b]):
            continue
        i = top.a
        j = top.b
        k = n + step
        ni = size[i]
        nj = size[j]
        Z[4 * step] = j
        Z[4 * step + 1] = i
        Z[4 * step + 2] = sqrt(2.0 * top.value) if ward else top.value
        Z[4 * step + 3] = ni + nj
        alive[i] = 0
        alive[j] = 0
        alive[k] = 1
        size[k] = ni + nj
        min_obs[k] = min_obs[i] if min_obs[i] < min_obs[j] else min_obs[j]
        if ward:
            si = slot[i]
            sj = slot[j]
            for t in range(d):
                sums[sj * d + t] = sums[si * d + t] + sums[sj * d + t]
            slot[k] = sj
        next_point[tail[i]] = head[j]      # k's points: i's, then j's
        head[k] = head[i]
        tail[k] = tail[j]

        # k's neighbours: those of i, then those of j (combined when both have one)
        li = &lists[i]
        lj = &lists[j]
        fresh = <Entry*>malloc((li.size + lj.size) * sizeof(Entry)) if li.size + lj.size > 0 else NULL
        if li.size + lj.size > 0 and fresh == NULL:
            return STATUS_NO_MEMORY
        if all_pairs:
            side = <char*>realloc(side, (li.size + lj.size + 1) * sizeof(char))
            if side == NULL:
                free(fresh)
                return STATUS_NO_MEMORY
        cnt = 0
        for t in range(li.size):
            c = li.e[t].node
            if alive[c]:
                stamp[c] = k
                pos[c] = cnt
                fresh[cnt] = li.e[t]
                if all_pairs:
                    side[cnt] = 1
                cnt += 1
        for t in range(lj.size):
            c = lj.e[t].node
            if not alive[c]:
                continue
            if stamp[c] == k:
                if not ward:
                    fresh[pos[c]].value = combine(method, fresh[pos[c]].value, lj.e[t].value,
                                                  ni, nj)
                if all_pairs:
                    side[pos[c]] = 3
            else:
                stamp[c] = k
                fresh[cnt] = lj.e[t]
                if all_pairs:
                    side[cnt] = 2
                cnt += 1
        if all_pairs:
            # a neighbour of one child only: the other child's value from the points
            for t in range(cnt):
                c = fresh[t].node
                if side[t] == 1:
                    value = cluster_distance(method, X, d, prm, norms, head, next_point, j, c,
                                             nj, size[c], &work)
                    fresh[t].value = combine(method, fresh[t].value, value, ni, nj)
                elif side[t] == 2:
                    value = cluster_distance(method, X, d, prm, norms, head, next_point, i, c,
                                             ni, size[c], &work)
                    fresh[t].value = combine(method, value, fresh[t].value, ni, nj)
        work += li.size + lj.size
        free(li.e)
        free(lj.e)
        li.e = NULL
        lj.e = NULL
        li.size = li.cap = lj.size = lj.cap = 0
        lists[k].e = fresh
        lists[k].size = cnt
        lists[k].cap = cnt
        for t in range(cnt):
            c = fresh[t].node
            if ward:
                fresh[t].value = ward_value(sums, d, slot[k], slot[c], size[k], size[c])
            if (list_append(&lists[c], k, fresh[t].value, alive) != 0
                    or heap_push(heap, fresh[t].value, k, c, alive) != 0):
                free(side)
                return STATUS_NO_MEMORY
        step += 1
        work += cnt * (d if ward else 1)
        if work >= SIGNAL_CHECK_WORK:
            work = 0
            if report_and_poll(progress, step):
                n_merges[0] = step
                free(side)
                return STATUS_INTERRUPTED
    free(side)
    n_merges[0] = step
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
    cdef index_t n_edges = indptr[n]
    cdef index_t d = X.shape[1]
    cdef bint ward = method == METHOD_WARD
    cdef double[:, ::1] sums = np.array(X, dtype=np.float64, copy=True) if ward \
        else np.empty((0, 0))
    cdef index_t[::1] head = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] tail = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] next_point = np.empty(n, dtype=np.intp)
    cdef Params prm = plain_metric(metric)
    cdef const double* norms_ptr = &norms[0] if norms is not None and norms.shape[0] > 0 else NULL
    cdef double[::1] size = np.empty(2 * n - 1)
    cdef index_t[::1] slot = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] stamp = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t[::1] pos = np.empty(2 * n - 1, dtype=np.intp)
    cdef index_t n_merges = 0, u
    cdef int status
    cdef long long* counters = NULL
    cdef AdjList* lists = <AdjList*>malloc((2 * n - 1) * sizeof(AdjList))
    cdef Heap heap
    heap.cap = max(n_edges // 2, 16)
    heap.size = 0
    heap.c = <Cand*>malloc(heap.cap * sizeof(Cand))
    if lists == NULL or heap.c == NULL:
        free(lists)
        free(heap.c)
        raise MemoryError("graph linkage: no memory for the adjacency lists and the heap")
    for u in range(2 * n - 1):
        lists[u].e = NULL
    if progress is not None:
        counters = &progress[0]
        counters[2] = n - 1
    try:
        with nogil:
            status = merge_along_graph(
                n, &indptr[0], &indices[0] if n_edges > 0 else NULL,
                &values[0] if values.shape[0] > 0 else NULL, method,
                &sums[0, 0] if ward else NULL, d, &Z[0, 0], &n_merges, &min_obs[0],
                &alive[0], &size[0], &slot[0], &stamp[0], &pos[0], lists, &heap,
                all_pairs, &X[0, 0], &prm, norms_ptr, &head[0], &tail[0], &next_point[0],
                counters)
    finally:
        for u in range(2 * n - 1):
            free(lists[u].e)
        free(lists)
        free(heap.c)
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
