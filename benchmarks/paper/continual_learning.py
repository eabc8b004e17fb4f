"""Continual learning (paper §3.5, Fig. 3.4): five peaks shown one region at a time.

    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/continual_learning.py            # full
    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/continual_learning.py --quick
    python benchmarks/paper/continual_learning.py --smoke --out /tmp/figs

The target is five Gaussian peaks on [-1, 1],

    f(x) = sum_{i=0}^{4} exp(-(x - c_i)^2 / (2 sigma^2)),  c_i = -0.8 + 0.4 i,  sigma = 0.05,

and training runs in five phases: phase i shows only samples from region i, the interval
[-1 + 0.4 i, -0.6 + 0.4 i) around peak i, and never shows earlier regions again. A [1, 1]
KAN with a fine grid (G = 200, k = 3, no grid updates: the grid must not move to the region
being shown) and an MLP [1, 64, 64, 1] (tanh) train with the same L-BFGS in every phase.

B-splines are local: samples in region i move only the coefficients whose basis functions
overlap region i, so what the KAN learnt elsewhere stays. But phi(x) = w_b silu(x) +
w_s spline(x) also has two global numbers per edge, and `fit` trains them: rescaling w_s
changes every earlier peak's height and w_b silu(x) tilts the baseline everywhere. So the
script trains two KANs: "KAN, all" (every parameter, `fit`) and "KAN, coef" (the spline
coefficients only, w_b and w_s frozen at their initial values; an L-BFGS loop on coef
with the same `optim.lbfgs`). An MLP's weights all act everywhere, so fitting region i
rewrites what it knew about the others.

Printed: the RMSE on each region right after the phase that showed it, and after the last
phase (what each model still remembers). Writes figures/paper_continual_learning.png.
"""

import sys
import time

import numpy as np

if __package__ in (None, ""):  # run as a script: make `benchmarks.paper` importable
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))

from benchmarks.paper import common  # noqa: E402
from kan_np import KAN, optim  # noqa: E402
from kan_np.mlp import MLP  # noqa: E402
from kan_np.training import LBFGS_ITERATIONS  # noqa: E402

CENTERS = -0.8 + 0.4 * np.arange(5)  # (5,)
SIGMA = 0.05
SETTINGS = {
    "full": {"G": 200, "steps": 50, "n_per_region": 200, "mlp": [1, 64, 64, 1]},
    "quick": {"G": 200, "steps": 20, "n_per_region": 200, "mlp": [1, 64, 64, 1]},
    "smoke": {"G": 50, "steps": 1, "n_per_region": 50, "mlp": [1, 8, 1]},
}


def peaks(x):
    """The five Gaussian peaks: (N, 1) -> (N, 1)."""
    return np.exp(-((x - CENTERS) ** 2) / (2 * SIGMA**2)).sum(axis=1, keepdims=True)  # (N, 1)


def region(i, n, rng):
    """n uniform samples of region i: (n, 1) inputs and (n, 1) labels."""
    x = rng.uniform(-1 + 0.4 * i, -0.6 + 0.4 * i, (n, 1))  # (n, 1)
    return x, peaks(x)


def fit_coef_only(model, x, y, steps):
    """L-BFGS on the spline coefficients of every layer alone (the scales stay fixed)."""
    shapes = [layer.coef.shape for layer in model.layers]  # (I, O, M) each
    sizes = [int(np.prod(shape)) for shape in shapes]

    def set_coef(theta):  # theta (P_coef,)
        for layer, part in zip(model.layers, np.split(theta, np.cumsum(sizes)[:-1]), strict=True):
            layer.coef[...] = part.reshape(layer.coef.shape)

    def objective(theta):  # theta (P_coef,)
        set_coef(theta)
        loss, grads = model.loss_and_grad(x, y, check=False)
        return loss, np.concatenate([g["coef"].ravel() for g in grads])  # float, (P_coef,)

    start = np.concatenate([layer.coef.ravel() for layer in model.layers])  # (P_coef,)
    result = optim.lbfgs(objective, start, maxiter=LBFGS_ITERATIONS * steps, history_size=100)
    set_coef(result.x)


def rmse_per_region(model, tests):
    """The test RMSE on each region: a list of 5 floats."""
    return [float(np.sqrt(np.mean((model(x) - y) ** 2))) for x, y in tests]


