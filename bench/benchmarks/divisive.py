"""Benchmarks for the divisive methods and the estimator.

``Divisive`` times ``fastclust.diana`` on a condensed matrix and
``fastclust.bisecting`` on the observations; ``Estimator`` times
``HierarchicalClustering.fit`` end to end (distances, tree, cut). Default
sizes take seconds; ``FASTCLUST_BENCH_XSLOW=1`` adds n = 5000 and 20000.
"""

import functools
import os

import numpy as np

import fastclust

XSLOW = os.environ.get("FASTCLUST_BENCH_XSLOW", "") == "1"
SIZES = [500, 2000] + ([5000, 20000] if XSLOW else [])
SEED = 20240611


@functools.lru_cache(maxsize=1)
def _points(n):
    """n points in 8 Gaussian blobs, d = 10 (fixed seed), read-only."""
    rng = np.random.default_rng(SEED)
    centres = rng.normal(scale=8.0, size=(8, 10))
    X = centres[rng.integers(8, size=n)] + rng.normal(size=(n, 10))
    X.setflags(write=False)
    return X


@functools.lru_cache(maxsize=1)
def _condensed(n):
    y = fastclust.pdist(_points(n))
    y.setflags(write=False)
    return y


class Divisive:
    params = (SIZES,)
    param_names = ("n",)
    timeout = 600

    def setup(self, n):
        self.X = _points(n)
        self.y = _condensed(n)

    def time_diana(self, n):
        fastclust.diana(self.y)

    def peakmem_diana(self, n):
        fastclust.diana(self.y)

    def time_bisecting(self, n):
        fastclust.bisecting(self.X, random_state=0)


class Estimator:
    params = (SIZES, ["ward", "average", "diana", "bisecting"])
    param_names = ("n", "linkage")
    timeout = 600

    def setup(self, n, linkage):
        self.X = _points(n)

    def time_fit(self, n, linkage):
        fastclust.HierarchicalClustering(8, linkage=linkage, random_state=0).fit(self.X)
