"""The AVX2 and the portable inner loops of single linkage give the same Z.

The loop is chosen once per process (FASTCLUST_NO_AVX2=1 forces the portable
one), so the portable run happens in a child process.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import fastclust

CHILD = """
import sys, numpy as np, fastclust
y = np.load(sys.argv[1])
np.save(sys.argv[2], fastclust.linkage(y, "single", workers=int(sys.argv[3])))
"""


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["tie_free", "ties"])
@pytest.mark.parametrize("workers", [1, 2])
def test_portable_loop_matches(tmp_path, rng, kind, workers, dtype):
    n = 1300                       # above the contraction threshold: Boruvka rounds run
    if kind == "tie_free":
        y = fastclust.pdist(rng.normal(size=(n, 3)))
    else:
        y = rng.integers(1, 6, size=n * (n - 1) // 2).astype(np.float64)
    y = y.astype(dtype)            # float32: the kernel reads it as it is
    np.save(tmp_path / "y.npy", y)
    env = dict(os.environ, FASTCLUST_NO_AVX2="1")
    subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "y.npy"),
                    str(tmp_path / "z.npy"), str(workers)], env=env, check=True, timeout=120)
    Z_portable = np.load(tmp_path / "z.npy")
    Z_here = fastclust.linkage(y, "single", workers=workers)
    np.testing.assert_array_equal(Z_here, Z_portable)
