"""Figure of chapter 06: why the entropy term, and a sparsification run.

Left: one function split over two edges with shares (s, 1 - s), as in the chapter's
duplicate example: the layer's L1 norm does not depend on s, the entropy peaks at s = 1/2
and is 0 when one edge does everything. Right: the history of a sparsification run on the
hello-KAN target exp(sin(pi x) + y^2) ([2, 5, 1], lamb = 3e-3, 50 L-BFGS steps, seed 1).
"""

import pathlib

import numpy as np

import kan_np as kn
from kan_np import regularization as reg
from kan_np.datasets import create_dataset


def target(x):
    """exp(sin(pi x) + y^2), (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the PNGs written (quick: few steps, for tests)."""
    import matplotlib.pyplot as plt

    shares = np.linspace(0.0, 1.0, 201)  # (S,)
    l1 = [np.array([[s, 1.0 - s]]).sum() for s in shares]
    entropy = [reg.entropy(np.array([[s, 1.0 - s]])) for s in shares]

    ds = create_dataset(target, n_var=2, ranges=(-1, 1), n_train=1000, n_test=1000, seed=0)
    model = kn.KAN([2, 5, 1], grid=5, k=3, seed=1)
    history = model.fit(ds, opt="lbfgs", steps=3 if quick else 50, lamb=3e-3, progress=False)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
    left.plot(shares, l1, lw=2, label=r"$|\Phi|_1$ (total fixed at 1)")
    left.plot(shares, entropy, lw=2, label=r"$S(\Phi)$")
    left.axhline(np.log(2), color="0.6", ls=":", lw=1)
    left.set(title="one function split over two edges", xlabel="share s of edge 1",
             ylim=(0, 1.2))  # fmt: skip
    left.legend()
    steps = np.arange(1, len(history["loss"]) + 1)
    for key in ("train_rmse", "test_rmse", "reg"):
        right.semilogy(steps, history[key], lw=1.8, label=key)
    right.set(title=r"sparsification run, $\lambda$ = 3e-3", xlabel="L-BFGS step")
    right.legend()

    path = pathlib.Path(outdir) / "chapter06_penalty.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
