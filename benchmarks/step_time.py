"""Median milliseconds per training step and peak memory, float64 (issue 2, item 6).

One step = forward + mean squared error + backward + one Adam update of every parameter.
Peak memory is the largest traced NumPy allocation during one step (tracemalloc).

Run:  python benchmarks/step_time.py [--repeats 30]

Reference figures (2-core machine of this kind, float64, ms per step), from the issue:
pykan 0.2.8 fastest mode 4.4 / 28 / 327 / 508; efficient-kan 3.4 / 16 / 157 / 61; the bare
NumPy matrix products of (c) and (d) alone 10 / 7.7.
"""

import argparse
import time
import tracemalloc

import numpy as np

import kan_np as kn
from kan_np.optim import Adam

CONFIGS = {
    "a": ([2, 5, 1], 5, 1000),
    "b": ([4, 8, 8, 1], 10, 2048),
    "c": ([16, 32, 32, 1], 10, 4096),
    "d": ([784, 64, 10], 5, 256),
}
REFERENCE = {"a": (4.4, 3.4, None), "b": (28, 16, None), "c": (327, 157, 10), "d": (508, 61, 7.7)}


def make_step(width, G, N, seed=0):
    rng = np.random.default_rng(seed)
    model = kn.KAN(width, grid=G, k=3, seed=seed)
    x = rng.uniform(-1, 1, (N, width[0]))
    y = rng.normal(size=(N, width[-1]))
    params = [arr for _, _, arr in model.parameters()]
    adam = Adam(params, lr=1e-3)

    def step():
        _, grads = model._loss_and_grad(x, y)
        adam.step([grads[l][name] for l, name, _ in model.parameters()])

    return step


def bare_matmuls(width, G, N, seed=0):
    """The matrix products of one step alone: forward B @ W and backward B^T dy, dy W^T."""
    rng = np.random.default_rng(seed)
    M = G + 3
    mats = []
    for I, O in zip(width[:-1], width[1:], strict=True):
        mats.append((rng.random((N, I * M)), rng.random((I * M, O)), rng.random((N, O))))

    def step():
        for B, W, dy in mats:
            B @ W
            B.T @ dy
            dy @ W.T

    return step


def median_ms(step, repeats):
    step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


def peak_mb(step):
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--only", default="abcd")
    args = parser.parse_args()
    print(f"{'cfg':4}{'width':>18}{'G':>4}{'N':>6}{'ms/step':>10}{'peak MB':>9}"
          f"{'matmul ms':>11}{'x eff-kan':>11}{'x pykan':>9}")  # fmt: skip
    for name in args.only:
        width, G, N = CONFIGS[name]
        step = make_step(width, G, N)
        ms = median_ms(step, args.repeats)
        mm = median_ms(bare_matmuls(width, G, N), args.repeats)
        pykan, effkan, _ = REFERENCE[name]
        print(f"{name:4}{str(width):>18}{G:>4}{N:>6}{ms:>10.2f}{peak_mb(step):>9.1f}"
              f"{mm:>11.2f}{effkan / ms:>11.1f}{pykan / ms:>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
