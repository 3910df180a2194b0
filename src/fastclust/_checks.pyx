"""Scans for input validation that allocate nothing."""
from cython cimport floating
from libc.math cimport INFINITY

cdef extern from *:
    """
    /* min, max and "any NaN" of a double array in one pass. With SSE2 (every
     * x86-64) two lanes in each of four registers, so that the minpd / maxpd
     * chains overlap: they are exactly x < m ? x : m (a NaN x leaves m
     * alone), and cmpunordpd flags the NaNs. */
    #ifdef __SSE2__
    #include <emmintrin.h>
    static int fc_finite_range_f64(const double *a, Py_ssize_t m, double *lo, double *hi) {
        __m128d lo0 = _mm_set1_pd(a[0]), lo1 = lo0, lo2 = lo0, lo3 = lo0;
        __m128d hi0 = lo0, hi1 = lo0, hi2 = lo0, hi3 = lo0;
        __m128d nan = _mm_setzero_pd();
        Py_ssize_t i = 0;
        for (; i + 8 <= m; i += 8) {
            __m128d x0 = _mm_loadu_pd(a + i), x1 = _mm_loadu_pd(a + i + 2);
            __m128d x2 = _mm_loadu_pd(a + i + 4), x3 = _mm_loadu_pd(a + i + 6);
            lo0 = _mm_min_pd(x0, lo0);
            lo1 = _mm_min_pd(x1, lo1);
            lo2 = _mm_min_pd(x2, lo2);
            lo3 = _mm_min_pd(x3, lo3);
            hi0 = _mm_max_pd(x0, hi0);
            hi1 = _mm_max_pd(x1, hi1);
            hi2 = _mm_max_pd(x2, hi2);
            hi3 = _mm_max_pd(x3, hi3);
            /* unordered: a NaN in either operand's lane */
            nan = _mm_or_pd(nan, _mm_or_pd(_mm_cmpunord_pd(x0, x1), _mm_cmpunord_pd(x2, x3)));
        }
        lo0 = _mm_min_pd(_mm_min_pd(lo0, lo1), _mm_min_pd(lo2, lo3));
        hi0 = _mm_max_pd(_mm_max_pd(hi0, hi1), _mm_max_pd(hi2, hi3));
        double l[2], h[2];
        _mm_storeu_pd(l, lo0);
        _mm_storeu_pd(h, hi0);
        int any_nan = _mm_movemask_pd(nan) != 0;
        double mn = l[0] < l[1] ? l[0] : l[1], mx = h[0] > h[1] ? h[0] : h[1];
        for (; i < m; i++) {
            double x = a[i];
            any_nan |= x != x;
            mn = x < mn ? x : mn;
            mx = x > mx ? x : mx;
        }
        *lo = mn;
        *hi = mx;
        return any_nan;
    }
    #define FC_HAVE_SIMD_RANGE 1
    #else
    static int fc_finite_range_f64(const double *a, Py_ssize_t m, double *lo, double *hi) {
        return -1;   /* not used: the portable loop below runs instead */
    }
    #define FC_HAVE_SIMD_RANGE 0
    #endif
    """
    int FC_HAVE_SIMD_RANGE
    int fc_finite_range_f64(const double* a, Py_ssize_t m, double* lo, double* hi) noexcept nogil


cdef inline double smaller(double x, double y) noexcept nogil:
    return x if x < y else y


cdef inline double larger(double x, double y) noexcept nogil:
    return x if x > y else y


def finite_range(const floating[::1] a):   # in: not empty
    """(min, max) of `a` as floats, or None when it holds a NaN or an infinity.

    One pass, nothing allocated (SSE2 for float64). A NaN fails every
    comparison (x != x finds it); an infinity ends up as the minimum or the
    maximum.
    """
    cdef Py_ssize_t i, m = a.shape[0]
    cdef double lo, hi, x
    cdef int nan = 0
    with nogil:
        if floating is double and FC_HAVE_SIMD_RANGE:
            nan = fc_finite_range_f64(&a[0], m, &lo, &hi)
        else:
            lo = hi = a[0]
            for i in range(m):
                x = a[i]
                nan |= x != x
                lo = smaller(x, lo)
                hi = larger(x, hi)
    if nan or lo == -INFINITY or hi == INFINITY:
        return None
    return lo, hi
