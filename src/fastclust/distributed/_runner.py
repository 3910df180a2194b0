"""Where the tasks of a round run: on Dask, or on a local thread pool.

The round logic (_boruvka.py, _rac.py) builds small task graphs with
``runner.task(func, *args)`` whose arguments are plain values, row blocks of
the observations (``runner.block(b)``), arrays shared by many tasks of a round
(``runner.share(arr)``) or other tasks, and asks for their results with
``runner.compute(tasks)``. Task functions are module-level functions, so they
pickle for process-based Dask workers.

The runner also counts what crosses the client boundary: the bytes of the
NumPy arguments it sends and of the results it receives, per round.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def _nbytes(value) -> int:
    """Bytes of the NumPy arrays in a (nested) result."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(_nbytes(v) for v in value)
    return 0


class _Counters:
    def __init__(self):
        self.bytes_sent = 0
        self.bytes_received = 0
        self.tasks = 0
        self.computes = 0

    def snapshot(self) -> dict:
        return {"bytes_sent": self.bytes_sent, "bytes_received": self.bytes_received,
                "tasks": self.tasks, "computes": self.computes}


class _LocalTask:
    __slots__ = ("func", "args")

    def __init__(self, func, args):
        self.func = func
        self.args = args


class _BlockRef:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class LocalRunner:
    """Runs the round tasks on a thread pool of this process (input: a NumPy array).

    The kernels release the GIL, so the threads run in parallel.
    """

    kind = "local"

    def __init__(self, X: np.ndarray, bounds: list[tuple[int, int]], threads: int):
        self.X = X
        self.bounds = bounds
        self.threads = max(1, threads)
        self.parallelism = self.threads       # tasks worth running at once
        self.counters = _Counters()

    def block(self, b: int):
        return _BlockRef(b)

    def gather_observations(self) -> np.ndarray:
        return self.X

    def share(self, arr):
        return arr

    def task(self, func, *args):
        self.counters.tasks += 1
        return _LocalTask(func, args)

    def _resolve(self, arg, done):
        if isinstance(arg, _BlockRef):
            lo, hi = self.bounds[arg.index]
            return self.X[lo:hi]
        if isinstance(arg, _LocalTask):
            return done[id(arg)]
        return arg

    def compute(self, tasks: list) -> list:
        """Results of `tasks`; dependencies first, each level on the thread pool."""
        self.counters.computes += 1
        levels: dict[int, int] = {}
        order: list[_LocalTask] = []

        def depth(t) -> int:
            if id(t) in levels:
                return levels[id(t)]
            deps = [depth(a) for a in t.args if isinstance(a, _LocalTask)]
            levels[id(t)] = 1 + max(deps, default=-1)
            order.append(t)
            return levels[id(t)]

        for t in tasks:
            depth(t)
        done: dict[int, object] = {}
        by_level: dict[int, list] = {}
        for t in order:
            by_level.setdefault(levels[id(t)], []).append(t)

        def run(t):
            return t.func(*(self._resolve(a, done) for a in t.args))

        with ThreadPoolExecutor(self.threads) as pool:
            for level in sorted(by_level):
                group = by_level[level]
                if len(group) == 1 or self.threads == 1:
                    results = [run(t) for t in group]
                else:
                    results = list(pool.map(run, group))
                for t, r in zip(group, results):
                    done[id(t)] = r
        return [done[id(t)] for t in tasks]


class DaskRunner:
    """Runs the round tasks through Dask: the current distributed Client if there is
    one, else Dask's default scheduler. Row blocks stay where Dask keeps them."""

    kind = "dask"

    def __init__(self, X, bounds: list[tuple[int, int]]):
        import dask

        self._dask = dask
        self.X = X                    # a persisted dask array, rows chunked as `bounds`
        self.bounds = bounds
        self._blocks = X.to_delayed().ravel().tolist()
        self.counters = _Counters()
        try:
            from distributed import get_client

            self._client = get_client()
        except (ImportError, ValueError):
            self._client = None
        if self._client is not None:          # tasks worth running at once
            self.parallelism = max(1, sum(self._client.nthreads().values()))
        else:
            import os

            self.parallelism = os.cpu_count() or 1

    def block(self, b: int):
        return self._blocks[b]

    def gather_observations(self) -> np.ndarray:
        X = np.ascontiguousarray(self.X.compute(), dtype=np.float64)
        self.counters.bytes_received += X.nbytes
        return X

    def share(self, arr):
        """`arr` sent once and referenced by many tasks."""
        self.counters.bytes_sent += _nbytes(arr)
        if self._client is not None:
            return self._client.scatter(arr, broadcast=False, hash=False)
        return self._dask.delayed(arr, pure=True)

    def task(self, func, *args):
        self.counters.tasks += 1
        self.counters.bytes_sent += sum(_nbytes(a) for a in args if isinstance(a, np.ndarray))
        return self._dask.delayed(func, pure=True)(*args)

    def compute(self, tasks: list) -> list:
        self.counters.computes += 1
        results = list(self._dask.compute(*tasks))
        self.counters.bytes_received += sum(_nbytes(r) for r in results)
        return results


class RoundReporter:
    """After every round: the user's progress callback (a dict of figures), and the
    library's progress counters (_progress.py) when a display is reporting."""

    def __init__(self, callback, method: str, runner, n: int):
        from .._progress import STAGE_MERGES, current

        self.counters = current(STAGE_MERGES, n - 1)   # the library's progress hook
        self.callback = callback
        self.method = method
        self.runner = runner
        self.n = n
        self.round = 0
        self._t0 = time.perf_counter()
        self._last = runner.counters.snapshot()

    def __call__(self, phase: str, clusters: int, **extra) -> None:
        self.round += 1
        if self.counters is not None:
            self.counters[1] = self.n - clusters      # merges (tree edges) done so far
        now = self.runner.counters.snapshot()
        if self.callback is not None:
            info = {"method": self.method, "round": self.round, "phase": phase,
                    "n": self.n, "clusters": clusters, "runner": self.runner.kind,
                    "seconds": time.perf_counter() - self._t0}
            info.update(extra)
            info.update({key: now[key] - self._last[key] for key in now})
            self.callback(info)
        self._last = now
