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

`assert_close(actual, expected, what, rtol=..., atol=..., read=...)` compares arrays (or
numbers) and, on failure, names the array, the worst entry (the one furthest outside its
tolerance), the student's value against the expected one, that entry's own error, the
tolerance it was held to, and the section to read. `assert_equal(actual, expected, what,
read=...)` does the same exactly (integers, booleans, None), and `require(condition,
message, read=...)` checks a yes/no property. Every checker passes `read=`. In student
mode, a plain `assert` that fails anyway (in a checker not yet converted) is reported as
its own message plus the checker's READ section (or the chapter of its exNN marker),
without pytest's traceback.

KAN_NP_EXERCISE_DIR=<folder> makes student mode load the stubs from that folder instead of
tutorials/exercises/ (tests/test_exercises_both_ways.py points it at pristine copies).
"""

import functools
import importlib.util
import inspect
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

STUBS = Path(__file__).resolve().parents[2] / "tutorials" / "exercises"
MODES = ("reference", "student")
REPORT = "KAN_NP_EXERCISE_REPORT"  # a file to record each test's markers, stubs and outcome


EXERCISE_MARKER = re.compile(r"ex\d\d_\d+")
LOADED = set()  # the stubs the current test loaded


def stubs_folder():
    """tutorials/exercises/, or the folder named by KAN_NP_EXERCISE_DIR (used by CI)."""
    return Path(os.environ.get("KAN_NP_EXERCISE_DIR") or STUBS)


def exercise_mode():
    """The mode, 'reference' (default) or 'student', from the variable KAN_NP_EXERCISES."""
    mode = os.environ.get("KAN_NP_EXERCISES", "reference") or "reference"
    if mode not in MODES:
        pytest.fail(f"KAN_NP_EXERCISES must be one of {MODES}, got {mode!r}", pytrace=False)
    return mode


def load_stub(module_name):
    """Import tutorials/exercises/<module_name>.py by its path (the folder is no package)."""
    path = stubs_folder() / f"{module_name}.py"
    LOADED.add(module_name)
    if not path.is_file():
        pytest.fail(f"no exercise file {path}", pytrace=False)
    spec = importlib.util.spec_from_file_location(f"kan_np_exercise_{module_name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stub_function(module_name, name):
    module = load_stub(module_name)
    if not hasattr(module, name):
        pytest.fail(f"{stubs_folder() / module_name}.py has no function {name}()",
                    pytrace=False)  # fmt: skip
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


def _as_array(value, what):
    """A NumPy array or a Python/NumPy number as a float array; anything else fails."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return np.asarray(value, dtype=float)
    pytest.fail(f"{what}: expected a NumPy array or a number, got {type(value).__name__}",
                pytrace=False)  # fmt: skip


def _reading(read):
    return f"; read {read}" if read else ""


def check_close(actual, expected, what, rtol=1e-10, atol=1e-12, read=None):
    """Assert |actual - expected| <= atol + rtol |expected| everywhere, teaching on failure.

    On failure the message names the array, how many entries fail, the worst entry (the one
    furthest outside its own tolerance; a NaN is worst), the student's value and the expected
    one there, that entry's own absolute and relative error, the tolerance it was held to,
    and the section to read. Scalars are compared as 0-d arrays.
    """
    actual, expected = _as_array(actual, what), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        pytest.fail(f"{what}: shape {actual.shape}, expected {expected.shape}" + _reading(read),
                    pytrace=False)  # fmt: skip
    actual = actual.astype(float)
    diff = np.abs(actual - expected)
    allowed = atol + rtol * np.abs(expected)
    bad = ~(diff <= allowed)  # NaN counts as bad
    if not bad.any():
        return
    excess = np.where(np.isnan(diff), np.inf, diff / np.where(allowed > 0, allowed, 1e-300))
    j = np.unravel_index(np.argmax(excess), diff.shape)
    index = tuple(int(v) for v in j)
    e = float(expected[j])
    rel = float(diff[j]) / abs(e) if e != 0 else np.inf
    message = (
        f"{what}: {int(bad.sum())} of {bad.size} entries differ; worst at index {index}: "
        f"yours {float(actual[j]):.10g} vs expected {e:.10g}; this entry's error "
        f"|yours - expected| = {float(diff[j]):.2e} (relative {rel:.2e}), allowed "
        f"{float(allowed[j]):.2e} = atol {atol:g} + rtol {rtol:g} * |expected|"
    )
    pytest.fail(message + _reading(read), pytrace=False)


def check_equal(actual, expected, what, read=None):
    """Exact comparison (integer or boolean arrays, None): the same teaching message."""
    if expected is None or actual is None:
        if actual is not expected:
            pytest.fail(f"{what}: yours {actual!r}, expected {expected!r}" + _reading(read),
                        pytrace=False)  # fmt: skip
        return
    check_close(_as_array(actual, what), np.asarray(expected, dtype=float), what, rtol=0.0,
                atol=0.0, read=read)  # fmt: skip


def check_that(condition, message, read=None):
    """A yes/no property (a type, a length, inputs left unchanged), with a section to read."""
    if not condition:
        pytest.fail(message + _reading(read), pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    LOADED.clear()


def _section_to_read(item):
    """The checker module's READ, or else the chapter named by the test's exNN marker."""
    read = getattr(item.module, "READ", None)
    if read:
        return read
    for marker in item.iter_markers():
        if EXERCISE_MARKER.fullmatch(marker.name):
            chapters = sorted(STUBS.parent.glob(f"{marker.name[2:4]}_*.md"))
            if chapters:
                return chapters[0].relative_to(STUBS.parents[1]).as_posix()
    return None


def _short_assertion(text, read):
    """An assert's own message without pytest's introspection lines, ending with `read`."""
    lines = text.splitlines() or ["assertion failed"]
    cut = next((n for n, line in enumerate(lines) if n and line.startswith("assert ")), None)
    message = "\n".join(lines[:cut]).strip()
    if read and "read " not in message:
        message += f"\nread {read}"
    return message


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Student mode: a failed plain `assert` ends with the section to read, not a traceback.

    With KAN_NP_EXERCISE_REPORT set, also append one JSON line per test (markers, stubs,
    outcome): tests/test_exercises_both_ways.py reads it to prove that every exercise fails
    on its pristine stub.
    """
    report = (yield).get_result()
    if (report.failed and call.excinfo is not None and call.excinfo.errisinstance(AssertionError)
            and exercise_mode() == "student"):  # fmt: skip
        report.longrepr = _short_assertion(str(call.excinfo.value), _section_to_read(item))
    path = os.environ.get(REPORT)
    if path and (report.when == "call" or report.failed):
        markers = sorted({m.name for m in item.iter_markers() if EXERCISE_MARKER.fullmatch(m.name)})
        record = {"test": item.nodeid, "markers": markers, "stubs": sorted(LOADED),
                  "failed": bool(report.failed)}  # fmt: skip
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


@pytest.fixture
def exercise():
    """`exercise(module_name, reference, name=None)`: the function under test."""
    return load_exercise


@pytest.fixture
def assert_close():
    """`assert_close(actual, expected, what, rtol=1e-10, atol=1e-12, read=None)`."""
    return check_close


@pytest.fixture
def assert_equal():
    """`assert_equal(actual, expected, what, read=None)`: exact, for integers and booleans."""
    return check_equal


@pytest.fixture
def require():
    """`require(condition, message, read=None)`: a property that must hold."""
    return check_that
