"""The call people make: linkage(X, method) on observations, each call in a fresh process.

For every method, times ``fastclust.linkage(X, m)`` against SciPy's
``linkage(X, m)``, ``fastcluster.linkage(X, m)`` and, where it exists,
``fastcluster.linkage_vector(X, m)``, on the same Gaussian blobs (compare.py's
`blobs`, fixed seed). Each cell runs in its own Python process, so no call
inherits another's memory; peak extra memory is the rise of the process's
resident-set high-water mark over the call. Also checks that every Z has the
same tree (ids and sizes) as fastclust's and heights within 1e-9 relative.

    python bench/compare.py --observations --n 20000 --d 10
    python bench/compare.py --observations --n 10000 --d 100 --no-scipy
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
VECTOR = ("single", "ward", "centroid", "median")

CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, {bench!r})
from compare import blobs, _fixed_malloc_thresholds, _reset_peak, _status_kib
lib, method, n, d, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
_fixed_malloc_thresholds()
X = blobs(n, d, 0)
if lib == "fastclust":
    import fastclust
    call = lambda: fastclust.linkage(X, method)
elif lib == "scipy":
    from scipy.cluster.hierarchy import linkage
    call = lambda: linkage(X, method)
elif lib == "fastcluster":
    import fastcluster
    call = lambda: fastcluster.linkage(X, method)
else:
    import fastcluster
    call = lambda: fastcluster.linkage_vector(X, method)
_reset_peak()
before = _status_kib("VmRSS")
t0 = time.perf_counter()
Z = call()
seconds = time.perf_counter() - t0
peak = (_status_kib("VmHWM") - before) / 1024
np.save(out, Z)
print(json.dumps({{"seconds": seconds, "peak_mib": peak}}))
"""


def run(lib, method, n, d, workdir):
    out = os.path.join(workdir, f"{lib}-{method}.npy")
    script = CHILD.format(bench=os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", script, lib, method, str(n), str(d), out],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"
    return json.loads(proc.stdout.strip().splitlines()[-1]), out


def main(argv=None):
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--d", type=int, default=10)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--no-scipy", action="store_true")
    args = parser.parse_args(argv)
    libs = ["fastclust"] + ([] if args.no_scipy else ["scipy"]) + ["fastcluster", "vector"]
    print(f"n={args.n}, d={args.d}: wall time / peak extra MiB, each call in a fresh process")
    print()
    print("| method | fastclust `linkage(X)` | SciPy `linkage(X)` | fastcluster `linkage(X)` | "
          "fastcluster `linkage_vector(X)` | × vs best anchor | same tree |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as workdir:
        for method in args.methods.split(","):
            cells, times, trees = [], {}, {}
            for lib in libs:
                if lib == "vector" and method not in VECTOR:
                    cells.append("–")
                    continue
                if lib == "scipy" and args.no_scipy:
                    continue
                result, where = run(lib, method, args.n, args.d, workdir)
                if result is None:
                    cells.append(f"failed: {where}")
                    continue
                times[lib] = result["seconds"]
                trees[lib] = np.load(where)
                cells.append(f"{result['seconds']:.2f} s / {result['peak_mib']:.0f}")
            if args.no_scipy:
                cells.insert(1, "–")
            anchors = [t for lib, t in times.items() if lib != "fastclust"]
            ratio = (f"{times['fastclust'] / min(anchors):.2f}"
                     if anchors and "fastclust" in times else "–")
            Z = trees.get("fastclust")
            same = "–"
            if Z is not None:
                ok = all(np.array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])
                         and np.allclose(Z[:, 2], R[:, 2], rtol=1e-9, atol=0)
                         for lib, R in trees.items() if lib != "fastclust")
                same = "yes" if ok else "NO (ties?)"
            print(f"| {method} | " + " | ".join(cells) + f" | {ratio} | {same} |", flush=True)


if __name__ == "__main__":
    main()
