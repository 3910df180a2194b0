"""Benchmarks for ``fastclust.distributed.linkage`` on its local thread pool (no cluster).

The rounds are the ones a Dask cluster runs, minus the task latency; compare with
``fastclust.linkage`` on the same points. Cluster runs: bench/compare_distributed.py.
"""

import numpy as np

import fastclust
import fastclust.distributed

SEED = 20240611


def _blobs(n, d=10):
    rng = np.random.default_rng(SEED)
    centres = rng.uniform(-10, 10, size=(8, d))
    return centres[rng.integers(0, 8, n)] + rng.normal(size=(n, d))


class DistributedLocal:
    param_names = ("n", "method")
    params = ([2000, 5000], ["single", "average", "ward"])
    timeout = 300

    def setup(self, n, method):
        self.X = _blobs(n)

    def time_distributed_local(self, n, method):
        fastclust.distributed.linkage(self.X, method, block_size=max(256, n // 8))

    def time_single_machine(self, n, method):
        fastclust.linkage(self.X, method)

    def peakmem_distributed_local(self, n, method):
        fastclust.distributed.linkage(self.X, method, block_size=max(256, n // 8))
