"""Grid extension on exp(sin(pi x) + y^2): accuracy and time of the whole schedule.

    python benchmarks/grid_extension.py                           # 50 steps per stage
    python benchmarks/grid_extension.py --steps 200 --repeat 3
    python benchmarks/grid_extension.py --pykan /work/pykan-venv/bin/python   # pykan beside

The paper's walk-through (§2.4, Fig. 2.3) as in pykan's tutorial: 1000 train
and 1000 test samples (create_dataset(..., n_var=2, seed=0)), KAN([2, 5, 1], grid=3, k=3,
seed=0); for G in 3, 5, 10, 20: refine to G (except the first), then fit(opt="lbfgs",
steps=S) with fit's defaults, which are pykan's (grid updates every 5 steps before step
50). One L-BFGS step is 20 L-BFGS iterations on both sides, so S steps per stage are the
same work for kan_np and pykan. pykan's results vary from run to run (torch's least
squares is not bit-reproducible): its G = 20 test RMSE was 8.4e-5 to 2.3e-4 in this
project's runs.

Prints one row per stage: train and test RMSE at the end of the stage, and the wall and
CPU seconds of refine + fit (medians over --repeat runs; the RMSEs are deterministic), then
the totals and the load average before and after. BLAS runs on one thread (threadpoolctl)
unless --threads says otherwise. --pykan PYTHON runs `pykan_runner.py` with that Python (it
needs torch and pykan 0.2.8, see benchmarks/pykan/README.md) on the same data and steps in
the same run, and prints its columns beside ours. --history 10,20,50,100 repeats kan_np's
schedule with each L-BFGS memory (fit's option `lbfgs_history`), --seeds 0,1,2 with each
seed of the model's initial parameters (how much the end points depend on the start), and
--memory reset,keep with each of fit's `lbfgs_memory` (pykan keeps L-BFGS's pairs across
grid updates; fit's default starts afresh). --figure PATH
draws the staircase with figures/chapter05.py. Import time is not counted.
"""

import argparse
import importlib.util
import itertools
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from threadpoolctl import threadpool_limits

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing kan_np
sys.path.insert(0, str(HERE))  # timing.py

from timing import clock, elapsed, machine  # noqa: E402

import kan_np.training  # noqa: E402  (imported here so the timing excludes it)
from kan_np import KAN  # noqa: E402
from kan_np.datasets import create_dataset, exp_sin_sq  # noqa: E402

GRIDS = (3, 5, 10, 20)
DATA_KEYS = ("train_input", "train_label", "test_input", "test_label")


def schedule(ds, steps, memory, seed=0, carry="reset", width=(2, 5, 1)):
    """One run: the stages as dicts {G, history, train_rmse, test_rmse, wall, cpu}."""
    model = KAN(list(width), grid=GRIDS[0], k=3, seed=seed)
    stages = []
    for G, n in zip(GRIDS, steps, strict=True):
        start = clock()
        if G != GRIDS[0]:
            model = model.refine(G)  # on the training inputs of the last fit
        history = model.fit(ds, opt="lbfgs", steps=n, progress=False, lbfgs_history=memory,
                            lbfgs_memory=carry)  # fmt: skip
        wall, cpu = elapsed(start)
        rmse = {"train_rmse": history["train_rmse"][-1], "test_rmse": history["test_rmse"][-1]}
        stages.append({"G": G, "history": history, **rmse, "wall": wall, "cpu": cpu})
    return stages


def medians(runs):
    """The first run's stages with wall and cpu replaced by the medians over all runs."""
    stages = [dict(stage) for stage in runs[0]]
    for j, stage in enumerate(stages):
        for key in ("wall", "cpu"):
            stage[key] = statistics.median(run[j][key] for run in runs)
    return stages


