"""float32 in pdist / cdist / linkage_vector / single linkage of a condensed matrix, and the
vectorised rows of pdist."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import fastclust

METRICS = ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine",
           "correlation", "braycurtis", "canberra", "seuclidean", "mahalanobis",
           "jensenshannon", "hamming", "jaccard"]


def data_for(metric, rng, n=40, d=5):
    X = rng.random(size=(n, d)) + 0.01 if metric == "jensenshannon" else rng.normal(size=(n, d))
    if metric in ("hamming", "jaccard"):
        X = rng.integers(0, 3, size=(n, d)).astype(np.float64)
    return X.astype(np.float32)


@pytest.mark.parametrize("metric", METRICS)
def test_float32_input_gives_the_float64_bits(rng, metric):
    # coordinates are promoted to double first: float32 X is its float64 conversion
    X32 = data_for(metric, rng)
    np.testing.assert_array_equal(fastclust.pdist(X32, metric),
                                  fastclust.pdist(X32.astype(np.float64), metric))
    np.testing.assert_array_equal(fastclust.cdist(X32[:7], X32, metric),
                                  fastclust.cdist(X32[:7].astype(np.float64),
                                                  X32.astype(np.float64), metric))


@pytest.mark.parametrize("metric", ["euclidean", "cityblock", "cosine", "mahalanobis"])
def test_float32_output_is_the_rounded_float64_result(rng, metric):
    X = rng.normal(size=(50, 4))
    y32 = fastclust.pdist(X, metric, dtype=np.float32)
    assert y32.dtype == np.float32
    np.testing.assert_array_equal(y32, fastclust.pdist(X, metric).astype(np.float32))
    out = np.empty((50, 50), dtype=np.float32)
    fastclust.cdist(X, X, metric, out=out)
    np.testing.assert_array_equal(out, fastclust.cdist(X, X, metric).astype(np.float32))


def test_float32_input_and_output_vs_scipy(rng):
    distance = pytest.importorskip("scipy.spatial.distance")
    X32 = rng.normal(size=(60, 3)).astype(np.float32)
    y = fastclust.pdist(X32, dtype="float32")
    ref = distance.pdist(X32.astype(np.float64))
    np.testing.assert_allclose(y, ref, rtol=1e-7)


ROW_METRICS = ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine", "correlation",
               "braycurtis", "canberra", "seuclidean", "mahalanobis"]


@pytest.mark.parametrize("metric", ROW_METRICS)
@pytest.mark.parametrize("n, d", [(2, 1), (5, 3), (17, 2), (37, 10), (70, 64), (33, 65)])
def test_vectorised_rows_equal_scipy(rng, metric, n, d):
    # sizes around the 4- and 16-column blocks of the vectorised rows, and d past 64
    # (the scalar path); same operations in the same order as SciPy: equal to ~1e-15
    # (cosine, correlation: 1 - cos cancels, so their error is absolute, ~1e-16)
    distance = pytest.importorskip("scipy.spatial.distance")
    X = rng.normal(size=(n, d))
    atol = 1e-14 if metric in ("cosine", "correlation") else 0
    kw = {}
    if metric == "mahalanobis":          # an explicit VI: n <= d has no covariance inverse
        A = rng.normal(size=(d, d))
        kw = {"VI": A @ A.T / d + np.eye(d)}
    np.testing.assert_allclose(fastclust.pdist(X, metric, **kw), distance.pdist(X, metric, **kw),
                               rtol=1e-14, atol=atol)
    np.testing.assert_allclose(fastclust.cdist(X[: n // 2 + 1], X, metric, **kw),
                               distance.cdist(X[: n // 2 + 1], X, metric, **kw),
                               rtol=1e-14, atol=atol)


CHILD = """
import sys, numpy as np, fastclust
X = np.load(sys.argv[1])
for metric in ROW_METRICS:
    np.save(sys.argv[2] + metric + ".npy", fastclust.pdist(X, metric))
for method in VECTOR_METHODS:
    for dtype in (np.float64, np.float32):
        np.save(sys.argv[2] + method + np.dtype(dtype).name + ".npy",
                fastclust.linkage_vector(X.astype(dtype), method))
