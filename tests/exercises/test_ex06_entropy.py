"""Checker for exercise 06.1 (tutorials/exercises/ex06_entropy.py): the entropy and its gradient.

Plain `pytest` checks the library's reference, which proves the checker;
`KAN_NP_EXERCISES=student pytest -m ex06_1 tests/exercises` checks the student's stub
(tests/exercises/conftest.py). The gradient is compared with centred differences
(kan_np.gradcheck) where S is smooth, and with values worked out by hand at the corners.
"""

import numpy as np
import pytest

from kan_np import regularization
from kan_np.gradcheck import numerical_gradient

pytestmark = pytest.mark.ex06_1
READ = "tutorials/06_regularization.md, 'The entropy of a layer'"
READ_GRAD = "tutorials/06_regularization.md, 'The gradients' (the quotient rule for p = A / T)"
READ_CORNERS = "tutorials/06_regularization.md, 'The corners'"


@pytest.fixture
def entropy(exercise):
    return exercise("ex06_entropy", regularization.entropy)


@pytest.fixture
def entropy_backward(exercise):
    return exercise("ex06_entropy", regularization.entropy_backward)


def test_two_equal_edges_have_entropy_log_2(entropy, assert_close):
    assert_close(entropy(np.array([[0.3, 0.3]])), np.log(2.0), "S of two equal edges",
                 atol=1e-12, read=READ)  # fmt: skip


def test_one_live_edge_has_entropy_0(entropy, assert_close):
    assert_close(entropy(np.array([[0.0, 2.0], [0.0, 0.0]])), 0.0, "S of one live edge",
                 atol=1e-12, read=READ)  # fmt: skip


def test_matches_the_definition_and_is_scale_free(entropy, assert_close):
    A = np.random.default_rng(0).uniform(0.0, 1.0, (3, 4))  # (I, O)
    p = A / A.sum()
    assert_close(entropy(A), -np.sum(p * np.log(p)), "S of random magnitudes", atol=1e-12,
                 read=READ)  # fmt: skip
    assert_close(entropy(7.0 * A), entropy(A), "S of 7 A against S of A (p is scale-free)",
                 atol=1e-12, read=READ)  # fmt: skip


def test_gradient_matches_centred_differences(entropy, entropy_backward, assert_close):
    A = np.random.default_rng(1).uniform(0.05, 1.0, (2, 3))  # (I, O)
    numeric = numerical_gradient(lambda: entropy(A), A)  # (I, O)
    assert_close(entropy_backward(1.0, A), numeric, "dS/dA (yours) against centred differences",
                 rtol=1e-6, atol=1e-9, read=READ_GRAD)  # fmt: skip


def test_upstream_gradient_scales_the_result(entropy, entropy_backward, assert_close):
    """dA = dS * dS/dA: the chain rule's upstream factor multiplies every entry."""
    A = np.random.default_rng(3).uniform(0.05, 1.0, (3, 2))  # (I, O)
    numeric = numerical_gradient(lambda: entropy(A), A)  # (I, O)
    assert_close(entropy_backward(-2.5, A), -2.5 * numeric, "dA for dS = -2.5", rtol=1e-6,
                 atol=1e-9, read=READ_GRAD + "; the upstream dS multiplies dS/dA")  # fmt: skip


def test_gradient_is_orthogonal_to_A(entropy_backward, assert_close):
    """S(c A) = S(A) for every c > 0, so the derivative along A itself is zero."""
    A = np.random.default_rng(2).uniform(0.05, 1.0, (4, 2))  # (I, O)
    assert_close(np.sum(A * entropy_backward(1.0, A)), 0.0, "sum_k A_k dS/dA_k", atol=1e-10,
                 read=READ_GRAD + "; S does not change when all of A is scaled")  # fmt: skip


def test_corners(entropy, entropy_backward, assert_close, require):
    zero = entropy_backward(1.0, np.zeros((2, 2)))
    assert_close(zero, np.zeros((2, 2)), "dS/dA of an all-zero layer", atol=0.0,
                 read=READ_CORNERS)  # fmt: skip
    assert_close(entropy(np.zeros((2, 2))), 0.0, "S of an all-zero layer", atol=0.0,
                 read=READ_CORNERS)  # fmt: skip
    # one live edge and one dead one: p = (1, 0). S = -1 log 1 - 0 log eps, and by hand
    # dS/dA = (g - sum_j g_j p_j) / T with g = (-log 1 - 1, -log eps) and T = 2
    eps = regularization.ENTROPY_EPS
    grad = entropy_backward(1.0, np.array([[2.0, 0.0]]))
    require(bool(np.all(np.isfinite(grad))), f"dS/dA has NaN or inf next to a dead edge: {grad}",
            read=READ_CORNERS)  # fmt: skip
    expected = np.array([[0.0, (-np.log(eps) + 1.0) / 2.0]])
    assert_close(grad, expected, "dS/dA at A = (2, 0)", rtol=1e-10, read=READ_CORNERS)
