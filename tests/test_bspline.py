"""B-spline basis: against scipy, the full recursion, and its mathematical properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.interpolate import BSpline

from kan_np import bspline, bspline_fast
from tests.strategies import away_from_knots, knot_vectors, samples_on


def scipy_basis(x, grid, k):
    """(N, I, G+k) from scipy's BSpline.basis_element, 0 outside each element's support."""
    N, I = x.shape
    M = grid.shape[1] - 1 - k
    out = np.zeros((N, I, M))
    for i in range(I):
        for m in range(M):
            element = BSpline.basis_element(grid[i, m : m + k + 2], extrapolate=False)
            out[:, i, m] = np.nan_to_num(element(x[:, i]), nan=0.0)
    return out


@pytest.mark.parametrize("k", range(6))
@pytest.mark.parametrize("uniform", [True, False])
def test_basis_matches_scipy(k, uniform):
    rng = np.random.default_rng(k)
    if uniform:
        grid = bspline.make_grid(6, k, (-1.0, 1.0), I=2)
    else:
        points = np.sort(rng.uniform(-1, 1, (2, 7)), axis=1)
        grid = bspline.extend_grid(points, k)
    x = samples_on(grid, k, 300, rng, where="everywhere")
    reference = scipy_basis(x, grid, k)
    for fn in (bspline.basis, bspline_fast.basis):
        err = np.max(np.abs(fn(x, grid, k) - reference))
        assert err <= 1e-12, f"{fn.__module__}.basis differs from scipy by {err:.2e} ({k=})"


@given(knot_vectors(), st.integers(0, 2**31 - 1))
def test_basis_properties(knots, seed):
    grid, G, k = knots
    rng = np.random.default_rng(seed)
    x_in = samples_on(grid, k, 50, rng, where="inside")
    B = bspline_fast.basis(x_in, grid, k)  # (N, I, G+k)
    assert B.shape == (50, grid.shape[0], G + k)
    np.testing.assert_allclose(B.sum(axis=-1), 1.0, atol=1e-12, err_msg="partition of unity")
    assert np.all(B >= 0.0), "B-splines are non-negative"
    x_all = samples_on(grid, k, 50, rng, where="everywhere")
    B_all = bspline_fast.basis(x_all, grid, k)
    assert np.all((B_all != 0).sum(axis=-1) <= k + 1), "local support: at most k+1 non-zero"
    assert np.all(B_all >= 0.0)
    np.testing.assert_allclose(B_all, bspline.basis(x_all, grid, k), atol=1e-12)
    dense_dx = bspline.basis_dx(x_all, grid, k)
    np.testing.assert_allclose(bspline_fast.basis_dx(x_all, grid, k), dense_dx, atol=1e-9)


@given(knot_vectors())
def test_outside_the_knots_every_basis_value_is_zero(knots):
    grid, _, k = knots
    far = np.stack([grid[:, 0] - 0.5, grid[:, -1], grid[:, -1] + 7.0, grid[:, 0] - 1e6])  # (4, I)
    for module in (bspline, bspline_fast):
        assert np.all(module.basis(far, grid, k) == 0.0)
        assert np.all(module.basis_dx(far, grid, k) == 0.0)


@given(knot_vectors(), st.integers(0, 2**31 - 1))
def test_basis_dx_matches_centred_differences(knots, seed):
    grid, _, k = knots
    rng = np.random.default_rng(seed)
    x = away_from_knots(samples_on(grid, k, 40, rng, where="everywhere"), grid, 1e-3)
    h = 1e-6
    numeric = (bspline.basis(x + h, grid, k) - bspline.basis(x - h, grid, k)) / (2 * h)
    for module in (bspline, bspline_fast):
        analytic = module.basis_dx(x, grid, k)
        scale = max(1.0, np.max(np.abs(analytic)))
        assert np.max(np.abs(numeric - analytic)) <= 1e-6 * scale, module.__name__


def test_basis_dx_at_a_knot_is_the_right_derivative():
    """At a knot a linear spline's derivative jumps: basis_dx takes the interval on the right."""
    k = 1
    grid = bspline.make_grid(4, k, (-1.0, 1.0))
    t = np.array([[grid[0, 3]]])  # an interior knot
    h = 1e-7
    right = (bspline.basis(t + h, grid, k) - bspline.basis(t, grid, k)) / h
    left = (bspline.basis(t, grid, k) - bspline.basis(t - h, grid, k)) / h
    assert not np.allclose(left, right), "a linear B-spline has a kink at its knots"
    np.testing.assert_allclose(bspline.basis_dx(t, grid, k), right, atol=1e-6)
    np.testing.assert_allclose(bspline_fast.basis_dx(t, grid, k), right, atol=1e-6)


