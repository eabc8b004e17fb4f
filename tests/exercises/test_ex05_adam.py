"""Checker for exercise 05.1 (tutorials/exercises/ex05_adam.py): one Adam step.

Plain `pytest` tests the reference, `kan_np.optim.adam_update`;
`KAN_NP_EXERCISES=student pytest -m ex05_1 tests/exercises` tests the student's
`adam_update` (the switch is the shared `exercise` fixture of conftest.py). The expected
numbers do not come from the reference: they are worked out by hand (40-digit Decimal
arithmetic) or written with plain Python floats, one scalar at a time.
"""

import math

import numpy as np
import pytest

from kan_np import optim

pytestmark = pytest.mark.ex05_1
READ = "tutorials/05_training.md, 'Adam'"


@pytest.fixture
def adam_update(exercise):
    return exercise("ex05_adam", optim.adam_update)


def adam_scalar(p, g, m, v, t, lr, beta1, beta2, eps):
    """Algorithm 1 of Kingma & Ba for one number, in plain Python floats."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return p - lr * m_hat / (math.sqrt(v_hat) + eps), m, v


def test_two_steps_by_hand(adam_update, assert_close):
    # lr 0.1, betas (0.9, 0.999), eps 1e-8; gradients 0.5 then -1.0 on p = 1.
    # step 1: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25, p = 1 - 0.1 * 0.5 / 0.50000001
    p, m, v = np.array([1.0]), np.zeros(1), np.zeros(1)
    p, m, v = adam_update(p, np.array([0.5]), m, v, 1, 0.1, 0.9, 0.999, 1e-8)
    assert_close(m, np.array([0.05]), "m after step 1", rtol=1e-14, read=READ)
    assert_close(v, np.array([0.00025]), "v after step 1", rtol=1e-14, read=READ)
    assert_close(p, np.array([0.90000000199999996]), "p after step 1", rtol=1e-14, read=READ)
    # step 2: m = -0.055, v = 0.00124975; the bias corrections divide by 0.19 and 0.001999
    p, m, v = adam_update(p, np.array([-1.0]), m, v, 2, 0.1, 0.9, 0.999, 1e-8)
    assert_close(m, np.array([-0.055]), "m after step 2", rtol=1e-14, read=READ)
    assert_close(v, np.array([0.00124975]), "v after step 2", rtol=1e-14, read=READ)
    assert_close(p, np.array([0.93661035424056560]), "p after step 2", rtol=1e-13, read=READ)


def test_first_step_is_lr_times_the_sign_of_the_gradient(adam_update, assert_close):
    g = np.array([[3.0, -1e-3], [0.2, -50.0]])  # (2, 2) wildly different sizes
    p = np.ones((2, 2))
    zeros = np.zeros((2, 2))
    p_new, _, _ = adam_update(p, g, zeros, zeros, 1, 0.01, 0.9, 0.999, 1e-12)
    read = READ + " (at t = 1 the bias corrections make m_hat = g and v_hat = g^2)"
    assert_close(p_new, p - 0.01 * np.sign(g), "p after the first step", rtol=1e-8, read=read)


def test_agrees_with_the_formula_entry_by_entry(adam_update, assert_close):
    rng = np.random.default_rng(5)
    shape = (3, 2, 4)  # like a coefficient array (I, O, M)
    p, g = rng.normal(size=shape), rng.normal(size=shape)
    m, v = 0.1 * rng.normal(size=shape), rng.uniform(0.0, 0.1, size=shape)
    args = (7, 3e-3, 0.8, 0.99, 1e-8)  # t, lr, beta1, beta2, eps
    p_new, m_new, v_new = adam_update(p, g, m, v, *args)
    expected = np.array([adam_scalar(*entries, *args)
                         for entries in zip(p.ravel(), g.ravel(), m.ravel(), v.ravel(),
                                            strict=True)])  # fmt: skip
    for j, (name, got) in enumerate((("p_new", p_new), ("m_new", m_new), ("v_new", v_new))):
        assert_close(got, expected[:, j].reshape(shape), name, rtol=1e-12, atol=1e-15, read=READ)


def test_the_inputs_are_not_modified(adam_update):
    rng = np.random.default_rng(0)
    p, g, m, v = (rng.normal(size=4) for _ in range(4))
    v = np.abs(v)
    copies = [a.copy() for a in (p, g, m, v)]
    result = adam_update(p, g, m, v, 3, 0.1, 0.9, 0.999, 1e-8)
    assert isinstance(result, tuple) and len(result) == 3, "return (p_new, m_new, v_new)"
    for name, before, after in zip("pgmv", copies, (p, g, m, v), strict=True):
        np.testing.assert_array_equal(after, before, err_msg=f"{name} was changed in place")


def test_a_zero_gradient_never_divides_zero_by_zero(adam_update):
    zeros = np.zeros(3)
    p_new, m_new, v_new = adam_update(np.ones(3), zeros, zeros, zeros, 1, 0.1, 0.9, 0.999, 1e-8)
    assert np.all(np.isfinite(p_new)), "eps keeps 0 / 0 away: read the docstring"
    np.testing.assert_array_equal(p_new, np.ones(3))
