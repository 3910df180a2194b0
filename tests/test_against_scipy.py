"""fastclust against SciPy (and fastcluster) on random tie-free input.

Random continuous data has no ties with probability one, and then every
correct implementation returns the same Z row for row: cluster ids and sizes
must be equal exactly, heights to rounding (rtol 1e-12).
"""
from __future__ import annotations

import numpy as np
import pytest

import fastclust
from fastclust._mst import mst_linkage
from fastclust._relabel import label_merges

hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
distance = pytest.importorskip("scipy.spatial.distance")

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
EUCLIDEAN_ONLY = ("ward", "centroid", "median")
GENERAL = ("single", "complete", "average", "weighted")
SIZES = (2, 3, 4, 5, 7, 10, 16, 31, 64, 100, 173, 300)
OBSERVATION_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski",
                       "cosine")


def assert_same_linkage(Z, R, rtol=1e-12):
    """Same merges (ids, sizes) exactly and the same heights up to rounding."""
    assert Z.shape == R.shape
    assert Z.dtype == np.float64
    np.testing.assert_array_equal(Z[:, :2], R[:, :2], err_msg="cluster ids differ")
    np.testing.assert_array_equal(Z[:, 3], R[:, 3], err_msg="cluster sizes differ")
    np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=rtol, atol=0, err_msg="heights differ")


def random_condensed(rng, n):
    """Random positive dissimilarities (not Euclidean), tie-free almost surely."""
    return rng.uniform(0.1, 10.0, size=n * (n - 1) // 2)


def random_points(rng, n, d=None):
    d = int(rng.integers(1, 6)) if d is None else d
    return rng.normal(size=(n, d)) * rng.uniform(0.5, 20.0)


def boruvka_single(y, n, workers, contract_at):
    """Single linkage through the MST kernel with a forced contraction size.

    Mirrors fastclust._linkage._run_kernel, so that Boruvka rounds run on
    small n (the public function uses them only above 1024 points, and Prim
    on the condensed array below).
    """
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    status = mst_linkage(np.ascontiguousarray(y, dtype=np.float64), n, h, a, b, workers,
                         contract_at, prim_up_to=0)
    assert status == 0
    assert np.all(a < b) and np.all(a >= 0) and np.all(b < n)
    order = np.lexsort((b, a, h)).astype(np.intp)
    Z = np.empty((n - 1, 4))
    label_merges(a, b, h, order, n, Z)
    return Z


# --------------------------------------------------------------------------- linkage

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("method", GENERAL)
def test_random_dissimilarities(method, n, rng):
    for _ in range(3):
        y = random_condensed(rng, n)
        assert_same_linkage(fastclust.linkage(y, method), hierarchy.linkage(y, method))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("method", METHODS)
def test_euclidean_condensed(method, n, rng):
    for _ in range(3):
        y = distance.pdist(random_points(rng, n))
        assert_same_linkage(fastclust.linkage(y, method), hierarchy.linkage(y, method))


@pytest.mark.parametrize("method", METHODS)
def test_shortcut_matches_scipy(method, rng):
    y = distance.pdist(random_points(rng, 50))
    shortcut = getattr(fastclust, method)
    assert_same_linkage(shortcut(y), hierarchy.linkage(y, method))
    assert shortcut.__name__ == method


@pytest.mark.parametrize("n", (2, 3, 9, 40, 150))
@pytest.mark.parametrize("metric", OBSERVATION_METRICS)
@pytest.mark.parametrize("method", GENERAL)
def test_observations_any_metric(method, metric, n, rng):
    X = random_points(rng, n, d=int(rng.integers(2 if metric == "cosine" else 1, 8)))
    if n == X.shape[1]:
        X = np.hstack([X, X[:, :1]])        # never square: no ClusterWarning
    Z = fastclust.linkage(X, method, metric=metric)
    R = hierarchy.linkage(X, method, metric=metric)
    if metric == "cosine":
        # 1 - cos(angle) cancels: SciPy and fastclust round differently in absolute terms
        assert_same_linkage(Z[:, [0, 1, 3, 3]], R[:, [0, 1, 3, 3]])
        np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-12, atol=1e-14)
    else:
        assert_same_linkage(Z, R)


