"""linkage_vector: the same Z as linkage (and fastcluster.linkage_vector), float32, errors."""
from __future__ import annotations

import re

import numpy as np
import pytest

import fastclust
from fastclust._vector import _set_parallel_min_work

CENTROID_METHODS = ["ward", "centroid", "median"]
# Every metric of fastclust.pdist, with data it is defined on.
REAL_METRICS = ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine",
                "correlation", "braycurtis", "canberra", "seuclidean", "mahalanobis",
                "jensenshannon"]
BOOLEAN_METRICS = ["hamming", "jaccard", "dice", "rogerstanimoto", "russellrao",
                   "sokalsneath", "yule"]


def literal(text):
    return re.escape(text)


def assert_same_tree(Z, R, rtol):
    """Same merges and sizes; heights to rtol."""
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=rtol, atol=0)


@pytest.fixture
def threaded():
    """Share every step between threads, however small, for the duration of a test."""
    old = _set_parallel_min_work(0)
    yield
    _set_parallel_min_work(old)


def test_single_euclidean_equals_linkage_bitwise(rng):
    X = rng.normal(size=(300, 6))
    expected = fastclust.linkage(X, "single", algorithm="matrix")    # the O(n^2) kernel
    for algorithm in ("prim", "kdtree", "auto"):
        np.testing.assert_array_equal(fastclust.linkage_vector(X, algorithm=algorithm), expected)


@pytest.mark.parametrize("metric", REAL_METRICS + BOOLEAN_METRICS)
def test_single_every_metric_equals_linkage(rng, metric):
    # Same distances bit for bit and the same tie order: Z is equal, ties included.
    if metric in BOOLEAN_METRICS:
        X = rng.integers(0, 2, size=(120, 9)).astype(np.float64)   # many ties
        X[:, 0] = 1.0          # no all-zero row (dice / sokalsneath would be 0/0)
    elif metric == "jensenshannon":
        X = rng.random(size=(120, 5)) + 0.01
    else:
        X = rng.normal(size=(120, 5))
    Z = fastclust.linkage_vector(X, "single", metric)
    R = fastclust.linkage(fastclust.pdist(X, metric), "single")
    np.testing.assert_array_equal(Z, R)


def test_single_ties_follow_linkage_rule(rng):
    # integer grid: a great many equal distances
    X = rng.integers(0, 4, size=(200, 2)).astype(np.float64)
    for metric in ("euclidean", "cityblock", "chebyshev"):
        np.testing.assert_array_equal(fastclust.linkage_vector(X, "single", metric),
                                      fastclust.linkage(X, "single", metric=metric))


def test_single_callable_metric(rng):
    X = rng.normal(size=(40, 3))

    def l1(u, v):
        return float(np.abs(u - v).sum())

    np.testing.assert_array_equal(fastclust.linkage_vector(X, "single", l1),
                                  fastclust.linkage(fastclust.pdist(X, l1), "single"))


@pytest.mark.parametrize("method", CENTROID_METHODS)
def test_centroid_methods_match_linkage(rng, method):
    X = rng.normal(size=(250, 4))
    assert_same_tree(fastclust.linkage_vector(X, method), fastclust.linkage(X, method),
                     rtol=1e-12)


def test_centroid_inversions_in_linkage_order(rng):
    # centroid/median on scattered data have inversions; Z keeps the merge order
    X = rng.normal(size=(200, 2))
    for method in ("centroid", "median"):
        Z = fastclust.linkage_vector(X, method)
        assert np.any(np.diff(Z[:, 2]) < 0), "test data should contain an inversion"
        assert_same_tree(Z, fastclust.linkage(X, method), rtol=1e-12)


