"""Sparsify, prune, retrain: the paper's hello-KAN (§2.5.4) on seeds 0-4.

Target f(x, y) = exp(sin(pi x) + y^2), x, y ~ U(-1, 1), 1000 train + 1000 test samples.
Acceptance (interpretability issue): [2, 5, 1] trained with sparsification and pruned with
the defaults (`prune()`: the paper's rule, threshold 1e-2) is [2, 1, 1] for at least 4 of
the 5 seeds, and the pruned model, retrained, reaches test RMSE <= 5e-3.

Recipe (the defaults of this script: the walk-through's, `kan_np.demo`, on G = 5):
    0. standardise the labels (`demo.standardise`): the network learns (f - mean) / std;
    1. KAN([2, 5, 1], grid=5, k=3, seed=s).fit(..., opt="lbfgs", steps=50, lamb=3e-2,
       reg_metric="paper")   -- the paper's L1 + entropy (mu_1 = mu_2 = 1), fit's default
       grid updates (every 5 steps during the first 50);
    2. pruned = prune(model)  -- node scores min(max in |phi|_1, max out |phi|_1) > 1e-2,
       on the training inputs; then a second round: 20 steps with the penalty, prune;
    3. retrain the pruned model without penalty: 50 L-BFGS steps (grid updates on, so the
       knots follow the hidden node's range), then refine(10) and 50 more steps.
RMSEs are printed in the units of f (mean + std * KAN(x) against f).

Measured (`python benchmarks/pruning.py`, after the NumPy L-BFGS of issue 13): [2, 1, 1]
on 5 of 5 seeds, retrained test RMSE 7.1e-3 to 1.4e-2 at G = 5 and 4.4e-4 to 3.1e-3
after refine(10): acceptance met. Why this recipe: the old defaults (raw labels,
lamb = 3e-3, one round; `--raw-labels --lamb 3e-3 --rounds 1`) were chosen with SciPy's
L-BFGS-B and met the acceptance there (4 of 5); with kan_np's own L-BFGS they keep
[2, 2, 1] on seeds 0 and 2 (lamb 1e-3 and 1e-2 likewise), 3 of 5. Standardised labels with
lamb = 3e-2 are the walk-through's answer to the same problem (a penalty whose weight
against the error does not depend on the scale of f; `benchmarks/paper/composed.py`
measures it on eight formulas); one round of it gives 4 of 5 here, the second round 5.
pykan's own recipe (its std-based metric at 1e-3) makes the dead nodes *constant*, not
zero: their |phi|_1 stays above 1e-2 and the paper's rule keeps them (pykan's
attribution scores, method="attribution", remove them).

Run:  python benchmarks/pruning.py [--seeds 0 1 2 3 4] [--lamb 3e-2] [--steps 50]
      [--rounds 1|2] [--raw-labels]
"""

import argparse
import time

import numpy as np

import kan_np as kn
from kan_np import demo, pruning
from kan_np.datasets import create_dataset


def target(x):
    """exp(sin(pi x) + y^2), (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)


def rmse(model, ds, mean=0.0, std=1.0):
    """Test RMSE on ds of mean + std * model(x) (the model learnt standardised labels)."""
    pred = mean + std * model(ds["test_input"])  # (N, 1)
    return float(np.sqrt(np.mean((pred - ds["test_label"]) ** 2)))


def run_seed(ds, seed, args):
    """One seed of the recipe: returns a dict of widths, scores and RMSEs (in f's units)."""
    start = time.perf_counter()
    train, mean, std = demo.standardise(ds) if args.standardise else (ds, 0.0, 1.0)
    model = kn.KAN([2, 5, 1], grid=5, k=3, seed=seed)
    model.fit(train, opt="lbfgs", steps=args.steps, lamb=args.lamb, reg_metric="paper",
              progress=False)  # fmt: skip
    trained = rmse(model, ds, mean, std)
    scores = pruning.node_scores(model)[1]  # hidden layer, on the training inputs
    plan = demo.FULL | {"lamb": args.lamb, "rounds": args.rounds}  # later rounds: demo's
    pruned = demo.sparsify(pruning.prune(model), train, plan, first=1)
    before = rmse(pruned, ds, mean, std)
    pruned.fit(train, opt="lbfgs", steps=args.retrain_steps, progress=False)
    after = rmse(pruned, ds, mean, std)
    refined = pruned.refine(10)
    refined.fit(train, opt="lbfgs", steps=args.retrain_steps, progress=False)
    return {
        "seed": seed,
        "trained": trained,
        "scores": scores,
        "width": pruned.width,
        "pruned": before,
        "retrained": after,
        "refined": rmse(refined, ds, mean, std),
        "seconds": time.perf_counter() - start,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--lamb", type=float, default=3e-2)
    parser.add_argument("--rounds", type=int, choices=(1, 2), default=2)
    parser.add_argument("--raw-labels", dest="standardise", action="store_false",
                        help="train on the labels as they are (default: standardised)")  # fmt: skip
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--retrain-steps", type=int, default=50)
    args = parser.parse_args()
    ds = create_dataset(target, n_var=2, ranges=(-1, 1), n_train=1000, n_test=1000, seed=0)
    labels = "standardised" if args.standardise else "raw"
    print(f"lamb={args.lamb}, steps={args.steps}, rounds={args.rounds}, {labels} labels, "
          "reg_metric='paper', prune() defaults")  # fmt: skip
    print(f"{'seed':>4} {'test RMSE':>10} {'hidden node scores':>38} {'pruned width':>13} "
          f"{'pruned':>9} {'retrained':>9} {'G=10':>9} {'s':>5}")  # fmt: skip
    rows = []
    for seed in args.seeds:
        r = run_seed(ds, seed, args)
        rows.append(r)
        scores = " ".join(f"{s:.3f}" for s in r["scores"])
        print(f"{seed:>4} {r['trained']:10.2e} {scores:>38} {str(r['width']):>13} "
              f"{r['pruned']:9.2e} {r['retrained']:9.2e} {r['refined']:9.2e} "
              f"{r['seconds']:5.0f}", flush=True)  # fmt: skip
    hits = [r for r in rows if r["width"] == [2, 1, 1]]
    best = min(min(r["retrained"], r["refined"]) for r in hits) if hits else float("nan")
    print(f"[2, 1, 1] for {len(hits)} of {len(rows)} seeds; best retrained test RMSE of "
          f"those {best:.2e} (target <= 5e-3)")  # fmt: skip
    ok = len(hits) >= min(4, len(rows)) and all(
        min(r["retrained"], r["refined"]) <= 5e-3 for r in hits
    )
    print("acceptance:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
