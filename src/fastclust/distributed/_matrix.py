"""Complete, average and weighted linkage by RAC on a distance matrix split by row blocks.

Each block of rows [lo, hi) of the square n x n distance matrix lives in one
place (a Dask actor on a worker, or an object of this process) and never
moves; dead columns and the diagonal hold +inf. Every round:

1. the client takes the mutual nearest-neighbour pairs (a < b) as merges;
   the merged cluster keeps slot a;
2. the blocks that own a slot a but not its partner's row b receive row b
   (its values before the round) from b's owner, through the client;
3. every block applies the Lance-Williams update of all merges to its columns
   (d(k, a u b) = LW(d(k, a), d(k, b))), builds the new rows of the clusters it
   owns from their two old rows, and answers the nearest-neighbour queries
   of its rows for the next round.

Between two clusters merged in the same round the distance is two nested
Lance-Williams updates, always nested the same way (the merge with the
smaller slot innermost), so both rows compute the same bits and the matrix
stays exactly symmetric. The linkages are reducible, so a cluster whose
neighbour did not merge keeps it, and merging all mutual pairs at once gives
the same hierarchy as merging them one by one. Complete linkage only takes
maxima: its heights are the input distances, bit for bit.

Ties: a row's nearest neighbour is its least (distance, slot), the slot of a
cluster being its smallest observation: with pairs ordered by (distance,
smaller slot, larger slot) the mutual pairs are those of the greedy algorithm,
as in fastclust.linkage's NN-chain, and Z lists the merges in that order.
"""
from __future__ import annotations

import numpy as np

from ._boruvka import MetricParams, _distance_tile

COMPLETE, AVERAGE, WEIGHTED = "complete", "average", "weighted"


def _lw(method: str, x, y, size_a, size_b):
    """d(k, a u b) from x = d(k, a) and y = d(k, b): the same operand order everywhere."""
    if method == COMPLETE:
        return np.maximum(x, y)
    if method == AVERAGE:
        return (size_a * x + size_b * y) / (size_a + size_b)
    return 0.5 * x + 0.5 * y


class MatrixBlock:
    """Rows lo..hi-1 of the distance matrix and the operations of a round on them."""

    def __init__(self, XR, lo: int, X, mp: MetricParams, method: str, tile_rows: int = 256):
        XR = np.ascontiguousarray(XR, dtype=np.float64)
        X = np.ascontiguousarray(X, dtype=np.float64)
        self.lo, self.hi, self.method = lo, lo + XR.shape[0], method
        n = X.shape[0]
        self.D = np.empty((XR.shape[0], n))
        col_ids = np.arange(n, dtype=np.intp)
        for a in range(0, XR.shape[0], tile_rows):
            b = min(XR.shape[0], a + tile_rows)
            self.D[a:b] = _distance_tile(XR[a:b], np.arange(lo + a, lo + b, dtype=np.intp),
                                         X, col_ids, mp)
        self.D[np.arange(XR.shape[0]), np.arange(lo, self.hi)] = np.inf
        bad = ~np.isfinite(self.D)
        bad[np.arange(XR.shape[0]), np.arange(lo, self.hi)] = False
        if bad.any():
            from ._boruvka import raise_non_finite

            r, c = np.argwhere(bad)[0]
            raise_non_finite(np.array([lo + r]), np.array([c]), 1)

    def nbytes(self) -> int:
        return self.D.nbytes

    def nearest(self, rows):
        """(distance, slot) of the nearest active cluster of every row in `rows`."""
        local = np.asarray(rows, dtype=np.intp) - self.lo
        if local.shape[0] == 0:
            return np.empty(0), np.empty(0, dtype=np.intp)
        sub = self.D[local]
        j = np.argmin(sub, axis=1)                  # first minimum: the lowest slot
        return sub[np.arange(local.shape[0]), j], j.astype(np.intp)

    def rows(self, ids):
        """Copies of the rows `ids` (global slots owned here)."""
        return self.D[np.asarray(ids, dtype=np.intp) - self.lo].copy()

    def update(self, A, B, size_a, size_b, remote_b_rows, remote_b_ids, next_rows):
        """Apply the merges (A[m] absorbs B[m]); then answer the queries `next_rows`."""
        D, lo, hi, method = self.D, self.lo, self.hi, self.method
        own_a = np.flatnonzero((A >= lo) & (A < hi))
        # the old rows of both sides of every merge whose new row is built here
        old_a = D[A[own_a] - lo].copy()
        old_b = np.empty_like(old_a)
        remote = {int(s): r for s, r in zip(remote_b_ids, range(len(remote_b_ids)))}
        for t, m in enumerate(own_a):
            b = int(B[m])
            old_b[t] = D[b - lo] if lo <= b < hi else remote_b_rows[remote[b]]
        # columns: every row k gets d(k, a u b) in column a; column b dies
        D[:, A] = _lw(method, D[:, A], D[:, B], size_a, size_b)
        D[:, B] = np.inf
        own_b = B[(B >= lo) & (B < hi)]
        D[own_b - lo] = np.inf
        # the new rows, from the old ones
        if own_a.shape[0]:
            new = _lw(method, old_a, old_b, size_a[own_a, None], size_b[own_a, None])
            # between two clusters of this round: nested updates, smaller slot innermost
            x1, x2 = old_a[:, A], old_a[:, B]          # d(a_i, a_j), d(a_i, b_j)
            y1, y2 = old_b[:, A], old_b[:, B]          # d(b_i, a_j), d(b_i, b_j)
            sa_i, sb_i = size_a[own_a, None], size_b[own_a, None]
            sa_j, sb_j = size_a[None, :], size_b[None, :]
            inner_j = _lw(method, _lw(method, x1, x2, sa_j, sb_j),
                          _lw(method, y1, y2, sa_j, sb_j), sa_i, sb_i)
            inner_i = _lw(method, _lw(method, x1, y1, sa_i, sb_i),
                          _lw(method, x2, y2, sa_i, sb_i), sa_j, sb_j)
            new[:, A] = np.where(A[None, :] < A[own_a, None], inner_j, inner_i)
            new[:, B] = np.inf
            new[np.arange(own_a.shape[0]), A[own_a]] = np.inf
            D[A[own_a] - lo] = new
        return self.nearest(next_rows)


