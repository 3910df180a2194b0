"""Input checks shared by the public functions. Kernels trust what passes here."""
from __future__ import annotations

import functools
import math
import os
import warnings

import numpy as np

from ._checks import finite_range
from ._methods import METHODS, MethodSpec
from ._platform import openmp_enabled

# Without OpenMP every kernel runs on one thread, whatever `workers` says.
_OPENMP = openmp_enabled()

# Status codes of the kernels (_common.pxd).
STATUS_OK, STATUS_INTERRUPTED, STATUS_BUG = 0, 1, 2

# Labels in Z are float64: ids up to 2n - 2 must be exact.
MAX_OBSERVATIONS = 2**52


class ClusterWarning(UserWarning):
    """Warning about input that is probably not what the caller meant (as in SciPy)."""


class NonFiniteError(ValueError, FloatingPointError):
    """A NaN or infinite value in the input, or a distance that comes out NaN or infinite.

    Both a ValueError, which SciPy raises for it, and a FloatingPointError,
    which fastcluster raises: code written for either catches it.

    Examples
    --------
    >>> import numpy as np
    >>> import fastclust
    >>> try:
    ...     fastclust.linkage([1.0, np.nan, 2.0])
    ... except FloatingPointError as exc:
    ...     print(exc)
    `y` must contain only finite values; entry [1] is nan.
    """


def check_method(method) -> MethodSpec:
    """Return the MethodSpec for `method`, or raise ValueError listing the valid names."""
    if not isinstance(method, str) or method.lower() not in METHODS:
        valid = ", ".join(repr(m) for m in sorted(METHODS))
        raise ValueError(f"`method` must be one of {valid}; got {method!r}.")
    return METHODS[method.lower()]


# Below this much work (condensed entries, or pairs times features; ~0.1 ms)
# one thread: a parallel region saved at most ~20 us there on a quiet machine,
# and stalled for milliseconds when another process held a core.
SERIAL_WORK = 1 << 18


def resolve_workers(workers, work: int | None = None) -> int:
    """Number of threads for the kernels: None -> all available CPUs, -1 -> all, k >= 1 -> k.

    `work`: the size of the job (see SERIAL_WORK); below SERIAL_WORK the answer
    is 1 whatever `workers` asks for (it is still checked).
    """
    serial = not _OPENMP or (work is not None and work < SERIAL_WORK)
    if workers is None or (isinstance(workers, (int, np.integer)) and not isinstance(workers, bool)
                           and workers == -1):
        return 1 if serial else _available_cpus()
    if isinstance(workers, (int, np.integer)) and not isinstance(workers, bool) and workers >= 1:
        return 1 if serial else int(workers)
    raise ValueError(f"`workers` must be None, -1 or a positive integer; got {workers!r}.")


def _available_cpus() -> int:
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def as_float_array(y, name: str) -> np.ndarray:
    """`y` as a float64 ndarray (no copy if it is one already); TypeError for non-numbers."""
    if isinstance(y, np.ndarray):
        arr = y
    else:
        try:
            arr = np.asarray(y)
        except (ValueError, TypeError) as exc:  # ragged lists and the like
            raise ValueError(f"`{name}` could not be converted to an array: {exc}") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"`{name}` must be real-valued; got complex dtype {arr.dtype}.")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must contain numbers; got dtype {arr.dtype}.")
    if arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    return arr


