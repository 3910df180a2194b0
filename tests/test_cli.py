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
    progress = _Progress(enabled=True)
    with progress.stage("working"):
        progress.message("a message")
    err = capsys.readouterr().err
    # a message clears the progress line first; the stage ends with its time
    assert "\r\033[Ka message\n" in err
    assert err.endswith("\033[K\n") and "\rworking: 0." in err
    quiet = _Progress(enabled=False)
    with quiet.stage("silent"):
        pass
    assert capsys.readouterr().err == ""
    quiet.message("still shown")
    assert capsys.readouterr().err == "still shown\n"


def sample_progress(call):
    """Run call() under a Progress; returns it and the snapshots another thread took."""
    import threading
    import time

    from fastclust._progress import Progress, reporting
    counters = Progress()
    seen = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            seen.append(counters.snapshot())
            time.sleep(0.001)

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        with reporting(counters):
            call()
    finally:
        stop.set()
        thread.join()
    return counters, seen


def test_progress_is_reported_while_the_kernel_runs(rng):
    """Sampled from another thread, the counters rise through intermediate values."""
    X = rng.random((6000, 4))          # enough work for several updates between polls
    _, seen = sample_progress(lambda: fastclust.linkage(X, "average"))
    merges = [f for stage, f in seen if stage == "merges" and f is not None]
    assert any(0.0 < f < 1.0 for f in merges), seen[:5]
    assert merges == sorted(merges)                     # never goes back
    distances = [f for stage, f in seen if stage == "distances" and f is not None]
    assert distances == sorted(distances)


@pytest.mark.parametrize("method", ["single", "average", "ward", "centroid"])
def test_kernels_report_progress(method, rng):
    """The linkage kernels fill the counters of a Progress while they run, to 100%."""
    from fastclust._progress import Progress, reporting
    from fastclust.cli import _Progress
    counters = Progress()
    assert _Progress.line(counters, 0) == "| ..."          # nothing reported: a spinner
    with reporting(counters):
        fastclust.linkage(rng.random((300, 3)), method, algorithm="matrix")
    assert counters.snapshot() == ("merges", 1.0)
    assert _Progress.line(counters, 0) == "[" + "#" * 24 + "] 100% merges"
    with reporting(counters):
        fastclust.pdist(rng.random((300, 3)))
    assert counters.snapshot() == ("distances", 1.0)
    counters.counters[:] = [2, 1, 4]
    assert _Progress.line(counters, 0) == "[" + "#" * 6 + "." * 18 + "]  25% merges"
    # after `reporting` has ended, kernels no longer write into the counters
    counters.counters[:] = [7, 7, 7]
    fastclust.linkage(rng.random((50, 3)), method)
    assert counters.counters.tolist() == [7, 7, 7]


@pytest.mark.parametrize("method, metric, algorithm", [
    ("single", "euclidean", "prim"),          # vectorised Prim rows
    ("single", "canberra", "prim"),           # Prim with pdist's per-pair code
    ("ward", "euclidean", "auto"),            # NN-chain on centroids
    ("centroid", "euclidean", "auto"),        # generic algorithm on centroids
])
def test_linkage_vector_reports_progress(method, metric, algorithm, rng):
    """linkage_vector's kernels fill the counters while they run, monotone, to 100%."""
    X = rng.random((5000, 3))
    counters, seen = sample_progress(
        lambda: fastclust.linkage_vector(X, method, metric, algorithm=algorithm))
    assert counters.snapshot() == ("merges", 1.0)
    merges = [f for stage, f in seen if stage == "merges" and f is not None]
    assert merges == sorted(merges)
    assert any(0.0 < f < 1.0 for f in merges), seen[:5]


# ---------------------------------------------------------------------------
# fastclust cluster FILE

