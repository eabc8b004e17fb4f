"""Figures of chapter 05: where the knots go (grid update), and the grid-extension staircase.

chapter05_grid_update.png: samples crowded near 0 (like a hidden node's values), with the
    uniform knots, the sample-quantile knots and pykan's mix (grid_eps = 0.02); below, a
    spline before and after `KANLayer.update_grid` moved its knots to the samples.
chapter05_staircase.png: the grid-extension schedule of `benchmarks/grid_extension.py`
    (a [2, 5, 1] KAN on exp(sin(pi x) + y^2), G = 3 -> 5 -> 10 -> 20, L-BFGS between
    extensions): train and test RMSE at every step, and the final test RMSE against G
    with the G^-4 slope of the paper's scaling law.

`grid_extension` and `draw_staircase` are also used by the benchmark. Everything is seeded.
"""

import pathlib
import time

import numpy as np

from kan_np import KAN, KANLayer, bspline
from kan_np.datasets import create_dataset, exp_sin_sq

GRIDS = (3, 5, 10, 20)
STEPS = (20, 15, 15, 30)  # L-BFGS steps per stage (see benchmarks/grid_extension.py)
# pykan 0.2.8, [2,5,1], seed 0, 50 steps per stage, on this same dataset, measured with
# `python benchmarks/grid_extension.py --pykan /work/pykan-venv/bin/python`. pykan is
# not bit-reproducible (torch's lstsq); another run gave 3.5e-3, 1.3e-3, 1.7e-4, 1.2e-4.
PYKAN_TEST_RMSE = {3: 3.9e-3, 5: 1.1e-3, 10: 2.2e-4, 20: 8.7e-5}
TARGET_TEST_RMSE = {3: 5.4e-3, 5: 2.5e-3, 10: 3.4e-4, 20: 1.3e-4}  # the project's targets


def grid_extension(width=(2, 5, 1), grids=GRIDS, steps=STEPS, seed=0, dataset=None):
    """Train on a coarse grid, refine, train again (paper §2.4, Fig. 2.3).

    Args:
        width: the KAN's widths.
        grids: G of each stage; the first is the initial grid.
        steps: L-BFGS steps of each stage (one int for all, or one per stage).
        seed: the model's seed; the data is create_dataset(exp(sin(pi x) + y^2), seed=0).
        dataset: use this dataset instead.
    Returns:
        a list of stages, dicts with G, history (of `fit`), train_rmse, test_rmse and
        seconds (wall time of refine + fit).
    """
    ds = create_dataset(exp_sin_sq, n_var=2, seed=0) if dataset is None else dataset
    steps = [steps] * len(grids) if isinstance(steps, int) else list(steps)
    model = KAN(list(width), grid=grids[0], k=3, seed=seed)
    stages = []
    for G, n_steps in zip(grids, steps, strict=True):
        start = time.perf_counter()
        if G != model.grid:
            model = model.refine(G)  # on the training inputs of the last fit
        history = model.fit(ds, opt="lbfgs", steps=n_steps, progress=False)
        seconds = time.perf_counter() - start
        stages.append({"G": G, "history": history, "train_rmse": history["train_rmse"][-1],
                       "test_rmse": history["test_rmse"][-1], "seconds": seconds})  # fmt: skip
    return stages


def draw_staircase(stages, path, title):
    """RMSE per step across the stages (left) and final test RMSE against G (right)."""
    import matplotlib.pyplot as plt

    fig, (ax, ax_g) = plt.subplots(1, 2, figsize=(11, 3.8), width_ratios=(2.2, 1),
                                   constrained_layout=True)  # fmt: skip
    start = 0
    for j, stage in enumerate(stages):
        h = stage["history"]
        steps = start + np.arange(1, len(h["train_rmse"]) + 1)  # (S,)
        ax.semilogy(steps, h["train_rmse"], color="tab:blue", lw=1.6,
                    label="train RMSE" if j == 0 else None)  # fmt: skip
        ax.semilogy(steps, h["test_rmse"], color="tab:red", lw=1.6, ls="--",
                    label="test RMSE" if j == 0 else None)  # fmt: skip
        ax.axvline(start + 0.5, color="0.7", lw=0.8)
        ax.text(start + 1, 1.0, f"G = {stage['G']}", transform=ax.get_xaxis_transform(),
                va="top", fontsize=9)  # fmt: skip
        start = steps[-1]
    ax.set(xlabel="L-BFGS step (20 iterations each)", ylabel="RMSE", title=title)
    ax.legend(loc="lower left")
    G = np.array([s["G"] for s in stages])
    test = np.array([s["test_rmse"] for s in stages])
    steps = "/".join(str(len(s["history"]["loss"])) for s in stages)
    ax_g.loglog(G, test, "o-", color="tab:red", label=f"kan_np, {steps} steps")
    pykan = [PYKAN_TEST_RMSE.get(g, np.nan) for g in G]
    ax_g.loglog(G, pykan, "s", mfc="none", color="0.3", label="pykan, 50 steps/stage")
    ax_g.loglog(G, test[0] * (G / G[0]) ** -4.0, color="0.6", ls=":", label="$\\propto G^{-4}$")
    ax_g.set(xlabel="grid intervals G", ylabel="test RMSE at the end of the stage")
    ax_g.set_xticks(G, [str(g) for g in G])
    ax_g.set_xticks([], minor=True)
    ax_g.legend(fontsize=8)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return pathlib.Path(path)


