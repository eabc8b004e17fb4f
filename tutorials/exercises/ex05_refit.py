r"""Exercise 05.1: the least-squares refit behind grid update and grid extension (Eq. 2.16).

Read tutorials/05_training.md first ("Grid update" and "Grid extension"). Fill in the
body, then check it with

    KAN_NP_EXERCISES=student pytest -m ex05_1 tests/exercises

You may call `kan_np.bspline.basis(x, knots, k)` (the (N, I, M) basis values) and anything in
NumPy; do not call the reference, `kan_np.bspline.fit_coef`. Work out on paper first:
which linear system do the coefficients of ONE edge solve, how does `ridge` change it, and
what should happen when no sample falls in some knot interval?
"""

import numpy as np  # noqa: F401  (you will need it)


def fit_coef(x, y, knots, k, ridge=0.0):
    r"""The spline coefficients that reproduce given values at the samples.

    For every input i and output o, find the M = G + k coefficients c_{i,o} whose spline
    (on input i's knots `knots[i]`, order k) comes closest to the targets y[:, i, o] at the
    samples x[:, i], in the sum of squared differences over the samples, plus
    ridge times the sum of the squared coefficients.

    When the samples do not determine every coefficient (a knot interval with no sample
    in it), return the solution with the smallest sum of squared coefficients, never NaN.

    Grid extension (Eq. 2.16) is this call with y = the old splines at the samples and
    `knots` the finer grid's knots; grid update likewise with the moved ones.

    Args:
        x: (N, I) samples of each input.
        y: (N, I, O) target values of every edge at its input.
        knots: (I, G + 2k + 1) knots of each input.
        k: spline order.
        ridge: a number >= 0.
    Returns:
        (I, O, G + k) coefficients.
    """
    raise NotImplementedError("exercise 05.1: see tutorials/05_training.md")
