"""Checker for exercise 10.1 (tutorials/exercises/ex10_scaling_exponent.py): the spline
approximation error and the exponent of its scaling law.

Plain `pytest` checks the library's `kan_np.bspline.spline_rmse`; with
KAN_NP_EXERCISES=student the student's `spline_rmse`. The expected values come from SciPy
(`scipy.interpolate.make_lsq_spline` on the same knots and points), not from kan_np.
Then the measured slope of log RMSE against log G, which the theory puts at -(k + 1)
(measured with the reference: -2.06, -3.10, -4.23 on sin(pi x)).
"""

import numpy as np
import pytest
from scipy.interpolate import make_lsq_spline

from kan_np import bspline

pytestmark = pytest.mark.ex10_1
READ = "tutorials/10_experiments.md, section 'Exercise 10.1'"
GRIDS = (5, 10, 20, 40)


def scipy_rmse(f, G, k):
    """SciPy's least-squares spline of degree k on the same knots, RMSE on 2001 points."""
    x = np.linspace(-1.0, 1.0, 2001)  # (N,)
    y = f(x[:, None])[:, 0]  # (N,)
    spline = make_lsq_spline(x, y, bspline.make_grid(G, k)[0], k)
    return float(np.sqrt(np.mean((spline(x) - y) ** 2)))


@pytest.fixture
def rmse(exercise):
    return exercise("ex10_scaling_exponent", bspline.spline_rmse)


def sine(x):
    return np.sin(np.pi * x)


def test_values_match_scipy(rmse, assert_close):
    for k in (1, 3):
        expected = np.array([scipy_rmse(sine, G, k) for G in GRIDS])
        yours = np.array([rmse(sine, G, k) for G in GRIDS], dtype=float)
        assert_close(yours, expected, f"RMSE at G = {GRIDS}, k = {k}", rtol=1e-6, read=READ)


def test_a_spline_of_the_right_order_is_fitted_exactly(rmse, assert_close):
    cubic = lambda x: 0.3 * x**3 - x**2 + 0.5  # noqa: E731  a cubic spline on any grid
    assert_close(rmse(cubic, 4, 3), 0.0, "RMSE of a cubic fitted by cubic splines (G = 4)",
                 rtol=0.0, atol=1e-12, read=READ)  # fmt: skip


@pytest.mark.parametrize("k", [1, 2, 3])
def test_the_measured_exponent_is_k_plus_one(rmse, assert_close, k):
    errors = [rmse(sine, G, k) for G in GRIDS]
    slope = float(np.polyfit(np.log(GRIDS), np.log(errors), 1)[0])
    assert_close(slope, -(k + 1), f"slope of log RMSE against log G for k = {k}", rtol=0.0,
                 atol=0.35, read=READ)  # fmt: skip