@pytest.mark.parametrize("method, metric, extraarg", [
    ("single", "euclidean", None),
    ("single", "cityblock", None),
    ("single", "chebychev", None),      # fastcluster's spelling
    ("single", "minkowski", 3.0),
    ("single", "minkowski", np.inf),
    ("single", "seuclidean", None),
    ("single", "seuclidean", "V"),
    ("single", "mahalanobis", None),
    ("single", "mahalanobis", "VI"),
    ("single", "cosine", None),
    ("single", "correlation", None),
    ("single", "canberra", None),
    ("single", "braycurtis", None),
    ("single", "sqeuclidean", None),
    ("ward", "euclidean", None),
    ("centroid", "euclidean", None),
    ("median", "euclidean", None),
])
def test_matches_fastcluster(rng, method, metric, extraarg):
    fastcluster = pytest.importorskip("fastcluster")
    X = rng.normal(size=(200, 4))
    if extraarg == "V":
        extraarg = rng.uniform(0.5, 2.0, size=4)
    elif extraarg == "VI":
        A = rng.normal(size=(4, 4))
        extraarg = A @ A.T + 4 * np.eye(4)
    Z = fastclust.linkage_vector(X, method, metric, extraarg)
    R = fastcluster.linkage_vector(X, method, metric, extraarg)
    assert_same_tree(Z, R, rtol=1e-10)


@pytest.mark.parametrize("metric", ["jaccard", "yule", "dice", "rogerstanimoto", "russellrao",
                                    "sokalsneath", "hamming", "matching", "sokalmichener"])
def test_boolean_metrics_match_fastcluster(rng, metric):
    fastcluster = pytest.importorskip("fastcluster")
    # values other than 0/1: fastcluster converts to bool, and so does linkage_vector
    X = rng.integers(0, 3, size=(100, 10)).astype(np.float64)
    X[:, 0] = 1.0
    if metric == "hamming":
        X = (X != 0).astype(np.float64)   # fastcluster's hamming compares values
    Z = fastclust.linkage_vector(X, "single", metric)
    R = fastcluster.linkage_vector(X, "single", metric)
    # binary data is full of ties, where the two libraries may pick different
    # (equally minimal) trees: compare the merge heights, which are unique
    np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-12)


@pytest.mark.parametrize("method", ["single"] + CENTROID_METHODS)
def test_workers_do_not_change_Z(rng, threaded, method):
    X = rng.normal(size=(300, 5))
    X[:40] = X[0] + rng.integers(0, 2, size=(40, 5))   # some ties too
    extra = {"algorithm": "prim"} if method == "single" else {}   # threaded Prim, not the tree
    Z1 = fastclust.linkage_vector(X, method, workers=1, **extra)
    for workers in (2, 3):
        np.testing.assert_array_equal(
            fastclust.linkage_vector(X, method, workers=workers, **extra), Z1)


@pytest.mark.parametrize("workers", [1, 2])
def test_blocked_mahalanobis_single_equals_linkage_bitwise(rng, workers):
    """Blocks of 256 remaining points through pdist's vectorised row: the same bits."""
    X = rng.normal(size=(700, 3))
    X[:50] = np.round(X[:50])                                 # ties and duplicates too
    VI = np.linalg.inv(np.cov(X.T))
    np.testing.assert_array_equal(
        fastclust.linkage_vector(X, "single", "mahalanobis", VI, workers=workers),
        fastclust.linkage(fastclust.pdist(X, "mahalanobis", VI=VI), "single"))
    # an indefinite VI gives NaN distances: named, as on the per-pair path
    with pytest.raises(ValueError, match="The mahalanobis distance between observations"):
        fastclust.linkage_vector(X, "single", "mahalanobis", -np.eye(3), workers=workers)


def test_threaded_mahalanobis_single(rng, threaded):
    X = rng.normal(size=(150, 4))
    np.testing.assert_array_equal(fastclust.linkage_vector(X, "single", "mahalanobis",
                                                           workers=2),
                                  fastclust.linkage(X, "single", metric="mahalanobis"))


def test_float32_single_is_exactly_float64_of_the_same_values(rng):
    X32 = rng.normal(size=(300, 5)).astype(np.float32)
    for metric in ("euclidean", "cityblock", "cosine"):
        np.testing.assert_array_equal(
            fastclust.linkage_vector(X32, "single", metric, algorithm="prim"),
            fastclust.linkage_vector(X32.astype(np.float64), "single", metric,
                                     algorithm="prim"))


