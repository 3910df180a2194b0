"""Dendrogram layout without recursion (used by _dendrogram.py).

SciPy lays a dendrogram out with a recursive depth-first walk, so deep trees
(chains from single linkage, 10^5 leaves and more) raise RecursionError
(scipy#7271, #9165). This module does the same walk with an explicit stack:
the same visiting order, the same coordinates, the same colour decisions, in
O(n) time and memory.

Conventions, identical to SciPy's: leaf k (left to right) sits at x = 10 k + 5;
a link is [[x_left, x_left, x_right, x_right], [h_left, h, h, h_right]]; links
are emitted in post-order (a node after both of its children); a node's
colour is decided after its left subtree and before its right one, which is
what makes the palette cycle the way SciPy's does.
"""
import numpy as np

from ._common cimport index_t

# truncate modes
cdef enum:
    TRUNCATE_NONE = 0
    TRUNCATE_LASTP = 1
    TRUNCATE_LEVEL = 2

# child order
cdef enum:
    ORDER_AS_GIVEN = 0
    ORDER_COUNT_ASCENDING = 1
    ORDER_COUNT_DESCENDING = 2
    ORDER_DISTANCE_ASCENDING = 3
    ORDER_DISTANCE_DESCENDING = 4

cdef enum:
    ABOVE_THRESHOLD = -1  # colour code of links drawn in `above_threshold_color`


cdef inline bint shown_as_leaf(index_t i, index_t n, index_t level, int mode,
                               index_t p) noexcept nogil:
    if i < n:
        return True
    if mode == TRUNCATE_LASTP:
        return i < 2 * n - p
    if mode == TRUNCATE_LEVEL:
        return i > n and level > p      # SciPy's rule: i > n, so node n is never cut
    return False


cdef inline bint swap_children(index_t a, index_t b, index_t n, const double[:, ::1] Z,
                               int order) noexcept nogil:
    """True when child b is to be drawn left of child a (SciPy's sort rules)."""
    cdef double na = Z[a - n, 3] if a >= n else 1.0
    cdef double nb = Z[b - n, 3] if b >= n else 1.0
    cdef double da = Z[a - n, 2] if a >= n else 0.0
    cdef double db = Z[b - n, 2] if b >= n else 0.0
    if order == ORDER_COUNT_ASCENDING:
        return na > nb
    if order == ORDER_COUNT_DESCENDING:
        return not (na > nb)
    if order == ORDER_DISTANCE_ASCENDING:
        return da > db
    if order == ORDER_DISTANCE_DESCENDING:
        return not (da > db)
    return False


cdef void _marks_below(const index_t[:, ::1] children, index_t n, index_t top, double x,
                       const double[:, ::1] Z, double[:, ::1] marks, index_t* n_marks,
                       index_t* stack) noexcept nogil:
    """Contraction marks of a truncated node: its internal descendants, pre-order."""
    cdef index_t sp = 0, v
    # children of `top` in reverse so that the left one is taken first
    if children[top - n, 1] >= n:
        stack[sp] = children[top - n, 1]
        sp += 1
    if children[top - n, 0] >= n:
        stack[sp] = children[top - n, 0]
        sp += 1
    while sp > 0:
        sp -= 1
        v = stack[sp]
        marks[n_marks[0], 0] = x
        marks[n_marks[0], 1] = Z[v - n, 2]
        n_marks[0] += 1
        if children[v - n, 1] >= n:
            stack[sp] = children[v - n, 1]
            sp += 1
        if children[v - n, 0] >= n:
            stack[sp] = children[v - n, 0]
            sp += 1


