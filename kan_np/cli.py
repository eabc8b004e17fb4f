"""The `kan-np` command line."""

import argparse
import sys
import time

import numpy as np


def demo(args):
    """Fit exp(sin(pi x) + y^2) with a [2, 5, 1] KAN and Adam; print the test RMSE."""
    import kan_np as kn
    from kan_np.datasets import create_dataset
    from kan_np.optim import Adam

    ds = create_dataset(lambda x: np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2), seed=0)
    model = kn.KAN(width=[2, 5, 1], grid=5, k=3, seed=0)
    params = [arr for _, _, arr in model.parameters()]
    adam = Adam(params, lr=1e-2)
    start = time.perf_counter()
    for _ in range(args.steps):
        _, grads = model.loss_and_grad(ds["train_input"], ds["train_label"])
        adam.step([grads[l][name] for l, name, _ in model.parameters()])
    rmse = np.sqrt(np.mean((model(ds["test_input"]) - ds["test_label"]) ** 2))
    print(f"[2, 5, 1] KAN, {args.steps} Adam steps: test RMSE {rmse:.3e} "
          f"({time.perf_counter() - start:.2f} s)")  # fmt: skip
    return 0


def main(argv=None):
    """Entry point of `kan-np`."""
    parser = argparse.ArgumentParser(prog="kan-np", description="Kolmogorov-Arnold Networks")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="fit exp(sin(pi x) + y^2) and print the test RMSE")
    p.add_argument("--steps", type=int, default=500)
    p.set_defaults(run=demo)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
