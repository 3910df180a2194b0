"""Progress of a running kernel, for displays such as the command line's.

A display makes a `Progress` and wraps the call in ``with reporting(progress):``;
while it runs, the kernels started from that thread write into
``progress.counters`` — [stage, done, total] as int64 — and the display (any
other thread) reads them. Kernels write plain integers at the points where they
already poll for Ctrl-C, so the cost is nil and nothing is called back.
Without `reporting`, kernels get no counters and skip the writes.
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np

__all__ = ["Progress", "current", "reporting"]

STAGE_IDLE = 0
STAGE_DISTANCES = 1     # pdist: done/total in pairs
STAGE_MERGES = 2        # linkage kernels: done/total in units of work (see the kernels)
STAGE_NAMES = {STAGE_IDLE: "", STAGE_DISTANCES: "distances", STAGE_MERGES: "merges"}

_local = threading.local()


class Progress:
    """Counters a kernel fills while it runs: stage, done, total."""

    def __init__(self):
        self.counters = np.zeros(3, dtype=np.int64)

    def snapshot(self) -> tuple[str, float | None]:
        """(stage name, fraction done in [0, 1] or None when unknown)."""
        stage, done, total = (int(v) for v in self.counters)
        fraction = min(max(done / total, 0.0), 1.0) if total > 0 else None
        return STAGE_NAMES.get(stage, ""), fraction


@contextlib.contextmanager
def reporting(progress: Progress):
    """Let the kernels started in this thread report into `progress`."""
    previous = getattr(_local, "progress", None)
    _local.progress = progress
    try:
        yield progress
    finally:
        _local.progress = previous


def current(stage: int, total: int):
    """The counters to hand to a kernel (reset to `stage`, 0 of `total`), or None."""
    progress = getattr(_local, "progress", None)
    if progress is None:
        return None
    counters = progress.counters
    counters[1] = 0
    counters[2] = total
    counters[0] = stage
    return counters
