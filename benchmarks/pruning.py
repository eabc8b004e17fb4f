"""Sparsify, prune, retrain: the paper's hello-KAN (§2.5.4) on seeds 0-4.

Target f(x, y) = exp(sin(pi x) + y^2), x, y ~ U(-1, 1), 1000 train + 1000 test samples.
Acceptance (interpretability issue): [2, 5, 1] trained with sparsification and pruned with
the defaults (`prune()`: the paper's rule, threshold 1e-2) is [2, 1, 1] for at least 4 of
the 5 seeds, and the pruned model, retrained, reaches test RMSE <= 5e-3.

Recipe (the defaults of this script, chosen by the runs described below):
    1. KAN([2, 5, 1], grid=5, k=3, seed=s).fit(ds, opt="lbfgs", steps=50, lamb=3e-3,
       reg_metric="paper")   -- the paper's L1 + entropy (mu_1 = mu_2 = 1), fit's default
       grid updates (every 5 steps during the first 50);
    2. pruned = prune(model)  -- node scores min(max in |phi|_1, max out |phi|_1) > 1e-2,
       on the training inputs;
    3. retrain the pruned model without penalty: 50 L-BFGS steps (grid updates on, so the
       knots follow the hidden node's range), then refine(10) and 50 more steps.

Why these numbers. They were chosen with SciPy's L-BFGS-B, before kan_np had its own
L-BFGS; then lamb = 1e-3 left 3-5 hidden nodes alive after 50 steps, 1e-2 killed the fit,
and longer training at 3e-3 was not better (the L1 term keeps shrinking the hidden node's
range while the next layer's spline compensates, so the surviving node's score drifts
towards the 1e-2 threshold). Measured with the current L-BFGS (`--lamb 1e-3`, `--lamb
1e-2`): lamb = 1e-3, 3e-3 and 1e-2 all prune to [2, 1, 1] on seeds 1, 3, 4 and keep
[2, 2, 1] on seeds 0 and 2, so the acceptance above (4 of 5) is missed; 1e-2 ends the
penalised training at test RMSE 2.3e-2 to 3.4e-2 (3e-3: 8.0e-3 to 1.0e-2), and every
[2, 1, 1] retrains to 4.2e-4 after refine(10). pykan's own recipe (its std-based metric
at 1e-3) makes the dead nodes *constant*, not zero: their |phi|_1 stays above 1e-2 and the
paper's rule keeps them (pykan's attribution scores, method="attribution", remove them).

Run:  python benchmarks/pruning.py [--seeds 0 1 2 3 4] [--lamb 3e-3] [--steps 50]
"""

import argparse
import time

import numpy as np

import kan_np as kn
from kan_np import pruning
from kan_np.datasets import create_dataset


def target(x):
    """exp(sin(pi x) + y^2), (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)


def rmse(model, ds):
    """Test RMSE of model on ds."""
    return float(np.sqrt(np.mean((model(ds["test_input"]) - ds["test_label"]) ** 2)))


def run_seed(ds, seed, lamb, steps, retrain_steps):
    """One seed of the recipe: returns a dict of widths, scores and RMSEs."""
    start = time.perf_counter()
    model = kn.KAN([2, 5, 1], grid=5, k=3, seed=seed)
    model.fit(ds, opt="lbfgs", steps=steps, lamb=lamb, reg_metric="paper", progress=False)
    scores = pruning.node_scores(model)[1]  # hidden layer, on the training inputs
    pruned = pruning.prune(model)
    before = rmse(pruned, ds)
    pruned.fit(ds, opt="lbfgs", steps=retrain_steps, progress=False)
    after = rmse(pruned, ds)
    refined = pruned.refine(10)
    refined.fit(ds, opt="lbfgs", steps=retrain_steps, progress=False)
    return {
        "seed": seed,
        "trained": rmse(model, ds),
        "scores": scores,
        "width": pruned.width,
        "pruned": before,
        "retrained": after,
        "refined": rmse(refined, ds),
        "seconds": time.perf_counter() - start,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--lamb", type=float, default=3e-3)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--retrain-steps", type=int, default=50)
    args = parser.parse_args()
    ds = create_dataset(target, n_var=2, ranges=(-1, 1), n_train=1000, n_test=1000, seed=0)
    print(f"lamb={args.lamb}, steps={args.steps}, reg_metric='paper', prune() defaults")
    print(f"{'seed':>4} {'test RMSE':>10} {'hidden node scores':>38} {'pruned width':>13} "
          f"{'pruned':>9} {'retrained':>9} {'G=10':>9} {'s':>5}")  # fmt: skip
    rows = []
    for seed in args.seeds:
        r = run_seed(ds, seed, args.lamb, args.steps, args.retrain_steps)
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
