"""Helpers shared by the paper-reproduction scripts in benchmarks/paper/.

Every script has three modes, chosen on its command line (`parser`):

    --smoke   seconds: a few steps on small data, for tests (numbers are meaningless)
    --quick   minutes: the paper's procedure, shortened
    (none)    full: as close to the paper's schedule as a 2-core CPU allows

and an `--out` folder for its figures (default figures/). Each script's `main(argv)` prints
a table and returns its rows, so tests can run it in-process.

Conventions used by all scripts (and the chapter, tutorials/10_experiments.md):
- KAN parameters = spline coefficients + the two scales per edge (`kan_parameters`): the
  numbers a non-symbolic KAN trains. The 4 affine slots of symbolic edges are not counted.
- Seeds: "best of S seeds by train RMSE" (`grid_schedule`): every seed trains the first
  grid; the seed with the lowest train RMSE (never the test RMSE) continues alone.
- Test RMSE is on 1000 fresh samples; "median" is the median absolute test error, which
  the paper says follows the G^-4 law more closely than the RMSE; "inside" is the test
  RMSE without the few test points that fall outside the training range of some layer's
  input (`interpolation_rmse`), where fine splines extrapolate.
"""

import argparse
import math
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing kan_np

from kan_np import KAN  # noqa: E402
from kan_np.mlp import MLP  # noqa: E402

FIGURES = ROOT / "figures"


# ----------------------------------------------------------------------- command line
def parser(description):
    """An ArgumentParser with --smoke / --quick (default: full) and --out."""
    p = argparse.ArgumentParser(description=description)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--smoke", action="store_true", help="seconds, for tests")
    group.add_argument("--quick", action="store_true", help="minutes, shortened schedule")
    p.add_argument("--out", default=str(FIGURES), help="folder for the figures")
    return p


def mode_of(args):
    """'smoke', 'quick' or 'full'."""
    return "smoke" if args.smoke else "quick" if args.quick else "full"


def start(doc, settings, argv, figures=True):
    """Parse a script's command line: (args, mode, its settings, start time).

    With figures=True, matplotlib is switched to the Agg backend first.
    """
    args = parser(doc.split("\n")[0]).parse_args(argv)
    mode = mode_of(args)
    if figures:
        use_agg()
    return args, mode, settings[mode], time.perf_counter()


# -------------------------------------------------------------------------- numbers
def kan_parameters(model):
    """Trainable numbers of a numeric KAN: coef (I, O, M) + scale_base + scale_sp per layer."""
    return sum(layer.coef.size + 2 * layer.scale_base.size for layer in model.layers)


def errors(model, ds):
    """(train RMSE, test RMSE, median absolute test error) of a model on a dataset."""
    train = model(ds["train_input"]) - ds["train_label"]  # (N, O)
    test = model(ds["test_input"]) - ds["test_label"]  # (N_test, O)
    return (math.sqrt(float(np.mean(train**2))), math.sqrt(float(np.mean(test**2))),
            float(np.median(np.abs(test))))  # fmt: skip


def interpolation_rmse(model, ds):
    """Test RMSE on the test points that every layer sees inside its training range.

    A test point is kept when, at every layer, each of its inputs lies within [min, max]
    of that input over the training samples: the KAN interpolates there. Points outside
    make the spline extrapolate past the data (on a fine grid, from a last knot interval
    with few samples), which is where the large test errors of fine grids come from.

    Returns:
        (RMSE on the kept points, number of test points left out).
    """
    keep = np.ones(len(ds["test_input"]), dtype=bool)  # (N_test,)
    for x_tr, x_te in zip(model.layer_inputs(ds["train_input"]),
                          model.layer_inputs(ds["test_input"]), strict=True):  # fmt: skip
        keep &= np.all((x_te >= x_tr.min(axis=0)) & (x_te <= x_tr.max(axis=0)), axis=1)
    diff = model(ds["test_input"][keep]) - ds["test_label"][keep]  # (N_kept, O)
    return math.sqrt(float(np.mean(diff**2))), int((~keep).sum())


