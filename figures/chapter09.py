"""Figure of chapter 09: the affine fit's R² landscape, and three snapped edges.

Left: R²(a, b) = corr(sin(a x + b), y)^2 for samples of y = 0.7 sin(pi x) + 0.1 over the
first grid of `fit_affine` (101 x 101 on [-10, 10]^2), the best pair marked. Right: the
[2, 1, 1] network of the chapter (splines fitted to sin(pi x_1), x_2^2 and exp on a G = 10
grid), each edge's spline and the c f(a x + b) + d that `auto_symbolic` snaps it to.
"""

import pathlib

import numpy as np

import kan_np as kn
from kan_np import bspline
from kan_np.datasets import create_dataset, exp_sin_sq
from kan_np.formula import edge_expression, round_sum
from kan_np.functions import get_function

EDGES = [(0, 0, lambda t: np.sin(np.pi * t), (-1.0, 1.0), "$x_1$"),
         (0, 1, np.square, (-1.0, 1.0), "$x_2$"),
         (1, 0, np.exp, (-1.0, 2.0), "hidden node")]  # fmt: skip


def r2_landscape(x, y, a_values, b_values):
    """R²(a, b) = corr(sin(a x + b), y)^2 on the grid: (G_a, G_b)."""
    u = np.sin(a_values[:, None, None] * x + b_values[None, :, None])  # (G_a, G_b, N)
    u = u - u.mean(axis=2, keepdims=True)
    yc = y - y.mean()  # (N,)
    suu = np.einsum("abn,abn->ab", u, u)  # (G_a, G_b)
    return np.where(suu > 1e-12, (u @ yc) ** 2 / np.maximum(suu, 1e-300) / (yc @ yc), 0.0)


def snapped_network():
    """The chapter's [2, 1, 1] spline network, and the copy auto_symbolic snapped."""
    model = kn.KAN([2, 1, 1], grid=10, k=3, seed=0)
    for l, i, g, (lo, hi), _ in EDGES:
        layer = model.layers[l]
        layer.knots[i] = bspline.make_grid(layer.G, layer.k, (lo, hi))[0]
        t = np.linspace(lo, hi, 1000)[:, None]  # (N, 1)
        layer.coef[i, 0] = bspline.fit_coef(t, g(t)[:, :, None], layer.knots[i : i + 1], 3)[0, 0]
        layer.scale_base[i, 0], layer.scale_sp[i, 0] = 0.0, 1.0
    snapped = model.copy()
    ds = create_dataset(exp_sin_sq, n_var=2, n_train=1000, n_test=1, seed=0)
    snapped.auto_symbolic(x=ds["train_input"])
    return model, snapped


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the paths of the PNGs written."""
    import matplotlib.pyplot as plt
    import sympy

    x = np.linspace(-1.0, 1.0, 200)  # (N,)
    y = 0.7 * np.sin(np.pi * x) + 0.1
    grid = np.linspace(-10.0, 10.0, 101)  # (G,)
    r2 = r2_landscape(x, y, grid, grid)  # (G, G)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), constrained_layout=True,
                             gridspec_kw={"width_ratios": [1.3, 1, 1, 1]})  # fmt: skip
    image = axes[0].imshow(r2.T, origin="lower", extent=(-10, 10, -10, 10), cmap="viridis",
                           vmin=0, vmax=1, aspect="auto")  # fmt: skip
    i, j = np.unravel_index(np.argmax(r2), r2.shape)
    axes[0].plot(grid[i], grid[j], "r+", ms=14, mew=2)
    axes[0].set(title="$R^2(a, b)$, f = sin, y = 0.7 sin(πx) + 0.1", xlabel="a", ylabel="b")
    fig.colorbar(image, ax=axes[0])

    model, snapped = snapped_network()
    for ax, (l, i, _, (lo, hi), label) in zip(axes[1:], EDGES, strict=True):
        t = np.linspace(lo, hi, 300)[:, None] * np.ones((1, model.layers[l].in_dim))  # (N, I)
        spline = model.layers[l].activations(t)[:, i, 0]  # (N,)
        name = snapped.layers[l].symbolic[(i, 0)]
        a, b, c, d = snapped.layers[l].affine[i, 0]
        sigma = c * get_function(name).f(a * t[:, i] + b) + d  # (N,)
        ax.plot(t[:, i], spline, color="0.6", lw=5, label="spline")
        formula = round_sum(edge_expression(name, (a, b, c, d), sympy.Symbol("x"), 3), 3)
        ax.plot(t[:, i], sigma, color="tab:red", lw=1.5, label=f"${sympy.latex(formula)}$")
        ax.set(title=f"edge ({l},{i},0): {label} → {name}", xlabel="input")
        ax.legend(fontsize=8, loc="upper left")
    path = pathlib.Path(outdir) / "chapter09_affine_fit.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
