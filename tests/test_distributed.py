"""fastclust.distributed.linkage: the same Z as fastclust.linkage, on Dask and on a thread pool.

The references are fastclust.linkage on the same data (itself tested against
SciPy, fastcluster and the naive O(n^3) oracle elsewhere) and, for Ward's
linkage with ties, fastclust.linkage_vector (the same centroid arithmetic, so
the same bits). Both sides break ties by the same greedy (distance, slot, slot)
rule; where the arithmetic does not depend on the order of the merges (single,
complete; weighted on integers) Z must be identical on tied data too. For the
rest, the tie-proof replay of _naive.check_merges_at_global_minimum.
"""
from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import fastclust
import fastclust.distributed as fd
from fastclust.distributed import _boruvka, _matrix, _rac

from _naive import (check_linkage_invariants, check_merges_at_global_minimum, tree_of_merges,
                    tree_of_Z)


# --- data ---------------------------------------------------------------------------

def _data(kind: str, rng, n: int = 300, d: int = 3) -> np.ndarray:
    if kind == "random":                     # tie-free with probability 1
        return rng.standard_normal((n, d))
    if kind == "ties":                       # a small integer grid: many equal distances
        return rng.integers(0, 5, (n, 2)).astype(np.float64)
    if kind == "line ties":                  # 1-D integers: duplicates, equal gaps, exact sums
        return rng.integers(0, 40, (n, 1)).astype(np.float64)
    if kind == "duplicates":                 # zero distances
        base = rng.standard_normal((n // 3, d))
        return base[rng.integers(0, base.shape[0], n)]
    if kind == "chain":                      # 1-D, slowly growing gaps: RAC's worst case
        return np.cumsum(1.0 + 1e-3 * np.arange(n) + 1e-6 * rng.random(n))[:, None]
    raise AssertionError(kind)


def _ward_structure_equal(Z, Z0):
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], Z0[:, 2], rtol=1e-12, atol=0)
    # merges of two observations: the same arithmetic, so the same bits
    leaves = (Z0[:, 0] < Z.shape[0] + 1) & (Z0[:, 1] < Z.shape[0] + 1)
    np.testing.assert_array_equal(Z[leaves, 2], Z0[leaves, 2])


# --- single linkage, local thread pool ----------------------------------------------

@pytest.mark.parametrize("kind", ["random", "ties", "duplicates", "chain"])
@pytest.mark.parametrize("block_size", [1000, 64, 7])
def test_single_identical_local(rng, kind, block_size):
    X = _data(kind, rng)
    Z = fd.linkage(X, "single", block_size=block_size, workers=2)
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single"))


@pytest.mark.parametrize("knn, contract, fraction, phases", [
    (2, 512, -1.0, {"knn", "contract"}),     # contraction right after the first round
    (2, 40, 0.0, {"knn", "contract"}),       # (rescans, if K > 40 after round 1), contraction
    (1, 0, 0.0, {"knn", "boruvka"}),         # tiny cache, no contraction: many rescans
    (3, 0, 0.0, {"knn", "boruvka"}),
])
def test_single_paths(rng, monkeypatch, knn, contract, fraction, phases):
    monkeypatch.setattr(_boruvka, "KNN", knn)
    monkeypatch.setattr(_boruvka, "CONTRACT_MAX_COMPONENTS", contract)
    monkeypatch.setattr(_boruvka, "CONTRACT_RESCAN_FRACTION", fraction)
    for kind in ("random", "ties"):
        X = _data(kind, rng, n=400)
        log = []
        Z = fd.linkage(X, "single", block_size=45, progress=log.append)
        np.testing.assert_array_equal(Z, fastclust.linkage(X, "single"))
        seen = {r["phase"] for r in log}
        assert phases <= seen <= {"knn", "boruvka", "contract"}
        if contract == 0:
            assert "contract" not in seen
            assert sum(r["rescanned"] for r in log[1:]) > 0   # the rescan path ran
        assert log[-1]["clusters"] == 1


