r"""Exercise 10.1: measure the exponent of the spline scaling law (Thm 2.1) yourself.

Read tutorials/10_experiments.md first. Fill in the body, then run

    KAN_NP_EXERCISES=student pytest -m ex10_1 tests/exercises

The theorem says the best cubic spline on G intervals misses a smooth function by
O(G^-(k+1)). Before any network is trained, that is a statement about least squares: fit
a spline of order k on a uniform grid of G intervals over [-1, 1] to f and measure the
error. The checker calls your function for G = 5, 10, 20, 40 and k = 1, 2, 3 and fits the
slope of log RMSE against log G. Predict the three slopes before you run it.

Use `kan_np.bspline` (`make_grid`, `fit_coef`, `evaluate`); the work is setting up the
measurement (what samples, what is fitted to what, what is averaged), not the basis. The
reference is the library's `kan_np.bspline.spline_rmse`: do not call it here.
"""

import numpy as np  # noqa: F401  (you will need it)


def spline_rmse(f, G, k):
    r"""RMSE of the least-squares spline fit to f on [-1, 1].

    .. math:: \mathrm{RMSE} = \sqrt{\tfrac1N \sum_n \big(\textstyle\sum_m c_m B_m(x_n)
              - f(x_n)\big)^2}, \quad c = \arg\min \sum_n \big(\textstyle\sum_m c_m B_m(x_n)
              - f(x_n)\big)^2

    on N = 2001 evenly spaced points x_n of [-1, 1] (fit and error on the same points).

    Args:
        f: a function of an (N, 1) array returning an (N, 1) array.
        G: number of grid intervals (uniform grid on [-1, 1]).
        k: spline order.
    Returns:
        the RMSE, a float.
    """
    raise NotImplementedError("exercise 10.1: see tutorials/10_experiments.md")
