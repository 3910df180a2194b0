"""fastclust: fast, exact hierarchical clustering with SciPy's interface.

The linkage functions return SciPy's linkage matrix, computed by compiled
kernels: a Boruvka minimum spanning tree for single linkage, the
nearest-neighbour chain for complete, average, weighted and Ward, and
Muellner's generic algorithm for centroid and median. ``linkage_graph``
clusters along a connectivity graph (pixels, voxels, nearest neighbours).
"""
from ._build_config import version as __version__
from ._config import show_config
from ._connectivity import Graph, grid_graph, knn_graph, linkage_graph
from ._dendrogram import dendrogram, set_link_color_palette
from ._distance import cdist, pdist, squareform
from ._divisive import agglomerative_coefficient, bisecting, diana, divisive_coefficient
from ._linkage import average, centroid, complete, linkage, median, single, ward, weighted
from ._linkage_vector import linkage_vector
from ._ordering import optimal_leaf_ordering
from ._tree import (ClusterNode, DisjointSet, cophenet, cophenetic_correlation, correspond,
                    cut_tree, fcluster, fclusterdata, from_mlab_linkage, inconsistent,
                    is_isomorphic, is_monotonic, is_valid_im, is_valid_linkage, leaders,
                    leaves_list, maxdists, maxinconsts, maxRstat, num_obs_linkage,
                    to_mlab_linkage, to_tree)
from ._validation import ClusterWarning, NonFiniteError
from .estimator import HierarchicalClustering


__all__ = [
    "ClusterNode",
    "ClusterWarning",
    "DisjointSet",
    "Graph",
    "HierarchicalClustering",
    "NonFiniteError",
    "agglomerative_coefficient",
    "average",
    "bisecting",
    "cdist",
    "centroid",
    "complete",
    "cophenet",
    "cophenetic_correlation",
    "correspond",
    "cut_tree",
    "dendrogram",
    "diana",
    "divisive_coefficient",
    "fcluster",
    "fclusterdata",
    "from_mlab_linkage",
    "grid_graph",
    "inconsistent",
    "is_isomorphic",
    "is_monotonic",
    "is_valid_im",
    "is_valid_linkage",
    "knn_graph",
    "leaders",
    "leaves_list",
    "linkage",
    "linkage_graph",
    "linkage_vector",
    "maxRstat",
    "maxdists",
    "maxinconsts",
    "median",
    "num_obs_linkage",
    "optimal_leaf_ordering",
    "pdist",
    "set_link_color_palette",
    "show_config",
    "single",
    "squareform",
    "to_mlab_linkage",
    "to_tree",
    "ward",
    "weighted",
]
