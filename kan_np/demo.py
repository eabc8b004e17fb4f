r"""The paper's walk-through (§2.5.4, pykan's "hello KAN"), end to end, with timings.

Target f(x_1, x_2) = exp(sin(\pi x_1) + x_2^2), x ~ U(-1, 1)^2, 1000 train and 1000 test
samples (`datasets.create_dataset`, seed 0). The stages, each printed with the network's
width, train and test RMSE (in the units of f) and the seconds it took:

0. standardise the labels: the network learns (f - mean) / std (train mean and std), so
   the penalty weighs the same against the error whatever the scale of f;
1. train  a [2, 5, 1] KAN (G = 3) with the sparsity penalty (lamb = 3e-2, 40 L-BFGS steps);
2. prune  the nodes whose scores are below 1e-2, train 20 more steps with the penalty and
   prune again: [2, 5, 1] -> [2, 1, 1];
3. refine the grid to G = 10 (Eq. 2.16) and train 10 more steps without the penalty;
4. snap   every edge (`auto_symbolic` with the dataset): each edge tries its 5 best
   library candidates, trains 2 steps with each and keeps the one the network's loss
   prefers, then every choice is checked again on the complete formula: sin, x^2, exp
   (these trials train the whole network: the RMSE is at machine precision already);
5. retrain the affine parameters (a, b, c, d) of the symbolic edges after `balance`
   (every hidden node rescaled to mean 0, std 1: the same function, well-scaled
   constants), then put the mean and std of step 0 into the last layer's c and d
   (`unstandardise`), so the formula is f itself;

then it prints the formula, 1.0*exp(1.0*x_2**2 + 1.0*sin(3.1416*x_1)), and writes three
figures into `out`: the trained network, the pruned one and the symbolic one.

Departures from pykan's tutorial: G = 3 (as pykan's), 40 + 20 + 10 + 10 steps instead of
50 + 50 + 50 + 50, the second round of training is with the penalty, followed by a
second pruning, and the penalty is the paper's, on standardised labels. Steps 0, 4 (the
choice by loss) and 5 (`balance`) are kan_np's: `benchmarks/paper/composed.py` runs this
recipe on eight composed functions g(f1(x) + f2(y)) and three seeds, and its docstring
gives what each of them is for. With `fast=True` every stage runs with a few steps (for
tests); the numbers may then be far from machine precision. The seed is the model's: the
path a sparsified network takes depends on where it starts.
"""

import builtins
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

FULL = {"grid": 3, "lamb": 3e-2, "rounds": 2, "steps": (40, 10, 10), "steps_again": 20,
        "new_grid": 10, "lib": None, "topk": 5, "trial_steps": 2}  # fmt: skip
FAST = FULL | {"steps": (4, 2, 2), "steps_again": 2, "new_grid": 5, "topk": 2,
               "lib": ["x", "x^2", "sin", "exp", "tanh", "0"], "trial_steps": 1}  # fmt: skip
DIGITS = 5  # significant digits of the printed formula: pi shows as 3.1416
NAMES = ["$x_1$", "$x_2$"]


def standardise(ds):
    """(ds with labels (y - mean) / std, mean (n_L,), std (n_L,)): train mean and std."""
    y = ds["train_label"]  # (N, n_L)
    mean, std = y.mean(axis=0), y.std(axis=0)  # (n_L,) each
    std = np.where(std > 0, std, 1.0)  # a constant label is only shifted
    scaled = {part: (ds[part] - mean) / std for part in ("train_label", "test_label")}
    return ds | scaled, mean, std


def unstandardise(model, mean, std):
    """Make a model of standardised labels predict the labels: y = mean + std * KAN(x).

    The last layer's symbolic edges c f(a x + b) + d become (std c) f(a x + b) + std d,
    and output o's first edge also gets + mean_o. Every live edge of the last layer must
    be symbolic (after `auto_symbolic`); in place, returns the model.
    """
    last = model.layers[-1]
    live = [(int(i), int(o)) for i, o in zip(*np.nonzero(last.mask), strict=True)]
    numeric = [edge for edge in live if edge not in last.symbolic]
    if numeric:
        raise ValueError(f"the last layer's edges {numeric} are numeric; snap them first")
    shifted = set()
    for (i, o), _ in sorted(last.symbolic.items()):
        last.affine[i, o, 2:] *= std[o]  # (c, d) -> (std c, std d)
        if o not in shifted:
            last.affine[i, o, 3] += mean[o]
            shifted.add(o)
    return model


def sparsify(model, ds, plan, first=0):
    """Rounds first, ..., rounds - 1 of (train with the penalty, prune): the pruned model.

    Round 0 trains plan["steps"][0] steps; later rounds, which only finish nodes that
    are still fading, train plan["steps_again"].
    """
    for round_ in range(first, plan["rounds"]):
        steps = plan["steps"][0] if round_ == 0 else plan["steps_again"]
        model.fit(ds, steps=steps, lamb=plan["lamb"], progress=False)
        model = model.prune()
    return model