def dendrogram_layout(const double[:, ::1] Z,            # in: (n - 1, 4), validated
                      const index_t[:, ::1] children,    # in: (n - 1, 2), Z's first two columns
                      index_t n,                         # in, n >= 2
                      int truncate_mode,                 # in: TRUNCATE_*
                      index_t p,                         # in: lastp: 1..n; level: depth
                      int order,                         # in: ORDER_*
                      double color_threshold,            # in
                      index_t n_colors,                  # in: palette length, >= 1
                      bint want_marks,                   # in: show_contracted
                      double[:, ::1] icoord,             # out: (n - 1, 4)
                      double[:, ::1] dcoord,             # out: (n - 1, 4)
                      index_t[::1] link_node,            # out: (n - 1,) node id of each link
                      index_t[::1] link_color,           # out: (n - 1,) palette index or -1
                      index_t[::1] leaves,               # out: (n,) node id of each leaf
                      double[:, ::1] marks):             # out: (n - 1, 2) contraction marks
    """Lay out the dendrogram; returns (links, leaves, contraction marks) written."""
    # One frame per node on the current root-to-node path. Stage 0: not
    # started; 1: left child pending; 2: right child pending.
    cdef index_t[::1] f_node = np.empty(n, dtype=np.intp)
    cdef index_t[::1] f_level = np.empty(n, dtype=np.intp)
    cdef index_t[::1] f_right = np.empty(n, dtype=np.intp)    # the child drawn right
    cdef index_t[::1] f_color = np.empty(n, dtype=np.intp)    # the node's colour code
    cdef signed char[::1] f_stage = np.empty(n, dtype=np.int8)
    cdef double[::1] f_iv = np.empty(n)                       # x where the node's block starts
    cdef double[:, ::1] f_left = np.empty((n, 3))             # left child: x, width, height
    cdef double[:, ::1] f_right_result = np.empty((n, 3))     # right child: x, width, height
    cdef index_t[::1] mark_stack = np.empty(n, dtype=np.intp)
    cdef index_t sp, top, i, a, b, m = 0, n_leaves = 0, n_marks = 0
    cdef index_t current_color = 0
    cdef bint below = False
    cdef double x, w, h
    with nogil:
        sp = 1
        f_node[0] = 2 * n - 2
        f_level[0] = 0
        f_iv[0] = 0.0
        f_stage[0] = 0
        while sp > 0:
            top = sp - 1
            i = f_node[top]
            if f_stage[top] == 0 and not shown_as_leaf(i, n, f_level[top], truncate_mode, p):
                a = children[i - n, 0]
                b = children[i - n, 1]
                if swap_children(a, b, n, Z, order):
                    a, b = b, a
                f_right[top] = b
                f_stage[top] = 1
                f_node[sp] = a
                f_level[sp] = f_level[top] + 1
                f_iv[sp] = f_iv[top]
                f_stage[sp] = 0
                sp += 1
                continue
            if f_stage[top] == 1:
                # left subtree done: decide this node's colour, then go right
                h = Z[i - n, 2]
                if h >= color_threshold or color_threshold <= 0:
                    if below:
                        current_color = (current_color + 1) % n_colors
                    below = False
                    f_color[top] = ABOVE_THRESHOLD
                else:
                    below = True
                    f_color[top] = current_color
                f_stage[top] = 2
                f_node[sp] = f_right[top]
                f_level[sp] = f_level[top] + 1
                f_iv[sp] = f_iv[top] + f_left[top, 1]
                f_stage[sp] = 0
                sp += 1
                continue
            if f_stage[top] == 0:
                # a leaf: an observation, or a truncated subtree drawn as one
                leaves[n_leaves] = i
                n_leaves += 1
                x = f_iv[top] + 5.0
                if i >= n and want_marks:
                    _marks_below(children, n, i, x, Z, marks, &n_marks, &mark_stack[0])
                w = 10.0
                h = 0.0
            else:
                # both subtrees done: emit the link in post-order
                h = Z[i - n, 2]
                icoord[m, 0] = f_left[top, 0]
                icoord[m, 1] = f_left[top, 0]
                icoord[m, 2] = f_right_result[top, 0]
                icoord[m, 3] = f_right_result[top, 0]
                dcoord[m, 0] = f_left[top, 2]
                dcoord[m, 1] = h
                dcoord[m, 2] = h
                dcoord[m, 3] = f_right_result[top, 2]
                link_node[m] = i
                link_color[m] = f_color[top]
                m += 1
                x = (f_left[top, 0] + f_right_result[top, 0]) / 2.0
                w = f_left[top, 1] + f_right_result[top, 1]
            # hand (x, w, h) to the parent
            sp -= 1
            if sp > 0:
                if f_stage[sp - 1] == 1:
                    f_left[sp - 1, 0] = x
                    f_left[sp - 1, 1] = w
                    f_left[sp - 1, 2] = h
                else:
                    f_right_result[sp - 1, 0] = x
                    f_right_result[sp - 1, 1] = w
                    f_right_result[sp - 1, 2] = h
    return m, n_leaves, n_marks
