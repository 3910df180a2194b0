"""Clustering along a connectivity graph: fastclust.linkage_graph vs scikit-learn, one process.

Both get the same observations and the same scipy.sparse graph; scikit-learn's
``AgglomerativeClustering(connectivity=G, distance_threshold=0,
compute_full_tree=True)`` builds its whole tree, as linkage_graph does. A graph
in several parts is completed by both (scikit-learn always does;
``disconnected='complete'`` for fastclust), inside the timed call. The k-NN data
is one Gaussian cloud (its graph is connected) or, with --blobs, clustered points
(many parts: then completing them, O(n^2) distances, dominates both times). Each cell is
the median of --repeat calls; peak extra memory as in compare.py. "same" says
whether the two trees merge the same clusters in the same order (so every
n_clusters cut gives the same partition).

    python bench/compare.py --connectivity                      # the issue's table
    python bench/compare.py --connectivity --knn-n 20000 --grid-sides 20,40
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from compare import _fixed_malloc_thresholds, blobs, measure


def smooth_volume(side: int, seed: int) -> np.ndarray:
    """A side**3 volume of one feature: smooth waves plus a little noise (tie-free)."""
    rng = np.random.default_rng(seed)
    axes = np.meshgrid(*(np.linspace(0, 3, side),) * 3, indexing="ij")
    field = sum(np.sin(f * a + p) for f, a, p in zip(rng.uniform(1, 3, 3), axes,
                                                       rng.uniform(0, 6, 3)))
    return (field + 0.05 * rng.normal(size=field.shape)).reshape(-1, 1)


def sklearn_tree(X, G, method):
    from sklearn.cluster import AgglomerativeClustering

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the completion warning
        model = AgglomerativeClustering(None, distance_threshold=0.0, connectivity=G,
                                        linkage=method, compute_full_tree=True).fit(X)
    return model.children_


def fastclust_tree(X, G, method):
    import fastclust

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastclust.ClusterWarning)
        return fastclust.linkage_graph(X, G, method, disconnected="complete")


def row(label, X, G, method, repeat, with_sklearn=True):
    t_fc, m_fc, Z = measure(lambda _: fastclust_tree(X, G, method), lambda: None, repeat)
    if with_sklearn:
        t_sk, m_sk, children = measure(lambda _: sklearn_tree(X, G, method), lambda: None, 1)
        same = bool(np.array_equal(Z[:, :2].astype(np.intp), np.sort(children, axis=1)))
        print(f"| {label} | {method} | {t_fc:.2f} s, {m_fc:.0f} MiB | {t_sk:.2f} s, "
              f"{m_sk:.0f} MiB | {t_sk / t_fc:.1f} | {same} |", flush=True)
        return t_fc, t_sk
    print(f"| {label} | {method} | {t_fc:.2f} s, {m_fc:.0f} MiB | not run | | |", flush=True)
    return t_fc, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knn-n", type=int, default=100_000)
    parser.add_argument("--knn-d", type=int, default=10)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--blobs", action="store_true",
                        help="clustered points (the k-NN graph has many parts: both complete it)")
    parser.add_argument("--knn-methods", default="ward,average")
    parser.add_argument("--grid-sides", default="20,40,60,100",
                        help="sides of the cubic grids for ward (comma-separated)")
    parser.add_argument("--sklearn-budget", type=float, default=240.0,
                        help="skip scikit-learn on larger grids once one call took this long (s)")
    parser.add_argument("--sklearn-max-side", type=int, default=80,
                        help="largest grid side scikit-learn runs on (80: 3 minutes here)")
    parser.add_argument("--no-sklearn-knn", action="store_true",
                        help="time fastclust alone on the k-NN graph")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    _fixed_malloc_thresholds()

    import fastclust
    import sklearn
    from sklearn.feature_extraction.image import grid_to_graph
    from sklearn.neighbors import kneighbors_graph

    print(f"fastclust {fastclust.__version__}, scikit-learn {sklearn.__version__}")
    print("| data | method | fastclust (time, peak) | scikit-learn (time, peak) | ratio | same |")
    print("|---|---|---|---|---|---|")
    if args.blobs:
        X = blobs(args.knn_n, args.knn_d, 0)
        label = f"{args.knn_n} blobs, d = {args.knn_d}, {args.k}-NN graph"
    else:
        X = np.random.default_rng(0).normal(size=(args.knn_n, args.knn_d))
        label = f"{args.knn_n} Gaussian points, d = {args.knn_d}, {args.k}-NN graph"
    G = kneighbors_graph(X, args.k, include_self=False)
    for method in args.knn_methods.split(","):
        row(label, X, G, method, args.repeat, with_sklearn=not args.no_sklearn_knn)
    sklearn_ok = True
    for side in (int(s) for s in args.grid_sides.split(",")):
        V = smooth_volume(side, 0)
        Gv = grid_to_graph(side, side, side)
        _, t_sk = row(f"{side}³ grid ({side ** 3} voxels, 1 feature)", V, Gv, "ward",
                      args.repeat, with_sklearn=sklearn_ok and side <= args.sklearn_max_side)
        if t_sk is not None and t_sk > args.sklearn_budget:
            sklearn_ok = False


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.0f} s")
