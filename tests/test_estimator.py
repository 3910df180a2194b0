"""HierarchicalClustering: parameters, every linkage and metric, the two cuts, scikit-learn."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import fastclust
from fastclust import HierarchicalClustering
from fastclust._tree import _labels_by_count as cut_by_count

LINKAGES = ("single", "complete", "average", "weighted", "ward", "centroid", "median",
            "diana", "bisecting")
MONOTONE = ("single", "complete", "average", "weighted", "ward", "diana", "bisecting")


def same_partition(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def blobs(rng, n=60, d=3, k=4):
    centres = rng.uniform(-20, 20, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(size=(n, d))


def reference_tree(X, linkage, metric="euclidean", random_state=None):
    if linkage == "diana":
        return fastclust.diana(X, metric=metric)
    if linkage == "bisecting":
        return fastclust.bisecting(X, random_state=random_state)
    return fastclust.linkage(X, linkage, metric=metric)


# ---- parameters --------------------------------------------------------------------------------

def test_constructor_stores_parameters_only():
    model = HierarchicalClustering(5, linkage="nonsense", metric=3, distance_threshold="x")
    assert model.get_params() == dict(n_clusters=5, linkage="nonsense", metric=3,
                                      distance_threshold="x", random_state=None, workers=None,
                                      connectivity=None, pairs="edges")
    assert not [k for k in vars(model) if k.endswith("_")]


def test_get_set_params_and_repr():
    model = HierarchicalClustering()
    assert model.set_params(n_clusters=None, distance_threshold=1.5) is model
    assert model.get_params(deep=False)["distance_threshold"] == 1.5
    assert repr(model) == "HierarchicalClustering(distance_threshold=1.5, n_clusters=None)"
    assert repr(HierarchicalClustering()) == "HierarchicalClustering()"
    with pytest.raises(ValueError, match="Invalid parameter 'n_cluster'.*valid parameters"):
        model.set_params(n_cluster=3)


@pytest.mark.parametrize("params, exc, match", [
    (dict(n_clusters=None), ValueError, "Exactly one of `n_clusters` and `distance_threshold`"),
    (dict(n_clusters=2, distance_threshold=1.0), ValueError, "Exactly one of"),
    (dict(n_clusters=0), ValueError, "`n_clusters` must be at least 1; got 0"),
    (dict(n_clusters=2.5), TypeError, "`n_clusters` must be an integer or None; got 2.5"),
    (dict(n_clusters=True), TypeError, "`n_clusters` must be an integer"),
    (dict(n_clusters=7), ValueError, "`n_clusters` must be at most the number of samples "
                                     "\\(n_samples=6\\); got 7"),
    (dict(n_clusters=None, distance_threshold=-1.0), ValueError,
     "`distance_threshold` must be a non-negative number; got -1.0"),
    (dict(n_clusters=None, distance_threshold=float("nan")), ValueError, "non-negative"),
    (dict(n_clusters=None, distance_threshold="1"), TypeError, "`distance_threshold` must be"),
    (dict(linkage="wards"), ValueError, "`linkage` must be one of 'single', .*'bisecting'; "
                                        "got 'wards'"),
    (dict(linkage=None), ValueError, "`linkage` must be one of"),
    (dict(metric="nope"), ValueError, "`metric` must be a callable or one of"),
    (dict(linkage="ward", metric="cityblock"), ValueError,
     "`linkage='ward'` requires metric='euclidean' or 'precomputed'; got metric='cityblock'"),
    (dict(linkage="median", metric="cosine"), ValueError, "`linkage='median'` requires"),
    (dict(linkage="bisecting", metric="precomputed"), ValueError,
     "`linkage='bisecting'` requires metric='euclidean'; got metric='precomputed'"),
    (dict(linkage="bisecting", random_state="seed"), TypeError, "`random_state`"),
    (dict(workers=0), ValueError, "`workers` must be None, -1 or a positive integer; got 0"),
])
def test_invalid_parameters_raise_at_fit(params, exc, match):
    X = np.arange(12.0).reshape(6, 2) ** 1.5
    model = HierarchicalClustering(**params)        # never raises
    with pytest.raises(exc, match=match):
        model.fit(X)


@pytest.mark.parametrize("X, params, exc, match", [
    (np.ones((1, 3)), {}, ValueError, "at least 2 samples.*n_samples=1"),
    (np.ones((0, 3)), {}, ValueError, "n_samples=0"),
    (np.ones((5, 0)), {}, ValueError, "0 feature\\(s\\)"),
    (np.ones(5), {}, ValueError, "2-D array.*got 1 dimension"),
    (np.ones((2, 2, 2)), {}, ValueError, "2-D array"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), {}, ValueError, "NaN or inf; entry \\[0, 1\\]"),
    (np.array([[1.0, np.inf], [0.0, 1.0]]), {}, ValueError, "NaN or inf"),
    (np.ones((3, 2), dtype=complex), {}, ValueError, "Complex data not supported"),
    ([["a", "b"], ["c", "d"]], {}, ValueError, "could not convert"),
    (np.ones((3, 2)), dict(metric="precomputed"), ValueError, "square distance matrix"),
    (np.ones(4), dict(metric="precomputed"), ValueError, "not n\\*\\(n-1\\)/2"),
    (np.array([[0.0, 1.0], [2.0, 0.0]]), dict(metric="precomputed"), ValueError,
     "symmetric.*entry \\[0, 1\\] is 1.0 but \\[1, 0\\] is 2.0"),
    (np.array([[1.0, 1.0], [1.0, 0.0]]), dict(metric="precomputed"), ValueError,
     "zero diagonal.*entry \\[0, 0\\] is 1.0"),
    (np.array([[0.0, -1.0], [-1.0, 0.0]]), dict(metric="precomputed"), ValueError,
     "Negative values in data"),
])
def test_invalid_input(X, params, exc, match):
    with pytest.raises(exc, match=match):
        HierarchicalClustering(**params).fit(X)


def test_sparse_input_is_rejected_clearly():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="sparse input is not supported"):
        HierarchicalClustering().fit(sparse.csr_matrix(np.eye(4)))


# ---- fitted attributes -------------------------------------------------------------------------

@pytest.mark.parametrize("linkage", LINKAGES)
def test_attributes_for_every_linkage(linkage, rng):
    X = blobs(rng)
    model = HierarchicalClustering(4, linkage=linkage, random_state=0)
    assert model.fit(X) is model
    Z = reference_tree(X, linkage, random_state=0)
    np.testing.assert_array_equal(model.linkage_matrix_, Z)
    np.testing.assert_array_equal(model.children_, Z[:, :2].astype(np.intp))
    np.testing.assert_array_equal(model.distances_, Z[:, 2])
    np.testing.assert_array_equal(model.counts_, Z[:, 3].astype(np.intp))
    assert model.children_.dtype == np.intp and model.counts_.dtype == np.intp
    assert (model.n_leaves_, model.n_features_in_, model.n_clusters_) == (60, 3, 4)
    np.testing.assert_array_equal(model.labels_, cut_by_count(Z, 4))
    # labels 0..k-1 in order of first appearance
    first = [int(model.labels_[np.flatnonzero(model.labels_ == k)[0]]) for k in range(4)]
    assert sorted(first) == first == [0, 1, 2, 3]
    assert np.flatnonzero(model.labels_ == 0)[0] == 0
    np.testing.assert_array_equal(model.fit_predict(X), model.labels_)


@pytest.mark.parametrize("linkage", ["single", "complete", "average", "weighted", "diana"])
@pytest.mark.parametrize("metric", ["cityblock", "cosine", "chebyshev", "minkowski", "canberra"])
def test_metrics(linkage, metric, rng):
    X = rng.uniform(0.1, 1.0, size=(25, 4))
    model = HierarchicalClustering(3, linkage=linkage, metric=metric).fit(X)
    np.testing.assert_array_equal(model.linkage_matrix_, reference_tree(X, linkage, metric))


def test_callable_metric_and_precomputed_forms(rng):
    X = rng.normal(size=(20, 3))
    y = fastclust.pdist(X, "cityblock")
    want = HierarchicalClustering(3, linkage="average", metric="cityblock").fit(X)
    for data, metric in ((fastclust.squareform(y), "precomputed"), (y, "precomputed"),
                         (X, lambda u, v: float(np.abs(u - v).sum()))):
        got = HierarchicalClustering(3, linkage="average", metric=metric).fit(data)
        np.testing.assert_array_equal(got.linkage_matrix_, want.linkage_matrix_)
        np.testing.assert_array_equal(got.labels_, want.labels_)
    assert HierarchicalClustering(metric="precomputed").fit(y).n_features_in_ == 20
    # ward on precomputed Euclidean distances is ward on the observations
    ward = HierarchicalClustering(3, metric="precomputed").fit(fastclust.pdist(X))
    np.testing.assert_allclose(ward.linkage_matrix_,
                               HierarchicalClustering(3).fit(X).linkage_matrix_, rtol=1e-12)


def test_nearly_symmetric_precomputed_matrix_is_accepted(rng):
    D = fastclust.squareform(fastclust.pdist(rng.normal(size=(15, 2))))
    noisy = D.copy()
    noisy[0, 1] *= 1 + 1e-15
    model = HierarchicalClustering(2, linkage="complete", metric="precomputed").fit(noisy)
    assert model.n_leaves_ == 15


def test_refit_updates_everything(rng):
    model = HierarchicalClustering(2)
    model.fit(rng.normal(size=(10, 2)))
    model.set_params(n_clusters=3).fit(rng.normal(size=(7, 5)))
    assert (model.n_leaves_, model.n_features_in_, model.n_clusters_) == (7, 5, 3)
    assert model.labels_.shape == (7,) and model.linkage_matrix_.shape == (6, 4)


def test_pickle_round_trip(rng):
    model = HierarchicalClustering(3, linkage="diana").fit(rng.normal(size=(12, 2)))
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.labels_, model.labels_)
    assert again.get_params() == model.get_params()


# ---- threshold against n_clusters, and fcluster ------------------------------------------------

def test_threshold_is_strict():
    X = np.array([[0.0], [1.0], [3.0], [10.0]])      # single linkage heights 1, 2, 7
    labels = lambda t: HierarchicalClustering(None, linkage="single",  # noqa: E731
                                              distance_threshold=t).fit(X)
    assert labels(1.0).n_clusters_ == 4               # a merge at exactly t is not made
    assert labels(np.nextafter(1.0, 2.0)).n_clusters_ == 3
    assert labels(2.0).n_clusters_ == 3
    assert labels(7.5).n_clusters_ == 1
    assert labels(0.0).n_clusters_ == 4
    np.testing.assert_array_equal(labels(2.5).labels_, [0, 0, 0, 1])
    assert labels(2.5).n_clusters is None


@pytest.mark.parametrize("linkage", LINKAGES)
def test_threshold_agrees_with_fcluster_and_n_clusters(linkage, rng):
    X = blobs(rng, n=50)
    Z = reference_tree(X, linkage, random_state=0)
    heights = np.unique(Z[:, 2])
    # thresholds between heights, where strict and non-strict cuts agree
    for t in (heights[:-1] + heights[1:])[:: max(1, len(heights) // 6)] / 2:
        model = HierarchicalClustering(None, linkage=linkage, distance_threshold=t,
                                       random_state=0).fit(X)
        assert same_partition(model.labels_, fastclust.fcluster(Z, t, "distance"))
        if linkage in MONOTONE:
            again = HierarchicalClustering(model.n_clusters_, linkage=linkage,
                                           random_state=0).fit(X)
            np.testing.assert_array_equal(again.labels_, model.labels_)


@pytest.mark.parametrize("linkage", MONOTONE)
def test_n_clusters_agrees_with_fcluster_maxclust(linkage, rng):
    X = blobs(rng, n=40)
    model = HierarchicalClustering(linkage=linkage, random_state=1)
    for k in (1, 2, 3, 4, 5, 6, 40):
        model.set_params(n_clusters=k).fit(X)
        assert model.n_clusters_ == k
        h = model.distances_
        if 1 < k < 40 and h[40 - k - 1] == h[40 - k]:
            # a tie at the cut (DIANA: a part can keep its whole's diameter): fcluster
            # cannot cut there and returns fewer clusters; the first n - k rows still
            # give exactly k
            assert len(set(fastclust.fcluster(model.linkage_matrix_, k, "maxclust"))) < k
            continue
        assert same_partition(model.labels_,
                              fastclust.fcluster(model.linkage_matrix_, k, "maxclust"))


def test_inversions_never_split_a_cluster_at_a_threshold():
    # centroid linkage with an inversion: the second merge is lower than the first
    X = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.8]])
    Z = fastclust.linkage(X, "centroid")
    assert Z[1, 2] < Z[0, 2]
    t = (Z[0, 2] + Z[1, 2]) / 2
    model = HierarchicalClustering(None, linkage="centroid", distance_threshold=t).fit(X)
    assert model.n_clusters_ == 3       # the lower merge sits above the higher one


# ---- scikit-learn ------------------------------------------------------------------------------

@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_same_clusters_as_sklearn(linkage, rng):
    cluster = pytest.importorskip("sklearn.cluster")
    X = blobs(rng, n=80)
    for params in (dict(n_clusters=4), dict(n_clusters=None, distance_threshold=3.0)):
        ours = HierarchicalClustering(linkage=linkage, **params).fit(X)
        theirs = cluster.AgglomerativeClustering(linkage=linkage, **params).fit(X)
        assert ours.n_clusters_ == theirs.n_clusters_
        assert same_partition(ours.labels_, theirs.labels_)
        np.testing.assert_array_equal(ours.n_leaves_, theirs.n_leaves_)
    # strictness as scikit-learn: threshold exactly at a merge height
    t = float(ours.distances_[-5])
    ours = HierarchicalClustering(None, linkage=linkage, distance_threshold=t).fit(X)
    theirs = cluster.AgglomerativeClustering(None, linkage=linkage, distance_threshold=t).fit(X)
    assert ours.n_clusters_ == theirs.n_clusters_
    assert same_partition(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(np.sort(ours.distances_), np.sort(theirs.distances_), rtol=1e-9)


CHECK_CONFIGS = [
    dict(),
    dict(linkage="average", metric="cityblock", n_clusters=3),
    dict(linkage="diana"),
    dict(linkage="bisecting", random_state=0),
    dict(linkage="complete", metric="precomputed"),
]


@pytest.mark.parametrize("params", CHECK_CONFIGS, ids=lambda p: repr(p))
def test_check_estimator(params):
    pytest.importorskip("sklearn", minversion="1.6")     # the Tags API of __sklearn_tags__
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        # "does not inherit from BaseEstimator" (on purpose: no sklearn dependency) and
        # SkipTestWarning for the array-API check
        warnings.simplefilter("ignore")
        results = check_estimator(HierarchicalClustering(**params), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])) for r in results
              if r["status"] == "failed"]
    assert not failed
    assert sum(r["status"] == "passed" for r in results) >= 35


def test_pipeline_and_clone():
    pytest.importorskip("sklearn", minversion="1.6")
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from fastclust.datasets import load_usarrests

    X = load_usarrests().data
    pipe = make_pipeline(StandardScaler(), HierarchicalClustering(4, linkage="average"))
    labels = pipe.fit_predict(X)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    np.testing.assert_array_equal(labels,
                                  HierarchicalClustering(4, linkage="average").fit_predict(Xs))
    pipe.set_params(hierarchicalclustering__n_clusters=2)
    assert len(set(pipe.fit_predict(X).tolist())) == 2
    copy = clone(HierarchicalClustering(3, linkage="diana"))
    assert copy.get_params()["linkage"] == "diana" and not hasattr(copy, "labels_")


# ---- plotting ----------------------------------------------------------------------------------

def test_plot_dendrogram_requires_fit():
    with pytest.raises(ValueError, match="not fitted yet"):
        HierarchicalClustering().plot_dendrogram()


def test_plot_dendrogram():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = HierarchicalClustering(3).fit(np.arange(20.0).reshape(10, 2) ** 1.3)
    fig, ax = plt.subplots()
    assert model.plot_dendrogram(ax=ax, above_threshold_color="black") is ax
    (links,) = ax.collections
    assert len(links.get_segments()) == 9
    black = matplotlib.colors.to_rgba("black")
    # coloured by the 3 fitted clusters: the last 2 merges are above the cut
    assert sum(tuple(c) == black for c in links.get_colors()) == 2
    plt.close(fig)
    plt.close(fig)
