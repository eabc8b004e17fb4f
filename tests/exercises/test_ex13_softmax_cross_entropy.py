"""Checker for exercise 13.1 (tutorials/exercises/ex13_softmax_cross_entropy.py): the
gradient of the softmax cross-entropy with respect to the logits.

Plain `pytest` tests the reference, `kan_np.losses.softmax_cross_entropy_backward`;
`KAN_NP_EXERCISES=student pytest -m ex13_1 tests/exercises` tests the student's function.
The expected values come from centred differences of the loss value and from small cases
worked out by hand, not from the reference.
"""

import math

import numpy as np
import pytest

from kan_np import losses
from kan_np.gradcheck import numerical_gradient

pytestmark = pytest.mark.ex13_1
READ = "tutorials/13_classification.md, 'Exercise 13.1'"


@pytest.fixture
def backward(exercise):
    return exercise("ex13_softmax_cross_entropy", losses.softmax_cross_entropy_backward)


def test_one_row_by_hand(backward, assert_close):
    # z = (0, log 3): softmax = (1/4, 3/4); with the label 1 the loss is -log(3/4)
    z = np.array([[0.0, math.log(3.0)]])
    expected = np.array([[0.25, -0.25]])
    assert_close(backward(1.0, z, np.array([1])), expected, "dl/dz for one row", read=READ)


def test_matches_centred_differences(backward, assert_close):
    rng = np.random.default_rng(0)
    z = rng.normal(0.0, 2.0, (5, 4))  # (N, C)
    labels = rng.integers(0, 4, 5)  # (N,)
    numeric = numerical_gradient(lambda: losses.softmax_cross_entropy(z, labels), z)
    assert_close(backward(1.0, z, labels), numeric, "dl/dz, 5 rows and 4 classes",
                 rtol=1e-6, atol=1e-9, read=READ)  # fmt: skip


def test_upstream_gradient_scales_the_result(backward, assert_close):
    rng = np.random.default_rng(1)
    z, labels = rng.normal(size=(3, 3)), np.array([0, 2, 1])
    assert_close(backward(0.5, z, labels), 0.5 * backward(1.0, z, labels),
                 "dloss = 0.5 halves the gradient", read=READ)  # fmt: skip


def test_large_logits_stay_finite_and_input_is_kept(backward, assert_close):
    z = np.array([[1e4, 0.0, -1e4]])
    before = z.copy()
    grad = backward(1.0, z, np.array([2]))
    assert_close(grad, np.array([[1.0, 0.0, -1.0]]), "dl/dz at logits +-1e4", read=READ)
    assert_close(z, before, "logits after the call (must be unchanged)", rtol=0, atol=0)
