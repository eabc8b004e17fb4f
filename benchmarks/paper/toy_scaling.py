"""Toy functions and the scaling law (paper §3.1, §2.3, Fig. 3.1): test RMSE against parameters.

    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/toy_scaling.py            # full
    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/toy_scaling.py --quick    # minutes
    python benchmarks/paper/toy_scaling.py --smoke --out /tmp/figs           # seconds

The five toy functions of §3.1 with the paper's KAN shapes, trained by grid extension:
L-BFGS on G = 3, then refine to each next G of the schedule and train again (the paper:
200 steps per grid, G up to 1000). Seeds: best of 3 by the first stage's train RMSE
(`common.grid_schedule`). MLPs of depth 2, 3 and 4 (affine maps) and several widths,
trained with the same L-BFGS, give the baseline points at comparable parameter counts.

The claim (Thm 2.1): test RMSE ~ G^-(k+1) = G^-4 ~ N^-4 (N parameters, shape fixed) until
precision or the interpolation threshold stops it: past about N = n_train parameters
(G ~ n_train / edges - k) the spline has more coefficients than there are samples to pin
them, and the test error turns up. For [2,1,1] on exp(sin(pi x) + y^2) the paper reports
an RMSE slope near -3 over G = 5..50, and closer to -4 with the median error; the script
prints the slopes of the test RMSE, of the RMSE "inside" (without the few test points that
leave some layer's training range, where fine splines extrapolate: see
`common.interpolation_rmse`) and of the median error.

Departures: exp_sin_100 ([100,1,1]) uses 3000 training samples, not 1000: its 101 edges
reach the interpolation threshold at G ~ 7 with 1000 samples, so no scaling could be seen.
Grids stop where the time runs out on a 2-core CPU (listed in SETTINGS); the MLPs train
100 L-BFGS steps (2000 iterations) per shape in the full mode, not 1800 steps,
and the 100-D KAN 30 steps per grid (G = 3 to 20).

Writes figures/paper_toy_scaling.png.
"""

import sys
import time

import numpy as np

if __package__ in (None, ""):  # run as a script: make `benchmarks.paper` importable
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))

from benchmarks.paper import common  # noqa: E402
from kan_np.datasets import TOY_FUNCTIONS, toy_dataset  # noqa: E402

LABELS = {
    "bessel_j0": "J0(20x)",
    "exp_sin_sq": "exp(sin(pi x)+y^2)",
    "xy": "xy",
    "exp_sin_100": "exp(mean sin^2(pi x_i/2)), 100-D",
    "exp_sin_4d": "exp((sin(pi(x1^2+x2^2))+sin(pi(x3^2+x4^2)))/2)",
}
FULL_GRIDS = (3, 5, 10, 20, 50, 100, 200, 500, 1000)
SETTINGS = {  # per mode: grids per function, steps per stage, seeds, samples, MLPs
    "full": {
        "grids": {"bessel_j0": FULL_GRIDS, "exp_sin_sq": FULL_GRIDS[:8], "xy": FULL_GRIDS[:8],
                  "exp_sin_4d": FULL_GRIDS[:7], "exp_sin_100": (3, 5, 10, 20)},
        "steps": 200, "steps_100d": 30, "seeds": (0, 1, 2), "seeds_100d": (0, 1, 2),
        "n_train": 1000, "n_train_100d": 3000,
        "mlp_depths": (2, 3, 4), "mlp_widths": (5, 10, 20, 50, 100), "mlp_steps": 100,
    },
    "quick": {
        "grids": {"bessel_j0": FULL_GRIDS[:7], "exp_sin_sq": FULL_GRIDS[:6],
                  "xy": FULL_GRIDS[:5], "exp_sin_4d": FULL_GRIDS[:5], "exp_sin_100": (3, 5)},
        "steps": 50, "steps_100d": 20, "seeds": (0, 1, 2), "seeds_100d": (0,),
        "n_train": 1000, "n_train_100d": 3000,
        "mlp_depths": (2, 3, 4), "mlp_widths": (10, 50), "mlp_steps": 50,
    },
    "smoke": {
        "grids": {name: (3, 5) for name in TOY_FUNCTIONS},
        "steps": 2, "steps_100d": 1, "seeds": (0, 1), "seeds_100d": (0,),
        "n_train": 200, "n_train_100d": 200,
        "mlp_depths": (2, 3), "mlp_widths": (5,), "mlp_steps": 2,
    },
}  # fmt: skip
SLOPE_GRIDS = (5, 10, 20, 50)  # the paper's range for the [2,1,1] slope


