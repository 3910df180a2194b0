"""Benchmarks for the KD-tree single linkage of low-dimensional points (private API).

Default sizes (n = 10 000, 100 000) take seconds; ``FASTCLUST_BENCH_XSLOW=1`` adds
n = 1 000 000. quitefastmst (the spanning tree only, not Z) is the reference when
installed. The entry point is private until linkage_vector dispatches to it; the
benchmarks are skipped on commits that do not have it.
"""

import functools
import os

import numpy as np

XSLOW = os.environ.get("FASTCLUST_BENCH_XSLOW", "") == "1"
SEED = 20240611

try:
    from fastclust._kdtree_single import kdtree_mst_edges, kdtree_single_linkage
except ImportError:
    kdtree_single_linkage = kdtree_mst_edges = None
try:
    import quitefastmst
except ImportError:
    quitefastmst = None


@functools.lru_cache(maxsize=1)
def _points(n, d):
    """n points around sqrt(n)/4 Gaussian centres in d dimensions (fixed seed), read-only."""
    rng = np.random.default_rng(SEED)
    k = max(2, int(np.sqrt(n) / 4))
    centres = rng.uniform(-10, 10, size=(k, d))
    X = centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))
    X.setflags(write=False)
    return X


class KDTreeSingle:
    param_names = ("n", "d")
    params = ([10_000, 100_000] + ([1_000_000] if XSLOW else []), [2, 3, 5])
    timeout = 300

    def setup(self, n, d):
        if kdtree_single_linkage is None:
            raise NotImplementedError("no KD-tree single linkage in this commit")
        self.X = _points(n, d)

    def time_kdtree_linkage(self, n, d):
        kdtree_single_linkage(self.X)

    def peakmem_kdtree_linkage(self, n, d):
        kdtree_single_linkage(self.X)

    def time_kdtree_mst(self, n, d):
        kdtree_mst_edges(self.X)

    def time_quitefastmst_mst(self, n, d):
        if quitefastmst is None:
            raise NotImplementedError("quitefastmst is not installed")
        quitefastmst.mst_euclid(self.X)

    def peakmem_quitefastmst_mst(self, n, d):
        if quitefastmst is None:
            raise NotImplementedError("quitefastmst is not installed")
        quitefastmst.mst_euclid(self.X)