def draw_grid_update(path):
    """Uniform vs adaptive knots on crowded samples, and a spline kept through the update."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    r = rng.normal(0.1, 0.3, 1200)  # (1200,)
    x = r[np.abs(r) < 1][:1000, None]  # (N, 1) crowded near 0.1, inside (-1, 1)
    G, k = 8, 3
    layer = KANLayer(1, 1, grid=G, k=k, grid_range=(-1, 1), rng=np.random.default_rng(0))
    dense = np.linspace(-1, 1, 2001)[:, None]  # (2001, 1)
    target = (np.sin(4 * dense) * np.exp(-(dense**2)))[:, :, None]  # (2001, 1, 1)
    layer.coef[...] = bspline.fit_coef(dense, target, layer.knots, k)
    old = layer.copy()
    layer.update_grid(x, grid_eps=0.02)
    change = np.abs(layer.spline_values(x) - old.spline_values(x)).max()

    fig, (top, strip, bottom) = plt.subplots(3, 1, figsize=(8, 6), sharex=True,
                                             height_ratios=(2.2, 1, 2.2),
                                             constrained_layout=True)  # fmt: skip
    top.hist(x[:, 0], bins=60, color="0.75")
    top.set(ylabel="samples", title=f"{len(x)} samples, G = {G}: where the grid points go")
    rows = (("uniform\n(grid_eps = 1)", 1.0, "tab:blue"),
            ("quantiles\n(grid_eps = 0)", 0.0, "tab:orange"),
            ("pykan's mix\n(grid_eps = 0.02)", 0.02, "k"))  # fmt: skip
    for row, (_, eps, color) in enumerate(rows):
        points = bspline.grid_from_samples(x, G, eps)[0]  # (G+1,)
        strip.plot(points, np.full(G + 1, -row), "|", color=color, ms=16, mew=2)
    strip.set(yticks=[0, -1, -2], yticklabels=[r[0] for r in rows], ylim=(-2.6, 0.6))
    strip.tick_params(axis="y", labelsize=8)
    inside = np.linspace(-1.1, 1.1, 881)[:, None]  # (881, 1)
    bottom.plot(inside[:, 0], old.spline_values(inside)[:, 0, 0], color="tab:blue", lw=2.5,
                label="before: uniform knots")  # fmt: skip
    after = f"after update_grid (max change on the samples {change:.0e})"
    bottom.plot(inside[:, 0], layer.spline_values(inside)[:, 0, 0], color="k", lw=1.2,
                ls="--", label=after)  # fmt: skip
    bottom.axvspan(x.min(), x.max(), color="0.94", zorder=0)
    for t in layer.knots[0]:
        bottom.axvline(t, color="0.8", lw=0.8, zorder=0)
    bottom.set(xlabel="x", ylabel="spline(x)", xlim=(-1.1, 1.1))
    bottom.legend(loc="lower right", fontsize=8)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return pathlib.Path(path)


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw both figures into outdir; return the PNGs written (quick: few steps, for tests)."""
    outdir = pathlib.Path(outdir)
    stages = grid_extension(steps=3) if quick else grid_extension()
    return [
        draw_grid_update(outdir / "chapter05_grid_update.png"),
        draw_staircase(
            stages,
            outdir / "chapter05_staircase.png",
            "grid extension, [2, 5, 1] KAN on exp(sin(πx) + y²)",
        ),  # fmt: skip
    ]
