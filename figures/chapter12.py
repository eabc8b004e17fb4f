"""Figures for tutorials/12_interpretability.md (seeded; seconds to a minute).

    python figures/chapter12.py [--out figures]

chapter12_phase.png: the phase-transition example of §4.1 (e) after the workflow
(train [3, 5, 1] with the penalty, prune, snap), drawn by `KAN.plot`.
chapter12_digits.png: §4.1 (c), the ten outputs of a [1, 10] KAN trained to give the
first decimal digit of x as one-hot: each output's activation is a spike on its interval.
chapter12_contrastive.png: §4.2, the edge scores |phi|_1 of a [6, 1, 1] KAN trained to
tell real rows from column-shuffled ones, for seeds 0, 1, 2.
The settings are `benchmarks/paper/interpretability.py`'s quick mode, shortened.
"""

import argparse
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.paper import interpretability as paper  # noqa: E402
from kan_np import KAN  # noqa: E402
from kan_np.datasets import create_dataset  # noqa: E402

CFG = {"seeds": (0,), "steps": (30, 20, 10), "grids": (5, 10), "n_train": 1000, "lib": None}


def phase(out):
    """§4.1 (e) through the workflow; the snapped network drawn."""
    f, n_var, ranges, width, _, _ = paper.EXAMPLES["e phase transition"]
    ds = create_dataset(f, n_var=n_var, ranges=ranges, n_train=1000, n_test=1000, seed=0)
    model = KAN(width, grid=5, k=3, seed=0)
    model.fit(ds, steps=30, lamb=paper.LAMB, progress=False)
    model = model.prune()
    model.fit(ds, steps=20, progress=False)
    model.auto_symbolic()
    model.fit(ds, steps=10, update_grid=False, progress=False)
    fig = model.plot(in_vars=["$x_1$", "$x_2$", "$x_3$"], out_vars=["$f$"],
                     title=f"§4.1 (e): pruned to {model.width}, snapped")  # fmt: skip
    return _save(fig, out / "chapter12_phase.png")


def digits(out):
    """§4.1 (c): the ten learned spikes of a [1, 10] KAN."""
    import matplotlib.pyplot as plt

    res = paper.categorical(0, CFG | {"steps": (50, 0, 0)})
    model = res["model"]
    xs = np.linspace(0, 1, 501)[:, None]  # (501, 1)
    ys = model(xs)  # (501, 10)
    fig, ax = plt.subplots(figsize=(7, 3), constrained_layout=True)
    for j in range(10):
        ax.plot(xs[:, 0], ys[:, j], lw=1.2, label=str(j))
        ax.axvspan(j / 10, (j + 1) / 10, color=f"C{j}", alpha=0.08)
    ax.set(xlabel="x", ylabel="output j", title="§4.1 (c): output j fires on [j/10, (j+1)/10)")
    ax.legend(ncol=10, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return _save(fig, out / "chapter12_digits.png")


def contrastive(out):
    """§4.2: edge scores of the first layer for seeds 0-2."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), constrained_layout=True)
    for seed in (0, 1, 2):
        res = paper.unsupervised(seed, CFG)
        ax.plot(range(1, 7), res["scores"], "o-", label=f"seed {seed}")
    ax.set(xticks=range(1, 7), xticklabels=paper.X, ylabel="edge score $|\\phi|_1$",
           title="§4.2: which inputs the contrastive KAN keeps")  # fmt: skip
    ax.legend(fontsize=8)
    return _save(fig, out / "chapter12_contrastive.png")


def _save(fig, path):
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    """Draw the three figures into --out (default figures/)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "figures"))
    out = pathlib.Path(parser.parse_args(argv).out)
    import matplotlib

    matplotlib.use("Agg")
    return [phase(out), digits(out), contrastive(out)]


if __name__ == "__main__":
    print(*main(), sep="\n")
