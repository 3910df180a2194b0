"""Every error path of the public functions, with its message; input conversion; warnings."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import fastclust

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
VALID_METHODS = ("'average', 'centroid', 'complete', 'median', 'single', 'ward', 'weighted'")
VALID_METRICS = ("'braycurtis', 'canberra', 'chebyshev', 'cityblock', 'correlation', 'cosine', "
                 "'dice', 'euclidean', 'hamming', 'jaccard', 'jensenshannon', 'mahalanobis', "
                 "'minkowski', 'rogerstanimoto', 'russellrao', 'seuclidean', 'sokalsneath', "
                 "'sqeuclidean', 'yule'")
ALIASES = ("'cblock', 'cheb', 'cheby', 'chebychev', 'cos', 'euclid', 'hamm', 'jacc', 'js', 'l1', "
           "'l2', 'mah', 'mahal', 'manhattan', 'matching', 'pnorm', 'sqe', 'sqeuclid'")
Y3 = np.array([1.0, 2.0, 3.0])          # a valid condensed matrix, n = 3
X4 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])   # 4 observations, 2-D


def literal(text):
    return re.escape(text)


# --------------------------------------------------------------------------- lengths and n

@pytest.mark.parametrize("length, lower, n_lower, upper, n_upper", [
    (2, 1, 2, 3, 3),
    (4, 3, 3, 6, 4),
    (5, 3, 3, 6, 4),
    (7, 6, 4, 10, 5),
    (9, 6, 4, 10, 5),
    (44, 36, 9, 45, 10),
    (4949, 4851, 99, 4950, 100),
])
def test_bad_condensed_length_lists_nearest_valid_lengths(length, lower, n_lower, upper, n_upper):
    msg = (f"`y` has length {length}, which is not n*(n-1)/2 for any integer n; "
           f"the nearest valid lengths are {lower} (n={n_lower}) and {upper} (n={n_upper}).")
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(np.ones(length))
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.squareform(np.ones(length))


@pytest.mark.parametrize("length", (1, 3, 6, 10, 4950))
def test_every_triangular_length_is_accepted(length):
    Z = fastclust.linkage(np.ones(length))
    n = (1 + int(np.sqrt(1 + 8 * length))) // 2
    assert Z.shape == (n - 1, 4)


@pytest.mark.parametrize("y, got", [
    (np.empty(0), 0),
    ([], 0),
    (np.array([[1.0, 2.0]]), 1),           # one observation
])
def test_fewer_than_two_observations(y, got):
    with pytest.raises(ValueError, match=literal(
            f"`y` must describe at least 2 observations; got {got}.")):
        fastclust.linkage(y)


def test_precomputed_one_by_one():
    with pytest.raises(ValueError, match=literal("at least 2 observations; got 1.")):
        fastclust.linkage(np.zeros((1, 1)), metric="precomputed")


@pytest.mark.parametrize("y, ndim", [(np.zeros((2, 2, 2)), 3), (np.float64(3.0), 0),
                                     (np.zeros((1, 1, 1, 1)), 4)])
def test_wrong_number_of_dimensions(y, ndim):
    msg = f"`y` must be 1-D (condensed distances) or 2-D (observations); got {ndim} dimensions."
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(y)


def test_observations_without_features():
    with pytest.raises(ValueError, match=literal(
            "`y` must have at least one feature (column); got shape (3, 0).")):
        fastclust.linkage(np.zeros((3, 0)))


def test_ragged_list():
    with pytest.raises(ValueError, match=literal("`y` could not be converted to an array")):
        fastclust.linkage([[1.0, 2.0], [3.0]])


# --------------------------------------------------------------------------- values

@pytest.mark.parametrize("bad", (np.nan, np.inf, -np.inf))
@pytest.mark.parametrize("method", METHODS)
def test_non_finite_condensed_names_the_entry(method, bad):
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y[4] = bad
    with pytest.raises(ValueError, match=literal(
            f"`y` must contain only finite values; entry [4] is {bad}.")):
        fastclust.linkage(y, method)


@pytest.mark.parametrize("bad", (np.nan, np.inf))
def test_non_finite_observation_names_the_entry(bad):
    X = X4.copy()
    X[2, 1] = bad
    with pytest.raises(ValueError, match=literal(
            f"`y` must contain only finite values; entry [2, 1] is {bad}.")):
        fastclust.linkage(X, "average")


def test_non_finite_precomputed_names_the_entry():
    M = fastclust.squareform(np.arange(1.0, 7.0))
    M[1, 3] = M[3, 1] = np.nan
    with pytest.raises(ValueError, match=literal(
            "`y` must contain only finite values; entry [1, 3] is nan.")):
        fastclust.linkage(M, metric="precomputed")


def test_first_bad_entry_is_named():
    y = np.array([1.0, np.inf, 3.0, np.nan, 5.0, 6.0])
    with pytest.raises(ValueError, match=literal("entry [1] is inf.")):
        fastclust.linkage(y)


@pytest.mark.parametrize("method", METHODS)
def test_negative_distance_names_the_entry(method):
    with pytest.raises(ValueError, match=literal(
            "`y` must hold non-negative distances; entry [1] is -0.5.")):
        fastclust.linkage([1.0, -0.5, 3.0], method)


def test_negative_precomputed_distance():
    M = np.array([[0.0, -1.0, 2.0], [-1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])
    with pytest.raises(ValueError, match=literal("`y` must hold non-negative distances")):
        fastclust.linkage(M, metric="precomputed")


def test_negative_zero_is_a_distance():
    Z = fastclust.linkage([-0.0, 1.0, 1.0])
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], [[0, 1, 2], [2, 3, 3]])


def test_cosine_of_a_zero_vector_is_rejected_by_linkage():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=literal(
            "`pdist(y)` must contain only finite values; entry [0] is nan.")):
        fastclust.linkage(X, "average", metric="cosine")


# --------------------------------------------------------------------------- types

@pytest.mark.parametrize("y", [np.array([1.0, 2.0, 3.0 + 1j]), np.ones(3, dtype=np.complex64),
                               np.ones((3, 2), dtype=complex)])
def test_complex_is_a_type_error(y):
    with pytest.raises(TypeError, match=literal(
            f"`y` must be real-valued; got complex dtype {y.dtype}.")):
        fastclust.linkage(y)


@pytest.mark.parametrize("y, dtype", [
    (["a", "b", "c"], "<U1"),
    (np.array([1.0, 2.0, 3.0], dtype=object), "object"),
    (np.array(["1.0", "2.0", "3.0"]), "<U3"),
    (np.array([b"x", b"y", b"z"]), "|S1"),
    (np.array([1, 2, 3], dtype="datetime64[s]"), "datetime64[s]"),
])
def test_non_numeric_is_a_type_error(y, dtype):
    with pytest.raises(TypeError, match=literal(f"`y` must contain numbers; got dtype {dtype}.")):
        fastclust.linkage(y)


def test_pdist_type_errors():
    with pytest.raises(TypeError, match=literal("`X` must be real-valued; got complex dtype")):
        fastclust.pdist(np.ones((3, 2), dtype=complex))
    with pytest.raises(TypeError, match=literal("`X` must contain numbers; got dtype <U1.")):
        fastclust.pdist([["a", "b"], ["c", "d"]])


# --------------------------------------------------------------------------- method / metric

@pytest.mark.parametrize("method", ["foo", "", "single ", "centroids", None, 3, ("single",)])
def test_unknown_method_lists_valid_ones(method):
    msg = f"`method` must be one of {VALID_METHODS}; got {method!r}."
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(Y3, method)


@pytest.mark.parametrize("method", METHODS)
def test_method_names_are_case_insensitive(method, rng):
    y = rng.random(45)
    np.testing.assert_array_equal(fastclust.linkage(y, method.upper()),
                                  fastclust.linkage(y, method))


@pytest.mark.parametrize("metric", ["foo", "hamingg", "precomputed ", None, 3])
def test_unknown_metric_lists_valid_ones(metric):
    msg = f"`metric` must be a callable or one of {VALID_METRICS} (aliases {ALIASES}); " \
          f"got {metric!r}."
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(X4, "single", metric=metric)
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.pdist(X4, metric)


def test_metric_is_ignored_for_condensed_input():
    np.testing.assert_array_equal(fastclust.linkage(Y3, "average", metric="cityblock"),
                                  fastclust.linkage(Y3, "average"))


@pytest.mark.parametrize("metric", ["cityblock", "sqeuclidean", "chebyshev", "cosine",
                                    "minkowski", "manhattan"])
@pytest.mark.parametrize("method", ("ward", "centroid", "median"))
def test_euclidean_only_methods_reject_other_metrics(method, metric):
    msg = (f"`method={method!r}` requires the Euclidean metric on observations; "
           f"got metric={metric!r}.")
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(X4, method, metric=metric)


@pytest.mark.parametrize("method", ("ward", "centroid", "median"))
def test_euclidean_only_methods_accept_euclidean_spellings(method):
    Z = fastclust.linkage(X4, method)
    np.testing.assert_array_equal(fastclust.linkage(X4, method, metric="l2"), Z)
    np.testing.assert_array_equal(fastclust.linkage(X4, method, metric="Euclidean"), Z)
    # Condensed input: the metric argument does not apply. (From observations the
    # squared distances may be computed directly, so heights can differ in the last bit.)
    Zc = fastclust.linkage(fastclust.pdist(X4), method, metric="cosine")
    np.testing.assert_array_equal(Zc[:, [0, 1, 3]], Z[:, [0, 1, 3]])
    np.testing.assert_allclose(Zc[:, 2], Z[:, 2], rtol=1e-14)


def test_optimal_ordering_must_be_a_bool():
    with pytest.raises(TypeError, match=literal("optimal_ordering must be True or False, "
                                                "got 'yes'")):
        fastclust.linkage(Y3, optimal_ordering="yes")
    np.testing.assert_array_equal(fastclust.linkage(Y3, optimal_ordering=False),
                                  fastclust.linkage(Y3))


# --------------------------------------------------------------------------- workers

@pytest.mark.parametrize("workers", [0, -2, -10, 1.5, 2.0, True, False, "2", [2]])
def test_bad_workers(workers):
    msg = f"`workers` must be None, -1 or a positive integer; got {workers!r}."
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(Y3, workers=workers)
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(X4, "average", workers=workers)
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.pdist(X4, workers=workers)


@pytest.mark.parametrize("workers", [None, -1, 1, 2, 3, np.int64(2), np.int32(1)])
def test_good_workers(workers):
    np.testing.assert_array_equal(fastclust.linkage(Y3, workers=workers), fastclust.linkage(Y3))
    np.testing.assert_array_equal(fastclust.pdist(X4, workers=workers), fastclust.pdist(X4))


@pytest.mark.parametrize("method", METHODS)
def test_shortcuts_take_keywords(method):
    shortcut = getattr(fastclust, method)
    np.testing.assert_array_equal(shortcut(X4, preserve_input=False, workers=1),
                                  fastclust.linkage(X4, method))
    with pytest.raises(ValueError, match="`workers` must be"):
        shortcut(X4, workers=0)


# --------------------------------------------------------------------------- pdist / squareform

@pytest.mark.parametrize("p", [0, -1, 0.0, np.inf, np.nan, -np.inf])
def test_pdist_bad_minkowski_p(p):
    with pytest.raises(ValueError, match=literal(
            f"`p` must be a positive finite number for the Minkowski metric; got {float(p)!r}.")):
        fastclust.pdist(X4, "minkowski", p=p)


def test_pdist_p_rejected_for_other_metrics():
    # as SciPy: a keyword the metric does not take is an error, not silently ignored
    with pytest.raises(TypeError, match=literal(
            "`metric='cityblock'` takes no keyword argument 'p'; it accepts 'w'.")):
        fastclust.pdist(X4, "cityblock", p=0)


@pytest.mark.parametrize("X, ndim", [(np.zeros(4), 1), (np.zeros((2, 2, 2)), 3)])
def test_pdist_not_two_dimensional(X, ndim):
    with pytest.raises(ValueError, match=literal(
            f"`X` must be a 2-D array of observations; got {ndim} dimension(s).")):
        fastclust.pdist(X)


def test_pdist_non_finite():
    X = X4.copy()
    X[3, 0] = np.nan
    with pytest.raises(ValueError, match=literal(
            "`X` must contain only finite values; entry [3, 0] is nan.")):
        fastclust.pdist(X)


@pytest.mark.parametrize("out", [
    np.zeros(6, dtype=np.int64),   # float32 is valid (dtype option)
    np.zeros(5),
    np.zeros((6, 1)),
    np.zeros(12)[::2],
    [0.0] * 6,
    "readonly",
])
def test_pdist_bad_out(out):
    if isinstance(out, str):
        out = np.zeros(6)
        out.flags.writeable = False
    with pytest.raises(ValueError, match=literal(
            "`out` must be a writable C-contiguous float64 or float32 array of shape (6,).")):
        fastclust.pdist(X4, out=out)


def test_squareform_errors():
    with pytest.raises(ValueError, match=literal(
            "`y` must be 1-D (condensed) or 2-D (square); got 3 dimensions.")):
        fastclust.squareform(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=literal("`y` must be a square distance matrix; "
                                                 "got shape (2, 3).")):
        fastclust.squareform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=literal("`y` must be symmetric")):
        fastclust.squareform(np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(ValueError, match=literal("`y` must have a zero diagonal")):
        fastclust.squareform(np.array([[1.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(TypeError, match=literal("`y` must be real-valued")):
        fastclust.squareform(np.zeros(3, dtype=complex))


def test_squareform_checks_false_takes_the_upper_triangle():
    M = np.array([[5.0, 1.0, 2.0], [9.0, 5.0, 3.0], [9.0, 9.0, 5.0]])
    np.testing.assert_array_equal(fastclust.squareform(M, checks=False), [1.0, 2.0, 3.0])


def test_memory_error_before_a_hopeless_allocation():
    X = np.broadcast_to(np.zeros((1, 1)), (3_000_000, 1))   # 36 TB of distances
    for method in ("single", "average"):
        with pytest.raises(MemoryError, match="the condensed distance matrix needs .* GiB"):
            fastclust.linkage(X, method, algorithm="matrix")
    with pytest.raises(MemoryError, match="the condensed distance matrix needs .* GiB"):
        fastclust.pdist(X)


# --------------------------------------------------------------------------- precomputed

def test_precomputed_equals_condensed(rng):
    for method in METHODS:
        y = fastclust.pdist(rng.normal(size=(30, 3)))
        M = fastclust.squareform(y)
        with warnings.catch_warnings():
            warnings.simplefilter("error")       # in particular: no ClusterWarning
            Z = fastclust.linkage(M, method, metric="precomputed")
        np.testing.assert_array_equal(Z, fastclust.linkage(y, method))
        np.testing.assert_array_equal(fastclust.linkage(M, method, metric="PRECOMPUTED"), Z)


def test_precomputed_integer_and_list_input():
    M = [[0, 2, 5], [2, 0, 4], [5, 4, 0]]
    Z = fastclust.linkage(M, "complete", metric="precomputed")
    np.testing.assert_array_equal(Z, fastclust.linkage([2.0, 5.0, 4.0], "complete"))


def test_asymmetric_precomputed_is_rejected():
    M = fastclust.squareform(np.arange(1.0, 7.0))
    M[0, 2] = 9.0
    msg = "`y` must be symmetric to be a distance matrix; entry [0, 2] is 9.0 but [2, 0] is 2.0."
    with pytest.raises(ValueError, match=literal(msg)):
        fastclust.linkage(M, "average", metric="precomputed")


def test_precomputed_non_square_and_nonzero_diagonal():
    with pytest.raises(ValueError, match=literal(
            "`y` must be a square distance matrix; got shape (3, 4).")):
        fastclust.linkage(np.zeros((3, 4)), metric="precomputed")
    M = fastclust.squareform(np.arange(1.0, 7.0))
    M[2, 2] = 1.0
    with pytest.raises(ValueError, match=literal(
            "`y` must have a zero diagonal to be a distance matrix; entry [2, 2] is 1.0.")):
        fastclust.linkage(M, metric="precomputed")


# --------------------------------------------------------------------------- ClusterWarning

def test_square_distance_matrix_as_observations_warns():
    M = fastclust.squareform(np.arange(1.0, 7.0))
    with pytest.warns(fastclust.ClusterWarning, match="looks like a distance matrix") as record:
        Z = fastclust.linkage(M, "average")
    assert len(record) == 1
    # It is still treated as observations, as SciPy does.
    np.testing.assert_array_equal(Z, fastclust.linkage(fastclust.pdist(M), "average"))
    assert issubclass(fastclust.ClusterWarning, UserWarning)


@pytest.mark.parametrize("call", ["linkage", "shortcut"])
def test_cluster_warning_points_at_the_caller(call):
    # stacklevel: the warning should name the line that called fastclust, as SciPy's does.
    M = fastclust.squareform(np.arange(1.0, 7.0))
    with pytest.warns(fastclust.ClusterWarning) as record:
        if call == "linkage":
            fastclust.linkage(M)
        else:
            fastclust.single(M)
    assert record[0].filename == __file__


def test_no_warning_for_observations_that_are_not_distances(rng):
    cases = [
        rng.random((4, 4)),                                      # square, not symmetric
        np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]),           # not square
        np.array([[0.0, -1.0], [-1.0, 0.0]]),                     # negative entries
        np.array([[1.0, 2.0], [2.0, 1.0]]),                       # non-zero diagonal
    ]
    for X in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fastclust.linkage(X, "single")


# --------------------------------------------------------------------------- conversion

@pytest.mark.parametrize("method", METHODS)
def test_integer_float32_and_list_input_are_converted(method, rng):
    yi = rng.integers(1, 1000, size=190)
    Z = fastclust.linkage(yi.astype(np.float64), method)
    for y in (yi, yi.astype(np.int32), yi.astype(np.uint16), yi.tolist(), tuple(yi.tolist()),
              yi.astype(np.float32)):
        np.testing.assert_array_equal(fastclust.linkage(y, method), Z)
    yf = rng.random(190).astype(np.float32)
    np.testing.assert_array_equal(fastclust.linkage(yf, method),
                                  fastclust.linkage(yf.astype(np.float64), method))
    Xi = rng.integers(-9, 9, size=(20, 3))
    np.testing.assert_array_equal(fastclust.linkage(Xi.tolist(), method),
                                  fastclust.linkage(Xi.astype(float), method))


def test_boolean_and_big_endian_input():
    yb = np.array([True, False, True])
    np.testing.assert_array_equal(fastclust.linkage(yb), fastclust.linkage([1.0, 0.0, 1.0]))
    ybe = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.5], dtype=">f8")
    np.testing.assert_array_equal(fastclust.linkage(ybe, "average"),
                                  fastclust.linkage(ybe.astype("<f8"), "average"))


def test_output_dtype_and_shape(rng):
    for n in (2, 3, 17):
        Z = fastclust.linkage(rng.random(n * (n - 1) // 2), "average")
        assert isinstance(Z, np.ndarray) and Z.dtype == np.float64 and Z.shape == (n - 1, 4)
        assert Z.flags.c_contiguous and Z.flags.writeable


def test_precomputed_checks_are_exact():
    # A matrix that is symmetric only to 1e-9 is a mistake, not a distance matrix.
    M = fastclust.squareform(np.arange(1.0, 7.0))
    M[0, 1] += 1e-9
    with pytest.raises(ValueError, match=r"must be symmetric.*entry \[0, 1\]"):
        fastclust.linkage(M, metric="precomputed")
    M = fastclust.squareform(np.arange(1.0, 7.0))
    M[1, 3] = M[3, 1] = -2.0
    with pytest.raises(ValueError, match=r"non-negative distances; entry \[1, 3\] is -2.0"):
        fastclust.linkage(M, metric="precomputed")


# --------------------------------------------------------------------------- extreme scales

@pytest.mark.parametrize("method", ["ward", "centroid", "median", "single", "average"])
@pytest.mark.parametrize("factor", [1e155, 1e-160, 1e300, 1e-200, 1e-300])
def test_extreme_scales_give_the_scaled_tree(rng, method, factor):
    """Squares of distances near 1e155 overflow and near 1e-160 underflow: the
    methods on squared distances rescale by a power of two (exactly)."""
    X = rng.random((30, 3))
    y = fastclust.pdist(X)
    Z = fastclust.linkage(y, method)
    for given in (y * factor, fastclust.squareform(y * factor)):
        metric = "precomputed" if given.ndim == 2 else "euclidean"
        for preserve in (True, False):
            big = fastclust.linkage(given.copy(), method, metric, preserve_input=preserve)
            np.testing.assert_array_equal(big[:, [0, 1, 3]], Z[:, [0, 1, 3]])
            np.testing.assert_allclose(big[:, 2], Z[:, 2] * factor, rtol=1e-12)
    if method in ("ward", "centroid", "median") and factor != 1e300:
        # from observations: the squared-distance methods rescale X first (the
        # others use pdist(X) as it is, with its own range, like SciPy's)
        big = fastclust.linkage(X * factor, method)
        np.testing.assert_array_equal(big[:, [0, 1, 3]], Z[:, [0, 1, 3]])
        np.testing.assert_allclose(big[:, 2], Z[:, 2] * factor, rtol=1e-12)


def test_distances_that_overflow_are_named(rng):
    X = rng.random((5, 2)) * 1e300
    with pytest.raises(ValueError, match="overflow.*rescale"):
        fastclust.linkage(X, "average")


def test_power_of_two_scaling_is_exact(rng):
    y = fastclust.pdist(rng.random((20, 2)))
    Z = fastclust.linkage(y, "ward")
    big = fastclust.linkage(y * 2.0 ** 600, "ward")
    np.testing.assert_array_equal(big[:, 2], Z[:, 2] * 2.0 ** 600)
