"""Figures of chapter 07: a KAN drawn before and after sparsification.

The hello-KAN target exp(sin(pi x) + y^2), 1000 training samples, [2, 5, 1], seed 1, 50
L-BFGS steps: without the penalty (lamb = 0) and with it (lamb = 3e-3, the paper's L1 +
entropy). Opacity of each edge = tanh(3 |phi|_1) (`kan_np.plotting.plot`).
"""

import pathlib

import numpy as np

import kan_np as kn
from kan_np import plotting
from kan_np.datasets import create_dataset


def target(x):
    """exp(sin(pi x) + y^2), (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw the figures into outdir; return the PNGs written (quick: few steps, for tests)."""
    ds = create_dataset(target, n_var=2, ranges=(-1, 1), n_train=1000, n_test=1000, seed=0)
    paths = []
    for name, lamb in (("before", 0.0), ("after", 3e-3)):
        model = kn.KAN([2, 5, 1], grid=5, k=3, seed=1)
        model.fit(ds, opt="lbfgs", steps=3 if quick else 50, lamb=lamb, progress=False)
        title = f"lamb = {lamb:g}" + (" (no penalty)" if lamb == 0 else " (L1 + entropy)")
        fig = plotting.plot(model, in_vars=["$x$", "$y$"], out_vars=["$f$"], title=title)
        path = pathlib.Path(outdir) / f"chapter07_{name}.png"
        fig.savefig(path, dpi=110, metadata={"Software": None})
        paths.append(path)
    return paths