@pytest.mark.parametrize("n", (2, 3, 9, 40, 150))
@pytest.mark.parametrize("method", EUCLIDEAN_ONLY)
def test_observations_euclidean_only_methods(method, n, rng):
    X = random_points(rng, n, d=int(rng.integers(1, 8)))
    if n == X.shape[1]:
        X = np.hstack([X, X[:, :1]])
    assert_same_linkage(fastclust.linkage(X, method), hierarchy.linkage(X, method))


@pytest.mark.parametrize("method", METHODS)
def test_large_n(method, rng):
    # n above the Boruvka threshold; every method once at this size.
    X = random_points(rng, 1500, d=3)
    y = distance.pdist(X)
    expected = hierarchy.linkage(y, method)
    assert_same_linkage(fastclust.linkage(y, method), expected)
    if method == "single":
        for workers in (1, 2):
            assert_same_linkage(fastclust.linkage(y, method, workers=workers), expected)
            assert_same_linkage(fastclust.linkage(X, method, workers=workers), expected)


@pytest.mark.parametrize("method", ("average", "ward"))
def test_nn_chain_large_n(method, rng):
    # More than 4096 clusters (where a threaded NN-chain would share its scans).
    y = distance.pdist(random_points(rng, 4150, d=3))
    expected = hierarchy.linkage(y, method)
    assert_same_linkage(fastclust.linkage(y, method, workers=2), expected)


def test_boruvka_public_path_dissimilarities(rng):
    n = 1300
    y = random_condensed(rng, n)
    assert_same_linkage(fastclust.linkage(y, "single", workers=1),
                        hierarchy.linkage(y, "single"))


@pytest.mark.parametrize("workers", (1, 2, 4))
@pytest.mark.parametrize("contract_at", (0, 1, 2, 5))      # 0 is clamped to 1
@pytest.mark.parametrize("n", (2, 3, 4, 5, 6, 9, 17, 40, 130))
def test_boruvka_kernel_small_contraction(n, contract_at, workers, rng):
    for _ in range(3):
        y = random_condensed(rng, n)
        assert_same_linkage(boruvka_single(y, n, workers, contract_at),
                            hierarchy.linkage(y, "single"))


@pytest.mark.parametrize("contract_at", (1, 2, 5, 64))
def test_boruvka_kernel_many_rounds(contract_at, rng):
    n = 1500
    y = distance.pdist(random_points(rng, n, d=2))
    expected = hierarchy.linkage(y, "single")
    for workers in (1, 2):
        assert_same_linkage(boruvka_single(y, n, workers, contract_at), expected)


@pytest.mark.parametrize("n", (2, 3, 10, 100, 300))
@pytest.mark.parametrize("method", METHODS)
def test_matches_fastcluster(method, n, rng):
    fastcluster = pytest.importorskip("fastcluster")
    X = random_points(rng, n)
    y = distance.pdist(X)
    assert_same_linkage(fastclust.linkage(y, method), fastcluster.linkage(y, method))
    if method in GENERAL:
        y = random_condensed(rng, n)
        assert_same_linkage(fastclust.linkage(y, method), fastcluster.linkage(y, method))


# --------------------------------------------------------------------------- pdist

PDIST_SHAPES = ((2, 1), (3, 2), (10, 3), (57, 5), (200, 17))


@pytest.mark.parametrize("shape", PDIST_SHAPES)
@pytest.mark.parametrize("metric", ("euclidean", "sqeuclidean", "cityblock", "chebyshev",
                                    "cosine"))
