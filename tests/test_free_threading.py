"""The public functions called from 8 threads at once give the serial results.

Every kernel keeps its state on the stack or in buffers it allocates per call;
the module-level state there is (see README, "Threads and free-threaded
Python") is either per thread (progress reporting), read-only after import
(method and metric tables, the CPU-feature switches), or global by design and
replaced whole (the dendrogram palette, as in SciPy). On a free-threaded
CPython the threads below truly run at once; elsewhere they still interleave
wherever a kernel releases the GIL, which every kernel does.
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import threading

import numpy as np
import pytest

import fastclust
from fastclust._progress import STAGE_MERGES, Progress, reporting

THREADS = 8
ROUNDS = 3


def run_at_once(work, n_threads=THREADS):
    """Call work(k) in n_threads threads released together; their results, in order."""
    barrier = threading.Barrier(n_threads)
    results = [None] * n_threads
    errors = []

    def target(k):
        try:
            barrier.wait()
            results[k] = work(k)
        except BaseException as exc:   # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def public_calls(X, y):
    """Results of a broad set of public functions on observations X and their distances y."""
    out = {}
    for method in ("single", "complete", "average", "weighted", "ward", "centroid", "median"):
        out[f"linkage-{method}"] = fastclust.linkage(y, method)
    Z = out["linkage-average"]
    out["linkage-X-ward"] = fastclust.linkage(X, "ward")
    out["linkage-X-single"] = fastclust.linkage(X, "single", metric="cityblock")
    out["linkage-inplace"] = fastclust.linkage(y.copy(), "complete", preserve_input=False)
    out["linkage-olo"] = fastclust.linkage(y, "average", optimal_ordering=True)
    for method in ("single", "ward", "centroid", "median"):
        out[f"vector-{method}"] = fastclust.linkage_vector(X, method)
    out["pdist"] = fastclust.pdist(X, "cosine")
    out["cdist"] = fastclust.cdist(X[:20], X, "chebyshev")
    out["squareform"] = fastclust.squareform(y)
    out["fcluster-maxclust"] = fastclust.fcluster(Z, 5, "maxclust")
    out["fcluster-inconsistent"] = fastclust.fcluster(Z, 1.0)
    out["fclusterdata"] = fastclust.fclusterdata(X, 4, "maxclust", method="complete")
    out["cut_tree"] = fastclust.cut_tree(Z, n_clusters=[2, 5, 9])
    out["cophenet"] = fastclust.cophenet(Z)
    out["cophenetic_correlation"] = fastclust.cophenetic_correlation(Z, y)
    R = fastclust.inconsistent(Z)
    out["inconsistent"] = R
    out["maxdists"] = fastclust.maxdists(Z)
    out["maxinconsts"] = fastclust.maxinconsts(Z, R)
    out["maxRstat"] = fastclust.maxRstat(Z, R, 3)
    out["leaves_list"] = fastclust.leaves_list(Z)
    out["leaders"] = fastclust.leaders(Z, out["fcluster-maxclust"])
    out["olo"] = fastclust.optimal_leaf_ordering(Z, y)
    out["to_tree"] = fastclust.to_tree(Z).pre_order()
    out["valid"] = (fastclust.is_valid_linkage(Z), fastclust.is_monotonic(Z),
                    fastclust.correspond(Z, y))
    out["dendrogram"] = fastclust.dendrogram(Z, no_plot=True, color_threshold=1.0)["ivl"]
    out["diana"] = fastclust.diana(X)
    out["bisecting"] = fastclust.bisecting(X, random_state=0)
    out["coefficients"] = (fastclust.divisive_coefficient(out["diana"]),
                           fastclust.agglomerative_coefficient(Z))
    out["estimator"] = fastclust.HierarchicalClustering(4, linkage="average").fit_predict(X)
    return out


def assert_same(got, want):
    assert got.keys() == want.keys()
    for key in want:
        np.testing.assert_equal(got[key], want[key], err_msg=key)   # exact, NaN-aware


def test_public_functions_from_8_threads(rng):
    datasets = [rng.normal(size=(120 + 10 * k, 3)) for k in range(THREADS)]
    expected = [public_calls(X, fastclust.pdist(X)) for X in datasets]

    def work(k):
        X = datasets[k]
        y = fastclust.pdist(X)
        return [public_calls(X, y) for _ in range(ROUNDS)]

    for k, rounds in enumerate(run_at_once(work)):
        for got in rounds:
            assert_same(got, expected[k])


def test_8_threads_on_one_shared_read_only_input(rng):
    X = rng.normal(size=(900, 4))
    X.flags.writeable = False
    y = fastclust.pdist(X)
    y.flags.writeable = False
    methods = ("single", "complete", "average", "weighted", "ward", "centroid", "median", "ward")
    expected = {m: fastclust.linkage(y, m) for m in set(methods)}

    results = run_at_once(lambda k: fastclust.linkage(y, methods[k], workers=2))
    for method, Z in zip(methods, results):
        np.testing.assert_array_equal(Z, expected[method], err_msg=method)


def test_progress_is_reported_per_thread(rng):
    # Each thread's kernels write into that thread's Progress and no other's.
    ns = [300 + 50 * k for k in range(THREADS)]
    ys = [fastclust.pdist(rng.normal(size=(n, 2))) for n in ns]

    def run(k):
        progress = Progress()
        with reporting(progress):
            fastclust.linkage(ys[k], "average")
        return progress.counters.copy()

    serial = [run(k) for k in range(THREADS)]
    assert len({int(c[2]) for c in serial}) == THREADS      # every thread's total differs
    for want, got in zip(serial, run_at_once(run)):
        assert want[0] == STAGE_MERGES and want[1] == want[2] > 0
        np.testing.assert_array_equal(got, want)


def test_palette_is_global_and_replaced_whole():
    # set_link_color_palette is global (as in SciPy); a dendrogram drawn while
    # another thread changes it uses one palette or the other, never a mix.
    Z = fastclust.linkage(np.arange(40.0).reshape(20, 2) ** 1.5, "average")
    palettes = [["red", "blue", "green"], ["black", "orange"]]

    def work(k):
        seen = []
        for r in range(20):
            if k % 2 == 0:
                fastclust.set_link_color_palette(palettes[(k // 2 + r) % 2])
            else:
                colours = set(fastclust.dendrogram(Z, no_plot=True,
                                                   color_threshold=30.0)["color_list"])
                seen.append(colours - {"C0"})
        return seen

    fastclust.set_link_color_palette(palettes[0])
    try:
        results = run_at_once(work)
    finally:
        fastclust.set_link_color_palette(None)
    for seen in results[1::2]:
        for colours in seen:
            assert colours <= set(palettes[0]) or colours <= set(palettes[1]), colours


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"),
                    reason="needs a free-threaded CPython")
def test_import_keeps_the_gil_disabled():
    # Every extension module declares itself free-threading compatible: importing
    # them all leaves the GIL off (an undeclared one would turn it back on).
    # (Every extension module is at the package's top level; plot and
    # distributed only add matplotlib and dask.)
    code = ("import sys, pkgutil, importlib, fastclust\n"
            "for m in pkgutil.iter_modules(fastclust.__path__, 'fastclust.'):\n"
            "    if m.name not in ('fastclust.plot', 'fastclust.distributed'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sys._is_gil_enabled())")
    env_without_override = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    out = subprocess.run([sys.executable, "-c", code], env=env_without_override,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