class _LocalStore:
    """Blocks as objects of this process; calls run on a thread pool."""

    kind = "local"

    def __init__(self, blocks, threads):
        self.blocks = blocks
        self.threads = threads

    def call(self, method: str, args_per_block: dict):
        from concurrent.futures import ThreadPoolExecutor

        items = list(args_per_block.items())
        run = lambda item: getattr(self.blocks[item[0]], method)(*item[1])  # noqa: E731
        if len(items) <= 1 or self.threads == 1:
            results = [run(it) for it in items]
        else:
            with ThreadPoolExecutor(min(self.threads, len(items))) as pool:
                results = list(pool.map(run, items))
        return {b: r for (b, _), r in zip(items, results)}


class _ActorStore:
    """Blocks as Dask actors, one per row block, spread round-robin over the workers."""

    kind = "dask"

    def __init__(self, actors):
        self.blocks = actors

    def call(self, method: str, args_per_block: dict):
        futures = {b: getattr(self.blocks[b], method)(*args) for b, args in args_per_block.items()}
        return {b: f.result() for b, f in futures.items()}


def matrix_bytes_per_worker(bounds, n: int, workers: int) -> int:
    """Bytes of distance rows the busiest worker holds with round-robin placement."""
    per = [0] * max(1, workers)
    for t, (lo, hi) in enumerate(b for b in bounds if b[1] > b[0]):
        per[t % len(per)] += (hi - lo) * n * 8
    return max(per)


def check_matrix_memory(bounds, n: int, limits: dict, method: str) -> None:
    """MemoryError, with the bytes per worker, when the row blocks cannot fit."""
    need = matrix_bytes_per_worker(bounds, n, len(limits))
    known = [v for v in limits.values() if v]
    if known and need > min(known):
        raise MemoryError(
            f"method={method!r} keeps the n x n distance matrix (n={n}: "
            f"{n * n * 8 / 2**30:.2f} GiB) in row blocks on the workers: the busiest of "
            f"the {len(limits)} workers would need {need / 2**30:.2f} GiB "
            f"({need} bytes), more than its memory limit of {min(known) / 2**30:.2f} GiB. "
            f"Add workers or memory, or use method='single' or 'ward', which need "
            f"O(n d) memory.")


def _worker_memory_limits(client) -> dict:
    """Worker address -> memory limit in bytes (0: none)."""
    info = client.scheduler_info()["workers"]
    return {a: int(info[a].get("memory_limit") or 0) for a in info}


