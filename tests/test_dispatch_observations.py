"""linkage(X, method) on observations: the centroid algorithms for ward, centroid
and median where they pay off (algorithm='auto'), or when asked for
(algorithm='centroids'); the matrix path otherwise."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import fastclust
from fastclust._linkage_vector import _centroids_pay_off

CENTROID_METHODS = ("ward", "centroid", "median")


def same_tree(Z, R):
    return np.array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])


@pytest.mark.parametrize("method", CENTROID_METHODS)
def test_centroids_is_linkage_vector(method, rng):
    X = rng.normal(size=(200, 4))
    Z = fastclust.linkage(X, method, algorithm="centroids")
    assert np.array_equal(Z, fastclust.linkage_vector(X, method))


@pytest.mark.parametrize("method", CENTROID_METHODS)
def test_centroids_and_matrix_give_the_same_tree(method, rng):
    for n, d in ((2, 1), (3, 2), (50, 3), (400, 10)):
        X = rng.normal(size=(n, d))
        Z = fastclust.linkage(X, method, algorithm="centroids")
        R = fastclust.linkage(X, method, algorithm="matrix")
        assert same_tree(Z, R)
        np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-9)


def test_centroids_against_scipy(rng):
    sch = pytest.importorskip("scipy.cluster.hierarchy")
    X = rng.normal(size=(300, 5))
    for method in CENTROID_METHODS:
        Z = fastclust.linkage(X, method, algorithm="centroids")
        R = sch.linkage(X, method)
        assert same_tree(Z, R)
        np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-9)


@pytest.mark.parametrize("method", CENTROID_METHODS)
def test_auto_takes_the_measured_path(method, rng):
    X_low = rng.normal(size=(1000, 3))      # centroids pay off
    X_high = rng.normal(size=(1000, 40))    # the matrix path is faster
    assert _centroids_pay_off(*X_low.shape) and not _centroids_pay_off(*X_high.shape)
    assert np.array_equal(fastclust.linkage(X_low, method),
                          fastclust.linkage(X_low, method, algorithm="centroids"))
    assert np.array_equal(fastclust.linkage(X_high, method),
                          fastclust.linkage(X_high, method, algorithm="matrix"))
    # the estimator and the shortcuts go through the same dispatch
    assert np.array_equal(fastclust.linkage(X_low, method), getattr(fastclust, method)(X_low))


def test_auto_on_ties_keeps_the_tie_rule(rng):
    """Grid data: many equal distances. The centroid path breaks them by the same
    (distance, slot) rule; Z is a valid tree whose heights match the matrix path's
    multiset up to rounding."""
    X = rng.integers(0, 5, size=(1200, 2)).astype(float)
    Z = fastclust.linkage(X, "ward")
    assert fastclust.is_valid_linkage(Z)
    R = fastclust.linkage(X, "ward", algorithm="matrix")
    np.testing.assert_allclose(np.sort(Z[:, 2]), np.sort(R[:, 2]), rtol=1e-9, atol=1e-12)


def test_centroids_errors(rng):
    X = rng.normal(size=(20, 2))
    with pytest.raises(ValueError, match=r"`algorithm='centroids'` needs method='ward', "
                                         r"'centroid' or 'median' on observations with "
                                         r"metric='euclidean'; got method='average'\."):
        fastclust.linkage(X, "average", algorithm="centroids")
    with pytest.raises(ValueError, match=r"got a condensed distance matrix"):
        fastclust.linkage(fastclust.pdist(X), "ward", algorithm="centroids")
    with pytest.raises(ValueError, match=r"got metric='cityblock'"):
        fastclust.linkage(X, "ward", "cityblock", algorithm="centroids")
    bad = X.copy()
    bad[3, 1] = np.nan
    for algorithm in ("auto", "centroids"):
        with pytest.raises(ValueError, match=r"`y`"):
            fastclust.linkage(bad, "ward", algorithm=algorithm)


def test_centroids_warn_on_a_square_distance_matrix(rng):
    M = fastclust.squareform(fastclust.pdist(rng.normal(size=(30, 2))))
    with pytest.warns(fastclust.ClusterWarning, match="looks like a distance matrix"):
        fastclust.linkage(M, "ward", algorithm="centroids")


def test_centroids_optimal_ordering(rng):
    X = rng.normal(size=(120, 3))
    Z = fastclust.linkage(X, "ward", algorithm="centroids", optimal_ordering=True)
    expected = fastclust.optimal_leaf_ordering(fastclust.linkage(X, "ward",
                                                                 algorithm="centroids"), X)
    assert np.array_equal(Z, expected)


def test_centroids_need_no_n2_memory(monkeypatch, rng):
    """The centroid path never asks for the distance matrix: with the memory
    check made to refuse any n^2 allocation, it still runs."""
    from fastclust import _linkage, _validation

    def refuse(n_bytes, what):
        if n_bytes >= 8 * 1500 * 1499 // 2:
            raise MemoryError(what)

    monkeypatch.setattr(_linkage, "check_memory", refuse)
    monkeypatch.setattr(_validation, "check_memory", refuse)
    X = rng.normal(size=(1500, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = fastclust.linkage(X, "ward")
    assert Z.shape == (1499, 4)
    with pytest.raises(MemoryError):
        fastclust.linkage(X, "ward", algorithm="matrix")


def test_a_forced_layout_means_the_matrix_path(rng):
    X = rng.normal(size=(300, 3))            # 'auto' alone takes the centroids here
    Z = fastclust.linkage(X, "ward", layout="square")
    assert np.array_equal(Z, fastclust.linkage(X, "ward", algorithm="matrix", layout="square"))
    assert np.array_equal(Z, fastclust.linkage(X, "ward", algorithm="matrix"))
