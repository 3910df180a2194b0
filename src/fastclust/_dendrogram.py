"""dendrogram() and set_link_color_palette(): SciPy's dendrogram without recursion.

The layout is computed by a compiled, stack-based walk (_dendrogram_kernels),
so a chain of a million merges lays out in about a second instead of raising
RecursionError. Drawing is optional and done by plot.py with matplotlib.
"""
from __future__ import annotations

import gc
import numbers

import numpy as np

from . import _dendrogram_kernels as _k
from ._tree import _check_linkage

__all__ = ["dendrogram", "set_link_color_palette"]

# Matplotlib's cycle without C0, which is the colour above the threshold.
_DEFAULT_PALETTE = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")
_palette = list(_DEFAULT_PALETTE)

_TRUNCATE_MODES = {None: 0, "none": 0, "lastp": 1, "level": 2, "mtica": 2}
_ORIENTATIONS = ("top", "bottom", "left", "right")


def set_link_color_palette(palette):
    """Set the colours `dendrogram` cycles through below ``color_threshold``.

    Parameters
    ----------
    palette : list or tuple of str, or None
        Matplotlib colour strings, used in this order for the clusters below
        the colour threshold. None restores the default, matplotlib's colours
        'C1' to 'C9'.

    Raises
    ------
    TypeError
        If `palette` is not a list or tuple, or an entry is not a string.
    ValueError
        If `palette` is empty.

    Notes
    -----
    The palette is global, as in SciPy: it affects every later call of
    `dendrogram` in every thread. ``dendrogram(link_color_func=...)`` colours
    links without global state.

    Examples
    --------
    >>> from fastclust import dendrogram, linkage, set_link_color_palette
    >>> Z = linkage([[0.], [1.], [10.], [11.]], "single")
    >>> set_link_color_palette(["red", "blue"])
    >>> dendrogram(Z, no_plot=True, color_threshold=5)["color_list"]
    ['red', 'blue', 'C0']
    >>> set_link_color_palette(None)
    >>> dendrogram(Z, no_plot=True, color_threshold=5)["color_list"]
    ['C1', 'C2', 'C0']
    """
    global _palette
    if palette is None:
        _palette = list(_DEFAULT_PALETTE)
        return
    if not isinstance(palette, (list, tuple)):
        raise TypeError(f"palette must be a list or tuple of colour strings, "
                        f"got {type(palette).__name__}")
    for k, colour in enumerate(palette):
        if not isinstance(colour, str):
            raise TypeError(f"palette entries must be colour strings; entry {k} is "
                            f"{colour!r} ({type(colour).__name__})")
    if len(palette) == 0:
        raise ValueError("palette must hold at least one colour")
    _palette = list(palette)


_SORT_CODES = {"ascending": 0, "descending": 1}


def _sort_value(value, name: str):
    """'ascending', 'descending' or None (no sort); True means 'ascending'."""
    if isinstance(value, (bool, np.bool_)):
        return "ascending" if value else None
    if value is None or (isinstance(value, numbers.Integral) and value == 0):
        return None
    if isinstance(value, str) and value in _SORT_CODES:
        return value
    raise ValueError(f"{name} must be False, True, 'ascending' or 'descending', got {value!r}")


def _child_order(count_sort, distance_sort) -> int:
    # SciPy's precedence: count_sort first, then distance_sort.
    by_count = _sort_value(count_sort, "count_sort")
    by_distance = _sort_value(distance_sort, "distance_sort")
    if by_count is not None:
        return 1 + _SORT_CODES[by_count]
    if by_distance is not None:
        return 3 + _SORT_CODES[by_distance]
    return 0


