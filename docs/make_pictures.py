"""Regenerate the pictures in docs/img/ that the README shows.

    python docs/make_pictures.py

Needs fastclust with the plot extra (matplotlib), and scikit-learn for the
photo it ships. Deterministic: the data are the packaged example data sets
and that photo; re-running gives the same pictures (up to
matplotlib version differences in rendering).
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import numpy as np  # noqa: E402

import fastclust  # noqa: E402
from fastclust import plot  # noqa: E402
from fastclust.datasets import load_state_x77  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent / "img"


def demo_pictures():
    """The PNGs of `fastclust demo`, exactly as the command writes them."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "fastclust", "demo", "--out", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        for name in ("dendrogram.png", "heatmap.png"):
            target = OUT / f"demo_{name}"
            target.write_bytes((pathlib.Path(tmp) / name).read_bytes())
            print(f"wrote {target}")


def state_x77_heatmap():
    ds = load_state_x77()
    cm = plot.clustermap(ds.data, method="ward", z_score=1, row_clusters=5, col_clusters=3,
                         optimal_ordering=True, row_labels=ds.sample_names,
                         col_labels=ds.feature_names, cmap="RdBu_r", center=0.0,
                         colorbar_label="z-score", figsize=(7.5, 10))
    cm.figure.suptitle("state.x77: Ward linkage of z-scored columns, optimal leaf order",
                       x=0.6, y=0.995, fontsize=10)
    target = OUT / "state_x77_clustermap.png"
    cm.savefig(target, dpi=100)
    plt.close(cm.figure)
    print(f"wrote {target}")


def photo_segmentation():
    """Ward regions of a photo along its pixel grid (scikit-learn ships the photo)."""
    from sklearn.datasets import load_sample_image

    photo = load_sample_image("china.jpg")[::2, ::2]          # 214 x 320 pixels
    h, w, _ = photo.shape
    colours = photo.reshape(-1, 3).astype(np.float64) / 255.0
    model = fastclust.HierarchicalClustering(40, linkage="ward",
                                             connectivity=fastclust.grid_graph((h, w)))
    labels = model.fit_predict(colours)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    axes[0].imshow(photo)
    axes[0].set_axis_off()
    axes[0].set_title("photo (scikit-learn's china.jpg, 214 x 320)", fontsize=9)
    plot.segmentation(photo, labels, ax=axes[1], boundary_color="yellow", fill_alpha=0.0)
    axes[1].set_title("Ward along the pixel grid, 40 regions", fontsize=9)
    fig.tight_layout()
    target = OUT / "photo_segmentation.png"
    fig.savefig(target, dpi=100)
    plt.close(fig)
    print(f"wrote {target}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"fastclust {fastclust.__version__}, matplotlib {matplotlib.__version__}")
    demo_pictures()
    state_x77_heatmap()
    photo_segmentation()


if __name__ == "__main__":
    main()