@pytest.mark.parametrize("metric", ["sqeuclidean", "cityblock", "chebyshev", "minkowski",
                                    "cosine", "correlation", "canberra", "braycurtis",
                                    "seuclidean", "mahalanobis", "jensenshannon"])
def test_single_metrics(rng, metric):
    X = np.abs(rng.standard_normal((150, 4))) + 0.1
    Z = fd.linkage(X, "single", metric, block_size=40)
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", metric))


@pytest.mark.parametrize("metric", ["hamming", "jaccard", "rogerstanimoto", "yule", "dice"])
def test_single_boolean_metrics(rng, metric):
    X = (rng.random((120, 24)) < 0.5).astype(np.float64)
    Z = fd.linkage(X, "single", metric, block_size=25)
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", metric))


def test_single_metric_kwargs(rng):
    X = rng.standard_normal((100, 3))
    w = np.array([1.0, 2.0, 0.5])
    Z = fd.linkage(X, "single", "minkowski", metric_kwargs={"p": 3, "w": w}, block_size=30)
    y = fastclust.pdist(X, "minkowski", p=3, w=w)
    np.testing.assert_array_equal(Z, fastclust.linkage(y, "single"))


@pytest.mark.parametrize("n", [2, 3, 5])
def test_small_n(rng, n):
    X = rng.standard_normal((n, 2))
    for method in ("single", "complete", "average", "weighted", "ward"):
        Z = fd.linkage(X, method, block_size=1)
        expected = fastclust.linkage(X, method)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
        if method in ("single", "complete"):          # the same arithmetic: the same bits
            np.testing.assert_array_equal(Z[:, 2], expected[:, 2])
        else:
            np.testing.assert_allclose(Z[:, 2], expected[:, 2], rtol=1e-12)


# --- Ward, local --------------------------------------------------------------------

@pytest.mark.parametrize("block_size", [1000, 33])
def test_ward_tie_free(rng, block_size, monkeypatch):
    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)    # every query round as tasks
    X = _data("random", rng, n=250, d=4)
    _ward_structure_equal(fd.linkage(X, "ward", block_size=block_size),
                          fastclust.linkage(X, "ward"))


@pytest.mark.parametrize("magnitude", [1e155, 1e-160])
def test_ward_far_from_one(rng, magnitude, monkeypatch):
    """Squares would overflow or underflow: scaled by a power of two, as fastclust.linkage."""
    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)
    X = _data("random", rng, n=80) * magnitude
    Z = fd.linkage(X, "ward", block_size=20)
    _ward_structure_equal(Z, fastclust.linkage(X, "ward"))


def test_ward_chain_many_rounds(rng):
    X = _data("chain", rng, n=200)
    log = []
    Z = fd.linkage(X, "ward", block_size=50, progress=log.append)
    _ward_structure_equal(Z, fastclust.linkage(X, "ward"))
    assert len(log) > 20                           # chain data: many RAC rounds
    assert {r["where"] for r in log[1:]} == {"client"}   # small rounds stay on the client


@pytest.mark.parametrize("local_work", [_rac.LOCAL_WORK, 0])
@pytest.mark.parametrize("kind", ["ties", "duplicates", "line ties", "random"])
def test_ward_identical_to_linkage_vector(rng, kind, local_work, monkeypatch):
    """Ties included: the same tie rule and the same centroid arithmetic as linkage_vector."""
    monkeypatch.setattr(_rac, "LOCAL_WORK", local_work)   # 0: every round as tasks
    X = _data(kind, rng, n=120)
    Z = fd.linkage(X, "ward", block_size=17)
    np.testing.assert_array_equal(Z, fastclust.linkage_vector(X, "ward"))
    check_linkage_invariants(Z, X.shape[0], "ward")
    check_merges_at_global_minimum(fastclust.pdist(X), Z, "ward")


# --- complete, average, weighted (distance matrix in row blocks), local --------------

MATRIX_METHODS = ["complete", "average", "weighted"]