for metric in ROW_METRICS:
    np.save(sys.argv[2] + "single-" + metric + ".npy",
            fastclust.linkage_vector(X, "single", metric))
"""
VECTOR_METHODS = ["single", "ward", "centroid", "median"]


def test_vectorised_loops_match_portable_loops(tmp_path, rng):
    # pdist's Euclidean rows and linkage_vector's inner loops, AVX2 against portable
    X = rng.normal(size=(203, 7))
    X[:30] = np.round(X[:30])                 # some ties
    np.save(tmp_path / "x.npy", X)
    env = dict(os.environ, FASTCLUST_NO_AVX2="1")
    out = str(tmp_path / "y.npy")
    setup = f"VECTOR_METHODS = {VECTOR_METHODS!r}\nROW_METRICS = {ROW_METRICS!r}\n"
    subprocess.run([sys.executable, "-c", setup + CHILD,
                    str(tmp_path / "x.npy"), out], env=env, check=True, timeout=120)
    for metric in ROW_METRICS:
        np.testing.assert_array_equal(fastclust.pdist(X, metric), np.load(out + metric + ".npy"))
    for method in VECTOR_METHODS:
        for dtype in (np.float64, np.float32):
            np.testing.assert_array_equal(
                fastclust.linkage_vector(X.astype(dtype), method),
                np.load(out + method + np.dtype(dtype).name + ".npy"), err_msg=method)
    for metric in ROW_METRICS:
        np.testing.assert_array_equal(fastclust.linkage_vector(X, "single", metric),
                                      np.load(out + "single-" + metric + ".npy"), err_msg=metric)


@pytest.mark.parametrize("dtype", ["float16", np.int64, "complex128", "foo"])
def test_bad_dtype(dtype):
    with pytest.raises(ValueError, match=re.escape(
            "`dtype` must be None, numpy.float64 or numpy.float32; got")):
        fastclust.pdist([[0.0], [1.0]], dtype=dtype)


def test_out_and_dtype_disagree():
    with pytest.raises(ValueError, match=re.escape(
            "`out` has dtype float64 but `dtype` is 'float32'; give one of them.")):
        fastclust.pdist([[0.0], [1.0]], out=np.empty(1), dtype="float32")


def test_linkage_of_float32_observations(rng):
    X32 = rng.normal(size=(80, 3)).astype(np.float32)
    np.testing.assert_array_equal(fastclust.linkage(X32, "average"),
                                  fastclust.linkage(X32.astype(np.float64), "average"))


@pytest.mark.parametrize("n, kind", [(300, "tie_free"), (300, "ties"), (1500, "tie_free"),
                                     (1500, "ties")])
def test_single_linkage_reads_float32_condensed_as_is(rng, n, kind):
    """The MST kernel widens float32 entries exactly: Z is the float64 conversion's, ties too.

    n = 1500 > 1024 runs Boruvka rounds and the contraction pass; n = 300 dense Prim only.
    """
    if kind == "ties":
        y = rng.integers(1, 7, size=n * (n - 1) // 2).astype(np.float32)
    else:
        y = fastclust.pdist(rng.normal(size=(n, 3)), dtype=np.float32)
    for workers in (1, 2):
        np.testing.assert_array_equal(fastclust.linkage(y, "single", workers=workers),
                                      fastclust.linkage(y.astype(np.float64), "single"))


def test_single_linkage_of_float32_condensed_makes_no_float64_copy(rng):
    import tracemalloc

    n = 1500
    y = fastclust.pdist(rng.normal(size=(n, 3)), dtype=np.float32)    # 4.5 MB
    fastclust.linkage(y[:3], "single")                                  # imports, warm-up
    tracemalloc.start()
    try:
        fastclust.linkage(y, "single", workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # O(n) arrays and the contraction matrix (3.4 MB here), not a float64 copy of y (9 MB;
    # there was one, made by the KD-tree check before it saw y was condensed)
    assert peak < y.nbytes, peak
    # the other methods need a float64 working copy (Lance-Williams updates), as SciPy
    np.testing.assert_array_equal(fastclust.linkage(y, "average"),
                                  fastclust.linkage(y.astype(np.float64), "average"))