@pytest.mark.parametrize("method", CENTROID_METHODS)
def test_float32_centroid_methods_agree_with_float64(rng, method):
    # well separated groups: float32 rounding of the centroids cannot reorder merges
    X = (rng.normal(size=(120, 3)) + 10 * np.arange(120)[:, None] ** 1.5).astype(np.float32)
    Z32 = fastclust.linkage_vector(X, method)
    Z64 = fastclust.linkage_vector(X.astype(np.float64), method)
    assert Z32.dtype == np.float64
    assert_same_tree(Z32, Z64, rtol=1e-5)
    # centroids are kept in float64: data far from the origin keeps its tree
    far = (rng.normal(size=(80, 2)) + 1e5).astype(np.float32)
    assert_same_tree(fastclust.linkage_vector(far, method),
                     fastclust.linkage_vector(far.astype(np.float64), method), rtol=1e-9)


def test_input_is_not_modified(rng):
    X = rng.normal(size=(80, 3))
    before = X.copy()
    for method in ["single"] + CENTROID_METHODS:
        fastclust.linkage_vector(X, method)
    np.testing.assert_array_equal(X, before)


def test_other_input_kinds(rng):
    X = rng.normal(size=(60, 3))
    R = fastclust.linkage_vector(X, "ward")
    np.testing.assert_array_equal(fastclust.linkage_vector(X.tolist(), "ward"), R)
    F = np.asfortranarray(X)
    np.testing.assert_array_equal(fastclust.linkage_vector(F, "ward"), R)
    ints = rng.integers(0, 100, size=(50, 2))
    np.testing.assert_array_equal(fastclust.linkage_vector(ints, algorithm="prim"),
                                  fastclust.linkage(ints.astype(float), "single",
                                                    algorithm="matrix"))
    two = fastclust.linkage_vector([[0.0], [3.0]], "centroid")
    np.testing.assert_array_equal(two, [[0, 1, 3, 2]])


# ---- errors -------------------------------------------------------------------

@pytest.mark.parametrize("method", ["complete", "average", "weighted"])
def test_methods_without_vector_algorithm(method):
    with pytest.raises(ValueError, match=literal(
            f"`method={method!r}` has no exact algorithm in Theta(n*d) memory")) as info:
        fastclust.linkage_vector([[0.0], [1.0]], method)
    assert f"fastclust.linkage(X, {method!r})" in str(info.value)


