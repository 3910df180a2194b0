"""Plain NumPy reference implementations used as test oracles.

Nothing here is fast: ``naive_linkage`` is the primitive O(n^3) agglomerative
algorithm with Lance-Williams updates on a full square matrix, written from
the formulas (Muellner 2011, arXiv:1109.2378, table 1), and ``kruskal_linkage``
is single linkage by Kruskal's algorithm with the (distance, i, j) edge order
that fastclust documents for ties.
"""
from __future__ import annotations

import numpy as np

METHODS = ("single", "complete", "average", "weighted", "ward", "centroid", "median")
# Methods whose Lance-Williams formulas act on squared Euclidean distances.
SQUARED = frozenset({"ward", "centroid", "median"})
# Methods whose heights can go down (no reducibility): rows stay in merge order.
NON_MONOTONE = frozenset({"centroid", "median"})


def square_from_condensed(y) -> np.ndarray:
    """Full symmetric (n, n) matrix with a zero diagonal from a condensed vector."""
    y = np.asarray(y, dtype=np.float64)
    n = int(round((1 + np.sqrt(1 + 8 * y.shape[0])) / 2))
    if n * (n - 1) // 2 != y.shape[0]:
        raise ValueError(f"length {y.shape[0]} is not n*(n-1)/2")
    D = np.zeros((n, n))
    iu = np.triu_indices(n, 1)
    D[iu] = y
    D[iu[1], iu[0]] = y
    return D


def condensed_from_points(X) -> np.ndarray:
    """Euclidean distances of the rows of X, condensed (independent of any pdist)."""
    X = np.asarray(X, dtype=np.float64)
    i, j = np.triu_indices(X.shape[0], 1)
    return np.sqrt(((X[i] - X[j]) ** 2).sum(axis=1))


def lance_williams(method, d_ki, d_kj, d_ij, size_i, size_j, size_k):
    """Distance from cluster k to the union of clusters i and j (vectorised over k).

    For ward, centroid and median every distance argument is squared.
    """
    if method == "single":
        return np.minimum(d_ki, d_kj)
    if method == "complete":
        return np.maximum(d_ki, d_kj)
    if method == "average":
        return (size_i * d_ki + size_j * d_kj) / (size_i + size_j)
    if method == "weighted":
        return 0.5 * d_ki + 0.5 * d_kj
    if method == "ward":
        return ((size_k + size_i) * d_ki + (size_k + size_j) * d_kj - size_k * d_ij) / (
            size_i + size_j + size_k)
    if method == "centroid":
        s = size_i + size_j
        return (size_i * d_ki + size_j * d_kj) / s - size_i * size_j * d_ij / (s * s)
    if method == "median":
        return 0.5 * d_ki + 0.5 * d_kj - 0.25 * d_ij
    raise ValueError(f"unknown method {method!r}")


def relabel(a, b, heights, order, n) -> np.ndarray:
    """SciPy's Z from merges given as one observation of each side, applied in `order`."""
    parent = np.arange(2 * n - 1)
    size = np.ones(2 * n - 1)

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    Z = np.empty((n - 1, 4))
    for s, m in enumerate(order):
        ra, rb = find(a[m]), find(b[m])
        if ra == rb:
            raise AssertionError("merge inside one cluster")
        parent[ra] = parent[rb] = n + s
        size[n + s] = size[ra] + size[rb]
        Z[s] = (min(ra, rb), max(ra, rb), heights[m], size[n + s])
    return Z


