"""fastclust: fast, exact hierarchical clustering with SciPy's interface.

The linkage functions return SciPy's linkage matrix, computed by compiled
kernels: a Boruvka minimum spanning tree for single linkage, the
nearest-neighbour chain for complete, average, weighted and Ward, and
Muellner's generic algorithm for centroid and median.
"""
from ._distance import pdist, squareform
from ._linkage import average, centroid, complete, linkage, median, single, ward, weighted
from ._validation import ClusterWarning

__version__ = "0.1.0.dev0"

__all__ = [
    "ClusterWarning",
    "average",
    "centroid",
    "complete",
    "linkage",
    "median",
    "pdist",
    "single",
    "squareform",
    "ward",
    "weighted",
]
