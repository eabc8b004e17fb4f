"""Run every tutorial chapter as a test: pytest collects `tutorials/*.md` through Sybil.

Each chapter is one document with one namespace: its ```python blocks run in order, so a
name defined in an early block is there in the later ones. A block that starts with `>>>`
is a doctest: its printed output is compared with the text below each statement, so every
number a chapter shows is the number the library computes today (ELLIPSIS and
NORMALIZE_WHITESPACE are on). `<!-- skip: next -->` before a block skips it (for code that
only shows a shape of usage, e.g. a shell command written in a python block).

The stubs in tutorials/exercises/ are named ex*.py, which pytest never collects as tests
(it collects test_*.py and *_test.py), and the Markdown files there are excluded below:
they are not chapters.

Matplotlib is switched to the non-interactive Agg backend before anything imports it, so
chapters that draw run on machines without a display.
"""

import os
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

os.environ["MPLBACKEND"] = "Agg"

from sybil import Sybil  # noqa: E402  (after the backend is chosen)
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser  # noqa: E402

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        SkipParser(),
    ],
    patterns=["*.md"],
    excludes=["exercises/*"],
).pytest()