def loglog_slope(x, y):
    """Least-squares slope of log y against log x (the exponent of a power law)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


def unit_box(ds, ranges):
    """A copy of ds with every input mapped linearly from its (lo, hi) to [-1, 1].

    A first-layer KAN edge is a function of one input, so an affine change of that input
    loses nothing; it puts every input on the initial grid (-1, 1), and helps the MLP.
    """
    box = np.asarray(ranges, float)  # (I, 2)
    mid, half = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2  # (I,), (I,)
    out = dict(ds)
    for part in ("train", "test"):
        out[f"{part}_input"] = (ds[f"{part}_input"] - mid) / half  # (N, I)
    return out


def sci(value, digits=2):
    """A number as 1.23e-04; '-' for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}e}"


def table(headers, rows):
    """Rows (lists of strings) under headers, columns padded; returns the text."""
    cells = [list(map(str, headers))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -------------------------------------------------------------------------- training
def grid_schedule(width, ds, grids, steps, seeds=(0, 1, 2), lamb=0.0, **fit_options):
    """Grid extension (§2.4): fit on grids[0], refine to each next G and fit again.

    Seeds: each seed in `seeds` trains the first grid; the one with the lowest TRAIN RMSE
    continues through the schedule (test data never chooses).

    Args:
        width: the KAN's widths.  ds: the dataset.
        grids: G of each stage.  steps: L-BFGS steps per stage.
        seeds: the candidate seeds.  lamb, fit_options: passed to `fit`.
    Returns:
        dict: seed (chosen), trials {seed: first-stage train RMSE}, model (the last),
        stages: a list of dicts G, params, train_rmse, test_rmse, median, inside_rmse
        (`interpolation_rmse`), left_out, seconds.
    """
    fit_options = {"progress": False, "lamb": lamb, **fit_options}
    trials, candidates = {}, {}
    started = time.perf_counter()
    for seed in seeds:
        model = KAN(list(width), grid=grids[0], k=3, seed=seed)
        model.fit(ds, steps=steps, **fit_options)
        trials[seed], candidates[seed] = errors(model, ds)[0], model
    seed = min(trials, key=trials.get)
    first = _stage(candidates[seed], ds, grids[0], time.perf_counter() - started)
    model, stages = extend(candidates[seed], ds, grids[1:], steps, **fit_options)
    return {"seed": seed, "trials": trials, "model": model, "stages": [first] + stages}


def extend(model, ds, grids, steps, **fit_options):
    """Refine a trained KAN to each G in grids and fit again (no seed choice, no penalty
    unless given). Returns (the last model, a list of stage dicts as in `grid_schedule`)."""
    fit_options = {"progress": False, **fit_options}
    stages = []
    for G in grids:
        started = time.perf_counter()
        model = model.refine(G) if G != model.grid else model
        model.fit(ds, steps=steps, **fit_options)
        stages.append(_stage(model, ds, G, time.perf_counter() - started))
    return model, stages


def _stage(model, ds, G, seconds):
    train, test, median = errors(model, ds)
    inside, left_out = interpolation_rmse(model, ds)
    return {"G": G, "params": kan_parameters(model), "train_rmse": train, "test_rmse": test,
            "median": median, "inside_rmse": inside, "left_out": left_out,
            "seconds": seconds}  # fmt: skip


def train_mlp(width, ds, steps, seed=0, activation="tanh"):
    """An MLP trained with the same L-BFGS as the KANs (`training.fit`, no grid updates).

    Returns:
        dict: width, params, train_rmse, test_rmse, median, seconds, model.
    """
    started = time.perf_counter()
    model = MLP(list(width), activation=activation, seed=seed)
    model.fit(ds, opt="lbfgs", steps=steps, update_grid=False, progress=False)
    train, test, median = errors(model, ds)
    return {"width": list(width), "params": model.num_parameters(), "train_rmse": train,
            "test_rmse": test, "median": median, "seconds": time.perf_counter() - started,
            "model": model}  # fmt: skip


def save_figure(fig, path):
    """Write a matplotlib figure as PNG (no timestamp metadata) and close it."""
    import matplotlib.pyplot as plt

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def use_agg():
    """Select matplotlib's Agg backend (no display needed); call before pyplot is used."""
    import matplotlib

    matplotlib.use("Agg")
