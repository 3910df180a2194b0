"""DIANA, bisecting 2-means and the agglomerative / divisive coefficients.

Reference values for DIANA come from R's cluster::diana; they are stored in
_diana_reference.py, which tests/_diana_reference.R regenerates (R is not
needed to run these tests).
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import fastclust
from _diana_reference import AGGLOMERATIVE_COEFFICIENT, DIANA
from _naive import naive_diana
from fastclust.datasets import load_usarrests


# ---- helpers -------------------------------------------------------------------------------

def clusters_of(Z) -> set:
    """{(frozenset(members), height)} for every row of a linkage matrix."""
    n = Z.shape[0] + 1
    members = [frozenset([i]) for i in range(n)]
    out = set()
    for a, b, h, _ in Z:
        c = members[int(a)] | members[int(b)]
        members.append(c)
        out.add((c, float(h)))
    return out


def clusters_of_r_merge(merge, height) -> set:
    """The same set from R's diana()$merge; row k has height sort(height)[k] (as.hclust)."""
    merge = np.asarray(merge).reshape(-1, 2)
    members: list[frozenset] = []
    out = set()
    for (x, y), h in zip(merge.tolist(), sorted(height)):
        def side(v):
            return frozenset([-v - 1]) if v < 0 else members[v - 1]
        c = side(x) | side(y)
        members.append(c)
        out.add((c, float(h)))
    return out


def banner(Z):
    """R's banner of a divisive tree: the leaf order and the height at each boundary.

    R places the part holding the smaller observation first, and the height
    between two neighbours is the diameter of the smallest cluster holding both.
    """
    n = Z.shape[0] + 1
    kids = {n + s: (int(Z[s, 0]), int(Z[s, 1])) for s in range(n - 1)}
    low = list(range(n)) + [0] * (n - 1)
    for s in range(n - 1):
        low[n + s] = min(low[kids[n + s][0]], low[kids[n + s][1]])
    order, heights = [], []
    stack = [(2 * n - 2, None)]
    while stack:
        node, h = stack.pop()
        if node < n:
            if order:
                heights.append(h)
            order.append(node)
            continue
        x, y = kids[node]
        if low[x] > low[y]:
            x, y = y, x
        stack.append((y, Z[node - n, 2]))
        stack.append((x, h))
    return np.array(order), np.array(heights, dtype=float)


def same_sets(A, B, rtol=1e-12):
    """Equal sets of clusters, heights equal up to rtol."""
    da = {c: h for c, h in A}
    db = {c: h for c, h in B}
    assert da.keys() == db.keys()
    for c in da:
        assert da[c] == pytest.approx(db[c], rel=rtol, abs=1e-12)


def usarrests():
    return load_usarrests().data


def reference_input(name):
    ref = DIANA[name]
    if "data" in ref:
        return np.array(ref["data"]).reshape(-1, 2), "euclidean"
    if "dists" in ref:
        return np.array(ref["dists"], dtype=float), None
    X = usarrests()
    if name == "usarrests_manhattan":
        return X, "cityblock"
    if name == "usarrests_scaled":
        centred = X - X.mean(axis=0)
        return centred / np.abs(centred).mean(axis=0), "euclidean"   # R's stand = TRUE
    return X, "euclidean"


# ---- DIANA against R -----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DIANA))
def test_diana_banner_and_dc_match_r(name):
    X, metric = reference_input(name)
    Z = fastclust.diana(X) if metric is None else fastclust.diana(X, metric=metric)
    order, height = banner(Z)
    ref = DIANA[name]
    np.testing.assert_array_equal(order, ref["order"])
    np.testing.assert_allclose(height, ref["height"], rtol=1e-12)
    assert fastclust.divisive_coefficient(Z) == pytest.approx(ref["dc"], rel=1e-12)


@pytest.mark.parametrize("name", ["agriculture", "usarrests", "usarrests_manhattan",
                                  "usarrests_scaled"])
