r"""Exercise 09.1: the grid search of the affine fit y ≈ c·f(a·x + b) + d for one candidate.

Read tutorials/09_symbolic.md first ("The affine fit"). Fill in the body, then run

    KAN_NP_EXERCISES=student pytest -m ex09_1 tests/exercises

The reference is the library's `kan_np.affine_fit.fit_affine_grid`, the first step of
`fit_affine` (one grid, without zooming or refinement): do not call either here (nor read
their docstrings), write it yourself with NumPy. (`fit_affine` also maps x's range to
[-1, 1] before laying the grid; `fit_affine_grid` takes x as given.)
"""

import numpy as np  # noqa: F401  (you will need it)


def fit_affine_grid(x, y, f, a_range, b_range, grid_number):
    r"""Best (a, b) on a grid, and the least-squares (c, d) for it.

    For every pair (a, b) of the grid, u = f(a x + b) and the best c, d in
    y ≈ c u + d are the linear least-squares solution

        c = \sum_n (u_n - \bar u)(y_n - \bar y) / \sum_n (u_n - \bar u)^2,   d = \bar y - c \bar u,

    whose R² is the squared correlation, R²(a, b) = corr(u, y)². A pair whose u is
    constant on the samples explains nothing: it scores R² = 0 (not NaN).

    Args:
        x, y: samples, shape (N,), N >= 2, y not constant.
        f: an elementwise NumPy function, e.g. np.sin.
        a_range, b_range: (lo, hi) of the grid: a takes np.linspace(lo, hi, grid_number)
            values, b likewise.
        grid_number: points per axis (grid_number² pairs; not the G of a spline grid).
    Returns:
        (a, b, c, d, r2): the pair with the highest R² (the first one in the order
        a-major, b-minor when several are equal), its c and d, and
        r2 = 1 - \sum_n (c u_n + d - y_n)^2 / \sum_n (y_n - \bar y)^2.
    """
    raise NotImplementedError("exercise 09.1: see tutorials/09_symbolic.md")
