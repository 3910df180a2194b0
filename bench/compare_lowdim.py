"""Single linkage of low-dimensional Euclidean points: KD-tree MST vs the others, in one process.

    python bench/compare_lowdim.py                      # n = 1e5, 1e6; d = 2, 3, 5
    python bench/compare_lowdim.py --n 100000 --d 3 --repeat 3
    python bench/compare_lowdim.py --crossover          # KD-tree vs O(n^2) path, by n and d
    python bench/compare.py --lowdim ...                # the same, from the main script

Columns (median wall time of --repeat calls; peak extra MiB as in compare.py):
  kdtree Z       fastclust._kdtree_single.kdtree_single_linkage(X): the full linkage
                 matrix (MST + sort + relabel)
  kdtree MST     kdtree_mst_edges(X): the spanning tree only
  quitefastmst   quitefastmst.mst_euclid(X): the spanning tree only (genieclust's MST
                 library; it returns edges, not Z, so compare it with "kdtree MST")
  fastcluster    fastcluster.linkage_vector(X, 'single'): O(n^2) time, O(n) memory; run
                 only for n <= --max-quadratic-n
  fastclust O(n^2)  fastclust.linkage(X, 'single'): pdist + Boruvka on the condensed
                 matrix, O(n^2) memory; only for n <= --max-quadratic-n
Both fastclust and quitefastmst use all CPUs by default (OpenMP). Every Z is checked
against the others that ran (exactly against fastclust's O(n^2) path, by total MST
length against quitefastmst). The machine may be shared: numbers are indicative.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from compare import _fixed_malloc_thresholds, blobs, measure, same_tree


def uniform(n, d, seed):
    return np.random.default_rng(seed).uniform(size=(n, d))


DATA = {"blobs": blobs, "uniform": uniform}


def _fmt(t):
    return "–" if t is None else f"{t:.3f} s"


def _fmt_mem(m):
    return "–" if m is None or m != m else f"{m:.0f}"


def table(args):
    import fastclust
    from fastclust._kdtree_single import kdtree_mst_edges, kdtree_single_linkage

    try:
        import quitefastmst
    except ImportError:
        quitefastmst = None
    try:
        import fastcluster
    except ImportError:
        fastcluster = None
    workers = fastclust._validation.resolve_workers(args.workers)
    print(f"fastclust workers={workers}, repeat={args.repeat}; quitefastmst "
          f"{getattr(quitefastmst, '__version__', 'missing')}, fastcluster "
          f"{getattr(fastcluster, '__version__', 'missing')}")
    print()
    print("| data | n | d | kdtree Z | kdtree MST | quitefastmst (MST) | fastcluster vector | "
          "fastclust O(n²) | MST: qfmst / kdtree | peak extra MiB: kdtree Z / qfmst / "
          "fastcluster / O(n²) | check |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in args.data.split(","):
        for n in args.n:
            for d in args.d:
                X = DATA[kind](n, d, args.seed)
                t_z, m_z, Z = measure(lambda a: kdtree_single_linkage(a, workers=args.workers),
                                      lambda: X, args.repeat)
                t_e, _, (a, b, h) = measure(lambda a: kdtree_mst_edges(a, workers=args.workers),
                                            lambda: X, args.repeat)
                check = []
                t_q = m_q = t_f = m_f = t_o = m_o = None
                if quitefastmst is not None:
                    t_q, m_q, res = measure(quitefastmst.mst_euclid, lambda: X, args.repeat)
                    ok = np.isclose(res[0].sum(), h.sum(), rtol=1e-12, atol=0)
                    check.append("length = qfmst" if ok else "LENGTH DIFFERS")
                if n <= args.max_quadratic_n:
                    if fastcluster is not None:
                        t_f, m_f, Zf = measure(lambda a: fastcluster.linkage_vector(a, "single"),
                                               lambda: X, 1)
                        check.append("≈ fastcluster" if same_tree(Z, Zf) else "≠ fastcluster")
                    t_o, m_o, Zo = measure(lambda a: fastclust.linkage(a, "single",
                                                                       workers=args.workers),
                                           lambda: X, 1)
                    check.append("== O(n²) path" if np.array_equal(Z, Zo) else "≠ O(n²) PATH")
                ratio = "–" if t_q is None else f"{t_q / t_e:.2f}"
                mem = " / ".join(_fmt_mem(v) for v in (m_z, m_q, m_f, m_o))
                print(f"| {kind} | {n} | {d} | {_fmt(t_z)} | {_fmt(t_e)} | {_fmt(t_q)} | "
                      f"{_fmt(t_f)} | {_fmt(t_o)} | {ratio} | {mem} | {', '.join(check)} |")
                sys.stdout.flush()


def crossover(args):
    """KD-tree path vs fastclust.linkage(X, 'single') (pdist + O(n^2) MST), same Z."""
    import fastclust
    from fastclust._kdtree_single import kdtree_single_linkage

    print("| data | n | d | kdtree Z | O(n²) path | O(n²) / kdtree |")
    print("|---|---|---|---|---|---|")
    for kind in args.data.split(","):
        for n in args.n:
            for d in args.d:
                X = DATA[kind](n, d, args.seed)
                t_k, _, Z = measure(lambda a: kdtree_single_linkage(a, workers=args.workers),
                                    lambda: X, args.repeat)
                t_o, _, Zo = measure(lambda a: fastclust.linkage(a, "single",
                                                                 workers=args.workers),
                                     lambda: X, args.repeat)
                assert np.array_equal(Z, Zo), (kind, n, d)
                print(f"| {kind} | {n} | {d} | {t_k:.4f} s | {t_o:.4f} s | {t_o / t_k:.2f} |")
                sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=None)
    parser.add_argument("--d", type=int, nargs="+", default=None)
    parser.add_argument("--data", default="blobs", help="comma-separated: blobs, uniform")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-quadratic-n", type=int, default=20000,
                        help="largest n for the O(n^2) libraries (fastcluster, fastclust.linkage)")
    parser.add_argument("--crossover", action="store_true",
                        help="time the KD-tree path against fastclust.linkage(X, 'single')")
    args = parser.parse_args(argv)
    _fixed_malloc_thresholds()
    if args.crossover:
        args.n = args.n or [2000, 5000, 10000]
        args.d = args.d or [2, 4, 8, 12, 16, 24, 32]
        crossover(args)
    else:
        args.n = args.n or [100_000, 1_000_000]
        args.d = args.d or [2, 3, 5]
        t0 = time.perf_counter()
        table(args)
        print(f"\n({time.perf_counter() - t0:.0f} s in total)")


if __name__ == "__main__":
    main()