POINTS = [[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [20.0, 20.0]]


def test_cluster_csv_with_header_and_labels(tmp_path):
    lines = ["city,x,y"] + [f"c{i},{x},{y}" for i, (x, y) in enumerate(POINTS)]
    (tmp_path / "pts.csv").write_text("\n".join(lines) + "\n")
    result = ok(run("cluster", "pts.csv", "--n-clusters", 3, cwd=tmp_path))
    header, rows = read_labels(result.stdout)
    assert header == ["label", "cluster"]
    assert rows == [["c0", "0"], ["c1", "0"], ["c2", "1"], ["c3", "1"], ["c4", "2"]]


def test_cluster_tsv_without_header_to_files(tmp_path):
    lines = ["\t".join(str(v) for v in p) for p in POINTS]
    (tmp_path / "pts.tsv").write_text("\n".join(lines) + "\n")
    ok(run("cluster", "pts.tsv", "--method", "single", "--distance-threshold", 1,
           "--output", "labels.csv", "--linkage", "Z.npy", cwd=tmp_path))
    header, rows = read_labels((tmp_path / "labels.csv").read_text())
    # inclusive threshold: the merges at height exactly 1 are made
    assert rows == [["0", "0"], ["1", "0"], ["2", "1"], ["3", "1"], ["4", "2"]]
    np.testing.assert_array_equal(np.load(tmp_path / "Z.npy"),
                                  fastclust.linkage(POINTS, "single"))


def test_cluster_low_memory_gives_the_same_clusters(tmp_path, rng, capsys, monkeypatch):
    """--low-memory (linkage_vector), and the same choice made alone when memory is short."""
    from fastclust import cli

    X = rng.normal(size=(60, 3))
    np.save(tmp_path / "x.npy", X)
    monkeypatch.chdir(tmp_path)
    for method in ("single", "ward", "centroid", "median"):
        assert cli.main(["cluster", "x.npy", "--method", method, "--n-clusters", "4",
                         "--linkage", f"{method}.npy", "-o", f"{method}.csv"]) == 0
        assert "linkage_vector" not in capsys.readouterr().err
        assert cli.main(["cluster", "x.npy", "--method", method, "--n-clusters", "4",
                         "--linkage", "v.npy", "-o", "v.csv", "--low-memory"]) == 0
        assert "O(n d) memory (linkage_vector), as asked by --low-memory." in \
            capsys.readouterr().err
        np.testing.assert_array_equal(np.load("v.npy"), fastclust.linkage_vector(X, method))
        Z = np.load(f"{method}.npy")
        np.testing.assert_array_equal(np.load("v.npy")[:, [0, 1, 3]], Z[:, [0, 1, 3]])
        assert (tmp_path / "v.csv").read_text() == (tmp_path / f"{method}.csv").read_text()
    monkeypatch.setattr(cli, "available_memory", lambda: 10_000)   # 60 points need 14 160 B
    assert cli.main(["cluster", "x.npy", "--method", "single", "--metric", "cityblock",
                     "--n-clusters", "4", "--linkage", "auto.npy", "-o", "auto.csv"]) == 0
    assert "the distance matrix would need 0.0 GiB of the 0.0 GiB available; the same tree" \
        in capsys.readouterr().err
    np.testing.assert_array_equal(np.load("auto.npy"), fastclust.linkage(X, "single", "cityblock"))
    # only single switches by itself (its Z is the same bit for bit); ward, centroid and
    # median could break ties otherwise, and average has no O(n d) method at all
    for method in ("ward", "average"):
        assert cli.main(["cluster", "x.npy", "--method", method, "--n-clusters", "4",
                         "-o", "m.csv"]) == 0
        assert "linkage_vector" not in capsys.readouterr().err


def test_cluster_low_memory_errors(tmp_path, rng, capsys, monkeypatch):
    from fastclust import cli

    np.save(tmp_path / "x.npy", rng.normal(size=(20, 3)))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["cluster", "x.npy", "--method", "average", "--n-clusters", "2",
                     "--low-memory"]) == 2
    assert "--low-memory needs observations (not distances) and --method single" in \
        capsys.readouterr().err
    assert cli.main(["cluster", "x.npy", "--method", "ward", "--metric", "cityblock",
                     "--n-clusters", "2", "--low-memory"]) == 2
    assert "got --method ward --metric cityblock" in capsys.readouterr().err
    np.save(tmp_path / "y.npy", fastclust.pdist(rng.normal(size=(20, 3))))
    assert cli.main(["cluster", "y.npy", "--method", "single", "--n-clusters", "2",
                     "--low-memory"]) == 2
    assert "got condensed distances." in capsys.readouterr().err

    def no_memory(*args, **kwargs):
        raise MemoryError("the condensed matrix needs 40.0 GiB, more than 24.0 GiB")

    monkeypatch.setattr("fastclust._linkage.linkage", no_memory)
    assert cli.main(["cluster", "x.npy", "--method", "ward", "--n-clusters", "2"]) == 1
    err = capsys.readouterr().err
    assert "out of memory: the condensed matrix needs 40.0 GiB, more than 24.0 GiB. " \
           "--low-memory runs --method ward in O(n d) memory" in err
    assert cli.main(["cluster", "x.npy", "--method", "average", "--n-clusters", "2"]) == 1
    assert "Single linkage (any metric) and ward" in capsys.readouterr().err
    # already on the O(n d) path: no hint to use it
    monkeypatch.setattr("fastclust._linkage_vector.linkage_vector", no_memory)
    assert cli.main(["cluster", "x.npy", "--method", "ward", "--n-clusters", "2",
                     "--low-memory"]) == 1
    err = capsys.readouterr().err
    assert "more than 24.0 GiB.\n" in err and "--low-memory runs" not in err


