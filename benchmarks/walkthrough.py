"""The paper's walk-through stage by stage: width, RMSE and seconds.

Runs `kan_np.demo.walkthrough` in full mode (figures into a temporary folder unless --out
is given) and prints its table, then times `auto_symbolic` alone on the trained [2, 5, 1]
network (all 15 edges); pykan 0.2.8 took about 47 s for that (an earlier measurement
by this project).

Run:  python benchmarks/walkthrough.py [--seed 0] [--out kan_demo]

Targets (issue 5): the whole walk-through in under 5 s, final test RMSE <= 1e-8, and the
formula 1.0*exp(1.0*x_2**2 + 1.0*sin(3.1416*x_1)). Timings depend on the machine's load:
on a shared 2-core machine, OpenBLAS's threads can make the tiny matrix products of a
[2, 5, 1] KAN several times slower; compare with OPENBLAS_NUM_THREADS=1.
"""

import argparse
import tempfile
import time

import kan_np as kn
from kan_np import demo
from kan_np.datasets import create_dataset, exp_sin_sq


def auto_symbolic_seconds(seed=0):
    """Seconds of auto_symbolic on a [2, 5, 1] KAN after the demo's first stage."""
    ds = create_dataset(exp_sin_sq, n_var=2, n_train=1000, n_test=1000, seed=0)
    model = kn.KAN([2, 5, 1], grid=demo.FULL["grid"], k=3, seed=seed)
    model.fit(ds, steps=demo.FULL["steps"][0], lamb=demo.FULL["lamb"], progress=False)
    started = time.perf_counter()
    report = model.auto_symbolic()
    return time.perf_counter() - started, len(report)


def main(argv=None):
    """Print the walk-through's table and the auto_symbolic timing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="the model's seed (default 0)")
    parser.add_argument("--out", default=None, help="folder for the figures (default: a temp dir)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        rows, formula = demo.walkthrough(args.out or scratch, seed=args.seed, print=lambda s: None)
    total = time.perf_counter() - started
    print(f"| {'stage':<26} | {'width':<9} | {'train RMSE':>10} | {'test RMSE':>10} | seconds |")
    print(f"|{'-' * 28}|{'-' * 11}|{'-' * 12}|{'-' * 12}|{'-' * 9}|")
    for row in rows:
        print(f"| {row.stage:<26} | {str(row.width):<9} | {row.train_rmse:>10.3e} | "
              f"{row.test_rmse:>10.3e} | {row.seconds:>7.2f} |")  # fmt: skip
    print(f"| {'total (figures included)':<26} | {'':<9} | {'':>10} | {'':>10} | {total:>7.2f} |")
    print(f"\nformula: {formula}")
    seconds, edges = auto_symbolic_seconds(args.seed)
    print(f"auto_symbolic on the trained [2, 5, 1] ({edges} edges): {seconds:.2f} s "
          "(pykan 0.2.8: ~47 s)")  # fmt: skip


if __name__ == "__main__":
    main()
