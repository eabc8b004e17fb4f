"""Datasets: sample a function on a box, check a dataset, and the paper's toy functions.

A dataset is a plain dict of float64 arrays (the paper's §3 experiments use this form):

    train_input (N_train, I)   train_label (N_train, O)
    test_input  (N_test, I)    test_label  (N_test, O)

plus, when asked, normalisation statistics taken from the train set. Inputs are drawn
uniformly from a box, as in the paper and pykan's ``create_dataset``. The special
functions and Feynman equations of §3.2-3.3 are in `datasets_paper.py`.

Letters: N samples, I input variables (n_var), O outputs.
"""

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from scipy.special import j0

from kan_np import checks

DATASET_KEYS = ("train_input", "train_label", "test_input", "test_label")


def parse_ranges(ranges, n_var):
    """Turn `ranges` into an (I, 2) array of [lo, hi) per input variable.

    Args:
        ranges: one (lo, hi) pair used for every variable, or a list of n_var pairs.
        n_var: number of input variables I.

    Returns:
        (I, 2) float64 array; raises ValueError unless every lo < hi and both are finite.
    """
    try:
        box = np.asarray(ranges, dtype=np.float64)
    except (TypeError, ValueError) as error:  # ragged lists or non-numbers
        raise ValueError(
            f"ranges must be one (lo, hi) pair or a list of {n_var} pairs of numbers; "
            f"got {ranges!r}"
        ) from error
    if box.shape == (2,):
        box = np.tile(box, (n_var, 1))  # (I, 2), the same interval for every variable
    if box.shape != (n_var, 2):
        raise ValueError(
            f"ranges must be one (lo, hi) pair or a list of {n_var} pairs (one per variable); "
            f"got an array of shape {np.shape(ranges)}"
        )
    if not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        bad = int(np.flatnonzero(~np.isfinite(box).all(axis=1) | (box[:, 0] >= box[:, 1]))[0])
        raise ValueError(f"range of variable {bad} is {box[bad].tolist()}; expected finite lo < hi")
    return box


def _labels(f, x, part):
    """Evaluate f on x (N, I) and return (N, O) finite labels, or say what went wrong."""
    N = x.shape[0]
    y = np.asarray(f(x.copy()), dtype=np.float64)  # a copy: f must not edit our inputs
    if y.ndim == 1 and y.shape[0] == N:
        y = y[:, None]  # (N, 1): one output
    if y.ndim != 2 or y.shape[0] != N or y.shape[1] == 0:
        raise ValueError(
            f"f returned an array of shape {y.shape} for {part} inputs of shape {x.shape}; "
            f"expected ({N},) or ({N}, n_out)"
        )
    bad_rows = ~np.all(np.isfinite(y), axis=1)  # (N,)
    if bad_rows.any():
        first = int(np.flatnonzero(bad_rows)[0])
        raise ValueError(
            f"f returned NaN or inf in {int(bad_rows.sum())} of {N} {part} rows (first at input "
            f"{x[first].tolist()}); choose ranges where f is finite"
        )
    return y


