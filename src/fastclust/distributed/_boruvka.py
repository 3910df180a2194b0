"""Single linkage by Boruvka rounds over row blocks x column blocks.

Round 1 scans every pair of points once (block pairs r <= c, each distance
folded into the lists of both ends) and keeps, for every point, its k lightest
edges (a k-nearest-neighbour cache). In later rounds a point's lightest edge
to another component is the first cached edge that leaves its component; only
points whose whole cache lies inside their own component are scanned again,
and only if their k-th cached edge (a lower bound) is lighter than the best
edge their component already has. Once few components are left and the
rescans would be large, one pass over the block pairs i < j contracts the
points to a K x K graph of lightest inter-component edges, and Kruskal on the
client finishes the tree.

Edges are totally ordered by (distance, condensed offset of i < j), as in the
single-machine kernel (_mst.pyx); for a fixed point i the offset order is the
order of the other end j. Under a total order the minimum spanning tree is
unique, so the tree found here is the one fastclust.linkage finds, and the
distances are computed bit-identically (_blocks.pyx), so Z is identical.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._blocks import (SOURCE_EUCLIDEAN, SOURCE_MATRIX, SOURCE_SQEUCLIDEAN, boruvka_scan,
                       contract_scan, knn_pair_scan)

# Size of the nearest-neighbour cache of every point.
KNN = 16
# Contract once at most this many components are left (the K x K matrices are
# K^2 * 16 bytes per task) ...
CONTRACT_MAX_COMPONENTS = 512
# ... and the rescans of a round would visit more than this fraction of the
# n^2 / 2 pairs a contraction pass visits.
CONTRACT_RESCAN_FRACTION = 0.25
# Entries of a precomputed distance tile (non-Euclidean metrics): 16 MiB.
TILE_ENTRIES = 1 << 21

_EMPTY2 = np.empty((0, 0))


@dataclass(frozen=True)
class MetricParams:
    """How tasks compute distances: a fused kernel, or _metrics.cdist_rect tiles."""

    source: int               # SOURCE_* of _blocks.pyx
    code: int = 0             # METRIC_* code of _metrics.pyx
    p: float = 2.0
    w: np.ndarray | None = None
    V: np.ndarray | None = None
    VI: np.ndarray | None = None
    log_base: float = 0.0
    symmetric: bool = True    # is d(u, v) == d(v, u) bit for bit?


def metric_params(name: str, code: int, p: float, args: dict) -> MetricParams:
    """MetricParams from what _distance._prepare returned."""
    if not args and code == 0:
        return MetricParams(SOURCE_EUCLIDEAN, code)
    if not args and code == 1:
        # `code` too: the matrix methods' tiles (cdist_rect) use it, not `source`
        return MetricParams(SOURCE_SQEUCLIDEAN, code)
    # jensenshannon sums the terms of u before those of v: not symmetric bit for bit
    return MetricParams(SOURCE_MATRIX, code, p, args.get("w"), args.get("V"), args.get("VI"),
                        args.get("log_base", 0.0), symmetric=(name != "jensenshannon"))


def _tiles(nc: int, nr: int, mp: MetricParams):
    """Column ranges of the tiles a task works through."""
    if mp.source != SOURCE_MATRIX:
        yield 0, nc
        return
    step = max(1, TILE_ENTRIES // max(nr, 1))
    for lo in range(0, nc, step):
        yield lo, min(nc, lo + step)


def _distance_tile(XR, row_ids, XC, col_ids, mp: MetricParams):
    """Distances of rows x columns as fastclust.pdist computes each pair (i < j)."""
    from .._metrics import cdist_rect

    D = np.empty((XR.shape[0], XC.shape[0]))
    cdist_rect(XR, XC, mp.code, mp.p, D, 1, mp.w, mp.V, mp.VI, mp.log_base)
    if not mp.symmetric:
        DT = np.empty((XC.shape[0], XR.shape[0]))
        cdist_rect(XC, XR, mp.code, mp.p, DT, 1, mp.w, mp.V, mp.VI, mp.log_base)
        np.copyto(D, DT.T, where=row_ids[:, None] > col_ids[None, :])
    return D


def _sources(XR, row_ids, XC, col_ids, lo, hi, mp: MetricParams):
    XCt = XC[lo:hi]
    if mp.source == SOURCE_MATRIX:
        return _EMPTY2, _EMPTY2, _distance_tile(XR, row_ids, XCt, col_ids[lo:hi], mp)
    return XR, np.ascontiguousarray(XCt), _EMPTY2


def _ids(lo: int, count: int) -> np.ndarray:
    return np.arange(lo, lo + count, dtype=np.intp)


# --- task functions (module level, so that they pickle) --------------------------------

def knn_task(XR, r0, XC, c0, k, n, mp):
    """The k lightest edges within the pairs of blocks XR x XC, for both ends.

    Returns ((row_d, row_j), (col_d, col_j)); for the diagonal block (r0 ==
    c0) only the pairs i < j are visited, and both lists are the block's own.
    """
    XR = np.ascontiguousarray(XR, dtype=np.float64)
    XC = np.ascontiguousarray(XC, dtype=np.float64)
    row_ids, col_ids = _ids(r0, XR.shape[0]), _ids(c0, XC.shape[0])
    row_d = np.full((XR.shape[0], k), np.inf)
    row_j = np.full((XR.shape[0], k), n, dtype=np.intp)
    col_d = np.full((XC.shape[0], k), np.inf)
    col_j = np.full((XC.shape[0], k), n, dtype=np.intp)
    diagonal = r0 == c0
    for lo, hi in _tiles(XC.shape[0], XR.shape[0], mp):
        a, b, D = _sources(XR, row_ids, XC, col_ids, lo, hi, mp)
        bad = knn_pair_scan(mp.source, a, b, D, row_ids, col_ids[lo:hi], diagonal,
                            row_d, row_j, col_d[lo:hi], col_j[lo:hi])
        if bad:
            raise_non_finite(row_ids, col_ids[lo:hi], bad)
    if diagonal:
        return merge_knn((row_d, row_j), (col_d, col_j)), None
    return (row_d, row_j), (col_d, col_j)


def part(result, index):
    """One element of a task's tuple result (a task of its own)."""
    return result[index]


