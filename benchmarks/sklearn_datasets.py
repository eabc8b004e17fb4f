"""KANClassifier / KANRegressor beside scikit-learn's models on scikit-learn's datasets.

Datasets (each split 75 / 25 with train_test_split(random_state=0)):
    digits     1797 x 64, 10 classes       accuracy
    iris        150 x 4,   3 classes       accuracy
    diabetes    442 x 10,  regression      R^2
    friedman1  1000 x 10,  regression      R^2 (make_friedman1, noise 0: 5 of 10 inputs matter)

Models: the kan_np estimators with their defaults, and with early_stopping=True; beside
them LogisticRegression / Ridge, MLPClassifier / MLPRegressor (both behind a
StandardScaler, as scikit-learn's docs advise) and HistGradientBoosting, all with
random_state=0 where they take one. Goals (issue 14): digits test accuracy >= 0.96,
diabetes R^2 >= 0.30 with the defaults and early stopping.

BLAS is pinned to one thread for every model (threadpoolctl), so CPU and wall times
compare like with like; the load average is printed because the machine may be shared.

Run:  python benchmarks/sklearn_datasets.py [--datasets digits iris diabetes friedman1]
"""

import argparse
import os
import time
import warnings

from sklearn.datasets import load_diabetes, load_digits, load_iris, make_friedman1
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from kan_np import KANClassifier, KANRegressor

DATASETS = {
    "digits": (lambda: load_digits(return_X_y=True), "classify"),
    "iris": (lambda: load_iris(return_X_y=True), "classify"),
    "diabetes": (lambda: load_diabetes(return_X_y=True), "regress"),
    "friedman1": (lambda: make_friedman1(n_samples=1000, noise=0.0, random_state=0), "regress"),
}


def models(task):
    """(name, estimator) pairs for a task."""
    if task == "classify":
        return [
            ("KANClassifier()", KANClassifier()),
            ("KANClassifier(early_stopping)", KANClassifier(early_stopping=True)),
            ("LogisticRegression", make_pipeline(StandardScaler(), LogisticRegression(
                max_iter=2000))),
            ("MLPClassifier", make_pipeline(StandardScaler(), MLPClassifier(
                max_iter=1000, random_state=0))),
            ("HistGradientBoosting", HistGradientBoostingClassifier(random_state=0)),
        ]  # fmt: skip
    return [
        ("KANRegressor()", KANRegressor()),
        ("KANRegressor(early_stopping)", KANRegressor(early_stopping=True)),
        ("Ridge", make_pipeline(StandardScaler(), Ridge())),
        ("MLPRegressor", make_pipeline(StandardScaler(), MLPRegressor(
            max_iter=2000, random_state=0))),
        ("HistGradientBoosting", HistGradientBoostingRegressor(random_state=0)),
    ]  # fmt: skip


def run(name):
    """Fit every model on one dataset; print its test score and times."""
    load, task = DATASETS[name]
    X, y = load()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    metric = "accuracy" if task == "classify" else "R^2"
    print(f"\n{name}: {X.shape[0]} x {X.shape[1]}, test {metric} "
          f"({len(y_test)} test rows)")  # fmt: skip
    print(f"  {'model':<30} {metric:>9} {'CPU s':>7} {'wall s':>7}")
    for label, model in models(task):
        cpu, wall = time.process_time(), time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        score = model.score(X_test, y_test)
        print(f"  {label:<30} {score:>9.4f} {cpu:>7.2f} {wall:>7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min); BLAS pinned to 1 thread")
    with threadpool_limits(limits=1, user_api="blas"):
        for name in args.datasets:
            run(name)


if __name__ == "__main__":
    main()
