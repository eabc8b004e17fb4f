"""Figures of chapter 10 (the paper's experiments), small versions that draw in seconds.

chapter10_scaling.png: grid extension of a [1, 1] KAN on J0(20 x) (G = 10 -> 200, 10 L-BFGS
    steps per grid, seed 0) against MLPs of depth 2 and 3, test RMSE against parameters,
    with the N^-4 line: the toy-function panel of benchmarks/paper/toy_scaling.py, shortened.
chapter10_continual.png: the five-peak continual-learning run of
    benchmarks/paper/continual_learning.py with fewer steps per phase (10) and a smaller MLP
    [1, 32, 32, 1]: the KAN trained on its spline coefficients keeps the old peaks, the MLP
    does not.

The full-size figures (paper_*.png) are written by the scripts in benchmarks/paper/.
Everything is seeded; matplotlib runs with the Agg backend.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks.paper and kan_np from the checkout

SCALING = {"grids": {"bessel_j0": (10, 20, 50, 100, 200)}, "steps": 10, "seeds": (0,),
           "n_train": 1000, "mlp_depths": (2, 3), "mlp_widths": (5, 15, 40),
           "mlp_steps": 10}  # fmt: skip
CONTINUAL = {"G": 200, "steps": 10, "n_per_region": 200, "mlp": [1, 32, 32, 1]}


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw both figures into outdir; return the PNGs written (quick: tiny runs, for tests)."""
    from benchmarks.paper import common, continual_learning, toy_scaling

    common.use_agg()
    outdir = pathlib.Path(outdir)
    scaling_cfg, continual_cfg = SCALING, CONTINUAL
    if quick:  # the same code paths on a few grids and steps
        scaling_cfg = {**SCALING, "grids": {"bessel_j0": (10, 20)}, "steps": 2, "mlp_steps": 2}
        continual_cfg = {**CONTINUAL, "steps": 2}
    scaling = toy_scaling.run_function("bessel_j0", scaling_cfg)
    continual = continual_learning.run(continual_cfg)
    return [
        toy_scaling.draw([scaling], outdir / "chapter10_scaling.png"),
        continual_learning.draw(continual, outdir / "chapter10_continual.png"),
    ]
