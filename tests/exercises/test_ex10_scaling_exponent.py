"""Checker for exercise 10.1 (tutorials/exercises/ex10_scaling_exponent.py): the spline
approximation error and the exponent of its scaling law.

The reference fits a spline by least squares with the library (`bspline.fit_coef`) on
2001 evenly spaced points of [-1, 1] and returns the RMSE there. The checks: the values
against the reference, then the measured slope of log RMSE against log G, which the
theory puts at -(k + 1) (measured with the reference: -2.06, -3.10, -4.23 on sin(pi x)).
"""

import numpy as np
import pytest

from kan_np import bspline

pytestmark = pytest.mark.ex10_1
READ = "tutorials/10_experiments.md, section 'Exercise 10.1'"
GRIDS = (5, 10, 20, 40)


def spline_rmse(f, G, k):
    """Reference: least-squares spline of order k on G uniform intervals, RMSE on the fit points."""
    x = np.linspace(-1.0, 1.0, 2001)[:, None]  # (N, 1)
    grid = bspline.make_grid(G, k, (-1.0, 1.0), I=1)  # (1, G+2k+1)
    y = f(x)  # (N, 1)
    coef = bspline.fit_coef(x, y[:, :, None], grid, k)  # (1, 1, G+k)
    fitted = bspline.evaluate(x, grid, coef, k)[:, 0, 0]  # (N,)
    return float(np.sqrt(np.mean((fitted - y[:, 0]) ** 2)))


@pytest.fixture
def rmse(exercise):
    return exercise("ex10_scaling_exponent", spline_rmse)


def sine(x):
    return np.sin(np.pi * x)


def test_values_match_the_reference(rmse, assert_close):
    for k in (1, 3):
        ours = np.array([spline_rmse(sine, G, k) for G in GRIDS])
        theirs = np.array([rmse(sine, G, k) for G in GRIDS], dtype=float)
        assert_close(theirs, ours, f"RMSE at G = {GRIDS}, k = {k}", rtol=1e-6, read=READ)


def test_a_spline_of_the_right_order_is_fitted_exactly(rmse):
    cubic = lambda x: 0.3 * x**3 - x**2 + 0.5  # noqa: E731  a cubic spline on any grid
    assert rmse(cubic, 4, 3) < 1e-12


@pytest.mark.parametrize("k", [1, 2, 3])
def test_the_measured_exponent_is_k_plus_one(rmse, k):
    errors = [rmse(sine, G, k) for G in GRIDS]
    slope = float(np.polyfit(np.log(GRIDS), np.log(errors), 1)[0])
    assert abs(slope + (k + 1)) < 0.35, f"slope {slope:.2f} for k = {k}, theory {-(k + 1)}"
