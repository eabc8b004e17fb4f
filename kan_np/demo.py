r"""The paper's walk-through (§2.5.4, pykan's "hello KAN"), end to end, with timings.

Target f(x_1, x_2) = exp(sin(\pi x_1) + x_2^2), x ~ U(-1, 1)^2, 1000 train and 1000 test
samples (`datasets.create_dataset`, seed 0). The stages, each printed with the network's
width, train and test RMSE and the seconds it took:

1. train  a [2, 5, 1] KAN (G = 3) with the sparsity penalty (lamb = 3e-3, 40 L-BFGS steps);
2. prune  the nodes whose scores are below 1e-2, train 40 more steps with the penalty and
   prune again: [2, 5, 1] -> [2, 2, 1] -> [2, 1, 1];
3. refine the grid to G = 10 (Eq. 2.16) and train 10 more steps without the penalty;
4. snap   every edge to its best library function (`auto_symbolic`): sin, x^2, exp;
5. retrain the affine parameters (a, b, c, d) of the symbolic edges: the RMSE falls to
   machine precision (the splines are switched off, so only a, b, c, d can move);

then it prints the formula, 1.0*exp(1.0*x_2**2 + 1.0*sin(3.1416*x_1)), and writes three
figures into `out`: the trained network, the pruned one and the symbolic one.

Departure from pykan's tutorial: G = 3 (as pykan's), 40 + 40 + 10 + 10 steps instead of
50 + 50 + 50 + 50, and the second round of training is with the penalty, followed by a
second pruning; the penalty is the paper's (lamb = 3e-3) rather than pykan's. With
`fast=True` every stage runs with a few steps (for tests); the numbers are then far from
machine precision. The seed is the model's: the path a sparsified network takes depends on
where it starts. With one round of (train, prune), seed 0 keeps two hidden nodes. The
second round removes one of them, and with seed 0 it is the node that carried f: its
incoming edges have shrunk below the threshold while its outgoing edge is still large, so
the test RMSE jumps after that prune and stage 3 retrains the surviving node (chapter 00
prints both scores). `benchmarks/paper/composed.py` runs this recipe on eight composed
functions and three seeds.
"""

import builtins
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

FULL = {"grid": 3, "lamb": 3e-3, "steps": (40, 10, 10), "new_grid": 10, "lib": None}
FAST = {
    "grid": 3,
    "lamb": 3e-3,
    "steps": (4, 2, 2),
    "new_grid": 5,
    "lib": ["x", "x^2", "sin", "exp", "tanh", "0"],
}
DIGITS = 5  # significant digits of the printed formula: pi shows as 3.1416
NAMES = ["$x_1$", "$x_2$"]


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
    steps_train, steps_refine, steps_affine = plan["steps"]
    print("f(x_1, x_2) = exp(sin(pi x_1) + x_2^2), 1000 train / 1000 test samples")
    print(f"{'stage':<26} {'width':<10} {'train RMSE':>11} {'test RMSE':>11} {'seconds':>8}")
    total, rows = time.perf_counter(), []

    def report(stage, model, started):
        """Print one stage's row (width, train/test RMSE, seconds) and keep it."""
        seconds = time.perf_counter() - started
        train = _rmse(model, ds["train_input"], ds["train_label"])
        test = _rmse(model, ds["test_input"], ds["test_label"])
        rows.append(Stage(stage, model.width, train, test, seconds))
        print(f"{stage:<26} {str(model.width):<10} {train:>11.3e} {test:>11.3e} {seconds:>8.2f}")

    started = time.perf_counter()
    model = KAN([2, 5, 1], grid=plan["grid"], k=3, seed=seed)
    model.fit(ds, steps=steps_train, lamb=plan["lamb"], progress=False)
    report(f"1 train, lamb={plan['lamb']:g}", model, started)
    figures = [
        _figure(model, out / "1_trained.png", f"1 · trained with the penalty: {model.width}")
    ]

    started = time.perf_counter()
    model = model.prune()
    model.fit(ds, steps=steps_train, lamb=plan["lamb"], progress=False)  # a second round
    model = model.prune()
    report("2 prune, train, prune", model, started)

    started = time.perf_counter()
    model = model.refine(plan["new_grid"])
    model.fit(ds, steps=steps_refine, progress=False)
    report(f"3 grid {plan['grid']} -> {plan['new_grid']}, train", model, started)
    title = f"2 · pruned, grid {plan['grid']} → {plan['new_grid']}: {model.width}"
    figures.append(_figure(model, out / "2_pruned.png", title))

    started = time.perf_counter()
    snapped = model.auto_symbolic(lib=plan["lib"])
    report("4 snap (auto_symbolic)", model, started)
    for l, i, j, name, r2 in snapped:
        print(f"    edge ({l},{i},{j}) -> {name:<5} R^2 = {r2:.12f}")

    started = time.perf_counter()
    model.fit(ds, steps=steps_affine, update_grid=False, progress=False)
    report("5 train a, b, c, d", model, started)
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