def test_find_span_on_adaptive_grid_falls_back_to_binary_search():
    rng = np.random.default_rng(1)
    points = np.sort(rng.normal(size=(3, 21)) ** 3, axis=1)  # very uneven spacing
    grid = bspline.extend_grid(points, 3)
    x = rng.normal(size=(500, 3)) ** 3
    span = bspline_fast.find_span(x, grid)
    for i in range(3):
        np.testing.assert_array_equal(span[:, i], np.searchsorted(grid[i], x[:, i], "right") - 1)


def test_make_grid_extends_with_average_spacing():
    grid = bspline.make_grid(4, 2, (-1.0, 1.0), I=2)
    expected = np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(grid, np.tile(expected, (2, 1)))


def test_fit_coef_reproduces_a_spline_and_handles_empty_intervals():
    rng = np.random.default_rng(0)
    k, G = 3, 6
    grid = bspline.make_grid(G, k, I=2)
    coef = rng.normal(size=(2, 3, G + k))
    x = samples_on(grid, k, 400, rng)
    y = bspline.evaluate(x, grid, coef, k)
    np.testing.assert_allclose(bspline.fit_coef(x, y, grid, k), coef, atol=1e-9)
    # samples crowded in one corner leave coefficients undetermined: min-norm, no NaN
    x_corner = rng.uniform(-1.0, -0.8, (50, 2))
    fitted = bspline.fit_coef(x_corner, bspline.evaluate(x_corner, grid, coef, k), grid, k)
    assert np.all(np.isfinite(fitted))
    np.testing.assert_allclose(
        bspline.evaluate(x_corner, grid, fitted, k),
        bspline.evaluate(x_corner, grid, coef, k),
        atol=1e-9,
    )


def test_grid_from_samples_mixes_quantiles_and_uniform():
    x = np.linspace(0.0, 1.0, 101)[:, None] ** 2  # (101, 1) denser near 0
    points = bspline.grid_from_samples(x, 4, grid_eps=0.0, margin=0.0)
    np.testing.assert_allclose(points[0], x[[0, 25, 50, 75, 100], 0])
    points = bspline.grid_from_samples(x, 4, grid_eps=1.0, margin=0.0)
    np.testing.assert_allclose(points[0], np.linspace(0.0, 1.0, 5))


def test_grid_from_samples_degenerate_inputs():
    x = np.column_stack([np.full(20, 0.3), np.r_[np.zeros(15), np.linspace(0.1, 1, 5)]])
    points = bspline.grid_from_samples(x, 5, grid_eps=0.0, margin=0.0)
    assert np.all(np.isnan(points[0])), "a constant input gets no new grid"
    assert np.all(np.diff(points[1]) > 0), "repeated values fall back to uniform knots"


def test_spline_rmse_is_the_least_squares_floor():
    """Exact for a polynomial of degree k, positive below it; wrong shapes are refused."""
    quadratic = lambda x: 1.0 - 2.0 * x**2  # noqa: E731  (N, 1) -> (N, 1)
    assert bspline.spline_rmse(quadratic, 3, 2) < 1e-13
    assert bspline.spline_rmse(quadratic, 3, 1) > 1e-3
    with pytest.raises(ValueError, match=r"f\(x\) must have shape \(N, 1\)"):
        bspline.spline_rmse(lambda x: x[:, 0], 3, 2)
    with pytest.raises(TypeError, match="G must be an integer"):
        bspline.spline_rmse(quadratic, 3.0, 2)
