"""Input checks shared by the public entry points: clear messages for a student's mistakes.

Each check raises ValueError or TypeError saying what was expected and what came.
"""

import numbers

import numpy as np


def as_float_matrix(x, name="x", columns=None, allow_empty=False):
    """x as a float64 (N, columns) array, or a ValueError/TypeError that says why not."""
    if isinstance(x, str | bytes) or x is None:
        raise TypeError(f"{name} must be a 2-D array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as err:  # ragged lists and other oddities
        raise TypeError(f"{name} must be a 2-D array of numbers: {err}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers, got complex values")
    if arr.ndim != 2:
        hint = " (use x.reshape(-1, 1) for a single input variable)" if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (samples, features), got shape {arr.shape}{hint}")
    if arr.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: shape {arr.shape}, need at least one row")
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(f"{name} has {arr.shape[1]} columns but {columns} were expected")
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        n, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} has {int(bad.sum())} NaN or infinite values (first at row {n}, column {j})"
        )
    return arr


def expect_shape(arr, shape, name, pattern):
    """The one-line shape contract of the core math: a ValueError naming the expected shape.

    shape holds an int for a fixed axis and None for any length; pattern spells it with the
    project's letters, e.g. expect_shape(x, (None, I), "x", "(N, I)").
    """
    ok = np.ndim(arr) == len(shape) and all(
        want is None or have == want for have, want in zip(np.shape(arr), shape, strict=True)
    )
    if not ok:
        wanted = ", ".join("*" if want is None else str(want) for want in shape)
        raise ValueError(f"{name} must have shape {pattern} = ({wanted}), got {np.shape(arr)}")
    return arr


def as_int(value, name, minimum):
    """value as an int >= minimum (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def as_index(value, name, n, where):
    """value as an int in 0..n-1; `where` names n in the message ("the number of layers is")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if not 0 <= value < n:
        raise ValueError(f"{name} = {value} is out of range: {where} {n}, valid: 0..{n - 1}")
    return int(value)


def as_width(width):
    """A list of layer widths [n_0, ..., n_L], each an integer >= 1, at least two of them."""
    if isinstance(width, str | bytes) or not hasattr(width, "__iter__"):
        raise TypeError(f"width must be a list of integers like [2, 5, 1], got {width!r}")
    width = list(width)
    if len(width) < 2:
        raise ValueError(f"width needs at least an input and an output size, got {width}")
    return [as_int(w, f"width[{j}]", 1) for j, w in enumerate(width)]


def as_range(value, name="grid_range"):
    """A finite (lo, hi) pair with lo < hi."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (lo, hi) of numbers, got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite with lo < hi, got ({lo}, {hi})")
    return lo, hi


def as_choice(value, name, choices):
    """value if it is one of choices, else a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def as_nonneg_float(value, name):
    """A finite float >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return float(value)


def as_grid_options(grid_eps, margin, margin_name="margin"):
    """(grid_eps in [0, 1], margin >= 0) of a grid update, as floats."""
    grid_eps = as_nonneg_float(grid_eps, "grid_eps")
    if grid_eps > 1:
        raise ValueError(f"grid_eps must be in [0, 1], got {grid_eps}")
    return grid_eps, as_nonneg_float(margin, margin_name)


def as_positive_float(value, name):
    """A finite float > 0."""
    value = as_nonneg_float(value, name)
    if value == 0:
        raise ValueError(f"{name} must be > 0, got 0")
    return value


class NonFiniteError(ValueError):
    """A computed value overflowed to inf or NaN (the inputs or parameters are too large)."""


def finite_output(y, what="the model output"):
    """y itself, or a NonFiniteError (a ValueError) when it overflowed."""
    if not np.all(np.isfinite(y)):
        raise NonFiniteError(
            f"{what} is not finite: the inputs are too large for float64 arithmetic "
            "(values near 1e300 overflow); rescale the data"
        )
    return y


# ------------------------------------------------------------------------------------
# Checks added for the file, command-line and resource guards (io, cli, datasets, formula)
def as_optional_int(value, name, minimum):
    """None, or value as an int >= minimum (see `as_int`)."""
    return None if value is None else as_int(value, name, minimum)


def as_seed(seed, name="seed"):
    """A seed for numpy.random.default_rng: an int >= 0 (None would not be reproducible)."""
    if seed is None:
        raise TypeError(
            f"{name} must be an integer >= 0, got None: kan_np never draws unseeded random "
            "numbers, so results are reproducible"
        )
    return as_int(seed, name, 0)


MAX_ORDER = 20  # spline orders beyond this are numerically useless; the paper uses k = 3
TRAINING_COPIES = 6  # while training, parameters exist as model, flat vector, gradient,
# Adam's two moments and the best point seen (L-BFGS)


def memory_bytes():
    """This machine's physical memory in bytes (8 GiB where the OS does not say)."""
    import os

    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 8 * 2**30


