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
