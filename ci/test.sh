#!/usr/bin/env bash
# The job CI runs: a fresh virtual environment, build and install from source,
# then the README's test command. Usage: ci/test.sh [extra pip config settings]
#   FASTCLUST_OPENMP=disabled ci/test.sh   builds without OpenMP (the fallback path)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python -m pip install --quiet --upgrade pip

openmp=${FASTCLUST_OPENMP:-auto}
cd "$repo"
echo "== building fastclust from source (openmp=$openmp)"
python -m pip install --quiet ".[test]" -Csetup-args="-Dopenmp=$openmp"
python -c "import fastclust; fastclust.show_config()"

echo "== pytest"
status=0
python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: the suite is missing or broken" >&2
    exit 1
fi
[ "$status" -ne 0 ] && exit "$status"

echo "== SciPy's own scipy.cluster.hierarchy tests, pointed at fastclust"
python ci/scipy_compat.py -q || status=$?
if [ "$status" -eq 5 ]; then
    echo "SciPy's hierarchy tests were not collected" >&2
    exit 1
fi
exit "$status"
