"""The paths taken for small inputs give the same Z, bit for bit, as the general ones.

Single linkage runs Prim on the condensed array itself up to n = 1024 and
Boruvka rounds with contraction above; the kernel's `prim_up_to` forces
either path at any n. Z is built in one call (linkage_from_merges), whose
sort must agree with np.lexsort on ties.
"""
from __future__ import annotations

import numpy as np
import pytest

import fastclust
from fastclust._mst import mst_linkage
from fastclust._relabel import (ORDER_AS_MADE, ORDER_KRUSKAL, label_merges,
                                linkage_from_merges)

from _naive import kruskal_linkage


def single_by_path(y, n, workers, prim):
    """Z from the MST kernel, by Prim on the condensed array or by Boruvka."""
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1, dtype=np.float64)
    assert mst_linkage(y, n, h, a, b, workers, prim_up_to=n if prim else 0) == 0
    assert np.all(a < b) and np.all(a >= 0) and np.all(b < n)
    Z = np.empty((n - 1, 4))
    label_merges(a, b, h, np.lexsort((b, a, h)).astype(np.intp), n, Z)
    return Z


def inputs(rng, n):
    """Condensed inputs of n points: tie-free, tied (integer grid), all equal, huge, tiny."""
    m = n * (n - 1) // 2
    tie_free = fastclust.pdist(rng.normal(size=(n, 3)))
    return {
        "tie-free": tie_free,
        "integer grid": fastclust.pdist(rng.integers(0, 3, size=(n, 2)), "cityblock"),
        "integer distances": rng.integers(0, 4, size=m).astype(np.float64),
        "all equal": np.full(m, 2.0),
        "huge": tie_free * 1e300,
        "tiny": tie_free * 1e-300,
        "float32 tied": rng.integers(0, 4, size=m).astype(np.float32),
    }


@pytest.mark.parametrize("workers", (1, 2))
@pytest.mark.parametrize("n", (2, 3, 4, 5, 8, 33, 130))
def test_single_prim_matches_boruvka(n, workers, rng):
    for case, y in inputs(rng, n).items():
        expected = single_by_path(y, n, workers, prim=False)
        Z = single_by_path(y, n, workers, prim=True)
        assert Z.tobytes() == expected.tobytes(), case


@pytest.mark.parametrize("n", (4, 40))
def test_single_prim_follows_kruskal_order(n, rng):
    """On ties, the tree is Kruskal's under (distance, smaller point, larger point)."""
    for case, y in inputs(rng, n).items():
        if y.dtype == np.float64:
            np.testing.assert_array_equal(single_by_path(y, n, 1, prim=True),
                                          kruskal_linkage(y), err_msg=case)


def test_single_linkage_around_the_prim_size(rng):
    """linkage() takes Prim at n = 1024 and Boruvka at 1025: both give the kernel's Z."""
    for n in (1024, 1025):
        y = fastclust.pdist(rng.integers(0, 5, size=(n, 2)), "cityblock")
        Z = fastclust.linkage(y, "single", workers=1)
        for prim in (True, False):
            assert Z.tobytes() == single_by_path(y, n, 1, prim).tobytes(), (n, prim)


def random_tree_edges(rng, n, levels):
    """n - 1 edges (i < j) of a random spanning tree, heights from `levels` values (ties)."""
    perm = rng.permutation(n)
    i = perm[1:]
    j = perm[rng.integers(0, np.arange(1, n))]      # each vertex joins an earlier one
    a = np.minimum(i, j).astype(np.intp)
    b = np.maximum(i, j).astype(np.intp)
    h = rng.integers(0, levels, size=n - 1).astype(np.float64)
    return a, b, h


@pytest.mark.parametrize("n", (2, 3, 4, 16, 17, 18, 33, 64, 65, 200, 1000))
def test_kruskal_order_matches_lexsort(n, rng):
    for levels in (1, 3, n):
        a, b, h = random_tree_edges(rng, n, levels)
        expected = np.empty((n - 1, 4))
        label_merges(a, b, h, np.lexsort((b, a, h)).astype(np.intp), n, expected)
        Z = np.empty((n - 1, 4))
        linkage_from_merges(a, b, h, n, ORDER_KRUSKAL, Z)
        assert Z.tobytes() == expected.tobytes(), levels
        linkage_from_merges(a, b, h, n, ORDER_AS_MADE, Z)
        label_merges(a, b, h, np.arange(n - 1, dtype=np.intp), n, expected)
        assert Z.tobytes() == expected.tobytes(), levels


def test_tiny_work_runs_on_one_thread():
    """Below SERIAL_WORK the kernels get one thread; `workers` is still checked."""
    from fastclust._validation import SERIAL_WORK, resolve_workers

    assert resolve_workers(None, SERIAL_WORK - 1) == 1
    assert resolve_workers(2, 45) == 1
    assert resolve_workers(1, SERIAL_WORK) == 1
    assert resolve_workers(2, SERIAL_WORK) == resolve_workers(2)
    with pytest.raises(ValueError, match="`workers` must be None, -1 or a positive integer"):
        resolve_workers(0, 45)


@pytest.mark.parametrize("size", (1, 2, 3, 5, 7, 8, 9, 16, 17, 4097))
@pytest.mark.parametrize("dtype", (np.float64, np.float32))
def test_check_finite_one_pass_and_numpy_agree(size, dtype, rng):
    """float64 arrays are checked in one pass (finite_range), others by numpy: same
    bounds as numpy's min and max, same errors, wherever the bad entry is."""
    from fastclust._checks import finite_range
    from fastclust._validation import check_finite

    y = rng.normal(size=size).astype(dtype)
    assert check_finite(y, "y") == (float(y.min()), float(y.max()))
    assert check_finite(y.reshape(1, -1), "y") == (float(y.min()), float(y.max()))
    assert finite_range(y) == (float(y.min()), float(y.max()))
    for where in sorted({0, size // 2, size - 1}):
        for bad in (np.nan, np.inf, -np.inf):
            z = y.copy()
            z[where] = bad
            assert finite_range(z) is None
            with pytest.raises(ValueError, match=rf"`y` must contain only finite values; "
                                                 rf"entry \[{where}\] is {bad}\."):
                check_finite(z, "y")
