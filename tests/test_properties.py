"""Properties of fastclust.linkage, with tests/_naive.py as the oracle.

Tie-free random input must match the naive O(n^3) Lance-Williams algorithm
exactly. Tied input has several correct answers, so there the tests check
what holds for all of them: the structure of Z, monotone heights, and that
every merge happens at the current global minimum (fastcluster's check).
Single linkage has a documented tie rule (Kruskal on (d, i, j)) and must equal
it exactly, on the Prim/contraction path and on the Boruvka path. The
NN-chain methods have one too (the greedy order on (d, slot, slot), which is
naive_linkage's); where the arithmetic cannot depend on the order of the
merges (complete: maxima; weighted on integers: exact halvings) they must
equal the naive algorithm bit for bit on tied input.
"""
from __future__ import annotations

import numpy as np
import pytest

import fastclust
from fastclust._mst import mst_linkage
from fastclust._relabel import label_merges

from _naive import (METHODS, check_linkage_invariants,
                    check_merges_at_global_minimum, condensed_from_points, kruskal_linkage,
                    naive_linkage, tree_of_merges, tree_of_Z)

GENERAL = ("single", "complete", "average", "weighted")


def assert_same_linkage(Z, R, rtol=1e-12):
    np.testing.assert_array_equal(Z[:, :2], R[:, :2], err_msg="cluster ids differ")
    np.testing.assert_array_equal(Z[:, 3], R[:, 3], err_msg="cluster sizes differ")
    np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=rtol, atol=0, err_msg="heights differ")


def boruvka_single(y, n, workers, contract_at):
    """Single linkage through the MST kernel with a forced contraction size (see _run_kernel)."""
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    assert mst_linkage(np.ascontiguousarray(y, dtype=np.float64), n, h, a, b, workers,
                       contract_at) == 0
    Z = np.empty((n - 1, 4))
    label_merges(a, b, h, np.lexsort((b, a, h)).astype(np.intp), n, Z)
    return Z


