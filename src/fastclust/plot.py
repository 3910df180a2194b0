"""Drawing with matplotlib (the optional extra ``fastclust[plot]``).

matplotlib is imported only when something is drawn.
"""
from __future__ import annotations

__all__: list[str] = []


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
    for xs, ys, colour in zip(R["icoord"], R["dcoord"], R["color_list"]):
        points = list(zip(xs, ys)) if vertical else list(zip(ys, xs))
        by_colour.setdefault(colour, []).append(points)
    # the links above the threshold go last, on top
    for colour in sorted(by_colour, key=lambda c: c == above_threshold_color):
        ax.add_collection(LineCollection(by_colour[colour], colors=(colour,)))
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
