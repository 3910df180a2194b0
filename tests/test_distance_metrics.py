"""pdist and cdist for every SciPy metric, against scipy.spatial.distance.

Float metrics run on random continuous data, the boolean metrics on random
boolean data (and on 0/1 or arbitrary floats, where SciPy treats nonzero as
True). Weighted variants, zero rows, threads, callables, every error path,
and linkage on observations with the new metrics.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import fastclust
from fastclust._distance import METRIC_ALIASES, METRICS

distance = pytest.importorskip("scipy.spatial.distance")
hierarchy = pytest.importorskip("scipy.cluster.hierarchy")

BOOLEAN = ("dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule", "hamming", "jaccard")
FLOAT = ("braycurtis", "canberra", "chebyshev", "cityblock", "correlation", "cosine",
         "euclidean", "jensenshannon", "mahalanobis", "minkowski", "seuclidean",
         "sqeuclidean", "hamming", "jaccard", "rogerstanimoto", "russellrao",
         "sokalsneath", "yule")
WEIGHTED = ("braycurtis", "canberra", "chebyshev", "cityblock", "correlation", "cosine",
            "dice", "euclidean", "hamming", "jaccard", "minkowski", "rogerstanimoto",
            "russellrao", "sokalsneath", "sqeuclidean", "yule")
RTOL, ATOL = 1e-12, 1e-13


def assert_close(got, want):
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)


def float_data(rng, n, d, metric):
    X = rng.normal(size=(n, d))
    if metric == "jensenshannon":
        X = np.abs(X)                       # probability vectors (normalised inside)
    if metric in ("hamming", "jaccard", "rogerstanimoto", "russellrao", "sokalsneath", "yule"):
        X[rng.random(X.shape) < 0.4] = 0.0  # zeros, and repeated values for hamming
        X[rng.random(X.shape) < 0.2] = 1.0
    return X


def test_table_covers_scipy():
    assert sorted(METRICS) == sorted(set(BOOLEAN) | set(FLOAT))
    assert set(METRIC_ALIASES.values()) <= set(METRICS)


@pytest.mark.parametrize("metric", FLOAT)
def test_float_metrics_match_scipy(rng, metric):
    X = float_data(rng, 40, 5, metric)
    Y = float_data(rng, 17, 5, metric)
    assert_close(fastclust.pdist(X, metric), distance.pdist(X, metric))
    assert_close(fastclust.cdist(X, Y, metric), distance.cdist(X, Y, metric))


@pytest.mark.parametrize("metric", BOOLEAN)
def test_boolean_metrics_match_scipy(rng, metric):
    X = rng.random((40, 7)) < 0.4
    X[0] = False                    # an all-False row: SciPy's 0/0 cases
    X[1] = False
    X[2] = True
    Y = rng.random((11, 7)) < 0.6
    Y[0] = False
    assert_close(fastclust.pdist(X, metric), distance.pdist(X, metric))
    assert_close(fastclust.cdist(X, Y, metric), distance.cdist(X, Y, metric))
    # 0/1 floats and integers give the same as booleans
    assert_close(fastclust.pdist(X.astype(float), metric), distance.pdist(X, metric))
    assert_close(fastclust.cdist(X.astype(np.int64), Y, metric), distance.cdist(X, Y, metric))


@pytest.mark.parametrize("metric", WEIGHTED)
def test_weighted_match_scipy(rng, metric):
    if metric == "dice":
        X = (rng.random((25, 6)) < 0.5).astype(float)
        Y = (rng.random((9, 6)) < 0.5).astype(float)
    else:
        X = float_data(rng, 25, 6, metric)
        Y = float_data(rng, 9, 6, metric)
    w = rng.uniform(0.0, 2.0, size=6)
    w[1] = 0.0
    assert_close(fastclust.pdist(X, metric, w=w), distance.pdist(X, metric, w=w))
    assert_close(fastclust.cdist(X, Y, metric, w=w), distance.cdist(X, Y, metric, w=w))


@pytest.mark.parametrize("p", [0.3, 1.0, 1.5, 2.0, 3.0])
def test_minkowski_p_and_weights(rng, p):
    X = rng.normal(size=(30, 4))
    w = rng.uniform(0.1, 2.0, size=4)
    assert_close(fastclust.pdist(X, "minkowski", p=p), distance.pdist(X, "minkowski", p=p))
    assert_close(fastclust.pdist(X, "minkowski", p=p, w=w),
                 distance.pdist(X, "minkowski", p=p, w=w))
    assert_close(fastclust.cdist(X, X[:5], "minkowski", p=p, w=w),
                 distance.cdist(X, X[:5], "minkowski", p=p, w=w))


def test_seuclidean_and_mahalanobis_explicit(rng):
    X = rng.normal(size=(20, 3))
    Y = rng.normal(size=(6, 3))
    V = rng.uniform(0.5, 2.0, size=3)
    A = rng.normal(size=(3, 3))
    VI = A @ A.T + np.eye(3)
    assert_close(fastclust.pdist(X, "seuclidean", V=V), distance.pdist(X, "seuclidean", V=V))
    assert_close(fastclust.cdist(X, Y, "seuclidean", V=V),
                 distance.cdist(X, Y, "seuclidean", V=V))
    assert_close(fastclust.pdist(X, "mahalanobis", VI=VI),
                 distance.pdist(X, "mahalanobis", VI=VI))
    assert_close(fastclust.cdist(X, Y, "mahalanobis", VI=VI),
                 distance.cdist(X, Y, "mahalanobis", VI=VI))
    # cdist defaults pool XA and XB, as SciPy's; with few rows in each
    assert_close(fastclust.cdist(X[:2], Y, "mahalanobis"), distance.cdist(X[:2], Y, "mahalanobis"))
    assert_close(fastclust.cdist(X[:2], Y, "seuclidean"), distance.cdist(X[:2], Y, "seuclidean"))


def test_jensenshannon_base_and_zeros(rng):
    X = np.abs(rng.normal(size=(12, 4)))
    X[0] = 0.0                      # zero row: inf, as SciPy
    X[1, :2] = 0.0                  # zero entries: terms skipped
    X[2, 1] = -0.5                  # negative entry: inf, as SciPy's pdist
    assert_close(fastclust.pdist(X, "jensenshannon"), distance.pdist(X, "jensenshannon"))
    P = np.abs(rng.normal(size=(6, 4)))
    P[1, :2] = 0.0
    got = fastclust.pdist(P, "jensenshannon", base=2)
    want = [distance.jensenshannon(P[i], P[j], base=2) for i in range(6) for j in range(i + 1, 6)]
    assert_close(got, want)


def test_zero_rows_and_denominators():
    X = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [2.0, 2.0, 2.0],
                  [-1.0, 0.0, 2.0], [1.0, -2.0, 0.0]])
    for metric in ("cosine", "correlation", "braycurtis", "canberra", "jensenshannon"):
        got = fastclust.pdist(X, metric)
        assert_close(got, distance.pdist(X, metric))
        assert_close(fastclust.cdist(X, X[::-1], metric), distance.cdist(X, X[::-1], metric))
    assert np.isnan(fastclust.pdist(X[:3], "cosine")[[0, 1]]).all()
    assert np.isnan(fastclust.pdist(X[[1, 3]], "correlation")).all()   # constant row
    assert fastclust.pdist(X[[0, 2]], "canberra")[0] == 0.0
    assert np.isnan(fastclust.pdist(X[[0, 2]], "braycurtis")[0])
    W = np.zeros((3, 3))
    with np.errstate(invalid="ignore"):     # SciPy's weighted cosine is Python: 0/0 warns
        want = distance.pdist(W, "cosine", w=[1, 2, 3])
    np.testing.assert_array_equal(fastclust.pdist(W, "cosine", w=[1, 2, 3]), want)


@pytest.mark.parametrize("metric", ["cosine", "correlation", "braycurtis", "canberra"])
def test_vectorised_rows_equal_the_scalar_formula(rng, metric):
    """Unweighted rows take the vectorised kernel; w = 1 takes the scalar pair loop.

    Multiplying by 1 is exact, so both compute the same operations: equal bits,
    for every tail length of the 16-, 8- and 4-column blocks and for cdist too.
    """
    for n in (2, 5, 17, 38):
        X = rng.normal(size=(n, 9))
        X[n // 2] = 0.0                 # a zero row: NaN for cosine and braycurtis, both ways
        X[1::3, 2] = 0.0                # zero coordinates: canberra's 0/0 terms count 0
        ones = np.ones(9)
        np.testing.assert_array_equal(fastclust.pdist(X, metric),
                                      fastclust.pdist(X, metric, w=ones))
        np.testing.assert_array_equal(fastclust.cdist(X, X[::-1], metric),
                                      fastclust.cdist(X, X[::-1], metric, w=ones))
        for dtype in (np.float32,):
            np.testing.assert_array_equal(fastclust.pdist(X, metric, dtype=dtype),
                                          fastclust.pdist(X, metric, w=ones, dtype=dtype))


def test_boolean_on_arbitrary_values_match_scipy(rng):
    X = rng.normal(size=(20, 6))
    X[rng.random(X.shape) < 0.5] = 0.0
    for metric in ("jaccard", "hamming", "rogerstanimoto", "russellrao", "sokalsneath", "yule"):
        assert_close(fastclust.pdist(X, metric), distance.pdist(X, metric))


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_workers_identical(rng, metric):
    if metric == "dice":
        X = (rng.random((150, 5)) < 0.5).astype(float)
    else:
        X = float_data(rng, 150, 5, metric)
    one = fastclust.pdist(X, metric, workers=1)
    np.testing.assert_array_equal(one, fastclust.pdist(X, metric, workers=2))
    c1 = fastclust.cdist(X, X[:40], metric, workers=1)
    np.testing.assert_array_equal(c1, fastclust.cdist(X, X[:40], metric, workers=2))
    if metric in ("seuclidean", "mahalanobis"):
        return                      # cdist's default V / VI pools XA and XB
    # cdist(X, X) holds pdist(X) in its upper triangle
    np.testing.assert_array_equal(fastclust.cdist(X, X, metric, workers=2)[np.triu_indices(150, 1)],
                                  one)


def test_callables(rng):
    X = rng.normal(size=(9, 3))
    Y = rng.normal(size=(4, 3))

    def wdist(u, v, scale=1.0):
        return scale * float(np.abs(u - v).sum())

    assert_close(fastclust.pdist(X, wdist), distance.pdist(X, wdist))
    assert_close(fastclust.pdist(X, wdist, scale=2.5), distance.pdist(X, wdist, scale=2.5))
    assert_close(fastclust.cdist(X, Y, wdist), distance.cdist(X, Y, wdist))
    out = np.empty((9, 4))
    assert fastclust.cdist(X, Y, wdist, out=out) is out
    assert_close(fastclust.pdist(X, distance.braycurtis), distance.pdist(X, "braycurtis"))
    assert fastclust.pdist(X[:1], wdist).shape == (0,)


def test_out_and_aliases(rng):
    X = rng.normal(size=(10, 3))
    Y = rng.normal(size=(5, 3))
    out = np.empty(45)
    assert fastclust.pdist(X, "canberra", out=out) is out
    assert_close(out, distance.pdist(X, "canberra"))
    out2 = np.empty((10, 5))
    assert fastclust.cdist(X, Y, "canberra", out=out2) is out2
    assert_close(out2, distance.cdist(X, Y, "canberra"))
    for alias, name in METRIC_ALIASES.items():
        kw = {"VI": np.eye(3)} if name == "mahalanobis" else {}
        np.testing.assert_array_equal(fastclust.pdist(np.abs(X), alias, **kw),
                                      fastclust.pdist(np.abs(X), name, **kw))
    assert fastclust.cdist(np.empty((0, 3)), Y).shape == (0, 5)


@pytest.mark.parametrize("call, exc, match", [
    (lambda X: fastclust.pdist(X, "foo"), ValueError,
     r"`metric` must be a callable or one of 'braycurtis', .*'yule' \(aliases .*\); got 'foo'"),
    (lambda X: fastclust.pdist(X, 3), ValueError, r"`metric` must be a callable or one of .*got 3"),
    (lambda X: fastclust.pdist(X, "euclidean", p=3), TypeError,
     r"`metric='euclidean'` takes no keyword argument 'p'; it accepts 'w'"),
    (lambda X: fastclust.pdist(X, "cosine", V=[1, 2, 3]), TypeError,
     r"`metric='cosine'` takes no keyword argument 'V'"),
    (lambda X: fastclust.pdist(X, "seuclidean", w=[1, 2, 3]), TypeError,
     r"`metric='seuclidean'` takes no keyword argument 'w'; it accepts 'V'"),
    (lambda X: fastclust.pdist(X, "mahalanobis", w=[1, 2, 3]), TypeError,
     r"`metric='mahalanobis'` takes no keyword argument 'w'; it accepts 'VI'"),
    (lambda X: fastclust.pdist(X, "jensenshannon", w=[1, 2, 3]), TypeError,
     r"`metric='jensenshannon'` takes no keyword argument 'w'; it accepts 'base'"),
    (lambda X: fastclust.pdist(X, "minkowski", p=0), ValueError,
     r"`p` must be a positive finite number for the Minkowski metric; got 0.0"),
    (lambda X: fastclust.pdist(X, "minkowski", p=-1.5), ValueError, r"`p` must be a pos.*-1.5"),
    (lambda X: fastclust.pdist(X, "minkowski", p=float("nan")), ValueError, r"`p` must be a pos"),
    (lambda X: fastclust.pdist(X, "minkowski", p=math.inf), ValueError, r"finite.*got inf"),
    (lambda X: fastclust.pdist(X, "minkowski", p="x"), TypeError, r"`p` must be a number; got 'x'"),
    (lambda X: fastclust.pdist(X, "euclidean", w=[1, 2]), ValueError,
     r"`w` must be a 1-D array of length 3 \(one entry per feature\); got shape \(2,\)"),
    (lambda X: fastclust.pdist(X, "cityblock", w=[[1, 2, 3]]), ValueError,
     r"`w` must be a 1-D array of length 3 .*got shape \(1, 3\)"),
    (lambda X: fastclust.pdist(X, "euclidean", w=[1, -2, 1]), ValueError,
     r"`w` must hold non-negative weights; entry \[1\] is -2.0"),
    (lambda X: fastclust.pdist(X, "euclidean", w=[1, np.nan, 1]), ValueError, r"`w`"),
    (lambda X: fastclust.pdist(X, "seuclidean", V=[1, 2]), ValueError,
     r"`V` must be a 1-D array of length 3 .*got shape \(2,\)"),
    (lambda X: fastclust.pdist(X, "seuclidean", V=[[1, 2, 3]]), ValueError,
     r"`V` must be a 1-D array of length 3 .*got shape \(1, 3\)"),
    (lambda X: fastclust.pdist(X, "mahalanobis", VI=np.eye(2)), ValueError,
     r"`VI` must be a \(3, 3\) matrix \(the inverse covariance\); got shape \(2, 2\)"),
    (lambda X: fastclust.pdist(X[:3], "mahalanobis"), ValueError,
     r"The number of observations \(3\) is too small; the covariance matrix is singular. "
     r"For observations with 3 dimensions, at least 4 observations are required"),
    (lambda X: fastclust.cdist(X[:2], X[:1], "mahalanobis"), ValueError,
     r"The number of observations \(3\) is too small"),
    (lambda X: fastclust.pdist(X, "jensenshannon", base=1), ValueError,
     r"`base` must be a positive finite number other than 1; got 1.0"),
    (lambda X: fastclust.pdist(X, "jensenshannon", base=-2), ValueError, r"`base` must be"),
    (lambda X: fastclust.pdist(X, "dice"), ValueError,
     r"`X` must be boolean \(or hold only 0 and 1\) for metric='dice'; entry \[0, 0\] is 0.5"),
    (lambda X: fastclust.cdist([[1, 0, 1]], X, "dice"), ValueError,
     r"`XB` must be boolean \(or hold only 0 and 1\) for metric='dice'"),
    (lambda X: fastclust.cdist(X, X[:, :2]), ValueError,
     r"`XA` and `XB` must have the same number of columns \(features\); got 3 and 2"),
    (lambda X: fastclust.cdist(X, X[:, :2], lambda u, v: 0.0), ValueError,
     r"`XA` and `XB` must have the same number of columns"),
    (lambda X: fastclust.cdist(X, X[0]), ValueError,
     r"`XB` must be a 2-D array of observations; got 1 dimension"),
    (lambda X: fastclust.pdist(X[0], lambda u, v: 0.0), ValueError,
     r"`X` must be a 2-D array of observations; got 1 dimension"),
    (lambda X: fastclust.cdist(X, X + np.nan), ValueError, r"`XB`"),
    (lambda X: fastclust.pdist(X, out=np.empty(3)), ValueError,
     r"`out` must be a writable C-contiguous float64 or float32 array of shape \(10,\)"),
    (lambda X: fastclust.cdist(X, X, out=np.empty((5, 4))), ValueError,
     r"`out` must be a writable C-contiguous float64 or float32 array of shape \(5, 5\)"),
    (lambda X: fastclust.pdist(X, workers=0), ValueError, r"`workers` must be"),
])
def test_errors(call, exc, match):
    X = np.array([[0.5, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 1.0, 0.0], [0.0, 1.0, 1.0],
                  [3.0, 2.0, 1.0]])
    with pytest.raises(exc, match=match):
        call(X)


@pytest.mark.parametrize("metric", ["cityblock", "canberra", "braycurtis", "correlation",
                                    "jensenshannon", "mahalanobis", "seuclidean", "sqeuclidean"])
@pytest.mark.parametrize("method", ["single", "complete", "average", "weighted"])
def test_linkage_with_metric_matches_scipy(rng, metric, method):
    X = np.abs(rng.normal(size=(40, 4)))
    Z = fastclust.linkage(X, method, metric=metric)
    R = hierarchy.linkage(X, method, metric=metric)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-12)


def test_linkage_with_callable_and_boolean(rng):
    X = rng.normal(size=(30, 3))

    def l1(u, v):
        return float(np.abs(u - v).sum())

    np.testing.assert_allclose(fastclust.linkage(X, "average", metric=l1),
                               hierarchy.linkage(X, "average", metric=l1), rtol=1e-12)
    B = rng.random((12, 40)) < 0.5
    Z = fastclust.linkage(B, "single", metric="jaccard")
    np.testing.assert_allclose(Z[:, 2], hierarchy.linkage(B, "single", metric="jaccard")[:, 2],
                               rtol=1e-12)
    with pytest.raises(ValueError, match=r"`method='ward'` requires the Euclidean metric"):
        fastclust.linkage(X, "ward", metric=l1)
    with pytest.raises(ValueError, match=r"`method='centroid'` requires the Euclidean metric"):
        fastclust.linkage(X, "centroid", metric="canberra")


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cityblock", "chebyshev",
                                    "cosine", "braycurtis", "canberra"])
@pytest.mark.parametrize("d", [65, 200, 700])
def test_vectorised_rows_beyond_64_dimensions(rng, metric, d):
    """Above 64 dimensions the rows take the vectorised kernel too, column tile by
    column tile (tiles of 64 columns at d = 700): the scalar formula's bits."""
    n = 150
    X = rng.normal(size=(n, d))
    ones = np.ones(d)
    y = fastclust.pdist(X, metric)
    np.testing.assert_array_equal(y, fastclust.pdist(X, metric, w=ones))
    np.testing.assert_array_equal(y, fastclust.pdist(X, metric, workers=1))
    np.testing.assert_array_equal(fastclust.cdist(X, X[:70], metric),
                                  fastclust.cdist(X, X[:70], metric, w=ones))
    assert_close(y, distance.pdist(X, metric))


