"""Turn a tutorial chapter into a Jupyter notebook whose cells run as plain Python.

    pip install -e ".[notebooks]"
    python tutorials/notebook.py tutorials/05_training.md          # -> 05_training.ipynb
    python tutorials/notebook.py tutorials/*.md --out notebooks/   # every chapter

The chapters are Markdown whose ```python blocks are doctests (`>>>` prompts followed by
the expected output), so that pytest checks every printed number. jupytext reads the
Markdown into cells; this script then keeps only the source of each doctest (no prompts,
no expected output), so that every code cell runs in a notebook and prints the numbers
the chapter shows. Blocks that are not Python (the shell commands) become Markdown.
"""

import argparse
import doctest
from pathlib import Path

PARSER = doctest.DocTestParser()


def plain_source(code):
    """The Python of a doctest block without prompts or expected output; other code as is."""
    if not code.lstrip().startswith(">>>"):
        return code
    return "".join(example.source for example in PARSER.get_examples(code)).rstrip("\n")


def to_notebook(chapter):
    """A nbformat notebook of one chapter (a path to a .md file)."""
    import jupytext  # the [notebooks] extra; imported here so that --help works without it

    notebook = jupytext.read(chapter, fmt="md")
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        language = cell.metadata.get("language", "python")
        if language != "python" or cell.source.lstrip().startswith("%%"):
            cell.cell_type, cell.source = "markdown", f"```{language}\n{cell.source}\n```"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        cell.source = plain_source(cell.source)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description="tutorial chapter(s) -> .ipynb")
    parser.add_argument("chapters", nargs="+", type=Path, help="tutorials/NN_*.md files")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the notebooks (default: by the chapter)")  # fmt: skip
    args = parser.parse_args(argv)
    import jupytext

    for chapter in args.chapters:
        folder = args.out if args.out is not None else chapter.parent
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (chapter.stem + ".ipynb")
        jupytext.write(to_notebook(chapter), target, fmt="ipynb")
        print(target)


if __name__ == "__main__":
    main()
