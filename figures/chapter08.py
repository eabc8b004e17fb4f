"""Figures of chapter 08: node scores of a sparsified KAN, and the network after pruning.

The hello-KAN target exp(sin(pi x) + y^2), 1000 training samples, [2, 5, 1], seed 1, 50
L-BFGS steps with lamb = 3e-3 (the recipe of benchmarks/pruning.py). Left: incoming and
outgoing scores of the 5 hidden nodes (log scale) with the threshold 1e-2. Right: pykan's
attribution scores of the same nodes. Second figure: the pruned [2, 1, 1] network.
"""

import pathlib

import numpy as np

import kan_np as kn
from kan_np import plotting, pruning
from kan_np.datasets import create_dataset


def target(x):
    """exp(sin(pi x) + y^2), (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw the figures into outdir; return the PNGs written (quick: few steps, for tests)."""
    import matplotlib.pyplot as plt

    ds = create_dataset(target, n_var=2, ranges=(-1, 1), n_train=1000, n_test=1000, seed=0)
    model = kn.KAN([2, 5, 1], grid=5, k=3, seed=1)
    model.fit(ds, opt="lbfgs", steps=3 if quick else 50, lamb=3e-3, progress=False)
    incoming, outgoing = pruning.incoming_outgoing(pruning.edge_scores(model))
    attribution = pruning.node_scores(model, method="attribution")[1]

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
    nodes = np.arange(5)
    floor = 1e-6  # a log axis cannot show 0: exact zeros are drawn at this floor
    left.bar(nodes - 0.2, np.maximum(incoming[1], floor), 0.4, label="incoming max |phi|_1")
    left.bar(nodes + 0.2, np.maximum(outgoing[1], floor), 0.4, label="outgoing max |phi|_1")
    left.axhline(1e-2, color="k", ls="--", lw=1, label=r"$\theta$ = 1e-2")
    left.set(yscale="log", ylim=(floor, 10), xlabel="hidden node", xticks=nodes,
             title="paper's rule: keep if both > θ")  # fmt: skip
    left.legend(fontsize=8)
    right.bar(nodes, np.maximum(attribution, floor), 0.5, color="C2")
    right.axhline(1e-2, color="k", ls="--", lw=1)
    right.set(yscale="log", ylim=(floor, 10), xlabel="hidden node", xticks=nodes,
              title="pykan's attribution score")  # fmt: skip
    paths = [pathlib.Path(outdir) / "chapter08_scores.png"]
    fig.savefig(paths[0], dpi=110, metadata={"Software": None})
    plt.close(fig)

    pruned = pruning.prune(model)
    fig = plotting.plot(pruned, in_vars=["$x$", "$y$"], out_vars=["$f$"],
                        title=f"pruned: width {pruned.width}")  # fmt: skip
    paths.append(pathlib.Path(outdir) / "chapter08_pruned.png")
    fig.savefig(paths[1], dpi=110, metadata={"Software": None})
    return paths
