"""The README's "Python API on one screen" runs as written and prints what its comments say."""

import os
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def api_block():
    """The first python block after the heading "## The Python API on one screen"."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The Python API on one screen") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_api_block_runs_and_finds_the_formula(tmp_path, monkeypatch, capsys):
    os.environ.setdefault("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)  # it saves model.npz in the working directory
    namespace = {}
    exec(compile(api_block(), str(README), "exec"), namespace)  # noqa: S102 - our own README
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == "[1.0*exp(1.0*x_2**2 + 1.0*sin(3.142*x_1))]"  # the comment says so
    assert namespace["model"].width == [2, 1, 1]  # "-> width [2, 1, 1]"
    assert (tmp_path / "model.npz").exists()
