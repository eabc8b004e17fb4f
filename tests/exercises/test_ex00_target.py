"""Checker for exercise 00.1 (tutorials/exercises/ex00_target.py): the tour's target function.

Plain `pytest` checks `kan_np.datasets.exp_sin_sq`; with KAN_NP_EXERCISES=student the
student's `exp_sin_sq`. The expected values are worked out by hand at a few points.
"""

import numpy as np
import pytest

from kan_np import datasets

pytestmark = pytest.mark.ex00_1
READ = "tutorials/00_quick_tour.md, 'The data'"


@pytest.fixture
def exp_sin_sq(exercise):
    return exercise("ex00_target", datasets.exp_sin_sq)


def test_one_column(exp_sin_sq, require):
    y = exp_sin_sq(np.zeros((5, 2)))
    require(isinstance(y, np.ndarray) and y.shape == (5, 1),
            f"exp_sin_sq of a (5, 2) array must be (5, 1), got {np.shape(y)}; x[:, [0]] keeps "
            "a column where x[:, 0] drops it", read=READ)  # fmt: skip


def test_values_by_hand(exp_sin_sq, assert_close):
    x = np.array([[0.0, 0.0], [0.5, 0.0], [-0.5, 0.0], [0.0, 1.0], [1.0, -1.0]])  # (5, 2)
    # sin(pi/2) = 1, sin(-pi/2) = -1, sin(pi) = 0: exponents 0, 1, -1, 1, 1
    expected = np.exp(np.array([[0.0], [1.0], [-1.0], [1.0], [1.0]]))  # (5, 1)
    assert_close(exp_sin_sq(x), expected, "f at (0,0), (.5,0), (-.5,0), (0,1), (1,-1)",
                 rtol=1e-12, atol=1e-12, read=READ)  # fmt: skip


def test_the_input_is_not_modified(exp_sin_sq, require):
    x = np.random.default_rng(0).uniform(-1, 1, (10, 2))  # (N, 2)
    before = x.copy()
    exp_sin_sq(x)
    require(np.array_equal(x, before), "x was changed in place: compute into a new array",
            read=READ)  # fmt: skip