def test_diana_merge_structure_matches_r(name):
    # R rebuilds `merge` from its banner (order + heights), joining the last of equal
    # heights first, which with tied heights can pair clusters differently from the
    # splits made: on USArrests the height 15.77 occurs twice and R's merge holds
    # {16, 25, 26} where the splits (and R's own banner, tested above) give
    # {13, 15, 16, 25}. Everywhere else the merge structure is identical.
    X, metric = reference_input(name)
    Z = fastclust.diana(X, metric=metric)
    ref = DIANA[name]
    ours = clusters_of(Z)
    theirs = clusters_of_r_merge(ref["merge"], ref["height"])
    tied = {h for h in ref["height"] if ref["height"].count(h) > 1}
    differ = {c for c, h in ours ^ theirs}
    if name == "usarrests":
        assert differ == {frozenset({13, 15, 16, 25}), frozenset({16, 25, 26})}
        assert {h for c, h in ours ^ theirs} <= tied
        ours = {(c, h) for c, h in ours if c not in differ}
        theirs = {(c, h) for c, h in theirs if c not in differ}
    same_sets(ours, theirs)
    assert Z.shape == (X.shape[0] - 1, 4)


def test_diana_against_naive_on_random_data(rng):
    for n in (3, 5, 17, 40):
        y = fastclust.pdist(rng.normal(size=(n, 3)))
        same_sets(clusters_of(fastclust.diana(y)), naive_diana(y), rtol=1e-10)


