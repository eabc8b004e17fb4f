"""A table of numbers from a CSV file, split into train and test sets (for `kan-np fit`).

The file is comma-separated with one header row of column names and numbers only (read
with the csv module, no pandas). Every problem is an InputError (a ValueError) naming the
file, the line (the first line of a record) and the column, never a traceback. Checks
take linear time in the number of columns, so a header of 100,000 names is read at once.
"""

import csv
import math
from collections import Counter

import numpy as np

MIN_ROWS = 10  # fewer rows cannot give a train set and a test set worth a number


class InputError(ValueError):
    """A mistake in the user's input: reported as one line on stderr, exit status 2."""


# -------------------------------------------------------------------------------- CSV
def read_csv(path):
    """Read a comma-separated file with one header row of column names.

    Returns:
        (names, data): the C column names and a float64 array (N, C). Blank lines are
        skipped (also before the header). Raises InputError naming the line (the first
        line of a record) and column of the first empty, non-numeric, NaN or infinite
        cell, a row of the wrong length, or a bad header.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: Excel's BOM
            names, rows = _records(path, csv.reader(f, strict=True))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not a UTF-8 text file; expected a CSV file") from None
    return names, np.array(rows, dtype=np.float64).reshape(len(rows), len(names))  # (N, C)


def _numbered(path, reader):
    """(first line number, cells) of each record; a quoted cell can span several lines."""
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:  # e.g. a quote that is never closed
            raise InputError(f"{path} line {end + 1}: not a readable CSV file ({err})") from None
        start, end = end + 1, reader.line_num
        yield start, cells


def _records(path, reader):
    """(header names, rows of floats) from a csv reader, checked cell by cell."""
    names, rows = None, []
    for start, cells in _numbered(path, reader):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, e.g. at the end of the file
        if names is None:
            names = [name.strip() for name in cells]
            _check_header(path, names)
            continue
        where = f"{path} line {start} (data row {len(rows) + 1})"
        if len(cells) != len(names):
            raise InputError(f"{where} has {len(cells)} cells, not {len(names)}")
        rows.append([_number(c, where, name) for c, name in zip(cells, names, strict=True)])
    if names is None:
        raise InputError(f"{path} is empty: expected a header row, then data rows")
    return names, rows


def _check_header(path, names):
    """Names: more than one, none empty, no repeats (linear time: wide files are fine)."""
    if len(names) == 1:
        sep = next((s for s in ";\t|" if s in names[0]), None)
        hint = f" (it looks {sep!r}-separated; kan-np reads commas)" if sep else ""
        raise InputError(
            f"{path} has a single column {names[0]!r}{hint}; expected input "
            "columns and a target column"
        )
    if not all(names):
        raise InputError(f"{path}: header column {names.index('') + 1} has no name")
    twice = next((name for name, n in Counter(names).items() if n > 1), None)
    if twice is not None:
        raise InputError(f"{path}: the header names column {twice!r} twice")


def _number(cell, where, name):
    """One cell as a finite float, or an InputError naming the place."""
    text = cell.strip()
    if not text:
        raise InputError(f"{where}, column {name!r}: empty cell; every cell needs a number")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}, column {name!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(
            f"{where}, column {name!r}: {text!r} is not a finite number; "
            "remove or fill rows with NaN or inf"
        )
    return value


# -------------------------------------------------------------------------------- fit
def make_dataset(names, data, target, test_fraction, seed):
    """Split the columns into inputs and target, and the rows at random into train/test.

    Returns:
        (dataset dict of (N_part, n_0) inputs and (N_part, 1) labels, input names).
        target must be one of names.
    """
    inputs = [name for name in names if name != target]
    column = {name: j for j, name in enumerate(names)}  # a dict: wide files stay fast
    x = data[:, [column[name] for name in inputs]]  # (N, n_0)
    y = data[:, [column[target]]]  # (N, 1)
    N = x.shape[0]
    if N < MIN_ROWS:
        raise InputError(f"only {N} data rows; kan-np fit needs at least {MIN_ROWS}")
    if not 0 <= test_fraction < 1:
        raise InputError(f"--test-fraction must be in [0, 1), got {test_fraction}")
    n_test = max(1, round(test_fraction * N)) if test_fraction > 0 else 0
    if N - n_test < 2:
        raise InputError(f"--test-fraction {test_fraction} leaves {N - n_test} training rows")
    order = np.random.default_rng(seed).permutation(N)  # (N,)
    test, train = order[:n_test], order[n_test:]
    if n_test == 0:  # no test set: "test" numbers are measured on the training rows
        test = train
    ds = {
        "train_input": x[train],
        "train_label": y[train],
        "test_input": x[test],
        "test_label": y[test],
    }
    return ds, inputs


def standardize(ds, names, kinds=("input", "label")):
    """Standardise ds in place with train statistics; returns the normalization dict.
    kinds: which of inputs and label (a class column is never standardised)."""
    norm = {}
    for kind, labels in (("input", names[:-1]), ("label", names[-1:])):
        if kind not in kinds:
            continue
        train = ds[f"train_{kind}"]  # (N, C)
        mean, std = train.mean(axis=0), train.std(axis=0)  # (C,), (C,)
        constant = np.ptp(train, axis=0) == 0  # (C,); std itself can round to 1e-17
        if constant.any():
            column = labels[int(np.flatnonzero(constant)[0])]
            raise InputError(
                f"column {column!r} is constant on the training rows: "
                "--normalize would divide by 0 (leave it out of the file)"
            )
        for part in ("train", "test"):
            ds[f"{part}_{kind}"] = (ds[f"{part}_{kind}"] - mean) / std  # (N, C)
        norm[f"mean_{kind}"], norm[f"std_{kind}"] = mean, std
    return norm
