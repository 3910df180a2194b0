# OpenMP shim: the real runtime when the build has OpenMP, single-thread stand-ins otherwise.
# Kernels cimport from here and never from Cython's `openmp` module directly.
cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define FASTCLUST_HAVE_OPENMP 1
    #define FASTCLUST_OPENMP_SPEC _OPENMP
    #else
    #define FASTCLUST_HAVE_OPENMP 0
    #define FASTCLUST_OPENMP_SPEC 0
    static inline int omp_get_thread_num(void) { return 0; }
    static inline int omp_get_max_threads(void) { return 1; }
    #endif
    """
    int FASTCLUST_HAVE_OPENMP
    long FASTCLUST_OPENMP_SPEC
    int omp_get_thread_num() noexcept nogil
    int omp_get_max_threads() noexcept nogil
