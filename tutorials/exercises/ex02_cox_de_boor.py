r"""Exercises 02.1 and 02.2: the Cox–de Boor basis and its derivative.

Read tutorials/02_bsplines.md first. Write the functions below with NumPy only (do not call
kan_np.bspline or kan_np.bspline_fast), then check them:

    KAN_NP_EXERCISES=student pytest -m ex02_1 tests/exercises      # basis
    KAN_NP_EXERCISES=student pytest -m ex02_2 tests/exercises      # basis_dx

Hints for 02.1: start from order 0 (one comparison per knot interval, half-open), then loop
p = 1, ..., k; each order has one function fewer than the one before. Broadcasting x as
(N, I, 1) against the knots as (1, I, G+2k+1) handles every input at once.

Hints for 02.2: differentiate the recursion of order p with the product rule and use what
you get for order p - 1; a pattern appears that needs only the order k - 1 basis (your
`basis(x, knots, k - 1)`). Test a guess against centred differences away from the knots.
"""

import numpy as np  # noqa: F401  (you will need it)


def basis(x, knots, k):
    r"""B-spline basis values B_{m,k}(x) for every input, by the Cox–de Boor recursion.

    .. math::
        B_{m,0}(x) = [t_m \le x < t_{m+1}]

        B_{m,p}(x) = \frac{x - t_m}{t_{m+p} - t_m} B_{m,p-1}(x)
                   + \frac{t_{m+p+1} - x}{t_{m+p+1} - t_{m+1}} B_{m+1,p-1}(x)

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) strictly increasing knots t_0 .. t_{G+2k}, one row per input.
        k: spline order, k >= 0.
    Returns:
        (N, I, G+k) values B_{m,k}(x[n, i]) on the knots of input i (0 outside the knots).
    """
    raise NotImplementedError("Exercise 02.1: see tutorials/02_bsplines.md")


def basis_dx(x, knots, k):
    r"""The x-derivative dB_{m,k}/dx of every basis function, for every input.

    Derive it from the recursion of `basis` (the formula is not given: that is the
    exercise). Conventions: at a knot, the derivative of the interval on the right (the
    same half-open rule as the basis); 0 outside the knots; all zeros for k = 0.

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) strictly increasing knots, one row per input.
        k: spline order, k >= 0.
    Returns:
        (N, I, G+k) derivatives, the shape of `basis(x, knots, k)`.
    """
    raise NotImplementedError("Exercise 02.2: see tutorials/02_bsplines.md")