def make_store(runner, X, mp: MetricParams, method: str):
    """Build the row blocks of the distance matrix where they will live."""
    bounds = runner.bounds
    blocks = [b for b, (lo, hi) in enumerate(bounds) if hi > lo]
    client = getattr(runner, "_client", None)
    n = X.shape[0]
    if client is None:
        from .._validation import check_memory

        check_memory(n * n * 8, f"method={method!r} (the n x n distance matrix, n={n})")
        from concurrent.futures import ThreadPoolExecutor

        objs = {}
        store = _LocalStore(objs, getattr(runner, "parallelism", 1))

        def build(b):
            lo, hi = bounds[b]
            return b, MatrixBlock(X[lo:hi], lo, X, mp, method)

        with ThreadPoolExecutor(max(1, min(store.threads, len(blocks)))) as pool:
            for b, blk in pool.map(build, blocks):
                objs[b] = blk
        return store
    limits = _worker_memory_limits(client)
    addresses = sorted(limits)
    check_matrix_memory(bounds, n, limits, method)
    X_shared = client.scatter(X, broadcast=True, hash=False)
    runner.counters.bytes_sent += X.nbytes * len(addresses)
    futures = {}
    for t, b in enumerate(blocks):
        lo, hi = bounds[b]
        futures[b] = client.submit(MatrixBlock, X[lo:hi], lo,
                                   X_shared, mp, method, actor=True,
                                   workers=[addresses[t % len(addresses)]])
    return _ActorStore({b: f.result() for b, f in futures.items()})


def rac_matrix_merges(runner, n: int, mp: MetricParams, method: str, report):
    """The n - 1 merges (a, b, height) of complete/average/weighted linkage, by rounds."""
    X = runner.gather_observations()
    store = make_store(runner, X, mp, method)
    bounds = runner.bounds
    blocks = [b for b, (lo, hi) in enumerate(bounds) if hi > lo]
    starts = np.array([bounds[b][0] for b in blocks])
    owner = lambda ids: np.asarray(blocks)[np.searchsorted(starts, ids, side="right") - 1]  # noqa: E731

    size = np.ones(n)
    active = np.ones(n, dtype=bool)
    nn = np.zeros(n, dtype=np.intp)
    nn_d = np.full(n, np.inf)
    merged = np.zeros(n, dtype=bool)
    act = np.arange(n, dtype=np.intp)

    def split(ids):
        own = owner(ids) if ids.shape[0] else np.empty(0, dtype=np.intp)
        return {b: ids[own == b] for b in blocks}

    parts = split(act)
    results = store.call("nearest", {b: (parts[b],) for b in blocks})
    for b in blocks:
        nn[parts[b]], nn_d[parts[b]] = results[b][1], results[b][0]
    out_a, out_b, out_h = [], [], []
    while act.shape[0] > 1:
        partner = nn[act]
        mutual = (nn[partner] == act) & (act < partner)
        if not mutual.any():
            # only rounding gets here (a stale kept neighbour): ask every row afresh;
            # then the least pair is mutual
            parts = split(act)
            results = store.call("nearest", {b: (parts[b],) for b in blocks})
            for b in blocks:
                nn[parts[b]], nn_d[parts[b]] = results[b][1], results[b][0]
            partner = nn[act]
            mutual = (nn[partner] == act) & (act < partner)
        A, B = act[mutual], partner[mutual]
        if A.shape[0] == 0:
            raise AssertionError(f"internal error in the distributed {method} linkage: a "
                                 f"round found no mutual nearest neighbours; please report it.")
        sa, sb = size[A], size[B]
        out_a.append(A), out_b.append(B), out_h.append(nn_d[A].copy())
        # the old rows b that must travel to the owner of a
        own_a, own_b = owner(A), owner(B)
        travel = own_a != own_b
        fetched = {}
        if travel.any():
            need = split(B[travel])
            got = store.call("rows", {b: (need[b],) for b in blocks if need[b].shape[0]})
            for b, rows in got.items():
                for s, row in zip(need[b], rows):
                    fetched[int(s)] = row
            runner.counters.bytes_received += sum(r.nbytes for r in fetched.values())
        size[A] = sa + sb
        active[B] = False
        merged[A] = merged[B] = True
        act = np.flatnonzero(active)
        Q = act[merged[nn[act]] | merged[act]]
        merged[A] = merged[B] = False
        q_parts = split(Q)
        args = {}
        for b in blocks:
            ids = [int(B[m]) for m in np.flatnonzero((own_a == b) & travel)]
            rows = np.array([fetched[s] for s in ids]) if ids else np.empty((0, n))
            runner.counters.bytes_sent += rows.nbytes
            args[b] = (A, B, sa, sb, rows, np.array(ids, dtype=np.intp), q_parts[b])
        results = store.call("update", args)
        for b in blocks:
            nn[q_parts[b]], nn_d[q_parts[b]] = results[b][1], results[b][0]
        report("rac", int(act.shape[0]), merges=int(A.shape[0]), queries=int(Q.shape[0]),
               where=store.kind)
    if not out_a:
        return (np.empty(0, np.intp),) * 2 + (np.empty(0),)
    return np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_h)