@pytest.mark.parametrize("call, exc, message", [
    (lambda X: fastclust.linkage_vector(X, "foo"), ValueError, "`method` must be one of"),
    (lambda X: fastclust.linkage_vector(X, "single", "foo"), ValueError,
     "`metric` must be a callable or one of"),
    (lambda X: fastclust.linkage_vector(X, "ward", "cityblock"), ValueError,
     "`method='ward'` requires metric='euclidean' (it works on cluster centroids); "
     "got metric='cityblock'."),
    (lambda X: fastclust.linkage_vector(X, "median", lambda u, v: 1.0), ValueError,
     "`method='median'` requires metric='euclidean'; got a callable metric."),
    (lambda X: fastclust.linkage_vector(X, "single", "seuclidean", [1.0, 2.0]), ValueError,
     "`extraarg` (the variances V of 'seuclidean') must be a 1-D array of length 3; "
     "got shape (2,)."),
    (lambda X: fastclust.linkage_vector(X, "single", "mahalanobis", np.eye(2)), ValueError,
     "`extraarg` (the inverse covariance VI of 'mahalanobis') must be a (3, 3) matrix; "
     "got shape (2, 2)."),
    (lambda X: fastclust.linkage_vector(X, "single", "minkowski", "two"), ValueError,
     "`extraarg` must be a number (the Minkowski exponent p) for metric='minkowski'; "
     "got 'two'."),
    (lambda X: fastclust.linkage_vector(X, "single", "minkowski", -1.0), ValueError,
     "`p` must be a positive finite number"),
    (lambda X: fastclust.linkage_vector(X, "single", "cityblock", 2.0), ValueError,
     "`extraarg` must be None for metric='cityblock'; only 'minkowski' (p), 'seuclidean' (V) "
     "and 'mahalanobis' (VI) take one; got 2.0."),
    (lambda X: fastclust.linkage_vector(X, "ward", "euclidean", 2.0), ValueError,
     "`extraarg` must be None for metric='euclidean'; got 2.0."),
    (lambda X: fastclust.linkage_vector(X, "single", "cityblock", algorithm="kdtree"), ValueError,
     "`algorithm='kdtree'` requires metric='euclidean'; got metric='cityblock'."),
    (lambda X: fastclust.linkage_vector(X, "single", "euclidean", 2.0, algorithm="kdtree"),
     ValueError, "`extraarg` must be None for metric='euclidean'; got 2.0."),
    (lambda X: fastclust.linkage_vector(X, "single", algorithm="fast"), ValueError,
     "`algorithm` must be one of 'auto', 'prim', 'kdtree'; got 'fast'."),
    (lambda X: fastclust.linkage_vector(X, "ward", algorithm="prim"), ValueError,
     "`algorithm='prim'` applies only to method='single'; method='ward' takes algorithm='auto'."),
    (lambda X: fastclust.linkage_vector(X[0], "single"), ValueError,
     "`X` must be a 2-D array of observations; got 1 dimension(s)."),
    (lambda X: fastclust.linkage_vector(X[:1], "ward"), ValueError,
     "`X` must describe at least 2 observations; got 1."),
    (lambda X: fastclust.linkage_vector(X + 1j, "single"), TypeError, "`X` must be real-valued"),
])
def test_errors(call, exc, message):
    X = np.arange(12.0).reshape(4, 3) ** 1.5
    with pytest.raises(exc, match=literal(message)):
        call(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["single", "ward"])
def test_non_finite_input(bad, method):
    X = np.arange(12.0).reshape(4, 3)
    X[2, 1] = bad
    with pytest.raises(ValueError, match=literal(
            f"`X` must contain only finite values; entry [2, 1] is {bad}.")):
        fastclust.linkage_vector(X, method)


def test_undefined_distance_names_the_pair():
    X = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=literal(
            "The cosine distance between observations 0 and 1 of `X` is NaN or infinite")):
        fastclust.linkage_vector(X, "single", "cosine")


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cityblock", "chebyshev",
                                    "cosine", "correlation"])
@pytest.mark.parametrize("algorithm", ["prim", "auto"])
def test_huge_coordinates_are_rescaled_exactly(rng, metric, algorithm):
    """Squares of 1e200 overflow: X is scaled by a power of two, then the heights back.

    Scaling by 2^k is exact, so Z has the bits of the same data at 2^-k times the size.
    """
    if algorithm == "auto" and metric != "euclidean":
        return
    X = rng.normal(size=(40, 3))
    k = 664                                               # 2^664 ~ 1e200
    if metric == "sqeuclidean":       # its results must fit: past the guard, below 1.8e308
        X, k = rng.uniform(0.55, 1.0, size=(40, 3)), 511
    big = X * 2.0**k
    Z = fastclust.linkage_vector(big, "single", metric, algorithm=algorithm)
    Z0 = fastclust.linkage_vector(X, "single", metric)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]])
    power = {"sqeuclidean": 2, "cosine": 0, "correlation": 0}.get(metric, 1)
    np.testing.assert_array_equal(Z[:, 2], Z0[:, 2] * 2.0**(k * power)
                                  if power < 2 else Z0[:, 2] * 2.0**k * 2.0**k)