PACKED = ("jaccard", "dice", "rogerstanimoto", "russellrao", "sokalsneath", "yule", "hamming")


@pytest.mark.parametrize("metric", PACKED)
def test_packed_boolean_rows_equal_the_scalar_formula(rng, metric):
    """Unweighted Boolean metrics run on bit-packed rows with population counts;
    w = 1 takes the scalar pair loop: the same bits, for d across word
    boundaries, both output types, one and two threads, all-zero rows included."""
    for d in (1, 7, 63, 64, 65, 200):
        X = (rng.random((70, d)) < 0.4).astype(float)
        X[3] = 0.0
        X[5] = 0.0
        ones = np.ones(d)
        want = fastclust.pdist(X, metric, w=ones)
        np.testing.assert_array_equal(fastclust.pdist(X, metric), want)
        np.testing.assert_array_equal(fastclust.pdist(X, metric, workers=2), want)
        np.testing.assert_array_equal(fastclust.pdist(X, metric, dtype=np.float32),
                                      fastclust.pdist(X, metric, w=ones, dtype=np.float32))
    Xb = rng.random((40, 30)) < 0.5
    assert_close(fastclust.pdist(Xb.astype(float), metric), distance.pdist(Xb, metric))


def test_packed_rows_nonzero_semantics_and_hamming_on_other_values(rng):
    """Nonzero values count as True for the packed metrics; hamming compares values,
    so on data other than 0/1 it keeps the scalar loop (SciPy's answer either way)."""
    X = rng.normal(size=(30, 9))
    X[rng.random(X.shape) < 0.5] = 0.0
    for metric in ("jaccard", "rogerstanimoto", "russellrao", "yule"):
        assert_close(fastclust.pdist(X, metric), distance.pdist(X, metric))
    assert_close(fastclust.pdist(X, "hamming"), distance.pdist(X, "hamming"))


def test_packed_rows_portable_bit_count(rng):
    """FASTCLUST_NO_AVX2 also turns off the POPCNT instruction: the same values."""
    import os
    import subprocess
    import sys

    X = (rng.random((60, 70)) < 0.3).astype(float)
    script = ("import sys, numpy as np, fastclust\n"
              "X = np.frombuffer(sys.stdin.buffer.read()).reshape(60, 70)\n"
              "sys.stdout.buffer.write(np.concatenate([fastclust.pdist(X, m) for m in "
              f"{PACKED!r}]).tobytes())\n")
    out = subprocess.run([sys.executable, "-c", script], input=X.tobytes(),
                         env=dict(os.environ, FASTCLUST_NO_AVX2="1"), capture_output=True,
                         check=True).stdout
    here = np.concatenate([fastclust.pdist(X, m) for m in PACKED])
    np.testing.assert_array_equal(np.frombuffer(out), here)
