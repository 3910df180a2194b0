"""Run SciPy's own tests for scipy.cluster.hierarchy against fastclust's functions.

The test file ships inside the scipy wheel. This script copies it (and its
data module) into a temporary folder, makes every name fastclust provides
come from fastclust instead of SciPy (SciPy internals such as `_hierarchy`
or `Heap` stay SciPy's), and runs pytest there with SciPy's conftest (the
`xp` fixture; NumPy backend only).

    python ci/scipy_compat.py [extra pytest args]

Exit status is pytest's; any failure is a compatibility bug (with SciPy 1.17.1
all 163 tests pass). The names the test file imports that fastclust does not
have (SciPy internals: `_hierarchy`, `_order_cluster_tree`, the method tables)
keep SciPy's objects; the tests that use them test SciPy, not us.
"""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import fastclust

# Appended, not prepended: SciPy's decorators (make_xp_test_case) look the
# functions up in SciPy's capability table when the tests are defined; the test
# bodies read the module globals when they run, and then get fastclust's.
POSTAMBLE = '''

# --- appended by fastclust/ci/scipy_compat.py: fastclust's functions under test
import fastclust as _fastclust
for _name in {names!r}:
    globals()[_name] = getattr(_fastclust, _name)
eager.is_valid_im = _fastclust.is_valid_im
eager.is_valid_linkage = _fastclust.is_valid_linkage
del _name
'''


def main(argv: list[str]) -> int:
    import scipy.cluster
    tests = pathlib.Path(scipy.cluster.__file__).parent / "tests"
    source = tests / "test_hierarchy.py"
    if not source.exists():
        print(f"scipy's test file is missing at {source}", file=sys.stderr)
        return 2
    text = source.read_text()
    imported = re.search(r"from scipy\.cluster\.hierarchy import \((.*?)\)", text, re.S)
    names = [n.strip() for n in imported.group(1).replace("\n", " ").split(",") if n.strip()]
    ours = [n for n in names if hasattr(fastclust, n)]
    theirs = [n for n in names if n not in ours]
    text += POSTAMBLE.format(names=ours)
    with tempfile.TemporaryDirectory() as tmp:
        pkg = pathlib.Path(tmp) / "scipy_hierarchy_tests"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "conftest.py").write_text("from scipy.conftest import *  # noqa: F401,F403\n")
        shutil.copy(tests / "hierarchy_test_data.py", pkg)
        (pkg / "test_hierarchy.py").write_text(text)
        print(f"fastclust {fastclust.__version__}: testing {len(ours)} names from fastclust "
              f"({', '.join(ours)}); SciPy's own: {', '.join(theirs)}", flush=True)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--rootdir", tmp, str(pkg), *argv]
        return subprocess.call(cmd, cwd=tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
