"""Losses: centred-difference gradient checks, invariants (Hypothesis), target checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kan_np import losses
from kan_np.gradcheck import numerical_gradient, relative_error, worst_entry

TOL = 1e-7  # smooth functions, h = 1e-5 in float64: the error is about 1e-10


def _targets(name, rng, N, O):
    if name == "mse":
        return rng.normal(size=(N, O))
    if name == "cross_entropy":
        return rng.integers(0, O, size=N)
    return rng.uniform(0.0, 1.0, size=(N, O))  # soft targets are allowed


@pytest.mark.parametrize("name", losses.LOSS_NAMES)
def test_backward_matches_centred_differences(name):
    rng = np.random.default_rng(0)
    pred = rng.normal(0.0, 2.0, (7, 3))  # (N, O)
    y = _targets(name, rng, 7, 3)
    value, backward = losses.PAIRS[name]
    dloss = 0.7  # an upstream gradient other than 1
    analytic = backward(dloss, pred, y)
    numeric = numerical_gradient(lambda: dloss * value(pred, y), pred)
    err = relative_error(analytic, numeric)
    assert analytic.shape == pred.shape
    assert err <= TOL, f"d{name}/dpred: relative error {err:.1e}; " + worst_entry(analytic, numeric)


logit_rows = st.lists(st.floats(-30, 30), min_size=2, max_size=5)


@given(st.lists(logit_rows, min_size=1, max_size=4).filter(lambda r: len({len(x) for x in r}) == 1),
       st.floats(-50, 50), st.integers(0, 10))  # fmt: skip
def test_cross_entropy_ignores_a_shift_per_row(rows, shift, seed):
    z = np.array(rows)  # (N, C)
    labels = np.random.default_rng(seed).integers(0, z.shape[1], z.shape[0])  # (N,)
    a = losses.softmax_cross_entropy(z, labels)
    b = losses.softmax_cross_entropy(z + shift, labels)
    assert a >= 0.0
    assert b == pytest.approx(a, rel=1e-9, abs=1e-9)
    dz = losses.softmax_cross_entropy_backward(1.0, z, labels)
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-15)  # softmax sums to 1


@given(st.lists(st.floats(-40, 40), min_size=1, max_size=6), st.integers(0, 10))
def test_binary_is_two_class_softmax(z, seed):
    z = np.array(z).reshape(-1, 1)  # (N, 1)
    t = np.random.default_rng(seed).integers(0, 2, z.shape).astype(float)  # (N, 1)
    two = np.concatenate([np.zeros_like(z), z], axis=1)  # (N, 2): softmax([0, z])_1 = sigma(z)
    expected = losses.softmax_cross_entropy(two, t[:, 0].astype(int))
    assert losses.binary_cross_entropy(z, t) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(losses.sigmoid(z), losses.softmax(two)[:, [1]], rtol=1e-12)


def test_values_at_known_points():
    assert losses.softmax_cross_entropy(np.zeros((4, 5)), np.arange(4)) == pytest.approx(np.log(5))
    assert losses.binary_cross_entropy(np.zeros((3, 1)), np.ones((3, 1))) == pytest.approx(
        np.log(2)
    )
    assert losses.mse(np.ones((2, 2)), np.zeros((2, 2))) == 1.0
    huge = np.array([[1e4, -1e4]])  # e^1e4 overflows unless the maximum is subtracted
    assert losses.softmax_cross_entropy(huge, np.array([0])) == 0.0
    assert np.isfinite(losses.softmax_cross_entropy(huge, np.array([1])))
    assert np.isfinite(losses.binary_cross_entropy(np.array([[-1e4]]), np.array([[1.0]])))


def test_targets_are_checked_with_clear_messages():
    assert losses.as_target("cross_entropy", [0, 2, 1], 3).dtype == np.int64
    assert losses.as_target("cross_entropy", np.array([[1.0], [0.0]]), 2).shape == (2,)
    with pytest.raises(ValueError, match="class numbers 0..2"):
        losses.as_target("cross_entropy", [0, 3], 3)
    with pytest.raises(ValueError, match="class numbers"):
        losses.as_target("cross_entropy", [0.5, 1], 3)
    with pytest.raises(ValueError, match=">= 2 outputs"):
        losses.as_target("cross_entropy", [0, 1], 1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        losses.as_target("binary_cross_entropy", [[2.0]], 1)
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.as_target("hinge", [[1.0]], 1)
    with pytest.raises(ValueError, match="3 columns but 1"):
        losses.as_target("mse", np.zeros((2, 3)), 1)


def test_accuracy_counts_argmax_or_sign():
    z = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert losses.accuracy("cross_entropy", z, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert losses.accuracy("binary_cross_entropy", np.array([[1.0], [-1.0]]),
                           np.array([[1.0], [1.0]])) == 0.5  # fmt: skip
