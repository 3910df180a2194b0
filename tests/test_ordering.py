"""optimal_leaf_ordering() and linkage(optimal_ordering=True).

The oracle is brute force over every way to flip the merges (n <= 9); SciPy
serves for the interface and as a bound (its orderings are sometimes not
optimal: scipy#11227, and our own comparison below).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from _naive import brute_force_ordering_cost, ordering_cost

import fastclust as fc

METHODS = ["single", "complete", "average", "weighted", "ward", "centroid", "median"]


def same_tree(Z1, Z2):
    """Same merges, heights and sizes; only the order of the two children may differ."""
    np.testing.assert_array_equal(np.sort(Z1[:, :2], axis=1), np.sort(Z2[:, :2], axis=1))
    np.testing.assert_array_equal(Z1[:, 2:], Z2[:, 2:])


@pytest.mark.parametrize("method", METHODS)
def test_optimal_against_brute_force(rng, method):
    for trial in range(25):
        n = int(rng.integers(2, 10))
        X = rng.random((n, 2))
        if trial % 3 == 0:
            X = np.round(X * 2)             # ties: several optimal orders
        y = fc.pdist(X)
        Z = fc.linkage(y, method)
        Zo = fc.optimal_leaf_ordering(Z, y)
        same_tree(Zo, Z)
        assert fc.is_valid_linkage(Zo)
        got = ordering_cost(fc.leaves_list(Zo), y)
        best = brute_force_ordering_cost(Z, y)
        assert got == pytest.approx(best, rel=1e-12, abs=1e-12), (method, n)


def test_never_worse_than_scipy(rng):
    sch = pytest.importorskip("scipy.cluster.hierarchy")
    for trial in range(40):
        n = int(rng.integers(3, 60))
        y = fc.pdist(rng.random((n, 3)))
        Z = fc.linkage(y, "average")
        ours = ordering_cost(fc.leaves_list(fc.optimal_leaf_ordering(Z, y)), y)
        theirs = ordering_cost(sch.leaves_list(sch.optimal_leaf_ordering(Z, y)), y)
        assert ours <= theirs * (1 + 1e-12)


def test_linkage_optimal_ordering_flag(rng):
    X = rng.random((40, 3))
    y = fc.pdist(X)
    for method in METHODS:
        expected = fc.optimal_leaf_ordering(fc.linkage(y, method), y)
        np.testing.assert_array_equal(fc.linkage(y, method, optimal_ordering=True), expected)
        # from observations (squared distances for ward/centroid/median: heights
        # may differ in the last bit, the tie-free order may not)
        from_points = fc.linkage(X, method, optimal_ordering=True)
        np.testing.assert_array_equal(fc.leaves_list(from_points), fc.leaves_list(expected))
        np.testing.assert_allclose(from_points[:, 2], expected[:, 2], rtol=1e-12)


def test_optimal_ordering_keeps_the_input(rng):
    y = fc.pdist(rng.random((30, 2)))
    kept = y.copy()
    for method in ["single", "average", "ward", "centroid"]:
        fc.linkage(y, method, optimal_ordering=True, preserve_input=False)
        np.testing.assert_array_equal(y, kept)


def test_observations_and_metric(rng):
    X = rng.random((25, 4))
    Z = fc.linkage(X, "average", metric="cityblock")
    np.testing.assert_array_equal(
        fc.optimal_leaf_ordering(Z, X, metric="cityblock"),
        fc.optimal_leaf_ordering(Z, fc.pdist(X, "cityblock")))


def test_workers_do_not_change_the_result(rng):
    y = fc.pdist(rng.random((700, 3)))
    Z = fc.linkage(y, "ward")
    Z1 = fc.optimal_leaf_ordering(Z, y, workers=1)
    np.testing.assert_array_equal(fc.optimal_leaf_ordering(Z, y, workers=2), Z1)


def test_chain_deeper_than_the_recursion_limit():
    n = 3000
    x = np.cumsum(np.linspace(1.0, 2.0, n))[:, None]   # growing gaps: a single-linkage chain
    y = fc.pdist(x)
    Z = fc.linkage(y, "single")
    order = fc.leaves_list(fc.optimal_leaf_ordering(Z, y))
    # the optimal order of points on a line is sorted (or reversed)
    assert order.tolist() in (list(range(n)), list(range(n))[::-1])


def test_small_inputs():
    Z = np.array([[0.0, 1.0, 1.0, 2.0]])
    np.testing.assert_array_equal(fc.optimal_leaf_ordering(Z, [1.0]), Z)
    y = fc.pdist(np.array([[0.0], [4.0], [1.0]]))
    Zo = fc.optimal_leaf_ordering(fc.linkage(y, "single"), y)
    assert fc.leaves_list(Zo).tolist() in ([1, 2, 0], [0, 2, 1])


def test_errors():
    y = fc.pdist(np.arange(5.0)[:, None])
    Z = fc.linkage(y)
    with pytest.raises(ValueError, match="Z has 5, y has 4"):
        fc.optimal_leaf_ordering(Z, fc.pdist(np.arange(4.0)[:, None]))
    with pytest.raises(ValueError, match="Z has 5, y has 6"):
        fc.optimal_leaf_ordering(Z, np.arange(12.0).reshape(6, 2))
    bad = y.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"finite values; entry \[3\] is nan"):
        fc.optimal_leaf_ordering(Z, bad)
    with pytest.raises(ValueError, match="1-D .* or 2-D"):
        fc.optimal_leaf_ordering(Z, np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="Z"):
        fc.optimal_leaf_ordering(np.array([[0.0, 0.0, 1.0, 2.0]]), [1.0])
    with pytest.warns(fc.ClusterWarning):
        D = fc.squareform(y)
        fc.optimal_leaf_ordering(Z, D)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fc.optimal_leaf_ordering(Z, y)
