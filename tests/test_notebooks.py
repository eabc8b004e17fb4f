"""The chapters open as notebooks: tutorials/notebook.py converts each one (jupytext).

Every chapter is converted, and every code cell of the result must be plain Python that
compiles (no doctest prompts, no expected output left in it). Running the cells is the
chapters' own test (Sybil runs the same code).
"""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("jupytext", reason="the [notebooks] extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.md"))


def load_converter():
    spec = importlib.util.spec_from_file_location("tutorial_notebook", ROOT / "tutorials" /
                                                  "notebook.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_chapter_converts_to_runnable_cells():
    converter = load_converter()
    assert CHAPTERS
    for chapter in CHAPTERS:
        notebook = converter.to_notebook(chapter)
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        assert code, f"{chapter.name}: no code cells"
        for source in code:
            assert ">>>" not in source, f"{chapter.name}: a prompt is left in a cell"
            compile(source, f"{chapter.name} cell", "exec")


def test_the_documented_command_writes_a_notebook(tmp_path):
    import nbformat

    load_converter().main([str(CHAPTERS[0]), "--out", str(tmp_path)])
    notebook = nbformat.read(tmp_path / (CHAPTERS[0].stem + ".ipynb"), as_version=4)
    nbformat.validate(notebook)
