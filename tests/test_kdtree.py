"""KD-tree Boruvka single linkage: bit-identical to the O(n^2) path, on every kind of input.

The contract (src/fastclust/_kdtree.pyx): edges are ordered by (distance,
condensed offset) as in _mst.pyx, and every height is pdist's arithmetic, so
``kdtree_single_linkage(X)`` must equal ``fastclust.linkage(X, "single")``
exactly (np.array_equal), ties included, for any workers / leaf_size / first_k.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import fastclust
from fastclust._kdtree_single import kdtree_mst_edges, kdtree_single_linkage
from fastclust._platform import openmp_enabled
from fastclust._relabel import label_merges

from _naive import kruskal_linkage


def reference(X):
    with warnings.catch_warnings():     # square inputs look like distance matrices to linkage
        warnings.simplefilter("ignore", fastclust.ClusterWarning)
        return fastclust.linkage(X, "single", algorithm="matrix")   # not 'auto': the KD-tree


def z_from_edges(a, b, h):
    n = len(h) + 1
    Z = np.empty((n - 1, 4))
    label_merges(a, b, h, np.lexsort((b, a, h)).astype(np.intp), n, Z)
    return Z


def assert_same(X, **kwargs):
    """The KD-tree Z, with both first-round strategies, equals the O(n^2) path's Z."""
    Z = kdtree_single_linkage(X, **kwargs)
    Z_ref = reference(X)
    assert Z.dtype == np.float64 and Z.shape == Z_ref.shape
    assert np.array_equal(Z, Z_ref), f"first differing row: {np.argwhere(Z != Z_ref)[0]}"
    for knn in ("point", "leaf"):       # and without collapsing identical rows first
        if len(X) > 1:
            Z_mode = z_from_edges(*kdtree_mst_edges(X, knn=knn, dedup=False, **kwargs))
            assert np.array_equal(Z_mode, Z_ref), knn
    return Z


# ---------------------------------------------------------------- data kinds

def uniform(rng, n, d):
    return rng.uniform(-1.0, 1.0, size=(n, d))