def run_function(name, cfg):
    """The KAN schedule and the MLP sweep for one toy function; returns a result dict."""
    shape = TOY_FUNCTIONS[name].shape
    big = name == "exp_sin_100"
    n_train = cfg["n_train_100d"] if big else cfg["n_train"]
    ds = toy_dataset(name, n_train=n_train, n_test=1000, seed=0)
    kan = common.grid_schedule(shape, ds, cfg["grids"][name],
                               cfg["steps_100d"] if big else cfg["steps"],
                               seeds=cfg["seeds_100d"] if big else cfg["seeds"])  # fmt: skip
    mlps = []
    for depth in cfg["mlp_depths"]:
        for H in cfg["mlp_widths"]:
            width = [shape[0]] + [H] * (depth - 1) + [1]
            mlps.append(common.train_mlp(width, ds, cfg["mlp_steps"]) | {"depth": depth})
    edges = sum(a * b for a, b in zip(shape[:-1], shape[1:], strict=True))
    return {"name": name, "shape": shape, "n_train": n_train, "edges": edges,
            "threshold_G": n_train / edges - 3, **kan, "mlps": mlps}  # fmt: skip


def slopes(result, grids=SLOPE_GRIDS):
    """Slopes of log test RMSE, log inside-RMSE and log median error against log G."""
    stages = [s for s in result["stages"] if s["G"] in grids]
    if len(stages) < 2:
        return float("nan"), float("nan"), float("nan")
    G = [s["G"] for s in stages]
    return tuple(common.loglog_slope(G, [s[key] for s in stages])
                 for key in ("test_rmse", "inside_rmse", "median"))  # fmt: skip


def trials_text(trials):
    """{seed: train RMSE} as 'seed:RMSE' pairs, e.g. '0:6.4e-01 1:1.3e-02'."""
    return " ".join(f"{seed}:{rmse:.1e}" for seed, rmse in trials.items())


def draw(results, path):
    """One log-log panel per function: test RMSE against parameters, KAN, MLPs, N^-4."""
    import matplotlib.pyplot as plt

    cols = min(3, len(results))
    rows = 1 if len(results) == 1 else -(-(len(results) + 1) // cols)  # + a legend panel
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 3.6 * rows), squeeze=False,
                             constrained_layout=True)  # fmt: skip
    axes = axes.ravel()
    for ax, res in zip(axes, results, strict=False):
        N = np.array([s["params"] for s in res["stages"]], float)
        test = np.array([s["test_rmse"] for s in res["stages"]])
        inside = np.array([s["inside_rmse"] for s in res["stages"]])
        median = np.array([s["median"] for s in res["stages"]])
        ax.loglog(N, test, "o-", color="tab:red", lw=2, label="KAN, test RMSE")
        ax.loglog(N, inside, "x--", color="tab:red", lw=1, label="KAN, inside training range")
        ax.loglog(N, median, ".:", color="tab:red", lw=1, label="KAN, median |error|")
        anchor = min(1, len(N) - 1)
        ax.loglog(N, test[anchor] * (N / N[anchor]) ** -4.0, color="0.5", ls="--", lw=1,
                  label="$\\propto N^{-4}$")  # fmt: skip
        for depth, marker in zip((2, 3, 4, 5), "s^vD", strict=False):
            pts = sorted((m["params"], m["test_rmse"]) for m in res["mlps"] if m["depth"] == depth)
            if pts:
                ax.loglog(*zip(*pts, strict=True), marker=marker, ls="-", lw=1, mfc="none",
                          label=f"MLP, depth {depth}")  # fmt: skip
        ax.axvline(res["n_train"], color="0.7", lw=1, ls=":")
        ax.text(res["n_train"], 0.98, " N = n_train", transform=ax.get_xaxis_transform(),
                fontsize=7, va="top", color="0.4")  # fmt: skip
        low = np.nanmin(np.concatenate([test, inside, median]))
        ax.set_ylim(max(1e-16, low / 3), None)  # down to float64 rounding: xy is exact
        ax.set(xlabel="parameters N", ylabel="test error",
               title=f"{LABELS[res['name']]}, KAN {res['shape']}")  # fmt: skip
        ax.title.set_fontsize(8)
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[len(results) :]:
        ax.axis("off")
    if len(axes) > len(results):
        axes[len(results)].legend(handles, labels, fontsize=8, loc="center")
    else:
        axes[0].legend(handles, labels, fontsize=7, loc="lower left")
    fig.suptitle("Toy functions (§3.1): KAN grid extension vs MLPs")
    return common.save_figure(fig, path)