def test_cluster_threshold_just_below_a_merge(tmp_path):
    (tmp_path / "pts.tsv").write_text("\n".join(f"{x}\t{y}" for x, y in POINTS) + "\n")
    result = ok(run("cluster", "pts.tsv", "--method", "single", "--distance-threshold",
                    0.999, cwd=tmp_path))
    _, rows = read_labels(result.stdout)
    assert [r[1] for r in rows] == ["0", "1", "2", "3", "4"]


def test_cluster_npy_observations_and_condensed(tmp_path):
    np.save(tmp_path / "x.npy", np.array(POINTS))
    np.save(tmp_path / "d.npy", fastclust.pdist(POINTS))
    for name in ("x.npy", "d.npy"):
        result = ok(run("cluster", name, "--method", "average", "--n-clusters", 2,
                        cwd=tmp_path))
        _, rows = read_labels(result.stdout)
        assert rows == [["0", "0"], ["1", "0"], ["2", "0"], ["3", "0"], ["4", "1"]]


def test_cluster_label_column_and_delimiter(tmp_path):
    lines = ["x;y;name"] + [f"{x};{y};p{i}" for i, (x, y) in enumerate(POINTS)]
    (tmp_path / "pts.txt").write_text("\n".join(lines) + "\n")
    result = ok(run("cluster", "pts.txt", "--delimiter", ";", "--label-column", 3,
                    "--n-clusters", 2, "--method", "ward", cwd=tmp_path))
    _, rows = read_labels(result.stdout)
    assert [r[0] for r in rows] == [f"p{i}" for i in range(5)]
    assert [r[1] for r in rows] == ["0", "0", "0", "0", "1"]


