"""Where linkage(X, method) on observations should take the centroid (vector) path.

For ward, centroid and median with the Euclidean metric, times the matrix path
(pdist + the matrix kernel: ``linkage(X, m, algorithm='matrix')``) against the
O(n d)-memory centroid algorithm (``linkage_vector(X, m)``) on the same
Gaussian blobs, alternating the two calls in one process (best of --repeat),
for a grid of n and d. The rule in _linkage_vector._centroids_pay_off comes
from this. With --single: single linkage by the matrix path, Prim on the fly
and the KD-tree (_prim_pays_off and _kdtree_pays_off).

    python bench/dispatch_crossover.py --n 300,2000,10000 --d 2,5,10,20,50,100
    python bench/dispatch_crossover.py --single --n 1000,5000,20000 --d 10,20,32
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import fastclust
from compare import blobs


def best_of(call, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="300,2000,10000")
    parser.add_argument("--d", default="2,5,10,20,50,100")
    parser.add_argument("--methods", default="ward,centroid,median")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--single", action="store_true",
                        help="single linkage: matrix path, Prim on the fly, KD-tree")
    args = parser.parse_args(argv)
    if args.single:
        return single_table(args)
    print("| method | n | d | matrix path | vector path | vector / matrix |")
    print("|---|---|---|---|---|---|")
    for method in args.methods.split(","):
        for n in (int(v) for v in args.n.split(",")):
            for d in (int(v) for v in args.d.split(",")):
                X = blobs(n, d, seed=0)
                repeat = args.repeat if n <= 5000 else max(1, args.repeat - 1)
                t_m = best_of(lambda: fastclust.linkage(X, method, algorithm="matrix"), repeat)
                t_v = best_of(lambda: fastclust.linkage_vector(X, method), repeat)
                print(f"| {method} | {n} | {d} | {t_m * 1e3:.1f} ms | {t_v * 1e3:.1f} ms | "
                      f"{t_v / t_m:.2f} |", flush=True)


def single_table(args):
    print("| n | d | matrix path | Prim | KD-tree | Prim / matrix |")
    print("|---|---|---|---|---|---|")
    for n in (int(v) for v in args.n.split(",")):
        for d in (int(v) for v in args.d.split(",")):
            X = blobs(n, d, seed=0)
            repeat = args.repeat if n <= 5000 else max(1, args.repeat - 1)
            t_m = best_of(lambda: fastclust.linkage(X, "single", algorithm="matrix"), repeat)
            t_p = best_of(lambda: fastclust.linkage(X, "single", algorithm="prim"), repeat)
            t_k = best_of(lambda: fastclust.linkage(X, "single", algorithm="kdtree"), repeat)
            print(f"| {n} | {d} | {t_m * 1e3:.1f} ms | {t_p * 1e3:.1f} ms | "
                  f"{t_k * 1e3:.1f} ms | {t_p / t_m:.2f} |", flush=True)


if __name__ == "__main__":
    main()
