"""Ward linkage by RAC: reciprocal-nearest-neighbour merges, all mutual pairs per round.

Clusters are kept as centroids and sizes (O(n d) memory on the client). Every
round, the clusters whose nearest neighbour is unknown (at first all of them;
later the clusters just made and those whose neighbour was merged) query the
active clusters; every mutual pair of nearest neighbours then merges. Ward's
linkage is reducible (d(k, a u b) >= min(d(k, a), d(k, b))), so a cluster
whose neighbour did not merge keeps it, and merging all mutual pairs at once
gives the same hierarchy as merging them one by one (Sumengen et al., 2021).
With ties broken by slot (below) this holds for the total order too: the new
cluster's pair with k is never less than k's kept pair, whose slots differ.
It is an argument in exact arithmetic; a merged cluster that comes closer
than k's kept neighbour by rounding alone is not re-queried.

Large query rounds run as Dask tasks (query blocks x candidate blocks, reduced
per query); rounds with little work run on the client, since chain-shaped data
needs up to n/2 rounds of a few queries each.

Distances: the squared Ward distance of clusters a, b is
``2 n_a n_b / (n_a + n_b) ||c_a - c_b||^2`` (_blocks.ward_scan) and a merged
centroid is ``c_a + (c_b - c_a) n_b / (n_a + n_b)``: the same operations as
fastclust.linkage_vector's Ward chain (_vector.pyx), so the two agree bit for
bit. For two points the distance is their squared Euclidean distance, bit for
bit as fastclust.pdist computes it, so the first merges have exactly
fastclust.linkage's heights; later ones agree with its Lance-Williams updates
to rounding (about 1e-12 relative).

Ties: a cluster's nearest neighbour is the least (distance, id), where a
cluster's id is the smallest observation in it; with pairs ordered by
(distance, smaller id, larger id) the mutual pairs are those of the greedy
algorithm, and Z lists the merges in that order (height, a, b).
"""
from __future__ import annotations

import numpy as np

from .._blocks import ward_scan

# Query rounds with at most this many coordinate operations (queries x active
# clusters x d) run on the client.
LOCAL_WORK = 1 << 24


def ward_task(Q, q_size, q_ids, C, c_size, c_ids, lo, hi, qa=0, qb=None):
    """Nearest cluster (squared Ward distance, id) among C[lo:hi] of the queries qa:qb."""
    Q, q_size, q_ids = (np.ascontiguousarray(Q[qa:qb]), np.ascontiguousarray(q_size[qa:qb]),
                        np.ascontiguousarray(q_ids[qa:qb]))
    best_d = np.full(q_ids.shape[0], np.inf)
    best_j = np.full(q_ids.shape[0], np.iinfo(np.intp).max, dtype=np.intp)
    bad = ward_scan(Q, q_size, q_ids, np.ascontiguousarray(C[lo:hi]), c_size[lo:hi],
                    c_ids[lo:hi], best_d, best_j)
    if bad:
        from ._boruvka import raise_non_finite

        raise_non_finite(q_ids, c_ids[lo:hi], bad)
    return best_d, best_j


def _split(count: int, parts: int):
    edges = np.linspace(0, count, max(1, min(parts, count)) + 1).astype(np.intp)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _query(runner, cent, size, act, Q, parallel: int):
    """Nearest active cluster of every cluster in Q."""
    d = cent.shape[1]
    Qc, Qs = np.ascontiguousarray(cent[Q]), size[Q]
    C, Cs = np.ascontiguousarray(cent[act]), size[act]
    if Q.shape[0] * act.shape[0] * d <= LOCAL_WORK or parallel == 1:
        return ward_task(Qc, Qs, Q, C, Cs, act, 0, act.shape[0]), "client"
    from ._boruvka import _tree_reduce, merge_best

    Ch, Csh, idh = runner.share(C), runner.share(Cs), runner.share(act)
    Qh, Qsh, Qidh = runner.share(Qc), runner.share(Qs), runner.share(Q)
    tasks = []
    q_parts = _split(Q.shape[0], parallel)
    for a, b in q_parts:
        parts = [runner.task(ward_task, Qh, Qsh, Qidh, Ch, Csh, idh, lo, hi, a, b)
                 for lo, hi in _split(act.shape[0], parallel)]
        tasks.append(_tree_reduce(runner, merge_best, parts))
    results = runner.compute(tasks)
    return (np.concatenate([r[0] for r in results]),
            np.concatenate([r[1] for r in results])), "tasks"


