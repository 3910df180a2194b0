"""Side-by-side linkage timings: fastclust vs SciPy vs fastcluster, in one process.

Every library gets the same condensed float64 array (Gaussian blobs, d dimensions).
Each cell is the median wall time of --repeat calls; peak extra memory is the rise
of the process's resident-set high-water mark during a call (Linux: the peak is
reset through /proc/self/clear_refs before every call), so it counts every
allocation the call makes, C++ ones included.

    python bench/compare.py --n 5000
    python bench/compare.py --n 20000 --repeat 3 --scipy-repeat 1
    python bench/compare.py --lowdim [options]   # points, single linkage: compare_lowdim.py
    python bench/compare.py --observations --n 20000 --d 10   # linkage(X): compare_observations.py
    python bench/compare.py --connectivity   # linkage_graph vs scikit-learn: compare_connectivity.py
    python bench/compare.py --divisive --n 2000     # DIANA, bisecting, the estimator
    python bench/compare.py --vector --n 10000          # linkage_vector vs fastcluster's
    python bench/compare.py --pdist --n 10000 --workers 1   # pdist per metric vs SciPy
    python bench/compare.py --small [--small-sizes 10,100] [--workers 1]   # fixed costs

--vector compares fastclust.linkage_vector(X, method) with
fastcluster.linkage_vector(X, method) on the observations (float64, and
fastclust on float32 too); --pdist compares fastclust.pdist(X, metric) with
scipy.spatial.distance.pdist(X, metric). Neither builds the condensed matrix.

--small times the calls made on small and medium inputs, where fixed costs
(checks, allocations, thread start-up) weigh: for n = 10 ... 5000 and every
method, the best of several alternating calls of fastclust.linkage(y, method)
and fastcluster.linkage(y, method) on the same condensed float64 array; then
observations X of shape (n, 5): fastclust.linkage(X, method) against
fastcluster.linkage_vector(X, method) where it has the method, else
fastcluster.linkage(X, method).

Columns:
  fastclust        linkage(y, method): the default preserve_input=True (one copy,
                   none for single)
  fastclust inplace  linkage(y_copy, method, preserve_input=False) on a fresh copy
                   made outside the timed region: the kernel alone
  scipy            scipy.cluster.hierarchy.linkage(y, method)
  fastcluster      fastcluster.linkage(y, method)
The ratio columns divide the other library's time by fastclust's (default call).
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time

import numpy as np

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")


def blobs(n, d, seed):
    """n points around sqrt(n)/4 random centres: clustered, tie-free data."""
    rng = np.random.default_rng(seed)
    k = max(2, int(np.sqrt(n) / 4))
    centres = rng.uniform(-10, 10, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def _fixed_malloc_thresholds():
    """Make glibc return freed large blocks to the OS at once.

    By default glibc raises its mmap threshold after a large free, so later
    allocations reuse resident heap pages and never show up in the peak RSS.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 17)   # M_MMAP_THRESHOLD: fixed, 128 KiB
        libc.mallopt(-1, 1 << 17)   # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def _status_kib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(call, make_arg, repeat):
    """Median seconds and max peak extra MiB of `call(make_arg())` over `repeat` runs."""
    times, peaks = [], []
    result = None
    for _ in range(repeat):
        arg = make_arg()
        gc.collect()
        can_peak = _reset_peak()
        rss_before = _status_kib("VmRSS")
        t0 = time.perf_counter()
        result = call(arg)
        times.append(time.perf_counter() - t0)
        if can_peak:
            peaks.append((_status_kib("VmHWM") - rss_before) / 1024)
        del arg
    peak = max(peaks) if peaks else float("nan")
    return statistics.median(times), peak, result