def model_bytes(width, G, k, samples=0):
    r"""Estimated bytes of float64 arrays to build and train a KAN, to refuse absurd sizes.

    .. math:: 8 \sum_l \Big[6\, I_l O_l (M + 7) + I_l (G + 2k + 1)
              + (G + 1 + 2N)\, I_l M\Big], \quad M = G + k

    per layer: coef (I, O, M) and the (I, O) scales, mask and (I, O, 4) affine, held
    about TRAINING_COPIES times during training; the knots; the dense basis on the G + 1
    grid points (the "pykan" initial fit) and twice on N samples (refine's least squares).
    An upper estimate (the measured peak of KAN([10, 10, 1], grid=1000) is 82 MB; this
    says 166 MB: it adds the layers' peaks).
    """
    M = G + k
    total = 0
    for I, O in zip(width[:-1], width[1:], strict=False):
        total += TRAINING_COPIES * I * O * (M + 7) + I * (G + 2 * k + 1)
        total += (G + 1 + 2 * samples) * I * M
    return 8 * total


def check_size(width, G, k, samples=0, what="this KAN"):
    """Fail fast (ValueError naming the estimate) for sizes that cannot fit in memory.

    width: [n_0, ..., n_L]; G: grid intervals; k: spline order (<= MAX_ORDER); samples: N
    of the data the model is fitted to (0 when only building it).
    """
    if k > MAX_ORDER:
        raise ValueError(
            f"k = {k} is not a usable spline order: a B-spline basis of order k costs "
            f"(k+1)^2 = {(k + 1) ** 2:.3g} operations per value and is numerically useless "
            f"long before that; use k <= {MAX_ORDER} (the paper uses k = 3)"
        )
    need, have = model_bytes(width, G, k, samples), memory_bytes()
    if need > have:
        raise ValueError(
            f"{what} (width {width}, G = {G}, k = {k}"
            + (f", {samples} samples" if samples else "")
            + f") needs about {need / 1e9:.3g} GB of arrays (estimate: checks.model_bytes), "
            f"more than this machine's {have / 1e9:.3g} GB of memory; use fewer nodes or "
            "grid intervals"
        )


def refine_warnings(old_G, new_G, k, samples):
    """Warn when refining from old_G to new_G intervals on `samples` points loses accuracy.

    More coefficients per edge (new_G + k) than samples leaves the least-squares fit
    underdetermined (the model may swing between samples); fewer intervals than before
    cannot represent the old splines, so the function changes.
    """
    import warnings

    if new_G + k > samples:
        warnings.warn(
            f"refine to G = {new_G}: each spline gets {new_G + k} coefficients but only "
            f"{samples} samples fit them, so the fit is underdetermined and the model can "
            "change between samples; pass more data (x=...) or choose a smaller grid",
            RuntimeWarning,
            stacklevel=3,
        )
    if new_G < old_G:
        warnings.warn(
            f"refine from G = {old_G} to G = {new_G} intervals: coarser splines cannot "
            "represent the old ones, so the model's function changes (refine is for grid "
            "extension, G' > G)",
            RuntimeWarning,
            stacklevel=3,
        )


# Checks for classification and pruned inputs (losses, estimators, pruning)
def kept_columns(x, name, kept, n_original):
    """x restricted to the inputs a pruned model kept (`kept`, indices into the original
    n_original columns): x may have the original columns or only the kept ones."""
    arr = as_float_matrix(x, name)
    if arr.shape[1] == n_original:
        return arr[:, kept]  # (N, n_0)
    if arr.shape[1] == len(kept):
        return arr
    shown = ", ".join(str(int(j)) for j in kept)
    raise ValueError(
        f"{name} has {arr.shape[1]} columns, but this pruned model takes either "
        f"the {n_original} original inputs or the {len(kept)} it kept "
        f"(original columns {shown})"
    )


def column_names(x):
    """The column names of a DataFrame-like x (a `columns` attribute) as a list of str,
    or None when x has none or they are not all strings (e.g. pandas' default 0, 1, ...)."""
    columns = getattr(x, "columns", None)
    if columns is None or not all(isinstance(c, str) for c in columns):
        return None
    return [str(c) for c in columns]