def clustered(rng, n, d):
    centres = rng.uniform(-50.0, 50.0, size=(max(2, n // 100), d))
    return centres[rng.integers(0, len(centres), n)] + 0.1 * rng.normal(size=(n, d))


def duplicates(rng, n, d):
    # few distinct points, each repeated many times: zero-length edges, offsets decide
    base = rng.normal(size=(max(1, n // 40), d))
    return base[rng.integers(0, len(base), n)]


def integer_grid(rng, n, d):
    # massive ties: many pairs at distance exactly 1, sqrt(2), ...
    return rng.integers(0, 5, size=(n, d)).astype(np.float64)


def collinear(rng, n, d):
    t = rng.normal(size=(n, 1))
    return rng.normal(size=(1, d)) + t * rng.normal(size=(1, d))


def collinear_grid(rng, n, d):
    # equally spaced points on a line, shuffled: every neighbour gap ties
    t = rng.permutation(n).astype(np.float64)[:, None]
    return t * np.ones((1, d)) * 0.5


KINDS = {"uniform": uniform, "clustered": clustered, "duplicates": duplicates,
         "integer_grid": integer_grid, "collinear": collinear, "collinear_grid": collinear_grid}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("d", [1, 2, 3, 5, 8])
def test_equals_quadratic_path(rng, kind, d):
    X = KINDS[kind](rng, 500, d)
    assert_same(X)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 16, 17, 33])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_small_n(rng, n, d):
    assert_same(rng.normal(size=(n, d)))
    assert_same(rng.integers(0, 2, size=(n, d)))     # ties, duplicates


def test_all_points_identical():
    # every edge has length 0: the tree is the star around observation 0
    X = np.full((300, 3), 2.5)
    Z = assert_same(X)
    assert np.all(Z[:, 2] == 0.0)


def test_two_identical_points():
    Z = assert_same(np.zeros((2, 4)))
    assert np.array_equal(Z, [[0.0, 1.0, 0.0, 2.0]])


@pytest.mark.parametrize("leaf_size", [1, 2, 5, 64, 10_000])
@pytest.mark.parametrize("first_k", [1, 2, 8, 32])
def test_tuning_parameters_do_not_change_z(rng, leaf_size, first_k):
    X = np.concatenate([integer_grid(rng, 300, 2), clustered(rng, 300, 2)])
    assert_same(X, leaf_size=leaf_size, first_k=first_k)


@pytest.mark.skipif(not openmp_enabled(), reason="built without OpenMP")
@pytest.mark.parametrize("kind", ["uniform", "integer_grid", "duplicates"])
def test_workers_do_not_change_z(rng, kind):
    # n above the kernel's threshold for threads (16 384); the comparison with the
    # O(n^2) path at this size is test_large_n's job
    X = KINDS[kind](rng, 40_000, 3)
    Z1 = kdtree_single_linkage(X, workers=1)
    Z2 = kdtree_single_linkage(X, workers=2)
    Z4 = kdtree_single_linkage(X, workers=4, first_k=3)
    Z2p = z_from_edges(*kdtree_mst_edges(X, workers=2, knn="point", dedup=False))
    Z2l = z_from_edges(*kdtree_mst_edges(X, workers=2, knn="leaf", dedup=False))
    assert np.array_equal(Z1, Z2) and np.array_equal(Z1, Z4)
    assert np.array_equal(Z1, Z2p) and np.array_equal(Z1, Z2l)


def test_concurrent_calls(rng):
    from concurrent.futures import ThreadPoolExecutor

    inputs = [KINDS[kind](rng, 20_000, 3) for kind in ("uniform", "clustered", "collinear")]
    expected = [kdtree_single_linkage(X, workers=1) for X in inputs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda X: kdtree_single_linkage(X, workers=2), inputs * 2))
    for Z, Z_expected in zip(results, expected * 2):
        assert np.array_equal(Z, Z_expected)


def test_large_n(rng):
    # ~16 000 points: several Boruvka rounds with large components; the O(n^2)
    # reference needs 1 GB here, so d = 2 keeps the KD-tree side trivial
    X = np.concatenate([clustered(rng, 10_000, 2), integer_grid(rng, 6_000, 2)])
    assert_same(X, workers=2)


def test_duplicates_of_points_at_underflowing_distances(rng):
    # identical rows (collapsed first) whose distinct values are at computed distance 0
    # from each other: the collapsed tree is not valid there and the whole data is used
    base = rng.uniform(size=(20, 2)) * 1e-170
    X = base[rng.integers(0, 20, 600)]
    assert_same(X)
    assert np.all(kdtree_single_linkage(X)[:, 2] == 0.0)


def test_tiny_and_subnormal_scales(rng):
    # squared differences underflow: distinct points at distance exactly 0
    X = rng.uniform(size=(400, 3)) * 1e-160
    assert_same(X)
    assert_same(rng.uniform(size=(400, 2)) * 1e-300)


def test_huge_coordinates_are_fine_until_overflow(rng):
    assert_same(rng.uniform(size=(300, 3)) * 1e150)


def test_sqrt_collisions(rng):
    # many squared distances whose square roots round to the same double: points
    # at offsets of one ulp, where comparing squared values alone would break ties wrongly
    base = 1.0 + np.arange(60) * np.finfo(float).eps
    X = np.stack([base, np.zeros_like(base)], axis=1)[rng.permutation(60)]
    X = np.concatenate([X, X + 3.0, rng.uniform(size=(60, 2))])
    assert_same(X)
    assert_same(X, first_k=1)


def test_integer_and_float32_input(rng):
    Xi = rng.integers(-3, 4, size=(400, 3))
    assert np.array_equal(kdtree_single_linkage(Xi), reference(Xi))
    Xf = rng.normal(size=(400, 3)).astype(np.float32)
    assert np.array_equal(kdtree_single_linkage(Xf), reference(Xf))
    Xs = rng.normal(size=(400, 6))[:, ::2]            # not C-contiguous
    assert np.array_equal(kdtree_single_linkage(Xs), reference(Xs))


def test_against_naive_kruskal(rng):
    # an independent oracle: plain Kruskal on pdist with the same (distance, i, j) order
    X = integer_grid(rng, 150, 2)
    y = fastclust.pdist(X)
    assert np.array_equal(kdtree_single_linkage(X), kruskal_linkage(y))


def test_against_scipy(rng):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    X = uniform(rng, 1500, 3)                         # tie-free
    Z = kdtree_single_linkage(X)
    Z_scipy = hierarchy.linkage(X, "single")
    assert np.array_equal(Z[:, [0, 1, 3]], Z_scipy[:, [0, 1, 3]])
    assert np.allclose(Z[:, 2], Z_scipy[:, 2], rtol=1e-14, atol=0)


def test_edges_are_a_spanning_tree_with_pdist_heights(rng):
    X = duplicates(rng, 500, 3)
    a, b, h = kdtree_mst_edges(X)
    assert np.all(a < b)
    y = fastclust.pdist(X)
    n = len(X)
    k = a * (2 * n - a - 1) // 2 + (b - a - 1)
    assert np.array_equal(h, y[k])                    # bit-identical heights
    assert len(set(zip(a.tolist(), b.tolist()))) == n - 1


def test_property_small_tied_inputs():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import given, strategies as st
    from hypothesis.extra.numpy import arrays

    @given(arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 4)),
                  elements=st.sampled_from([0.0, 0.5, 1.0, 2.0, -1.0, 1e-170, 3.0])),
           st.integers(1, 8), st.integers(1, 5))
    def check(X, leaf_size, first_k):
        assert_same(X, leaf_size=leaf_size, first_k=first_k)

    check()


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("X, error, match", [
    (np.zeros(5), ValueError, "`X` must be a 2-D array"),
    (np.zeros((2, 2, 2)), ValueError, "`X` must be a 2-D array"),
    (np.zeros((4, 0)), ValueError, "at least one feature"),
    (np.zeros((1, 3)), ValueError, "X"),
    (np.array([[0.0, np.nan], [1.0, 2.0]]), ValueError, "finite"),
    (np.array([[0.0, np.inf], [1.0, 2.0]]), ValueError, "finite"),
    (np.ones((3, 2), dtype=complex), TypeError, "complex|real"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "numbers"),
    (np.array([[0.0, 0.0], [1e200, 0.0]]), ValueError, "float64 range"),
])
def test_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        kdtree_single_linkage(X)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"leaf_size": 0}, ValueError, "`leaf_size` must be a positive integer; got 0"),
    ({"leaf_size": 2.5}, TypeError, "`leaf_size` must be a positive integer; got 2.5"),
    ({"leaf_size": True}, TypeError, "`leaf_size`"),
    ({"first_k": 0}, ValueError, "`first_k` must be a positive integer"),
    ({"first_k": 33}, ValueError, "`first_k` must be at most 32; got 33"),
    ({"workers": 0}, ValueError, "`workers`"),
    ({"knn": "dual"}, ValueError, "`knn` must be one of 'auto', 'leaf', 'point'; got 'dual'"),
])
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        kdtree_mst_edges(np.zeros((5, 2)), **kwargs)


