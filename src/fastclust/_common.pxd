# Shared typedefs, codes and inline helpers for the compiled kernels.
cdef extern from "Python.h":
    # Declared noexcept here: Cython's own declaration is `except -1`, and in a
    # noexcept function it would swallow the KeyboardInterrupt we want to keep.
    int check_signals_keep_error "PyErr_CheckSignals"() noexcept

# 64-bit indices everywhere: n*(n-1)/2 passes 2**31 at n ~ 65 536.
ctypedef Py_ssize_t index_t
ctypedef double dist_t

# Method codes; the Python table in _methods.py uses the same numbers.
cdef enum:
    METHOD_SINGLE = 0
    METHOD_COMPLETE = 1
    METHOD_AVERAGE = 2
    METHOD_WEIGHTED = 3
    METHOD_WARD = 4
    METHOD_CENTROID = 5
    METHOD_MEDIAN = 6

# Status codes returned by the nogil cores; _validation.raise_for_status maps them.
cdef enum:
    STATUS_OK = 0
    STATUS_INTERRUPTED = 1
    STATUS_BUG = 2

# Entries visited between two checks for Ctrl-C: about 10-50 ms of kernel work.
cdef enum:
    SIGNAL_CHECK_WORK = 1 << 24


cdef inline index_t condensed_index(index_t n, index_t i, index_t j) noexcept nogil:
    """Offset of pair (i, j) in a condensed matrix; requires i < j."""
    return i * (2 * n - i - 1) // 2 + (j - i - 1)


cdef inline index_t row_base(index_t n, index_t i) noexcept nogil:
    """Offset b such that dists[b + j] is pair (i, j) for every j > i."""
    return i * (2 * n - i - 1) // 2 - i - 1


cdef inline int signals_pending() noexcept nogil:
    """Take the GIL and run Python's signal handlers.

    Returns 1 if a handler raised (the exception stays set for the caller to
    re-raise after the kernel has returned), else 0.
    """
    with gil:
        return 1 if check_signals_keep_error() != 0 else 0


cdef inline int report_and_poll(long long* progress, long long done) noexcept nogil:
    """Write `done` into a display's progress counters (if any), then poll for
    Ctrl-C as signals_pending does: 1 if the kernel must stop."""
    if progress != NULL:
        progress[1] = done
    return signals_pending()


cdef inline int reraise_pending() except -1:
    """Propagate the exception a signal handler left set (see signals_pending)."""
    return -1



cdef inline index_t position_of(const index_t* act, index_t m, index_t x) noexcept nogil:
    """Index of x in the sorted array act[0:m] (x must be present)."""
    cdef index_t lo = 0, hi = m - 1, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if act[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline index_t find_root(index_t* parent, index_t x) noexcept nogil:
    """Union-find root of x, compressing the path on the way."""
    cdef index_t root = x, nxt
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root
