"""Figure of chapter 04: a spline and its derivative across knots, for k = 1 and k = 3.

The derivative is `KANLayer.backward` with dy = 1 on a one-edge layer (spline only). For
k = 1 it is a step function that jumps at every knot (the value at a knot is the right-hand
one); for k = 3 it is continuous. The dots mark the knot x = 0 of chapter 04's example.
"""

import pathlib

import numpy as np

from kan_np import KANLayer


def _edge(k, coef):
    """A one-input, one-output layer whose edge is the spline with these coefficients."""
    edge = KANLayer(1, 1, grid=4, k=k, base_fun="zero", rng=np.random.default_rng(0))
    edge.coef[0, 0] = coef
    edge.scale_sp[...] = 1.0
    return edge


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the paths of the PNGs written."""
    import matplotlib.pyplot as plt

    edges = {1: _edge(1, [0.0, 0.0, 1.0, 3.0, 0.0]),
             3: _edge(3, [0.0, 0.0, 0.5, 1.0, 3.0, 0.0, 0.0])}  # fmt: skip
    x = np.linspace(-1.4, 1.4, 1401)[:, None]  # (N, 1), includes the knots on a 0.5 step
    fig, axes = plt.subplots(2, 2, figsize=(10, 5.5), sharex=True, constrained_layout=True)
    for col, (k, edge) in enumerate(edges.items()):
        y, cache = edge.forward(x)  # (N, 1)
        dx, _ = edge.backward(np.ones_like(y), cache)  # (N, 1)
        knots = edge.knots[0]
        top, bottom = axes[0, col], axes[1, col]
        top.plot(x[:, 0], y[:, 0], "k", lw=1.8)
        top.set(title=f"spline of order k = {k}", ylabel="φ(x)")
        # draw the derivative piece by piece so a jump shows as a gap, not a vertical line
        jumps = np.flatnonzero(np.abs(np.diff(dx[:, 0])) > 0.05) + 1
        for piece_x, piece_d in zip(np.split(x[:, 0], jumps), np.split(dx[:, 0], jumps),
                                    strict=True):  # fmt: skip
            bottom.plot(piece_x, piece_d, color="tab:red", lw=1.8)
        at0, _ = edge.backward(np.ones((1, 1)), edge.forward(np.zeros((1, 1)))[1])
        bottom.plot([0.0], [at0[0, 0]], "o", color="tab:red")
        bottom.set(ylabel="φ'(x) from backward", xlabel="x")
        for ax in (top, bottom):
            for t in knots:
                ax.axvline(t, color="0.85", lw=0.8, zorder=0)
            ax.set_xlim(x[0, 0], x[-1, 0])
    path = pathlib.Path(outdir) / "chapter04_knots.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
