"""The figure script runs: every figures/chapterNN.py module writes real PNG files.

Each chapter module is run into a temporary folder (never into figures/, so the committed
pictures are not rewritten by a test run), one test per module so a broken chapter is named.
The command-line interface is checked once, in a subprocess, on one chapter.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "figures" / "make_figures.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_script():
    spec = importlib.util.spec_from_file_location("kan_np_make_figures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_figures = load_script()


def assert_pngs(paths, outdir):
    assert paths, "the module wrote no figure"
    for path in paths:
        path = Path(path)
        assert path.is_relative_to(outdir), f"{path} is outside the folder it was given"
        assert path.is_file(), f"{path} was returned but does not exist"
        with path.open("rb") as f:
            head = f.read(8)
        assert head == PNG_SIGNATURE, f"{path} is not a PNG (starts with {head!r})"
        assert path.stat().st_size > 1000, f"{path} is suspiciously small"


def test_the_script_finds_the_chapter_modules():
    names = make_figures.chapter_names()
    assert {"chapter02", "chapter03", "chapter04"} <= set(names)
    assert names == sorted(names)


@pytest.mark.parametrize("name", make_figures.chapter_names())
@pytest.mark.filterwarnings("ignore:the formula rounded")  # quick: a few steps only
def test_chapter_module_writes_pngs(name, tmp_path):
    assert_pngs(make_figures.run(tmp_path, only=[name], quick=True), tmp_path)


def test_unknown_module_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no figure module"):
        make_figures.run(tmp_path, only=["chapter99_missing"])


def test_command_line_writes_into_out(tmp_path):
    out = tmp_path / "figs"  # does not exist yet: the script creates it
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--only", "chapter02"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = [Path(line) for line in done.stdout.split()]
    assert [p.name for p in written] == ["chapter02_basis.png"]
    assert_pngs(written, out)