def create_dataset(
    f,
    n_var=2,
    ranges=(-1, 1),
    n_train=1000,
    n_test=1000,
    seed=0,
    normalize_input=False,
    normalize_label=False,
):
    r"""Sample x uniformly in a box and label it with y = f(x).

    .. math::
        x^{(s)}_i \sim U[\mathrm{lo}_i, \mathrm{hi}_i), \qquad y^{(s)} = f(x^{(s)})

    The train set is drawn first, then the test set, from
    ``np.random.default_rng(seed)``: the same seed gives the same train set whatever
    n_test is. Normalising subtracts the train mean and divides by the train standard
    deviation (ddof 0), applied to train and test alike, so the test set is never looked at.

    Args:
        f: callable x (N, I) -> y (N,) or (N, O), evaluated once per set.
        n_var: number of input variables I, int >= 1.
        ranges: one (lo, hi) pair for all variables, or a list of I pairs.
        n_train, n_test: number of samples, ints >= 1.
        seed: int >= 0 for the random generator.
        normalize_input, normalize_label: standardise the inputs / labels (see above).

    Returns:
        dict with "train_input" (N_train, I), "train_label" (N_train, O), "test_input"
        (N_test, I), "test_label" (N_test, O), all float64; with normalize_input also
        "mean_input", "std_input" (I,); with normalize_label also "mean_label",
        "std_label" (O,). Undo with x = x_norm * std + mean.
    """
    if not callable(f):
        raise TypeError(f"f must be a function x (N, n_var) -> y; got {type(f).__name__}")
    n_var = checks.as_int(n_var, "n_var", 1)
    n_train = checks.as_int(n_train, "n_train", 1)
    n_test = checks.as_int(n_test, "n_test", 1)
    seed = checks.as_seed(seed)
    box = parse_ranges(ranges, n_var)  # (I, 2)
    lo, width = box[:, 0], box[:, 1] - box[:, 0]  # (I,), (I,)

    rng = np.random.default_rng(seed)
    train_input = lo + width * rng.random((n_train, n_var))  # (N_train, I)
    test_input = lo + width * rng.random((n_test, n_var))  # (N_test, I)
    train_label = _labels(f, train_input, "train")  # (N_train, O)
    test_label = _labels(f, test_input, "test")  # (N_test, O)
    if train_label.shape[1] != test_label.shape[1]:
        raise ValueError(
            f"f returned {train_label.shape[1]} outputs on the train set but "
            f"{test_label.shape[1]} on the test set"
        )

    ds = {
        "train_input": train_input,
        "train_label": train_label,
        "test_input": test_input,
        "test_label": test_label,
    }
    if normalize_input:
        _normalize(ds, "input")
    if normalize_label:
        _normalize(ds, "label")
    return ds


def _normalize(ds, kind):
    """Standardise ds[train_<kind>] and ds[test_<kind>] in place with train statistics."""
    train = ds[f"train_{kind}"]  # (N_train, C)
    mean = train.mean(axis=0)  # (C,)
    std = train.std(axis=0)  # (C,), ddof 0
    if np.any(std == 0):
        column = int(np.flatnonzero(std == 0)[0])
        raise ValueError(
            f"cannot normalise train_{kind}: column {column} is constant "
            f"({train[0, column]}) so its standard deviation is 0"
        )
    for part in ("train", "test"):
        ds[f"{part}_{kind}"] = (ds[f"{part}_{kind}"] - mean) / std  # (N, C)
    ds[f"mean_{kind}"] = mean
    ds[f"std_{kind}"] = std


def validate_dataset(ds):
    """Check a dataset and return it with float64 arrays.

    Accepts a dict (or other mapping) with the keys train_input, train_label, test_input,
    test_label, or a tuple (x, y) meaning a train set only: then the train arrays are
    used as the test set too, so "test" numbers measure the fit to the training data.
    Other keys of a mapping (normalisation statistics) are passed through unchanged.

    Checks: every array is 2-D, non-empty and finite; input and label of a set have the
    same number of rows; train and test have the same number of columns.

    Returns:
        a new dict with the four keys as float64 arrays (no copy when already float64).
    """
    if isinstance(ds, tuple | list) and len(ds) == 2:
        out = {"train_input": ds[0], "train_label": ds[1]}
        out["test_input"], out["test_label"] = ds[0], ds[1]
    elif isinstance(ds, Mapping):
        missing = [key for key in DATASET_KEYS if key not in ds]
        if missing:
            raise ValueError(
                f"dataset is missing {', '.join(map(repr, missing))}; expected the keys "
                f"{', '.join(DATASET_KEYS)}"
            )
        out = dict(ds)
    else:
        raise TypeError(
            f"a dataset must be a dict with keys {', '.join(DATASET_KEYS)} or a tuple "
            f"(x, y); got {type(ds).__name__}"
        )
    for key in DATASET_KEYS:
        out[key] = checks.as_float_matrix(out[key], key)
    for part in ("train", "test"):
        n_in, n_lab = out[f"{part}_input"].shape[0], out[f"{part}_label"].shape[0]
        if n_in != n_lab:
            raise ValueError(f"{part}_input has {n_in} rows but {part}_label has {n_lab}")
    for kind in ("input", "label"):
        c_train, c_test = out[f"train_{kind}"].shape[1], out[f"test_{kind}"].shape[1]
        if c_train != c_test:
            raise ValueError(f"train_{kind} has {c_train} columns but test_{kind} has {c_test}")
    return out


