"""The cost of L-BFGS itself, without the loss: one direction H g plus one new pair.

    python benchmarks/lbfgs_overhead.py                  # 100 pairs (fit's default)
    python benchmarks/lbfgs_overhead.py --history 10

`lbfgs.Pairs` holding a full memory of m pairs for P parameters (P = 150 to 1,000, the
sizes of the grid-extension schedule's [2, 5, 1] network and a little beyond): the median
time of `times_inverse_hessian(g)` followed by `push(s, y)`, which is what one L-BFGS
iteration adds to its evaluations of the loss (the line search adds a few vector operations).
The issue that asked for kan_np's own L-BFGS measured SciPy's L-BFGS-B at 0.31-0.57 ms per
iteration with 100 pairs. BLAS runs on one thread unless --threads says otherwise.
"""

import argparse
import pathlib
import sys

import numpy as np
from threadpoolctl import threadpool_limits

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing kan_np
sys.path.insert(0, str(HERE))  # timing.py

from timing import machine, measure  # noqa: E402

from kan_np.lbfgs import Pairs  # noqa: E402


def full_memory(m, P, seed=0):
    """Pairs with m pairs of a random positive definite quadratic, and one more (s, y)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(P, P))
    H = A @ A.T / P + np.eye(P)  # (P, P)
    pairs = Pairs(m, P)
    for _ in range(m + m // 3):  # past m: the window has slid at least once
        s = rng.normal(size=P)
        pairs.push(s, H @ s)
    s = rng.normal(size=P)
    return pairs, rng.normal(size=P), s, H @ s


def iteration(pairs, g, s, y):
    """One iteration's L-BFGS work: the direction H g, then the new pair."""

    def step():
        pairs.times_inverse_hessian(g)
        pairs.push(s, y)

    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--history", type=int, default=100, help="pairs kept (default 100)")
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args(argv)
    print(f"before: {machine()}")
    print(f"{'P':>6} {'wall us':>8} {'cpu us':>8}   per iteration, {args.history} pairs, median")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for P in (150, 400, 1000):
            t = measure(iteration(*full_memory(args.history, P)), args.repeats, warmup=10)
            print(f"{P:>6} {1e3 * t['wall_ms']:8.1f} {1e3 * t['cpu_ms']:8.1f}")
    print(f"after:  {machine()}")


if __name__ == "__main__":
    main()
