"""Import time of the package, measured in a fresh interpreter."""

import subprocess
import sys


def time_import():
    # One fresh interpreter per call, so nothing is cached in sys.modules. The
    # time includes interpreter start-up (a few tens of ms), the same for every
    # commit, so differences between commits are the import itself.
    subprocess.run([sys.executable, "-c", "import fastclust"], check=True)


time_import.number = 1
time_import.repeat = (5, 20, 20.0)  # (min samples, max samples, max seconds)
time_import.timeout = 120.0
