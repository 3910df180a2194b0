"""dendrogram() and set_link_color_palette(): SciPy's results, without recursion, and drawing."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from _naive import chain

import fastclust as fc

sch = pytest.importorskip("scipy.cluster.hierarchy")

METHODS = ["single", "complete", "average", "weighted", "ward", "centroid", "median"]



def options(rng, n):
    """Every option of dendrogram's layout, with random values where they take one."""
    labels = [f"obs{i}" for i in range(n)]
    return [
        {},
        {"truncate_mode": "lastp", "p": int(rng.integers(0, n + 3))},
        {"truncate_mode": "lastp", "p": 1},
        {"truncate_mode": "level", "p": int(rng.integers(-1, 6))},
        {"truncate_mode": "mtica", "p": 2},
        {"truncate_mode": "none"},
        {"count_sort": True},
        {"count_sort": "descending"},
        {"distance_sort": True},
        {"distance_sort": "descending"},
        {"count_sort": "ascending", "distance_sort": "descending"},
        {"color_threshold": float(rng.random())},
        {"color_threshold": 0},
        {"color_threshold": "default", "above_threshold_color": "k"},
        {"truncate_mode": "lastp", "p": 4, "show_contracted": True},
        {"truncate_mode": "level", "p": 2, "show_leaf_counts": False},
        {"labels": labels},
        {"labels": np.arange(n) * 10, "orientation": "left"},
    ]


@pytest.mark.parametrize("method", METHODS)
def test_same_result_as_scipy(rng, method):
    for trial in range(12):
        n = int(rng.integers(2, 30))
        X = rng.random((n, 2))
        if trial % 3 == 0:
            X = np.round(X * 3)      # ties and zero-height merges
        Z = fc.linkage(X, method)
        for kwargs in options(rng, n):
            expected = sch.dendrogram(Z, no_plot=True, **kwargs)
            got = fc.dendrogram(Z, no_plot=True, **kwargs)
            assert got == expected, (method, n, kwargs)


def test_callbacks_like_scipy(rng):
    Z = fc.linkage(rng.random((25, 3)), "average")

    def link_colour(i):
        return "red" if i % 2 else "blue"

    def leaf_label(i):
        return f"<{i}>"

    for kwargs in [{"link_color_func": link_colour}, {"leaf_label_func": leaf_label},
                   {"leaf_label_func": leaf_label, "truncate_mode": "lastp", "p": 6}]:
            assert fc.dendrogram(Z, no_plot=True, **kwargs) == sch.dendrogram(Z, no_plot=True,
                                                                           **kwargs)


def test_palette_is_global_and_resettable():
    Z = fc.linkage([[0.0], [1.0], [10.0], [11.0], [30.0]], "single")
    try:
        fc.set_link_color_palette(["m", "y"])
        sch.set_link_color_palette(["m", "y"])
        got = fc.dendrogram(Z, no_plot=True, color_threshold=5)
        assert got == sch.dendrogram(Z, no_plot=True, color_threshold=5)
        assert set(got["color_list"]) == {"m", "y", "C0"}
    finally:
        fc.set_link_color_palette(None)
        sch.set_link_color_palette(None)
    assert fc.dendrogram(Z, no_plot=True, color_threshold=5)["color_list"][0] == "C1"


def test_deep_chain_without_recursion():
    n = 3 * sys.getrecursionlimit()
    Z = chain(n)
    with pytest.raises(RecursionError):
        sch.dendrogram(Z, no_plot=True)
    R = fc.dendrogram(Z, no_plot=True)
    assert R["leaves"] == fc.leaves_list(Z).tolist()
    assert R["ivl"] == [str(i) for i in R["leaves"]]
    assert len(R["icoord"]) == len(R["dcoord"]) == len(R["color_list"]) == n - 1
    # the root is the last link; it spans from the middle of the rest to the last leaf
    assert R["dcoord"][-1] == [n - 2.0, n - 1.0, n - 1.0, 0.0]
    assert R["icoord"][-1][2] == 10 * (n - 1) + 5


def test_scales_to_a_large_chain():
    n = 200_000
    R = fc.dendrogram(chain(n), no_plot=True, truncate_mode="lastp", p=n)
    assert len(R["ivl"]) == n
    assert R["leaves_color_list"][0] == R["color_list"][0]


def test_get_leaves_false():
    Z = fc.linkage(np.arange(6.0)[:, None] ** 2, "single")
    R = fc.dendrogram(Z, no_plot=True, get_leaves=False)
    assert R["leaves"] is None
    assert R["ivl"] == sch.dendrogram(Z, no_plot=True)["ivl"]   # SciPy raises TypeError here
    assert len(R["leaves_color_list"]) == 6


def test_two_observations():
    Z = np.array([[0.0, 1.0, 2.5, 2.0]])
    R = fc.dendrogram(Z, no_plot=True)
    assert R == sch.dendrogram(Z, no_plot=True)
    assert R["icoord"] == [[5.0, 5.0, 15.0, 15.0]]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"orientation": "up"}, ValueError, "orientation must be one of"),
    ({"labels": ["a", "b"]}, ValueError, "Z has 4 observations, labels has 2 entries"),
    ({"p": "30"}, TypeError, "p must be a number"),
    ({"truncate_mode": "last"}, ValueError, "truncate_mode must be"),
    ({"count_sort": "up"}, ValueError, "count_sort must be"),
    ({"distance_sort": 2}, ValueError, "distance_sort must be"),
    ({"link_color_func": lambda i: 3}, TypeError, "for cluster 4 it returned 3"),
])
def test_errors(kwargs, error, match):
    Z = fc.linkage([[0.0], [1.0], [3.0], [7.0]], "single")
    with pytest.raises(error, match=match):
        fc.dendrogram(Z, no_plot=True, **kwargs)


