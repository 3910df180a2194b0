"""Pictures of hierarchical clusterings: dendrograms, clustered heatmaps, image regions.

Needs matplotlib (the optional extra ``fastclust[plot]``), imported only when
something is drawn. The layouts come from fastclust's compiled, non-recursive
dendrogram walk, so trees of any depth and 10^5 leaves and more can be drawn
(every link of a tree goes into one LineCollection).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["ClusterMap", "clustermap", "dendrogram", "segmentation"]


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
        import matplotlib.collections  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "drawing needs matplotlib, which is not installed: pip install 'fastclust[plot]' "
            "(or pass no_plot=True to get the layout only)") from exc
    import matplotlib
    return matplotlib


# Label size and rotation by number of leaves: SciPy's steps, so that drop-in
# plots look the same.
_FONT_SIZE_STEPS = ((20, 12), (30, 10), (50, 8), (85, 6), (float("inf"), 5))
_ROTATION_STEPS = ((20, 0), (40, 45), (float("inf"), 90))


def _drawn_heights(heights, finite_top):
    """Heights to draw, with +inf (the joins of the parts of a disconnected graph,
    see linkage_graph) put at a level above the highest finite merge; returns the
    heights and that level, or None when there is no +inf."""
    heights = np.asarray(heights, dtype=np.float64)
    infinite = np.isinf(heights)
    if not infinite.any():
        return heights, None
    level = 1.15 * finite_top if finite_top > 0 else 1.0
    return np.where(infinite, level, heights), level


def _mark_infinite(ax, level, vertical):
    """A dotted line at the level where +inf joins are drawn, labelled."""
    line = ax.axhline if vertical else ax.axvline
    line(level, color="0.5", linestyle=":", linewidth=0.8)
    if vertical:
        ax.text(0, level, " +inf", va="bottom", ha="left", size=8, color="0.4")
    else:
        ax.text(level, 0, "+inf", va="bottom", ha="center", size=8, color="0.4")


def _step(steps, count):
    for limit, value in steps:
        if count <= limit:
            return value
    return steps[-1][1]


def _draw_scipy_dendrogram(R, max_height, orientation, no_labels, leaf_font_size,
                           leaf_rotation, contraction_marks, ax, above_threshold_color):
    """Draw the layout `R` of `dendrogram` as SciPy does: one LineCollection per colour."""
    mpl = _require_matplotlib()
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Ellipse
    if ax is None:
        import matplotlib.pyplot as plt
        ax = plt.gca()
        redraw = True
    else:
        redraw = False
    ivl = R["ivl"]
    width = len(ivl) * 10
    drawn, level = R["dcoord"], None
    if not np.isfinite(max_height):
        finite = [y for ys in drawn for y in ys if np.isfinite(y)]
        drawn, level = _drawn_heights(drawn, max(finite) if finite else 0.0)
        max_height = level
    span = max_height * 1.05
    ticks = [10 * k + 5 for k in range(len(ivl))]
    vertical = orientation in ("top", "bottom")
    if vertical:
        ax.set_xlim(0, width)
        ax.set_ylim((0, span) if orientation == "top" else (span, 0))
        tick_axis, set_ticks, set_labels = ax.xaxis, ax.set_xticks, ax.set_xticklabels
    else:
        ax.set_ylim(0, width)
        ax.set_xlim((span, 0) if orientation == "left" else (0, span))
        tick_axis, set_ticks, set_labels = ax.yaxis, ax.set_yticks, ax.set_yticklabels
    if no_labels:
        set_ticks([])
        set_labels([])
    else:
        set_ticks(ticks)
        tick_axis.set_ticks_position({"top": "bottom", "bottom": "top",
                                      "left": "right", "right": "left"}[orientation])
        for line in (ax.get_xticklines() if vertical else ax.get_yticklines()):
            line.set_visible(False)     # tick marks would cover the links' feet
        size = _step(_FONT_SIZE_STEPS, len(ivl)) if leaf_font_size is None else leaf_font_size
        if vertical:
            rotation = (_step(_ROTATION_STEPS, len(ivl)) if leaf_rotation is None
                        else leaf_rotation)
            set_labels(ivl, rotation=rotation, size=size)
        elif leaf_rotation is not None:
            set_labels(ivl, rotation=leaf_rotation, size=size)
        else:
            set_labels(ivl, size=size)

    by_colour: dict[str, list] = {}
    for xs, ys, colour in zip(R["icoord"], drawn, R["color_list"]):
        points = list(zip(xs, ys)) if vertical else list(zip(ys, xs))
        by_colour.setdefault(colour, []).append(points)
    # the links above the threshold go last, on top
    for colour in sorted(by_colour, key=lambda c: c == above_threshold_color):
        ax.add_collection(LineCollection(by_colour[colour], colors=(colour,)))
    if level is not None:
        _mark_infinite(ax, level, vertical)
    for x, y in contraction_marks or ():
        centre, size = ((x, y), (1.0, span / 100)) if vertical else ((y, x), (span / 100, 1.0))
        mark = Ellipse(centre, width=size[0], height=size[1])
        ax.add_artist(mark)
        mark.set_clip_box(ax.bbox)
        mark.set_alpha(0.5)
        mark.set_facecolor("k")
    if redraw:
        mpl.pyplot.draw_if_interactive()
    return ax


# ---------------------------------------------------------------- dendrogram

_DEFAULT_COLOURS = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")


def _cut_colours(Z, n_clusters):
    """Colour code of every link for exactly `n_clusters` clusters by merge order.

    The last k - 1 merges are above the cut (code -1); every other link gets the
    index of its cluster (the subtree hanging below the cut), clusters numbered
    in leaf order. Exact also with tied heights and inversions.
    """
    from ._tree import _layout
    n = Z.shape[0] + 1
    k = n_clusters
    children = Z[:, :2].astype(np.intp)
    size, start, _ = _layout(children, n)
    cluster_root = np.full(2 * n - 1, -1, dtype=np.intp)
    if k == 1:
        cluster_root[2 * n - 2] = 2 * n - 2      # one cluster: the whole tree
    for s in range(n - 2, -1, -1):           # top-down
        v = n + s
        for c in children[s]:
            if c >= 2 * n - k:               # c is above the cut itself
                continue
            if s >= n - k:                   # v is above the cut: c starts a cluster
                cluster_root[c] = c
            else:
                cluster_root[c] = cluster_root[v]
    roots = np.unique(cluster_root[cluster_root >= 0])
    rank = np.empty(2 * n - 1, dtype=np.intp)
    rank[roots[np.argsort(start[roots], kind="stable")]] = np.arange(len(roots))
    codes = np.where(cluster_root >= 0, rank[np.maximum(cluster_root, 0)], -1)
    return codes, roots


def _threshold_for(Z, n_clusters):
    """Where to draw the cut for n_clusters: between the heights of merges n - k and
    n - k + 1 in merge order (exact for monotone trees without ties at the cut;
    with ties or inversions no horizontal line separates the two sets of links,
    and the line is only a guide)."""
    n = Z.shape[0] + 1
    if n_clusters >= n:
        return Z[0, 2] / 2
    if n_clusters <= 1:
        return Z[-1, 2] * 1.02
    return (Z[n - n_clusters - 1, 2] + Z[n - n_clusters, 2]) / 2


def dendrogram(Z, ax=None, *, orientation="top", labels=None, color_threshold=None,
               n_clusters=None, truncate=None, cut_line=False, palette=None,
               above_threshold_color="0.35", linewidth=1.0, leaf_font_size=None,
               leaf_rotation=None, show_labels=None):
    """Draw the tree of a linkage matrix, coloured by a cut.

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    orientation : {'top', 'bottom', 'left', 'right'}, default='top'
        Where the root is.
    labels : sequence of n str, optional
        Leaf labels (default: observation numbers).
    color_threshold : float, optional
        Colour the clusters below this height (SciPy's rule); links at or
        above it get `above_threshold_color`.
    n_clusters : int, optional
        Colour exactly this many clusters: the last ``n_clusters - 1`` merges
        are drawn in `above_threshold_color`, each subtree below them in its
        own colour (by merge order, so also exact with ties and inversions).
        Exclusive with `color_threshold`.
    truncate : int, optional
        Draw `truncate` leaves: the last ``truncate - 1`` merges, the
        subtrees below them as leaves labelled with their size.
    cut_line : bool, default=False
        Draw the cut as a dashed line (at `color_threshold`, or between the
        heights of the merges that make `n_clusters`; with ties at the cut or
        inversions, a guide only).
    palette : sequence of str, optional
        Colours of the clusters, cycled (default matplotlib's C1..C9).
    above_threshold_color : str, default='0.35'
        Colour of the links above the cut.
    linewidth : float, default=1.0
    leaf_font_size, leaf_rotation : float, optional
        Label size and rotation (defaults shrink with the number of leaves).
    show_labels : bool, optional
        Default: only when at most 200 leaves are drawn.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into; all links are one LineCollection.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'fastclust[plot]'``).
    ValueError
        For an invalid `Z`, both `n_clusters` and `color_threshold`, or an
        out-of-range `n_clusters` or `truncate`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import fastclust, fastclust.plot
    >>> Z = fastclust.linkage([[0.], [1.], [5.], [6.], [20.]], "average")
    >>> ax = fastclust.plot.dendrogram(Z, n_clusters=2, cut_line=True)
    >>> len(ax.collections[0].get_segments())      # one U per merge
    4
    """
    from ._dendrogram import _ORIENTATIONS, _layout_arrays
    from ._tree import _check_linkage
    mpl = _require_matplotlib()
    from matplotlib.collections import LineCollection
    Z, children, n = _check_linkage(Z)
    if orientation not in _ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(map(repr, _ORIENTATIONS))}; "
                         f"got {orientation!r}")
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels must have one entry per observation: Z has {n}, labels "
                         f"has {len(labels)}")
    if n_clusters is not None and color_threshold is not None:
        raise ValueError("give n_clusters or color_threshold, not both")
    if n_clusters is not None:
        n_clusters = _check_count(n_clusters, "n_clusters", n)
    if truncate is not None:
        truncate = _check_count(truncate, "truncate", n)
    colours = list(palette) if palette is not None else list(_DEFAULT_COLOURS)
    if not colours:
        raise ValueError("palette must hold at least one colour")

    finite_heights = Z[np.isfinite(Z[:, 2]), 2]
    finite_top = float(finite_heights.max()) if finite_heights.size else 0.0
    threshold = -1.0 if n_clusters is not None else (
        0.7 * finite_top if color_threshold is None else float(color_threshold))
    icoord, dcoord, link_node, link_code, leaves, _ = _layout_arrays(
        Z, children, n, 1 if truncate else 0, truncate or n, 0, threshold, len(colours), False)
    if n_clusters is not None:
        codes, _ = _cut_colours(Z, n_clusters)
        link_code = codes[link_node]
        link_code = np.where(link_code >= 0, link_code % len(colours), -1)
    names = np.array(colours + [above_threshold_color], dtype=object)
    link_colours = names[link_code]

    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(8, 4) if orientation in ("top", "bottom") else (4, 8))
    vertical = orientation in ("top", "bottom")
    dcoord, level = _drawn_heights(dcoord, finite_top)
    points = np.stack([icoord, dcoord], axis=-1) if vertical else np.stack([dcoord, icoord],
                                                                           axis=-1)
    ax.add_collection(LineCollection(points, colors=list(link_colours), linewidths=linewidth))
    if level is not None:
        _mark_infinite(ax, level, vertical)
    width = 10.0 * len(leaves)
    top = (level or finite_top) * 1.05 or 1.0
    positions = 10.0 * np.arange(len(leaves)) + 5.0
    if vertical:
        ax.set_xlim(0, width)
        ax.set_ylim((0, top) if orientation == "top" else (top, 0))
    else:
        ax.set_ylim(0, width)
        ax.set_xlim((top, 0) if orientation == "left" else (0, top))
    if show_labels is None:
        show_labels = len(leaves) <= 200
    tick_labels = [_leaf_name(i, n, Z, labels) for i in leaves.tolist()] if show_labels else []
    size = _step(_FONT_SIZE_STEPS, len(leaves)) if leaf_font_size is None else leaf_font_size
    if vertical:
        rotation = _step(_ROTATION_STEPS, len(leaves)) if leaf_rotation is None else leaf_rotation
        ax.set_xticks(positions if show_labels else [])
        if show_labels:
            ax.set_xticklabels(tick_labels, rotation=rotation, size=size)
        ax.tick_params(axis="x", length=0)
        if orientation == "bottom":
            ax.xaxis.tick_top()            # the leaves are at the top
    else:
        ax.set_yticks(positions if show_labels else [])
        if show_labels:
            ax.set_yticklabels(tick_labels, rotation=leaf_rotation or 0, size=size)
        ax.tick_params(axis="y", length=0)
        if orientation == "left":
            ax.yaxis.tick_right()
    height_axis = "left" if vertical else "bottom"
    for side in ("top", "bottom", "left", "right"):
        ax.spines[side].set_visible(side == height_axis)
    if cut_line:
        cut = _threshold_for(Z, n_clusters) if n_clusters is not None else threshold
        line = ax.axhline if vertical else ax.axvline
        line(cut, color="0.2", linestyle="--", linewidth=0.8)
    del mpl
    return ax


def _check_count(value, name, n):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if not 1 <= value <= n:
        raise ValueError(f"{name} must be between 1 and the number of observations ({n}); "
                         f"got {value}")
    return int(value)


def _leaf_name(i, n, Z, labels):
    if i >= n:
        return f"({int(Z[i - n, 3])})"
    return str(labels[i]) if labels is not None else str(i)


# ---------------------------------------------------------------- clustered heatmap

@dataclass
class ClusterMap:
    """What :func:`clustermap` drew, and the clusterings behind it.

    Attributes
    ----------
    figure : matplotlib Figure
    ax_heatmap, ax_row_dendrogram, ax_col_dendrogram, ax_colorbar : Axes or None
        None where nothing was drawn (no clustering, no colour bar).
    ax_row_colors, ax_col_colors : Axes or None
        The cluster colour strips, when `row_clusters` / `col_clusters` are given.
    row_linkage, col_linkage : ndarray of shape (n - 1, 4) or None
        The linkage matrices (None for an axis that was not clustered).
    row_order, col_order : ndarray of int
        The heatmap's row i is data row ``row_order[i]`` (``leaves_list`` of
        the row tree); likewise for columns.
    data : ndarray
        The matrix as drawn: scaled, then reordered.
    row_cluster_labels, col_cluster_labels : ndarray of int or None
        For each original row / column, its cluster 1..k (numbered in the
        drawn order) when `row_clusters` / `col_clusters` are given.
    """

    figure: object
    ax_heatmap: object
    ax_row_dendrogram: object
    ax_col_dendrogram: object
    ax_colorbar: object
    ax_row_colors: object
    ax_col_colors: object
    row_linkage: np.ndarray | None
    col_linkage: np.ndarray | None
    row_order: np.ndarray
    col_order: np.ndarray
    data: np.ndarray
    row_cluster_labels: np.ndarray | None
    col_cluster_labels: np.ndarray | None

    def savefig(self, *args, **kwargs):
        """``figure.savefig(*args, **kwargs)``."""
        return self.figure.savefig(*args, **kwargs)


def _scaled(data, z_score, standard_scale):
    if z_score is not None and standard_scale is not None:
        raise ValueError("give z_score or standard_scale, not both")
    for name, axis in (("z_score", z_score), ("standard_scale", standard_scale)):
        if axis is not None and axis not in (0, 1):
            raise ValueError(f"{name} must be None, 0 (scale each row) or 1 (each column); "
                             f"got {axis!r}")
    if z_score is not None:
        axis = 1 - z_score                   # 0: statistics along each row
        mean = data.mean(axis=axis, keepdims=True)
        std = data.std(axis=axis, ddof=1, keepdims=True) if data.shape[axis] > 1 else 0 * mean
        return (data - mean) / np.where(std > 0, std, 1.0)
    if standard_scale is not None:
        axis = 1 - standard_scale
        low = data.min(axis=axis, keepdims=True)
        span = data.max(axis=axis, keepdims=True) - low
        return (data - low) / np.where(span > 0, span, 1.0)
    return data


def _axis_tree(matrix, cluster, given, method, metric, optimal_ordering, workers, name):
    from ._linkage import linkage
    from ._tree import _check_linkage, leaves_list
    m = matrix.shape[0]
    if given is not None:
        Z, _, n = _check_linkage(given, f"{name}_linkage")
        if n != m:
            raise ValueError(f"{name}_linkage has {n} observations but data has {m} {name}s")
        return Z, leaves_list(Z).astype(np.intp)
    if not cluster or m < 2:
        return None, np.arange(m)
    Z = linkage(matrix, method, metric, optimal_ordering=optimal_ordering, workers=workers)
    return Z, leaves_list(Z).astype(np.intp)


def _cluster_strip(Z, order, k, colours, name):
    n = Z.shape[0] + 1
    k = _check_count(k, f"{name}_clusters", n)
    codes, _ = _cut_colours(Z, k)
    labels = codes[:n] + 1                       # cluster 1..k in leaf order
    if k == n:
        labels = np.empty(n, dtype=np.intp)
        labels[order] = np.arange(1, n + 1)
    strip = [colours[(labels[i] - 1) % len(colours)] for i in order]
    return labels, strip


def clustermap(data, method="average", metric="euclidean", *, z_score=None,
               standard_scale=None, row_cluster=True, col_cluster=True, row_linkage=None,
               col_linkage=None, optimal_ordering=False, row_clusters=None, col_clusters=None,
               row_labels=None, col_labels=None, cmap="viridis", vmin=None, vmax=None,
               center=None, figsize=(8, 8), dendrogram_ratio=0.15, colorbar=True,
               colorbar_label=None, palette=None, workers=None):
    """A heatmap with rows and columns reordered by their clustering trees.

    The rows of `data` are clustered, and so are its columns; the heatmap
    shows the matrix in the two trees' leaf orders with the trees at its
    left and top margins. seaborn's ``clustermap`` is the model; this one
    has no recursion anywhere, so 8000 x 8000 matrices and chain-shaped
    trees work.

    Parameters
    ----------
    data : array_like of shape (n_rows, n_cols)
        Finite numbers.
    method, metric : str, default='average', 'euclidean'
        Passed to :func:`fastclust.linkage` for both axes.
    z_score, standard_scale : {None, 0, 1}, default=None
        Scale each row (0) or each column (1) before clustering and drawing:
        to mean 0 and standard deviation 1, or to the range [0, 1].
    row_cluster, col_cluster : bool, default=True
        Cluster that axis (else keep its order and draw no tree).
    row_linkage, col_linkage : array_like, optional
        Precomputed linkage matrices for the rows / columns.
    optimal_ordering : bool, default=False
        Flip merges for the optimal leaf order (:func:`fastclust.optimal_leaf_ordering`).
    row_clusters, col_clusters : int, optional
        Cut the tree into exactly this many clusters (by merge order): colour
        them in the tree and in a strip beside the heatmap.
    row_labels, col_labels : sequence of str, optional
        Tick labels (drawn when there are at most 100).
    cmap : str or Colormap, default='viridis'
    vmin, vmax, center : float, optional
        Colour scale limits; `center` makes a diverging scale around it.
    figsize : (float, float), default=(8, 8)
    dendrogram_ratio : float, default=0.15
        Share of the figure given to each tree.
    colorbar : bool, default=True
    colorbar_label : str, optional
    palette : sequence of str, optional
        Cluster colours.
    workers : int, optional
        Threads for the distances and the ordering.

    Returns
    -------
    ClusterMap
        The figure and axes, both linkage matrices, the orders and the drawn data.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'fastclust[plot]'``).
    ValueError
        For data that is not 2-D or not finite, inconsistent linkages or
        labels, or invalid scaling options.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from fastclust.datasets import load_usarrests
    >>> from fastclust.plot import clustermap
    >>> ds = load_usarrests()
    >>> cm = clustermap(ds.data, z_score=1, row_clusters=4,
    ...                 row_labels=ds.sample_names, col_labels=ds.feature_names)
    >>> cm.data.shape, len(set(cm.row_cluster_labels))
    ((50, 4), 4)
    """
    from ._validation import as_float_array, check_finite
    mpl = _require_matplotlib()
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap, TwoSlopeNorm
    values = as_float_array(data, "data")
    if values.ndim != 2 or values.shape[0] < 1 or values.shape[1] < 1:
        raise ValueError(f"data must be a non-empty 2-D array; got shape {values.shape}")
    check_finite(values, "data")
    if not 0 < dendrogram_ratio < 0.5:
        raise ValueError(f"dendrogram_ratio must be between 0 and 0.5; got {dendrogram_ratio}")
    values = _scaled(values, z_score, standard_scale)
    n_rows, n_cols = values.shape
    for name, labels, count in (("row_labels", row_labels, n_rows),
                                ("col_labels", col_labels, n_cols)):
        if labels is not None and len(labels) != count:
            raise ValueError(f"{name} must have {count} entries, one per "
                             f"{name[:3]}; got {len(labels)}")
    colours = list(palette) if palette is not None else list(_DEFAULT_COLOURS)

    Zr, row_order = _axis_tree(values, row_cluster, row_linkage, method, metric,
                               optimal_ordering, workers, "row")
    Zc, col_order = _axis_tree(values.T, col_cluster, col_linkage, method, metric,
                               optimal_ordering, workers, "col")
    row_strip = col_strip = None
    row_cluster_labels = col_cluster_labels = None
    if row_clusters is not None:
        if Zr is None:
            raise ValueError("row_clusters needs a row tree (row_cluster=True or row_linkage)")
        row_cluster_labels, row_strip = _cluster_strip(Zr, row_order, row_clusters, colours,
                                                       "row")
    if col_clusters is not None:
        if Zc is None:
            raise ValueError("col_clusters needs a column tree (col_cluster=True or "
                             "col_linkage)")
        col_cluster_labels, col_strip = _cluster_strip(Zc, col_order, col_clusters, colours,
                                                       "col")
    shown = values[np.ix_(row_order, col_order)]

    fig = plt.figure(figsize=figsize)
    r = dendrogram_ratio
    strip = 0.025
    left = r + (strip if row_strip else 0.0) + 0.01
    # room for rotated column labels: about 1.3 inches, whatever the figure height
    bottom = min(0.2, 1.3 / figsize[1]) if col_labels is not None and n_cols <= 100 else 0.03
    right = 0.82 if row_labels is not None and n_rows <= 100 else 0.97
    top = 1.0 - r - (strip if col_strip else 0.0) - 0.01
    ax_heat = fig.add_axes((left, bottom, right - left, top - bottom))
    norm = None
    if center is not None:
        lo = shown.min() if vmin is None else vmin
        hi = shown.max() if vmax is None else vmax
        norm = TwoSlopeNorm(vcenter=center, vmin=min(lo, center - 1e-12),
                            vmax=max(hi, center + 1e-12))
    image = ax_heat.imshow(shown, aspect="auto", interpolation="nearest", cmap=cmap,
                           norm=norm, vmin=None if norm else vmin, vmax=None if norm else vmax)
    ax_heat.set_xticks([])
    ax_heat.set_yticks([])
    if row_labels is not None and n_rows <= 100:
        ax_heat.yaxis.tick_right()
        ax_heat.set_yticks(np.arange(n_rows))
        ax_heat.set_yticklabels([str(row_labels[i]) for i in row_order],
                                size=_step(_FONT_SIZE_STEPS, n_rows))
    if col_labels is not None and n_cols <= 100:
        ax_heat.set_xticks(np.arange(n_cols))
        ax_heat.set_xticklabels([str(col_labels[j]) for j in col_order], rotation=90,
                                size=_step(_FONT_SIZE_STEPS, n_cols))
    ax_heat.tick_params(length=0)

    ax_row = ax_col = ax_rc = ax_cc = ax_bar = None
    if Zr is not None:
        ax_row = fig.add_axes((0.01, bottom, r - 0.01, top - bottom))
        dendrogram(Zr, ax=ax_row, orientation="left", n_clusters=row_clusters,
                   color_threshold=None if row_clusters else -1.0, palette=colours,
                   show_labels=False)
        ax_row.set_ylim(10 * n_rows, 0)          # leaf 0 at the top, as row 0 of the heatmap
        ax_row.set_axis_off()
    if Zc is not None:
        ax_col = fig.add_axes((left, 1.0 - r, right - left, r - 0.01))
        dendrogram(Zc, ax=ax_col, orientation="top", n_clusters=col_clusters,
                   color_threshold=None if col_clusters else -1.0, palette=colours,
                   show_labels=False)
        ax_col.set_axis_off()
    if row_strip:
        ax_rc = fig.add_axes((r + 0.005, bottom, strip - 0.005, top - bottom))
        ax_rc.imshow(np.arange(n_rows)[:, None], aspect="auto", interpolation="nearest",
                     cmap=ListedColormap(row_strip))
        ax_rc.set_axis_off()
    if col_strip:
        ax_cc = fig.add_axes((left, top + 0.005, right - left, strip - 0.005))
        ax_cc.imshow(np.arange(n_cols)[None, :], aspect="auto", interpolation="nearest",
                     cmap=ListedColormap(col_strip))
        ax_cc.set_axis_off()
    if colorbar:
        ax_bar = fig.add_axes((0.02, 1.0 - r + 0.02, 0.025, r - 0.05))
        bar = fig.colorbar(image, cax=ax_bar)
        if colorbar_label:
            bar.set_label(colorbar_label)
    del mpl
    return ClusterMap(fig, ax_heat, ax_row, ax_col, ax_bar, ax_rc, ax_cc, Zr, Zc,
                      row_order, col_order, shown, row_cluster_labels, col_cluster_labels)


def segmentation(image, labels, ax=None, *, boundary_color="red", fill_alpha=0.0,
                 palette=None):
    """Draw an image with the boundaries of its regions (clusters of its pixels).

    For the labels of a clustering along a pixel grid, such as
    ``HierarchicalClustering(k, connectivity=grid_graph(image.shape[:2]))``:
    each pixel whose right or lower neighbour lies in another region is
    painted in `boundary_color`; regions may also be tinted.

    Parameters
    ----------
    image : array_like of shape (h, w) or (h, w, 3) or (h, w, 4)
        Grey levels (drawn with the 'gray' colour map) or RGB(A) colours, as
        ``matplotlib.pyplot.imshow`` takes them.
    labels : array_like of int, shape (h, w) or (h * w,)
        The region of each pixel; a flat array is read in C order.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    boundary_color : colour, default='red'
        Colour of the boundary pixels; None draws no boundaries.
    fill_alpha : float in [0, 1], default=0.0
        Opacity of a tint per region (colours from `palette`, cycled).
    palette : sequence of colours, optional
        Region tints; default matplotlib's 'tab20' colours.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If `labels` does not have one entry per pixel, or `fill_alpha` is not
        in [0, 1].

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import fastclust, fastclust.plot
    >>> image = np.zeros((20, 30))
    >>> image[:, 15:] = 1.0
    >>> model = fastclust.HierarchicalClustering(
    ...     2, connectivity=fastclust.grid_graph(image.shape)).fit(image.reshape(-1, 1))
    >>> ax = fastclust.plot.segmentation(image, model.labels_)
    >>> len(ax.images)                 # the image and the boundary layer
    2
    """
    mpl = _require_matplotlib()
    from matplotlib.colors import to_rgba

    img = np.asarray(image)
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ValueError(f"image must have shape (h, w), (h, w, 3) or (h, w, 4); got {img.shape}")
    h, w = img.shape[:2]
    lab = np.asarray(labels)
    if lab.size != h * w:
        raise ValueError(f"labels must have one entry per pixel ({h} x {w} = {h * w}); got "
                         f"{lab.size}")
    lab = lab.reshape(h, w)
    if not 0.0 <= float(fill_alpha) <= 1.0:
        raise ValueError(f"fill_alpha must be in [0, 1]; got {fill_alpha!r}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6, 6 * h / w))
    ax.imshow(img, cmap="gray" if img.ndim == 2 else None, interpolation="nearest")
    overlay = np.zeros((h, w, 4))
    if fill_alpha > 0:
        colours = list(palette) if palette is not None else list(mpl.colormaps["tab20"].colors)
        _, codes = np.unique(lab, return_inverse=True)
        tints = np.array([to_rgba(c) for c in colours])
        overlay = tints[codes.reshape(h, w) % len(tints)]
        overlay[..., 3] = float(fill_alpha)
    if boundary_color is not None:
        edge = np.zeros((h, w), dtype=bool)
        edge[:, :-1] |= lab[:, :-1] != lab[:, 1:]
        edge[:-1, :] |= lab[:-1, :] != lab[1:, :]
        overlay[edge] = to_rgba(boundary_color)
    ax.imshow(overlay, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
