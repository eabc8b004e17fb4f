"""Write kan_np/data/example.csv: 200 samples of the paper's walk-through function.

    y = exp(sin(pi x1) + x2^2),   x1, x2 ~ U[-1, 1)   (Liu et al. 2024, section 2.5.4)

Run from the repository root: `python examples/make_example_csv.py`. Seeded, so the file
is the same on every machine; values are written with 6 decimals.
"""

import csv
from pathlib import Path

from kan_np.datasets import create_dataset, exp_sin_sq

OUT = Path(__file__).resolve().parent.parent / "kan_np" / "data" / "example.csv"


def main():
    ds = create_dataset(exp_sin_sq, n_var=2, n_train=200, n_test=1, seed=0)
    with OUT.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["x1", "x2", "y"])
        for (x1, x2), (y,) in zip(ds["train_input"], ds["train_label"], strict=True):
            writer.writerow([f"{x1:.6f}", f"{x2:.6f}", f"{y:.6f}"])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
