"""Ctrl-C: a long linkage in a child process stops promptly with KeyboardInterrupt.

The kernels run without the GIL and check for signals about every 50 ms
(PyErr_CheckSignals); linkage must then raise KeyboardInterrupt, leave the
caller's array as it was (preserve_input=True) and leave the process usable.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# Runs in the child. argv: mode, n. Each mode would run for many seconds uninterrupted.
CHILD = textwrap.dedent(r"""
    import linecache, re, sys, threading, time, traceback, zlib
    import numpy as np
    import fastclust

    mode, n = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(0)
    run = fastclust.linkage
    if mode == "pdist":                       # the distance kernel, from observations
        data, method = rng.random((n, 64)), "single"
    elif mode.startswith("vector-"):          # linkage_vector: distances on the fly
        data, method = rng.random((n, 10)), mode[len("vector-"):]
        # single: Prim on the fly, not the KD-tree 'auto' would pick here (it has its
        # own Ctrl-C test in test_kdtree.py and is too quick at this size)
        extra = {"algorithm": "prim"} if method == "single" else {}
        run = lambda X, m, **kw: fastclust.linkage_vector(X, m, **kw, **extra)
    elif mode.startswith("graph-"):           # linkage_graph along a pixel grid, all pairs
        side = int(round(n ** 0.5))
        grid = fastclust.grid_graph((side, side))
        data, method = rng.random((side * side, 3)), mode[len("graph-"):]
        run = lambda X, m, **kw: fastclust.linkage_graph(X, grid, m, pairs="all")
    elif mode.endswith("-condensed"):         # the NN-chain on its condensed layout
        data, method = rng.random(n * (n - 1) // 2), mode[:-len("-condensed")]
        run = lambda y, m, **kw: fastclust.linkage(y, m, layout="condensed", **kw)
    else:
        data, method = rng.random(n * (n - 1) // 2), mode
    checksum = zlib.crc32(data)
    small = rng.random(45)
    expected_small = fastclust.linkage(small, "average")

    # Tell the parent when the main thread is inside a compiled kernel: its innermost
    # Python frame is then a fastclust line that calls one (the kernels release the GIL,
    # so this thread can look). Without that, a signal could land in the Python-side
    # validation, which raises KeyboardInterrupt whether or not the kernels check.
    KERNEL_CALL = re.compile(r"\b(\w*_linkage|kernel|pdist_condensed)\(")

    def watch(main_id=threading.main_thread().ident):
        deadline = time.perf_counter() + 10.0
        while time.perf_counter() < deadline:
            frame = sys._current_frames().get(main_id)
            if frame is not None and "fastclust" in frame.f_code.co_filename:
                line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
                if KERNEL_CALL.search(line):
                    print("in kernel:", line.strip(), flush=True)
                    return
            time.sleep(0.002)
        print("in kernel: not seen, assumed", flush=True)

    threading.Thread(target=watch, daemon=True).start()
    print("started", flush=True)
    start = time.perf_counter()
    try:
        for _ in range(8):                    # single linkage alone is quick: repeat
            run(data, method, workers=1)
    except KeyboardInterrupt as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        print("interrupted after %.2f s in %s" % (time.perf_counter() - start,
                                                  frames[-1].name if frames else "?"), flush=True)
        print("input unchanged:", zlib.crc32(data) == checksum, flush=True)
        ok = np.array_equal(fastclust.linkage(small, "average"), expected_small)
        print("usable afterwards:", ok, flush=True)
    else:
        print("finished after %.2f s without interruption" % (time.perf_counter() - start),
              flush=True)
""")


@pytest.mark.parametrize("mode, n", [
    ("average", 12000),     # nearest-neighbour chain on the square layout (built first)
    ("ward-condensed", 12000),  # nearest-neighbour chain on a condensed copy
    ("single", 12000),      # Boruvka passes over the caller's array (about 0.5 s a call)
    ("centroid", 12000),    # generic algorithm
    ("pdist", 12000),       # distances computed from observations, 64 features
    ("vector-single", 12000),   # linkage_vector: Prim on the fly
    ("vector-ward", 12000),     # linkage_vector: NN-chain on centroids
    ("vector-median", 12000),   # linkage_vector: generic algorithm on centroids
    ("graph-average", 22500),   # linkage_graph: merges along a 150 x 150 grid
])
def test_sigint_interrupts_linkage(mode, n):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        ready = proc.stdout.readline() if first.strip() == "started" else ""
        if not ready.startswith("in kernel:"):
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"{mode}: the child did not reach a kernel: "
                        f"{first + ready + out!r}\nstderr={err[-1500:]!r}")
        time.sleep(0.1)
        assert proc.poll() is None, "the child ended before the signal"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=3.0)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            timed_out = True
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    report = f"stdout={out!r}\nstderr={err[-1500:]!r}"
    if timed_out:
        pytest.fail(f"{mode}: no exit within 3 s of SIGINT\n{report}")
    assert proc.returncode == 0, report
    assert "interrupted after" in out, report
    assert "input unchanged: True" in out, report
    assert "usable afterwards: True" in out, report
    assert "Exception ignored" not in err, report   # a swallowed KeyboardInterrupt
    assert elapsed < 3.0, report