def snap(model, ds, plan):
    """Snap every edge, each choice decided by the trained loss (`auto_symbolic`)."""
    return model.auto_symbolic(
        lib=plan["lib"], dataset=ds, topk=plan["topk"], steps=plan["trial_steps"]
    )


def train_constants(model, ds, plan):
    """`balance` the symbolic network, then train its a, b, c, d (splines are off)."""
    from kan_np.symbolic import balance

    balance(model, ds["train_input"])
    return model.fit(ds, steps=plan["steps"][2], update_grid=False, progress=False)


def _rmse(model, x, y):
    """sqrt(mean((model(x) - y)^2)) for x (N, 2), y (N, 1)."""
    return float(np.sqrt(np.mean((model(x) - y) ** 2)))


def _figure(model, path, title):
    """Draw `model` on its training inputs and write the PNG to path."""
    fig = model.plot(in_vars=NAMES, out_vars=["$f$"], title=title)
    fig.savefig(path, dpi=100)
    return path


class Stage(NamedTuple):
    """One row of the walk-through's table."""

    stage: str
    width: list
    train_rmse: float
    test_rmse: float
    seconds: float


def walkthrough(out="kan_demo", fast=False, seed=0, print=builtins.print):
    """The walk-through (module docstring); returns (list of Stage, the sympy formula).

    Arguments as in `run`.
    """
    from kan_np.datasets import create_dataset, exp_sin_sq
    from kan_np.network import KAN

    plan = FAST if fast else FULL
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ds = create_dataset(exp_sin_sq, n_var=2, n_train=1000, n_test=1000, seed=0)
    scaled, mean, std = standardise(ds)  # the network learns (f - mean) / std
    print("f(x_1, x_2) = exp(sin(pi x_1) + x_2^2), 1000 train / 1000 test samples")
    print(f"{'stage':<26} {'width':<10} {'train RMSE':>11} {'test RMSE':>11} {'seconds':>8}")
    total, rows = time.perf_counter(), []

    def report(stage, model, started, units=std[0]):
        """Print one stage's row (width, train/test RMSE in f's units, seconds), keep it."""
        seconds = time.perf_counter() - started
        data = scaled if units != 1.0 else ds  # RMSE of f = std * RMSE of (f - mean) / std
        train = units * _rmse(model, data["train_input"], data["train_label"])
        test = units * _rmse(model, data["test_input"], data["test_label"])
        rows.append(Stage(stage, model.width, train, test, seconds))
        print(f"{stage:<26} {str(model.width):<10} {train:>11.3e} {test:>11.3e} {seconds:>8.2f}")

    started = time.perf_counter()
    model = KAN([2, 5, 1], grid=plan["grid"], k=3, seed=seed)
    model.fit(scaled, steps=plan["steps"][0], lamb=plan["lamb"], progress=False)
    report(f"1 train, lamb={plan['lamb']:g}", model, started)
    title = f"1 · trained with the penalty: {model.width}"
    figures = [_figure(model, out / "1_trained.png", title)]

    started = time.perf_counter()  # the rest of `sparsify`: prune, then (train, prune)
    model = sparsify(model.prune(), scaled, plan, first=1)
    report("2 prune, train, prune", model, started)

    started = time.perf_counter()
    model = model.refine(plan["new_grid"])
    model.fit(scaled, steps=plan["steps"][1], progress=False)
    report(f"3 grid {plan['grid']} -> {plan['new_grid']}, train", model, started)
    title = f"2 · pruned, grid {plan['grid']} → {plan['new_grid']}: {model.width}"
    figures.append(_figure(model, out / "2_pruned.png", title))

    started = time.perf_counter()
    snapped = snap(model, scaled, plan)
    report("4 snap (auto_symbolic)", model, started)
    for l, i, j, name, r2 in snapped:
        print(f"    edge ({l},{i},{j}) -> {name:<5} R^2 = {r2:.12f}")

    started = time.perf_counter()
    train_constants(model, scaled, plan)
    report("5 train a, b, c, d", unstandardise(model, mean, std), started, units=1.0)
    names = ", ".join(dict.fromkeys(name for *_, name, _ in snapped))  # in edge order
    figures.append(_figure(model, out / "3_symbolic.png", f"3 · snapped ({names}), retrained"))

    (formula,) = model.symbolic_formula(digits=DIGITS)
    print(f"formula: {formula}")
    print(f"figures: {', '.join(str(path) for path in figures)}")
    print(f"total {time.perf_counter() - total:.2f} s")
    return rows, formula


def run(out="kan_demo", fast=False, seed=0, print=builtins.print) -> int:
    """Run the walk-through (module docstring), printing a table of its stages.

    Args:
        out: folder for the figures (created if needed).
        fast: a few steps per stage instead of the full schedule (for tests).
        seed: seed of the model's initial parameters (the data always use seed 0).
        print: the function each output line goes to (default: the built-in print).
    Returns:
        0 (the exit status of `kan-np demo`).
    """
    walkthrough(out, fast, seed, print)
    return 0