def _matrix_equal(Z, Z0, method):
    if method == "complete":                 # only maxima: the input distances, bit for bit
        np.testing.assert_array_equal(Z, Z0)
    else:
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], Z0[:, 2], rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", MATRIX_METHODS)
@pytest.mark.parametrize("kind, block_size", [("random", 1000), ("random", 23), ("chain", 31)])
def test_matrix_methods_tie_free(rng, method, kind, block_size):
    X = _data(kind, rng, n=200)
    log = []
    Z = fd.linkage(X, method, block_size=block_size, progress=log.append)
    _matrix_equal(Z, fastclust.linkage(X, method), method)
    assert log[-1]["clusters"] == 1 and sum(r["merges"] for r in log) == X.shape[0] - 1


@pytest.mark.parametrize("block_size", [1000, 17, 1])
@pytest.mark.parametrize("kind", ["ties", "duplicates", "line ties"])
def test_complete_ties_identical(rng, kind, block_size):
    """Maxima only: the same bits whatever the merge order, so the tie rule decides alone."""
    X = _data(kind, rng, n=120)
    for metric in ("euclidean", "cityblock"):
        Z = fd.linkage(X, "complete", metric, block_size=block_size)
        np.testing.assert_array_equal(Z, fastclust.linkage(X, "complete", metric))


def test_weighted_ties_identical_when_exact(rng):
    """Integer distances (1-D cityblock): every halving and sum is exact, so Z is identical."""
    X = _data("line ties", rng, n=120)
    Z = fd.linkage(X, "weighted", "cityblock", block_size=17)
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "weighted", "cityblock"))


@pytest.mark.parametrize("method", MATRIX_METHODS)
@pytest.mark.parametrize("kind", ["ties", "duplicates"])
def test_matrix_methods_ties_consistent(rng, method, kind):
    X = _data(kind, rng, n=120)
    Z = fd.linkage(X, method, block_size=17)
    check_linkage_invariants(Z, X.shape[0], method)
    check_merges_at_global_minimum(fastclust.pdist(X), Z, method)


@pytest.mark.parametrize("method", ["average", "weighted", "ward"])
def test_near_ties_keep_the_rounds_tree(rng, method, monkeypatch):
    """Where rounding gives a parent its child's height, Z still lists the child first:
    the tree of Z is the tree of the merges the rounds made (grids scaled by 0.3 and 1/3
    are full of distances an ulp apart; the triangle is the reviewer's case)."""
    from fastclust import _relabel

    made = {}
    real = _relabel.linkage_from_merges

    def spy(a, b, h, n, order, Z):
        made["merges"] = (np.array(a), np.array(b))
        return real(a, b, h, n, order, Z)

    monkeypatch.setattr(_relabel, "linkage_from_merges", spy)

    cases = [np.array([[0.6, 0.0, 0.3], [0.6, 0.3, 0.6], [0.9, 0.0, 0.6]])]
    for _ in range(60):
        n = int(rng.integers(3, 25))
        cases.append(rng.integers(0, 4, (n, 2)) * float(rng.choice([0.3, 1.0 / 3.0])))
    for X in cases:
        Z = fd.linkage(X, method, block_size=int(rng.integers(2, 9)), workers=1)
        a, b = made["merges"]
        assert tree_of_Z(Z) == tree_of_merges(a, b, X.shape[0]), X.tolist()
        assert fastclust.is_monotonic(Z)
        if method == "ward":
            np.testing.assert_array_equal(Z, fastclust.linkage_vector(X, "ward"))
    np.testing.assert_array_equal(fd.linkage(cases[0], method, block_size=2)[:, :2],
                                  fastclust.linkage(cases[0], method)[:, :2])


