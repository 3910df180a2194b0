"""Benchmarks for the tree toolkit: flat clusters, statistics, layout and ordering vs SciPy.

Every benchmark gets the same Z (average linkage of n blob points, d=10, built
with SciPy so that the input does not depend on the fastclust commit).
optimal_leaf_ordering is measured for SciPy only up to n = 1000: its O(n^4)
algorithm takes 28 s at n = 2000 on the reference machine.
"""

import functools

import numpy as np
from scipy.cluster import hierarchy as scipy_hierarchy
from scipy.spatial.distance import pdist as scipy_pdist

import fastclust

SEED = 20240611
SIZES = [1000, 10000]
LIBRARIES = {"fastclust": fastclust, "scipy": scipy_hierarchy}


@functools.lru_cache(maxsize=2)
def _tree(n):
    rng = np.random.default_rng(SEED)
    centres = rng.normal(scale=8.0, size=(8, 10))
    X = centres[rng.integers(8, size=n)] + rng.normal(size=(n, 10))
    y = scipy_pdist(X)
    Z = scipy_hierarchy.linkage(y, "average")
    y.setflags(write=False)
    Z.setflags(write=False)
    return Z, y


class Tree:
    """Functions of Z alone (and cophenet with Y)."""

    params = (SIZES, list(LIBRARIES))
    param_names = ("n", "library")

    def setup(self, n, library):
        self.Z, self.y = _tree(n)
        self.lib = LIBRARIES[library]

    def time_fcluster_maxclust(self, n, library):
        self.lib.fcluster(self.Z, 10, "maxclust")

    def time_fcluster_inconsistent(self, n, library):
        self.lib.fcluster(self.Z, 1.0)

    def time_cut_tree_100_k(self, n, library):
        self.lib.cut_tree(self.Z, n_clusters=list(range(1, 101)))

    def time_cophenet(self, n, library):
        self.lib.cophenet(self.Z, self.y)

    def time_inconsistent(self, n, library):
        self.lib.inconsistent(self.Z)

    def time_dendrogram_no_plot(self, n, library):
        self.lib.dendrogram(self.Z, no_plot=True)

    def peakmem_cophenet(self, n, library):
        self.lib.cophenet(self.Z, self.y)


class OptimalLeafOrdering:
    params = ([500, 1000, 2000], list(LIBRARIES))
    param_names = ("n", "library")
    timeout = 120.0

    def setup(self, n, library):
        if library == "scipy" and n > 1000:
            raise NotImplementedError("SciPy's O(n^4) ordering takes too long here")
        self.Z, self.y = _tree(n)
        self.lib = LIBRARIES[library]

    def time_optimal_leaf_ordering(self, n, library):
        self.lib.optimal_leaf_ordering(self.Z, self.y)