def test_diana_against_naive_with_ties(rng):
    # Small integers: many exact ties among distances and among the differences.
    for n in (4, 9, 15):
        for _ in range(5):
            y = rng.integers(1, 4, size=n * (n - 1) // 2).astype(float)
            same_sets(clusters_of(fastclust.diana(y)), naive_diana(y))


# ---- DIANA: output form, inputs, edge cases -------------------------------------------------

def test_diana_is_a_valid_monotone_linkage(rng):
    for n in (2, 3, 10, 200):
        X = rng.normal(size=(n, 4))
        Z = fastclust.diana(X)
        assert Z.shape == (n - 1, 4) and Z.dtype == np.float64
        assert fastclust.is_valid_linkage(Z)
        assert fastclust.is_monotonic(Z)
        assert Z[-1, 2] == pytest.approx(fastclust.pdist(X).max())
        assert Z[-1, 3] == n


def test_diana_equal_heights_keep_children_first():
    # Four points on a square: every cluster of 2+ has diameter sqrt(2) or 1.
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    Z = fastclust.diana(X)
    assert fastclust.is_valid_linkage(Z)
    assert fastclust.is_monotonic(Z)


def test_diana_input_forms_agree(rng):
    X = rng.normal(size=(30, 3))
    y = fastclust.pdist(X, "cityblock")
    Z = fastclust.diana(y)
    np.testing.assert_array_equal(fastclust.diana(X, metric="cityblock"), Z)
    np.testing.assert_array_equal(fastclust.diana(fastclust.squareform(y), metric="precomputed"), Z)
    np.testing.assert_array_equal(
        fastclust.diana(X, metric=lambda u, v: float(np.abs(u - v).sum())), Z)
    np.testing.assert_array_equal(fastclust.diana(y.astype(np.float32).astype(float)),
                                  fastclust.diana(y.astype(np.float32)))
    np.testing.assert_array_equal(fastclust.diana(list(y)), Z)


def test_diana_does_not_modify_input(rng):
    y = fastclust.pdist(rng.normal(size=(25, 2)))
    y.flags.writeable = False          # a read-only input is accepted (never written)
    keep = y.copy()
    fastclust.diana(y)
    np.testing.assert_array_equal(y, keep)


def test_diana_two_observations():
    Z = fastclust.diana([2.5])
    np.testing.assert_array_equal(Z, [[0.0, 1.0, 2.5, 2.0]])
    assert fastclust.divisive_coefficient(Z) == 0.0


def test_diana_zero_distances():
    Z = fastclust.diana(np.zeros(10))          # 5 coincident observations
    assert fastclust.is_valid_linkage(Z)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    assert np.isnan(fastclust.divisive_coefficient(Z))


@pytest.mark.parametrize("y, exc, match", [
    ([], ValueError, "at least 2 observations"),
    ([[1.0, 2.0]], ValueError, "at least 2 observations"),
    ([1.0, 2.0], ValueError, "not n\\*\\(n-1\\)/2"),
    ([1.0, np.nan, 2.0], ValueError, "finite"),
    ([1.0, -1.0, 2.0], ValueError, "non-negative"),
    ([1.0 + 1j, 1.0, 2.0], TypeError, "real-valued"),
    (["a", "b", "c"], TypeError, "numbers"),
    (np.zeros((2, 2, 2)), ValueError, "1-D .* or 2-D"),
])
def test_diana_invalid_input(y, exc, match):
    with pytest.raises(exc, match=match):
        fastclust.diana(y)


def test_diana_invalid_metric():
    with pytest.raises(ValueError, match="`metric` must be"):
        fastclust.diana([[0.0], [1.0], [3.0]], metric="nope")
    with pytest.raises(ValueError, match="symmetric"):
        fastclust.diana([[0.0, 1.0], [2.0, 0.0]], metric="precomputed")


def test_tree_functions_work_on_diana():
    X = usarrests()
    Z = fastclust.diana(X)
    labels = fastclust.fcluster(Z, 4, "maxclust")
    assert len(set(labels.tolist())) == 4
    c = fastclust.cophenet(Z)
    # the cophenetic distance of two observations is the diameter of the smallest
    # cluster holding both, so it bounds their distance from above
    assert (c >= fastclust.pdist(X) - 1e-9).all()


# ---- coefficients ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["single", "complete", "average", "ward", "mcquitty"])
def test_agglomerative_coefficient_matches_r(method):
    # R: coef(hclust(dist(USArrests), method)); 'ward.D2' is SciPy's ward, 'mcquitty'
    # is SciPy's weighted.
    name = {"ward": "ward_D2"}.get(method, method)
    scipy_name = {"mcquitty": "weighted"}.get(method, method)
    Z = fastclust.linkage(usarrests(), scipy_name)
    assert fastclust.agglomerative_coefficient(Z) == pytest.approx(
        AGGLOMERATIVE_COEFFICIENT[name], rel=1e-12)
    assert AGGLOMERATIVE_COEFFICIENT["agnes_average"] == pytest.approx(
        AGGLOMERATIVE_COEFFICIENT["average"], rel=1e-12)


def test_coefficients_reject_invalid_linkage():
    with pytest.raises(ValueError, match="Z"):
        fastclust.agglomerative_coefficient([[0, 0, 1.0, 2]])
    with pytest.raises(ValueError, match="Z"):
        fastclust.divisive_coefficient(np.zeros((2, 3)))


# ---- bisecting 2-means ----------------------------------------------------------------------

def blobs(rng, k=4, per=30, d=2):
    centres = np.arange(k)[:, None] * 20.0 * np.ones(d)
    labels = np.repeat(np.arange(k), per)
    return centres[labels] + rng.normal(size=(k * per, d)), labels


def sse(X):
    return float(((X - X.mean(axis=0)) ** 2).sum())


def test_bisecting_is_deterministic_and_valid(rng):
    X, _ = blobs(rng)
    Z = fastclust.bisecting(X, random_state=7)
    np.testing.assert_array_equal(Z, fastclust.bisecting(X, random_state=7))
    np.testing.assert_array_equal(
        Z, fastclust.bisecting(X, random_state=np.random.default_rng(7)))
    assert fastclust.is_valid_linkage(Z)
    assert fastclust.is_monotonic(Z)
    assert Z[-1, 2] == pytest.approx(sse(X))


def test_bisecting_heights_are_sums_of_squares(rng):
    X = rng.normal(size=(40, 3))
    Z = fastclust.bisecting(X, random_state=1)
    for members, h in clusters_of(Z):
        assert h == pytest.approx(sse(X[sorted(members)]), rel=1e-9, abs=1e-12)


def test_bisecting_splits_are_converged_2_means(rng):
    X = rng.normal(size=(60, 2))
    Z = fastclust.bisecting(X, random_state=3)
    n = X.shape[0]
    members = [[i] for i in range(n)]
    for a, b, _, _ in Z:
        A, B = members[int(a)], members[int(b)]
        members.append(A + B)
        if len(A) + len(B) <= 2:
            continue
        ma, mb = X[A].mean(axis=0), X[B].mean(axis=0)
        # every observation is at least as close to its own part's mean
        for part, own, other in ((A, ma, mb), (B, mb, ma)):
            d_own = ((X[part] - own) ** 2).sum(axis=1)
            d_other = ((X[part] - other) ** 2).sum(axis=1)
            assert (d_own <= d_other + 1e-9).all()


def test_bisecting_recovers_blobs(rng):
    X, labels = blobs(rng)
    Z = fastclust.bisecting(X, random_state=0)
    found = fastclust.fcluster(Z, 4, "maxclust")
    # the same partition up to the names of the clusters
    assert len({(a, b) for a, b in zip(found.tolist(), labels.tolist())}) == 4


def test_bisecting_duplicates_and_two_points():
    Z = fastclust.bisecting(np.ones((6, 2)), random_state=0)
    assert fastclust.is_valid_linkage(Z)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    np.testing.assert_array_equal(fastclust.bisecting([[0.0], [2.0]]), [[0.0, 1.0, 2.0, 2.0]])


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(X=[[1.0]]), ValueError, "at least 2 observations"),
    (dict(X=[1.0, 2.0]), ValueError, "2-D"),
    (dict(X=[[1.0], [np.inf]]), ValueError, "finite"),
    (dict(X=[[1.0], [2.0]], max_iter=0), ValueError, "`max_iter` must be at least 1"),
    (dict(X=[[1.0], [2.0]], max_iter=1.5), TypeError, "`max_iter` must be an integer"),
    (dict(X=[[1.0], [2.0]], random_state="x"), TypeError, "`random_state`"),
    (dict(X=[[1.0], [2.0]], random_state=-1), ValueError, "`random_state`"),
])
def test_bisecting_invalid_input(kwargs, exc, match):
    X = kwargs.pop("X")
    with pytest.raises(exc, match=match):
        fastclust.bisecting(X, **kwargs)


# ---- Ctrl-C ---------------------------------------------------------------------------------

CHILD = r"""
import sys, time
import numpy as np
import fastclust

y = np.random.default_rng(0).random(6000 * 5999 // 2)
start = time.perf_counter()
fastclust.diana(y)
print("one call", time.perf_counter() - start, flush=True)
try:
    for _ in range(40):
        fastclust.diana(y)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    Z = fastclust.diana(y[:45])             # the process is still usable
    print("usable", fastclust.is_valid_linkage(Z), flush=True)
else:
    print("not interrupted", flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_diana_stops_on_ctrl_c():
    # The signal lands inside a diana call (the Python part of a call is a few per cent
    # of it); the kernel must stop well before the call would have ended.
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline().split()
        assert first[:2] == ["one", "call"], first
        one_call = float(first[2])
        time.sleep(one_call * 1.3)
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().strip()
        waited = time.perf_counter() - sent
        rest = child.stdout.read()          # not communicate(): it skips buffered lines
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert line == "interrupted" and "usable True" in rest, (line, rest)
    assert waited < 0.4 * one_call, (waited, one_call)