def main(argv=None):
    """Run, print the tables, write the figure; returns {"results", "rows", "figures"}."""
    args, mode, cfg, started = common.start(__doc__, SETTINGS, argv)
    results = [run_function(name, cfg) for name in TOY_FUNCTIONS]

    rows = []
    for res in results:
        for s in res["stages"]:
            rows.append([res["name"], res["shape"], res["seed"], s["G"], s["params"],
                         common.sci(s["train_rmse"]), common.sci(s["test_rmse"]),
                         common.sci(s["inside_rmse"]), s["left_out"], common.sci(s["median"]),
                         f"{s['seconds']:.1f}"])  # fmt: skip
    print(f"mode: {mode}; KAN grid extension, best of seeds by first-stage train RMSE")
    print("inside = test RMSE without the 'out' test points that leave some layer's training "
          "range")  # fmt: skip
    print(common.table(["function", "shape", "seed", "G", "params", "train RMSE", "test RMSE",
                        "inside", "out", "median |err|", "s"], rows))  # fmt: skip

    print("\nscaling: slope of log test error vs log G over G = 5-50 (theory -4; paper, "
          "[2,1,1] on exp(sin(pi x)+y^2): RMSE ~ -3, median ~ -4)")  # fmt: skip
    slope_rows = []
    for res in results:
        rmse_slope, inside_slope, median_slope = slopes(res)
        best = min(res["stages"], key=lambda s: s["test_rmse"])
        slope_rows.append([res["name"], f"{rmse_slope:.2f}", f"{inside_slope:.2f}",
                           f"{median_slope:.2f}",
                           f"{res['threshold_G']:.0f}", best["G"], common.sci(best["test_rmse"]),
                           trials_text(res["trials"])])  # fmt: skip
    print(common.table(["function", "RMSE slope", "inside slope", "median slope", "threshold G",
                        "best G", "best test RMSE", "seed trials (train RMSE)"],
                       slope_rows))  # fmt: skip

    print("\nMLP baselines (tanh, same L-BFGS):")
    mlp_rows = [[res["name"], m["depth"], m["width"], m["params"], common.sci(m["test_rmse"]),
                 f"{m['seconds']:.1f}"] for res in results for m in res["mlps"]]  # fmt: skip
    print(common.table(["function", "depth", "width", "params", "test RMSE", "s"], mlp_rows))
    figures = [draw(results, f"{args.out}/paper_toy_scaling.png")]
    print(f"\nfigure: {figures[0]}\nwall time: {time.perf_counter() - started:.1f} s ({mode})")
    return {"results": results, "rows": rows, "slopes": slope_rows, "figures": figures}


if __name__ == "__main__":
    main()