def dendrogram(Z, p=30, truncate_mode=None, color_threshold=None, get_leaves=True,
               orientation="top", labels=None, count_sort=False, distance_sort=False,
               show_leaf_counts=True, no_plot=False, no_labels=False, leaf_font_size=None,
               leaf_rotation=None, leaf_label_func=None, show_contracted=False,
               link_color_func=None, ax=None, above_threshold_color="C0"):
    """Lay out (and optionally draw) the dendrogram of a linkage matrix.

    A drop-in for :func:`scipy.cluster.hierarchy.dendrogram`: same parameters,
    same returned dictionary, same coordinates, colours and labels. The layout
    is computed without recursion, so trees of any depth and size work
    (SciPy raises RecursionError on deep trees).

    Parameters
    ----------
    Z : array_like of shape (n - 1, 4)
        A linkage matrix (validated).
    p : int, default=30
        Parameter of `truncate_mode`.
    truncate_mode : {None, 'lastp', 'level'}, default=None
        'lastp': show `p` leaves, that is the last ``p - 1`` merges, the
        subtrees below them drawn as leaves (``p`` of 0 or more than n
        means all). 'level': show at most
        `p` levels below the root (``p <= 0`` means all). 'mtica' is accepted
        as SciPy's old name for 'level'; 'none' as None.
    color_threshold : float or 'default', optional
        Links below this height get a palette colour per cluster (see
        `set_link_color_palette`), the rest `above_threshold_color`. The
        default is 0.7 times the largest finite height; 0 or less colours everything
        `above_threshold_color`.
    get_leaves : bool, default=True
        Include the 'leaves' list in the result (else it is None).
    orientation : {'top', 'bottom', 'left', 'right'}, default='top'
        Where the root is drawn.
    labels : sequence of length n, optional
        Leaf labels (any objects, used as given); default: observation ids as
        strings.
    count_sort, distance_sort : bool or {'ascending', 'descending'}, default=False
        Order each node's children by their number of observations or by
        their height ('ascending' / True: smaller first). `count_sort` wins
        when both are set.
    show_leaf_counts : bool, default=True
        Label truncated leaves with their number of observations, "(k)".
    no_plot : bool, default=False
        Only compute the layout; matplotlib is not imported.
    no_labels : bool, default=False
        Draw no leaf labels.
    leaf_font_size, leaf_rotation : float, optional
        Label font size and rotation in degrees; by default they shrink and
        turn as the number of leaves grows, as in SciPy.
    leaf_label_func : callable, optional
        ``leaf_label_func(id) -> str`` for every shown leaf (observation ids
        below n, truncated clusters n and above); overrides `labels`.
    show_contracted : bool, default=False
        Mark the heights of the merges hidden inside truncated leaves.
    link_color_func : callable, optional
        ``link_color_func(id) -> str`` gives the colour of each link (cluster
        id n and above); overrides `color_threshold`.
    ax : matplotlib Axes, optional
        Where to draw; default the current axes.
    above_threshold_color : str, default='C0'
        Colour of the links at or above `color_threshold`.

    Returns
    -------
    R : dict
        'icoord', 'dcoord': the x and y coordinates of every link (lists of
        four floats, in post-order); 'ivl': leaf labels left to right;
        'leaves': leaf ids left to right (or None); 'color_list': the colour
        of every link; 'leaves_color_list': the colour of the link above each
        leaf.

    Raises
    ------
    ValueError
        For an invalid `Z`, `orientation`, `truncate_mode`, sort option, or
        `labels` of the wrong length.
    TypeError
        If `p` is not a number or `link_color_func` returns a non-string.
    ImportError
        When drawing is asked for and matplotlib is not installed.

    Notes
    -----
    Deliberate differences from SciPy: `count_sort` and `distance_sort`
    values other than False/None/0, True/np.True_, 'ascending' and
    'descending' raise ValueError (SciPy ignores them); ``get_leaves=False``
    works (SciPy raises TypeError); any real-valued Z is accepted (float32
    too) and copied to float64 C order.

    Layout: leaf k is at x = 10 k + 5; each link is drawn as the polyline
    through its four (x, y) points. Time and memory O(n); at 10^6 leaves
    the layout takes well under a second and building the result's Python
    lists about as long again.

    Examples
    --------
    >>> from fastclust import dendrogram, linkage
    >>> Z = linkage([[0.], [1.], [10.], [11.]], "single")
    >>> R = dendrogram(Z, no_plot=True)
    >>> R["ivl"]
    ['0', '1', '2', '3']
    >>> R["icoord"][-1], R["dcoord"][-1]
    ([10.0, 10.0, 30.0, 30.0], [1.0, 9.0, 9.0, 1.0])
    >>> dendrogram(Z, no_plot=True, truncate_mode="lastp", p=2)["ivl"]
    ['(2)', '(2)']
    """
    if orientation not in _ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(map(repr, _ORIENTATIONS))}; "
                         f"got {orientation!r}")
    shape = np.shape(Z)
    if labels is not None and len(shape) == 2 and len(labels) != shape[0] + 1:
        # checked before Z itself, as SciPy does, with SciPy's sentence first
        raise ValueError(f"Dimensions of Z and labels must be consistent. Z has "
                         f"{shape[0] + 1} observations, labels has {len(labels)} entries")
    Z, children, n = _check_linkage(Z)
    if not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a number, got {p!r}")
    p = int(p)
    if truncate_mode not in _TRUNCATE_MODES:
        raise ValueError(f"truncate_mode must be None, 'lastp' or 'level'; got {truncate_mode!r}")
    mode = _TRUNCATE_MODES[truncate_mode]
    if mode == 1 and (p > n or p == 0):
        p = n
    if mode == 2:
        p = n + 1 if p <= 0 else min(p, n + 1)     # n + 1: deeper than any tree
    order = _child_order(count_sort, distance_sort)
    if color_threshold is None or (isinstance(color_threshold, str)
                                   and color_threshold == "default"):
        finite = Z[np.isfinite(Z[:, 2]), 2]       # +inf: the joins of a graph's parts
        color_threshold = 0.7 * float(finite.max()) if finite.size else 0.0
    palette = list(_palette)

    layout = _layout_arrays(Z, children, n, mode, p, order, float(color_threshold),
                            len(palette), bool(show_contracted))
    icoord, dcoord, link_node, link_color, leaves, marks = layout
    m, n_leaves = len(link_node), len(leaves)

    if link_color_func is not None:
        color_list = []
        for node in link_node.tolist():
            colour = link_color_func(node)
            if not isinstance(colour, str):
                raise TypeError(f"link_color_func must return a matplotlib colour string; "
                                f"for cluster {node} it returned {colour!r}")
            color_list.append(colour)
    else:
        names = np.array(palette + [above_threshold_color], dtype=object)
        color_list = names[link_color].tolist()      # code -1 picks the last entry

    ivl = _leaf_labels(Z, n, leaves, labels, leaf_label_func, show_leaf_counts)
    # Millions of small lists: the cyclic GC would rescan them over and over
    # while they are built (half the time at 10^6 leaves); none can form a cycle.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        R = {
            "icoord": icoord.tolist(),
            "dcoord": dcoord.tolist(),
            "ivl": ivl,
            "leaves": leaves.tolist() if get_leaves else None,
            "color_list": color_list,
            "leaves_color_list": _leaves_color_list(icoord, dcoord, color_list, n_leaves),
        }
    finally:
        if gc_was_enabled:
            gc.enable()
    if not no_plot:
        from .plot import _draw_scipy_dendrogram
        _draw_scipy_dendrogram(
            R, float(Z[:, 2].max()), orientation, no_labels, leaf_font_size, leaf_rotation,
            marks.tolist() if show_contracted else None, ax, above_threshold_color)
    return R


