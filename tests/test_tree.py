"""The tree toolkit (_tree.py) against scipy.cluster.hierarchy, plus what SciPy gets wrong.

Both libraries get the same Z (built by fastclust.linkage), so these tests check
the tree functions only. Random tie-free trees of every method, tied trees,
non-monotone (centroid, median) trees, chains deeper than Python's recursion
limit, edge cases and every error path.
"""
from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from _naive import chain

import fastclust as fc

sch = pytest.importorskip("scipy.cluster.hierarchy")
from scipy.spatial.distance import pdist as scipy_pdist  # noqa: E402

METHODS = ["single", "complete", "average", "weighted", "ward", "centroid", "median"]
MONOTONE = ["single", "complete", "average", "weighted", "ward"]
SIZES = [2, 3, 5, 17, 64, 200]


def random_tree(rng, n, method, dim=3):
    X = rng.normal(size=(n, dim))
    return X, fc.linkage(X, method)


def tied_tree(rng, n, method):
    X = rng.integers(0, 3, size=(n, 2)).astype(float)
    return X, fc.linkage(X, method)



def n_labels(T):
    return len(np.unique(T))


def check_same_as_scipy(Z, X):
    """Every function of the toolkit on one Z, against SciPy."""
    n = Z.shape[0] + 1
    y = scipy_pdist(X)
    np.testing.assert_allclose(fc.cophenet(Z), sch.cophenet(Z), rtol=0, atol=0)
    c, d = fc.cophenet(Z, y)
    np.testing.assert_array_equal(d, sch.cophenet(Z))
    if n > 2:                                     # n = 2: 0/0 (NaN, SciPy also warns)
        c_ref = sch.cophenet(Z, y)[0]
        np.testing.assert_allclose(c, c_ref, rtol=1e-10)
        np.testing.assert_allclose(fc.cophenetic_correlation(Z, y), c_ref, rtol=1e-10)
    for depth in (0, 1, 2, 3, 6):
        np.testing.assert_allclose(fc.inconsistent(Z, depth), sch.inconsistent(Z, depth),
                                   rtol=1e-9, atol=1e-12)
    R = sch.inconsistent(Z)
    np.testing.assert_array_equal(fc.maxdists(Z), sch.maxdists(Z))
    np.testing.assert_array_equal(fc.maxinconsts(Z, R), sch.maxinconsts(Z, R))
    for i in range(4):
        np.testing.assert_array_equal(fc.maxRstat(Z, R, i), sch.maxRstat(Z, R, i))
    np.testing.assert_array_equal(fc.leaves_list(Z), sch.leaves_list(Z))
    assert fc.leaves_list(Z).dtype == np.int32
    assert fc.is_monotonic(Z) == bool(sch.is_monotonic(Z))
    assert fc.is_valid_linkage(Z) and fc.num_obs_linkage(Z) == n
    assert fc.correspond(Z, y) and not fc.correspond(Z, np.ones(n * (n + 1) // 2))
    np.testing.assert_array_equal(fc.to_mlab_linkage(Z), sch.to_mlab_linkage(Z))
    np.testing.assert_array_equal(fc.from_mlab_linkage(sch.to_mlab_linkage(Z)), Z)

    heights = np.unique(Z[:, 2])
    cuts = np.r_[heights, (heights[:-1] + heights[1:]) / 2, -1.0, heights[-1] + 1]
    if n > 20:
        cuts = cuts[::7]
    for t in cuts:
        T = fc.fcluster(Z, t, "distance")
        np.testing.assert_array_equal(T, sch.fcluster(Z, t, "distance"))
        assert T.dtype == np.int32
        L, M = fc.leaders(Z, T)
        L_ref, M_ref = sch.leaders(Z, T)
        np.testing.assert_array_equal(L, L_ref)
        np.testing.assert_array_equal(M, M_ref)
    for t in (0.0, 0.5, 0.8, 1.0, 1.2, 2.0):
        np.testing.assert_array_equal(fc.fcluster(Z, t), sch.fcluster(Z, t))
        np.testing.assert_array_equal(fc.fcluster(Z, t, depth=3),
                                      sch.fcluster(Z, t, depth=3))
        np.testing.assert_array_equal(fc.fcluster(Z, t, R=R), sch.fcluster(Z, t, R=R))
    md = sch.maxdists(Z)
    for t in (range(1, n + 2) if n <= 20 else [1, 2, 3, 7, n // 2, n - 2, n - 1, n, n + 1]):
        T = fc.fcluster(Z, t, "maxclust")
        np.testing.assert_array_equal(T, fc.fcluster(Z, t, "maxclust_monocrit", monocrit=md))
        assert n_labels(T) <= t
        if np.all(np.diff(md) >= 0):   # else SciPy's bisection over rows is unreliable
            np.testing.assert_array_equal(T, sch.fcluster(Z, t, "maxclust"))
    for t in cuts[::3]:
        np.testing.assert_array_equal(fc.fcluster(Z, t, "monocrit", monocrit=md),
                                      sch.fcluster(Z, t, "monocrit", monocrit=md))

    root, nodes = fc.to_tree(Z, rd=True)
    root_ref, nodes_ref = sch.to_tree(Z, rd=True)
    assert root.pre_order() == root_ref.pre_order()
    assert [(nd.id, nd.count, nd.dist, nd.is_leaf()) for nd in nodes] == \
        [(nd.id, nd.count, nd.dist, nd.is_leaf()) for nd in nodes_ref]
    assert root.pre_order(lambda nd: nd.count) == [1] * n


@pytest.mark.parametrize("method", METHODS)
def test_random_trees_against_scipy(rng, method):
    for n in SIZES:
        X, Z = random_tree(rng, n, method)
        check_same_as_scipy(Z, X)


@pytest.mark.parametrize("method", METHODS)
def test_tied_trees_against_scipy(rng, method):
    for n in (4, 12, 40):
        X, Z = tied_tree(rng, n, method)
        check_same_as_scipy(Z, X)


@pytest.mark.parametrize("method", MONOTONE)
def test_cut_tree_against_scipy_on_monotone_trees(rng, method):
    for n in (2, 5, 30, 120):
        _, Z = random_tree(rng, n, method)
        ks = np.arange(1, n)                        # SciPy mislabels k = n, see below
        np.testing.assert_array_equal(fc.cut_tree(Z, n_clusters=ks), sch.cut_tree(Z, ks))
        np.testing.assert_array_equal(fc.cut_tree(Z, n_clusters=3 if n >= 3 else 1),
                                      sch.cut_tree(Z, 3 if n >= 3 else 1))
        np.testing.assert_array_equal(fc.cut_tree(Z), sch.cut_tree(Z))
        h = np.unique(Z[:, 2])
        mid = np.r_[h[0] / 2, (h[:-1] + h[1:]) / 2, h[-1] * 2]
        np.testing.assert_array_equal(fc.cut_tree(Z, height=mid), sch.cut_tree(Z, height=mid))
        assert fc.cut_tree(Z, ks).dtype == np.int64


def test_cut_tree_k_equal_n_in_a_list(rng):
    # SciPy's cut_tree(Z, [1, ..., n]) writes the singleton column into column 0
    # and leaves the k = n column all zeros; fastclust gives n clusters.
    _, Z = random_tree(rng, 10, "average")
    ours = fc.cut_tree(Z, [1, 10])
    np.testing.assert_array_equal(ours[:, 1], np.arange(10))
    np.testing.assert_array_equal(ours[:, 0], 0)
    assert n_labels(sch.cut_tree(Z, [1, 10])[:, 1]) == 1


@pytest.mark.parametrize("method", ["centroid", "median"])
def test_cut_tree_counts_on_non_monotone_trees(rng, method):
    scipy_wrong = 0
    for _ in range(6):
        X = rng.normal(size=(40, 2))
        Z = fc.linkage(X, method)
        ks = np.arange(1, 40)
        ours = fc.cut_tree(Z, n_clusters=ks)
        theirs = sch.cut_tree(Z, n_clusters=ks)
        for col, k in enumerate(ks):
            assert n_labels(ours[:, col]) == k
            scipy_wrong += n_labels(theirs[:, col]) != k
        # Cut by merge order: each column refines the next; merges done = n - k.
        for col in range(len(ks) - 1):
            assert fc.is_isomorphic(ours[:, col + 1], fc.cut_tree(Z, ks[col + 1])[:, 0])
        # By height: the partition of fcluster 'distance'.
        for t in np.quantile(Z[:, 2], [0.1, 0.5, 0.9]):
            assert fc.is_isomorphic(fc.cut_tree(Z, height=t)[:, 0], fc.fcluster(Z, t, "distance"))
    assert scipy_wrong > 0, "expected SciPy's cut_tree to miscount somewhere (scipy#8063)"


def test_maxclust_ties_versus_exact_k():
    # Four points on a line at distance 1: every single-linkage merge is at height 1.
    Z = fc.linkage(np.arange(4.0)[:, None], "single")
    for k in (1, 2, 3):
        T = fc.fcluster(Z, k, "maxclust")
        np.testing.assert_array_equal(T, sch.fcluster(Z, k, "maxclust"))
        assert n_labels(T) == 1                   # a threshold cannot split tied merges
        assert n_labels(fc.cut_tree(Z, n_clusters=k)) == k
    assert n_labels(fc.fcluster(Z, 4, "maxclust")) == 4
    assert n_labels(fc.fcluster(Z, 99, "maxclust")) == 4


def test_tied_cut_tree_exact_k(rng):
    for method in METHODS:
        _, Z = tied_tree(rng, 30, method)
        T = fc.cut_tree(Z, n_clusters=np.arange(1, 31))
        assert [n_labels(T[:, c]) for c in range(30)] == list(range(1, 31))


def test_cut_tree_argument_forms(rng):
    _, Z = random_tree(rng, 8, "average")
    assert fc.cut_tree(Z, 3).shape == (8, 1)
    assert fc.cut_tree(Z, [3, 3, 1]).shape == (8, 3)
    assert fc.cut_tree(Z, np.array([2.0])).shape == (8, 1)
    assert fc.cut_tree(Z).shape == (8, 8)
    assert fc.cut_tree(Z, []).shape == (8, 0)
    np.testing.assert_array_equal(fc.cut_tree(Z, [4, 2])[:, ::-1], fc.cut_tree(Z, [2, 4]))
    np.testing.assert_array_equal(fc.cut_tree(Z, height=np.inf)[:, 0], 0)
    np.testing.assert_array_equal(fc.cut_tree(Z, height=-np.inf)[:, 0], np.arange(8))


def test_maxclust_monocrit_smallest_cutoff(rng):
    # fastclust: the smallest monocrit value that gives at most t clusters. (SciPy
    # bisects over monocrit in row order, which is only right when monocrit does
    # not decrease from row to row, as maxdists of a monotone tree.)
    for _ in range(20):
        n = int(rng.integers(3, 30))
        _, Z = random_tree(rng, n, "average")
        R = np.zeros((n - 1, 4))
        R[:, 3] = rng.integers(0, 5, size=n - 1)
        mc = fc.maxRstat(Z, R, 3)                 # monotone up the tree, ties, unsorted rows
        values = np.unique(mc)
        for t in range(1, n):
            T = fc.fcluster(Z, t, "maxclust_monocrit", monocrit=mc)
            counts = [n_labels(fc.fcluster(Z, v, "monocrit", monocrit=mc)) for v in values]
            best = values[np.flatnonzero(np.array(counts) <= t)[0]]
            np.testing.assert_array_equal(T, fc.fcluster(Z, best, "monocrit", monocrit=mc))
        sorted_rows = np.maximum.accumulate(mc)   # also sorted by row: SciPy agrees
        for t in range(1, n + 1):
            np.testing.assert_array_equal(
                fc.fcluster(Z, t, "maxclust_monocrit", monocrit=sorted_rows),
                sch.fcluster(Z, t, "maxclust_monocrit", monocrit=sorted_rows))


def test_two_observations():
    Z = np.array([[0.0, 1.0, 0.5, 2.0]])
    assert fc.fcluster(Z, 0.4, "distance").tolist() == [1, 2]
    assert fc.fcluster(Z, 0.5, "distance").tolist() == [1, 1]
    assert fc.fcluster(Z, 1, "maxclust").tolist() == [1, 1]
    assert fc.fcluster(Z, 2, "maxclust").tolist() == [1, 2]
    assert fc.cophenet(Z).tolist() == [0.5]
    assert np.isnan(fc.cophenet(Z, [0.5])[0])
    with np.errstate(invalid="ignore"):
        assert np.isnan(sch.cophenet(Z, [0.5])[0])
    assert fc.leaves_list(Z).tolist() == [0, 1]
    assert fc.to_tree(Z).pre_order() == [0, 1]
    assert fc.inconsistent(Z).tolist() == [[0.5, 0.0, 1.0, 0.0]]
    assert fc.cut_tree(Z).tolist() == [[0, 0], [1, 0]]


def test_deep_chain_without_recursion():
    n = 5000
    Z = chain(n)
    assert sys.getrecursionlimit() < n
    root = fc.to_tree(Z)
    np.testing.assert_array_equal(root.pre_order(), sch.leaves_list(Z))
    np.testing.assert_array_equal(fc.leaves_list(Z), sch.leaves_list(Z))
    assert root.get_count() == n and root.get_left().get_count() == n - 1
    np.testing.assert_array_equal(fc.fcluster(Z, 2500.5, "distance"),
                                  sch.fcluster(Z, 2500.5, "distance"))
    np.testing.assert_array_equal(fc.fcluster(Z, 7, "maxclust"), sch.fcluster(Z, 7, "maxclust"))
    np.testing.assert_array_equal(fc.fcluster(Z, 0.5), sch.fcluster(Z, 0.5))
    np.testing.assert_allclose(fc.inconsistent(Z, 4), sch.inconsistent(Z, 4), rtol=1e-12)
    T = fc.cut_tree(Z, [1, 2, 10, n])
    assert [n_labels(T[:, c]) for c in range(4)] == [1, 2, 10, n]
    L, M = fc.leaders(Z, fc.fcluster(Z, 10, "maxclust"))
    L_ref, M_ref = sch.leaders(Z, sch.fcluster(Z, 10, "maxclust"))
    np.testing.assert_array_equal(L, L_ref)
    np.testing.assert_array_equal(M, M_ref)
    small = chain(1500)
    np.testing.assert_array_equal(fc.cophenet(small), sch.cophenet(small))
    with pytest.raises(RecursionError):            # what SciPy's dendrogram does here
        sch.dendrogram(Z, no_plot=True)


def test_cophenetic_correlation_streaming_matches(rng):
    X = rng.normal(size=(300, 4))
    y = scipy_pdist(X)
    for method in ("average", "centroid"):
        Z = fc.linkage(y, method)
        c_ref = sch.cophenet(Z, y)[0]
        np.testing.assert_allclose(fc.cophenetic_correlation(Z, y), c_ref, rtol=1e-12)
        assert isinstance(fc.cophenet(Z, y)[0], np.float64)


def test_is_valid_linkage_and_im_agree_with_scipy(rng):
    _, Z = random_tree(rng, 6, "average")
    bad = {
        "negative id": (0, 0, -1.0),
        "negative distance": (1, 2, -1.0),
        "negative count": (2, 3, -1.0),
        "excessive count": (2, 3, 99.0),
        "used before formed": (0, 1, 9.0),
        "used twice": (3, 1, Z[4, 0]),
    }
    for key, (r, c, v) in bad.items():
        W = Z.copy()
        W[r, c] = v
        assert not fc.is_valid_linkage(W), key
        assert not sch.is_valid_linkage(W), key
    assert fc.is_valid_linkage(Z) and sch.is_valid_linkage(Z)
    assert not fc.is_valid_linkage(Z.astype(np.float32))
    assert not fc.is_valid_linkage(Z[:, :3])
    assert not fc.is_valid_linkage(np.empty((0, 4)))
    R = sch.inconsistent(Z)
    assert fc.is_valid_im(R) and sch.is_valid_im(R)
    for c in range(3):
        W = R.copy()
        W[1, c] = -1
        assert not fc.is_valid_im(W) and not sch.is_valid_im(W)
    assert not fc.is_valid_im(R[:, :3]) and not fc.is_valid_im(np.empty((0, 4)))
    assert not fc.is_valid_im(R.astype(np.float32))


def test_is_valid_linkage_messages():
    Z = np.array([[0.0, 1.0, 1.0, 2.0], [2.0, 3.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="Linkage matrix `Z` must contain float64"):
        fc.is_valid_linkage(Z.astype(int), throw=True, name="Z")
    with pytest.raises(ValueError, match=r"shape \(n - 1, 4\); got shape \(2, 3\)"):
        fc.is_valid_linkage(Z[:, :3], throw=True)
    with pytest.raises(ValueError, match="at least one row"):
        fc.is_valid_linkage(np.empty((0, 4)), throw=True)
    W = Z.copy()
    W[1, 0] = 0.0
    with pytest.raises(ValueError, match=r"same cluster more than once; id 0 .*rows \[0, 1\]"):
        fc.is_valid_linkage(W, throw=True)
    W[1, 0] = 4.0
    with pytest.raises(ValueError, match=r"before it is formed.*row 1"):
        fc.is_valid_linkage(W, throw=True)
    W[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"finite values; entry \[1, 0\] is nan"):
        fc.is_valid_linkage(W, throw=True)
    W[1, 0] = 2.5
    with pytest.raises(ValueError, match="not integers"):
        fc.is_valid_linkage(W, throw=True)
    with pytest.warns(fc.ClusterWarning, match="Linkage matrix `Q` contains negative distances"):
        W = Z.copy()
        W[0, 2] = -1
        assert fc.is_valid_linkage(W, warning=True, name="Q") is False
    with pytest.warns(fc.ClusterWarning, match="negative link counts"):
        assert not fc.is_valid_im(np.array([[1.0, 1.0, -1.0, 0.0]]), warning=True)
    with pytest.raises(ValueError, match="matrix `R` contains negative link height means"):
        fc.is_valid_im(-np.ones((2, 4)), throw=True, name="R")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fc.is_valid_linkage(Z, warning=True)


def test_error_messages(rng):
    _, Z = random_tree(rng, 5, "single")
    R = fc.inconsistent(Z)
    with pytest.raises(ValueError, match="`criterion` must be one of 'inconsistent'.*got 'foo'"):
        fc.fcluster(Z, 1, "foo")
    with pytest.raises(ValueError, match="`t` must be a number, not nan"):
        fc.fcluster(Z, np.nan, "distance")
    with pytest.raises(TypeError, match="`t` must be a real number; got 'a'"):
        fc.fcluster(Z, "a", "distance")
    with pytest.raises(ValueError, match="must be >= 1; got 0.0"):
        fc.fcluster(Z, 0, "maxclust")
    with pytest.raises(ValueError, match="`monocrit` is required"):
        fc.fcluster(Z, 1, "monocrit")
    with pytest.raises(ValueError, match=r"`monocrit` must have shape \(4,\)"):
        fc.fcluster(Z, 1, "monocrit", monocrit=[1.0, 2.0])
    with pytest.raises(ValueError, match="`R` must have one row per row of `Z` \\(4\\); got 3"):
        fc.fcluster(Z, 1, R=R[:3])
    with pytest.raises(ValueError, match="`d` must be an integer >= 0; got -1"):
        fc.inconsistent(Z, -1)
    with pytest.raises(ValueError, match="`d` must be an integer >= 0; got 1.5"):
        fc.inconsistent(Z, 1.5)
    with pytest.raises(ValueError, match="`i` must be an integer between 0 and 3"):
        fc.maxRstat(Z, R, 4)
    with pytest.raises(TypeError, match="`i` must be an integer"):
        fc.maxRstat(Z, R, 1.0)
    with pytest.raises(ValueError, match="At most one of `n_clusters` and `height`"):
        fc.cut_tree(Z, 2, 1.0)
    with pytest.raises(ValueError, match=r"between 1 and the number of observations \(5\); got 6"):
        fc.cut_tree(Z, [2, 6])
    with pytest.raises(ValueError, match="got 0"):
        fc.cut_tree(Z, 0)
    with pytest.raises(TypeError, match="`n_clusters` must contain integers"):
        fc.cut_tree(Z, 2.5)
    with pytest.raises(ValueError, match="`height` must not contain NaN"):
        fc.cut_tree(Z, height=[1.0, np.nan])
    with pytest.raises(ValueError, match="`T` is not a valid assignment vector"):
        fc.leaders(chain(5), np.array([1, 2, 1, 2, 1], dtype=np.int32))
    with pytest.raises(TypeError, match="`T` must be an array of integers"):
        fc.leaders(Z, np.ones(5))
    with pytest.raises(ValueError, match=r"`T` must have shape \(5,\)"):
        fc.leaders(Z, np.ones(4, dtype=np.int32))
    with pytest.raises(ValueError, match="`Y` describes 4 observations but `Z` describes 5"):
        fc.cophenet(Z, np.ones(6))
    with pytest.raises(ValueError, match="`Y` has length 7"):
        fc.cophenetic_correlation(Z, np.ones(7))
    with pytest.raises(ValueError, match="`Y` must contain only finite values"):
        fc.cophenet(Z, np.full(10, np.nan))
    W = chain(5)                                   # row 2 holds 4 observations
    W[2, 3] = 2
    with pytest.raises(ValueError, match=r"wrong count in row 2: Z\[2, 3\] is 2.0"):
        fc.to_tree(W)
    with pytest.raises(TypeError, match="`Z` must contain numbers"):
        fc.maxdists(np.array([["a", "b", "c", "d"]]))
    with pytest.raises(ValueError, match="Linkage matrix `Z` contains negative distances"):
        fc.fcluster(np.array([[0.0, 1.0, -1.0, 2.0]]), 1)
    with pytest.raises(ValueError, match="`Z` must use MATLAB's ids 1..N"):
        fc.from_mlab_linkage([[0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"shape \(n - 1, 3\)"):
        fc.from_mlab_linkage([[1.0, 2.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="`T1` and `T2` must have the same number"):
        fc.is_isomorphic([1, 2], [1])
    with pytest.raises(ValueError, match="`T1` must be one-dimensional"):
        fc.is_isomorphic([[1]], [1])


def test_integer_and_list_input_is_converted():
    Z = [[0, 1, 1, 2], [2, 3, 2, 3]]
    assert fc.num_obs_linkage(Z) == 3
    assert fc.leaves_list(Z).tolist() == [2, 0, 1]
    assert fc.to_mlab_linkage(np.empty((0,))).shape == (0,)
    assert fc.from_mlab_linkage(np.empty((0, 3))).shape == (0, 3)


def test_is_isomorphic_against_scipy(rng):
    for _ in range(50):
        a = rng.integers(0, 4, size=12)
        b = rng.permutation(8)[a] if rng.random() < 0.5 else rng.integers(0, 4, size=12)
        assert fc.is_isomorphic(a, b) == bool(sch.is_isomorphic(a, b))
    assert fc.is_isomorphic([], [])


def test_cluster_node():
    a, b = fc.ClusterNode(0), fc.ClusterNode(1, dist=0.0)
    root = fc.ClusterNode(2, a, b, dist=2.0, count=99)
    assert root.get_count() == 2 and root.get_left() is a and root.get_right() is b
    assert a.get_left() is None and a.is_leaf() and not root.is_leaf() and root.get_id() == 2
    assert a < root and root > b and a == b and not (a == root)
    assert root.pre_order(lambda nd: nd.id * 10) == [0, 10]
    with pytest.raises(ValueError, match="Can't compare ClusterNode"):
        a < 1
    with pytest.raises(ValueError, match="`id` must be non-negative"):
        fc.ClusterNode(-1)
    with pytest.raises(ValueError, match="`dist` must be non-negative"):
        fc.ClusterNode(0, dist=-1)
    with pytest.raises(ValueError, match="two children or none"):
        fc.ClusterNode(3, left=a)
    with pytest.raises(ValueError, match="`count` must be at least 1"):
        fc.ClusterNode(0, count=0)
    with pytest.raises(TypeError):
        hash(a)


def test_disjoint_set_against_scipy(rng):
    from scipy.cluster.hierarchy import DisjointSet as RefSet

    elements = [0, 1, 2, "a", "b", (1, 2), 3.5, None]
    ours, ref = fc.DisjointSet(elements[:4]), RefSet(elements[:4])
    for x in elements[4:]:
        ours.add(x)
        ref.add(x)
    ours.add(0)
    ref.add(0)
    for _ in range(12):
        x, y = (elements[i] for i in rng.integers(0, len(elements), size=2))
        assert ours.merge(x, y) == ref.merge(x, y)
        assert ours[x] == ref[x] and ours.connected(x, y) == ref.connected(x, y)
        assert ours.subset(x) == ref.subset(x) and ours.subset_size(y) == ref.subset_size(y)
        assert ours.subsets() == ref.subsets() and ours.n_subsets == ref.n_subsets
    assert list(ours) == list(ref) and len(ours) == len(ref) == 8
    assert "a" in ours and "z" not in ours
    with pytest.raises(KeyError):
        ours["z"]
    with pytest.raises(KeyError):
        ours.subset("z")
    with pytest.raises(KeyError):
        ours.merge("z", 0)


def test_fclusterdata_against_scipy(rng):
    X = rng.normal(size=(30, 3))
    for metric in ("euclidean", "cityblock", "chebyshev", "cosine", "sqeuclidean"):
        for method in ("single", "average", "complete"):
            for t, criterion in ((0.9, "inconsistent"), (1.0, "distance"), (4, "maxclust")):
                np.testing.assert_array_equal(
                    fc.fclusterdata(X, t, criterion, metric=metric, method=method),
                    sch.fclusterdata(X, t, criterion, metric=metric, method=method))
    np.testing.assert_array_equal(fc.fclusterdata(X, 1.1, depth=3),
                                  sch.fclusterdata(X, 1.1, depth=3))
    with pytest.raises(ValueError, match="`X` must be a 2-D array"):
        fc.fclusterdata(np.ones(5), 1)


def test_million_leaf_chain():
    """Every walk over Z is iterative: a 10^6-leaf caterpillar works (SciPy recurses)."""
    n = 1_000_000
    Z = chain(n)
    order = fc.leaves_list(Z)
    np.testing.assert_array_equal(order, np.arange(n))
    T = fc.fcluster(Z, 3, "maxclust")
    assert n_labels(T) == 3 and T[0] == T[1] and T[-1] != T[-2]
    cut = fc.cut_tree(Z, n_clusters=[1, 5])
    assert [n_labels(cut[:, 0]), n_labels(cut[:, 1])] == [1, 5]
    R = fc.dendrogram(Z, no_plot=True)
    assert R["leaves"] == order.tolist() and len(R["icoord"]) == n - 1
    np.testing.assert_array_equal(fc.maxdists(Z), Z[:, 2])
