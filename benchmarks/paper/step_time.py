"""KAN vs MLP time per training step at equal parameter count (the paper's "~10x slower").

    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/step_time.py            # full
    OPENBLAS_NUM_THREADS=1 python benchmarks/paper/step_time.py --quick
    python benchmarks/paper/step_time.py --smoke --out /tmp/figs

The paper (§6): KANs are "usually 10x slower than MLPs, given the same number of
parameters". One step here is one loss-and-gradient evaluation (forward, mean squared
error, backward), the unit both Adam and L-BFGS pay for; the MLP width is chosen by
`mlp.width_for_parameters` so both models have about the same number of trainable numbers
(KAN: spline coefficients + two scales per edge). Reported: the median of R repeats, in
milliseconds, and the KAN / MLP ratio. No figure; `--out` is accepted for uniformity.
"""

import sys
import time

import numpy as np

if __package__ in (None, ""):  # run as a script: make `benchmarks.paper` importable
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))

from benchmarks.paper import common  # noqa: E402
from kan_np import KAN  # noqa: E402
from kan_np.mlp import MLP, width_for_parameters  # noqa: E402

CONFIGS = (([2, 5, 1], 5), ([4, 8, 8, 1], 10), ([16, 32, 32, 1], 10))  # KAN width, G
SETTINGS = {
    "full": {"N": 1000, "repeats": 50, "configs": CONFIGS},
    "quick": {"N": 1000, "repeats": 15, "configs": CONFIGS},
    "smoke": {"N": 100, "repeats": 2, "configs": CONFIGS[:2]},
}


def median_ms(model, x, y, repeats):
    """Median wall ms of model.loss_and_grad(x, y, check=False) (after one warm-up call)."""
    model.loss_and_grad(x, y, check=False)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        model.loss_and_grad(x, y, check=False)
        times.append(time.perf_counter() - started)
    return 1e3 * float(np.median(times))


def main(argv=None):
    """Time both models per config, print the table; returns {"rows"}."""
    args, mode, cfg, started = common.start(__doc__, SETTINGS, argv, figures=False)
    rng = np.random.default_rng(0)
    rows = []
    for width, G in cfg["configs"]:
        kan = KAN(width, grid=G, k=3, seed=0)
        n_kan = common.kan_parameters(kan)
        depth = len(width) - 1
        H = width_for_parameters(width[0], width[-1], depth, n_kan)
        mlp = MLP([width[0]] + [H] * (depth - 1) + [width[-1]], seed=0)
        x = rng.uniform(-1, 1, (cfg["N"], width[0]))  # (N, n_0)
        y = rng.normal(size=(cfg["N"], width[-1]))  # (N, n_L)
        t_kan = median_ms(kan, x, y, cfg["repeats"])
        t_mlp = median_ms(mlp, x, y, cfg["repeats"])
        rows.append([f"{width} G={G}", n_kan, mlp.width, mlp.num_parameters(), f"{t_kan:.3f}",
                     f"{t_mlp:.3f}", f"{t_kan / t_mlp:.1f}"])  # fmt: skip
    print(f"mode: {mode}; loss + gradient, N = {cfg['N']}, median of {cfg['repeats']}")
    print(common.table(["KAN", "params", "MLP", "params", "KAN ms", "MLP ms", "KAN/MLP"], rows))
    print("paper: KANs are usually ~10x slower than MLPs at the same number of parameters")
    print(f"wall time: {time.perf_counter() - started:.1f} s ({mode})")
    return {"rows": rows}


if __name__ == "__main__":
    main()
