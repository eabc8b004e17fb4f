"""Figure of chapter 02: the B-spline basis on an extended grid, and orders 0 to 3.

Left: the M = G + k = 8 cubic basis functions of a G = 5 grid on [-1, 1], extended by
k = 3 knots on each side, with their sum (1 on the grid range, shaded; less than 1 on the
extension; 0 outside the knots). Right: one basis function of each order k = 0..3 on the
same knots, each supported on k + 1 intervals.
"""

import pathlib

import numpy as np

from kan_np import bspline

G, K = 5, 3


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the paths of the PNGs written."""
    import matplotlib.pyplot as plt

    all_knots = bspline.make_grid(G, K)  # (1, G+2k+1)
    knots = all_knots[0]
    x = np.linspace(knots[0] - 0.3, knots[-1] + 0.3, 1201)[:, None]  # (N, 1)
    B = bspline.basis(x, all_knots, K)[:, 0, :]  # (N, M)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
    left.axvspan(knots[K], knots[G + K], color="0.92", label=r"grid range $[t_k, t_{G+k}]$")
    for m in range(B.shape[1]):
        left.plot(x[:, 0], B[:, m], lw=1.6, label=f"$B_{{{m},3}}$")
    left.plot(x[:, 0], B.sum(axis=1), "k--", lw=1.2, label="sum")
    left.plot(knots, np.zeros_like(knots), "k|", ms=12)
    left.set(title=f"cubic basis, G = {G}: M = G + k = {G + K} functions",
             xlabel="x", ylim=(-0.05, 1.45))  # fmt: skip
    left.legend(fontsize=7, ncol=5, loc="upper center")

    m = 2  # the same index for every order: support [t_m, t_{m+k+1})
    for k in range(K + 1):
        Bk = bspline.basis(x, all_knots, k)[:, 0, m]  # (N,)
        label = f"$B_{{{m},{k}}}$: support of {k + 1} interval" + "s" * (k > 0)
        right.plot(x[:, 0], Bk, lw=1.8, label=label)
    right.plot(knots, np.zeros_like(knots), "k|", ms=12)
    right.set(title="one basis function per order (Cox–de Boor)", xlabel="x",
              ylim=(-0.05, 1.1), xlim=(knots[0] - 0.3, knots[m + K + 2] + 0.2))  # fmt: skip
    right.legend(fontsize=8)

    path = pathlib.Path(outdir) / "chapter02_basis.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