def naive_linkage(y, method) -> np.ndarray:
    """Primitive agglomerative clustering of a condensed matrix; SciPy-format Z.

    At every step the pair of active clusters with the smallest
    (distance, slot i, slot j) is merged into slot i. For the reducible methods
    the merges are then listed by greedy_listing (by (height, slot i, slot j),
    children first even where rounding gave a parent its child's height);
    centroid and median keep the merge order, as SciPy does.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    D = square_from_condensed(y)
    n = D.shape[0]
    if method in SQUARED:
        D = D * D
    active = np.ones(n, dtype=bool)
    size = np.ones(n)
    rep = np.arange(n)                 # one observation in the cluster of each slot
    a = np.empty(n - 1, dtype=np.intp)
    b = np.empty(n - 1, dtype=np.intp)
    h = np.empty(n - 1)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    for step in range(n - 1):
        masked = np.where(upper & active[:, None] & active[None, :], D, np.inf)
        flat = int(np.argmin(masked))  # first minimum in row-major order: lowest (i, j)
        i, j = divmod(flat, n)
        d_ij = D[i, j]
        a[step], b[step], h[step] = rep[i], rep[j], d_ij
        others = active.copy()
        others[[i, j]] = False
        k = np.flatnonzero(others)
        new = lance_williams(method, D[k, i], D[k, j], d_ij, size[i], size[j], size[k])
        D[k, i] = D[i, k] = new
        size[i] += size[j]
        active[j] = False
    if method in SQUARED:
        h = np.sqrt(np.maximum(h, 0.0))
    if method in NON_MONOTONE:
        order = np.arange(n - 1)
    else:
        order, h = greedy_listing((a, b), h, n)   # slot i holds observations >= i: a, b are slots
    return relabel(a, b, h, order, n)


def greedy_listing(slots, h, n):
    """Order of the merges (given children first) for Z, and their listed heights.

    Each merge gets the key (height, slot a, slot b) raised to its children's keys
    (so rounding that gives a parent its child's height, or an ulp less, cannot list
    it first); merges are listed by (key, position). In exact arithmetic the keys are
    the merges' own and the order is the greedy algorithm's.
    """
    sa, sb = slots
    owner_merge = {}                     # smallest observation of a cluster -> merge that made it
    keys = []
    for s in range(len(h)):
        key = (h[s], sa[s], sb[s])
        for side in (sa[s], sb[s]):
            if side in owner_merge:
                key = max(key, keys[owner_merge[side]])
        keys.append(key)
        owner_merge[sa[s]] = s
        owner_merge.pop(sb[s], None)
    order = sorted(range(len(h)), key=lambda s: (keys[s], s))
    return np.array(order, dtype=np.intp), np.array([k[0] for k in keys])


def kruskal_linkage(y) -> np.ndarray:
    """Single linkage by Kruskal: edges in (distance, i, j) order, union-find relabel."""
    y = np.asarray(y, dtype=np.float64)
    n = _n_from_length(y.shape[0])
    i, j = np.triu_indices(n, 1)
    order = np.lexsort((j, i, y))
    parent = np.arange(n)

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    a, b, h = [], [], []
    for e in order:
        ri, rj = find(i[e]), find(j[e])
        if ri != rj:
            parent[ri] = rj
            a.append(i[e])
            b.append(j[e])
            h.append(y[e])
            if len(a) == n - 1:
                break
    return relabel(np.array(a), np.array(b), np.array(h), np.arange(n - 1), n)


def _n_from_length(length: int) -> int:
    n = int(round((1 + np.sqrt(1 + 8 * length)) / 2))
    if n * (n - 1) // 2 != length:
        raise ValueError(f"length {length} is not n*(n-1)/2")
    return n


def check_linkage_invariants(Z, n, method) -> None:
    """Tie-proof structure of a linkage matrix: shape, ids, sizes, monotone heights."""
    Z = np.asarray(Z)
    assert Z.shape == (n - 1, 4), Z.shape
    assert Z.dtype == np.float64
    ids = Z[:, :2]
    assert np.all(ids == np.round(ids)), "non-integer cluster ids"
    assert np.all(Z[:, 0] < Z[:, 1]), "row must list the smaller id first"
    row_limit = n + np.arange(n - 1)
    assert np.all(ids >= 0) and np.all(ids < row_limit[:, None]), "id used before it exists"
    used = np.sort(ids.ravel().astype(np.int64))
    assert np.array_equal(used, np.arange(2 * n - 2)), "every id but the root used exactly once"
    size = np.ones(2 * n - 1)
    for s in range(n - 1):
        size[n + s] = size[int(Z[s, 0])] + size[int(Z[s, 1])]
    assert np.array_equal(Z[:, 3], size[n:]), "wrong cluster sizes"
    assert np.all(np.isfinite(Z[:, 2])) and np.all(Z[:, 2] >= 0)
    if method not in NON_MONOTONE:
        assert np.all(np.diff(Z[:, 2]) >= 0), "heights must not decrease"


def check_merges_at_global_minimum(y, Z, method, rtol=1e-9) -> None:
    """Replay Z with Lance-Williams updates: each merge is at the current global minimum.

    This is the tie-proof check of fastcluster's test suite: with ties, several
    dendrograms are correct, and all of them pass. Ward, centroid and median
    are replayed on squared distances.
    """
    D = square_from_condensed(y)
    n = D.shape[0]
    if method in SQUARED:
        D = D * D
    scale = max(float(D.max()), 1.0)
    tol = rtol * scale
    slot = {k: k for k in range(n)}
    active = np.ones(n, dtype=bool)
    size = np.ones(n)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    for s in range(n - 1):
        x, y_id = int(Z[s, 0]), int(Z[s, 1])
        i, j = slot.pop(x), slot.pop(y_id)
        assert active[i] and active[j] and i != j
        height = Z[s, 2] ** 2 if method in SQUARED else Z[s, 2]
        d_ij = D[i, j]
        current_min = np.where(upper & active[:, None] & active[None, :], D, np.inf).min()
        assert abs(d_ij - height) <= tol, (s, d_ij, height)
        assert d_ij <= current_min + tol, f"merge {s} at {d_ij}, global minimum {current_min}"
        others = active.copy()
        others[[i, j]] = False
        k = np.flatnonzero(others)
        new = lance_williams(method, D[k, i], D[k, j], d_ij, size[i], size[j], size[k])
        D[k, i] = D[i, k] = new
        size[i] += size[j]
        active[j] = False
        slot[n + s] = i


def ordering_cost(order, y) -> float:
    """Sum of the distances between neighbouring leaves of `order` (condensed `y`)."""
    D = square_from_condensed(y)
    order = np.asarray(order, dtype=np.intp)
    return float(D[order[:-1], order[1:]].sum())


def brute_force_ordering_cost(Z, y) -> float:
    """The smallest ordering_cost over all 2^(n-1) ways to flip the merges of Z."""
    import itertools

    import fastclust
    Z = np.asarray(Z, dtype=np.float64)
    best = np.inf
    for flips in itertools.product((False, True), repeat=Z.shape[0]):
        swap = np.array(flips)
        Zf = Z.copy()
        Zf[swap, 0], Zf[swap, 1] = Z[swap, 1], Z[swap, 0]
        best = min(best, ordering_cost(fastclust.leaves_list(Zf), y))
    return best


def naive_diana(y) -> set:
    """DIANA from the textbook description (Kaufman & Rousseeuw, ch. 6), as a set of clusters.

    Recomputes every average from scratch on the square matrix at every step
    (O(n^3) per split and more), splits clusters in any order (the tree does
    not depend on it) and returns {(frozenset(members), diameter)} for every
    cluster of two or more observations. Ties: the first (smallest index)
    candidate wins; a move needs a strictly positive difference.
    """
    D = square_from_condensed(y)
    n = D.shape[0]
    out = set()
    todo = [list(range(n))]
    while todo:
        C = todo.pop()
        if len(C) < 2:
            continue
        sub = D[np.ix_(C, C)]
        out.add((frozenset(C), float(sub.max())))
        first = int(np.argmax(sub.sum(axis=1)))
        splinter = [C[first]]
        rest = [c for c in C if c != C[first]]
        while len(rest) > 1:
            diffs = [D[j, rest].sum() / (len(rest) - 1) - D[j, splinter].mean() for j in rest]
            k = int(np.argmax(diffs))
            if diffs[k] <= 0:
                break
            splinter.append(rest.pop(k))
        todo.append(sorted(splinter))
        todo.append(rest)
    return out


def chain(n) -> np.ndarray:
    """Z of a caterpillar tree: row s joins the cluster so far with observation s + 1.

    The deepest tree there is (depth n - 1): what breaks recursive tree walks.
    """
    Z = np.empty((n - 1, 4))
    Z[:, 0] = np.r_[0, n + np.arange(n - 2)]
    Z[:, 1] = np.arange(1, n)
    Z[:, 2] = np.arange(1, n, dtype=float)
    Z[:, 3] = np.arange(2, n + 1)
    return Z


def tree_of_Z(Z):
    """The clusters of Z as sets of observations (the tree, whatever the listing)."""
    n = Z.shape[0] + 1
    members = [frozenset([i]) for i in range(n)]
    for a, b in Z[:, :2].astype(int):
        members.append(members[a] | members[b])
    return set(members[n:])


def tree_of_merges(a, b, n):
    """The clusters made by merges (a[s], b[s]) applied in the order given."""
    owner = {i: frozenset([i]) for i in range(n)}
    made = set()
    for x, y in zip(a, b):
        c = owner[x] | owner[y]
        made.add(c)
        for v in c:
            owner[v] = c
    return made
