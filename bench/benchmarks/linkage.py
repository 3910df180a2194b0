"""Benchmarks for ``fastclust.linkage`` against SciPy and fastcluster.

The default sizes (n = 500, 2000) take seconds. Set ``FASTCLUST_BENCH_XSLOW=1``
to add the big sweep (n = 5000, 20000); at n = 20000 the condensed input alone
is 1.6 GB, and the peakmem / in-place benchmarks hold up to three such arrays.
"""

import functools
import os

import numpy as np
from scipy.cluster import hierarchy as scipy_hierarchy
from scipy.spatial.distance import pdist as scipy_pdist

import fastclust

try:
    import fastcluster
except ImportError:
    fastcluster = None

XSLOW = os.environ.get("FASTCLUST_BENCH_XSLOW", "") == "1"

SIZES = [500, 2000] + ([5000, 20000] if XSLOW else [])
METHODS = ["single", "complete", "average", "weighted", "ward", "centroid", "median"]

SEED = 20240611
N_FEATURES = 10
N_CENTRES = 8


@functools.lru_cache(maxsize=1)
def _condensed(n):
    """Condensed Euclidean distances of n points in 8 Gaussian blobs, d=10 (fixed seed).

    Computed with SciPy so that the input does not depend on the fastclust commit
    being measured. Cached (one n at a time) because asv calls ``setup`` before
    every sample; returned read-only so that no benchmark can modify the shared
    array (``time_fastclust_inplace`` works on its own copy).
    """
    rng = np.random.default_rng(SEED)
    centres = rng.normal(scale=8.0, size=(N_CENTRES, N_FEATURES))
    labels = rng.integers(N_CENTRES, size=n)
    X = centres[labels] + rng.normal(size=(n, N_FEATURES))
    y = scipy_pdist(X, "euclidean")
    y.setflags(write=False)
    return y


# Benchmark-level setups. asv runs a benchmark function's own ``setup`` attribute
# after the class ``setup``, with the parameters only (no ``self``), and skips
# the benchmark when a setup raises NotImplementedError. Keeping them off the
# class setup means the other benchmarks (peakmem_* in particular) never pay for
# them.

_WORKSPACE = {}


def _fresh_workspace(n, method):
    """Setup of ``time_fastclust_inplace``: a writable copy, made outside the timer."""
    _WORKSPACE.clear()  # drop the previous (overwritten) copy before making a new one
    _WORKSPACE["y"] = _condensed(n).copy()


def _require_fastcluster(n, method):
    if fastcluster is None:
        raise NotImplementedError("fastcluster is not installed")


class Linkage:
    """``linkage(y, method)`` on a condensed distance matrix of n blob points (d=10)."""

    params = (SIZES, METHODS)
    param_names = ("n", "method")
    timeout = 1800.0 if XSLOW else 300.0

    def setup(self, n, method):
        self.y = _condensed(n)

    # -- time ---------------------------------------------------------------

    def time_fastclust(self, n, method):
        fastclust.linkage(self.y, method)

    def time_scipy(self, n, method):
        scipy_hierarchy.linkage(self.y, method)

    def time_fastcluster(self, n, method):
        fastcluster.linkage(self.y, method)

    time_fastcluster.setup = _require_fastcluster

    def time_fastclust_inplace(self, n, method):
        # preserve_input=False: the caller's buffer is the kernel's workspace, so
        # this measures linkage without the O(n^2) defensive copy.
        fastclust.linkage(_WORKSPACE["y"], method, preserve_input=False)

    # The copy must be fresh for every timed call, since the call overwrites it.
    # asv re-runs the setups before each sample (repeat) and times `number` calls
    # per sample; with number = 1 each sample is exactly one call on a fresh copy.
    # warmup_time = 0 because asv runners that skip setup during warmup would
    # otherwise call linkage again on an already-overwritten buffer.
    time_fastclust_inplace.setup = _fresh_workspace
    time_fastclust_inplace.number = 1
    time_fastclust_inplace.repeat = (5, 20, 30.0)  # (min samples, max samples, max seconds)
    time_fastclust_inplace.warmup_time = 0.0

    # -- peak memory (the process's peak RSS, input included) ----------------

    def peakmem_fastclust(self, n, method):
        fastclust.linkage(self.y, method)

    def peakmem_scipy(self, n, method):
        scipy_hierarchy.linkage(self.y, method)


class LinkageLayout:
    """``linkage(y, method, layout=...)``: the NN-chain on each working layout.

    'square' builds an n x n matrix (n^2 doubles); 'condensed' works in a copy
    of the condensed matrix (n^2 / 2). Both give the same Z.
    """

    params = ([5000] + ([20000] if XSLOW else []), ["complete", "average", "weighted", "ward"],
              ["square", "condensed"])
    param_names = ("n", "method", "layout")
    timeout = 1800.0 if XSLOW else 300.0

    def setup(self, n, method, layout):
        self.y = _condensed(n)

    def time_linkage(self, n, method, layout):
        fastclust.linkage(self.y, method, layout=layout)

    def peakmem_linkage(self, n, method, layout):
        fastclust.linkage(self.y, method, layout=layout)
