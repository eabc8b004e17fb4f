"""The options of `training.fit`, checked: a clear message for every mistake.

Each check raises ValueError or TypeError (through `checks.py`) saying what was expected
and what came; an unknown keyword gets a "did you mean" hint.
"""

import difflib

import numpy as np

from kan_np import checks, losses, regularization
from kan_np.datasets import validate_dataset

ADAM_LR = 1e-2  # default Adam step size
FIT_OPTIONS = tuple(
    "opt steps lr batch lamb reg_metric update_grid grid_update_num stop_grid_update_step "
    "grid_eps grid_margin seed progress callback blas_threads loss train lbfgs_history "
    "lbfgs_memory".split()
)


def check_reg_options(reg_metric, reg_options):
    """A ValueError for an unknown fit option, with a "did you mean" hint."""
    unknown = sorted(set(reg_options) - set(regularization.DEFAULTS.get(reg_metric, {})))
    if unknown:
        metric_options = {
            name: metric for metric, names in regularization.DEFAULTS.items() for name in names
        }
        first, hint = unknown[0], ""
        near = difflib.get_close_matches(first, [*FIT_OPTIONS, *metric_options], n=1)
        if first in metric_options:
            hint = f" ({first} is an option of reg_metric={metric_options[first]!r})"
        elif near:
            hint = f" (did you mean {near[0]!r}?)"
        valid = sorted(FIT_OPTIONS) + [f"{n} (reg_metric={m!r})" for n, m in metric_options.items()]
        raise ValueError(
            f"unknown fit option(s) {unknown}{hint}; valid options: {', '.join(valid)}"
        )
    regularization.check_options(reg_metric, reg_options)


def grid_schedule(update_grid, grid_update_num, stop_grid_update_step):
    """The steps that start with a grid update: every stop // num steps before stop."""
    grid_update_num = checks.as_int(grid_update_num, "grid_update_num", 1)
    stop_grid_update_step = checks.as_int(stop_grid_update_step, "stop_grid_update_step", 0)
    every = max(1, stop_grid_update_step // grid_update_num)
    return set(range(0, stop_grid_update_step, every)) if update_grid else set()


def check_opt_lr(opt, lr):
    """opt in lower case, and the step size Adam uses (None for L-BFGS)."""
    if not isinstance(opt, str) or opt.lower() not in ("lbfgs", "adam"):
        raise ValueError(f"opt must be 'lbfgs' or 'adam', got {opt!r}")
    opt = opt.lower()
    if lr is not None:
        lr = checks.as_positive_float(lr, "lr")
    if opt == "adam":
        return opt, ADAM_LR if lr is None else lr
    if lr not in (None, 1.0):
        raise ValueError(
            f"opt='lbfgs' chooses its step length by a line search (first trial step 1, "
            f"pykan's lr=1); lr is only used by opt='adam', got lr={lr}"
        )
    return opt, None


def check_data(model, dataset, loss="mse"):
    """The dataset's four arrays, checked against the model's input and output widths;
    the labels as `losses.as_target` returns them (class labels: (N,) integers)."""
    if loss == "cross_entropy":  # (N,) class labels -> (N, 1), the column validate expects
        if isinstance(dataset, tuple | list) and len(dataset) == 2:
            dataset = (dataset[0], _column(dataset[1]))
        elif isinstance(dataset, dict):
            dataset = {k: _column(v) if k.endswith("_label") else v for k, v in dataset.items()}
    data = validate_dataset(dataset)
    for part in ("train", "test"):
        data[f"{part}_input"] = model.check_input(data[f"{part}_input"], f"{part}_input")
        label = f"{part}_label"
        data[label] = losses.as_target(loss, data[label], model.width[-1], label)
    if data["test_input"] is data["train_input"]:
        data["test_label"] = data["train_label"]
    return data


def input_names(dataset):
    """The column names of the training inputs when they are a DataFrame, else None."""
    if isinstance(dataset, tuple | list) and len(dataset) == 2:
        return checks.column_names(dataset[0])
    return checks.column_names(dataset.get("train_input")) if isinstance(dataset, dict) else None


def _column(y):
    """A 1-D array of labels as one column (N, 1); anything else unchanged."""
    return np.reshape(y, (-1, 1)) if np.ndim(y) == 1 else y