def test_rescaling_keeps_small_differences_of_mixed_magnitudes():
    """The review's cases: one coordinate near the guard, the others small. Scaling by
    the least power of two keeps every difference exact: linkage(pdist(X))'s bits."""
    cases = [np.array([[0.0], [0.1], [1e154]]), np.array([[0.0], [1e-10], [1e154]]),
             np.array([[0.0, 0], [0.1, 0.3], [1e154, 0], [0.2, 0.1]])]
    for X in cases:
        Z = fastclust.linkage(fastclust.pdist(X), "single")
        np.testing.assert_array_equal(fastclust.linkage_vector(X, "single"), Z)
        np.testing.assert_array_equal(fastclust.linkage(X, "single", algorithm="kdtree"), Z)
    X = cases[1]
    np.testing.assert_array_equal(fastclust.linkage_vector(X[:2], "single", "sqeuclidean"),
                                  fastclust.linkage(fastclust.pdist(X[:2], "sqeuclidean")))
    for metric, C in [("cosine", np.array([[1e154, 1.0], [1e-10, 1e-10], [1e-10, 2e-10]])),
                      ("correlation", np.array([[1e154, 1.0, 3.0], [1e-10, 3e-10, 2e-10],
                                                [1e-10, 2e-10, 5e-10]]))]:
        np.testing.assert_array_equal(fastclust.linkage_vector(C, "single", metric),
                                      fastclust.linkage(fastclust.pdist(C, metric), "single"))


def test_sqeuclidean_overflow_is_an_error():
    X = np.array([[1e200, 0.0], [-1e200, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=literal(
            "`X` has entries up to 1e+200 in magnitude: its sqeuclidean distances overflow")):
        fastclust.linkage_vector(X, "single", "sqeuclidean")
    assert fastclust.linkage_vector(X, "single")[-1, 2] == pytest.approx(1e200, rel=1e-15)


@pytest.mark.parametrize("method", ["ward", "centroid", "median"])
def test_far_from_one_keeps_small_values_on_every_path(method):
    """Scaling takes the largest coordinate to 2^399..2^400, not to 1: a difference of
    2^-200 next to 2^401 keeps its square out of the subnormal range (the review's case,
    height 0 before on every path)."""
    import fastclust.distributed as fd

    X = np.array([[0.0, 0.0], [2.0**-200, 0.0], [2.0**401, 0.0]])
    for Z in (fastclust.linkage(X, method), fastclust.linkage_vector(X, method)) + (
            (fd.linkage(X, method, workers=1),) if method == "ward" else ()):
        assert Z[0, 2] == 2.0**-200
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], [[0, 1, 2], [2, 3, 3]])


@pytest.mark.parametrize("method", ["ward", "centroid", "median"])
@pytest.mark.parametrize("k", [664, -560])                 # ~1e200 and ~1e-169
def test_centroid_methods_rescale_far_from_one(rng, method, k):
    """As linkage: squares that would overflow or underflow are scaled away, exactly."""
    X = rng.normal(size=(40, 3))
    Z = fastclust.linkage_vector(X * 2.0**k, method)
    Z0 = fastclust.linkage_vector(X, method)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]])
    np.testing.assert_array_equal(Z[:, 2], Z0[:, 2] * 2.0**k)


def test_linkage_vector_is_exported():
    assert "linkage_vector" in fastclust.__all__
    assert fastclust.linkage_vector.__doc__.count("Examples") == 1


@pytest.mark.parametrize("method, metric", [("single", "euclidean"), ("single", "cosine"),
                                            ("single", "canberra"), ("ward", "euclidean"),
                                            ("centroid", "euclidean"), ("median", "euclidean")])
def test_memory_grows_with_n_d_not_n_squared(rng, method, metric):
    # numpy reports its buffers to tracemalloc: the condensed matrix alone would
    # be n*(n-1)/2 doubles = 18 MB here; everything linkage_vector allocates is O(n*d)
    import tracemalloc

    X = rng.normal(size=(2200, 3))
    tracemalloc.start()
    try:
        fastclust.linkage_vector(X, method, metric)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, f"peak {peak / 1e6:.1f} MB"


