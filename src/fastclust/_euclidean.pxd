# The Euclidean arithmetic shared by pdist/cdist (_metrics.pyx) and the KD-tree MST
# (_kdtree.pyx): both must give bit-identical distances, so there is one copy of it.
from ._common cimport index_t


cdef inline double squared_distance(const double* u, const double* v, index_t d) noexcept nogil:
    """sum over k = 0 .. d-1, in index order, of (u[k] - v[k])**2; symmetric in u, v bit for bit."""
    cdef index_t k
    cdef double acc = 0.0, diff
    for k in range(d):
        diff = u[k] - v[k]
        acc += diff * diff
    return acc


cdef inline double squared_distance_lowd(const double* u, const double* v, index_t d) noexcept nogil:
    """squared_distance, bit for bit, with the loop written out for d <= 4.

    The sum starts from 0.0 and adds the terms in index order, exactly as the
    loop does (0.0 + t == t for the first term t >= 0), so the value is the same.
    """
    cdef double a, b, c, e
    if d == 3:
        a = u[0] - v[0]
        b = u[1] - v[1]
        c = u[2] - v[2]
        return (a * a + b * b) + c * c
    if d == 2:
        a = u[0] - v[0]
        b = u[1] - v[1]
        return a * a + b * b
    if d == 1:
        a = u[0] - v[0]
        return a * a
    if d == 4:
        a = u[0] - v[0]
        b = u[1] - v[1]
        c = u[2] - v[2]
        e = u[3] - v[3]
        return ((a * a + b * b) + c * c) + e * e
    return squared_distance(u, v, d)
