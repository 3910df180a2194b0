"""The command line (end to end, in subprocesses) and its cut helpers (on cut_tree / fcluster).

R cross-checks below were exported from R 4.2.2:
    h <- hclust(dist(scale(USArrests)), "average")
    cutree(h, k = 4) - 1;  sort(h$height)[46:49]
"""
import csv
import io
import os
import subprocess
import sys

import numpy as np
import pytest

import fastclust
from fastclust.cli import _cut_by_count as cut_by_count, _cut_by_height as cut_by_height
from fastclust.datasets import load_usarrests

R_AVERAGE_K4 = "01232233203323333032323023323322033333303023333333"
R_COMPLETE_K4 = "00121122102312322031212023313211032222203012322322"
R_AVERAGE_TOP_HEIGHTS = [2.32751315053823, 2.50701455493423, 2.73477884282094, 3.32236162127127]


def run(*args, cwd, env=None):
    """`python -m fastclust ARGS` in `cwd`; returns the CompletedProcess (text mode)."""
    return subprocess.run([sys.executable, "-m", "fastclust", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def read_labels(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def env_without_matplotlib(tmp_path):
    """An environment in which `import matplotlib` fails, installed or not."""
    shadow = tmp_path / "no-matplotlib"
    (shadow / "matplotlib").mkdir(parents=True)
    (shadow / "matplotlib" / "__init__.py").write_text(
        "raise ImportError('matplotlib hidden by the test')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shadow), env.get("PYTHONPATH")]))
    return env


def assert_user_error(result, message):
    """Exit status 2, no traceback, and a last stderr line 'fastclust: error: ...message...'."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("fastclust: error: ") and message in last, result.stderr


def ok(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


# ---------------------------------------------------------------------------
# fastclust demo


def test_demo_default_folder_matches_r(tmp_path):
    result = ok(run("demo", cwd=tmp_path, env=env_without_matplotlib(tmp_path)))
    out = tmp_path / "fastclust-demo"
    header, rows = read_labels((out / "labels.csv").read_text())
    assert header == ["state", "cluster"]
    assert len(rows) == 50
    assert [r[0] for r in rows] == list(load_usarrests().sample_names)
    assert "".join(r[1] for r in rows) == R_AVERAGE_K4
    Z = np.load(out / "linkage.npy")
    assert Z.shape == (49, 4)
    np.testing.assert_allclose(Z[-4:, 2], R_AVERAGE_TOP_HEIGHTS, rtol=1e-12)
    assert "labels.csv" in result.stdout and "linkage.npy" in result.stdout
    assert "cluster 1 (1 state): Alaska" in result.stdout


def test_demo_options(tmp_path):
    out = tmp_path / "a" / "b"
    result = ok(run("demo", "--out", out, "--method", "complete", "--n-clusters", 3,
                    cwd=tmp_path, env=env_without_matplotlib(tmp_path)))
    _, rows = read_labels((out / "labels.csv").read_text())
    assert len(rows) == 50
    assert sorted({r[1] for r in rows}) == ["0", "1", "2"]
    assert "complete linkage" in result.stdout
    assert result.stdout.count("\ncluster ") == 3


def test_demo_labels_match_r_complete(tmp_path):
    ok(run("demo", "--out", tmp_path, "--method", "complete", cwd=tmp_path,
           env=env_without_matplotlib(tmp_path)))
    _, rows = read_labels((tmp_path / "labels.csv").read_text())
    assert "".join(r[1] for r in rows) == R_COMPLETE_K4


def test_demo_without_matplotlib_skips_the_png(tmp_path):
    result = ok(run("demo", "--out", "d", cwd=tmp_path, env=env_without_matplotlib(tmp_path)))
    assert not (tmp_path / "d" / "dendrogram.png").exists()
    assert not (tmp_path / "d" / "heatmap.png").exists()
    assert (tmp_path / "d" / "labels.csv").exists()
    lines = [line for line in result.stderr.splitlines() if "matplotlib" in line]
    assert len(lines) == 1 and "not installed" in lines[0] and "fastclust[plot]" in lines[0]


def test_demo_with_matplotlib_writes_the_png(tmp_path):
    pytest.importorskip("matplotlib")
    result = ok(run("demo", "--out", "d", cwd=tmp_path))
    for name in ("dendrogram.png", "heatmap.png"):
        png = tmp_path / "d" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"wrote {png.relative_to(tmp_path)}" in result.stdout


def test_cluster_writes_pictures(tmp_path):
    pytest.importorskip("matplotlib")
    data = tmp_path / "points.csv"
    data.write_text("name,x,y,z\n" + "".join(
        f"p{i},{i % 3},{(i * 7) % 5},{i / 10}\n" for i in range(30)))
    result = ok(run("cluster", "points.csv", "--n-clusters", "3", "--dendrogram", "t.png",
                    "--heatmap", "h.png", "-o", "labels.csv", cwd=tmp_path))
    for name in ("t.png", "h.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"wrote {name}" in result.stderr
    assert result.stdout == ""
    quiet = ok(run("cluster", "points.csv", "--n-clusters", "3", "--dendrogram", "t2.png",
                   "-o", "labels.csv", "--quiet", cwd=tmp_path))
    assert quiet.stderr == "" and (tmp_path / "t2.png").exists()


def test_cluster_heatmap_needs_observations(tmp_path):
    pytest.importorskip("matplotlib")
    np.save(tmp_path / "y.npy", np.array([1.0, 2.0, 3.0]))
    result = ok(run("cluster", "y.npy", "--n-clusters", "2", "--heatmap", "h.png",
                    cwd=tmp_path))
    assert not (tmp_path / "h.png").exists()
    assert "skipped h.png: a heatmap needs observations" in result.stderr


def test_progress_display(capsys):
    from fastclust.cli import _Progress
    with _Progress(enabled=True).stage("working"):
        __import__("time").sleep(0.25)
    err = capsys.readouterr().err
    assert "working | ..." in err or "working / ..." in err     # the spinner while it ran
    assert err.rstrip("\n").endswith("\033[K") and "\rworking: 0." in err
    with _Progress(enabled=False).stage("silent"):
        pass
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("method", ["single", "average", "ward"])
def test_kernels_report_progress(method, rng):
    """The linkage kernels fill the counters of a Progress while they run, to 100%."""
    from fastclust._progress import Progress, reporting
    from fastclust.cli import _Progress
    counters = Progress()
    assert _Progress.line(counters, 0) == "| ..."          # nothing reported: a spinner
    with reporting(counters):
        fastclust.linkage(rng.random((300, 3)), method)
    assert counters.snapshot() == ("merges", 1.0)
    assert _Progress.line(counters, 0) == "[" + "#" * 24 + "] 100% merges"
    counters.counters[:] = [2, 1, 4]
    assert _Progress.line(counters, 0) == "[" + "#" * 6 + "." * 18 + "]  25% merges"
    # after `reporting` has ended, kernels no longer write into the counters
    counters.counters[:] = [7, 7, 7]
    fastclust.linkage(rng.random((50, 3)), method)
    assert counters.counters.tolist() == [7, 7, 7]