def _layout_arrays(Z, children, n, mode, p, order, color_threshold, n_colors, want_marks):
    """The layout as arrays: icoord, dcoord (m, 4); link node ids and colour codes
    (palette index, -1 above the threshold); leaf ids; contraction marks (k, 2)."""
    Z = np.ascontiguousarray(Z, dtype=np.float64)     # Fortran order or a column view
    icoord = np.empty((n - 1, 4))
    dcoord = np.empty((n - 1, 4))
    link_node = np.empty(n - 1, dtype=np.intp)
    link_color = np.empty(n - 1, dtype=np.intp)
    leaves = np.empty(n, dtype=np.intp)
    marks = np.empty((n - 1 if want_marks else 1, 2))
    m, n_leaves, n_marks = _k.dendrogram_layout(
        Z, children, n, mode, max(p, -1), order, color_threshold, n_colors, want_marks,
        icoord, dcoord, link_node, link_color, leaves, marks)
    return (icoord[:m], dcoord[:m], link_node[:m], link_color[:m], leaves[:n_leaves],
            marks[:n_marks])


def _leaf_labels(Z, n, leaves, labels, leaf_label_func, show_leaf_counts) -> list:
    ids = leaves.tolist()
    if leaf_label_func is not None:
        return [leaf_label_func(i) for i in ids]
    if labels is None and not (leaves >= n).any():
        return [str(i) for i in ids]
    counts = Z[:, 3].astype(np.int64)
    out = []
    for i in ids:
        if i < n:
            out.append(labels[i] if labels is not None else str(i))
        else:
            out.append(f"({counts[i - n]})" if show_leaf_counts else "")
    return out


def _leaves_color_list(icoord, dcoord, color_list, n_leaves) -> list:
    """Colour of the link ending at each leaf: the endpoints at y = 0, x = 10k + 5.

    SciPy's rule, kept as is: any link point at height 0 on a leaf position
    counts, later links winning (this matters only for zero-height merges).
    """
    out = np.full(n_leaves, None, dtype=object)
    if len(color_list) == 0:
        return out.tolist()
    x = icoord.ravel()
    on_leaf = (dcoord.ravel() == 0.0) & (x % 5 == 0) & (x % 2 == 1)
    points = np.flatnonzero(on_leaf)
    leaf = ((x[points] - 5) // 10).astype(np.intp)
    link = points // 4
    # the last link touching a leaf wins: first occurrence in reversed order
    leaf_r, first = np.unique(leaf[::-1], return_index=True)
    out[leaf_r] = np.array(color_list, dtype=object)[link[::-1][first]]
    return out.tolist()