def run(cfg):
    """The five phases for both models; returns curves, per-region RMSE tables."""
    rng = np.random.default_rng(0)
    trains = [region(i, cfg["n_per_region"], rng) for i in range(5)]
    tests = [region(i, 200, rng) for i in range(5)]
    dense = np.linspace(-1, 1, 801)[:, None]  # (801, 1) for the curves
    models = {"KAN, all": KAN([1, 1], grid=cfg["G"], k=3, seed=0),
              "KAN, coef": KAN([1, 1], grid=cfg["G"], k=3, seed=0),
              "MLP": MLP(cfg["mlp"], activation="tanh", seed=0)}  # fmt: skip
    out = {name: {"curves": [], "after_own": [], "after_last": None, "params": 0}
           for name in models}  # fmt: skip
    for i, data in enumerate(trains):
        for name, model in models.items():
            if name == "KAN, coef":
                fit_coef_only(model, *data, cfg["steps"])
            else:
                model.fit(data, opt="lbfgs", steps=cfg["steps"], update_grid=False,
                          progress=False)  # fmt: skip
            out[name]["curves"].append(model(dense)[:, 0])
            out[name]["after_own"].append(rmse_per_region(model, tests)[i])
    for name, model in models.items():
        out[name]["after_last"] = rmse_per_region(model, tests)
        out[name]["params"] = (common.kan_parameters(model) if name.startswith("KAN")
                               else model.num_parameters())  # fmt: skip
    return {"dense": dense[:, 0], "trains": trains, "models": out}


def draw(result, path):
    """Rows: the data shown, the two KANs, the MLP; columns: the five phases."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(4, 5, figsize=(14, 7.6), sharex=True, sharey=True,
                             constrained_layout=True)  # fmt: skip
    x = result["dense"]
    truth = peaks(x[:, None])[:, 0]
    for i in range(5):
        xs, ys = result["trains"][i]
        axes[0, i].plot(x, truth, color="0.85", lw=1)
        axes[0, i].plot(xs[:, 0], ys[:, 0], ".", ms=2, color="k")
        axes[0, i].set_title(f"phase {i + 1}")
        colors = (("KAN, all", "tab:orange"), ("KAN, coef", "tab:red"), ("MLP", "tab:blue"))
        for row, (name, color) in enumerate(colors, 1):
            axes[row, i].plot(x, truth, color="0.85", lw=1)
            axes[row, i].plot(x, result["models"][name]["curves"][i], color=color, lw=1.2)
            axes[row, i].axvspan(-1 + 0.4 * i, -0.6 + 0.4 * i, color="0.95", zorder=0)
    labels = ("data shown", "KAN [1,1], all params", "KAN [1,1], coef only", "MLP")
    for row, label in enumerate(labels):
        axes[row, 0].set_ylabel(label)
    axes[0, 0].set_ylim(-0.5, 1.5)
    fig.suptitle("Continual learning (§3.5): each phase shows one region only")
    return common.save_figure(fig, path)


def main(argv=None):
    """Run, print the table, write the figure; returns {"result", "rows", "figures"}."""
    args, mode, cfg, started = common.start(__doc__, SETTINGS, argv)
    result = run(cfg)
    rows = []
    for name, res in result["models"].items():
        for when, values in (("after its phase", res["after_own"]),
                             ("after phase 5", res["after_last"])):  # fmt: skip
            rows.append([name, res["params"], when] + [common.sci(v) for v in values])
    print(f"mode: {mode}; test RMSE per region (peak at {', '.join(f'{c:g}' for c in CENTERS)})")
    print(common.table(["model", "params", "when", "region 1", "region 2", "region 3",
                        "region 4", "region 5"], rows))  # fmt: skip
    print(
        "paper (Fig. 3.4): the KAN keeps every earlier peak; the MLP keeps only the last.\n"
        "'KAN, all' trains w_b and w_s too (global); 'KAN, coef' only the spline coefficients"
    )
    figures = [draw(result, f"{args.out}/paper_continual_learning.png")]
    print(f"figure: {figures[0]}\nwall time: {time.perf_counter() - started:.1f} s ({mode})")
    return {"result": result, "rows": rows, "figures": figures}


if __name__ == "__main__":
    main()