# ---------------------------------------------------------------- Ctrl-C

CHILD = textwrap.dedent(r"""
    import sys, time
    import numpy as np
    from fastclust._kdtree_single import kdtree_single_linkage
    X = np.random.default_rng(0).normal(size=(int(sys.argv[1]), 3))
    print("started", flush=True)
    try:
        for _ in range(20):                   # many seconds without the signal
            kdtree_single_linkage(X, workers=1)
    except KeyboardInterrupt:
        small = kdtree_single_linkage(np.arange(10.0)[:, None])
        print("interrupted", small.shape, flush=True)
        sys.exit(0)
    print("not interrupted", flush=True)
    sys.exit(1)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_the_kernel():
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "2000000"], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.0)                       # inside one of the kernel's phases
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        latency = time.perf_counter() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "interrupted (9, 4)" in out
    # one call takes seconds: without checks in the kernel the latency would be that long
    assert latency < 1.5, latency


# ---------------------------------------------------------------- linkage_vector dispatch

def test_linkage_vector_kdtree_equals_prim_and_linkage(rng):
    X = np.concatenate([clustered(rng, 400, 3), integer_grid(rng, 300, 3)])
    Z_kd = fastclust.linkage_vector(X, "single", algorithm="kdtree")
    assert np.array_equal(Z_kd, fastclust.linkage_vector(X, "single", algorithm="prim"))
    assert np.array_equal(Z_kd, reference(X))
    X32 = X.astype(np.float32)   # the distances of the float64 conversion, as everywhere
    assert np.array_equal(fastclust.linkage_vector(X32, "single", algorithm="kdtree"),
                          fastclust.linkage_vector(X32, "single", algorithm="prim"))


@pytest.mark.parametrize("n, d, metric, expected", [
    (1000, 3, "euclidean", True), (2500, 8, "euclidean", True), (300, 12, "euclidean", False),
    (6000, 12, "euclidean", False), (6000, 20, "euclidean", False),   # d 9-12: from 20 000
    (300, 3, "euclidean", False), (1000, 8, "euclidean", False),     # small: O(n^2) paths
    (1000, 3, "cityblock", False), (1000, 3, "sqeuclidean", False)])
def test_linkage_vector_auto_picks_kdtree_in_low_d(rng, monkeypatch, n, d, metric, expected):
    import fastclust._kdtree_single as module

    calls = []
    original = module.kdtree_single_linkage
    monkeypatch.setattr(module, "kdtree_single_linkage",
                        lambda X, **kw: calls.append(1) or original(X, **kw))
    fastclust.linkage_vector(uniform(rng, n, d), "single", metric)
    assert bool(calls) == expected


# ---------------------------------------------------------------- through linkage()

@pytest.mark.parametrize("d", [1, 2, 3, 8, 12, 20])
def test_linkage_single_on_observations_same_z_either_way(rng, d):
    X = np.round(rng.random((300, d)) * 5) if d == 2 else rng.random((300, d))
    by_matrix = fastclust.linkage(X, "single", algorithm="matrix")
    np.testing.assert_array_equal(fastclust.linkage(X, "single", algorithm="kdtree"), by_matrix)
    np.testing.assert_array_equal(fastclust.linkage(X, "single"), by_matrix)     # auto
    np.testing.assert_array_equal(
        fastclust.linkage(X, "single", optimal_ordering=True, algorithm="kdtree"),
        fastclust.linkage(X, "single", optimal_ordering=True, algorithm="matrix"))


def test_linkage_auto_rule_picks_the_kdtree_only_where_it_pays(rng, monkeypatch):
    import fastclust._linkage as lk
    calls = []
    real = lk._kdtree_single
    monkeypatch.setattr(lk, "_kdtree_single", lambda *a: calls.append(a[0].shape) or real(*a))
    fastclust.linkage(rng.random((1000, 3)), "single")
    fastclust.linkage(rng.random((200, 3)), "single")                 # n too small
    fastclust.linkage(rng.random((1000, 30)), "single")               # d too large
    fastclust.linkage(rng.random((1000, 3)), "single", metric="cityblock")
    fastclust.linkage(rng.random((1000, 3)), "average")
    fastclust.linkage(fastclust.pdist(rng.random((1000, 3))), "single")
    assert calls == [(1000, 3)]


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="average"), "got method='average'"),
    (dict(metric="cityblock"), "got metric='cityblock'"),
    (dict(metric="precomputed"), "got metric='precomputed'"),
])
def test_linkage_kdtree_errors(rng, kwargs, match):
    X = rng.random((10, 2))
    if kwargs.get("metric") == "precomputed":
        X = fastclust.squareform(fastclust.pdist(X))
    with pytest.raises(ValueError, match=match):
        fastclust.linkage(X, algorithm="kdtree", **{"method": "single", **kwargs})


def test_linkage_kdtree_errors_for_condensed_input_and_bad_values(rng):
    y = fastclust.pdist(rng.random((10, 2)))
    with pytest.raises(ValueError, match="got a condensed distance matrix"):
        fastclust.linkage(y, "single", algorithm="kdtree")
    with pytest.raises(ValueError, match="got a condensed distance matrix"):
        fastclust.linkage(y, "single", algorithm="prim")
    with pytest.raises(ValueError, match="`algorithm` must be one of 'auto', 'matrix', "
                                         "'kdtree', 'prim', 'centroids'; got 'boruvka'"):
        fastclust.linkage(y, "single", algorithm="boruvka")


def test_kdtree_rule_from_20000_points_for_9_to_12_dimensions():
    from fastclust._linkage_vector import _kdtree_pays_off
    assert _kdtree_pays_off("euclidean", None, 20000, 12)
    assert not _kdtree_pays_off("euclidean", None, 19999, 12)
    assert _kdtree_pays_off("euclidean", None, 2000, 8)


def test_linkage_auto_takes_prim_between_the_tree_and_the_matrix(rng, monkeypatch):
    """Single linkage of Euclidean observations: Prim on the fly for n >= 1000 and
    d <= 12 where the KD-tree does not pay off; the same Z as the matrix path."""
    import fastclust._linkage as lk
    calls = []
    real = lk._single_prim
    monkeypatch.setattr(lk, "_single_prim", lambda X, *a: calls.append(X.shape) or real(X, *a))
    for shape in ((1000, 10), (999, 10), (1000, 13), (1000, 3)):
        X = rng.random(shape)
        Z = fastclust.linkage(X, "single")
        np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", algorithm="matrix"))
    assert calls == [(1000, 10)]      # 999: too small; d = 13: too large; d = 3: the tree
    X = np.round(rng.random((50, 2)) * 4)                            # ties
    np.testing.assert_array_equal(fastclust.linkage(X, "single", algorithm="prim"),
                                  fastclust.linkage(X, "single", algorithm="matrix"))


def test_linkage_auto_falls_back_where_the_kdtree_guard_rescales(rng):
    X = rng.random((50, 2)) * 5e153       # the matrix path handles it; the tree rescales X
    Z = fastclust.linkage(X, "single", algorithm="matrix")
    np.testing.assert_array_equal(fastclust.linkage(X, "single"), Z)
    # scaling by a power of two is exact: the rescaled tree gives the same bits
    np.testing.assert_array_equal(fastclust.linkage(X, "single", algorithm="kdtree"), Z)
    # where pdist(X) itself overflows, the matrix path refuses and the tree still works
    X[0] = 1e300
    with pytest.raises(ValueError):
        fastclust.linkage(X, "single", algorithm="matrix")
    Zt = fastclust.linkage(X, "single", algorithm="kdtree")
    assert np.isfinite(Zt[:, 2]).all()
    assert Zt[-1, 2] == pytest.approx(np.sqrt(2.0) * 1e300, rel=1e-12)   # X[0] = (1e300, 1e300)
