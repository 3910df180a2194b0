"""Shared fixtures: the seeded `rng` and a deterministic hypothesis profile.

The seed comes from the environment variable FASTCLUST_SEED (default 0) and is
printed in the pytest header, so that any failure can be replayed with
``FASTCLUST_SEED=<seed> python -m pytest tests``.
"""
from __future__ import annotations

import os
import pathlib
import sys


import numpy as np  # noqa: E402
import pytest  # noqa: E402

# With --import-mode=importlib the tests folder is not on sys.path: put it there
# so that the test modules can `import _naive`.
_TESTS_DIR = str(pathlib.Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)


def _read_seed() -> int:
    raw = os.environ.get("FASTCLUST_SEED", "0").strip() or "0"
    try:
        seed = int(raw)
    except ValueError:
        raise pytest.UsageError(f"FASTCLUST_SEED must be a non-negative integer; got {raw!r}.")
    if seed < 0:
        raise pytest.UsageError(f"FASTCLUST_SEED must be a non-negative integer; got {raw!r}.")
    return seed


SEED = _read_seed()

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is optional; the tests that need it skip themselves
    settings = None
else:
    settings.register_profile(
        "fastclust",
        derandomize=True,           # same examples on every run and every machine
        database=None,              # nothing written into the work tree
        max_examples=60,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("fastclust-more", parent=settings.get_profile("fastclust"),
                              max_examples=1000)
    HYPOTHESIS_PROFILE = os.environ.get("FASTCLUST_HYPOTHESIS_PROFILE", "fastclust")
    settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_report_header(config):
    lines = [f"fastclust: FASTCLUST_SEED={SEED} (set the variable to replay another seed), "
             f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}"]
    try:
        import fastclust
        from fastclust._platform import openmp_enabled

        lines.append(f"fastclust {fastclust.__version__}, OpenMP: {openmp_enabled()}")
    except Exception as exc:  # report, do not break collection
        lines.append(f"fastclust not importable: {exc!r}")
    if settings is not None:
        lines.append(f"hypothesis profile: {HYPOTHESIS_PROFILE}")
    return lines


@pytest.fixture
def rng():
    """A NumPy Generator seeded from FASTCLUST_SEED: the only source of randomness."""
    return np.random.default_rng(SEED)
