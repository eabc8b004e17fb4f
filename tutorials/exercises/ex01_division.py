r"""Exercise 01.1: a KAN you design by hand, for x / y.

Read tutorials/01_kat.md first, in particular "A representation you can write down: x·y",
which builds a [2, 2, 1] KAN for x·y by fitting each edge's spline to a chosen function.
Fill in the body, then run

    KAN_NP_EXERCISES=student pytest -m ex01_1 tests/exercises

This is a design exercise: there is no library function to copy (the signature is that
of the reference construction in the checker), and the checker tests only your model's
behaviour (a [2, 1, 1] KAN whose output is x / y), so any correct design passes. Work out
first, on paper, which one-variable functions on the edges of a [2, 1, 1] KAN (two
inputs, ONE hidden node, one output) give x / y for x, y in [0.5, 1.5], and which range
the hidden node's value covers (the outer layer's knots must span it). Then build it with
`kan_np.KAN`, `kan_np.bspline.make_grid` and `kan_np.bspline.fit_coef`, as in the chapter.
"""

import numpy as np  # noqa: F401  (you will need it)

import kan_np as kn  # noqa: F401
from kan_np import bspline  # noqa: F401


def division_kan(grid=20, k=3):
    r"""A KAN of width [2, 1, 1] with KAN(x, y) ≈ x / y on [0.5, 1.5]².

    Args:
        grid: G, the grid intervals of every spline.
        k: the spline order.
    Returns:
        a `kan_np.KAN` of width [2, 1, 1]; with the defaults, its relative error
        |KAN(x, y) - x/y| / (x/y) must stay below 1e-4 everywhere on [0.5, 1.5]².
    """
    raise NotImplementedError("exercise 01.1: see tutorials/01_kat.md")
