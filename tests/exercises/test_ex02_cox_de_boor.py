"""Checker for exercise 02.1 (tutorials/exercises/ex02_cox_de_boor.py): the Cox–de Boor basis.

Plain `pytest` tests the reference, kan_np.bspline.basis (the full recursion);
`KAN_NP_EXERCISES=student pytest -m ex02_1 tests/exercises` tests the student's `basis`.
Expected values come from kan_np.bspline_fast.basis (the local-support version, a separate
code path) and from SciPy's B-splines; the rest are the properties chapter 02 teaches.
"""

import numpy as np
import pytest
from scipy.interpolate import BSpline

from kan_np import bspline, bspline_fast

pytestmark = pytest.mark.ex02_1
READ = "tutorials/02_bsplines.md, section 'Cox–de Boor'"


@pytest.fixture
def basis(exercise):
    return exercise("ex02_cox_de_boor", bspline.basis)


def uneven_grid(I, G, k, seed):
    """(I, G+2k+1) knots from sorted random grid points, extended like kan_np does."""
    rng = np.random.default_rng(seed)
    steps = rng.uniform(0.2, 1.0, size=(I, G))  # (I, G)  no two knots close together
    points = np.concatenate([np.zeros((I, 1)), np.cumsum(steps, axis=1)], axis=1) - 1.0
    return bspline.extend_grid(points, k)  # (I, G+2k+1)


def points_around(grid, n, seed, margin=0.5):
    """(n, I) random points covering each row's knots and a margin beyond them."""
    rng = np.random.default_rng(seed)
    lo, hi = grid[:, 0] - margin, grid[:, -1] + margin  # (I,)
    return lo + (hi - lo) * rng.random((n, grid.shape[0]))  # (n, I)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_shape_is_N_I_G_plus_k(basis, k):
    grid = bspline.make_grid(5, k, I=2)  # (2, 5+2k+1)
    B = basis(np.zeros((7, 2)), grid, k)
    assert isinstance(B, np.ndarray), f"basis returned {type(B).__name__}, not an array"
    assert B.shape == (7, 2, 5 + k), (
        f"basis(x (7, 2), grid (2, {5 + 2 * k + 1}), k={k}) has shape {B.shape}, expected "
        f"(N, I, G+k) = (7, 2, {5 + k}): order k has G+k functions on G+2k+1 knots"
    )


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_matches_the_library_on_uniform_knots(basis, assert_close, k):
    grid = bspline.make_grid(5, k, grid_range=(-1, 1), I=2)
    x = points_around(grid, 200, seed=k)  # inside, on the extension and outside
    assert_close(basis(x, grid, k), bspline_fast.basis(x, grid, k), f"basis (k={k})", read=READ)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_matches_scipy_on_uneven_knots(basis, assert_close, k):
    grid = uneven_grid(3, 4, k, seed=10 + k)  # (3, 4+2k+1), a different row per input
    x = points_around(grid, 150, seed=20 + k)  # (150, 3)
    expected = np.empty((150, 3, 4 + k))
    for i in range(3):
        for m in range(4 + k):
            element = BSpline.basis_element(grid[i, m : m + k + 2], extrapolate=False)
            expected[:, i, m] = np.nan_to_num(element(x[:, i]))  # NaN outside its support
    assert_close(basis(x, grid, k), expected, f"basis (k={k}, uneven knots)", read=READ)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_partition_of_unity_on_the_grid_range(basis, assert_close, k):
    grid = uneven_grid(2, 5, k, seed=k)
    lo, hi = grid[:, k], grid[:, 5 + k]  # (I,)  the grid range [t_k, t_{G+k}]
    x = lo + (hi - lo) * np.random.default_rng(k).random((100, 2))  # (100, 2)
    sums = basis(x, grid, k).sum(axis=2)  # (N, I)
    assert_close(
        sums,
        np.ones_like(sums),
        f"sum over m of B_m(x) on the grid range (k={k})",
        rtol=0.0,
        atol=1e-12,
        read="tutorials/02_bsplines.md, 'Partition of unity'",
    )


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_at_most_k_plus_1_values_are_nonzero(basis, k):
    grid = bspline.make_grid(6, k, I=1)
    x = points_around(grid, 300, seed=3)
    counts = np.count_nonzero(basis(x, grid, k), axis=2)  # (N, I)
    n = int(np.argmax(counts))
    assert counts.max() <= k + 1, (
        f"local support: at most k+1 = {k + 1} basis values can be non-zero at one x, but at "
        f"x = {x[n, 0]:.6f} there are {counts[n, 0]} (read '{READ}')"
    )


def test_order_0_is_half_open_at_the_knots(basis, assert_close):
    grid = bspline.make_grid(4, 0, I=1)  # 5 knots, 4 intervals
    x = grid.T.copy()  # (5, 1): every knot exactly
    expected = np.zeros((5, 1, 4))
    expected[np.arange(4), 0, np.arange(4)] = 1.0  # t_m belongs to [t_m, t_{m+1}) only
    assert_close(basis(x, grid, 0), expected, "order 0 at the knots (t_m <= x < t_{m+1}; "
                 "the last knot belongs to no interval)", read=READ)  # fmt: skip


def test_cubic_at_the_knots_and_outside_them(basis, assert_close):
    grid = bspline.make_grid(5, 3, I=1)
    x = np.concatenate([grid.T, [[-9.0], [9.0]]])  # (G+2k+1+2, 1): knots, then far outside
    assert_close(basis(x, grid, 3), bspline_fast.basis(x, grid, 3), "cubic basis at the knots "
                 "and outside (all 0 there)", read=READ)  # fmt: skip


def test_each_input_uses_its_own_knots(basis, assert_close):
    grid = uneven_grid(3, 4, 2, seed=5)  # three different rows
    x = points_around(grid, 40, seed=6)
    B = basis(x, grid, 2)
    for i in range(3):
        alone = bspline_fast.basis(x[:, i : i + 1], grid[i : i + 1], 2)[:, 0]  # (N, M)
        assert_close(B[:, i], alone, f"basis of input {i} (use grid[{i}] for x[:, {i}])")
