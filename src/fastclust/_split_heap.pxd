# A binary max-heap of clusters waiting to be split, for the divisive kernels.
# Entry k is the segment [start[k], end[k]) of the kernel's permutation, with
# key[k] (diameter or sum of squares) and cid[k], the cluster's creation number.
# Order: larger key first, then smaller cid (the cluster made first).
from ._common cimport index_t


cdef struct SplitHeap:
    double* key
    index_t* cid
    index_t* start
    index_t* end
    index_t size


cdef inline bint heap_before(const SplitHeap* hp, index_t x, index_t y) noexcept nogil:
    return hp.key[x] > hp.key[y] or (hp.key[x] == hp.key[y] and hp.cid[x] < hp.cid[y])


cdef inline void heap_swap(SplitHeap* hp, index_t x, index_t y) noexcept nogil:
    hp.key[x], hp.key[y] = hp.key[y], hp.key[x]
    hp.cid[x], hp.cid[y] = hp.cid[y], hp.cid[x]
    hp.start[x], hp.start[y] = hp.start[y], hp.start[x]
    hp.end[x], hp.end[y] = hp.end[y], hp.end[x]


cdef inline void heap_push(SplitHeap* hp, double key, index_t cid, index_t start,
                           index_t end) noexcept nogil:
    cdef index_t k = hp.size, parent
    hp.size += 1
    hp.key[k] = key
    hp.cid[k] = cid
    hp.start[k] = start
    hp.end[k] = end
    while k > 0:
        parent = (k - 1) // 2
        if not heap_before(hp, k, parent):
            break
        heap_swap(hp, k, parent)
        k = parent


cdef inline void heap_pop(SplitHeap* hp) noexcept nogil:
    """Remove the top entry (read it first)."""
    cdef index_t k = 0, child, last
    hp.size -= 1
    last = hp.size
    if last == 0:
        return
    heap_swap(hp, 0, last)
    while True:
        child = 2 * k + 1
        if child >= last:
            break
        if child + 1 < last and heap_before(hp, child + 1, child):
            child += 1
        if not heap_before(hp, child, k):
            break
        heap_swap(hp, k, child)
        k = child


cdef inline void stable_partition(index_t* seg, const index_t* copy, index_t m,
                                  const char* first) noexcept nogil:
    """seg = the members of copy[0:m] flagged in `first`, then the others, order kept."""
    cdef index_t p, k = 0
    for p in range(m):
        if first[copy[p]]:
            seg[k] = copy[p]
            k += 1
    for p in range(m):
        if not first[copy[p]]:
            seg[k] = copy[p]
            k += 1
