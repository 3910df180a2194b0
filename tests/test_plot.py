"""fastclust.plot: dendrogram and clustermap render with Agg and draw what they should."""
from __future__ import annotations

import io
import sys

import numpy as np
import pytest
from _naive import chain

import fastclust as fc

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

import fastclust.plot as fp  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def links(ax):
    (collection,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return collection


def png_bytes(fig) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return len(buf.getvalue())


@pytest.mark.parametrize("orientation, ticks", [("top", "bottom"), ("bottom", "top"),
                                                ("left", "right"), ("right", "left")])
def test_dendrogram_one_collection_of_all_links(rng, orientation, ticks):
    Z = fc.linkage(rng.random((30, 2)), "average")
    ax = fp.dendrogram(Z, orientation=orientation, labels=[f"s{i}" for i in range(30)])
    axis = ax.xaxis if orientation in ("top", "bottom") else ax.yaxis
    assert axis.get_ticks_position() == ticks          # the labels sit at the leaves
    assert len(links(ax).get_segments()) == 29
    ticks = ax.get_xticklabels() if orientation in ("top", "bottom") else ax.get_yticklabels()
    expected = [f"s{i}" for i in fc.leaves_list(Z)]
    assert [t.get_text() for t in ticks] == expected
    assert png_bytes(ax.figure) > 1000


@pytest.mark.parametrize("method", ["average", "centroid"])
def test_dendrogram_n_clusters_colours_exactly_k(rng, method):
    X = np.round(rng.random((60, 2)) * 4)         # ties; centroid also inversions
    Z = fc.linkage(X, method)
    palette = [f"#{i:02x}{255 - i:02x}80" for i in range(0, 250, 25)]   # 10 colours
    black = mpl.colors.to_rgba("black")
    for k in (1, 2, 5, 9):
        ax = fp.dendrogram(Z, n_clusters=k, above_threshold_color="black", palette=palette)
        colours = [tuple(c) for c in links(ax).get_colors()]
        assert sum(c == black for c in colours) == k - 1
        # each drawn link of a cluster has that cluster's colour: compare with the
        # clusters of cut_tree (exactly k, by merge order)
        labels = fc.cut_tree(Z, n_clusters=k)[:, 0]
        R = fc.dendrogram(Z, no_plot=True, color_threshold=-1)
        below = [c for c in colours if c != black]
        assert len(set(below)) <= k
        leaf_colour = {}
        for xs, ys, colour in zip(R["icoord"], R["dcoord"], colours):
            for x, y in ((xs[0], ys[0]), (xs[3], ys[3])):
                if y == 0.0 and colour != black:
                    leaf_colour[R["leaves"][int((x - 5) // 10)]] = colour
        for a in leaf_colour:
            for b in leaf_colour:
                assert (labels[a] == labels[b]) == (leaf_colour[a] == leaf_colour[b])
        plt.close(ax.figure)


def test_dendrogram_colour_threshold_like_scipy(rng):
    Z = fc.linkage(rng.random((40, 3)), "complete")
    t = float(np.median(Z[:, 2]))
    ax = fp.dendrogram(Z, color_threshold=t, above_threshold_color="black")
    colours = [tuple(c) for c in links(ax).get_colors()]
    expected_above = sum(c == "black" for c in
                         fc.dendrogram(Z, no_plot=True, color_threshold=t,
                                       above_threshold_color="black")["color_list"])
    assert sum(c == mpl.colors.to_rgba("black") for c in colours) == expected_above


def test_dendrogram_truncate_and_cut_line(rng):
    Z = fc.linkage(rng.random((50, 2)), "ward")
    ax = fp.dendrogram(Z, truncate=8, n_clusters=3, cut_line=True)
    assert len(links(ax).get_segments()) == 7
    assert len(ax.get_xticklabels()) == 8
    (cut,) = ax.get_lines()
    h = np.sort(Z[:, 2])
    assert h[-3] < cut.get_ydata()[0] < h[-2]


def test_dendrogram_large_deep_tree():
    n = 100_000
    ax = fp.dendrogram(chain(n))
    assert len(links(ax).get_segments()) == n - 1
    assert ax.get_xticklabels() == [] or len(ax.get_xticks()) == 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_clusters": 2, "color_threshold": 1.0}, ValueError, "not both"),
    ({"n_clusters": 0}, ValueError, r"n_clusters must be between 1 and .* \(4\); got 0"),
    ({"truncate": 2.5}, TypeError, "truncate must be an integer"),
    ({"labels": ["a"]}, ValueError, "labels has 1"),
    ({"orientation": "up"}, ValueError, "orientation must be one of"),
    ({"palette": []}, ValueError, "at least one colour"),
])
def test_dendrogram_errors(kwargs, error, match):
    Z = fc.linkage([[0.0], [1.0], [3.0], [7.0]], "single")
    with pytest.raises(error, match=match):
        fp.dendrogram(Z, **kwargs)


def test_clustermap_orders_follow_the_trees(rng):
    data = rng.normal(size=(40, 12)) + np.repeat(np.arange(4), 10)[:, None]
    cm = fp.clustermap(data, z_score=1, row_clusters=3, col_clusters=2,
                       row_labels=[f"r{i}" for i in range(40)],
                       col_labels=[f"c{j}" for j in range(12)])
    scaled = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    Zr = fc.linkage(scaled, "average")
    Zc = fc.linkage(scaled.T, "average")
    np.testing.assert_array_equal(cm.row_linkage, Zr)
    np.testing.assert_array_equal(cm.col_linkage, Zc)
    np.testing.assert_array_equal(cm.row_order, fc.leaves_list(Zr))
    np.testing.assert_array_equal(cm.col_order, fc.leaves_list(Zc))
    np.testing.assert_allclose(cm.data, scaled[np.ix_(cm.row_order, cm.col_order)])
    assert [t.get_text() for t in cm.ax_heatmap.get_yticklabels()] == \
        [f"r{i}" for i in cm.row_order]
    # the strips: exactly k clusters, contiguous in the drawn order
    assert set(cm.row_cluster_labels) == {1, 2, 3}
    drawn = cm.row_cluster_labels[cm.row_order]
    assert np.all(np.diff(drawn) >= 0)
    assert len(links(cm.ax_row_dendrogram).get_segments()) == 39
    assert png_bytes(cm.figure) > 1000


def test_clustermap_options(rng):
    data = rng.random((15, 6))
    cm = fp.clustermap(data, standard_scale=0, col_cluster=False, optimal_ordering=True,
                       center=0.5, colorbar=False)
    assert cm.col_linkage is None and cm.ax_col_dendrogram is None and cm.ax_colorbar is None
    np.testing.assert_array_equal(cm.col_order, np.arange(6))
    scaled = (data - data.min(axis=1, keepdims=True)) / np.ptp(data, axis=1, keepdims=True)
    expected = fc.linkage(scaled, "average", optimal_ordering=True)
    np.testing.assert_array_equal(cm.row_linkage, expected)
    assert cm.data.min() == 0.0 and cm.data.max() == 1.0


def test_clustermap_8000_by_8000_without_recursion():
    n = 8000
    data = np.zeros((n, n), dtype=np.float32)
    data[np.arange(n), np.arange(n)] = 1.0
    Z = chain(n)                    # a deep tree: seaborn (via SciPy) recurses here
    cm = fp.clustermap(data, row_linkage=Z, col_linkage=Z, figsize=(2, 2), colorbar=False)
    assert cm.data.shape == (n, n)
    np.testing.assert_array_equal(cm.row_order, np.arange(n))
    assert len(links(cm.ax_col_dendrogram).get_segments()) == n - 1


@pytest.mark.parametrize("kwargs, error, match", [
    ({"z_score": 0, "standard_scale": 1}, ValueError, "not both"),
    ({"z_score": 2}, ValueError, "z_score must be None, 0"),
    ({"row_linkage": np.array([[0.0, 1.0, 1.0, 2.0]])}, ValueError, "2 observations but data "
                                                                    "has 5 rows"),
    ({"row_labels": ["a"]}, ValueError, "row_labels must have 5 entries"),
    ({"row_cluster": False, "row_clusters": 2}, ValueError, "needs a row tree"),
    ({"dendrogram_ratio": 0.7}, ValueError, "dendrogram_ratio"),
])
def test_clustermap_errors(rng, kwargs, error, match):
    with pytest.raises(error, match=match):
        fp.clustermap(rng.random((5, 3)), **kwargs)


def test_clustermap_rejects_nan():
    data = np.ones((4, 3))
    data[2, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        fp.clustermap(data)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    Z = fc.linkage([[0.0], [1.0], [3.0]], "single")
    with pytest.raises(ImportError, match=r"pip install 'fastclust\[plot\]'"):
        fp.dendrogram(Z)
    with pytest.raises(ImportError, match=r"fastclust\[plot\]"):
        fp.clustermap(np.ones((3, 2)))


# ---- forests (linkage_graph on a disconnected graph) and segmentation --------------------

def forest():
    X = np.random.default_rng(0).normal(size=(12, 2))
    return fc.linkage_graph(X, fc.Graph(12, [0, 1, 5, 6, 7, 10], [1, 2, 6, 7, 8, 11]), "average")


@pytest.mark.parametrize("draw", ["plot", "scipy"])
def test_forest_is_drawn_with_inf_joins_on_a_marked_level(draw):
    Z = forest()
    finite_top = Z[np.isfinite(Z[:, 2]), 2].max()
    if draw == "plot":
        ax = fp.dendrogram(Z)
        segments = links(ax).get_segments()
    else:
        ax = plt.figure().gca()
        fc.dendrogram(Z, ax=ax)
        segments = [s for c in ax.collections for s in c.get_segments()]
    heights = np.concatenate([s[:, 1] for s in segments])
    assert np.isfinite(heights).all()
    level = heights.max()
    assert level > finite_top
    lo, hi = ax.get_ylim()
    assert np.isfinite([lo, hi]).all() and hi > level
    assert any(t.get_text().strip() == "+inf" for t in ax.texts)


def test_segmentation_paints_the_boundaries():
    image = np.zeros((6, 8))
    labels = np.zeros((6, 8), dtype=int)
    labels[:, 5:] = 1
    labels[4:, :5] = 2
    ax = fp.segmentation(image, labels.ravel(), boundary_color="red", fill_alpha=0.25)
    overlay = ax.images[1].get_array()
    red = np.all(np.asarray(overlay) == mpl.colors.to_rgba("red"), axis=-1)
    expected = np.zeros((6, 8), dtype=bool)
    expected[:, 4] = True                 # right neighbour in region 1
    expected[3, :5] = True                # lower neighbour in region 2
    np.testing.assert_array_equal(red, expected)
    assert np.allclose(np.asarray(overlay)[~expected][:, 3], 0.25)


def test_segmentation_bad_input():
    with pytest.raises(ValueError, match=r"one entry per pixel \(2 x 3 = 6\); got 5"):
        fp.segmentation(np.zeros((2, 3)), np.zeros(5))
    with pytest.raises(ValueError, match=r"image must have shape"):
        fp.segmentation(np.zeros((2, 3, 2)), np.zeros(6))
    with pytest.raises(ValueError, match=r"fill_alpha must be in \[0, 1\]"):
        fp.segmentation(np.zeros((2, 3)), np.zeros(6), fill_alpha=2)
