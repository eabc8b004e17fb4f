"""Checker for exercise 09.1 (tutorials/exercises/ex09_affine_fit.py): the affine grid fit.

Plain `pytest` checks the library's `kan_np.affine_fit.fit_affine_grid`; with
KAN_NP_EXERCISES=student the student's. The expected values come from the library's
`fit_affine` restricted to one grid (iteration=1) without the Levenberg–Marquardt
refinement, on all samples (its own path: x's range mapped to [-1, 1], a subsample).
Where two pairs tie in exact arithmetic (the mirror pairs (a, b) and (-a, -b) of an even
f), rounding may pick either, so there only the fitted curve and R² are compared.
"""

import numpy as np
import pytest

from kan_np import affine_fit
from kan_np.functions import SymbolicFunction

pytestmark = pytest.mark.ex09_1
READ = "tutorials/09_symbolic.md, section 'The affine fit'"


def fit_affine_grid(x, y, f, a_range, b_range, grid_number):
    """The expected values: one grid of `fit_affine`, no zoom, no refinement."""
    fun = SymbolicFunction("exercise", f, f, None, 0)  # df and sympy: unused without refine
    return affine_fit.fit_affine(x, y, fun, a_range, b_range, grid_number, iteration=1,
                                 refine=False, max_grid_samples=x.size)  # fmt: skip


@pytest.fixture
def fit(exercise):
    return exercise("ex09_affine_fit", affine_fit.fit_affine_grid)


def curve(result, f, x):
    a, b, c, d, _ = result
    return c * f(a * x + b) + d


X = np.linspace(-1.0, 1.0, 50)  # spans [-1, 1]: the library maps x there anyway


def test_truth_on_the_grid_is_found_exactly(fit, assert_close):
    y = 1.5 * np.sin(2.0 * X + 0.5) - 0.3
    result = np.array(tuple(fit(X, y, np.sin, (0.5, 3.5), (-1.5, 1.5), 31)), dtype=float)
    assert_close(result, [2.0, 0.5, 1.5, -0.3, 1.0], "(a, b, c, d, r2)", rtol=0, atol=1e-9,
                 read=READ)  # fmt: skip


@pytest.mark.parametrize(
    ("f", "truth"),
    [
        (np.sin, lambda x: np.sin(2.03 * x + 0.47)),
        (np.tanh, lambda x: 0.8 * np.tanh(1.7 * x - 0.33) + 0.1),
        (np.sin, lambda x: np.random.default_rng(0).normal(size=x.shape)),  # noise: small R²
    ],
)
def test_matches_the_reference_off_the_grid(fit, assert_close, f, truth):
    y = truth(X)
    ours = np.array(tuple(fit(X, y, f, (0.5, 3.5), (-1.5, 1.5), 31)), dtype=float)
    expected = np.array(tuple(fit_affine_grid(X, y, f, (0.5, 3.5), (-1.5, 1.5), 31)))
    assert_close(ours, expected, "(a, b, c, d, r2)", rtol=1e-9, atol=1e-12, read=READ)


def test_mirror_pairs_of_an_even_function(fit, assert_close):
    y = 3.0 * (X - 0.3) ** 2 + 1.0
    ours = fit(X, y, np.square, (-2.0, 2.0), (-1.0, 1.0), 21)
    expected = fit_affine_grid(X, y, np.square, (-2.0, 2.0), (-1.0, 1.0), 21)
    assert_close(curve(ours, np.square, X), curve(expected, np.square, X), "c f(a x + b) + d",
                 rtol=1e-9, atol=1e-9, read=READ)  # fmt: skip
    assert_close(np.array([ours[4]]), np.array([expected.r2]), "r2", read=READ)


def test_constant_candidates_score_zero_not_nan(fit, assert_close, require):
    """relu(a x + b) is 0 on every sample for b far below -|a|: those pairs must score 0."""

    def relu(z):
        return np.maximum(z, 0.0)

    y = relu(X - 0.2)
    ours = np.array(tuple(fit(X, y, relu, (-3.0, 3.0), (-9.0, 1.0), 11)), dtype=float)
    expected = np.array(tuple(fit_affine_grid(X, y, relu, (-3.0, 3.0), (-9.0, 1.0), 11)))
    require(bool(np.all(np.isfinite(ours))), f"NaN or inf in {ours}; constant u must give R² = 0",
            read=READ)  # fmt: skip
    assert_close(ours, expected, "(a, b, c, d, r2)", rtol=1e-9, atol=1e-12, read=READ)