def run_pykan(python, ds, steps, repeat):
    """pykan_runner.py in its own Python on the same data: its stages (medians)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "data.npz"
        np.savez(path, **{key: ds[key] for key in DATA_KEYS})
        command = [python, str(HERE / "pykan_runner.py"), "--data", str(path),
                   "--steps", ",".join(map(str, steps)), "--repeat", str(repeat)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"pykan_runner.py failed:\n{done.stderr[-3000:]}")
    return medians(json.loads(done.stdout.strip().splitlines()[-1]))


def print_table(steps, ours, theirs):
    """One row per stage, pykan's columns beside ours when there are any."""
    head = f"{'G':>3}{'steps':>6}{'train RMSE':>11}{'test RMSE':>10}{'wall s':>8}{'cpu s':>7}"
    print(head + ("  | pykan: train RMSE  test RMSE  wall s  cpu s" if theirs else ""))
    for j, (stage, n) in enumerate(zip(ours, steps, strict=True)):
        row = (f"{stage['G']:>3}{n:>6}{stage['train_rmse']:>11.2e}{stage['test_rmse']:>10.2e}"
               f"{stage['wall']:>8.2f}{stage['cpu']:>7.2f}")  # fmt: skip
        if theirs:
            p = theirs[j]
            row += (f"  |        {p['train_rmse']:>10.2e} {p['test_rmse']:>10.2e}"
                    f"{p['wall']:>8.2f}{p['cpu']:>7.2f}")  # fmt: skip
        print(row)
    total = f"total{sum(steps):>4}{'':>21}"
    total += f"{sum(s['wall'] for s in ours):>8.2f}{sum(s['cpu'] for s in ours):>7.2f}"
    if theirs:
        total += f"  |{'':>30}{sum(s['wall'] for s in theirs):>8.2f}"
        total += f"{sum(s['cpu'] for s in theirs):>7.2f}"
    print(total)


def draw(stages, steps, path):
    """The staircase figure, drawn by figures/chapter05.py (imported by its path)."""
    spec = importlib.util.spec_from_file_location("chapter05", ROOT / "figures" / "chapter05.py")
    chapter05 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chapter05)
    title = f"grid extension, KAN[2, 5, 1] on exp(sin(πx) + y²), steps {steps}"
    print("wrote", chapter05.draw_staircase(stages, path, title))


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="50", help="steps per stage: one int or four")
    parser.add_argument("--repeat", type=int, default=3, help="runs of kan_np (median time)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads; 0: leave alone")
    parser.add_argument("--pykan", metavar="PYTHON", help="run pykan beside, with this Python")
    parser.add_argument("--pykan-repeat", type=int, default=1, help="runs of pykan")
    parser.add_argument("--figure", default="", help="write the staircase PNG here")
    help_history = "L-BFGS memories to compare, e.g. 10,20,50,100 (default: fit's)"
    parser.add_argument("--history", default="", help=help_history)
    help_seeds = "kan_np's model seeds, e.g. 0,1,2 (default 0; pykan always runs seed 0)"
    parser.add_argument("--seeds", default="0", help=help_seeds)
    help_memory = "fit's lbfgs_memory values to compare, e.g. reset,keep (default: reset)"
    parser.add_argument("--memory", default="reset", help=help_memory)
    args = parser.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    steps = steps * len(GRIDS) if len(steps) == 1 else steps
    print(f"numpy {np.__version__}, float64, BLAS threads {args.threads or 'default'}")
    print(f"KAN[2, 5, 1], L-BFGS steps per stage {steps} (20 iterations each) on both sides")
    print("before:", machine())
    ds = create_dataset(exp_sin_sq, n_var=2, seed=0)
    theirs = run_pykan(args.pykan, ds, steps, args.pykan_repeat) if args.pykan else None
    limits = threadpool_limits(args.threads, "blas") if args.threads > 0 else None
    default = kan_np.training.LBFGS_HISTORY  # fit's default lbfgs_history
    histories = [int(h) for h in args.history.split(",") if h] or [default]
    seeds, carries = [int(x) for x in args.seeds.split(",")], args.memory.split(",")
    for seed, carry, history in itertools.product(seeds, carries, histories):
        runs = [schedule(ds, steps, history, seed, carry) for _ in range(args.repeat)]
        ours = medians(runs)
        print(f"kan_np, seed {seed}, L-BFGS memory {history} ({carry} at grid updates): "
              f"median of {args.repeat} runs" + (
              f"; pykan 0.2.8 (memory 10): median of {args.pykan_repeat}, one torch thread"
              if theirs else ""))  # fmt: skip
        print_table(steps, ours, theirs)
    if limits is not None:
        limits.restore_original_limits()
    print("after: ", machine())
    if args.figure:
        draw(ours, steps, args.figure)


if __name__ == "__main__":
    main()