def test_no_mutual_pair_in_a_round_asks_every_cluster_again(rng, monkeypatch):
    """Rounding can leave a kept neighbour stale, so that a round has no mutual pair
    (a cycle of nearest neighbours). Forced here with a wrong first answer: the round
    asks every active cluster afresh and the result is unchanged."""
    X = _data("random", rng, n=40)
    real_query, real_nearest = _rac._query, _matrix.MatrixBlock.nearest
    calls = {"ward": 0, "matrix": 0}

    def cyclic(act):                               # 0 -> 1 -> ... -> k-1 -> 0: no mutual pair
        return np.roll(np.asarray(act, dtype=np.intp), -1)

    def query(runner, cent, size, act, Q, parallel):
        calls["ward"] += 1
        (d, j), where = real_query(runner, cent, size, act, Q, parallel)
        return ((d, cyclic(act)) if calls["ward"] == 1 else (d, j)), where

    def nearest(self, rows):
        calls["matrix"] += 1
        d, j = real_nearest(self, rows)
        if calls["matrix"] == 1:                   # the first block's first answer
            j = (np.asarray(rows, dtype=np.intp) + 1) % 40    # a cycle over all 40 rows
        return d, j

    monkeypatch.setattr(_rac, "_query", query)
    monkeypatch.setattr(_matrix.MatrixBlock, "nearest", nearest)
    np.testing.assert_array_equal(fd.linkage(X, "ward", block_size=1000, workers=1),
                                  fastclust.linkage_vector(X, "ward"))
    np.testing.assert_array_equal(fd.linkage(X, "complete", block_size=1000, workers=1),
                                  fastclust.linkage(X, "complete"))
    assert calls["ward"] >= 2 and calls["matrix"] >= 2


def test_matrix_methods_metric(rng):
    X = np.abs(rng.standard_normal((90, 3))) + 0.1
    for metric in ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine",
                   "jensenshannon"):
        Z = fd.linkage(X, "complete", metric, block_size=20)
        np.testing.assert_array_equal(Z, fastclust.linkage(X, "complete", metric))


def test_matrix_memory_error_names_bytes_per_worker():
    bounds = [(0, 50_000), (50_000, 100_000)]
    with pytest.raises(MemoryError, match=r"would need 37.25 GiB \(40000000000 bytes\)"):
        _matrix.check_matrix_memory(bounds, 100_000, {"w1": 2**34, "w2": 2**34}, "average")
    _matrix.check_matrix_memory(bounds, 1000, {"w1": 2**34, "w2": 0}, "average")   # fits


def test_progress_reports(rng):
    X = _data("random", rng, n=500)
    log = []
    fd.linkage(X, "single", block_size=100, progress=log.append)
    assert [r["round"] for r in log] == list(range(1, len(log) + 1))
    clusters = [r["clusters"] for r in log]
    assert clusters == sorted(clusters, reverse=True) and clusters[-1] == 1
    assert log[0]["phase"] == "knn" and log[0]["tasks"] > 0
    assert {"seconds", "bytes_sent", "bytes_received", "runner"} <= set(log[0])


def test_library_progress_counters(rng):
    """The same hook as the kernels: _progress.reporting sees the merges after each round."""
    from fastclust import _progress

    X = _data("random", rng, n=300)
    seen = []
    progress = _progress.Progress()
    with _progress.reporting(progress):
        fd.linkage(X, "ward", block_size=50,
                   progress=lambda info: seen.append(progress.counters.tolist()))
    assert seen[0][0] == _progress.STAGE_MERGES and seen[0][2] == X.shape[0] - 1
    done = [c[1] for c in seen]
    assert done == sorted(done) and done[-1] == X.shape[0] - 1 and 0 < done[0] < done[-1]


# --- errors -------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["centroid", "median"])
def test_not_reducible(method):
    """No exact parallel scheme: the error points to the O(n d) single-machine path."""
    with pytest.raises(ValueError, match="linkage_vector"):
        fd.linkage(np.zeros((4, 2)), method)


