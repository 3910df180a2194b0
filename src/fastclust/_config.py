"""``show_config``: how this fastclust was built and what it runs with here."""
from __future__ import annotations

import os
import platform
import sys
from typing import Any, Literal

import numpy as np

from . import _build_config
from ._platform import openmp_enabled, openmp_max_threads, openmp_spec, simd_paths
from ._validation import resolve_workers

# The OpenMP runtime each compiler links against; where the process maps can be
# read (Linux), the library actually loaded is reported instead.
_OPENMP_RUNTIME_OF_COMPILER = {"gcc": "libgomp", "clang": "libomp", "msvc": "vcomp",
                               "clang-cl": "libomp", "intel-llvm": "libiomp5"}
_OPENMP_LIBRARY_NAMES = ("libgomp", "libomp", "libiomp5", "vcomp")


def _loaded_openmp_library() -> str | None:
    """Path of the OpenMP runtime mapped into this process (Linux only), else None."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split(maxsplit=5)[-1].strip()
                if os.path.basename(path).startswith(_OPENMP_LIBRARY_NAMES):
                    return path
    except OSError:
        pass
    return None


def _config() -> dict[str, dict[str, Any]]:
    build = dict(_build_config.build)
    if build["openmp"]:
        runtime = (_loaded_openmp_library()
                   or _OPENMP_RUNTIME_OF_COMPILER.get(build["c_compiler"], "unknown"))
        openmp = {"enabled": openmp_enabled(), "runtime": runtime,
                  "spec": openmp_spec(), "max_threads": openmp_max_threads()}
    else:
        openmp = {"enabled": False}
    simd = simd_paths()
    return {
        "fastclust": {"version": _build_config.version,
                      "location": os.path.dirname(os.path.abspath(__file__))},
        "build": build,
        "runtime": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "numpy": np.__version__,
            "openmp": openmp,
            "default_workers": resolve_workers(None),
            "simd": {"avx2": simd["avx2"], "popcnt": simd["popcnt"],
                     "portable_forced": "FASTCLUST_NO_AVX2" in os.environ},
        },
    }


def show_config(mode: Literal["stdout", "dicts"] = "stdout") -> dict[str, dict[str, Any]] | None:
    """Show how fastclust was built and what it runs with on this machine.

    The report to paste into a bug report: the version and install location;
    the build (compiler, flags, Cython and NumPy versions, OpenMP on or off);
    and the running process (Python, NumPy, the OpenMP runtime and its thread
    count, the number of threads the kernels use by default, and which SIMD
    copies of the loops run on this CPU).

    Parameters
    ----------
    mode : {"stdout", "dicts"}, default "stdout"
        "stdout" prints the report; "dicts" returns it as nested dicts instead.

    Returns
    -------
    dict or None
        With ``mode="dicts"``: ``{"fastclust": ..., "build": ..., "runtime": ...}``.

    Notes
    -----
    Setting ``FASTCLUST_NO_AVX2`` (to any value) before fastclust is imported
    makes every kernel take its portable loops, which give the same results;
    the report then shows ``avx2: False`` and ``portable_forced: True``.

    Examples
    --------
    >>> import fastclust
    >>> config = fastclust.show_config(mode="dicts")
    >>> config["fastclust"]["version"] == fastclust.__version__
    True
    >>> sorted(config["runtime"]["simd"])
    ['avx2', 'popcnt', 'portable_forced']
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"`mode` must be 'stdout' or 'dicts'; got {mode!r}.")
    config = _config()
    if mode == "dicts":
        return config
    for section, values in config.items():
        print(f"{section}:")
        _print_section(values, indent=2)
    return None


def _print_section(values: dict[str, Any], indent: int) -> None:
    for key, value in values.items():
        if isinstance(value, dict):
            print(f"{' ' * indent}{key}:")
            _print_section(value, indent + 2)
        else:
            print(f"{' ' * indent}{key}: {value}")
