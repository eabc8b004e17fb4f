"""Checker for exercise 02.2 (tutorials/exercises/ex02_cox_de_boor.py): the basis derivative.

Plain `pytest` tests the reference, kan_np.bspline.basis_dx;
`KAN_NP_EXERCISES=student pytest -m ex02_2 tests/exercises` tests the student's `basis_dx`.
Expected values: centred differences of kan_np.bspline_fast.basis away from the knots
(h = 1e-6, error about 1e-9 on these knots), kan_np.bspline_fast.basis_dx (a separate code
path) everywhere, and one-sided differences at a knot for k = 1.
"""

import numpy as np
import pytest

from kan_np import bspline, bspline_fast

pytestmark = pytest.mark.ex02_2
READ = "tutorials/02_bsplines.md, 'Exercise 02.2'"


@pytest.fixture
def basis_dx(exercise):
    return exercise("ex02_cox_de_boor", bspline.basis_dx)


def away_from_knots(knots, n, seed, gap=1e-3):
    """(n, I) points covering each row's knots and beyond, at least `gap` from every knot."""
    rng = np.random.default_rng(seed)
    lo, hi = knots[:, 0] - 0.5, knots[:, -1] + 0.5  # (I,)
    x = lo + (hi - lo) * rng.random((4 * n, knots.shape[0]))  # (4n, I)
    far = np.min(np.abs(x[:, :, None] - knots[None]), axis=2).min(axis=1) > gap  # (4n,)
    return x[far][:n]  # (n, I)


def uneven_knots(I, G, k, seed):
    """(I, G+2k+1) knots from sorted random grid points, extended like kan_np does."""
    steps = np.random.default_rng(seed).uniform(0.2, 1.0, size=(I, G))  # (I, G)
    points = np.concatenate([np.zeros((I, 1)), np.cumsum(steps, axis=1)], axis=1) - 1.0
    return bspline.extend_grid(points, k)  # (I, G+2k+1)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_matches_centred_differences(basis_dx, assert_close, k):
    knots = uneven_knots(2, 5, k, seed=k)
    x = away_from_knots(knots, 120, seed=10 + k)  # (N, 2)
    h = 1e-6
    numeric = (bspline_fast.basis(x + h, knots, k) - bspline_fast.basis(x - h, knots, k)) / (2 * h)
    assert_close(
        basis_dx(x, knots, k),
        numeric,
        f"dB/dx (k={k}) against centred differences",
        rtol=0,
        atol=1e-6,
        read=READ,
    )


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_matches_the_local_version_everywhere(basis_dx, assert_close, k):
    knots = bspline.make_grid(4, k, I=2)
    x = np.concatenate([knots.T, away_from_knots(knots, 50, seed=k)])  # knots exactly, too
    assert_close(
        basis_dx(x, knots, k),
        bspline_fast.basis_dx(x, knots, k),
        f"dB/dx (k={k}; at a knot: the interval on the right; 0 outside)",
        atol=1e-10,
        read=READ,
    )


def test_at_a_knot_it_is_the_right_hand_slope(basis_dx, assert_close):
    knots = bspline.make_grid(4, 1, I=1)
    t = knots[:, 3:4].T.copy()  # (1, 1), an interior knot
    h = 1e-7
    right = (bspline_fast.basis(t + h, knots, 1) - bspline_fast.basis(t, knots, 1)) / h
    assert_close(
        basis_dx(t, knots, 1),
        right,
        "dB/dx of a linear basis at a knot",
        rtol=0,
        atol=1e-5,
        read=READ + " (half-open: the interval on the right)",
    )