@pytest.mark.parametrize("call, exc, match", [
    (lambda X: fd.linkage(X, "foo"), ValueError, "`method` must be one of"),
    (lambda X: fd.linkage(X, "ward", "cityblock"), ValueError, "requires the Euclidean"),
    (lambda X: fd.linkage(X, "single", "nope"), ValueError, "`metric` must be"),
    (lambda X: fd.linkage(X, "single", lambda u, v: 0.0), TypeError, "metric name"),
    (lambda X: fd.linkage(X, "single", "precomputed"), ValueError, "precomputed"),
    (lambda X: fd.linkage(X, block_size=0), ValueError, "`block_size` must be a positive"),
    (lambda X: fd.linkage(X, workers=0), ValueError, "`workers` must be"),
    (lambda X: fd.linkage(X, progress=3), TypeError, "`progress` must be a callable"),
    (lambda X: fd.linkage(X, metric_kwargs=[1]), TypeError, "`metric_kwargs` must be a dict"),
    (lambda X: fd.linkage(X, "single", "euclidean", metric_kwargs={"p": 1}), TypeError,
     "takes no keyword argument 'p'"),
    (lambda X: fd.linkage(X, "ward", metric_kwargs={"w": [1, 2]}), ValueError,
     "must be empty for method='ward'"),
    (lambda X: fd.linkage(X[:1]), ValueError, "at least 2 observations; got 1"),
    (lambda X: fd.linkage(X[:, 0]), ValueError, "must be a 2-D array"),
    (lambda X: fd.linkage(X.astype(complex)), TypeError, "real-valued"),
])
def test_errors(call, exc, match):
    X = np.arange(12.0).reshape(6, 2) ** 1.5
    with pytest.raises(exc, match=match):
        call(X)


def test_nan_input():
    X = np.ones((5, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"only finite values; entry \[3, 1\] is nan"):
        fd.linkage(X)


def test_non_finite_distance_like_fastclust():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])   # a zero row: cosine NaN
    with pytest.raises(ValueError, match="only finite values"):
        fastclust.linkage(X, "single", "cosine")
    with pytest.raises(ValueError, match="distance between rows 0 and 1 is NaN or infinite"):
        fd.linkage(X, "single", "cosine", block_size=2)


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.array", None)
    with pytest.raises(ImportError, match=r"fastclust\[distributed\]"):
        fd._require_dask()


# --- Dask ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    """A 2-worker LocalCluster (threads), shared by the module's Dask tests."""
    pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as c:
            yield c


CHUNKS = {
    "uneven": (37, 150, 1, 112),
    "one chunk": (300,),
    "more chunks than points": None,        # filled in below: n = 5 rows in 8 chunks
}


@pytest.mark.parametrize("chunks", list(CHUNKS))
@pytest.mark.parametrize("method", ["single", "ward", "complete", "average"])
def test_dask_cluster_identical(rng, client, chunks, method, monkeypatch):
    import dask.array as da

    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)    # ward's queries as tasks
    if chunks == "more chunks than points":
        X, c = rng.standard_normal((5, 3)), (0, 1, 0, 2, 0, 1, 1, 0)
    else:
        X, c = _data("random", rng), CHUNKS[chunks]
    log = []
    Z = fd.linkage(da.from_array(X, chunks=(c, 3)), method, progress=log.append)
    Z0 = fastclust.linkage(X, method)
    if method == "single":
        np.testing.assert_array_equal(Z, Z0)
    elif method == "ward":
        _ward_structure_equal(Z, Z0)
    else:                                     # row blocks as actors, empty ones included
        _matrix_equal(Z, Z0, method)
    assert log[0]["runner"] == "dask"
    if method in ("single", "ward"):
        assert sum(r["tasks"] for r in log) > 0
    else:
        assert log[0]["where"] == "dask"


@pytest.mark.parametrize("kind", ["ties", "chain"])
def test_dask_cluster_single_ties_and_chain(rng, client, kind):
    import dask.array as da

    X = _data(kind, rng, n=250)
    Z = fd.linkage(da.from_array(X, chunks=(60, X.shape[1])), "single")
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single"))


@pytest.mark.parametrize("kind", ["ties", "duplicates"])
def test_dask_cluster_ties_complete_and_ward(rng, client, kind, monkeypatch):
    import dask.array as da

    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)
    X = _data(kind, rng, n=150)
    Xd = da.from_array(X, chunks=((40, 70, 40), X.shape[1]))
    np.testing.assert_array_equal(fd.linkage(Xd, "complete"), fastclust.linkage(X, "complete"))
    np.testing.assert_array_equal(fd.linkage(Xd, "ward"), fastclust.linkage_vector(X, "ward"))


