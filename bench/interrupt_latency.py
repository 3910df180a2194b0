"""How soon Ctrl-C stops a linkage call, wherever it arrives.

A child process runs ``linkage(y, method, layout=...)`` on a condensed matrix
(default call, preserve_input=True); the parent sends SIGINT a given delay
after the call starts, and the child reports when KeyboardInterrupt reached
it. Both read CLOCK_MONOTONIC, so the difference is the latency. Early delays
land in the working copy or the square build, later ones in the kernel.

    python bench/interrupt_latency.py --n 20000 --method average --layout square
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

CHILD = r"""
import sys, time
import numpy as np
import fastclust
n, method, layout = int(sys.argv[1]), sys.argv[2], sys.argv[3]
y = np.random.default_rng(0).random(n * (n - 1) // 2)
print("ready", flush=True)
sys.stdin.readline()
start = time.monotonic()
print(f"start {start!r}", flush=True)
try:
    fastclust.linkage(y, method, layout=layout)
    print(f"finished {time.monotonic()!r}", flush=True)
except KeyboardInterrupt:
    print(f"interrupted {time.monotonic()!r}", flush=True)
"""


def one(n, method, layout, delay):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(n), method, layout],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    start = float(proc.stdout.readline().split()[1])
    time.sleep(max(0.0, start + delay - time.monotonic()))
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    what, when = proc.stdout.readline().split()
    proc.wait()
    return what, float(when) - sent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--method", default="average")
    parser.add_argument("--layout", default="auto")
    parser.add_argument("--delays", default="0.02,0.1,0.2,0.4,0.8,1.5,3")
    args = parser.parse_args(argv)
    print(f"n={args.n}, method={args.method}, layout={args.layout}")
    print("| SIGINT after | outcome | latency |")
    print("|---|---|---|")
    for delay in (float(d) for d in args.delays.split(",")):
        what, latency = one(args.n, args.method, args.layout, delay)
        print(f"| {delay:.2f} s | {what} | {latency * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