def tie_free_input(rng, method, n):
    if method in GENERAL and rng.random() < 0.5:
        return rng.uniform(0.0, 5.0, size=n * (n - 1) // 2)
    return condensed_from_points(rng.normal(size=(n, int(rng.integers(1, 5)))))


def tied_inputs(rng, method, n):
    """Named inputs full of ties; Euclidean ones only for ward/centroid/median."""
    m = n * (n - 1) // 2
    cases = {
        "grid points": condensed_from_points(rng.integers(0, 3, size=(n, 2))),
        "duplicated points": condensed_from_points(
            np.repeat(rng.normal(size=((n + 2) // 3, 2)), 3, axis=0)[:n]),
        "1-D integer points": condensed_from_points(rng.integers(0, 5, size=(n, 1))),
        "all points equal": np.zeros(m),
        "regular simplex": np.full(m, 1.0),
    }
    if method in GENERAL:
        cases["integer distances 0..3"] = rng.integers(0, 4, size=m).astype(float)
        cases["integer distances 1..2"] = rng.integers(1, 3, size=m).astype(float)
    return cases


# --------------------------------------------------------------------------- the oracle

@pytest.mark.parametrize("n", (2, 3, 4, 5, 8, 13, 25, 40))
@pytest.mark.parametrize("method", METHODS)
def test_matches_naive_reference(method, n, rng):
    for _ in range(4):
        y = tie_free_input(rng, method, n)
        assert_same_linkage(fastclust.linkage(y, method), naive_linkage(y, method), rtol=1e-11)


@pytest.mark.parametrize("method", METHODS)
def test_naive_reference_matches_scipy(method, rng):
    # The oracle itself, checked once against an independent implementation.
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    for n in (2, 3, 7, 30):
        y = tie_free_input(rng, method, n)
        assert_same_linkage(naive_linkage(y, method), hierarchy.linkage(y, method))


def test_kruskal_reference_matches_scipy(rng):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    y = rng.random(40 * 39 // 2)
    np.testing.assert_array_equal(kruskal_linkage(y), hierarchy.linkage(y, "single"))


def test_small_literal_examples():
    X = np.array([[0.0], [1.0], [5.0], [7.0]])
    np.testing.assert_array_equal(fastclust.linkage(X, "single"),
                                  [[0, 1, 1, 2], [2, 3, 2, 2], [4, 5, 4, 4]])
    np.testing.assert_array_equal(fastclust.linkage(X, "complete"),
                                  [[0, 1, 1, 2], [2, 3, 2, 2], [4, 5, 7, 4]])
    np.testing.assert_array_equal(fastclust.linkage(X, "average")[-1], [4, 5, 5.5, 4])
    np.testing.assert_array_equal(fastclust.linkage([3.5], "ward"), [[0, 1, 3.5, 2]])


# --------------------------------------------------------------------------- ties

@pytest.mark.parametrize("n", (2, 3, 5, 9, 17, 30))
@pytest.mark.parametrize("method", METHODS)
def test_invariants_on_tied_input(method, n, rng):
    for name, y in tied_inputs(rng, method, n).items():
        Z = fastclust.linkage(y, method)
        try:
            check_linkage_invariants(Z, n, method)
            check_merges_at_global_minimum(y, Z, method)
        except AssertionError as exc:
            raise AssertionError(f"{method}, {name}, n={n}: {exc}\ny={y.tolist()}\nZ={Z}")


@pytest.mark.parametrize("n", (2, 3, 5, 9, 17, 30, 64))
def test_single_follows_kruskal_rule_on_ties(n, rng):
    for name, y in tied_inputs(rng, "single", n).items():
        np.testing.assert_array_equal(fastclust.linkage(y, "single"), kruskal_linkage(y),
                                      err_msg=name)


@pytest.mark.parametrize("contract_at", (1, 2, 5))
@pytest.mark.parametrize("n", (2, 3, 4, 6, 11, 30, 90))
def test_boruvka_kernel_follows_kruskal_rule_on_ties(n, contract_at, rng):
    for name, y in tied_inputs(rng, "single", n).items():
        expected = kruskal_linkage(y)
        for workers in (1, 2):
            np.testing.assert_array_equal(boruvka_single(y, n, workers, contract_at), expected,
                                          err_msg=f"{name}, workers={workers}")


def test_boruvka_public_path_follows_kruskal_rule_on_ties(rng):
    n = 1200                                     # above the 1024-point contraction size
    X = rng.integers(0, 400, size=(n, 1))        # duplicates (d = 0) and ties at every d
    y = condensed_from_points(X)
    expected = kruskal_linkage(y)
    for workers in (1, 2):
        np.testing.assert_array_equal(fastclust.linkage(y, "single", workers=workers), expected)
    yi = rng.integers(1, 40, size=n * (n - 1) // 2).astype(float)
    np.testing.assert_array_equal(fastclust.linkage(yi, "single", workers=1), kruskal_linkage(yi))


def _order_free_cases(rng, n):
    """Tied inputs on which weighted linkage's halvings and sums are exact (integers)."""
    cases = tied_inputs(rng, "weighted", n)
    return {name: y for name, y in cases.items() if np.array_equal(y, np.round(y))}


@pytest.mark.parametrize("n", (2, 3, 5, 9, 17, 30, 64))
def test_nn_chain_follows_greedy_rule_on_ties(n, rng):
    """complete: the chain's tree, rows and heights are the greedy (d, slot, slot) ones.

    Only maxima are taken, so the heights cannot depend on the order in which the
    chain made the merges; every difference would be the tie rule's.
    """
    for name, y in tied_inputs(rng, "complete", n).items():
        np.testing.assert_array_equal(fastclust.linkage(y, "complete"),
                                      naive_linkage(y, "complete"), err_msg=name)
    for name, y in _order_free_cases(rng, n).items():
        np.testing.assert_array_equal(fastclust.linkage(y, "weighted"),
                                      naive_linkage(y, "weighted"), err_msg=name)


def test_nn_chain_tie_rule_differs_from_scipys_on_purpose():
    """Points 0..3 at 2, 5, 1, 3: {0, 2} merge at 1; then d({0, 2}, 3) = d(1, 3) = 2.

    The greedy rule takes the pair with the lower slots, ({0, 2}, 3). SciPy's
    chain (merged clusters take the higher slot, prefer the previous element)
    merges {1, 3} first: another of the two valid trees, as documented.
    """
    X = np.array([[2.0], [5.0], [1.0], [3.0]])
    y = condensed_from_points(X)
    Z = fastclust.linkage(y, "complete")
    np.testing.assert_array_equal(Z, [[0, 2, 1, 2], [3, 4, 2, 3], [1, 5, 4, 4]])
    np.testing.assert_array_equal(Z, naive_linkage(y, "complete"))
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    np.testing.assert_array_equal(hierarchy.linkage(y, "complete"),
                                  [[0, 2, 1, 2], [1, 3, 2, 2], [4, 5, 4, 4]])


NEAR_TIES = [(np.array([1.0 + 2**-52, 1.0, 1.0]), "3 points, one pair an ulp apart"),
             (0.3 + np.spacing(0.3) * np.array([3, 1, 2, 3, 3, 3, 1, 0, 1, 2, 2, 0, 0, 1, 1]),
              "6 points: a stale link of the chain (it once raised an internal error)")]


@pytest.mark.parametrize("method", ["complete", "average", "weighted", "ward"])
def test_near_ties_keep_the_kernels_tree(method, rng):
    """Rounding can give a parent merge its child's height (or an ulp less) and a lower
    slot: Z must still list the child first, i.e. hold the tree the kernel built."""
    from fastclust._methods import METHODS as SPECS
    from fastclust._nn_chain import nn_chain_linkage

    cases = list(NEAR_TIES)
    for _ in range(300):
        n = int(rng.integers(3, 14))
        base = float(rng.choice([1.0, 0.3, 1.0 / 3.0]))
        cases.append((base + np.spacing(base) * rng.integers(0, 4, n * (n - 1) // 2),
                      "near ties"))
    for y, name in cases:
        n = int(round((1 + np.sqrt(1 + 8 * len(y))) / 2))
        a, b = np.empty(n - 1, dtype=np.intp), np.empty(n - 1, dtype=np.intp)
        h = np.empty(n - 1)
        assert nn_chain_linkage(y.copy(), n, SPECS[method].code, a, b, h) == 0
        Z = fastclust.linkage(y, method)
        assert tree_of_Z(Z) == tree_of_merges(a, b, n), (name, y.tolist())
        assert fastclust.is_monotonic(Z)
        if method == "complete":                  # maxima: no rounding, the greedy tree
            np.testing.assert_array_equal(Z, naive_linkage(y, method))
    # the 3-point case in full: {0, 2} at 1 first, then {1} joins (SciPy's answer too)
    np.testing.assert_array_equal(fastclust.linkage(NEAR_TIES[0][0], method)[:, :2],
                                  [[0, 2], [1, 3]])


def test_all_equal_distances():
    # All distances equal: every method merges at the same height, ids stay valid.
    n = 6
    y = np.full(n * (n - 1) // 2, 2.0)
    for method in METHODS:
        Z = fastclust.linkage(y, method)
        check_linkage_invariants(Z, n, method)
    np.testing.assert_array_equal(fastclust.linkage(y, "single")[:, 2], 2.0)
    np.testing.assert_array_equal(fastclust.linkage(y, "complete")[:, 2], 2.0)
    np.testing.assert_array_equal(fastclust.linkage(y, "average")[:, 2], 2.0)


# --------------------------------------------------------------------------- inversions

@pytest.mark.parametrize("method", ("centroid", "median"))
def test_inversion_in_a_triangle(method):
    # A and B at distance 2 merge first; their midpoint is 1.9 from C: the height drops.
    X = np.array([[0.0, 0.0], [2.0, 0.0], [1.1, 1.9]])
    y = condensed_from_points(X)
    Z = fastclust.linkage(y, method)
    assert Z[0, 2] == pytest.approx(2.0, rel=1e-15)
    assert Z[1, 2] == pytest.approx(np.hypot(0.1, 1.9), rel=1e-13)
    assert Z[1, 2] < Z[0, 2]
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], [[0, 1, 2], [2, 3, 3]])
    assert_same_linkage(Z, naive_linkage(y, method))
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    assert_same_linkage(Z, hierarchy.linkage(y, method))


@pytest.mark.parametrize("method", ("centroid", "median"))
def test_random_inversions(method, rng):
    found = 0
    for _ in range(50):
        n = int(rng.integers(5, 30))
        y = condensed_from_points(rng.normal(size=(n, 2)))
        Z = fastclust.linkage(y, method)
        check_linkage_invariants(Z, n, method)
        if np.all(np.diff(Z[:, 2]) >= 0):
            continue
        found += 1
        assert_same_linkage(Z, naive_linkage(y, method), rtol=1e-11)
        hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
        assert_same_linkage(Z, hierarchy.linkage(y, method))
    assert found >= 5, "the random inputs should contain inversions"


# --------------------------------------------------------------------------- hypothesis

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")
given = hypothesis.given


@st.composite
def integer_dissimilarities(draw, max_n=12, max_value=4):
    n = draw(st.integers(2, max_n))
    m = n * (n - 1) // 2
    values = draw(st.lists(st.integers(0, max_value), min_size=m, max_size=m))
    return np.array(values, dtype=np.float64)


@st.composite
def integer_points(draw, max_n=12):
    n = draw(st.integers(2, max_n))
    d = draw(st.integers(1, 3))
    coords = draw(st.lists(st.integers(-3, 3), min_size=n * d, max_size=n * d))
    return np.array(coords, dtype=np.float64).reshape(n, d)


@given(y=integer_dissimilarities(), method=st.sampled_from(GENERAL))
def test_hypothesis_tied_dissimilarities(y, method):
    Z = fastclust.linkage(y, method)
    n = Z.shape[0] + 1
    check_linkage_invariants(Z, n, method)
    check_merges_at_global_minimum(y, Z, method)
    if method == "single":
        np.testing.assert_array_equal(Z, kruskal_linkage(y))
    elif method in ("complete", "weighted"):   # order-free arithmetic on integers
        np.testing.assert_array_equal(Z, naive_linkage(y, method))


@given(X=integer_points(), method=st.sampled_from(METHODS))
def test_hypothesis_tied_points(X, method):
    n = X.shape[0]
    y = condensed_from_points(X)
    Z = fastclust.linkage(y, method)
    check_linkage_invariants(Z, n, method)
    check_merges_at_global_minimum(y, Z, method)
    if method == "single":
        np.testing.assert_array_equal(Z, kruskal_linkage(y))


@given(y=integer_dissimilarities(max_n=10, max_value=6), method=st.sampled_from(METHODS),
       k=st.integers(-20, 20))
def test_hypothesis_scaling_by_powers_of_two(y, method, k):
    # Multiplying by 2**k is exact, so every comparison, tie and update scales with it.
    Z = fastclust.linkage(y, method)
    Zs = fastclust.linkage(y * 2.0**k, method)
    np.testing.assert_array_equal(Zs[:, [0, 1, 3]], Z[:, [0, 1, 3]])
    np.testing.assert_array_equal(Zs[:, 2], Z[:, 2] * 2.0**k)


@given(y=integer_dissimilarities(max_n=10, max_value=6), method=st.sampled_from(["single",
                                                                                  "complete"]))
def test_hypothesis_monotone_transform(y, method):
    # Single and complete linkage only compare distances: a strictly increasing map
    # of the input keeps every merge (ties included) and maps the heights.
    f = lambda t: t * t + 3.0 * t + 1.0  # noqa: E731
    Z = fastclust.linkage(y, method)
    Zf = fastclust.linkage(f(y), method)
    np.testing.assert_array_equal(Zf[:, [0, 1, 3]], Z[:, [0, 1, 3]])
    np.testing.assert_array_equal(Zf[:, 2], f(Z[:, 2]))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 25), method=st.sampled_from(METHODS))
def test_hypothesis_tie_free_matches_naive(seed, n, method):
    rng = np.random.default_rng(seed)
    y = tie_free_input(rng, method, n)
    assert_same_linkage(fastclust.linkage(y, method), naive_linkage(y, method), rtol=1e-11)
