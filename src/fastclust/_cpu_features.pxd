# The run-time instruction-set switches of the C kernels (see _cpu_features.h).
cdef extern from "_cpu_features.h":
    int fc_use_avx2() noexcept nogil
    int fc_use_popcnt() noexcept nogil
