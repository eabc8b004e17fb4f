"""Figures of chapter 12 (section 4 of the paper), small versions that draw in seconds.

chapter12_digits.png: §4.1 (c), the ten outputs of a [1, 10] KAN trained to give the
    first decimal digit of x as one-hot: each output's curve is a spike on its interval.
chapter12_contrastive.png: §4.2, the edge scores |phi|_1 of a [6, 1, 1] KAN trained to
    tell real rows from column-shuffled ones, for seeds 0, 1, 2.

The settings are `benchmarks/paper/interpretability.py`'s, shortened (300 samples, fewer
steps); the script's full mode prints the tables of the chapter. Everything is seeded.
"""

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks.paper and kan_np from the checkout

SMALL = {"seeds": (0,), "steps": (15, 5, 5), "grids": (5, 10), "n_train": 300, "lib": None}


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the two figures into outdir; return the paths of the PNGs written."""
    from benchmarks.paper import common

    common.use_agg()
    outdir = pathlib.Path(outdir)
    return [digits(outdir), contrastive(outdir)]


def digits(outdir):
    """§4.1 (c): the ten learned spikes of a [1, 10] KAN."""
    import matplotlib.pyplot as plt

    from benchmarks.paper import interpretability as paper

    model = paper.categorical(0, SMALL)["model"]
    xs = np.linspace(0, 1, 501)[:, None]  # (501, 1)
    ys = model(xs)  # (501, 10)
    fig, ax = plt.subplots(figsize=(7, 3.2), constrained_layout=True)
    for j in range(10):
        ax.plot(xs[:, 0], ys[:, j], lw=1.2, color=f"C{j}", label=str(j))
        ax.axvspan(j / 10, (j + 1) / 10, color=f"C{j}", alpha=0.08)
    ax.set(xlabel="x", ylabel="output j",
           title="§4.1 (c): output j should fire on [j/10, (j+1)/10)")  # fmt: skip
    ax.legend(ncol=10, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return _save(fig, outdir / "chapter12_digits.png")


def contrastive(outdir):
    """§4.2: edge scores of the first layer for seeds 0-2."""
    import matplotlib.pyplot as plt

    from benchmarks.paper import interpretability as paper

    fig, ax = plt.subplots(figsize=(6, 3), constrained_layout=True)
    for seed in (0, 1, 2):
        res = paper.unsupervised(seed, SMALL)
        ax.semilogy(range(1, 7), res["scores"], "o-", label=f"seed {seed}")
    ax.set(xticks=range(1, 7), xticklabels=paper.X, ylabel="edge score $|\\phi|_1$",
           title="§4.2: which inputs the contrastive KAN keeps")  # fmt: skip
    ax.legend(fontsize=8)
    return _save(fig, outdir / "chapter12_contrastive.png")


def _save(fig, path):
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