def same_tree(Z, R):
    return bool(np.array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])
                and np.allclose(Z[:, 2], R[:, 2], rtol=1e-10, atol=0))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--lowdim" in argv:      # single linkage of low-dimensional points: compare_lowdim.py
        import compare_lowdim

        return compare_lowdim.main([a for a in argv if a != "--lowdim"])
    if "--connectivity" in argv:    # linkage_graph vs scikit-learn: compare_connectivity.py
        import compare_connectivity

        return compare_connectivity.main([a for a in argv if a != "--connectivity"])
    if "--observations" in argv:    # linkage(X, m), fresh processes: compare_observations.py
        import compare_observations

        return compare_observations.main([a for a in argv if a != "--observations"])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--d", type=int, default=10)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scipy-repeat", type=int, default=None,
                        help="repeats for SciPy (default: --repeat); SciPy is slow at large n")
    parser.add_argument("--no-scipy", action="store_true")
    parser.add_argument("--workers", type=int, default=None,
                        help="fastclust workers (default: all CPUs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--divisive", action="store_true",
                        help="instead of linkage: time diana (against R's cluster::diana "
                             "when Rscript is installed), bisecting, and HierarchicalClustering "
                             "(against scikit-learn's AgglomerativeClustering)")
    parser.add_argument("--vector", action="store_true",
                        help="linkage_vector (single, ward, centroid, median) vs fastcluster's")
    parser.add_argument("--pdist", action="store_true", help="pdist per metric vs SciPy's")
    parser.add_argument("--small", action="store_true",
                        help="best-of-several µs per method at small and medium n vs fastcluster")
    parser.add_argument("--small-sizes", default="10,100,300,1000,2000,5000",
                        help="n values for --small")
    parser.add_argument("--small-obs-sizes", default="10,100,300",
                        help="n values for the observation table of --small")
    parser.add_argument("--metrics", default="euclidean,sqeuclidean,cityblock,chebyshev,cosine,"
                        "correlation,canberra,braycurtis,minkowski,seuclidean,mahalanobis",
                        help="metrics for --pdist")
    args = parser.parse_args(argv)
    _fixed_malloc_thresholds()
    if args.divisive:
        divisive_section(args)
        return
    if args.vector:
        return main_vector(args)
    if args.pdist:
        return main_pdist(args)
    if args.small:
        return main_small(args)

    import fastclust

    try:
        import scipy
        import scipy.cluster.hierarchy as sch
        from scipy.spatial.distance import pdist as scipy_pdist
    except ImportError:
        sch = None
    try:
        import fastcluster
    except ImportError:
        fastcluster = None

    X = blobs(args.n, args.d, args.seed)
    y = fastclust.pdist(X)
    if sch is not None:
        assert np.allclose(y, scipy_pdist(X), rtol=1e-12, atol=0)
    y_pristine = y.copy()
    scipy_repeat = args.scipy_repeat or args.repeat
    versions = [f"fastclust {fastclust.__version__}", f"numpy {np.__version__}"]
    if sch is not None:
        versions.append(f"scipy {scipy.__version__}")
    if fastcluster is not None:
        versions.append(f"fastcluster {fastcluster.__version__}")
    workers = fastclust._validation.resolve_workers(args.workers)
    print(f"n={args.n}, d={args.d}, condensed {y.nbytes / 2**20:.0f} MiB, "
          f"repeat={args.repeat}, fastclust workers={workers}; " + ", ".join(versions))
    print()
    print("| method | fastclust | fastclust inplace | scipy | fastcluster | "
          "× vs scipy | × vs fastcluster | peak extra MiB: fastclust / inplace / scipy / "
          "fastcluster | Z equals scipy |")
    print("|---|---|---|---|---|---|---|---|---|")
    for method in args.methods.split(","):
        t_fc, m_fc, Z = measure(lambda a: fastclust.linkage(a, method, workers=args.workers),
                                lambda: y, args.repeat)
        t_ip, m_ip, Z_ip = measure(
            lambda a: fastclust.linkage(a, method, preserve_input=False, workers=args.workers),
            lambda: y.copy(), args.repeat)
        assert np.array_equal(y, y_pristine), "default call wrote its input"
        row_sp = row_fcl = ("–", float("nan"), None)
        if sch is not None and not args.no_scipy:
            row_sp = measure(lambda a: sch.linkage(a, method), lambda: y, scipy_repeat)
        if fastcluster is not None:
            row_fcl = measure(lambda a: fastcluster.linkage(a, method), lambda: y, args.repeat)

        def fmt_t(t):
            return "–" if isinstance(t, str) else f"{t:.3f} s"

        def ratio(t):
            return "–" if isinstance(t, str) else f"{t / t_fc:.2f}"

        match = "–" if row_sp[2] is None else ("yes" if same_tree(Z, row_sp[2]) else "NO")
        if not same_tree(Z, Z_ip):
            match += " (inplace differs!)"
        mem = " / ".join("–" if v != v else f"{v:.0f}" for v in (m_fc, m_ip, row_sp[1], row_fcl[1]))
        print(f"| {method} | {fmt_t(t_fc)} | {fmt_t(t_ip)} | {fmt_t(row_sp[0])} | "
              f"{fmt_t(row_fcl[0])} | {ratio(row_sp[0])} | {ratio(row_fcl[0])} | {mem} | {match} |")
        sys.stdout.flush()