def test_pdist_matches_scipy(metric, shape, rng):
    X = rng.normal(size=shape) * 3.0
    np.testing.assert_allclose(fastclust.pdist(X, metric), distance.pdist(X, metric),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shape", PDIST_SHAPES)
@pytest.mark.parametrize("p", (1.0, 2.0, 3.0, 0.5, 1.5, 7.25))
def test_pdist_minkowski_matches_scipy(p, shape, rng):
    X = rng.normal(size=shape)
    np.testing.assert_allclose(fastclust.pdist(X, "minkowski", p=p),
                               distance.pdist(X, "minkowski", p=p), rtol=1e-12, atol=0)


def test_pdist_minkowski_special_cases(rng):
    X = rng.normal(size=(30, 4))
    np.testing.assert_allclose(fastclust.pdist(X, "minkowski", p=1),
                               fastclust.pdist(X, "cityblock"), rtol=1e-13)
    np.testing.assert_allclose(fastclust.pdist(X, "minkowski"),
                               fastclust.pdist(X, "euclidean"), rtol=1e-13)


@pytest.mark.parametrize("alias, name", [("manhattan", "cityblock"), ("l1", "cityblock"),
                                         ("chebychev", "chebyshev"), ("l2", "euclidean"),
                                         ("cos", "cosine"), ("EUCLIDEAN", "euclidean")])
def test_pdist_aliases(alias, name, rng):
    X = rng.normal(size=(25, 3))
    np.testing.assert_array_equal(fastclust.pdist(X, alias), fastclust.pdist(X, name))
    np.testing.assert_allclose(fastclust.pdist(X, alias), distance.pdist(X, name),
                               rtol=1e-12, atol=1e-14)


def test_pdist_cosine_opposite_and_parallel_vectors():
    X = np.array([[1.0, 2.0], [2.0, 4.0], [-1.0, -2.0], [3.0, -1.5]])
    got = fastclust.pdist(X, "cosine")
    np.testing.assert_allclose(got, distance.pdist(X, "cosine"), rtol=1e-12, atol=1e-15)
    assert np.all(got >= 0) and np.all(got <= 2)
    np.testing.assert_allclose(got[:2], [0.0, 2.0], atol=1e-15)


def test_pdist_cosine_zero_vector_is_nan():
    got = fastclust.pdist([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], "cosine")
    assert np.isnan(got[0]) and np.isnan(got[1])
    assert got[2] == pytest.approx(1.0)


def test_pdist_out_argument(rng):
    X = rng.normal(size=(20, 3))
    out = np.full(190, -1.0)
    result = fastclust.pdist(X, "cityblock", out=out)
    assert result is out
    np.testing.assert_allclose(out, distance.pdist(X, "cityblock"), rtol=1e-12)


@pytest.mark.parametrize("n", (0, 1))
def test_pdist_fewer_than_two_rows(n):
    got = fastclust.pdist(np.zeros((n, 3)))
    assert got.shape == (0,) and got.dtype == np.float64


def test_pdist_converts_input(rng):
    Xi = rng.integers(-50, 50, size=(30, 4))
    np.testing.assert_allclose(fastclust.pdist(Xi), distance.pdist(Xi.astype(float)), rtol=1e-12)
    X32 = rng.normal(size=(30, 4)).astype(np.float32)
    np.testing.assert_allclose(fastclust.pdist(X32), distance.pdist(X32.astype(np.float64)),
                               rtol=1e-12)
    np.testing.assert_array_equal(fastclust.pdist(Xi.tolist()), fastclust.pdist(Xi))
    Xf = np.asfortranarray(rng.normal(size=(30, 4)))
    np.testing.assert_allclose(fastclust.pdist(Xf), distance.pdist(Xf), rtol=1e-12)


# --------------------------------------------------------------------------- squareform

@pytest.mark.parametrize("n", (1, 2, 3, 4, 10, 51))
def test_squareform_round_trip(n, rng):
    y = rng.random(n * (n - 1) // 2)
    M = fastclust.squareform(y)
    np.testing.assert_array_equal(M, distance.squareform(y))
    assert M.shape == (n, n)
    np.testing.assert_array_equal(fastclust.squareform(M), y)
    np.testing.assert_array_equal(fastclust.squareform(M), distance.squareform(M))
    np.testing.assert_array_equal(fastclust.squareform(fastclust.squareform(M)), M)


def test_squareform_of_pdist_is_square_distance_matrix(rng):
    X = rng.normal(size=(12, 3))
    M = fastclust.squareform(fastclust.pdist(X))
    i, j = 3, 7
    assert M[i, j] == M[j, i] == pytest.approx(np.linalg.norm(X[i] - X[j]), rel=1e-12)
    assert np.all(np.diag(M) == 0)
