"""show_config, the version's single source, and the SIMD switch seen from Python."""
import importlib.metadata
import json
import os
import subprocess
import sys

import pytest

import fastclust
from fastclust._platform import openmp_enabled, openmp_max_threads, simd_paths


def test_version_is_the_installed_metadata_version():
    # meson.build's project version is the only place that sets it: the
    # package metadata (pyproject's dynamic version) and __version__ agree.
    assert fastclust.__version__ == importlib.metadata.version("fastclust")


def test_show_config_dicts():
    config = fastclust.show_config(mode="dicts")
    assert set(config) == {"fastclust", "build", "runtime"}
    assert config["fastclust"]["version"] == fastclust.__version__
    assert os.path.samefile(config["fastclust"]["location"], os.path.dirname(fastclust.__file__))
    build, runtime = config["build"], config["runtime"]
    assert build["openmp"] is openmp_enabled()
    assert build["c_compiler"] and build["cython_version"][0].isdigit()
    assert "-march" not in build["c_args"]          # wheels must run on every CPU of the arch
    assert runtime["openmp"]["enabled"] is openmp_enabled()
    if openmp_enabled():
        assert runtime["openmp"]["max_threads"] == openmp_max_threads() >= 1
        assert runtime["openmp"]["spec"] >= 200805     # OpenMP 3.0 or later
    assert runtime["simd"]["avx2"] is simd_paths()["avx2"]
    assert runtime["default_workers"] >= 1
    json.dumps(config)                               # plain data, ready for a bug report


def test_show_config_prints_every_section(capsys):
    assert fastclust.show_config() is None
    out = capsys.readouterr().out
    for line in ("fastclust:", "build:", "runtime:", f"  version: {fastclust.__version__}",
                 "    avx2: "):
        assert line in out, line


def test_show_config_bad_mode():
    with pytest.raises(ValueError, match=r"`mode` must be 'stdout' or 'dicts'; got 'json'"):
        fastclust.show_config(mode="json")


CHILD = "import json, fastclust; print(json.dumps(fastclust.show_config(mode='dicts')['runtime']['simd']))"


def test_no_avx2_forces_every_portable_path():
    env = dict(os.environ, FASTCLUST_NO_AVX2="1")
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert json.loads(out) == {"avx2": False, "popcnt": False, "portable_forced": True}


def test_cli_show_config_and_version(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "fastclust", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    shown = run("show-config")
    assert shown.returncode == 0, shown.stderr
    assert f"version: {fastclust.__version__}" in shown.stdout and "openmp:" in shown.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"fastclust {fastclust.__version__}"
