"""The NN-chain's two working layouts give the same merges, bit for bit.

The condensed kernel works in place on the condensed matrix; the square kernel
on an n x n matrix with lazily replayed updates and compaction. Both must make
the same merges in the same order with the same heights (as int64 bit
patterns), on random, tied, tiny and huge-valued inputs.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import fastclust
from fastclust._methods import METHODS
from fastclust._nn_chain import nn_chain_linkage, nn_chain_square_linkage

NN_CHAIN = ("complete", "average", "weighted", "ward")


def merges_condensed(y, n, method, squared=False):
    a, b, h = np.empty(n - 1, np.intp), np.empty(n - 1, np.intp), np.empty(n - 1)
    assert nn_chain_linkage(y.copy(), n, METHODS[method].code, a, b, h, squared) == 0
    return a, b, h


def merges_square(y, n, method, scale=1.0, squared=False, workers=1):
    a, b, h = np.empty(n - 1, np.intp), np.empty(n - 1, np.intp), np.empty(n - 1)
    D = np.empty((n, n))
    y_before = y.copy()
    status = nn_chain_square_linkage(y, n, METHODS[method].code, D, a, b, h, scale, squared,
                                     workers)
    assert status == 0
    assert np.array_equal(y, y_before), "the square kernel wrote its input"
    return a, b, h


def assert_same_merges(first, second):
    for u, v in zip(first, second):
        assert np.array_equal(u.view(np.int64), v.view(np.int64))


def inputs(rng, count):
    """(y, n) pairs: Gaussian points, points on small integer grids (many ties),
    rounded points (some ties), and n from 2 up."""
    for trial in range(count):
        n = int(rng.integers(2, 90))
        kind = trial % 3
        if kind == 0:
            X = rng.normal(size=(n, 3))
        elif kind == 1:
            X = rng.integers(0, 3, size=(n, 2)).astype(float)
        else:
            X = np.round(rng.normal(size=(n, 2)), 1)
        yield fastclust.pdist(X), n


@pytest.mark.parametrize("method", NN_CHAIN)
def test_square_equals_condensed_random_and_tied(method, rng):
    for y, n in inputs(rng, 150):
        assert_same_merges(merges_square(y, n, method), merges_condensed(y, n, method))


@pytest.mark.parametrize("method", NN_CHAIN)
@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_square_equals_condensed_tiny(method, n):
    for y in (np.zeros(n * (n - 1) // 2), np.arange(1.0, n * (n - 1) // 2 + 1),
              np.ones(n * (n - 1) // 2)):
        assert_same_merges(merges_square(y, n, method), merges_condensed(y, n, method))


@pytest.mark.parametrize("method", NN_CHAIN)
def test_square_equals_condensed_through_many_compactions(method, rng):
    # n = 700 compacts at 349, 174, 86, ... live clusters: every compaction path
    # (chain remapping included) is exercised, on tied data too
    # the build shares its row blocks between two threads
    n = 700
    for X in (rng.normal(size=(n, 4)), rng.integers(0, 4, size=(n, 3)).astype(float)):
        y = fastclust.pdist(X)
        expected = merges_condensed(y, n, method)
        assert_same_merges(merges_square(y, n, method), expected)
        assert_same_merges(merges_square(y, n, method, workers=2), expected)


def test_square_ward_scale_and_squared_input(rng):
    n = 60
    y = fastclust.pdist(rng.normal(size=(n, 3))) * 2.0**300
    scale = 2.0**-300
    expected = merges_condensed(np.square(y * scale), n, "ward", squared=True)
    assert_same_merges(merges_square(y, n, "ward", scale=scale), expected)
    assert_same_merges(merges_square(np.square(y * scale), n, "ward", squared=True), expected)


@pytest.mark.parametrize("method", ["complete", "average", "weighted"])
def test_square_huge_values(method, rng):
    n = 40
    y = fastclust.pdist(rng.normal(size=(n, 2))) * 1e300
    assert_same_merges(merges_square(y, n, method), merges_condensed(y, n, method))


def test_square_kernel_checks_the_matrix_shape():
    y = np.ones(3)
    a, b, h = np.empty(2, np.intp), np.empty(2, np.intp), np.empty(2)
    with pytest.raises(ValueError, match=r"D must have shape \(3, 3\); got \(3, 4\)"):
        nn_chain_square_linkage(y, 3, METHODS["average"].code, np.empty((3, 4)), a, b, h)


def test_square_portable_and_avx2_scans_agree(rng):
    """The AVX2 argmin and the scalar one pick the same (lowest-index) minimum.

    FASTCLUST_NO_AVX2 is read once per process, so the portable run is a
    subprocess; ties make the lowest-index rule matter.
    """
    n = 300
    X = rng.integers(0, 5, size=(n, 2)).astype(float)
    y = fastclust.pdist(X)
    here = merges_square(y, n, "average")
    script = (
        "import sys, numpy as np, fastclust\n"
        "from fastclust._methods import METHODS\n"
        "from fastclust._nn_chain import nn_chain_square_linkage\n"
        "y = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float64)\n"
        f"n = {n}\n"
        "a, b, h = np.empty(n - 1, np.intp), np.empty(n - 1, np.intp), np.empty(n - 1)\n"
        "nn_chain_square_linkage(y, n, METHODS['average'].code, np.empty((n, n)), a, b, h)\n"
        "sys.stdout.buffer.write(a.tobytes() + b.tobytes() + h.tobytes())\n"
    )
    env = dict(os.environ, FASTCLUST_NO_AVX2="1")
    out = subprocess.run([sys.executable, "-c", script], input=y.tobytes(), env=env,
                         capture_output=True, check=True).stdout
    k = n - 1
    a = np.frombuffer(out[: 8 * k], dtype=np.intp)
    b = np.frombuffer(out[8 * k: 16 * k], dtype=np.intp)
    h = np.frombuffer(out[16 * k:], dtype=np.float64)
    assert_same_merges((a, b, h), here)


@pytest.mark.parametrize("method", NN_CHAIN)
@pytest.mark.parametrize("n", [2, 3, 5, 64, 333, 2100])
@pytest.mark.parametrize("workers", [1, 2])
def test_square_built_over_its_own_source(method, n, workers, rng):
    """The condensed source may be the last n(n-1)/2 entries of the workspace."""
    y = fastclust.pdist(rng.integers(0, 6, size=(n, 2)).astype(float))
    D = np.empty((n, n))
    tail = D.reshape(-1)[n * n - y.size:]
    tail[:] = y
    a, b, h = np.empty(n - 1, np.intp), np.empty(n - 1, np.intp), np.empty(n - 1)
    assert nn_chain_square_linkage(tail, n, METHODS[method].code, D, a, b, h, 1.0, False,
                                   workers) == 0
    assert_same_merges((a, b, h), merges_condensed(y, n, method))


# --- through linkage(): the layout option and its 'auto' rule -------------------------

def assert_same_Z(Z1, Z2):
    assert np.array_equal(Z1.view(np.int64), Z2.view(np.int64))


@pytest.mark.parametrize("method", NN_CHAIN)
@pytest.mark.parametrize("workers", [1, 2])
def test_linkage_layouts_give_the_same_Z(method, workers, rng):
    for y, n in inputs(rng, 40):
        Z_sq = fastclust.linkage(y, method, layout="square", workers=workers)
        assert_same_Z(Z_sq, fastclust.linkage(y, method, layout="condensed", workers=workers))
        assert_same_Z(Z_sq, fastclust.linkage(y.copy(), method, layout="condensed",
                                              preserve_input=False))


@pytest.mark.parametrize("method", NN_CHAIN)
def test_linkage_layouts_on_observations(method, rng):
    for X in (rng.normal(size=(57, 3)), rng.integers(0, 3, size=(80, 2)).astype(float),
              rng.normal(size=(30, 2)) * 1e150, rng.normal(size=(30, 2)) * 1e-200):
        Z_sq = fastclust.linkage(X, method, layout="square")
        assert_same_Z(Z_sq, fastclust.linkage(X, method, layout="condensed"))
        if method != "ward":    # ward on observations squares no square root
            assert_same_Z(Z_sq, fastclust.linkage(fastclust.pdist(X), method,
                                                  layout="square"))
        Zo = fastclust.linkage(X, method, layout="square", optimal_ordering=True)
        assert_same_Z(Zo, fastclust.linkage(X, method, layout="condensed",
                                             optimal_ordering=True))


@pytest.mark.parametrize("method", ["average", "ward"])
def test_linkage_square_only_reads_y(method, rng):
    y = fastclust.pdist(rng.normal(size=(50, 3))) * 2.0**600     # ward rescales
    before = y.copy()
    Z = fastclust.linkage(y, method, layout="square", preserve_input=False)
    assert np.array_equal(y, before)
    assert_same_Z(Z, fastclust.linkage(before, method, layout="condensed"))


def test_linkage_square_matches_scipy(rng):
    sch = pytest.importorskip("scipy.cluster.hierarchy")
    y = fastclust.pdist(rng.normal(size=(1200, 5)))
    for method in NN_CHAIN:
        Z = fastclust.linkage(y, method, layout="square")
        R = sch.linkage(y, method)
        assert np.array_equal(Z[:, [0, 1, 3]], R[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], R[:, 2], rtol=1e-12)


def test_layout_errors():
    y = np.ones(3)
    with pytest.raises(ValueError, match=r"`layout` must be one of 'auto', 'square', "
                                         r"'condensed'; got 'dense'\."):
        fastclust.linkage(y, "average", layout="dense")
    with pytest.raises(ValueError, match=r"`layout='square'` applies to the methods "
                                         r"'complete', 'average', 'weighted' and 'ward'; "
                                         r"got method='centroid'\."):
        fastclust.linkage(y, "centroid", layout="square")
    for method in ("single", "centroid", "median"):
        assert_same_Z(fastclust.linkage(y, method, layout="condensed"),
                      fastclust.linkage(y, method))


@pytest.fixture
def square_calls(monkeypatch):
    """Count the square kernel's runs behind linkage()."""
    from fastclust import _linkage

    calls = []
    real = _linkage.nn_chain_square_linkage

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(_linkage, "nn_chain_square_linkage", counting)
    return calls


