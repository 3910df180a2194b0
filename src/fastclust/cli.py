"""The ``fastclust`` command line: ``fastclust demo``, ``fastclust cluster FILE`` and
``fastclust show-config``.

Run ``fastclust --help`` (or ``python -m fastclust --help``). User mistakes
(missing or malformed files, bad options) print one line
``fastclust: error: <message>`` to stderr and exit with status 2.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from ._validation import available_memory

__all__ = ["main"]

PROG = "fastclust"
EXIT_USAGE = 2


class UserError(Exception):
    """A mistake in the command line or the input files: reported without a traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse with errors in the one format used for every user error."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{PROG}: error: {message}\n")


# ---------------------------------------------------------------------------
# Entry point


def main(argv=None) -> int:
    """Run the command line with `argv` (default: ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name.

    Returns
    -------
    status : int
        0 on success, 2 for a user error (bad option, missing or malformed
        input), 1 when the data do not fit in memory, 130 on Ctrl-C.

    Examples
    --------
    >>> from fastclust.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    fastclust ...
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:             # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    try:
        args.run(args)
    except UserError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError as exc:
        print(f"{PROG}: error: out of memory: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:               # e.g. `fastclust cluster x.csv | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def _run_show_config(args) -> None:
    from ._config import show_config

    show_config()


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from ._methods import METHODS

    methods = ", ".join(sorted(METHODS))
    parser = _Parser(prog=PROG, description="Fast, exact hierarchical clustering.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                     parser_class=_Parser)

    demo = commands.add_parser(
        "demo", help="cluster the USArrests example data and write the results",
        description="Cluster the 50 US states of the USArrests data (columns "
                    "standardised to mean 0 and standard deviation 1) and write "
                    "DIR/labels.csv, DIR/linkage.npy and, if matplotlib is "
                    "installed, DIR/dendrogram.png and DIR/heatmap.png.")
    demo.add_argument("--out", metavar="DIR", default="fastclust-demo",
                      help="output folder, created if needed (default: ./fastclust-demo)")
    demo.add_argument("--method", default="average", help=f"{methods} (default: average)")
    demo.add_argument("--n-clusters", metavar="K", type=_integer, default=4,
                      help="number of flat clusters, 1 to 50 (default: 4)")
    demo.set_defaults(run=_run_demo)

    show = commands.add_parser(
        "show-config", help="print how fastclust was built and what it runs with here",
        description="Print the version, the build (compiler, flags, OpenMP) and the "
                    "running setup (Python, NumPy, OpenMP runtime and threads, SIMD "
                    "paths): the report to paste into a bug report.")
    show.set_defaults(run=_run_show_config)

    cluster = commands.add_parser(
        "cluster", help="cluster the rows of a CSV, TSV or .npy file",
        description="Cluster the rows of FILE and write one flat-cluster label per row. "
                    "FILE is CSV or TSV (a first row that is not all numbers is a "
                    "header; a first column that is not a number holds the row "
                    "labels) or .npy (2-D: observations; 1-D: condensed distances).")
    cluster.add_argument("file", metavar="FILE", help="input .csv, .tsv or .npy file")
    cluster.add_argument("--method", default="average", help=f"{methods} (default: average)")
    cluster.add_argument("--metric", default="euclidean",
                         help="distance between rows: euclidean, sqeuclidean, cityblock, "
                              "chebyshev, minkowski, cosine, or precomputed for a square "
                              "distance matrix (default: euclidean)")
    cut = cluster.add_mutually_exclusive_group(required=True)
    cut.add_argument("--n-clusters", metavar="K", type=_integer,
                     help="cut the tree into K clusters")
    cut.add_argument("--distance-threshold", metavar="T", type=_real,
                     help="join every merge at height <= T (inclusive)")
    cluster.add_argument("--output", "-o", metavar="LABELS.csv",
                         help="where to write the labels CSV (label,cluster); default: stdout")
    cluster.add_argument("--linkage", metavar="Z.npy", help="also save the linkage matrix")
    cluster.add_argument("--dendrogram", metavar="TREE.png",
                         help="also draw the tree (coloured by the cut with --n-clusters); "
                              "needs matplotlib")
    cluster.add_argument("--heatmap", metavar="HEAT.png",
                         help="also draw the data as a heatmap, rows in tree order and "
                              "columns clustered; needs matplotlib")
    cluster.add_argument("--low-memory", action="store_true",
                         help="O(n d) memory instead of the n^2/2 distance matrix "
                              "(fastclust.linkage_vector; single, ward, centroid, median). "
                              "Chosen by itself when the matrix would not fit in memory")
    cluster.add_argument("--quiet", "-q", action="store_true",
                         help="no progress display and no messages on stderr (errors "
                              "still go there)")
    cluster.add_argument("--delimiter", "-d", metavar="CHAR",
                         help=r"field separator: one character, or \t for tab "
                              "(default: tab for .tsv/.tab files or a first line with "
                              "tabs, else comma)")
    cluster.add_argument("--no-header", action="store_true",
                         help="the first row is data, even if it is not numeric")
    cluster.add_argument("--label-column", metavar="N", type=_integer,
                         help="1-based number of the column holding the row labels, 0 for "
                              "none (default: column 1 if it is not numeric, else none)")
    cluster.set_defaults(run=_run_cluster)
    return parser


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}.") from None


def _real(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}.")
    return value


# ---------------------------------------------------------------------------
# Shared steps


def _check_method(method: str) -> str:
    from ._methods import METHODS

    if method.lower() not in METHODS:
        valid = ", ".join(repr(m) for m in sorted(METHODS))
        raise UserError(f"--method must be one of {valid}; got {method!r}.")
    return method.lower()


def _check_metric(metric: str) -> str:
    from ._distance import METRIC_ALIASES, METRICS

    name = METRIC_ALIASES.get(metric.lower(), metric.lower())
    if name not in METRICS and name != "precomputed":
        valid = ", ".join(repr(m) for m in [*sorted(METRICS), "precomputed"])
        raise UserError(f"--metric must be one of {valid}; got {metric!r}.")
    return name


# Methods and metrics fastclust.linkage_vector computes without the distance matrix.
VECTOR_METHODS = ("single", "ward", "centroid", "median")


def _vector_supported(data, method: str, metric: str) -> bool:
    return (data.ndim == 2 and metric != "precomputed" and method in VECTOR_METHODS
            and (method == "single" or metric == "euclidean"))


def _choose_low_memory(data, method: str, metric: str, forced: bool) -> tuple[bool, str]:
    """(use linkage_vector?, why) for `fastclust cluster`.

    linkage_vector needs observations, one of VECTOR_METHODS and (except for
    single) the Euclidean metric. Unforced, it is chosen only for single
    linkage (whose Z it reproduces bit for bit, ties included), when the
    condensed matrix would take more than 80% of the available memory: for
    ward, centroid and median it can break ties differently, and labels must
    not depend on how much memory happens to be free.
    """
    vector_ok = _vector_supported(data, method, metric)
    n = data.shape[0] if data.ndim == 2 else 0
    need = n * (n - 1) // 2 * 8
    if forced:
        if not vector_ok:
            if data.ndim != 2 or metric == "precomputed":
                got = "a distance matrix" if data.ndim == 2 else "condensed distances"
            else:
                got = f"--method {method} --metric {metric}"
            raise UserError(
                "--low-memory needs observations (not distances) and --method single "
                f"(any metric) or ward, centroid or median (euclidean); got {got}.")
        return True, "as asked by --low-memory"
    available = available_memory()
    if method == "single" and vector_ok and available is not None and need > 0.8 * available:
        return True, (f"the distance matrix would need {need / 2**30:.1f} GiB of the "
                      f"{available / 2**30:.1f} GiB available; the same tree")
    return False, ""


def _linkage(data, method: str, metric: str, say=None, low_memory: bool = False):
    """fastclust.linkage (or linkage_vector with `low_memory`), with its ValueError and
    TypeError as user errors and warnings on stderr.

    `say(text)` prints a line on stderr (default: print), e.g. a progress display's.
    """
    from ._linkage import linkage
    from ._linkage_vector import linkage_vector

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if low_memory:
                Z = linkage_vector(data, method, metric)
            else:
                Z = linkage(data, method, metric)
        except (ValueError, TypeError) as exc:
            raise UserError(str(exc)) from None
        except MemoryError as exc:
            text = str(exc).rstrip()
            text += "" if text.endswith((".", "!", "?")) else "."
            if low_memory:
                hint = ""                  # already the O(n d) path: nothing smaller to offer
            elif _vector_supported(data, method, metric):
                hint = (f" --low-memory runs --method {method} in O(n d) memory (ward, "
                        f"centroid, median: ties may be broken differently).")
            else:
                hint = (" Single linkage (any metric) and ward, centroid and median "
                        "(euclidean) of observations run in O(n d) memory with --low-memory.")
            raise MemoryError(text + hint) from None
    for warning in caught:
        text = f"{PROG}: warning: {warning.message}"
        if say is not None:
            say(text)
        else:
            print(text, file=sys.stderr)
    return Z


def _cut_by_count(Z, n_clusters: int) -> np.ndarray:
    from ._tree import _labels_by_count
    return _labels_by_count(Z, n_clusters)


def _cut_by_height(Z, threshold: float) -> np.ndarray:
    from ._tree import _labels_by_height
    return _labels_by_height(Z, threshold, strict=False)


def _check_n_clusters(k: int, n: int) -> None:
    if not 1 <= k <= n:
        raise UserError(f"--n-clusters must be between 1 and the number of rows ({n}); "
                        f"got {k}.")


def _write_labels(path, header, names, labels) -> None:
    """Write a two-column CSV (`header`, then name,label rows) to `path` or to stdout if None."""
    if path is None:
        _write_rows(sys.stdout, header, names, labels)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            _write_rows(f, header, names, labels)
    except OSError as exc:
        raise UserError(f"cannot write {str(path)!r}: {exc.strerror or exc}.") from None


def _write_rows(f, header, names, labels) -> None:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(names, labels.tolist()))


def _save_npy(path, array) -> None:
    try:
        np.save(path, array)
    except OSError as exc:
        raise UserError(f"cannot write {str(path)!r}: {exc.strerror or exc}.") from None


# ---------------------------------------------------------------------------
# fastclust demo


def _run_demo(args) -> None:
    from .datasets import load_usarrests

    method = _check_method(args.method)
    ds = load_usarrests()
    n = ds.data.shape[0]
    _check_n_clusters(args.n_clusters, n)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder {str(out)!r}: {exc.strerror or exc}.") from None

    # z-scores with the sample standard deviation, as R's scale(): the tree is
    # the same for any common scale factor, and the heights match R's hclust.
    X = (ds.data - ds.data.mean(axis=0)) / ds.data.std(axis=0, ddof=1)
    Z = _linkage(X, method, "euclidean")
    labels = _cut_by_count(Z, args.n_clusters)

    print(f"USArrests: {n} US states x {len(ds.feature_names)} variables "
          f"({', '.join(ds.feature_names)}), standardised; {method} linkage, "
          f"{args.n_clusters} clusters.")
    _write_labels(out / "labels.csv", ("state", "cluster"), ds.sample_names, labels)
    print(f"wrote {out / 'labels.csv'}")
    _save_npy(out / "linkage.npy", Z)
    print(f"wrote {out / 'linkage.npy'}")
    title = f"USArrests, {method} linkage on standardised data"
    _write_pictures(Z, X, ds.sample_names, ds.feature_names, args.n_clusters, title,
                    out / "dendrogram.png", out / "heatmap.png", log=print)
    for cluster in range(args.n_clusters):
        members = [name for name, label in zip(ds.sample_names, labels) if label == cluster]
        count = f"{len(members)} state" + ("s" if len(members) != 1 else "")
        print(f"cluster {cluster} ({count}): {', '.join(members)}")


def _write_pictures(Z, X, names, feature_names, n_clusters, title, dendrogram_png,
                    heatmap_png, log, warn=None) -> None:
    """Save a dendrogram and/or a clustered heatmap (either path may be None).

    `log(text)` reports each file written; `warn(text)` (default: print on
    stderr) what was skipped.
    """
    if warn is None:
        def warn(text):
            print(text, file=sys.stderr)
    if dendrogram_png is None and heatmap_png is None:
        return
    try:
        import matplotlib
    except ImportError:
        skipped = " and ".join(str(p) for p in (dendrogram_png, heatmap_png) if p is not None)
        warn(f"matplotlib is not installed: skipped {skipped} "
             f"(pip install 'fastclust[plot]').")
        return
    matplotlib.use("Agg")        # files only: never open a window
    import matplotlib.pyplot as plt

    from . import plot
    n = Z.shape[0] + 1
    k = n_clusters if n_clusters is not None and 1 <= n_clusters <= n else None
    if dendrogram_png is not None:
        width = min(max(6.0, 0.2 * n + 1.5), 30.0)
        fig, ax = plt.subplots(figsize=(width, 5.0), layout="constrained")
        plot.dendrogram(Z, ax=ax, labels=list(names), n_clusters=k, cut_line=k is not None,
                        show_labels=n <= 200)
        ax.set_ylabel("merge height")
        ax.set_title(title)
        _save_figure(fig, dendrogram_png, log)
    if heatmap_png is not None:
        if X is None or X.ndim != 2 or X.shape[1] < 2:
            warn(f"{PROG}: warning: skipped {heatmap_png}: a heatmap needs observations "
                 f"with at least 2 columns.")
            return
        cm = plot.clustermap(X, method="average", row_linkage=Z, row_clusters=k,
                             row_labels=list(names), col_labels=list(feature_names),
                             cmap="RdBu_r", center=0.0 if X.min() < 0 < X.max() else None,
                             figsize=(7.0, min(max(6.0, 0.16 * n + 2.0), 30.0)))
        cm.figure.suptitle(title, x=0.6, y=0.995, fontsize=10)
        _save_figure(cm.figure, heatmap_png, log)


def _save_figure(fig, path, log) -> None:
    import matplotlib.pyplot as plt
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise UserError(f"cannot write {str(path)!r}: {exc.strerror or exc}.") from None
    finally:
        plt.close(fig)
    log(f"wrote {path}")


# ---------------------------------------------------------------------------
# fastclust cluster FILE


def _run_cluster(args) -> None:
    method = _check_method(args.method)
    metric = _check_metric(args.metric)
    path = Path(args.file)
    if not path.exists():
        raise UserError(f"{str(path)!r} does not exist.")
    if path.is_dir():
        raise UserError(f"{str(path)!r} is a folder, not a file.")
    progress = _Progress(enabled=not args.quiet and sys.stderr.isatty())
    with progress.stage(f"reading {path.name}"):
        if path.suffix.lower() == ".npy":
            names, data = _read_npy(path)
            columns = [f"column {j + 1}" for j in range(data.shape[1])] if data.ndim == 2 else []
            if data.ndim == 1:
                metric = "euclidean"     # condensed distances: the metric is not used
        else:
            names, data, columns = _read_table(path, args.delimiter, not args.no_header,
                                               args.label_column)
    if len(names) < 2:
        raise UserError(f"{path} holds {len(names)} observation(s); clustering needs at "
                        f"least 2.")
    if args.n_clusters is not None:
        _check_n_clusters(args.n_clusters, len(names))
    low_memory, why = _choose_low_memory(data, method, metric, args.low_memory)
    if low_memory and not args.quiet:
        progress.message(f"{PROG}: O(n d) memory (linkage_vector), {why}.")
    with progress.stage(f"{method} linkage of {len(names)} rows"):
        Z = _linkage(data, method, metric, say=progress.message, low_memory=low_memory)
    with progress.stage("cutting the tree"):
        if args.n_clusters is not None:
            labels = _cut_by_count(Z, args.n_clusters)
        else:
            labels = _cut_by_height(Z, args.distance_threshold)
    if args.linkage is not None:
        _save_npy(args.linkage, Z)
    _write_labels(args.output, ("label", "cluster"), names, labels)
    if args.dendrogram or args.heatmap:
        observations = data if data.ndim == 2 and metric != "precomputed" else None
        log = (lambda text: None) if args.quiet else progress.message
        with progress.stage("drawing"):
            _write_pictures(Z, observations, names, columns, args.n_clusters,
                            f"{path.name}: {method} linkage, {metric}",
                            args.dendrogram, args.heatmap, log, warn=progress.message)


class _Progress:
    """Stage-by-stage progress on stderr: a bar where the kernels report how far
    they are (see _progress.py), else a spinner; always the elapsed time.

    The kernels release the GIL, so a background thread can redraw the line
    while they run. Only when enabled (stderr is a terminal and no --quiet).
    Each finished stage leaves one line with its time.
    """

    FRAMES = "|/-\\"
    WIDTH = 24

    def __init__(self, enabled: bool):
        import threading
        self.enabled = enabled
        self._lock = threading.Lock()      # one writer at a time: the redraw or a message

    def message(self, text: str) -> None:
        """Print a line on stderr without mixing it into the progress line."""
        with self._lock:
            if self.enabled:
                sys.stderr.write("\r\033[K")
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def stage(self, what: str):
        import contextlib
        import threading
        import time

        from ._progress import Progress, reporting

        if not self.enabled:
            return contextlib.nullcontext()

        @contextlib.contextmanager
        def running():
            done = threading.Event()
            start = time.perf_counter()
            counters = Progress()

            def redraw():
                frame = 0
                while not done.wait(0.1):
                    elapsed = time.perf_counter() - start
                    with self._lock:
                        sys.stderr.write(f"\r{what} {self.line(counters, frame)} "
                                         f"{elapsed:.1f} s\033[K")
                        sys.stderr.flush()
                    frame += 1

            thread = threading.Thread(target=redraw, daemon=True)
            thread.start()
            try:
                with reporting(counters):
                    yield
            finally:
                done.set()
                thread.join()
                elapsed = time.perf_counter() - start
                with self._lock:
                    sys.stderr.write(f"\r{what}: {elapsed:.2f} s\033[K\n")
                    sys.stderr.flush()

        return running()

    @classmethod
    def line(cls, counters, frame: int) -> str:
        """'[#####.....]  45% merges' when the kernel reports, else a spinner."""
        stage, fraction = counters.snapshot()
        if fraction is None:
            return f"{cls.FRAMES[frame % 4]} ..."
        filled = int(round(fraction * cls.WIDTH))
        return f"[{'#' * filled}{'.' * (cls.WIDTH - filled)}] {fraction * 100:3.0f}% {stage}"


def _read_npy(path: Path):
    """Row labels 0..n-1 and the array of a .npy file (1-D: condensed distances)."""
    try:
        with open(path, "rb") as f:
            if f.read(6) != b"\x93NUMPY":
                raise UserError(f"{path} is not a .npy file (it does not start with the "
                                f"NumPy format header).")
        data = np.load(path, allow_pickle=False)
    except OSError as exc:
        raise UserError(f"cannot read {str(path)!r}: {exc.strerror or exc}.") from None
    except ValueError as exc:
        raise UserError(f"{path} is not a readable .npy file: {exc}") from None
    if not isinstance(data, np.ndarray):
        raise UserError(f"{path} must hold a single array.")
    if data.ndim not in (1, 2):
        raise UserError(f"{path} must hold a 1-D (condensed distances) or 2-D "
                        f"(observations) array; got shape {data.shape}.")
    if data.dtype.kind not in "biuf":
        raise UserError(f"{path} must hold numbers; got an array of dtype {data.dtype}.")
    if not np.isfinite(data).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(data))[0])
        raise UserError(f"{path}: entry {list(bad)} is {data[bad]}; all values must be "
                        f"finite numbers.")
    if data.ndim == 1:
        from ._validation import num_obs_condensed
        try:
            n = num_obs_condensed(data.shape[0], str(path))
        except ValueError as exc:
            raise UserError(str(exc).replace("`", "")) from None
    else:
        n = data.shape[0]
    return [str(i) for i in range(n)], data


def _read_table(path: Path, delimiter, detect_header: bool, label_column):
    """Row labels and the float64 observations of a CSV/TSV file.

    Header: the first row, if any cell outside the label column is not a
    number (never with --no-header). Labels: --label-column (1-based, 0 for
    none), else column 1 if the first data row has a non-number there, else
    the data row numbers 0..n-1. Errors name the line and column.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as exc:
        raise UserError(f"cannot read {str(path)!r}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not a UTF-8 text file ({exc.reason} at byte "
                        f"{exc.start}); for NumPy arrays use a .npy file.") from None

    delimiter = _delimiter(delimiter, path, text)
    rows = []                        # (line number, cells)
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise UserError(f"{path}, line {reader.line_num}: malformed CSV: {exc}.") from None
    if not rows:
        raise UserError(f"{path} contains no data.")

    width = len(rows[0][1])
    for line, cells in rows:
        if len(cells) != width:
            raise UserError(f"{path}, line {line} has {len(cells)} fields; expected {width} "
                            f"as in line {rows[0][0]} (delimiter {delimiter!r}).")
    if label_column is not None and not 0 <= label_column <= width:
        raise UserError(f"--label-column must be between 0 (none) and the number of "
                        f"columns ({width}); got {label_column}.")

    first = rows[0][1]
    if label_column is None:
        candidates = first[1:]
    else:
        candidates = [c for j, c in enumerate(first, 1) if j != label_column]
    has_header = detect_header and ((not candidates and not _is_number(first[0]))
                                    or any(not _is_number(c) for c in candidates))
    header = first if has_header else None
    body = rows[1:] if has_header else rows
    if not body:
        raise UserError(f"{path} has a header row but no data rows.")
    if label_column is None:
        label_column = 1 if width > 1 and not _is_number(body[0][1][0]) else 0
    data_columns = [j for j in range(1, width + 1) if j != label_column]
    if not data_columns:
        raise UserError(f"{path} has no numeric columns besides the label column.")

    values = np.empty((len(body), len(data_columns)), dtype=np.float64)
    for i, (line, cells) in enumerate(body):
        for k, j in enumerate(data_columns):
            cell = cells[j - 1]
            where = f"{path}, line {line}, column {j}"
            if header is not None:
                where += f" ({header[j - 1]!r})"
            if not cell:
                raise UserError(f"{where} is empty; every cell must hold a number.")
            try:
                value = float(cell)
            except ValueError:
                raise UserError(f"{where}: {cell!r} is not a number.") from None
            if math.isnan(value):
                raise UserError(f"{where} is NaN; missing values are not supported.")
            if math.isinf(value):
                raise UserError(f"{where} is {cell!r}; values must be finite.")
            values[i, k] = value
    if label_column:
        names = [cells[label_column - 1] for _, cells in body]
    else:
        names = [str(i) for i in range(len(body))]
    columns = ([header[j - 1] for j in data_columns] if header is not None
               else [f"column {j}" for j in data_columns])
    return names, values, columns


def _delimiter(option, path: Path, text: str) -> str:
    if option is not None:
        value = {"\\t": "\t", "tab": "\t"}.get(option, option)
        if len(value) != 1 or value in "\"\r\n":
            raise UserError(f"--delimiter must be a single character other than a quote or "
                            f"newline, or \\t; got {option!r}.")
        return value
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" if "\t" in first_line else ","


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
