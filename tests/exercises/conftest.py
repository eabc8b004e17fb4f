"""Shared machinery of the exercise checkers: which implementation a checker tests.

How to write a checker (tests/exercises/test_exNN_<topic>.py):

    import pytest
    from kan_np import bspline

    pytestmark = pytest.mark.ex02_1          # the exercise's marker (pyproject.toml)

    @pytest.fixture
    def basis(exercise):                     # the function under test
        return exercise("ex02_cox_de_boor", bspline.basis_reference, name="basis")

    def test_shape(basis, assert_close):
        ...

`exercise(module_name, reference, name=None)` returns either

- the reference (a library function, or a small function built from the library), when
  the environment variable KAN_NP_EXERCISES is unset or "reference": this is what plain
  `pytest` and CI run, so every checker is proven against the reference; or
- `name` (default: reference.__name__) from the student's stub
  tutorials/exercises/<module_name>.py, when KAN_NP_EXERCISES=student. A stub that still
  raises NotImplementedError makes the test fail with a message saying which file to open,
  instead of a traceback.

In reference mode it also checks that the stub exists and has the reference's parameter
names, so the stubs cannot drift from their checkers.

`assert_close(actual, expected, what, rtol=..., atol=..., read=...)` compares arrays and, on
failure, names the array, the worst index, the student's value against the expected one,
the relative error, and where to read.
"""

import functools
import importlib.util
import inspect
import os
from pathlib import Path

import numpy as np
import pytest

STUBS = Path(__file__).resolve().parents[2] / "tutorials" / "exercises"
MODES = ("reference", "student")


def exercise_mode():
    """The mode, 'reference' (default) or 'student', from the variable KAN_NP_EXERCISES."""
    mode = os.environ.get("KAN_NP_EXERCISES", "reference") or "reference"
    if mode not in MODES:
        pytest.fail(f"KAN_NP_EXERCISES must be one of {MODES}, got {mode!r}", pytrace=False)
    return mode


def load_stub(module_name):
    """Import tutorials/exercises/<module_name>.py by its path (the folder is no package)."""
    path = STUBS / f"{module_name}.py"
    if not path.is_file():
        pytest.fail(f"no exercise file {path}", pytrace=False)
    spec = importlib.util.spec_from_file_location(f"kan_np_exercise_{module_name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stub_function(module_name, name):
    module = load_stub(module_name)
    if not hasattr(module, name):
        pytest.fail(f"{STUBS / module_name}.py has no function {name}()", pytrace=False)
    return getattr(module, name)


def _not_implemented_is_a_failure(function, module_name, name):
    """Wrap a student function so an unfinished stub fails with a pointer, not a traceback."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NotImplementedError as err:
            unfinished = str(err)
        # fail outside the except block, so pytest shows one message and no chained traceback
        pytest.fail(f"{name}() in tutorials/exercises/{module_name}.py is not written yet "
                    f"({unfinished})", pytrace=False)  # fmt: skip

    return wrapper


def load_exercise(module_name, reference, name=None):
    """The function a checker tests: the reference, or the student's (see the docstring)."""
    name = reference.__name__ if name is None else name
    if exercise_mode() == "reference":
        stub = _stub_function(module_name, name)
        ours = list(inspect.signature(reference).parameters)
        theirs = list(inspect.signature(stub).parameters)
        assert theirs == ours, (
            f"the stub {module_name}.{name}{tuple(theirs)} does not take the reference's "
            f"parameters {tuple(ours)}"
        )
        return reference
    return _not_implemented_is_a_failure(_stub_function(module_name, name), module_name, name)


def check_close(actual, expected, what, rtol=1e-10, atol=1e-12, read=None):
    """Assert |actual - expected| <= atol + rtol |expected| everywhere, teaching on failure."""
    if not isinstance(actual, np.ndarray):
        pytest.fail(f"{what}: expected a NumPy array, got {type(actual).__name__}", pytrace=False)
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        pytest.fail(f"{what}: shape {actual.shape}, expected {expected.shape}"
                    + (f" (read {read})" if read else ""), pytrace=False)  # fmt: skip
    diff = np.abs(actual - expected)
    bad = ~(diff <= atol + rtol * np.abs(expected))  # NaN counts as bad
    if bad.any():
        worst = np.where(np.isnan(diff), np.inf, diff)  # a NaN is the worst entry
        j = tuple(int(v) for v in np.unravel_index(np.argmax(worst), diff.shape))
        scale = np.max(np.abs(expected)) + np.max(np.abs(np.nan_to_num(actual)))
        rel = np.max(worst) / scale if scale > 0 else np.inf
        message = (
            f"{what}: {int(bad.sum())} of {bad.size} entries differ; worst at index {j}: "
            f"yours {float(actual[j]):.10g} vs expected {float(expected[j]):.10g} "
            f"(relative error {rel:.1e})"
        )
        if read:
            message += f"; read {read}"
        pytest.fail(message, pytrace=False)


@pytest.fixture
def exercise():
    """`exercise(module_name, reference, name=None)`: the function under test."""
    return load_exercise


@pytest.fixture
def assert_close():
    """`assert_close(actual, expected, what, rtol=1e-10, atol=1e-12, read=None)`."""
    return check_close
