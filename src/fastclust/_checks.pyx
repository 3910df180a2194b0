"""Scans for input validation that allocate nothing."""
from cython cimport floating
from libc.math cimport INFINITY


cdef inline double smaller(double x, double y) noexcept nogil:
    return x if x < y else y


cdef inline double larger(double x, double y) noexcept nogil:
    return x if x > y else y


def finite_range(const floating[::1] a):   # in: not empty
    """(min, max) of `a` as floats, or None when it holds a NaN or an infinity.

    One pass, nothing allocated. Four independent lanes keep the loop from
    waiting on one comparison chain. A NaN fails every comparison (x != x
    finds it); an infinity ends up as the minimum or the maximum.
    """
    cdef Py_ssize_t i, m = a.shape[0], m4 = m - m % 4
    cdef double lo0, lo1, lo2, lo3, hi0, hi1, hi2, hi3, x0, x1, x2, x3, lo, hi
    cdef int nan = 0
    with nogil:
        lo0 = lo1 = lo2 = lo3 = hi0 = hi1 = hi2 = hi3 = a[0]
        for i in range(0, m4, 4):
            x0 = a[i]
            x1 = a[i + 1]
            x2 = a[i + 2]
            x3 = a[i + 3]
            nan |= (x0 != x0) | (x1 != x1) | (x2 != x2) | (x3 != x3)
            lo0 = smaller(x0, lo0)
            lo1 = smaller(x1, lo1)
            lo2 = smaller(x2, lo2)
            lo3 = smaller(x3, lo3)
            hi0 = larger(x0, hi0)
            hi1 = larger(x1, hi1)
            hi2 = larger(x2, hi2)
            hi3 = larger(x3, hi3)
        for i in range(m4, m):
            x0 = a[i]
            nan |= x0 != x0
            lo0 = smaller(x0, lo0)
            hi0 = larger(x0, hi0)
    lo = smaller(smaller(lo0, lo1), smaller(lo2, lo3))
    hi = larger(larger(hi0, hi1), larger(hi2, hi3))
    if nan or lo == -INFINITY or hi == INFINITY:
        return None
    return lo, hi
