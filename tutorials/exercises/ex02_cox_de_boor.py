r"""Exercise 02.1: the Cox–de Boor basis. Read tutorials/02_bsplines.md first.

Write `basis` below with NumPy only (do not call kan_np.bspline), then check it:

    KAN_NP_EXERCISES=student pytest -m ex02_1 tests/exercises

Hints: start from order 0 (one comparison per knot interval, half-open), then loop
p = 1, ..., k; each order has one function fewer than the one before. Broadcasting x as
(N, I, 1) against the knots as (1, I, G+2k+1) handles every input at once.
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
