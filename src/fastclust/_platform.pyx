"""What the compiled kernels run with on this machine: OpenMP and SIMD paths.

These are facts of the running process (the CPU, the environment, the OpenMP
runtime that was loaded), as opposed to the facts of the build, which
``_build_config`` records; ``fastclust.show_config`` reports both.
"""
from ._cpu_features cimport fc_use_avx2, fc_use_popcnt
from ._openmp cimport FASTCLUST_HAVE_OPENMP, FASTCLUST_OPENMP_SPEC, omp_get_max_threads


def openmp_enabled():
    """True when the kernels were built with OpenMP (so `workers` > 1 has an effect)."""
    return bool(FASTCLUST_HAVE_OPENMP)


def openmp_spec():
    """The OpenMP specification date the compiler implements (``_OPENMP``, e.g. 201511), or 0."""
    return int(FASTCLUST_OPENMP_SPEC)


def openmp_max_threads():
    """How many threads an OpenMP region may use now (1 without OpenMP)."""
    return int(omp_get_max_threads())


def simd_paths():
    """Which instruction-set copies of the loops run: ``{"avx2": bool, "popcnt": bool}``.

    Both are False on a CPU without them, on non-x86 machines, with a compiler
    that cannot build them (MSVC), or when ``FASTCLUST_NO_AVX2`` is set.
    """
    return {"avx2": bool(fc_use_avx2()), "popcnt": bool(fc_use_popcnt())}
