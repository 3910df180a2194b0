"""Benchmarks for ``fastclust.linkage_vector`` against ``fastcluster.linkage_vector``."""

import functools
import os

import numpy as np

import fastclust

try:
    import fastcluster
except ImportError:  # the fastcluster columns are skipped
    fastcluster = None

SEED = 20240611
N_FEATURES = 10
# The sizes (10 000 and 20 000) only behind FASTCLUST_BENCH_XSLOW, as SciPy's "xslow".
SIZES = [2000, 5000] + ([10000, 20000] if os.environ.get("FASTCLUST_BENCH_XSLOW") else [])


@functools.lru_cache(maxsize=2)
def _points(n, dtype):
    """n standard normal points in d=10 (fixed seed), read-only."""
    X = np.random.default_rng(SEED).normal(size=(n, N_FEATURES)).astype(dtype)
    X.setflags(write=False)
    return X


class LinkageVector:
    """Memory-saving linkage of n normal points (d=10)."""

    params = (SIZES, ["single", "ward", "centroid", "median"])
    param_names = ("n", "method")
    timeout = 600.0

    def setup(self, n, method):
        self.X = _points(n, np.float64)
        self.X32 = _points(n, np.float32)

    def time_fastclust(self, n, method):
        fastclust.linkage_vector(self.X, method)

    def time_fastclust_float32(self, n, method):
        fastclust.linkage_vector(self.X32, method)

    def peakmem_fastclust(self, n, method):
        fastclust.linkage_vector(self.X, method)

    def time_fastcluster(self, n, method):
        if fastcluster is None:
            raise NotImplementedError("fastcluster is not installed")
        fastcluster.linkage_vector(self.X, method)

    def peakmem_fastcluster(self, n, method):
        if fastcluster is None:
            raise NotImplementedError("fastcluster is not installed")
        fastcluster.linkage_vector(self.X, method)