def test_invalid_linkage():
    with pytest.raises(ValueError, match="Z"):
        fc.dendrogram(np.array([[0.0, 0.0, 1.0, 2.0]]), no_plot=True)


@pytest.mark.parametrize("palette, error, match", [
    ("C1", TypeError, "list or tuple"),
    (["C1", 2], TypeError, "entry 1 is 2"),
    ([], ValueError, "at least one colour"),
])
def test_palette_errors(palette, error, match):
    with pytest.raises(error, match=match):
        fc.set_link_color_palette(palette)


# ---------------------------------------------------------------- drawing

@pytest.fixture
def agg_axes():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.mark.parametrize("orientation", ["top", "bottom", "left", "right"])
def test_draws_one_collection_per_colour(rng, agg_axes, orientation):
    from matplotlib.collections import LineCollection
    Z = fc.linkage(rng.random((40, 2)), "average")
    R = fc.dendrogram(Z, ax=agg_axes, orientation=orientation)
    collections = [c for c in agg_axes.collections if isinstance(c, LineCollection)]
    assert len(collections) == len(set(R["color_list"]))
    assert sum(len(c.get_segments()) for c in collections) == 39
    labels = (agg_axes.get_xticklabels() if orientation in ("top", "bottom")
              else agg_axes.get_yticklabels())
    assert [t.get_text() for t in labels] == R["ivl"]
    agg_axes.figure.savefig(__import__("io").BytesIO(), format="png")


def test_draws_contraction_marks(rng, agg_axes):
    from matplotlib.patches import Ellipse
    Z = fc.linkage(rng.random((30, 2)), "complete")
    fc.dendrogram(Z, ax=agg_axes, truncate_mode="lastp", p=5, show_contracted=True)
    marks = [a for a in agg_axes.get_children() if isinstance(a, Ellipse)]
    # 29 merges, 4 drawn, 25 hidden in the 5 leaves; a truncated cluster is
    # marked for the merges below its own, observations carry none
    hidden = 29 - 4
    singles = sum(1 for leaf in fc.dendrogram(Z, no_plot=True, truncate_mode="lastp",
                                              p=5)["leaves"] if leaf < 30)
    assert len(marks) == hidden - (5 - singles)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    Z = fc.linkage([[0.0], [1.0], [3.0]], "single")
    with pytest.raises(ImportError, match=r"fastclust\[plot\]"):
        fc.dendrogram(Z)
    assert fc.dendrogram(Z, no_plot=True)["ivl"] == ["2", "0", "1"]


def test_any_memory_layout_of_Z(rng):
    Z = fc.linkage(rng.random((12, 2)), "average")
    expected = fc.dendrogram(Z, no_plot=True)
    assert fc.dendrogram(np.asfortranarray(Z), no_plot=True) == expected
    assert fc.dendrogram(np.hstack([Z, Z])[:, :4], no_plot=True) == expected
    assert fc.dendrogram(Z.astype(np.float32), no_plot=True)["leaves"] == expected["leaves"]


def test_level_with_a_huge_p_means_no_truncation(rng):
    Z = fc.linkage(rng.random((12, 2)), "average")
    assert fc.dendrogram(Z, no_plot=True, truncate_mode="level", p=10 ** 20) == \
        sch.dendrogram(Z, no_plot=True, truncate_mode="level", p=10 ** 20)


def test_sort_options_are_validated_together():
    Z = fc.linkage([[0.0], [1.0], [3.0], [7.0]], "single")
    with pytest.raises(ValueError, match="count_sort must be"):
        fc.dendrogram(Z, no_plot=True, count_sort="up", distance_sort=True)
    assert fc.dendrogram(Z, no_plot=True, count_sort=np.True_) == \
        sch.dendrogram(Z, no_plot=True, count_sort=True)


def test_contraction_marks_like_scipy(rng, monkeypatch):
    """Both libraries hand the same marks to their drawing code."""
    import fastclust.plot
    captured = {}
    monkeypatch.setattr(sch, "_plot_dendrogram",
                        lambda *a, **k: captured.__setitem__("scipy", k["contraction_marks"]))
    monkeypatch.setattr(fastclust.plot, "_draw_scipy_dendrogram",
                        lambda *a: captured.__setitem__("ours", a[6]))
    for method in ("average", "centroid"):
        Z = fc.linkage(rng.random((40, 2)), method)
        for kwargs in ({"truncate_mode": "lastp", "p": 6}, {"truncate_mode": "level", "p": 3}):
            sch.dendrogram(Z, show_contracted=True, **kwargs)
            fc.dendrogram(Z, show_contracted=True, **kwargs)
            ours = [tuple(map(float, m)) for m in captured["ours"]]
            theirs = [tuple(map(float, m)) for m in captured["scipy"]]
            assert ours == theirs and len(ours) > 0