def test_ward_near_ties_keep_the_chains_tree(rng):
    """Grids scaled by 0.3 or 1/3 have centroid distances an ulp apart: the listing of Z
    must keep every child before its parent (the tree the chain built)."""
    from fastclust._methods import WARD
    from fastclust._vector import centroid_linkage
    from _naive import tree_of_merges, tree_of_Z

    for _ in range(100):
        n = int(rng.integers(3, 30))
        X = rng.integers(0, 4, (n, 2)) * float(rng.choice([0.3, 1.0 / 3.0]))
        a, b = np.empty(n - 1, dtype=np.intp), np.empty(n - 1, dtype=np.intp)
        h = np.empty(n - 1)
        assert centroid_linkage(np.ascontiguousarray(X.T), WARD, a, b, h) == 0
        Z = fastclust.linkage_vector(X, "ward")
        assert tree_of_Z(Z) == tree_of_merges(a, b, n), X.tolist()
        assert fastclust.is_monotonic(Z)


@pytest.mark.parametrize("metric", ["jaccard", "dice", "sokalsneath"])
def test_all_zero_rows_are_identical_for_linkage_vector(metric, rng):
    """fastcluster's definition: two all-zero rows are at distance 0 (pdist keeps
    SciPy's NaN or error there); Z equals linkage() on the matrix with those
    pairs set to 0, and its heights equal fastcluster's."""
    import warnings

    for trial in range(30):
        n = int(rng.integers(2, 40))
        X = rng.random((n, 6)) < 0.3
        X[rng.random(n) < 0.4] = False
        if trial == 0:
            X[:] = False                        # every row zero
        Z = fastclust.linkage_vector(X.astype(float), "single", metric)
        zero = ~X.any(axis=1)
        y = np.empty(n * (n - 1) // 2)
        k = 0
        for i in range(n):
            for j in range(i + 1, n):
                if zero[i] and zero[j]:
                    y[k] = 0.0
                else:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        y[k] = fastclust.pdist(X[[i, j]].astype(float), metric)[0]
                k += 1
        np.testing.assert_array_equal(Z, fastclust.linkage(y, "single"))
        try:
            import fastcluster
        except ImportError:
            continue
        R = fastcluster.linkage_vector(X, "single", metric)
        np.testing.assert_array_equal(np.sort(Z[:, 2]), np.sort(R[:, 2]))


def test_nan_distances_are_value_and_floating_point_errors(rng):
    """SciPy raises ValueError, fastcluster FloatingPointError: NonFiniteError is both."""
    y = fastclust.pdist(rng.random((5, 2)))
    y[3] = np.nan
    for catch in (ValueError, FloatingPointError, fastclust.NonFiniteError):
        with pytest.raises(catch, match=r"`y` must contain only finite values; entry \[3\]"):
            fastclust.linkage(y, "average")
    X = rng.random((5, 3))
    X[0] = 0.0
    for catch in (ValueError, FloatingPointError):
        with pytest.raises(catch, match="cosine"):
            fastclust.linkage_vector(X, "single", "cosine")
    X[0, 0] = np.nan
    with pytest.raises(FloatingPointError, match=r"`X` must contain only finite values"):
        fastclust.linkage_vector(X, "ward")


@pytest.mark.parametrize("metric", ["braycurtis", "canberra", "seuclidean", "mahalanobis"])
def test_single_blocked_metrics_over_several_blocks(rng, threaded, metric):
    """These metrics compute a Prim step's distances 256 points at a time with
    pdist's vectorised row: over several blocks, shared between threads, on tied
    data, the same Z as linkage() on pdist's matrix."""
    X = rng.integers(1, 4, size=(700, 4)).astype(np.float64)
    X += rng.integers(0, 2, size=(700, 1))          # not singular for mahalanobis
    Z = fastclust.linkage_vector(X, "single", metric, workers=2)
    np.testing.assert_array_equal(Z, fastclust.linkage(fastclust.pdist(X, metric), "single"))
    np.testing.assert_array_equal(Z, fastclust.linkage_vector(X.astype(np.float32), "single",
                                                              metric))