def raise_non_finite(row_ids, col_ids, bad: int):
    """The ValueError fastclust.linkage raises for a NaN or infinite distance."""
    i = int(row_ids[(bad - 1) // col_ids.shape[0]])
    j = int(col_ids[(bad - 1) % col_ids.shape[0]])
    raise ValueError(f"`pdist(X)` must contain only finite values; the distance between "
                     f"rows {min(i, j)} and {max(i, j)} is NaN or infinite (for example the "
                     f"cosine distance of a zero row, or an overflow).")


def merge_knn(*parts):
    """Merge k-lightest lists of the same rows: the k least (distance, id) of each row."""
    k = parts[0][0].shape[1]
    d = np.concatenate([p[0] for p in parts], axis=1)
    j = np.concatenate([p[1] for p in parts], axis=1)
    order = np.lexsort((j, d), axis=1)[:, :k]
    return np.take_along_axis(d, order, axis=1), np.take_along_axis(j, order, axis=1)


def boruvka_task(XR, rows, r0, XC, c0, row_comp, col_comp, n, mp):
    """Lightest edge of the rows `rows` (local to block XR) to another component in XC."""
    XR = np.ascontiguousarray(np.asarray(XR, dtype=np.float64)[rows])
    XC = np.ascontiguousarray(XC, dtype=np.float64)
    row_ids = (rows + r0).astype(np.intp)
    col_ids = _ids(c0, XC.shape[0])
    best_d = np.full(rows.shape[0], np.inf)
    best_j = np.full(rows.shape[0], n, dtype=np.intp)
    for lo, hi in _tiles(XC.shape[0], XR.shape[0], mp):
        a, b, D = _sources(XR, row_ids, XC, col_ids, lo, hi, mp)
        boruvka_scan(mp.source, a, b, D, row_ids, col_ids[lo:hi], row_comp, col_comp[lo:hi],
                     best_d, best_j)
    return best_d, best_j


def merge_best(*parts):
    """Elementwise least (distance, id) of several (best_d, best_j) results."""
    d, j = parts[0][0].copy(), parts[0][1].copy()
    for pd, pj in parts[1:]:
        better = (pd < d) | ((pd == d) & (pj < j))
        d[better] = pd[better]
        j[better] = pj[better]
    return d, j


def contract_task(XR, r0, XC, c0, row_comp, col_comp, n, K, mp):
    """K x K lightest edges (distance, condensed offset) between components, i < j."""
    XR = np.ascontiguousarray(XR, dtype=np.float64)
    XC = np.ascontiguousarray(XC, dtype=np.float64)
    row_ids, col_ids = _ids(r0, XR.shape[0]), _ids(c0, XC.shape[0])
    Cd = np.full((K, K), np.inf)
    Ck = np.full((K, K), np.iinfo(np.intp).max, dtype=np.intp)
    for lo, hi in _tiles(XC.shape[0], XR.shape[0], mp):
        a, b, D = _sources(XR, row_ids, XC, col_ids, lo, hi, mp)
        contract_scan(mp.source, a, b, D, row_ids, col_ids[lo:hi], row_comp,
                      col_comp[lo:hi], n, Cd, Ck)
    return Cd, Ck


def _tree_reduce(runner, func, parts: list):
    """Combine task results pairwise on the workers (a balanced tree of `func` tasks)."""
    while len(parts) > 1:
        parts = [runner.task(func, *parts[i:i + 4]) if len(parts[i:i + 4]) > 1 else parts[i]
                 for i in range(0, len(parts), 4)]
    return parts[0]


# --- the client's side ----------------------------------------------------------------

def condensed_offset(n: int, i, j):
    """Offset of the pairs (i, j), i < j, in SciPy's condensed layout (vectorised)."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    return i * (2 * n - i - 1) // 2 + (j - i - 1)


def _decode_offset(n: int, k: int) -> tuple[int, int]:
    lo, hi = 0, n - 2          # the row i whose block of offsets holds k
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid * (2 * n - mid - 1) // 2 <= k:
            lo = mid
        else:
            hi = mid - 1
    return lo, k - lo * (2 * n - lo - 1) // 2 + lo + 1


class _UnionFind:
    def __init__(self, n):
        self.parent = np.arange(n, dtype=np.intp)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return int(root)

    def labels(self) -> np.ndarray:
        """Component of every element, numbered 0..K-1 (in the order of the roots)."""
        parent = self.parent
        while True:                       # full path compression, vectorised
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        self.parent = parent
        _, labels = np.unique(parent, return_inverse=True)
        return labels.astype(np.intp)


def _component_best(comp, K, d, off):
    """Per component, the index of its least (d, off) entry (or -1 if none is finite)."""
    order = np.lexsort((off, d, comp))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = comp[order[1:]] != comp[order[:-1]]
    best = np.full(K, -1, dtype=np.intp)
    winners = order[first]
    finite = np.isfinite(d[winners])
    best[comp[winners[finite]]] = winners[finite]
    return best


def knn_all(runner, n: int, k: int, mp: MetricParams):
    """The k lightest edges (distance, id) of every point: each pair visited once."""
    bounds = runner.bounds
    blocks = [b for b, (lo, hi) in enumerate(bounds) if hi > lo]
    lists = {b: [] for b in blocks}
    for x, r in enumerate(blocks):
        for c in blocks[x:]:
            t = runner.task(knn_task, runner.block(r), bounds[r][0], runner.block(c),
                            bounds[c][0], k, n, mp)
            lists[r].append(runner.task(part, t, 0))
            if c != r:
                lists[c].append(runner.task(part, t, 1))
    results = runner.compute([_tree_reduce(runner, merge_knn, lists[b]) for b in blocks])
    kd = np.empty((n, k))
    kj = np.empty((n, k), dtype=np.intp)
    for r, (d_r, j_r) in zip(blocks, results):
        lo, hi = bounds[r]
        kd[lo:hi], kj[lo:hi] = d_r, j_r
    return kd, kj


def mst_edges(runner, n: int, mp: MetricParams, report):
    """The n - 1 edges (i < j, distance) of the minimum spanning tree, in no order."""
    k = max(1, min(KNN, n - 1))

    kd, kj = knn_all(runner, n, k, mp)        # round 1
    full = kj[:, k - 1] < n                  # k real entries (else the list is complete)
    lb_off = np.where(full, condensed_offset(n, np.minimum(np.arange(n), kj[:, k - 1]),
                                             np.maximum(np.arange(n), kj[:, k - 1])), -1)

    uf = _UnionFind(n)
    comp = np.arange(n, dtype=np.intp)
    K = n
    ei, ej, eh = [], [], []
    points = np.arange(n, dtype=np.intp)
    phase = "knn"
    rescanned = n
    while K > 1:
        # candidates from the cache: the first cached edge that leaves the component
        valid = kj < n
        leaves = valid & (comp[np.where(valid, kj, 0)] != comp[:, None])
        has = leaves.any(axis=1)
        first = leaves.argmax(axis=1)
        cand_d = np.where(has, kd[points, first], np.inf)
        cand_j = np.where(has, kj[points, first], n)
        exhausted = ~has & full
        cand_off = np.where(has, condensed_offset(n, np.minimum(points, cand_j),
                                                  np.maximum(points, cand_j)), -1)
        best = _component_best(comp, K, cand_d, cand_off)
        # exhausted points that could still beat their component's best edge
        bd = np.where(best >= 0, cand_d[np.maximum(best, 0)], np.inf)[comp]
        bo = np.where(best >= 0, cand_off[np.maximum(best, 0)], -1)[comp]
        lbd = kd[:, k - 1]
        need = exhausted & ~((bd < lbd) | ((bd == lbd) & (bo < lb_off)))
        S = np.flatnonzero(need)
        if (K <= CONTRACT_MAX_COMPONENTS
                and S.shape[0] * n > CONTRACT_RESCAN_FRACTION * n * n / 2):
            if phase == "knn":               # the kNN pass was a round of its own
                report(phase, K, rescanned=rescanned)
            edges = _contract(runner, n, comp, K, mp)
            for i, j, h in edges:
                ei.append(i), ej.append(j), eh.append(h)
            report("contract", 1, rescanned=n)
            break
        if S.shape[0]:
            sd, sj = _rescan(runner, n, comp, S, mp)
            cand_d[S], cand_j[S] = sd, sj
            hit = np.isfinite(sd)
            cand_off[S] = np.where(hit, condensed_offset(n, np.minimum(S, sj),
                                                         np.maximum(S, sj)), -1)
            best = _component_best(comp, K, cand_d, cand_off)
        # Boruvka step: every component's lightest outgoing edge
        added = 0
        for p in best[best >= 0]:
            i, j = int(p), int(cand_j[p])
            ri, rj = uf.find(i), uf.find(j)
            if ri != rj:
                uf.parent[max(ri, rj)] = min(ri, rj)
                ei.append(min(i, j)), ej.append(max(i, j)), eh.append(float(cand_d[p]))
                added += 1
        if added == 0:
            raise AssertionError("internal error in the distributed single linkage: "
                                 "a Boruvka round added no edge; please report it.")
        comp = uf.labels()
        K = int(comp.max()) + 1
        report(phase, K, rescanned=rescanned)
        phase, rescanned = "boruvka", int(S.shape[0])
    return (np.asarray(ei, dtype=np.intp), np.asarray(ej, dtype=np.intp),
            np.asarray(eh, dtype=np.float64))


def _rescan(runner, n, comp, S, mp):
    """Lightest edge to another component of the points S, by scanning all columns."""
    bounds = runner.bounds
    blocks = [b for b, (lo, hi) in enumerate(bounds) if hi > lo]
    shared_comp = {c: runner.share(comp[bounds[c][0]:bounds[c][1]]) for c in blocks}
    tasks, where = [], []
    for r in blocks:
        lo, hi = bounds[r]
        a, b = np.searchsorted(S, [lo, hi])
        if a == b:
            continue
        rows = (S[a:b] - lo).astype(np.intp)
        parts = [runner.task(boruvka_task, runner.block(r), rows, lo, runner.block(c),
                             bounds[c][0], comp[S[a:b]], shared_comp[c], n, mp)
                 for c in blocks]
        tasks.append(_tree_reduce(runner, merge_best, parts))
        where.append((a, b))
    sd = np.empty(S.shape[0])
    sj = np.empty(S.shape[0], dtype=np.intp)
    for (a, b), (d_r, j_r) in zip(where, runner.compute(tasks)):
        sd[a:b], sj[a:b] = d_r, j_r
    return sd, sj


def _contract(runner, n, comp, K, mp):
    """The K - 1 remaining tree edges from the K x K graph of lightest edges."""
    bounds = runner.bounds
    blocks = [b for b, (lo, hi) in enumerate(bounds) if hi > lo]
    shared_comp = {b: runner.share(comp[bounds[b][0]:bounds[b][1]]) for b in blocks}
    parts = []
    for x, r in enumerate(blocks):
        for c in blocks[x:]:
            parts.append(runner.task(contract_task, runner.block(r), bounds[r][0],
                                     runner.block(c), bounds[c][0], shared_comp[r],
                                     shared_comp[c], n, K, mp))
    Cd, Ck = runner.compute([_tree_reduce(runner, merge_best, parts)])[0]
    p, q = np.triu_indices(K, 1)
    d, off = Cd[p, q], Ck[p, q]
    order = np.lexsort((off, d))
    uf = _UnionFind(K)
    edges = []
    for e in order:
        if not np.isfinite(d[e]):
            break
        rp, rq = uf.find(int(p[e])), uf.find(int(q[e]))
        if rp != rq:
            uf.parent[max(rp, rq)] = min(rp, rq)
            i, j = _decode_offset(n, int(off[e]))
            edges.append((i, j, float(d[e])))
            if len(edges) == K - 1:
                break
    if len(edges) != K - 1:
        raise AssertionError("internal error in the distributed single linkage: the "
                             "contracted graph is not connected; please report it.")
    return edges