def check_finite(arr: np.ndarray, name: str) -> tuple[float, float] | None:
    """Raise NonFiniteError naming the first NaN or infinite entry of `arr`.

    The minimum and maximum show infinities and NaN is looked for on the way,
    so the check allocates nothing: np.isfinite(arr) would need n^2/2 bytes
    for a condensed matrix.
    Returns (min, max), or None for an empty array.
    """
    if arr.size == 0:
        return None
    if type(arr) is np.ndarray and arr.dtype == np.float64 and arr.flags.c_contiguous:
        # one SIMD pass: its call costs 0.4 us against ~1 us for each numpy
        # reduction, and it reads a large matrix once instead of twice
        bounds = finite_range(arr.reshape(-1))      # a view
        if bounds is not None:
            return bounds
        lo = hi = math.nan                  # find and name the entry below
    else:
        lo, hi = float(arr.min()), float(arr.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = ", ".join(str(int(i)) for i in bad)
        value = arr[tuple(bad)]
        raise NonFiniteError(f"`{name}` must contain only finite values; "
                             f"entry [{where}] is {value}.")
    return lo, hi


# Squares of numbers outside [2**-400, 2**400] can under- or overflow once the
# kernels multiply them by cluster sizes (Ward's update, centroid distances).
_SQUARE_SAFE_EXPONENT = 400


def square_safe_scale(largest: float) -> float:
    """1.0, or a power of two s with largest * s in [2**399, 2**400) when largest is
    outside [2**-400, 2**400] (s at most 2**1023).

    For the methods that work on squared distances: scaling by a power of two
    is exact (the heights are divided by s again at the end), and it keeps
    d^2 and the Lance-Williams products far from overflow and underflow. The
    largest value goes to the top of the safe range, not to 1, so that values
    far below it keep their squares out of the subnormal range.
    """
    if largest == 0.0 or not np.isfinite(largest):
        return 1.0
    exponent = math.frexp(largest)[1]
    if abs(exponent) <= _SQUARE_SAFE_EXPONENT:
        return 1.0
    # below 2**-623 the ideal factor is not a float: the largest power of two
    # that is still takes every value at least to 2**-600 or so, squares included
    return math.ldexp(1.0, min(_SQUARE_SAFE_EXPONENT - exponent, 1023))


def num_obs_condensed(length: int, name: str = "y") -> int:
    """The n with n*(n-1)/2 == length, or ValueError listing the nearest valid lengths."""
    n = (1 + math.isqrt(1 + 8 * length)) // 2
    if n * (n - 1) // 2 != length:
        lower = n * (n - 1) // 2
        upper = (n + 1) * n // 2
        raise ValueError(
            f"`{name}` has length {length}, which is not n*(n-1)/2 for any integer n; "
            f"the nearest valid lengths are {lower} (n={n}) and {upper} (n={n + 1})."
        )
    return n


def check_n(n: int, name: str = "y") -> None:
    if n < 2:
        raise ValueError(f"`{name}` must describe at least 2 observations; got {n}.")
    if n > MAX_OBSERVATIONS:
        raise ValueError(f"`{name}` has {n} observations; at most 2**52 are supported.")


def check_memory(n_bytes: int, what: str) -> None:
    """MemoryError before a huge allocation that cannot succeed."""
    total = _physical_memory()
    if total is not None and n_bytes > total:
        raise MemoryError(
            f"{what} needs {n_bytes / 2**30:.1f} GiB, more than this machine's "
            f"{total / 2**30:.1f} GiB of memory."
        )


@functools.cache
def _physical_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say (asked once)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation, or None if unknown.

    Linux MemAvailable, capped by a cgroup v2 limit (containers) when there is one.
    """
    available = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if available is None:
        try:
            available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current") as f:
            used = int(f.read().strip())
        if limit != "max":
            left = max(int(limit) - used, 0)
            available = left if available is None else min(available, left)
    except (OSError, ValueError):
        pass
    return available


SQUARE_MATRIX_LOOKS = ("The observation matrix is square, symmetric, non-negative and has a "
                       "zero diagonal: it looks like a distance matrix. ")


def warn_if_square_distance_matrix(X: np.ndarray, hint: str | None = None) -> None:
    """Warn, as SciPy does, when observations look like a square distance matrix.

    `hint`: what to do instead (default: pass metric='precomputed' or the condensed form).
    """
    if X.shape[0] == X.shape[1] and X.shape[0] > 1:
        if (np.allclose(np.diag(X), 0) and (X >= 0).all() and np.allclose(X, X.T)):
            warnings.warn(
                SQUARE_MATRIX_LOOKS + (hint or "Pass metric='precomputed' to use it as one, "
                                       "or its condensed form (fastclust.squareform)."),
                ClusterWarning,
                stacklevel=caller_stacklevel(),
            )


def caller_stacklevel() -> int:
    """warnings.warn stacklevel that points at the first frame outside fastclust."""
    import sys

    package_dir = os.path.dirname(os.path.abspath(__file__))

    def inside(frame) -> bool:            # fastclust/ or a subpackage (fastclust/distributed/)
        where = os.path.dirname(os.path.abspath(frame.f_code.co_filename))
        return where == package_dir or where.startswith(package_dir + os.sep)

    frame, level = sys._getframe(1), 1
    while frame is not None and inside(frame):
        frame, level = frame.f_back, level + 1
    return level


def raise_for_status(status: int, what: str) -> None:
    """Turn a kernel status code into the matching exception."""
    if status == STATUS_OK:
        return
    if status == STATUS_INTERRUPTED:
        raise KeyboardInterrupt
    raise AssertionError(f"internal error in the {what} kernel (status {status}); please report it.")
