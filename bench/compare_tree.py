"""Side-by-side timings of the tree toolkit: fastclust vs SciPy, in one process.

Both libraries get the same linkage matrix (average linkage of Gaussian blobs,
built by fastclust) and the same condensed distances. Each cell is the median
of --repeat calls, peak extra memory as in compare.py. SciPy is skipped where
it cannot finish (RecursionError on deep trees) or would take minutes
(optimal_leaf_ordering above --olo-scipy-max).

    python bench/compare_tree.py --n 20000
    python bench/compare_tree.py --n 4000 --only optimal_leaf_ordering
    python bench/compare_tree.py --n 1000000 --only dendrogram,fcluster --no-distances
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from compare import _fixed_malloc_thresholds, blobs, measure  # noqa: E402


def chain(n):
    """A caterpillar tree: the worst case for recursive tree walks."""
    Z = np.empty((n - 1, 4))
    Z[:, 0] = np.r_[0, n + np.arange(n - 2)]
    Z[:, 1] = np.arange(1, n)
    Z[:, 2] = np.arange(1, n, dtype=float)
    Z[:, 3] = np.arange(2, n + 1)
    return Z


def cases(Z, y, n_ks):
    """(name, call(module), needs y): `call` is run with fastclust and with SciPy's module."""
    ks = list(range(1, n_ks + 1))
    return [
        ("fcluster maxclust k=10", lambda m: m.fcluster(Z, 10, "maxclust"), False),
        ("fcluster distance", lambda m: m.fcluster(Z, float(np.median(Z[:, 2])), "distance"),
         False),
        ("fcluster inconsistent", lambda m: m.fcluster(Z, 1.0), False),
        (f"cut_tree {n_ks} values of k", lambda m: m.cut_tree(Z, n_clusters=ks), False),
        ("cophenet(Z)", lambda m: m.cophenet(Z), False),
        ("cophenet(Z, Y)", lambda m: m.cophenet(Z, y), True),
        ("inconsistent", lambda m: m.inconsistent(Z), False),
        ("leaves_list", lambda m: m.leaves_list(Z), False),
        ("to_tree", lambda m: m.to_tree(Z), False),
        ("dendrogram(no_plot)", lambda m: m.dendrogram(Z, no_plot=True), False),
        ("optimal_leaf_ordering", lambda m: m.optimal_leaf_ordering(Z, y), True),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--d", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated name prefixes to run")
    parser.add_argument("--k-values", type=int, default=100,
                        help="number of k given to cut_tree at once")
    parser.add_argument("--olo-scipy-max", type=int, default=2000,
                        help="largest n at which SciPy's O(n^4) optimal_leaf_ordering runs")
    parser.add_argument("--tree", choices=["average", "chain"], default="average",
                        help="'chain' measures a caterpillar tree (no distances needed)")
    parser.add_argument("--no-distances", action="store_true",
                        help="skip the functions that need the n^2 distances")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    _fixed_malloc_thresholds()

    import scipy
    import scipy.cluster.hierarchy as sch

    import fastclust

    y = None
    if args.tree == "chain":
        Z = chain(args.n)
        args.no_distances = True
    elif args.no_distances:
        # no n^2 matrix is kept: single linkage (the MST kernel streams the distances)
        args.tree = "single"
        Z = fastclust.linkage(blobs(args.n, args.d, args.seed), "single")
    else:
        y = fastclust.pdist(blobs(args.n, args.d, args.seed))
        Z = fastclust.linkage(y, "average")
    print(f"n={args.n}, tree={args.tree}, repeat={args.repeat}; fastclust "
          f"{fastclust.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")
    print()
    print("| function | fastclust | scipy | × vs scipy | peak extra MiB fastclust / scipy "
          "| same result |")
    print("|---|---|---|---|---|---|")
    only = [s for s in args.only.split(",") if s]
    for name, call, needs_y in cases(Z, y, args.k_values):
        if only and not any(name.startswith(s) for s in only):
            continue
        if needs_y and y is None:
            continue
        t_fc, m_fc, r_fc = measure(lambda _: call(fastclust), lambda: None, args.repeat)
        t_sp = m_sp = r_sp = None
        note = ""
        if name == "optimal_leaf_ordering" and args.n > args.olo_scipy_max:
            note = f"skipped (n > {args.olo_scipy_max})"
        elif name.startswith("cut_tree") and args.n > 50_000:
            note = "skipped (SciPy's cut_tree is O(n^2) Python: hours here)"
        else:
            try:
                t_sp, m_sp, r_sp = measure(lambda _: call(sch), lambda: None,
                                           1 if name == "optimal_leaf_ordering" else args.repeat)
            except RecursionError:
                note = "RecursionError"
        same = "–" if r_sp is None else _same(name, r_fc, r_sp, y)
        sp = note or f"{t_sp:.4f} s"
        ratio = "–" if t_sp is None else f"{t_sp / t_fc:.1f}"
        mem = f"{m_fc:.0f} / " + ("–" if m_sp is None else f"{m_sp:.0f}")
        print(f"| {name} | {t_fc:.4f} s | {sp} | {ratio} | {mem} | {same} |")
        sys.stdout.flush()


def _same(name, a, b, y):
    if name == "to_tree":
        return "yes" if a.get_count() == b.get_count() else "NO"
    if name == "optimal_leaf_ordering":
        import fastclust
        ca = _cost(fastclust.leaves_list(a), y)
        cb = _cost(fastclust.leaves_list(b), y)
        return f"cost {ca:.6g} vs scipy {cb:.6g}"
    if isinstance(a, dict):
        return "yes" if a == b else "NO"
    if isinstance(a, tuple):
        return "yes" if all(np.allclose(p, q) for p, q in zip(a, b)) else "NO"
    return "yes" if np.allclose(np.asarray(a), np.asarray(b)) else "NO"


def _cost(order, y):
    n = len(order)
    o = np.asarray(order, dtype=np.intp)
    i, j = np.minimum(o[:-1], o[1:]), np.maximum(o[:-1], o[1:])
    return float(y[i * (2 * n - i - 1) // 2 + (j - i - 1)].sum())


if __name__ == "__main__":
    main()
