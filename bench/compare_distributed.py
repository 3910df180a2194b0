"""fastclust.distributed on a LocalCluster against fastclust.linkage on one machine.

Data: Gaussian blobs (as bench/compare.py), n points in d dimensions, as a
dask.array chunked by rows (--chunks blocks). The cluster is a LocalCluster
with --workers worker processes of one thread each, so that each worker's
peak memory is its own process's resident-set high-water mark.

For every method the table gives the wall time of the distributed call
(cluster already running, fastclust imported on the workers, X already
persisted on the workers), the number of
rounds, the bytes moved between the client and the workers (NumPy payloads
the rounds send and receive, summed; the largest round in brackets), the
peak resident memory of the busiest worker during the call (and the largest
resident memory at its start: memory freed by an earlier method may stay
with the process), and the single-machine
fastclust.linkage(X, method) time for comparison (skipped with
--no-single-machine or when its condensed matrix would not fit in memory).
Every distributed Z is checked against the single-machine Z when both ran.

    python bench/compare_distributed.py --n 20000 --methods single,ward
    python bench/compare_distributed.py --n 5000 --methods single,complete,average,ward
    python bench/compare_distributed.py --n 200000 --methods single --no-single-machine

Timings on a shared machine are indicative only.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np


def blobs(n, d, seed):
    rng = np.random.default_rng(seed)
    k = max(2, int(np.sqrt(n) / 4))
    centres = rng.uniform(-10, 10, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def _peak_rss_bytes():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _reset_peak():
    """Linux: reset this process's RSS high-water mark (then ru_maxrss is not used)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _vm_hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--d", type=int, default=10)
    parser.add_argument("--methods", default="single,ward")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunks", type=int, default=8, help="row blocks of X")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-single-machine", action="store_true")
    parser.add_argument("--rounds", action="store_true", help="print every round")
    args = parser.parse_args(argv)

    import dask.array as da
    from distributed import Client, LocalCluster

    import fastclust
    import fastclust.distributed as fd

    X = blobs(args.n, args.d, args.seed)
    condensed = 8 * args.n * (args.n - 1) // 2
    total_mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    single_machine = not args.no_single_machine and 1.2 * condensed < total_mem
    print(f"n={args.n} d={args.d}, {args.workers} worker processes x 1 thread, "
          f"{args.chunks} row blocks; condensed matrix {condensed / 2**30:.2f} GiB"
          + ("" if single_machine else " (single-machine run skipped)"))
    rows = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      scheduler_port=0, dashboard_address=":0",
                      memory_limit=None) as cluster, Client(cluster) as client:
        Xd = da.from_array(X, chunks=(-(-args.n // args.chunks), args.d)).persist()
        client.wait_for_workers(args.workers)
        client.run(lambda: __import__("fastclust.distributed._boruvka"))   # warm imports
        for method in args.methods.split(","):
            client.run(_reset_peak)
            base = client.run(_rss_bytes)
            log = []
            t0 = time.perf_counter()
            Z = fd.linkage(Xd, method, progress=log.append)
            t_dist = time.perf_counter() - t0
            peaks = client.run(_vm_hwm)
            peak = max(peaks.values())
            moved = [r["bytes_sent"] + r["bytes_received"] for r in log]
            t_single, same = None, None
            if single_machine:
                t0 = time.perf_counter()
                Z0 = fastclust.linkage(X, method)
                t_single = time.perf_counter() - t0
                if method in ("single", "complete"):
                    same = bool(np.array_equal(Z, Z0))
                else:
                    same = bool(np.array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]])
                                and np.allclose(Z[:, 2], Z0[:, 2], rtol=1e-10, atol=0))
            rows.append((method, t_dist, len(log), sum(moved), max(moved), peak,
                         max(base.values()), t_single, same,
                         sum(1 for r in log if r.get("where") == "client")))
            if args.rounds:
                for r in log:
                    print("   ", {k: v for k, v in r.items() if k not in ("method", "n")})
    print(f"{'method':9} {'distributed':>11} {'rounds':>6} {'(client)':>8} "
          f"{'bytes moved (max round)':>26} {'peak RSS/worker (at start)':>26} "
          f"{'single machine':>14} {'same Z':>6}")
    for (method, t, rounds, moved, top, peak, base, t1, same, local) in rows:
        t1s = f"{t1:.2f} s" if t1 is not None else "-"
        print(f"{method:9} {t:9.2f} s {rounds:6d} {local:8d} {moved / 2**20:13.1f} MiB "
              f"({top / 2**20:7.1f} MiB) {peak / 2**20:11.0f} MiB ({base / 2**20:6.0f} MiB) "
              f"{t1s:>14} "
              f"{'-' if same is None else same!s:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