def test_cluster_usarrests_matches_demo(tmp_path):
    ds = load_usarrests()
    X = (ds.data - ds.data.mean(axis=0)) / ds.data.std(axis=0, ddof=1)
    with open(tmp_path / "us.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["state", *ds.feature_names])
        writer.writerows([name, *row] for name, row in zip(ds.sample_names, X.tolist()))
    result = ok(run("cluster", "us.csv", "--n-clusters", 4, cwd=tmp_path))
    _, rows = read_labels(result.stdout)
    assert [r[0] for r in rows] == list(ds.sample_names)
    assert "".join(r[1] for r in rows) == R_AVERAGE_K4


# ---------------------------------------------------------------------------
# User errors: exit status 2, one message, no traceback

GOOD = "name,x,y\na,0,0\nb,0,1\nc,5,5\n"

ERROR_CASES = [
    # (file name, file content, extra arguments, expected part of the message)
    ("missing.csv", None, ["--n-clusters", "2"], "'missing.csv' does not exist"),
    ("bad.csv", "name,x,y\na,0,0\nb,0,abc\n", ["--n-clusters", "2"],
     "bad.csv, line 3, column 3 ('y'): 'abc' is not a number"),
    ("nan.csv", "name,x,y\na,0,0\nb,NaN,1\n", ["--n-clusters", "2"],
     "nan.csv, line 3, column 2 ('x') is NaN"),
    ("inf.csv", "1,2\n3,inf\n", ["--n-clusters", "2"], "line 2, column 2 is 'inf'"),
    ("empty-cell.csv", "name,x,y\na,0,0\nb,,1\n", ["--n-clusters", "2"],
     "line 3, column 2 ('x') is empty"),
    ("ragged.csv", "name,x,y\na,0,0\nb,1\n", ["--n-clusters", "2"],
     "ragged.csv, line 3 has 2 fields; expected 3"),
    ("quote.csv", 'a,"0\n', ["--n-clusters", "1"], "quote.csv, line 1: malformed CSV"),
    ("blank.csv", "\n\n", ["--n-clusters", "1"], "blank.csv contains no data"),
    ("header-only.csv", "x,y\n", ["--n-clusters", "1"], "has a header row but no data rows"),
    ("one-row.csv", "1,2\n", ["--n-clusters", "1"], "needs at least 2"),
    ("noheader.csv", GOOD, ["--n-clusters", "2", "--no-header"],
     "line 1, column 2: 'x' is not a number"),
    ("good.csv", GOOD, ["--n-clusters", "9"],
     "--n-clusters must be between 1 and the number of rows (3); got 9"),
    ("good.csv", GOOD, ["--n-clusters", "0"], "--n-clusters must be between 1"),
    ("good.csv", GOOD, ["--n-clusters", "two"], "argument --n-clusters: expected an integer"),
    ("good.csv", GOOD, ["--distance-threshold", "nan"], "expected a number, got 'nan'"),
    ("good.csv", GOOD, [], "one of the arguments --n-clusters --distance-threshold is required"),
    ("good.csv", GOOD, ["--n-clusters", "2", "--method", "foo"],
     "--method must be one of 'average', 'centroid'"),
    ("good.csv", GOOD, ["--n-clusters", "2", "--metric", "foo"],
     "--metric must be one of 'braycurtis'"),
    ("good.csv", GOOD, ["--n-clusters", "2", "--method", "ward", "--metric", "cityblock"],
     "requires the Euclidean metric"),                       # ValueError from linkage
    ("good.csv", GOOD, ["--n-clusters", "2", "--label-column", "7"],
     "--label-column must be between 0 (none) and the number of columns (3); got 7"),
    ("good.csv", GOOD, ["--n-clusters", "2", "--delimiter", "ab"],
     "--delimiter must be a single character"),
    ("good.csv", GOOD, ["--n-clusters", "2", "--output", "no/such/dir/labels.csv"],
     "cannot write 'no/such/dir/labels.csv'"),
    ("latin1.csv", b"caf\xe9,1\nb,2\n", ["--n-clusters", "1"], "is not a UTF-8 text file"),
    ("wrong.npy", "not an npy file", ["--n-clusters", "1"], "wrong.npy is not a .npy file"),
]


@pytest.mark.parametrize(("name", "content", "extra", "message"), ERROR_CASES,
                         ids=[f"{c[0]}:{' '.join(c[2])}" for c in ERROR_CASES])
def test_cluster_user_errors(tmp_path, name, content, extra, message):
    if isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    elif content is not None:
        (tmp_path / name).write_text(content)
    result = run("cluster", name, *extra, cwd=tmp_path)
    assert_user_error(result, message)
    assert result.stdout == ""


@pytest.mark.parametrize(("array", "message"), [
    (np.arange(4.0), "has length 4, which is not n*(n-1)/2"),
    (np.array([[0.0, 1.0], [np.nan, 2.0]]), "entry [1, 0] is nan"),
    (np.array(["a", "b"]), "must hold numbers"),
    (np.zeros((2, 2, 2)), "must hold a 1-D (condensed distances) or 2-D"),
    (np.array([1.0, -2.0, 3.0]), "must hold non-negative distances"),  # from linkage
])
def test_cluster_npy_user_errors(tmp_path, array, message):
    np.save(tmp_path / "a.npy", array)
    assert_user_error(run("cluster", "a.npy", "--n-clusters", 1, cwd=tmp_path), message)


@pytest.mark.parametrize(("args", "message"), [
    ([], "the following arguments are required: COMMAND"),
    (["demo", "--n-clusters", "51"],
     "--n-clusters must be between 1 and the number of rows (50)"),
    (["demo", "--method", "foo"], "--method must be one of"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_other_user_errors(tmp_path, args, message):
    assert_user_error(run(*args, cwd=tmp_path), message)


def test_demo_out_is_a_file(tmp_path):
    (tmp_path / "taken").write_text("")
    assert_user_error(run("demo", "--out", "taken", cwd=tmp_path),
                      "cannot create the folder 'taken'")


def test_help_and_version(tmp_path):
    assert "cluster" in ok(run("--help", cwd=tmp_path)).stdout
    assert ok(run("--version", cwd=tmp_path)).stdout.strip() == f"fastclust {fastclust.__version__}"


def test_main_in_process_returns_status(capsys):
    from fastclust.cli import main

    assert main(["cluster", "does-not-exist.csv", "--n-clusters", "1"]) == 2
    assert capsys.readouterr().err == "fastclust: error: 'does-not-exist.csv' does not exist.\n"


# ---------------------------------------------------------------------------
# the CLI's cuts: by count (cut_tree) and by height (fcluster), labels by first appearance


def first_appearance(labels):
    """Renumber labels 0..k-1 in order of first appearance."""
    seen = {}
    return np.array([seen.setdefault(v, len(seen)) for v in np.asarray(labels).tolist()])


@pytest.fixture(scope="module")
def usarrests_z():
    """Standardised USArrests: 1225 distinct distances, so no ties in any method."""
    ds = load_usarrests()
    return (ds.data - ds.data.mean(axis=0)) / ds.data.std(axis=0, ddof=1)


MONOTONE = ["single", "complete", "average", "weighted", "ward"]


@pytest.mark.parametrize("method", MONOTONE)
def test_cut_by_count_matches_scipy_maxclust(usarrests_z, method):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    Z = fastclust.linkage(usarrests_z, method)
    for k in (1, 2, 3, 4, 7, 25, 49, 50):
        labels = cut_by_count(Z, k)
        assert labels.dtype == np.intp and labels.shape == (50,)
        expected = first_appearance(hierarchy.fcluster(Z, k, criterion="maxclust"))
        np.testing.assert_array_equal(labels, expected)


@pytest.mark.parametrize("method", [*MONOTONE, "centroid", "median"])
def test_cut_by_height_matches_scipy_distance(usarrests_z, method):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    Z = fastclust.linkage(usarrests_z, method)
    heights = np.sort(Z[:, 2])
    midpoints = (heights[:-1] + heights[1:]) / 2
    for t in [-1.0, 0.0, *heights[::5].tolist(), *midpoints[::7].tolist(), heights[-1], np.inf]:
        expected = first_appearance(hierarchy.fcluster(Z, t, criterion="distance"))
        np.testing.assert_array_equal(cut_by_height(Z, t), expected)


@pytest.mark.parametrize("method", MONOTONE)
def test_cuts_match_scipy_on_random_points(rng, method):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    Z = fastclust.linkage(rng.random((120, 3)), method)     # tie-free almost surely
    for k in (1, 2, 5, 30, 120):
        expected = first_appearance(hierarchy.fcluster(Z, k, criterion="maxclust"))
        np.testing.assert_array_equal(cut_by_count(Z, k), expected)
    for t in np.quantile(Z[:, 2], [0.1, 0.5, 0.9]).tolist():
        expected = first_appearance(hierarchy.fcluster(Z, t, criterion="distance"))
        np.testing.assert_array_equal(cut_by_height(Z, t), expected)


@pytest.mark.parametrize("method", ["centroid", "median"])
def test_cut_by_count_with_inversions_gives_k_clusters(usarrests_z, method):
    Z = fastclust.linkage(usarrests_z, method)
    assert (np.diff(Z[:, 2]) < 0).any()              # the data do have inversions
    for k in range(1, 51):
        labels = cut_by_count(Z, k)
        assert labels.max() + 1 == k
        np.testing.assert_array_equal(labels, first_appearance(labels))
        # the first n - k merges, done naively
        members = {i: {i} for i in range(50)}
        for s, (a, b) in enumerate(Z[: 50 - k, :2].astype(int).tolist()):
            members[50 + s] = members.pop(a) | members.pop(b)
        groups = {frozenset(g) for g in members.values()}
        assert groups == {frozenset(np.flatnonzero(labels == c)) for c in range(k)}


def test_cut_labels_in_order_of_first_appearance():
    # 0 and 3 merge first, then 1 and 2: with two clusters, 0 and 3 get label 0
    Z = np.array([[0, 3, 1.0, 2], [1, 2, 2.0, 2], [4, 5, 3.0, 4]])
    np.testing.assert_array_equal(cut_by_count(Z, 2), [0, 1, 1, 0])
    np.testing.assert_array_equal(cut_by_count(Z, 3), [0, 1, 2, 0])
    np.testing.assert_array_equal(cut_by_count(Z, 4), [0, 1, 2, 3])
    np.testing.assert_array_equal(cut_by_count(Z, 1), [0, 0, 0, 0])
    np.testing.assert_array_equal(cut_by_height(Z, 2.0), [0, 1, 1, 0])     # inclusive
    np.testing.assert_array_equal(cut_by_height(Z, np.nextafter(2.0, 0)), [0, 1, 2, 0])


def test_cut_by_height_with_an_inversion_keeps_subtrees_whole():
    # row 1 joins cluster 3 = {0, 1} (height 2) with 2 at height 1.5 (an inversion)
    Z = np.array([[0, 1, 2.0, 2], [2, 3, 1.5, 3]])
    np.testing.assert_array_equal(cut_by_height(Z, 1.7), [0, 1, 2])
    np.testing.assert_array_equal(cut_by_height(Z, 2.0), [0, 0, 0])
    np.testing.assert_array_equal(cut_by_count(Z, 2), [0, 0, 1])


def test_cut_single_observation():
    Z = np.empty((0, 4))
    np.testing.assert_array_equal(cut_by_count(Z, 1), [0])
    np.testing.assert_array_equal(cut_by_height(Z, 0.0), [0])


def test_cut_accepts_lists_and_numpy_scalars():
    Z = [[0, 1, 1.0, 2], [2, 3, 2.0, 3]]
    np.testing.assert_array_equal(cut_by_count(Z, np.int64(2)), [0, 0, 1])
    np.testing.assert_array_equal(cut_by_height(Z, np.float32(1.0)), [0, 0, 1])
    np.testing.assert_array_equal(cut_by_height(Z, 5), [0, 0, 0])


@pytest.mark.parametrize("layout", ["square", "condensed"])
def test_nn_chain_layouts_report_progress(layout, rng):
    from fastclust._progress import Progress, reporting
    counters = Progress()
    with reporting(counters):
        fastclust.linkage(rng.random(300 * 299 // 2), "ward", layout=layout)
    assert counters.snapshot() == ("merges", 1.0)


def test_kdtree_reports_progress(rng):
    """The KD-tree's Boruvka rounds fill the counters (points joined so far), to 100%."""
    X = rng.random((20000, 3))
    counters, seen = sample_progress(
        lambda: fastclust.linkage_vector(X, "single", algorithm="kdtree"))
    assert counters.snapshot() == ("merges", 1.0)
    assert counters.counters[2] == 20000 - 1
    merges = [f for stage, f in seen if stage == "merges" and f is not None]
    assert merges == sorted(merges)
