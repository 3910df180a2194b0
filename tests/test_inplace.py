"""The in-place contract: preserve_input=True never writes the caller's array;
preserve_input=False lets the kernels use a writable C-contiguous float64
condensed array as their workspace (single linkage never writes)."""
from __future__ import annotations

import numpy as np
import pytest

import fastclust

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
WRITING = ("complete", "average", "weighted", "ward", "centroid", "median")


def euclidean_condensed(rng, n=60, d=3):
    return fastclust.pdist(rng.normal(size=(n, d)))


@pytest.mark.parametrize("method", METHODS)
def test_condensed_input_untouched_by_default(method, rng):
    y = euclidean_condensed(rng)
    before = y.copy()
    Z = fastclust.linkage(y, method)
    np.testing.assert_array_equal(y, before)
    Z2 = fastclust.linkage(y, method, preserve_input=True)
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(Z2, Z)
    np.testing.assert_array_equal(getattr(fastclust, method)(y), Z)
    np.testing.assert_array_equal(y, before)


@pytest.mark.parametrize("method", METHODS)
def test_observations_and_precomputed_untouched(method, rng):
    X = rng.normal(size=(40, 3))
    X_before = X.copy()
    M = fastclust.squareform(fastclust.pdist(X))
    M_before = M.copy()
    for preserve in (True, False):
        fastclust.linkage(X, method, preserve_input=preserve)
        fastclust.linkage(M, method, metric="precomputed", preserve_input=preserve)
        np.testing.assert_array_equal(X, X_before)
        np.testing.assert_array_equal(M, M_before)


@pytest.mark.parametrize("method", METHODS)
def test_same_result_when_overwriting_is_allowed(method, rng):
    for n in (2, 3, 10, 200):
        y = euclidean_condensed(rng, n)
        Z = fastclust.linkage(y, method)
        work = y.copy()
        np.testing.assert_array_equal(fastclust.linkage(work, method, preserve_input=False), Z)
        work = y.copy()
        np.testing.assert_array_equal(
            getattr(fastclust, method)(work, preserve_input=False), Z)


@pytest.mark.parametrize("method", WRITING)
def test_callers_buffer_is_the_workspace(method, rng):
    # No second n^2 buffer: the kernel's updates show up in the caller's array.
    y = euclidean_condensed(rng, 50)
    work = y.copy()
    Z = fastclust.linkage(work, method, preserve_input=False)
    assert not np.array_equal(work, y), "preserve_input=False did not use the caller's array"
    np.testing.assert_array_equal(Z, fastclust.linkage(y, method))


@pytest.mark.parametrize("method", WRITING)
def test_workspace_writes_stay_inside_the_array(method, rng):
    # A C-contiguous slice of a larger buffer: the guard values around it survive.
    y = euclidean_condensed(rng, 40)
    big = np.full(y.size + 64, -7.0)
    work = big[32:32 + y.size]
    work[...] = y
    assert work.flags.c_contiguous and not work.flags.owndata
    Z = fastclust.linkage(work, method, preserve_input=False)
    np.testing.assert_array_equal(big[:32], -7.0)
    np.testing.assert_array_equal(big[32 + y.size:], -7.0)
    assert not np.array_equal(work, y)
    np.testing.assert_array_equal(Z, fastclust.linkage(y, method))


def test_single_never_writes(rng):
    y = euclidean_condensed(rng, 80)
    before = y.copy()
    Z = fastclust.linkage(y, "single", preserve_input=False)
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(Z, fastclust.linkage(before, "single"))


def test_single_never_writes_on_the_boruvka_path(rng):
    y = rng.random(1100 * 1099 // 2)
    before = y.copy()
    y.flags.writeable = False          # any write attempt would fail loudly
    Z1 = fastclust.linkage(y, "single", preserve_input=False, workers=2)
    y.flags.writeable = True
    Z2 = fastclust.linkage(y, "single", preserve_input=False, workers=1)
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(Z1, Z2)


@pytest.mark.parametrize("method", METHODS)
def test_read_only_array_with_preserve_input_false(method, rng):
    y = euclidean_condensed(rng, 30)
    before = y.copy()
    y.flags.writeable = False
    Z = fastclust.linkage(y, method, preserve_input=False)
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(Z, fastclust.linkage(before, method))


@pytest.mark.parametrize("method", METHODS)
def test_non_contiguous_array_with_preserve_input_false(method, rng):
    y = euclidean_condensed(rng, 30)
    strided = np.zeros(2 * y.size)
    strided[::2] = y
    view = strided[::2]
    assert not view.flags.c_contiguous
    base_before = strided.copy()
    Z = fastclust.linkage(view, method, preserve_input=False)
    np.testing.assert_array_equal(strided, base_before)      # a copy was made
    np.testing.assert_array_equal(Z, fastclust.linkage(y, method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", (np.float32, np.int64, np.uint8, ">f8"))
def test_converted_input_untouched_with_preserve_input_false(method, dtype, rng):
    y = (rng.random(435) * 200).astype(dtype)
    before = y.copy()
    Z = fastclust.linkage(y, method, preserve_input=False)
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(Z, fastclust.linkage(y.astype(np.float64), method))


def test_float32_input_works(rng):
    y32 = euclidean_condensed(rng, 50).astype(np.float32)
    for method in METHODS:
        Z = fastclust.linkage(y32, method)
        assert Z.dtype == np.float64
        np.testing.assert_array_equal(Z, fastclust.linkage(y32.astype(np.float64), method))


def test_list_input_untouched():
    y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    fastclust.linkage(y, "average", preserve_input=False)
    assert y == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_fortran_and_strided_observations(rng):
    X = np.asfortranarray(rng.normal(size=(30, 4)))
    Xc = np.ascontiguousarray(X)
    for method in METHODS:
        np.testing.assert_array_equal(fastclust.linkage(X, method), fastclust.linkage(Xc, method))
        np.testing.assert_array_equal(fastclust.linkage(Xc[::2], method),
                                      fastclust.linkage(np.ascontiguousarray(Xc[::2]), method))


def test_pdist_out_is_not_aliased_with_input(rng):
    X = rng.normal(size=(10, 3))
    before = X.copy()
    out = np.empty(45)
    fastclust.pdist(X, out=out)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(out, fastclust.pdist(X))
