"""Time and peak memory of one training step, float64, beside efficient-kan at equal work.

    python benchmarks/step_time.py                          # kan_np alone, one BLAS thread
    python benchmarks/step_time.py --efficient-kan /path/to/efficient-kan \\
        --peer-python /path/to/venv-with-torch/bin/python   # efficient-kan in the same run
    python benchmarks/step_time.py --threads 0              # leave BLAS threads alone

One step = forward + mean squared error + backward + one Adam update (lr 1e-3) of every
parameter, on N uniform(-1, 1) inputs with normal targets:

    (a) [2, 5, 1] G=5 N=1000      (b) [4, 8, 8, 1] G=10 N=2048
    (c) [16, 32, 32, 1] G=10 N=4096   (d) [784, 64, 10] G=5 N=256

Printed per configuration: the median wall and CPU milliseconds of R repeats (after a
warm-up), the peak traced NumPy memory of one step (tracemalloc), the bare matrix products
of the step alone (what the dense basis costs at the least), and, with --efficient-kan,
efficient-kan's medians for the same step measured by `efficient_kan_runner.py` in a
subprocess right after ours, with the ratio. The load average is printed before and
after: numbers taken under load are not comparable.

BLAS runs on one thread (threadpoolctl) unless --threads says otherwise, and the peer gets
the same number of torch threads: with one other job on a 2-core machine, OpenBLAS's
default threading made (b)-(d) five to eight times slower and the numbers irreproducible.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_limits

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing kan_np
sys.path.insert(0, str(HERE))  # timing.py

from timing import machine, measure  # noqa: E402

import kan_np as kn  # noqa: E402
from kan_np import allocator  # noqa: E402
from kan_np.flat import TrainedArrays  # noqa: E402
from kan_np.optim import Adam  # noqa: E402

CONFIGS = {
    "a": ([2, 5, 1], 5, 1000),
    "b": ([4, 8, 8, 1], 10, 2048),
    "c": ([16, 32, 32, 1], 10, 4096),
    "d": ([784, 64, 10], 5, 256),
}


def make_step(width, G, N, seed=0):
    """A KAN, its data and Adam; returns the step (loss, gradient, update) and the model.

    The step is `training.fit`'s Adam step with a full batch: the same calls, on the
    parameters fit's Adam optimises (`TrainedArrays(model, zero_free=True)`).
    """
    rng = np.random.default_rng(seed)
    model = kn.KAN(width, grid=G, k=3, seed=seed)
    x = rng.uniform(-1, 1, (N, width[0]))  # (N, n_0)
    y = rng.normal(size=(N, width[-1]))  # (N, n_L)
    params = TrainedArrays(model, zero_free=True).items
    adam = Adam([arr for _, _, arr in params], lr=1e-3)

    def step():
        terms = model.loss_terms(x, y, check=False)
        adam.step([terms.grads[l][name] for l, name, _ in params])

    return step, model


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


def peak_mb(step):
    """The largest traced allocation during one call of step, in MB (2^20 bytes)."""
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def run_efficient_kan(path, python, names, repeats, threads):
    """efficient-kan's medians on the same configurations, from its own Python."""
    configs = json.dumps({name: CONFIGS[name] for name in names})
    command = [python, str(HERE / "efficient_kan_runner.py"), "--path", path,
               "--configs", configs, "--repeats", str(repeats),
               "--threads", str(max(threads, 1))]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"efficient_kan_runner.py failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed steps per config")
    parser.add_argument("--only", default="abcd", help="which configurations, e.g. ab")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads; 0: leave alone")
    parser.add_argument("--efficient-kan", metavar="PATH", help="an efficient-kan checkout")
    parser.add_argument("--peer-python", metavar="PYTHON", help="a Python with torch")
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, float64, BLAS threads {args.threads or 'default'}, "
          f"median of {args.repeats} steps")  # fmt: skip
    print("before:", machine())
    peer = bool(args.efficient_kan)
    python = args.peer_python or sys.executable
    limits = threadpool_limits(args.threads, "blas") if args.threads > 0 else None
    retained = allocator.retained()  # as in training.fit: freed memory is reused
    retained.__enter__()
    head = f"{'cfg':4}{'width':>17}{'G':>3}{'N':>6}{'wall ms':>9}{'cpu ms':>8}{'peak MB':>8}"
    head += f"{'matmul':>8}" + (
        f"{'ek wall':>9}{'ek cpu':>8}{'x wall':>7}{'x cpu':>7}" if peer else ""
    )
    print(head)
    for name in args.only:
        width, G, N = CONFIGS[name]
        step, _ = make_step(width, G, N)
        ours = measure(step, args.repeats, warmup=3)
        matmul = measure(bare_matmuls(width, G, N), args.repeats)["cpu_ms"]
        row = (f"{name:4}{str(width):>17}{G:>3}{N:>6}{ours['wall_ms']:>9.2f}"
               f"{ours['cpu_ms']:>8.2f}{peak_mb(step):>8.1f}{matmul:>8.2f}")  # fmt: skip
        if peer:  # measured right after ours, so both see about the same load
            ek = run_efficient_kan(args.efficient_kan, python, name, args.repeats, args.threads)
            ek = ek[name]
            row += (f"{ek['wall_ms']:>9.2f}{ek['cpu_ms']:>8.2f}"
                    f"{ek['wall_ms'] / ours['wall_ms']:>7.1f}"
                    f"{ek['cpu_ms'] / ours['cpu_ms']:>7.1f}")  # fmt: skip
        print(row)
    retained.__exit__(None, None, None)
    if limits is not None:
        limits.restore_original_limits()
    print("after: ", machine())
    if peer:
        print("ek = efficient-kan (PyTorch CPU, float64, same step and data); x = ek / kan_np")


if __name__ == "__main__":
    main()
