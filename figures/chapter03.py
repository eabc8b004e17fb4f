"""Figure of chapter 03: edge activations phi(x) = w_b b(x) + w_s spline(x), split in parts.

Three edges of a freshly initialised layer with the paper's initialisation (w_s = 1,
c ~ N(0, 0.1^2): visible splines) and one edge with pykan's initialisation (the default:
a near-zero spline, so the edge starts as w_b silu(x)). Each panel shows phi, its base
branch and its spline branch over the grid range (shaded) and beyond the knots, where only
the base branch is left.
"""

import pathlib

import numpy as np

from kan_np import KANLayer, bspline
from kan_np.layer import silu

G, K, SEED = 5, 3, 0


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the paths of the PNGs written."""
    import matplotlib.pyplot as plt

    paper = KANLayer(1, 3, grid=G, k=K, init="paper", rng=np.random.default_rng(SEED))
    pykan = KANLayer(1, 1, grid=G, k=K, init="pykan", rng=np.random.default_rng(SEED))
    knots = paper.knots[0]  # (G+2k+1,)
    x = np.linspace(knots[0] - 0.6, knots[-1] + 0.6, 801)[:, None]  # (N, 1)
    edges = [(paper, 0, "paper init"), (paper, 1, "paper init"), (paper, 2, "paper init"),
             (pykan, 0, "pykan init (default)")]  # fmt: skip

    fig, axes = plt.subplots(1, 4, figsize=(14, 3.4), sharex=True, constrained_layout=True)
    for ax, (layer, o, title) in zip(axes, edges, strict=True):
        phi = layer.activations(x)[:, 0, o]  # (N,)
        base = layer.scale_base[0, o] * silu(x[:, 0])  # (N,)
        spline = layer.scale_sp[0, o] * bspline.evaluate(x, layer.knots, layer.coef, K)[:, 0, o]
        ax.axvspan(knots[K], knots[G + K], color="0.92")
        ax.plot(x[:, 0], base, color="tab:blue", lw=1.2, ls="--", label="$w_b\\,b(x)$")
        ax.plot(x[:, 0], spline, color="tab:orange", lw=1.2, ls="--",
                label="$w_s \\sum_i c_i B_i(x)$")  # fmt: skip
        ax.plot(x[:, 0], phi, color="k", lw=2.0, label="$\\phi(x)$")
        ax.plot(knots, np.zeros_like(knots), "k|", ms=10)
        ax.set(title=f"edge 0 → {o}, {title}", xlabel="x")
    axes[0].legend(fontsize=8, loc="upper left")
    path = pathlib.Path(outdir) / "chapter03_activations.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