def _time_r_diana(y, n, repeat):
    """Median seconds of R's cluster::diana on the same condensed matrix, or None."""
    import os
    import shutil
    import subprocess
    import tempfile

    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "y.bin")
        y.astype("<f8").tofile(path)
        script = (
            "suppressMessages(library(cluster));"
            f"v <- readBin('{path}', 'double', n = {y.size}, endian = 'little');"
            f"d <- structure(v, Size = {n}L, Diag = FALSE, Upper = FALSE, class = 'dist');"
            f"t <- sapply(1:{repeat}, function(i) system.time(diana(d))[['elapsed']]);"
            "cat(median(t))"
        )
        try:
            out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                                 check=True, timeout=3600)
        except (subprocess.SubprocessError, OSError):
            return None
        return float(out.stdout.strip())


def divisive_section(args):
    """Tables for diana / bisecting and for the estimator (--divisive)."""
    import fastclust

    X = blobs(args.n, args.d, args.seed)
    y = fastclust.pdist(X)
    print(f"n={args.n}, d={args.d}, repeat={args.repeat}; fastclust {fastclust.__version__}")
    print()
    print("| task | fastclust | reference | reference time | × |")
    print("|---|---|---|---|---|")
    t_d, _, _ = measure(fastclust.diana, lambda: y, args.repeat)
    t_r = _time_r_diana(y, args.n, args.repeat)
    print(f"| diana (condensed input) | {t_d:.3f} s | R cluster::diana | "
          + ("–" if t_r is None else f"{t_r:.3f} s") + " | "
          + ("–" if t_r is None else f"{t_r / t_d:.1f}") + " |")
    t_b, _, _ = measure(lambda a: fastclust.bisecting(a, random_state=0), lambda: X, args.repeat)
    try:
        from sklearn.cluster import BisectingKMeans
    except ImportError:
        BisectingKMeans = None
    t_s = None
    if BisectingKMeans is not None:
        k = min(args.n, 16)
        t_s, _, _ = measure(lambda a: BisectingKMeans(k, random_state=0).fit(a), lambda: X,
                            args.repeat)
    print(f"| bisecting (full tree to singletons) | {t_b:.3f} s | sklearn BisectingKMeans("
          f"n_clusters=16), not a full tree | " + ("–" if t_s is None else f"{t_s:.3f} s")
          + " | – |")
    try:
        from sklearn.cluster import AgglomerativeClustering
    except ImportError:
        AgglomerativeClustering = None
    for linkage in ("ward", "average", "single"):
        t_e, _, _ = measure(
            lambda a: fastclust.HierarchicalClustering(8, linkage=linkage).fit(a), lambda: X,
            args.repeat)
        if AgglomerativeClustering is not None:
            t_a, _, _ = measure(
                lambda a: AgglomerativeClustering(8, linkage=linkage).fit(a), lambda: X,
                args.repeat)
            ref = f"{t_a:.3f} s | {t_a / t_e:.1f}"
        else:
            ref = "– | –"
        print(f"| HierarchicalClustering(8, linkage={linkage!r}).fit(X) | {t_e:.3f} s | "
              f"sklearn AgglomerativeClustering | {ref} |")
    sys.stdout.flush()


VECTOR_METHODS = ("single", "ward", "centroid", "median")


def main_vector(args):
    """linkage_vector per method: fastclust (float64, float32) vs fastcluster."""
    import fastclust

    try:
        import fastcluster
    except ImportError:
        fastcluster = None
    X = blobs(args.n, args.d, args.seed)
    X32 = X.astype(np.float32)
    workers = fastclust._validation.resolve_workers(args.workers)
    print(f"linkage_vector, n={args.n}, d={args.d}, X {X.nbytes / 2**20:.1f} MiB, "
          f"repeat={args.repeat}, fastclust workers={workers}; fastclust "
          f"{fastclust.__version__}"
          + (f", fastcluster {fastcluster.__version__}" if fastcluster else ""))
    print()
    print("| method | fastclust | fastclust float32 | fastcluster | × vs fastcluster | "
          "peak extra MiB: fastclust / float32 / fastcluster | Z equals fastcluster |")
    print("|---|---|---|---|---|---|---|")
    methods = [m for m in args.methods.split(",") if m in VECTOR_METHODS]
    for method in methods or VECTOR_METHODS:
        t_fc, m_fc, Z = measure(
            lambda a: fastclust.linkage_vector(a, method, workers=args.workers),
            lambda: X, args.repeat)
        t_32, m_32, _ = measure(
            lambda a: fastclust.linkage_vector(a, method, workers=args.workers),
            lambda: X32, args.repeat)
        t_fcl, m_fcl, R = ("–", float("nan"), None)
        if fastcluster is not None:
            t_fcl, m_fcl, R = measure(lambda a: fastcluster.linkage_vector(a, method),
                                      lambda: X, args.repeat)
        match = "–" if R is None else ("yes" if same_tree(Z, R) else "NO")
        ratio = "–" if R is None else f"{t_fcl / t_fc:.2f}"
        fcl = "–" if R is None else f"{t_fcl:.3f} s"
        mem = " / ".join("–" if v != v else f"{v:.1f}" for v in (m_fc, m_32, m_fcl))
        print(f"| {method} | {t_fc:.3f} s | {t_32:.3f} s | {fcl} | {ratio} | {mem} | {match} |")
        sys.stdout.flush()


