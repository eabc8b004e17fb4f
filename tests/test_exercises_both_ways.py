"""Every exercise checker fails on its pristine stub (the other direction of CI).

Plain `pytest` runs the checkers in tests/exercises/ against the library's reference, which
proves that each passes on a correct solution. This test proves the other direction: it
copies every stub `tutorials/exercises/ex*.py` as committed (`git show HEAD:<path>`; a stub
not committed yet, or a checkout without git, is copied from the working tree) into a
temporary folder, runs all checkers once in student mode against that folder
(KAN_NP_EXERCISES=student, KAN_NP_EXERCISE_DIR=<folder>) in one pytest subprocess, and
asserts that every exercise marker `exNN_M` registered in pyproject.toml has a failing test,
and that every stub is loaded by a failing test. Exercises added by anyone are picked up by
the glob.

It also checks the command each stub and chapter tells the student to run: every
`pytest -m exNN_M tests/exercises` they print must carry `KAN_NP_EXERCISES=student`
(without it the checkers test the library, and pass on an untouched stub).
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUBS = sorted((ROOT / "tutorials" / "exercises").glob("ex*.py"))
CHAPTERS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.md"))
READMES = [ROOT / "tutorials" / "README.md", ROOT / "tutorials" / "exercises" / "README.md"]
MARKER = re.compile(r"ex\d\d_\d+")
COMMAND = re.compile(r"(\S*)\s+`?pytest\s+-m\s+(ex\d\d_\d+)\s+tests/exercises")


def registered_markers():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":")[0].strip() for line in lines if MARKER.fullmatch(line.split(":")[0])}


def pristine(path):
    """The stub as committed at HEAD, or the file itself when git cannot give it."""
    relative = path.relative_to(ROOT).as_posix()
    try:
        shown = subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=ROOT,
                               capture_output=True, text=True, check=False)  # fmt: skip
    except OSError:
        return path.read_text(encoding="utf-8")
    return shown.stdout if shown.returncode == 0 else path.read_text(encoding="utf-8")


def student_run(folder, report):
    env = dict(os.environ, KAN_NP_EXERCISES="student", KAN_NP_EXERCISE_DIR=str(folder))
    env["KAN_NP_EXERCISE_REPORT"] = str(report)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/exercises"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_every_exercise_fails_on_its_pristine_stub(tmp_path):
    assert STUBS, "no stubs found in tutorials/exercises/"
    for path in STUBS:
        (tmp_path / path.name).write_text(pristine(path), encoding="utf-8")
    report = tmp_path / "report.jsonl"
    run = student_run(tmp_path, report)
    assert run.returncode == 1, f"expected failing checkers:\n{run.stdout[-3000:]}{run.stderr}"
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    failing_markers = {m for r in records if r["failed"] for m in r["markers"]}
    failing_stubs = {s for r in records if r["failed"] for s in r["stubs"]}
    missing = sorted(registered_markers() - failing_markers)
    assert not missing, f"no checker fails on the pristine stub for markers {missing}"
    untested = sorted(p.stem for p in STUBS if p.stem not in failing_stubs)
    assert not untested, f"stubs no failing checker loads: {untested}"


def test_every_stub_has_a_registered_marker():
    registered = registered_markers()
    for path in STUBS:
        markers = set(MARKER.findall(path.read_text(encoding="utf-8")))
        assert markers, f"{path.name} names no marker exNN_M to run"
        assert markers <= registered, (
            f"{path.name}: {sorted(markers - registered)} not in pyproject"
        )


@pytest.mark.parametrize(
    "path",
    STUBS + CHAPTERS + [p for p in READMES if p.is_file()],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_the_command_to_run_is_student_mode(path):
    text = path.read_text(encoding="utf-8")
    for prefix, marker in COMMAND.findall(text):
        assert prefix.lstrip("`") == "KAN_NP_EXERCISES=student", (
            f"{path.name} tells the student to run `pytest -m {marker} tests/exercises` without "
            "KAN_NP_EXERCISES=student: that tests the library and passes on an untouched stub"
        )


def test_the_exercise_table_lists_every_exercise_with_its_library_signature():
    """tutorials/exercises/README.md: a row per marker; each `module.function(args)` it
    names is a kan_np function with exactly those parameters, and the row's stub has it."""
    import importlib
    import inspect

    text = (ROOT / "tutorials" / "exercises" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(ex\d\d_\d+)` \| `(ex\w+\.py)` \| ([^|]+) \|", text, re.M)
    assert {marker for marker, _, _ in rows} == registered_markers()
    for marker, stub, cell in rows:
        source = (ROOT / "tutorials" / "exercises" / stub).read_text(encoding="utf-8")
        for module, name, args in re.findall(r"`(\w+)\.(\w+)\(([^)]*)\)`", cell):
            function = getattr(importlib.import_module(f"kan_np.{module}"), name)
            params = list(inspect.signature(function).parameters)
            assert [a.strip() for a in args.split(",") if a.strip()] == params, (marker, name)
            assert f"def {name}(" in source, f"{stub} has no function {name}() ({marker})"