# ---------------------------------------------------------------- toy functions (§3.1)


class Batches:
    """The training set of a dataset, or random minibatches of it (for `fit`).

    batch = -1 (or >= N) gives the full arrays every step; b > 0 gives b samples drawn
    without replacement by a Generator(seed), a new draw each step.
    """

    def __init__(self, data, batch, seed):
        self.x, self.y = data["train_input"], data["train_label"]  # (N, n_0), (N, n_L)
        self.N = self.x.shape[0]
        batch = checks.as_int(batch, "batch", -1)
        if batch == 0:
            raise ValueError("batch must be -1 (all samples) or a number of samples >= 1, got 0")
        self.size = self.N if batch == -1 or batch >= self.N else batch
        self.minibatch = self.size < self.N
        self.rng = np.random.default_rng(checks.as_seed(seed))

    def draw(self):
        """(x, y) of this step: (B, n_0), (B, n_L); the full arrays themselves if B = N."""
        if not self.minibatch:
            return self.x, self.y
        ids = self.rng.choice(self.N, self.size, replace=False)  # (B,)
        return self.x[ids], self.y[ids]


class ToyFunction(NamedTuple):
    """A toy function of §3.1: f maps (N, n_var) -> (N, 1); shape is the paper's KAN."""

    f: object
    n_var: int
    shape: list


def bessel_j0(x):
    """J_0(20 x), x in (-1, 1): (N, 1) -> (N, 1)."""
    return j0(20.0 * x[:, [0]])  # (N, 1)


def exp_sin_sq(x):
    """exp(sin(pi x_1) + x_2^2): the walk-through function of §2.5.4. (N, 2) -> (N, 1)."""
    return np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)  # (N, 1)


def xy(x):
    """x_1 x_2: (N, 2) -> (N, 1). A KAN writes it as ((x+y)^2 - (x-y)^2) / 4."""
    return x[:, [0]] * x[:, [1]]  # (N, 1)


def exp_sin_100(x):
    """exp((1/100) sum_{i=1}^{100} sin^2(pi x_i / 2)): (N, 100) -> (N, 1)."""
    return np.exp(np.mean(np.sin(np.pi * x / 2.0) ** 2, axis=1, keepdims=True))  # (N, 1)


def exp_sin_4d(x):
    """exp(1/2 (sin(pi (x_1^2 + x_2^2)) + sin(pi (x_3^2 + x_4^2)))): (N, 4) -> (N, 1)."""
    s12 = np.sin(np.pi * (x[:, [0]] ** 2 + x[:, [1]] ** 2))  # (N, 1)
    s34 = np.sin(np.pi * (x[:, [2]] ** 2 + x[:, [3]] ** 2))  # (N, 1)
    return np.exp(0.5 * (s12 + s34))  # (N, 1)


TOY_FUNCTIONS = {
    "bessel_j0": ToyFunction(bessel_j0, 1, [1, 1]),
    "exp_sin_sq": ToyFunction(exp_sin_sq, 2, [2, 1, 1]),
    "xy": ToyFunction(xy, 2, [2, 2, 1]),
    "exp_sin_100": ToyFunction(exp_sin_100, 100, [100, 1, 1]),
    "exp_sin_4d": ToyFunction(exp_sin_4d, 4, [4, 4, 2, 1]),
}


def toy_dataset(name, **kwargs):
    """`create_dataset` for a toy function of §3.1 by name, inputs in (-1, 1) by default.

    Args:
        name: a key of TOY_FUNCTIONS.
        **kwargs: passed to `create_dataset` (n_train, n_test, seed, ranges, ...);
            n_var is fixed by the function.

    Returns:
        the dataset dict of `create_dataset`.
    """
    if name not in TOY_FUNCTIONS:
        raise ValueError(f"unknown toy function {name!r}; expected one of {sorted(TOY_FUNCTIONS)}")
    if "n_var" in kwargs:
        raise TypeError(f"n_var is fixed by {name!r} ({TOY_FUNCTIONS[name].n_var}); do not pass it")
    f, n_var, _ = TOY_FUNCTIONS[name]
    return create_dataset(f, n_var=n_var, **kwargs)