def best_of_alternating(calls, budget=0.3, most=200, least=5):
    """Best seconds of each of `calls`, run in turn so that both see the same machine.

    Calls repeat until each has had about `budget` seconds, at least `least` and
    at most `most` times; the first round warms up (imports, page faults).
    """
    for call in calls:
        call()
    best = [float("inf")] * len(calls)
    spent = [0.0] * len(calls)
    rounds = 0
    while rounds < least or (rounds < most and min(spent) < budget):
        for k, call in enumerate(calls):
            t0 = time.perf_counter()
            call()
            t = time.perf_counter() - t0
            best[k] = min(best[k], t)
            spent[k] += t
        rounds += 1
    return best


def main_small(args):
    """Per-call µs on small and medium inputs: fastclust vs fastcluster, every method."""
    import fastclust
    import fastcluster

    methods = args.methods.split(",")
    workers = fastclust._validation.resolve_workers(args.workers)
    print(f"condensed float64 input (blobs, d={args.d}), best of alternating calls; "
          f"fastclust workers={workers} ({'default' if args.workers is None else 'given'}); "
          f"fastclust {fastclust.__version__}, fastcluster {fastcluster.__version__}")
    print("cells: fastclust µs / fastcluster µs (ratio, < 1 means fastclust is faster)")
    print()

    def table(sizes, make_input, other):
        print("| n | " + " | ".join(methods) + " |")
        print("|---|" + "---|" * len(methods))
        for n in sizes:
            data = make_input(n)
            cells = []
            for method in methods:
                ours, theirs = best_of_alternating([
                    lambda: fastclust.linkage(data, method, workers=args.workers),
                    lambda: other(data, method)])
                cells.append(f"{ours * 1e6:.0f} / {theirs * 1e6:.0f} ({ours / theirs:.2f})")
            print(f"| {n} | " + " | ".join(cells) + " |")
            sys.stdout.flush()

    def vector_or_matrix(X, method):
        if method in VECTOR_METHODS:
            return fastcluster.linkage_vector(X, method)
        return fastcluster.linkage(X, method)

    table([int(v) for v in args.small_sizes.split(",")],
          lambda n: fastclust.pdist(blobs(n, args.d, args.seed)), fastcluster.linkage)
    print()
    print("observations X of shape (n, 5): fastclust.linkage(X, method) / "
          "fastcluster.linkage_vector(X, method) (single, ward, centroid, median) or "
          "fastcluster.linkage(X, method)")
    print()
    table([int(v) for v in args.small_obs_sizes.split(",")],
          lambda n: blobs(n, 5, args.seed), vector_or_matrix)


def main_pdist(args):
    """pdist per metric: fastclust (float64 and float32 output) vs SciPy."""
    import fastclust
    from scipy.spatial.distance import pdist as scipy_pdist

    X = blobs(args.n, args.d, args.seed)
    workers = fastclust._validation.resolve_workers(args.workers)
    pairs = args.n * (args.n - 1) // 2
    print(f"pdist, n={args.n}, d={args.d}, {pairs:.2e} pairs, repeat={args.repeat}, "
          f"fastclust workers={workers}")
    print()
    print("| metric | fastclust | ns/pair | fastclust float32 out | scipy | ns/pair | "
          "× vs scipy | peak extra MiB: fastclust / float32 / scipy | max rel. diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    for metric in args.metrics.split(","):
        t_fc, m_fc, y = measure(lambda a: fastclust.pdist(a, metric, workers=args.workers),
                                lambda: X, args.repeat)
        t_32, m_32, _ = measure(lambda a: fastclust.pdist(a, metric, workers=args.workers,
                                                          dtype=np.float32),
                                lambda: X, args.repeat)
        t_sp, m_sp, r = measure(lambda a: scipy_pdist(a, metric), lambda: X, args.repeat)
        diff = float(np.max(np.abs(y - r) / np.maximum(np.abs(r), 1e-300)))
        del y, r
        print(f"| {metric} | {t_fc:.3f} s | {1e9 * t_fc / pairs:.2f} | {t_32:.3f} s | "
              f"{t_sp:.3f} s | {1e9 * t_sp / pairs:.2f} | {t_sp / t_fc:.2f} | "
              f"{m_fc:.0f} / {m_32:.0f} / {m_sp:.0f} | {diff:.1e} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
