"""pykan 0.2.8 on grid_extension.py's schedule, at the same work (a peer, not ours).

Run by `benchmarks/grid_extension.py --pykan PYTHON`, under a Python with torch and pykan
0.2.8 (benchmarks/pykan/README.md):

    PYTHON benchmarks/pykan_runner.py --data ds.npz --steps 50,50,50,50 --repeat 1

The data (train_input, train_label, test_input, test_label) comes from the npz file that
grid_extension.py wrote, so both sides train on the same samples. The schedule: KAN(width=
[2, 5, 1], grid=3, k=3, seed=0), float64, one torch thread; for G in 3, 5, 10, 20: refine
(except the first; pykan refines on the inputs of its last forward, after fit the test
inputs, as in its tutorials), then fit(opt="LBFGS", steps=S) with pykan's defaults (20
L-BFGS iterations per step, history 10, grid updates every 5 steps before step 50).
Prints one JSON list on the last line of stdout: per run, per stage {"G", "train_rmse",
"test_rmse", "wall", "cpu"} (seconds of refine + fit).
"""

import argparse
import contextlib
import io
import json
import os
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # timing.py

import numpy as np  # noqa: E402
import torch  # noqa: E402
from timing import clock, elapsed  # noqa: E402

GRIDS = (3, 5, 10, 20)


def schedule(data, steps):
    """One run of the schedule; the stages as dicts."""
    from kan import KAN

    model = KAN(width=[2, 5, 1], grid=GRIDS[0], k=3, seed=0, auto_save=False)
    stages = []
    for G, n in zip(GRIDS, steps, strict=True):
        start = clock()
        if G != GRIDS[0]:
            model = model.refine(G)
            model.auto_save = False
        with contextlib.redirect_stdout(io.StringIO()):  # pykan prints as it goes
            result = model.fit(data, opt="LBFGS", steps=n, log=10**6)
        wall, cpu = elapsed(start)
        rmse = {"train_rmse": float(result["train_loss"][-1]),
                "test_rmse": float(result["test_loss"][-1])}  # fmt: skip
        stages.append({"G": G, **rmse, "wall": wall, "cpu": cpu})
    return stages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="npz with the four dataset arrays")
    parser.add_argument("--steps", default="50,50,50,50", help="L-BFGS steps per stage")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    with np.load(args.data, allow_pickle=False) as npz:
        data = {key: torch.tensor(npz[key]) for key in npz.files}
    steps = [int(s) for s in args.steps.split(",")]
    os.chdir(tempfile.mkdtemp())  # pykan may write checkpoint folders into the cwd
    runs = [schedule(data, steps) for _ in range(args.repeat)]
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