def test_auto_layout_rule(square_calls, monkeypatch, rng):
    from fastclust import _linkage

    small = fastclust.pdist(rng.normal(size=(_linkage.SQUARE_MIN_N - 1, 2)))
    large = fastclust.pdist(rng.normal(size=(_linkage.SQUARE_MIN_N, 2)))
    fastclust.linkage(small, "average")
    assert square_calls == []                          # below SQUARE_MIN_N
    Z = fastclust.linkage(large, "average")
    assert square_calls == [_linkage.SQUARE_MIN_N]     # a copy is needed: square
    fastclust.linkage(large.copy(), "average", preserve_input=False)
    assert len(square_calls) == 1                      # in place: no n^2 allocation
    X = rng.normal(size=(_linkage.SQUARE_MIN_N, 2))
    fastclust.linkage(X, "average")
    assert len(square_calls) == 2                      # observations: square
    fastclust.linkage(large, "centroid")
    assert len(square_calls) == 2
    # not enough memory for the n x n matrix: the condensed copy, same Z
    n = _linkage.SQUARE_MIN_N
    monkeypatch.setattr(_linkage, "available_memory", lambda: int(8 * n * n / 0.8) - 1)
    assert_same_Z(fastclust.linkage(large, "average"), Z)
    assert len(square_calls) == 2
    monkeypatch.setattr(_linkage, "available_memory", lambda: int(8 * n * n / 0.8) + 8)
    fastclust.linkage(large, "average")
    assert len(square_calls) == 3


@pytest.mark.parametrize("in_place", [False, True])
def test_square_two_thread_build(in_place, rng):
    """From n = 4096 on the build is shared between threads: the same merges."""
    n = 4200
    y = fastclust.pdist(rng.integers(0, 20, size=(n, 2)).astype(float))
    expected = merges_condensed(y, n, "average")
    D = np.empty((n, n))
    if in_place:
        source = D.reshape(-1)[n * n - y.size:]
        source[:] = y
    else:
        source = y
    a, b, h = np.empty(n - 1, np.intp), np.empty(n - 1, np.intp), np.empty(n - 1)
    assert nn_chain_square_linkage(source, n, METHODS["average"].code, D, a, b, h, 1.0, False,
                                   2) == 0
    assert_same_merges((a, b, h), expected)
