# Binary min-heap of slots keyed by (mind[slot], slot), with a position index so
# that any slot's key can change. Used by the generic algorithm, on a condensed
# matrix (_generic.pyx) and on vectors (_vector.pyx).
from ._common cimport index_t


cdef inline bint key_less(const double* mind, index_t i, index_t j) noexcept nogil:
    return mind[i] < mind[j] or (mind[i] == mind[j] and i < j)


cdef struct Heap:
    index_t* slots       # heap array of slots
    index_t* where       # where[slot] = position in `slots`, -1 when removed
    index_t size
    double* mind


cdef inline void heap_swap(Heap* h, index_t p, index_t q) noexcept nogil:
    cdef index_t s = h.slots[p]
    h.slots[p] = h.slots[q]
    h.slots[q] = s
    h.where[h.slots[p]] = p
    h.where[h.slots[q]] = q


cdef inline void sift_up(Heap* h, index_t p) noexcept nogil:
    cdef index_t parent
    while p > 0:
        parent = (p - 1) // 2
        if not key_less(h.mind, h.slots[p], h.slots[parent]):
            break
        heap_swap(h, p, parent)
        p = parent


cdef inline void sift_down(Heap* h, index_t p) noexcept nogil:
    cdef index_t child
    while True:
        child = 2 * p + 1
        if child >= h.size:
            break
        if child + 1 < h.size and key_less(h.mind, h.slots[child + 1], h.slots[child]):
            child += 1
        if not key_less(h.mind, h.slots[child], h.slots[p]):
            break
        heap_swap(h, p, child)
        p = child


cdef inline void heap_update(Heap* h, index_t slot) noexcept nogil:
    """Restore heap order after mind[slot] changed either way."""
    cdef index_t p = h.where[slot]
    sift_up(h, p)
    sift_down(h, h.where[slot])


cdef inline void heap_remove(Heap* h, index_t slot) noexcept nogil:
    cdef index_t p = h.where[slot]
    cdef index_t last = h.size - 1
    if p != last:
        heap_swap(h, p, last)
    h.size -= 1
    h.where[slot] = -1
    if p != last:
        heap_update(h, h.slots[p])


cdef inline void heap_build(Heap* h, index_t* slots, index_t* where, double* mind,
                            index_t n) noexcept nogil:
    """A heap of the slots 0 .. n-2 keyed by mind (slot n - 1 has no neighbour above)."""
    cdef index_t i
    h.slots = slots
    h.where = where
    h.mind = mind
    h.size = n - 1
    for i in range(n - 1):
        slots[i] = i
        where[i] = i
    where[n - 1] = -1
    i = (n - 1) // 2
    while i >= 0:
        sift_down(h, i)
        i -= 1