def test_dask_default_scheduler_float32_and_column_chunks(rng):
    """Without a Client: Dask's threaded scheduler; float32 and split columns are fixed up."""
    da = pytest.importorskip("dask.array")
    X = rng.standard_normal((200, 4)).astype(np.float32)
    Z = fd.linkage(da.from_array(X, chunks=(45, 2)), "single")
    np.testing.assert_array_equal(Z, fastclust.linkage(X.astype(np.float64), "single"))


def test_dask_default_scheduler_matrix_and_ward(rng, monkeypatch):
    """Without a Client the matrix row blocks are objects of this process."""
    da = pytest.importorskip("dask.array")
    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)
    X = _data("random", rng, n=120)
    Xd = da.from_array(X, chunks=(50, 3))
    _matrix_equal(fd.linkage(Xd, "average"), fastclust.linkage(X, "average"), "average")
    _ward_structure_equal(fd.linkage(Xd, "ward"), fastclust.linkage(X, "ward"))


def test_dask_errors(rng):
    da = pytest.importorskip("dask.array")
    X = rng.standard_normal((20, 3))
    bad = X.copy()
    bad[7, 2] = np.inf
    with pytest.raises(ValueError, match="row 7 has a NaN or infinite entry"):
        fd.linkage(da.from_array(bad, chunks=5))
    with pytest.raises(ValueError, match=r"needs metric_kwargs=\{'V'"):
        fd.linkage(da.from_array(X, chunks=5), "single", "seuclidean")
    Xd = da.from_array(X, chunks=5)
    with pytest.raises(ValueError, match="known chunk sizes"):
        fd.linkage(Xd[Xd[:, 0] > -10], "single")
    with pytest.raises(ValueError, match="2-D"):
        fd.linkage(da.from_array(X[:, 0], chunks=5))
    V = X.var(axis=0, ddof=1)
    Z = fd.linkage(Xd, "single", "seuclidean", metric_kwargs={"V": V})
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", "seuclidean"))


def test_dask_dice_error_names_the_global_row(rng):
    da = pytest.importorskip("dask.array")
    X = rng.integers(0, 2, (20, 3)).astype(np.float64)
    X[13, 1] = 0.5                                   # row 3 of the third chunk
    with pytest.raises(ValueError, match=r"metric='dice'; entry \[13, 1\] is 0.5"):
        fd.linkage(da.from_array(X, chunks=5), "single", "dice")


@pytest.mark.parametrize("dask_input", [False, True])
def test_square_distance_matrix_warns_at_the_callers_line(rng, dask_input):
    """As fastclust.linkage (and SciPy): observations that look like a distance matrix."""
    D = fastclust.squareform(fastclust.pdist(rng.standard_normal((6, 2))))
    if dask_input:
        da = pytest.importorskip("dask.array")
        D = da.from_array(D, chunks=3)
    with pytest.warns(fastclust.ClusterWarning, match="looks like a distance matrix") as rec:
        fd.linkage(D, "single")
    assert rec[0].filename == __file__
    assert "fastclust.distributed needs observations" in str(rec[0].message)
    assert "precomputed" not in str(rec[0].message)     # which distributed rejects
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # not square: no warning
        fd.linkage(rng.standard_normal((6, 2)), "single")


def test_block_kernels_check_shapes():
    """Internal, but a wrong shape must not read or write out of bounds."""
    from fastclust import _blocks

    Q = np.zeros((3, 2))
    ids = np.arange(3, dtype=np.intp)
    with pytest.raises(ValueError, match="internal error in fastclust._blocks"):
        _blocks.ward_scan(Q, np.ones(3), ids, np.zeros((4, 2)), np.ones(4), np.arange(4),
                          np.full(2, np.inf), np.zeros(2, dtype=np.intp))   # best: 2, not 3
    with pytest.raises(ValueError, match="internal error in fastclust._blocks"):
        _blocks.knn_scan(_blocks.SOURCE_EUCLIDEAN, Q, np.zeros((4, 3)), np.zeros((0, 0)),
                         ids, np.arange(4, dtype=np.intp), np.full((3, 2), np.inf),
                         np.zeros((3, 2), dtype=np.intp))                  # d: 2 vs 3


