"""Checker for exercise 05.1 (tutorials/exercises/ex05_refit.py): the least-squares refit.

Plain `pytest` tests the reference, `kan_np.bspline.fit_coef`;
`KAN_NP_EXERCISES=student pytest -m ex05_1 tests/exercises` tests the student's `fit_coef`.
The expected values come from properties (a spline on nested knots is refitted exactly),
from SciPy's least squares and from the normal equations, not from the reference.
"""

import numpy as np
import pytest
from scipy.linalg import lstsq

from kan_np import bspline

pytestmark = pytest.mark.ex05_1
READ = "tutorials/05_training.md, 'Grid extension: the staircase'"
READ_UPDATE = "tutorials/05_training.md, 'Grid update: knots where the data are'"


@pytest.fixture
def fit_coef(exercise):
    return exercise("ex05_refit", bspline.fit_coef)


def test_shape(fit_coef, assert_equal):
    x = np.random.default_rng(0).uniform(-1, 1, (30, 2))  # (N, I)
    y = np.zeros((30, 2, 3))  # (N, I, O)
    coef = fit_coef(x, y, bspline.make_grid(4, 3, I=2), 3)
    assert_equal(np.array(np.shape(coef)), [2, 3, 7], "the shape of coef, (I, O, G + k)",
                 read=READ)  # fmt: skip


def test_extension_onto_nested_knots_is_exact(fit_coef, assert_close):
    rng = np.random.default_rng(1)
    old_grid, new_grid = bspline.make_grid(4, 3, I=2), bspline.make_grid(8, 3, I=2)
    old = rng.normal(size=(2, 3, 7))  # (I, O, M)
    x = rng.uniform(-1, 1, (200, 2))  # (N, I)
    coef = fit_coef(x, bspline.evaluate(x, old_grid, old, 3), new_grid, 3)
    fresh = np.linspace(-1, 1, 101)[:, None].repeat(2, axis=1)  # (P, I)
    ours = bspline.evaluate(fresh, new_grid, coef, 3)  # (P, I, O)
    assert_close(ours, bspline.evaluate(fresh, old_grid, old, 3),
                 "the refined splines on fresh points in [-1, 1]", rtol=1e-9, atol=1e-10,
                 read=READ + " (on nested knots the old spline is a new one)")  # fmt: skip


def test_least_squares_on_moved_knots(fit_coef, assert_close):
    rng = np.random.default_rng(2)
    x = rng.normal(0.1, 0.3, (80, 2)).clip(-0.95, 0.95)  # (N, I)  crowded samples
    grid = bspline.extend_grid(bspline.grid_from_samples(x, 5), 3)  # (I, G+2k+1)
    y = np.sin(3 * x)[:, :, None] * np.array([1.0, -2.0])  # (N, I, O=2)
    coef = fit_coef(x, y, grid, 3)
    B = bspline.basis(x, grid, 3)  # (N, I, M)
    for i in range(2):
        expected = lstsq(B[:, i, :], y[:, i, :])[0].T  # (O, M)
        assert_close(coef[i], expected, f"coef[{i}] (least squares over the samples)",
                     rtol=1e-8, atol=1e-10, read=READ_UPDATE)  # fmt: skip


def test_ridge(fit_coef, assert_close):
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (40, 1))  # (N, I)
    y = rng.normal(size=(40, 1, 1))  # (N, I, O)
    grid = bspline.make_grid(6, 3, I=1)
    B = bspline.basis(x, grid, 3)[:, 0, :]  # (N, M)
    lam = 0.3
    expected = np.linalg.solve(B.T @ B + lam * np.eye(B.shape[1]), B.T @ y[:, 0, :]).T  # (O, M)
    assert_close(fit_coef(x, y, grid, 3, ridge=lam)[0], expected,
                 "coef with ridge = 0.3 (the penalty adds ridge * sum c^2)", rtol=1e-8,
                 atol=1e-10, read=READ_UPDATE)  # fmt: skip


def test_empty_interval_gives_the_minimum_norm_solution(fit_coef, assert_close, require):
    x = np.linspace(-1, 0, 30)[:, None]  # (N, 1)  no sample in the right half of the grid
    y = (x**2)[:, :, None]  # (N, 1, 1)
    grid = bspline.make_grid(6, 3, I=1)
    coef = fit_coef(x, y, grid, 3)
    require(np.all(np.isfinite(coef)), "coef has NaN or inf where no sample constrains it",
            read=READ_UPDATE)  # fmt: skip
    B = bspline.basis(x, grid, 3)[:, 0, :]  # (N, M)
    expected = (np.linalg.pinv(B) @ y[:, 0, :]).T  # (O, M)
    assert_close(coef[0], expected, "coef (the minimum-norm least-squares solution)",
                 rtol=1e-7, atol=1e-9, read=READ_UPDATE)  # fmt: skip
