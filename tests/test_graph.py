"""linkage_graph, the graph builders and HierarchicalClustering(connectivity=...).

Checked against scikit-learn (same tree on tie-free data), against a small
quadratic reference written here from the definitions (every adjacent pair
looked at in every step), against fastclust.linkage on the complete graph, and
on disconnected graphs, ties and bad input.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import fastclust
from fastclust import Graph, HierarchicalClustering, grid_graph, knn_graph, linkage_graph
from fastclust._progress import STAGE_MERGES, Progress, reporting

METHODS = ("ward", "single", "complete", "average")


# ---- a naive reference ---------------------------------------------------------------------

def naive_graph_linkage(X, edges, method, pairs="edges"):
    """Merges by the definitions, looking at every adjacent pair in every step.

    Clusters are sets of points; `value` holds the current value of each
    adjacent pair, updated by the rules of linkage_graph's docstring; ties go
    to the smallest (value, larger id, smaller id). Returns the merges as
    (smaller id, larger id, height, size) rows, then the parts joined at inf.
    """
    n = X.shape[0]
    D = fastclust.squareform(fastclust.pdist(X))
    members = {i: [i] for i in range(n)}
    adjacent = {i: set() for i in range(n)}
    value = {}
    for u, v in edges:
        if u != v:
            adjacent[u].add(v)
            adjacent[v].add(u)
            value[frozenset((u, v))] = D[u, v]

    def ward(a, b):
        na, nb = len(members[a]), len(members[b])
        ca, cb = X[members[a]].mean(axis=0), X[members[b]].mean(axis=0)
        return na * nb / (na + nb) * float(((ca - cb) ** 2).sum())

    def true(a, b):
        block = D[np.ix_(members[a], members[b])]
        return {"single": block.min(), "complete": block.max(), "average": block.mean()}[method]

    rows = []
    next_id = n
    while True:
        cands = [(ward(a, b) if method == "ward" else value[frozenset((a, b))], max(a, b), min(a, b))
                 for a in adjacent for b in adjacent[a] if a < b]
        if not cands:
            break
        val, i, j = min(cands)
        k = next_id
        next_id += 1
        members[k] = members[i] + members[j]
        rows.append((j, i, np.sqrt(2 * val) if method == "ward" else val, len(members[k])))
        neighbours = (adjacent[i] | adjacent[j]) - {i, j}
        adjacent[k] = set()
        for c in neighbours:
            vi = value.get(frozenset((i, c)))
            vj = value.get(frozenset((j, c)))
            if method != "ward":
                if pairs == "all":
                    vi = true(i, c) if vi is None else vi
                    vj = true(j, c) if vj is None else vj
                if vi is None or vj is None:
                    new = vi if vj is None else vj
                elif method == "complete":
                    new = max(vi, vj)
                elif method == "single":
                    new = min(vi, vj)
                else:
                    ni, nj = len(members[i]), len(members[j])
                    new = (ni * vi + nj * vj) / (ni + nj)
                value[frozenset((k, c))] = new
            adjacent[k].add(c)
            adjacent[c] -= {i, j}
            adjacent[c].add(k)
        del adjacent[i], adjacent[j]
    parts = sorted(adjacent, key=lambda c: min(members[c]))
    joined = parts[0]
    for part in parts[1:]:
        k = next_id
        next_id += 1
        members[k] = members[joined] + members[part]
        rows.append((min(joined, part), max(joined, part), np.inf, len(members[k])))
        joined = k
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def naive_kruskal(X, edges):
    """Single linkage along the edges, taken in (distance, i, j) order, i < j."""
    n = X.shape[0]
    D = fastclust.squareform(fastclust.pdist(X))
    cluster = list(range(n))          # point -> id of its cluster
    size = {i: 1 for i in range(n)}
    rows = []
    for d, i, j in sorted({(D[min(e), max(e)], min(e), max(e)) for e in edges if e[0] != e[1]}):
        a, b = cluster[i], cluster[j]
        if a == b:
            continue
        k = n + len(rows)
        rows.append((min(a, b), max(a, b), d, size[a] + size[b]))
        size[k] = size[a] + size[b]
        cluster = [k if c in (a, b) else c for c in cluster]
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def random_edges(rng, n, m):
    u = rng.integers(0, n, m)
    v = rng.integers(0, n, m)
    return [(int(a), int(b)) for a, b in zip(u, v)]


def as_graph(n, edges):
    u, v = zip(*edges) if edges else ((), ())
    return Graph(n, list(u), list(v))


def assert_same_tree(Z, ref, *, exact_heights=False):
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], ref[:, [0, 1, 3]])
    if exact_heights:
        np.testing.assert_array_equal(Z[:, 2], ref[:, 2])
    else:
        np.testing.assert_allclose(Z[:, 2], ref[:, 2], rtol=1e-12, atol=0)


# ---- the definitions -----------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pairs", ["edges", "all"])
def test_matches_naive_reference_on_random_graphs(rng, method, pairs):
    for trial in range(12):
        n = int(rng.integers(2, 30))
        X = rng.normal(size=(n, int(rng.integers(1, 4))))
        edges = random_edges(rng, n, int(rng.integers(0, 3 * n)))
        Z = linkage_graph(X, as_graph(n, edges), method, pairs=pairs)
        assert_same_tree(Z, naive_graph_linkage(X, edges, method, pairs))
        assert fastclust.is_valid_linkage(Z)


@pytest.mark.parametrize("method", METHODS)
def test_ties_follow_the_documented_rule(rng, method):
    # Integer points on a grid: many equal distances; the reference breaks
    # ties by (value, larger id, smaller id) ('single': Kruskal's (d, i, j)).
    for shape in [(3, 4), (2, 2, 3), (5,)]:
        coords = np.indices(shape).reshape(len(shape), -1).T.astype(float)
        g = grid_graph(shape)
        edges = list(zip(g.row.tolist(), g.col.tolist()))
        Z = linkage_graph(coords, g, method)
        ref = naive_graph_linkage(coords, edges, method)
        if method == "single":        # Kruskal's (distance, i, j) order instead
            ref = naive_kruskal(coords, edges)
        assert_same_tree(Z, ref)


@pytest.mark.parametrize("method", METHODS)
def test_complete_graph_gives_linkage(rng, method):
    X = rng.normal(size=(80, 3))
    n = X.shape[0]
    full = np.ones((n, n))
    Zr = fastclust.linkage(X, method)
    for pairs in ("edges", "all"):
        Z = linkage_graph(X, full, method, pairs=pairs)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], Zr[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], Zr[:, 2], rtol=1e-13)


@pytest.mark.parametrize("metric", ["cityblock", "chebyshev", "cosine", "sqeuclidean"])
def test_other_metrics(rng, metric):
    X = rng.normal(size=(25, 3))
    D = fastclust.squareform(fastclust.pdist(X, metric))
    # Each edge starts at pdist's value for its pair ...
    for method in ("single", "complete", "average"):
        Z = linkage_graph(X[:2], np.ones((2, 2)), method, metric)
        assert Z[0, 2] == D[0, 1]
    # ... and with every edge present the graph's tree is linkage's
    for method in ("single", "complete", "average"):
        Z = linkage_graph(X, np.ones((25, 25)), method, metric)
        Zr = fastclust.linkage(fastclust.pdist(X, metric), method)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], Zr[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], Zr[:, 2], rtol=1e-13)


def test_pairs_all_bounds_the_cluster_diameter():
    # scikit-learn issue 23550: A - B - C on a path, d(A, B) = 1, d(B, C) = 2,
    # d(A, C) = 3. With the edges' distances, complete linkage joins C to {A, B}
    # at 2; the true complete distance is 3.
    X = np.array([[0.0], [1.0], [3.0]])
    path = Graph(3, [0, 1], [1, 2])
    Z_edges = linkage_graph(X, path, "complete")
    Z_all = linkage_graph(X, path, "complete", pairs="all")
    assert Z_edges[1, 2] == 2.0
    assert Z_all[1, 2] == 3.0
    model = HierarchicalClustering(None, linkage="complete", distance_threshold=2.5,
                                   connectivity=path, pairs="all").fit(X)
    np.testing.assert_array_equal(model.labels_, [0, 0, 1])
    # 'edges' keeps scikit-learn's tree: {A, B, C} at 2 < 2.5
    edges_model = HierarchicalClustering(None, linkage="complete", distance_threshold=2.5,
                                         connectivity=path).fit(X)
    np.testing.assert_array_equal(edges_model.labels_, [0, 0, 0])


def assert_threshold_respected(model, threshold):
    """A subtree forms one cluster exactly when every merge in it is below the threshold."""
    Z = model.linkage_matrix_
    n = Z.shape[0] + 1
    highest = fastclust.maxdists(Z)
    for s in range(n - 1):
        together = len(set(model.labels_[leaves_under(Z, n + s)])) == 1
        assert together == (highest[s] < threshold), s


def test_distance_threshold_never_lets_a_higher_merge_through(rng):
    for method in METHODS:
        for pairs in ("edges", "all"):
            X = rng.normal(size=(120, 2))
            model = HierarchicalClustering(None, linkage=method, distance_threshold=0.5,
                                           connectivity=knn_graph(X, 4), pairs=pairs).fit(X)
            assert_threshold_respected(model, 0.5)
    # A tree with an inversion, cut between the two heights: scikit-learn's count
    # of merges at or above the threshold would undo the wrong merge here.
    for seed in range(200):
        X = np.random.default_rng(seed).normal(size=(30, 2))
        g = knn_graph(X, 3)
        Z = linkage_graph(X, g, "average", pairs="all")
        finite = Z[np.isfinite(Z[:, 2])]
        drops = np.flatnonzero(np.diff(finite[:, 2]) < 0)
        if drops.size:
            break
    else:
        pytest.fail("no tree with an inversion among 200 seeds")
    s = int(drops[0])
    t = (finite[s, 2] + finite[s + 1, 2]) / 2           # below merge s, above merge s + 1
    model = HierarchicalClustering(None, linkage="average", distance_threshold=t,
                                   connectivity=g, pairs="all").fit(X)
    assert_threshold_respected(model, t)


def leaves_under(Z, node):
    n = Z.shape[0] + 1
    stack, out = [node], []
    while stack:
        c = stack.pop()
        if c < n:
            out.append(c)
        else:
            stack.extend(int(x) for x in Z[c - n, :2])
    return out


# ---- scikit-learn -------------------------------------------------------------------------

def assert_same_partition(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    pairs = set(zip(a.tolist(), b.tolist()))
    assert len(pairs) == len(set(a.tolist())) == len(set(b.tolist())), "partitions differ"


@pytest.mark.parametrize("method", METHODS)
def test_same_tree_as_sklearn(rng, method):
    sk = pytest.importorskip("sklearn.cluster")
    neighbors = pytest.importorskip("sklearn.neighbors")
    for n, d, k in [(40, 2, 3), (150, 3, 5), (300, 5, 8)]:
        X = rng.normal(size=(n, d))
        G = neighbors.kneighbors_graph(X, k, include_self=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # scikit-learn's completion warning
            model = sk.AgglomerativeClustering(None, distance_threshold=0.0, connectivity=G,
                                               linkage=method, compute_full_tree=True).fit(X)
            Z = linkage_graph(X, G, method, disconnected="complete")
        np.testing.assert_array_equal(Z[:, :2].astype(int), np.sort(model.children_, axis=1))
        np.testing.assert_allclose(Z[:, 2], model.distances_, rtol=1e-12)
        # the partitions scikit-learn cuts by count, for every number of clusters
        # (not n: scikit-learn fails on a tree without merges for complete and average),
        # from the completed tree: the last n - k merges undone
        for n_clusters in (1, 2, 3, 7, n // 4, n // 2, n - 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = sk.AgglomerativeClustering(n_clusters, connectivity=G,
                                                 linkage=method).fit(X).labels_
            assert_same_partition(fastclust.cut_tree(Z, n_clusters).ravel(), ref)
            if _connected(X, G):           # the estimator refuses to complete a graph
                ours = HierarchicalClustering(n_clusters, linkage=method,
                                              connectivity=G).fit(X).labels_
                assert_same_partition(ours, ref)


def _connected(X, G):
    return int(np.count_nonzero(linkage_graph(X, G, "single")[:, 2] == np.inf)) == 0


def test_sklearn_thresholds_agree_where_heights_are_monotone(rng):
    sk = pytest.importorskip("sklearn.cluster")
    neighbors = pytest.importorskip("sklearn.neighbors")
    X = rng.normal(size=(200, 2))
    G = neighbors.kneighbors_graph(X, 10, include_self=False)
    assert _connected(X, G)
    for method in ("ward", "single"):            # monotone on this graph: checked below
        Z = linkage_graph(X, G, method)
        assert fastclust.is_monotonic(Z)
        for t in np.quantile(Z[:, 2], [0.2, 0.5, 0.9, 0.99]):
            ref = sk.AgglomerativeClustering(None, distance_threshold=t, connectivity=G,
                                             linkage=method).fit(X).labels_
            ours = HierarchicalClustering(None, distance_threshold=t, connectivity=G,
                                          linkage=method).fit(X).labels_
            assert_same_partition(ours, ref)


def test_sklearn_completion_is_reproduced(rng):
    sk = pytest.importorskip("sklearn.cluster")
    X = np.concatenate([rng.normal(size=(15, 2)), rng.normal(size=(10, 2)) + 8,
                        rng.normal(size=(5, 2)) - 8])
    edges = [(i, i + 1) for i in range(14)] + [(15 + i, 16 + i) for i in range(9)] \
        + [(25 + i, 26 + i) for i in range(4)]
    g = as_graph(30, edges)
    with pytest.warns(fastclust.ClusterWarning, match="3 connected parts: completing it"):
        Z = linkage_graph(X, g, "average", disconnected="complete")
    with pytest.warns(UserWarning, match="Completing it"):
        model = sk.AgglomerativeClustering(None, distance_threshold=0.0, linkage="average",
                                           connectivity=g.to_scipy(),
                                           compute_full_tree=True).fit(X)
    np.testing.assert_array_equal(Z[:, :2].astype(int), np.sort(model.children_, axis=1))


def test_grid_graph_matches_sklearn():
    image = pytest.importorskip("sklearn.feature_extraction.image")
    for shape in [(4, 5), (3, 4, 2)]:
        ours = grid_graph(shape).to_scipy().toarray()
        ours = ours + ours.T                              # each edge once, i < j
        ref = image.grid_to_graph(*shape).toarray()
        np.fill_diagonal(ref, 0)                          # scikit-learn adds self-loops
        np.testing.assert_array_equal(ours != 0, ref != 0)
    mask = np.random.default_rng(3).random((5, 6)) > 0.3
    ours = grid_graph(mask.shape, mask).to_scipy().toarray()
    ours = ours + ours.T
    ref = image.grid_to_graph(5, 6, mask=mask).toarray()
    np.fill_diagonal(ref, 0)
    np.testing.assert_array_equal(ours != 0, ref != 0)


def test_knn_graph_matches_sklearn(rng):
    neighbors = pytest.importorskip("sklearn.neighbors")
    X = rng.normal(size=(300, 4))
    for k in (1, 5, 12):
        ours = knn_graph(X, k).to_scipy()
        ref = neighbors.kneighbors_graph(X, k, mode="distance", include_self=False)
        np.testing.assert_array_equal(ours.toarray() != 0, ref.toarray() != 0)
        np.testing.assert_allclose(ours.toarray(), ref.toarray(), rtol=1e-12)
    g = knn_graph(X[:10], 3, include_self=True)
    assert (g.row == g.col).sum() == 10 and (g.data[g.row == g.col] == 0).all()


def test_knn_graph_ties_go_to_the_smaller_index():
    X = np.array([[0.0], [1.0], [-1.0], [2.0], [-2.0]])
    g = knn_graph(X, 2)
    np.testing.assert_array_equal(g.col[:2], [1, 2])     # the two points at distance 1
    g = knn_graph(X, 1)
    assert g.col[0] == 1                                  # of those, the smaller index


# ---- disconnected graphs and forests -------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_forest_joined_at_inf(rng, method):
    X = rng.normal(size=(12, 2))
    edges = [(0, 1), (1, 2), (5, 6), (6, 7), (7, 8), (10, 11)]
    Z = linkage_graph(X, as_graph(12, edges), method)
    n_parts = 6                 # {0,1,2} {3} {4} {5,...,8} {9} {10,11}
    assert np.isfinite(Z[:12 - n_parts, 2]).all()
    assert (Z[12 - n_parts:, 2] == np.inf).all()
    assert_same_tree(Z, naive_graph_linkage(X, edges, method))
    assert fastclust.is_valid_linkage(Z, throw=True)
    # every tree function works on the forest
    labels = fastclust.fcluster(Z, n_parts, "maxclust")
    assert len(set(labels)) == n_parts
    for group in ([0, 1, 2], [5, 6, 7, 8], [10, 11]):
        assert len(set(labels[group])) == 1
    coph = fastclust.squareform(fastclust.cophenet(Z))
    assert coph[0, 3] == np.inf and np.isfinite(coph[0, 2])
    assert len(fastclust.dendrogram(Z, no_plot=True)["ivl"]) == 12
    assert fastclust.to_tree(Z).count == 12
    np.testing.assert_array_equal(np.sort(fastclust.leaves_list(Z)), np.arange(12))
    assert fastclust.cut_tree(Z, n_clusters=n_parts).max() == n_parts - 1


def test_disconnected_raise_and_estimator_errors(rng):
    X = rng.normal(size=(6, 2))
    g = as_graph(6, [(0, 1), (2, 3), (4, 5)])
    with pytest.raises(ValueError, match="has 3 connected parts"):
        linkage_graph(X, g, disconnected="raise")
    with pytest.raises(ValueError, match=r"`n_clusters`=2 is fewer than the 3 connected parts"):
        HierarchicalClustering(2, connectivity=g).fit(X)
    model = HierarchicalClustering(3, connectivity=g).fit(X)
    np.testing.assert_array_equal(model.labels_, [0, 0, 1, 1, 2, 2])
    assert model.n_connected_components_ == 3
    model = HierarchicalClustering(None, distance_threshold=1e9, connectivity=g).fit(X)
    assert model.n_clusters_ == 3


def test_no_edges_and_tiny_n():
    X = np.array([[0.0], [1.0]])
    np.testing.assert_array_equal(linkage_graph(X, np.zeros((2, 2))), [[0, 1, np.inf, 2]])
    np.testing.assert_array_equal(linkage_graph(X, np.ones((2, 2)), "single"), [[0, 1, 1, 2]])
    with pytest.raises(ValueError, match="at least 2 observations"):
        linkage_graph(X[:1], np.ones((1, 1)))


def test_huge_values_stay_finite():
    X = np.array([[0.0, 0.0], [1e150, 0.0], [3e150, 0.0], [3e150, 1e150]])
    g = as_graph(4, [(0, 1), (1, 2), (2, 3)])
    for method in METHODS:
        Z = linkage_graph(X, g, method)
        assert np.isfinite(Z[:, 2]).all(), method
        assert_same_tree(Z, naive_graph_linkage(X, [(0, 1), (1, 2), (2, 3)], method))


# ---- input forms and bad input -------------------------------------------------------------

def test_every_input_form_gives_the_same_tree(rng):
    sparse = pytest.importorskip("scipy.sparse")
    X = rng.normal(size=(20, 2))
    edges = random_edges(rng, 20, 50)
    u, v = (np.array(t) for t in zip(*edges))
    dense = np.zeros((20, 20))
    dense[u, v] = 1.0                                      # one direction only
    dense[3, 3] = 5.0                                      # a self-loop: ignored
    expected = linkage_graph(X, as_graph(20, edges), "average")
    forms = [dense, sparse.csr_matrix(dense), sparse.coo_array(dense), sparse.lil_matrix(dense),
             dense.T.copy(), sparse.csr_array(dense) * 3.5, lambda data: sparse.csr_matrix(dense),
             Graph(20, u, v), dense.astype(bool), dense.astype(np.int32)]
    for form in forms:
        np.testing.assert_array_equal(linkage_graph(X, form, "average"), expected)
    # an explicitly stored zero is no edge
    explicit = sparse.coo_array((np.r_[np.ones(len(u)), 0.0], (np.r_[u, 0], np.r_[v, 19])),
                                shape=(20, 20))
    np.testing.assert_array_equal(linkage_graph(X, explicit, "average"), expected)


def test_bad_input(rng):
    X = rng.normal(size=(5, 2))
    ok = np.ones((5, 5))
    bad_weights = ok.copy()
    bad_weights[1, 2] = -1.0
    nan_weights = ok.copy()
    nan_weights[2, 4] = np.nan
    cases = [
        (dict(connectivity=np.ones((4, 4))), ValueError,
         r"`connectivity` must be an \(n, n\) matrix for the n = 5 rows of `X`; got shape \(4, 4\)"),
        (dict(connectivity=np.ones(5)), ValueError, r"got shape \(5,\)"),
        (dict(connectivity=bad_weights), ValueError,
         r"weights must be finite and non-negative .* entry \(1, 2\) is -1.0"),
        (dict(connectivity=nan_weights), ValueError, r"entry \(2, 4\) is nan"),
        (dict(connectivity=np.full((5, 5), "a")), TypeError, "must hold numbers"),
        (dict(method="centroid"), ValueError, "`method` must be one of 'ward', 'single'"),
        (dict(method="ward", metric="cityblock"), ValueError, "requires metric='euclidean'"),
        (dict(method="average", metric="braycurtis"), ValueError, "`metric` must be one of"),
        (dict(method="average", metric="nope"), ValueError, "`metric` must be a callable"),
        (dict(pairs="some"), ValueError, "`pairs` must be 'edges' or 'all'; got 'some'"),
        (dict(disconnected="join"), ValueError, "`disconnected` must be one of"),
    ]
    for kwargs, exc, message in cases:
        args = dict(connectivity=ok)
        args.update(kwargs)
        with pytest.raises(exc, match=message):
            linkage_graph(X, **args)
    with pytest.raises(ValueError, match="must contain only finite values"):
        linkage_graph(np.array([[0.0], [np.nan]]), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"edge ends must lie in \[0, 3\)"):
        Graph(3, [0, 1], [1, 3])
    with pytest.raises(ValueError, match="`linkage` must be one of 'ward'"):
        HierarchicalClustering(2, linkage="median", connectivity=ok).fit(X)
    with pytest.raises(ValueError, match="`metric` must be one of"):
        HierarchicalClustering(2, linkage="average", metric="precomputed",
                               connectivity=ok).fit(fastclust.pdist(X))


def test_builders_bad_input():
    with pytest.raises(ValueError, match="positive sizes"):
        grid_graph((3, 0))
    with pytest.raises(ValueError, match=r"`mask` must have the grid's shape \(2, 3\)"):
        grid_graph((2, 3), np.ones((3, 2), bool))
    with pytest.raises(ValueError, match=r"`n_neighbors` must be in \[1, 2\] for 3 points"):
        knn_graph(np.zeros((3, 1)), 3)
    with pytest.raises(TypeError, match="`n_neighbors` must be an integer"):
        knn_graph(np.zeros((3, 1)), 1.5)


def test_progress_and_estimator_on_a_grid():
    rng = np.random.default_rng(7)
    image = np.zeros((12, 12))
    image[:, 6:] = 5.0
    image += 0.01 * rng.normal(size=image.shape)
    progress = Progress()
    with reporting(progress):
        labels = HierarchicalClustering(2, connectivity=grid_graph(image.shape)).fit_predict(
            image.reshape(-1, 1))
    assert progress.counters[0] == STAGE_MERGES and progress.counters[1] == progress.counters[2]
    np.testing.assert_array_equal(labels.reshape(image.shape)[:, :6], 0)
    np.testing.assert_array_equal(labels.reshape(image.shape)[:, 6:], 1)


def test_pairs_all_equals_naive_on_ties():
    coords = np.indices((3, 3)).reshape(2, -1).T.astype(float)
    g = grid_graph((3, 3))
    edges = list(zip(g.row.tolist(), g.col.tolist()))
    for method in ("complete", "average", "single"):
        assert_same_tree(linkage_graph(coords, g, method, pairs="all"),
                         naive_graph_linkage(coords, edges, method, "all"))


def test_dense_graph_combinations_small(rng):
    # every graph on 4 points: the kernel and the reference agree
    X = rng.normal(size=(4, 2))
    all_edges = list(itertools.combinations(range(4), 2))
    for mask in range(1 << len(all_edges)):
        edges = [e for b, e in enumerate(all_edges) if mask >> b & 1]
        for method in METHODS:
            assert_same_tree(linkage_graph(X, as_graph(4, edges), method),
                             naive_graph_linkage(X, edges, method))