@pytest.mark.parametrize("method", MATRIX_METHODS)
def test_dask_cluster_matrix_methods(rng, client, method):
    """Row blocks of the distance matrix as Dask actors on the two workers."""
    import dask.array as da

    X = _data("random", rng, n=150)
    log = []
    Z = fd.linkage(da.from_array(X, chunks=((20, 60, 0, 70), 3)), method, progress=log.append)
    _matrix_equal(Z, fastclust.linkage(X, method), method)
    assert log[0]["where"] == "dask"


def test_dask_cluster_matrix_memory_error(rng, client, monkeypatch):
    import dask.array as da

    monkeypatch.setattr(_matrix, "_worker_memory_limits",
                        lambda c: {"tcp://a": 100_000, "tcp://b": 100_000})
    X = da.from_array(rng.standard_normal((200, 2)), chunks=50)
    with pytest.raises(MemoryError, match="busiest of the 2 workers would need"):
        fd.linkage(X, "average")


def test_dask_processes(rng, monkeypatch):
    """Worker processes: the task functions and their arguments must pickle."""
    monkeypatch.setattr(_rac, "LOCAL_WORK", 0)
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    X = _data("random", rng, n=200)
    Xd = da.from_array(X, chunks=(70, 3))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, scheduler_port=0,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster):
            Z = fd.linkage(Xd, "single", "cityblock")
            np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", "cityblock"))
            Zw = fd.linkage(Xd, "ward")
            Za = fd.linkage(Xd, "average")
    _ward_structure_equal(Zw, fastclust.linkage(X, "ward"))
    _matrix_equal(Za, fastclust.linkage(X, "average"), "average")


# --- properties (hypothesis, deterministic profile from conftest) ---------------------

hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")


@hypothesis.given(
    points=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=3, max_size=40),
    block_size=st.integers(1, 12),
    knn=st.integers(1, 4),
    contract=st.sampled_from([0, 3, 512]),
)
def test_single_identical_on_tied_grids(points, block_size, knn, contract):
    """Heavy ties and duplicates, any blocks, any cache size, with or without contraction.

    (n >= 3: a 2 x 2 input would be taken for a distance matrix and warned about.)
    """
    X = np.array(points, dtype=np.float64)
    old = _boruvka.KNN, _boruvka.CONTRACT_MAX_COMPONENTS
    try:
        _boruvka.KNN, _boruvka.CONTRACT_MAX_COMPONENTS = knn, contract
        Z = fd.linkage(X, "single", "cityblock", block_size=block_size, workers=1)
    finally:
        _boruvka.KNN, _boruvka.CONTRACT_MAX_COMPONENTS = old
    np.testing.assert_array_equal(Z, fastclust.linkage(X, "single", "cityblock"))


@hypothesis.given(
    points=st.lists(st.integers(0, 6), min_size=2, max_size=30),
    block_size=st.integers(1, 9),
    method=st.sampled_from(["complete", "average", "weighted", "ward"]),
)
def test_rac_on_tied_lines(points, block_size, method):
    """Integer lines: identical Z where the arithmetic is order-free, valid trees everywhere."""
    X = np.array(points, dtype=np.float64)[:, None]
    Z = fd.linkage(X, method, block_size=block_size, workers=1)
    check_linkage_invariants(Z, X.shape[0], method)
    check_merges_at_global_minimum(fastclust.pdist(X), Z, method)
    if method in ("complete", "weighted"):     # maxima; exact halvings of integers
        np.testing.assert_array_equal(Z, fastclust.linkage(X, method))
    elif method == "ward":                     # the same centroid arithmetic
        np.testing.assert_array_equal(Z, fastclust.linkage_vector(X, "ward"))
