"""Time one efficient-kan training step on step_time.py's configurations (a peer, not ours).

Run by `benchmarks/step_time.py --efficient-kan PATH --peer-python PYTHON`, under a Python
that has torch (CPU) and numpy; efficient-kan itself is imported from the checkout at PATH
at run time (its `src/` folder), so this repository holds none of its code:

    PYTHON benchmarks/efficient_kan_runner.py --path PATH --configs '{"a": [[2,5,1],5,1000]}'

The step is the same work as kan_np's: float64, forward, mean squared error, backward, one
Adam update (lr 1e-3) of every parameter, on one torch thread (--threads) and the same
uniform(-1, 1) inputs and normal targets. Prints one JSON object {config: {"wall_ms",
"cpu_ms", "repeats", "parameters"}} on the last line of stdout.
"""

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # timing.py

import numpy as np  # noqa: E402
import torch  # noqa: E402
from timing import measure  # noqa: E402


def make_step(KAN, width, G, N, seed=0):
    """An efficient-kan model on the data of step_time.make_step, and its training step."""
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.uniform(-1, 1, (N, width[0])))  # (N, n_0)
    y = torch.from_numpy(rng.normal(size=(N, width[-1])))  # (N, n_L)
    torch.manual_seed(seed)
    model = KAN(width, grid_size=G, spline_order=3).double()
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        adam.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        adam.step()

    return step, sum(p.numel() for p in model.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", required=True, help="an efficient-kan checkout")
    parser.add_argument("--configs", required=True, help='JSON {"a": [width, G, N], ...}')
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sys.path.insert(0, str(pathlib.Path(args.path) / "src"))
    from efficient_kan import KAN

    results = {}
    for name, (width, G, N) in json.loads(args.configs).items():
        step, n_params = make_step(KAN, width, G, N)
        results[name] = {**measure(step, args.repeats, warmup=3), "parameters": n_params}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
