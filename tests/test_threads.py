"""Threads: Z and pdist do not depend on `workers`, and concurrent calls are safe.

Single linkage on n >= 1100 points runs Boruvka rounds whose passes are split
over OpenMP threads; ties are broken by (distance, condensed offset), so the
result must be bitwise identical for any number of threads.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastclust
from fastclust._mst import mst_linkage
from fastclust._platform import openmp_enabled
from fastclust._relabel import label_merges

from _naive import kruskal_linkage

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
WORKERS = (1, 2, 4)
PDIST_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine")


def boruvka_single(y, n, workers, contract_at):
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    assert mst_linkage(y, n, h, a, b, workers, contract_at, prim_up_to=0) == 0
    Z = np.empty((n - 1, 4))
    label_merges(a, b, h, np.lexsort((b, a, h)).astype(np.intp), n, Z)
    return Z


@pytest.fixture(scope="module")
def big_inputs():
    """Condensed inputs with n >= 1100: tie-free, heavily tied, and all equal."""
    rng = np.random.default_rng(12345)
    n = 1150
    m = n * (n - 1) // 2
    return {
        "tie-free": fastclust.pdist(rng.normal(size=(n, 3)), workers=1),
        "integer distances": rng.integers(1, 6, size=m).astype(np.float64),
        "duplicated 1-D points": fastclust.pdist(rng.integers(0, 300, size=(n, 1)), workers=1),
        "all equal": np.full(m, 3.0),
    }


@pytest.mark.parametrize("case", ["tie-free", "integer distances", "duplicated 1-D points",
                                  "all equal"])
def test_single_boruvka_independent_of_workers(big_inputs, case):
    y = big_inputs[case]
    Z1 = fastclust.linkage(y, "single", workers=1)
    for workers in WORKERS[1:] + (None, -1):
        np.testing.assert_array_equal(fastclust.linkage(y, "single", workers=workers), Z1,
                                      err_msg=f"workers={workers}")
    if case != "tie-free":
        np.testing.assert_array_equal(Z1, kruskal_linkage(y))


@pytest.mark.parametrize("contract_at", (1, 2, 5, 100))
def test_boruvka_kernel_threads_on_ties(contract_at):
    # Small n, forced Boruvka rounds; 8 threads on few rows exercises empty chunks too.
    rng = np.random.default_rng(7)
    for n in (3, 17, 120, 400):
        y = rng.integers(0, 3, size=n * (n - 1) // 2).astype(np.float64)
        expected = kruskal_linkage(y)
        for workers in (1, 2, 4, 8):
            np.testing.assert_array_equal(boruvka_single(y, n, workers, contract_at), expected,
                                          err_msg=f"n={n}, workers={workers}")


@pytest.fixture(scope="module")
def nn_chain_tied_input():
    """n just above 4096, the size from which the threaded NN-chain of commit 0691467
    shared its scans (the kernel is on one thread again): any threading of the
    NN-chain must keep Z identical, ties included."""
    rng = np.random.default_rng(2024)
    n = 4150
    return rng.integers(1, 4, size=n * (n - 1) // 2).astype(np.float64)


@pytest.mark.parametrize("method", ("complete", "average", "weighted", "ward"))
def test_nn_chain_large_n_independent_of_workers_on_ties(nn_chain_tied_input, method):
    y = nn_chain_tied_input
    Z1 = fastclust.linkage(y, method, workers=1)
    np.testing.assert_array_equal(fastclust.linkage(y, method, workers=2), Z1)
    if method == "average":
        np.testing.assert_array_equal(fastclust.linkage(y, method, workers=4), Z1)


@pytest.mark.parametrize("method", METHODS)
def test_linkage_of_observations_independent_of_workers(method, rng):
    X = rng.normal(size=(300, 4))
    Xt = rng.integers(0, 4, size=(300, 2))            # tied distances
    for data in (X, Xt):
        Z1 = fastclust.linkage(data, method, workers=1)
        for workers in WORKERS[1:]:
            np.testing.assert_array_equal(fastclust.linkage(data, method, workers=workers), Z1)


@pytest.mark.parametrize("metric", PDIST_METRICS)
def test_pdist_independent_of_workers(metric, rng):
    X = rng.normal(size=(700, 5))
    kwargs = {"p": 3.0} if metric == "minkowski" else {}
    y1 = fastclust.pdist(X, metric, workers=1, **kwargs)
    for workers in WORKERS[1:] + (None,):
        np.testing.assert_array_equal(fastclust.pdist(X, metric, workers=workers, **kwargs), y1)


def test_single_from_observations_above_threshold_independent_of_workers(rng):
    X = rng.integers(0, 50, size=(1200, 2))            # many ties, Boruvka + threaded pdist
    Z1 = fastclust.linkage(X, "single", workers=1)
    for workers in WORKERS[1:]:
        np.testing.assert_array_equal(fastclust.linkage(X, "single", workers=workers), Z1)
    np.testing.assert_array_equal(Z1, kruskal_linkage(fastclust.pdist(X, workers=1)))


def test_openmp_flag_is_a_bool():
    assert isinstance(openmp_enabled(), bool)


def _tasks(rng):
    tasks = []
    for k in range(24):
        method = METHODS[k % len(METHODS)]
        n = 250 + 40 * (k % 5)
        if k % 3 == 0:
            data = rng.normal(size=(n, 3))                       # observations: pdist too
        elif k % 3 == 1:
            data = fastclust.pdist(rng.integers(0, 5, size=(n, 2)), workers=1)   # ties
        else:
            data = fastclust.pdist(rng.normal(size=(n, 2)), workers=1)
        workers = 1 + k % 2
        tasks.append((data, method, workers))
    tasks.append((fastclust.pdist(rng.normal(size=(1100, 2)), workers=1), "single", 2))
    return tasks


def test_concurrent_calls_match_serial_calls(rng):
    tasks = _tasks(rng)
    originals = [data.copy() for data, _, _ in tasks]
    serial = [fastclust.linkage(data, method, workers=workers) for data, method, workers in tasks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(fastclust.linkage, data, method, workers=workers)
                   for data, method, workers in tasks]
        concurrent = [f.result() for f in futures]
    for (data, method, _), before, Zs, Zc in zip(tasks, originals, serial, concurrent):
        np.testing.assert_array_equal(Zc, Zs, err_msg=method)
        np.testing.assert_array_equal(data, before)          # shared inputs not written


def test_concurrent_calls_on_one_shared_input(rng):
    # Many threads reading the same array at once (single does not copy it).
    y = fastclust.pdist(rng.normal(size=(1100, 3)), workers=1)
    y.flags.writeable = False
    expected = {m: fastclust.linkage(y, m) for m in ("single", "average", "centroid")}
    jobs = [m for m in ("single", "average", "centroid") for _ in range(3)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda m: (m, fastclust.linkage(y, m, workers=2)), jobs))
    for method, Z in results:
        np.testing.assert_array_equal(Z, expected[method])


def test_concurrent_in_place_calls_on_private_buffers(rng):
    inputs = [fastclust.pdist(rng.normal(size=(200, 3)), workers=1) for _ in range(8)]
    methods = ["average", "ward", "centroid", "complete"] * 2
    serial = [fastclust.linkage(y, m) for y, m in zip(inputs, methods)]
    buffers = [y.copy() for y in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(
            lambda args: fastclust.linkage(args[0], args[1], preserve_input=False),
            zip(buffers, methods)))
    for Z, Zs in zip(results, serial):
        np.testing.assert_array_equal(Z, Zs)


def test_concurrent_pdist(rng):
    Xs = [rng.normal(size=(400, 6)) for _ in range(8)]
    serial = [fastclust.pdist(X, PDIST_METRICS[k % 6]) for k, X in enumerate(Xs)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda kX: fastclust.pdist(kX[1], PDIST_METRICS[kX[0] % 6],
                                                          workers=2), enumerate(Xs)))
    for got, want in zip(results, serial):
        np.testing.assert_array_equal(got, want)