def ward_merges(runner, n: int, report):
    """The n - 1 merges (a, b, height) of Ward's linkage, in the order they were made."""
    from .._validation import square_safe_scale

    X = runner.gather_observations()
    parallel = runner.parallelism
    cent = np.array(X, dtype=np.float64, order="C")
    # as fastclust.linkage: coordinates far from 1 are scaled by a power of two (exact),
    # so that squared distances cannot overflow; the heights are unscaled at the end
    scale = square_safe_scale(float(np.abs(cent).max())) if cent.size else 1.0
    if scale != 1.0:
        cent *= scale
    size = np.ones(n)
    active = np.ones(n, dtype=bool)
    nn = np.zeros(n, dtype=np.intp)
    nn_d = np.full(n, np.inf)
    merged = np.zeros(n, dtype=bool)
    act = np.arange(n, dtype=np.intp)
    Q = act
    out_a, out_b, out_h = [], [], []
    first = True
    while act.shape[0] > 1:
        if first and scale == 1.0 and n * n * cent.shape[1] > LOCAL_WORK:
            # singletons: the squared Ward distance is the squared Euclidean one, bit for
            # bit, so round 1 is a 1-NN scan over the row blocks, each pair visited once
            from ._boruvka import SOURCE_SQEUCLIDEAN, MetricParams, knn_all

            kd, kj = knn_all(runner, n, 1, MetricParams(SOURCE_SQEUCLIDEAN, 1))
            (qd, qj), where = (kd[:, 0], kj[:, 0]), "tasks"
        else:
            (qd, qj), where = _query(runner, cent, size, act, Q, parallel)
        first = False
        nn[Q], nn_d[Q] = qj, qd
        partner = nn[act]
        mutual = (nn[partner] == act) & (act < partner)
        if not mutual.any():
            # only rounding gets here: a kept neighbour went stale (a merged cluster came
            # closer by an ulp). With every neighbour fresh the least pair is mutual.
            (qd, qj), where = _query(runner, cent, size, act, act, parallel)
            nn[act], nn_d[act] = qj, qd
            partner = nn[act]
            mutual = (nn[partner] == act) & (act < partner)
        A, B = act[mutual], partner[mutual]
        if A.shape[0] == 0:
            raise AssertionError("internal error in the distributed Ward linkage: a round "
                                 "found no mutual nearest neighbours; please report it.")
        na, nb = size[A], size[B]
        out_a.append(A), out_b.append(B), out_h.append(np.sqrt(nn_d[A]))
        total = na + nb
        # a + (b - a) w rather than (n_a a + n_b b) / (n_a + n_b): equal centroids (duplicate
        # points) stay exactly equal, so their distance stays exactly 0, as in Lance-Williams
        cent[A] += (cent[B] - cent[A]) * (nb / total)[:, None]
        size[A] = total
        active[B] = False
        merged[A] = merged[B] = True
        act = np.flatnonzero(active)
        Q = act[merged[nn[act]] | merged[act]]
        merged[A] = merged[B] = False
        report("rac", int(act.shape[0]), merges=int(A.shape[0]), queries=int(Q.shape[0]),
               where=where)
    if not out_a:
        return (np.empty(0, np.intp),) * 2 + (np.empty(0),)
    h = np.concatenate(out_h)
    if scale != 1.0:
        h /= scale                          # exact: a power of two
    return np.concatenate(out_a), np.concatenate(out_b), h
