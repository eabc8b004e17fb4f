"""Checker for exercise 06.1 (tutorials/exercises/ex06_entropy.py): the entropy penalty.

Plain `pytest` (CI) checks the library's reference, which proves the checker; with
KAN_NP_EXERCISES=student it checks the student's stub (tests/exercises/conftest.py).
"""

import numpy as np
import pytest

from kan_np import regularization
from kan_np.gradcheck import numerical_gradient, relative_error, worst_entry


@pytest.fixture
def entropy(exercise):
    return exercise("ex06_entropy", regularization.entropy)


@pytest.fixture
def entropy_backward(exercise):
    return exercise("ex06_entropy", regularization.entropy_backward)


pytestmark = pytest.mark.ex06_1


def test_two_equal_edges_have_entropy_log_2(entropy):
    assert entropy(np.array([[0.3, 0.3]])) == pytest.approx(np.log(2.0), abs=1e-10)


def test_one_live_edge_has_entropy_0(entropy):
    assert entropy(np.array([[0.0, 2.0], [0.0, 0.0]])) == pytest.approx(0.0, abs=1e-10)


def test_matches_the_formula_on_random_magnitudes(entropy):
    A = np.random.default_rng(0).uniform(0.0, 1.0, (3, 4))
    p = A / A.sum()
    assert entropy(A) == pytest.approx(-np.sum(p * np.log(p)), abs=1e-10)
    assert entropy(7.0 * A) == pytest.approx(entropy(A), abs=1e-10)  # scale-free


def test_gradient_matches_centred_differences(entropy, entropy_backward):
    A = np.random.default_rng(1).uniform(0.05, 1.0, (2, 3))
    analytic = entropy_backward(1.0, A)
    numeric = numerical_gradient(lambda: entropy(A), A)
    err = relative_error(analytic, numeric)
    assert err <= 1e-7, f"dS/dA: relative error {err:.1e}; " + worst_entry(analytic, numeric)


def test_zero_layer_is_finite(entropy, entropy_backward):
    A = np.zeros((2, 2))
    assert entropy(A) == 0.0
    np.testing.assert_array_equal(entropy_backward(1.0, A), np.zeros((2, 2)))
    grad = entropy_backward(1.0, np.array([[1.0, 0.0]]))  # a dead edge next to a live one
    assert np.all(np.isfinite(grad))
