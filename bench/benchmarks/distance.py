"""Benchmarks for ``fastclust.pdist`` against ``scipy.spatial.distance.pdist``."""

import functools

import numpy as np
from scipy.spatial.distance import pdist as scipy_pdist

import fastclust

SEED = 20240611
N_FEATURES = 10


@functools.lru_cache(maxsize=1)
def _points(n):
    """n standard normal points in d=10 (fixed seed), read-only."""
    X = np.random.default_rng(SEED).normal(size=(n, N_FEATURES))
    X.setflags(write=False)
    return X


class Pdist:
    """Condensed pairwise distances of n normal points (d=10)."""

    params = ([1000, 4000], ["euclidean", "cityblock", "cosine", "correlation", "chebyshev",
                             "braycurtis", "canberra", "seuclidean", "mahalanobis"])
    param_names = ("n", "metric")
    timeout = 300.0

    def setup(self, n, metric):
        self.X = _points(n)

    def time_fastclust(self, n, metric):
        fastclust.pdist(self.X, metric)

    def time_scipy(self, n, metric):
        scipy_pdist(self.X, metric)
