"""Tests for kan_np.optim: Adam against hand-computed numbers, L-BFGS on known problems."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kan_np.lbfgs import Pairs
from kan_np.optim import SMALL, Adam, LbfgsTracker, adam_update, lbfgs


def rosenbrock(theta):
    """f = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1); returns (f, grad)."""
    x, y = theta
    f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    return f, grad


def trapped_quadratic(theta):
    """(3 - x)^2 + (y - 0.5)^2, but NaN for x > 2: the unconstrained minimum is in the trap."""
    x, y = theta
    if x > 2:
        return np.nan, np.full(2, np.nan)
    return (3 - x) ** 2 + (y - 0.5) ** 2, np.array([-2 * (3 - x), 2 * (y - 0.5)])


# ---------------------------------------------------------------- Adam


def test_adam_two_steps_match_hand_computation():
    # lr 0.1, betas (0.9, 0.999), eps 1e-8; gradients 0.5 then -1.0 on p = 1.
    # step 1: m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25, p = 1 - 0.1*0.5/(0.5 + 1e-8)
    # step 2: m = -0.055, v = 0.00124975, mhat = -0.055/0.19, vhat = 0.00124975/0.001999
    # (exact values from a 40-digit Decimal computation)
    p = np.array([1.0])
    opt = Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    opt.step([np.array([0.5])])
    assert opt.m[0][0] == pytest.approx(0.05, rel=1e-15)
    assert opt.v[0][0] == pytest.approx(0.00025, rel=1e-15)
    assert p[0] == pytest.approx(0.90000000199999996, rel=1e-15)
    opt.step([np.array([-1.0])])
    assert opt.m[0][0] == pytest.approx(-0.055, rel=1e-14)
    assert opt.v[0][0] == pytest.approx(0.00124975, rel=1e-14)
    assert p[0] == pytest.approx(0.93661035424056560, rel=1e-14)
    assert opt.t == 2


def test_adam_updates_the_same_array_objects():
    a = np.ones((2, 3))
    b = np.zeros(4)
    a_id, b_id = id(a), id(b)
    opt = Adam([a, b], lr=0.01)
    opt.step([np.ones((2, 3)), -np.ones(4)])
    assert opt.params[0] is a and opt.params[1] is b
    assert id(a) == a_id and id(b) == b_id
    np.testing.assert_allclose(a, 1 - 0.01, rtol=1e-6)  # moved against the gradient
    np.testing.assert_allclose(b, 0 + 0.01, rtol=1e-6)


def test_adam_first_step_is_lr_times_sign():
    # Bias correction at t = 1: mhat = g, vhat = g^2, so the step is lr * g / (|g| + eps).
    g = np.array([1e-3, -5.0, 2e4, -0.1])
    p = np.zeros(4)
    Adam([p], lr=0.05).step([g])
    np.testing.assert_allclose(p, -0.05 * np.sign(g), rtol=1e-4)


def test_adam_minimises_a_convex_quadratic():
    # f(p) = 1/2 (p - c)^T A (p - c), A symmetric positive definite; gradient A (p - c).
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(5, 5))
    A = Q @ Q.T + 5 * np.eye(5)  # (5, 5)
    c = rng.normal(size=5)
    p = np.zeros(5)
    opt = Adam([p], lr=0.05)
    for _ in range(3000):
        opt.step([A @ (p - c)])
    # Adam with a fixed lr hovers near the minimum; 1e-4 is far below the start error ~1.
    np.testing.assert_allclose(p, c, atol=1e-4)


@given(
    p=st.lists(st.floats(-10, 10), min_size=3, max_size=3),
    g=st.lists(st.floats(-10, 10), min_size=3, max_size=3),
    steps=st.integers(1, 4),
)
def test_adam_step_agrees_with_adam_update(p, g, steps):
    p = np.array(p)
    g = np.array(g)
    param = p.copy()
    opt = Adam([param], lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    ref_p, ref_m, ref_v = p.copy(), np.zeros(3), np.zeros(3)
    for t in range(1, steps + 1):
        grad = g * t  # a different gradient each step
        opt.step([grad])
        ref_p, ref_m, ref_v = adam_update(ref_p, grad, ref_m, ref_v, t, 0.01, 0.8, 0.99, 1e-6)
    np.testing.assert_array_equal(param, ref_p)
    np.testing.assert_array_equal(opt.m[0], ref_m)
    np.testing.assert_array_equal(opt.v[0], ref_v)


def test_adam_on_several_arrays_is_adam_update_on_each():
    # step() updates small arrays as one vector and large ones in place: the same numbers
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(2, 3, 4)), rng.normal(size=5), rng.normal(size=(3, 1)),
              rng.normal(size=(2, SMALL))]  # fmt: skip
    refs = [(p.copy(), np.zeros_like(p), np.zeros_like(p)) for p in params]
    opt = Adam(params, lr=0.01)
    for t in range(1, 4):
        grads = [rng.normal(size=p.shape) for p in params]
        opt.step(grads)
        refs = [adam_update(ref_p, g, ref_m, ref_v, t, 0.01, 0.9, 0.999, 1e-8)
                for (ref_p, ref_m, ref_v), g in zip(refs, grads, strict=True)]  # fmt: skip
    for i, (p, (ref_p, ref_m, ref_v)) in enumerate(zip(params, refs, strict=True)):
        np.testing.assert_array_equal(p, ref_p)
        np.testing.assert_array_equal(opt.m[i], ref_m)
        np.testing.assert_array_equal(opt.v[i], ref_v)


def test_adam_update_is_pure():
    p, g, m, v = np.ones(3), np.ones(3), np.zeros(3), np.zeros(3)
    p_new, m_new, v_new = adam_update(p, g, m, v, 1, 0.1, 0.9, 0.999, 1e-8)
    np.testing.assert_array_equal(p, 1.0)
    np.testing.assert_array_equal(m, 0.0)
    np.testing.assert_array_equal(v, 0.0)
    assert not np.shares_memory(p_new, p)
    np.testing.assert_allclose(p_new, 0.9, rtol=1e-7)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"lr": "0.1"}, TypeError, "lr must be a number"),
        ({"lr": float("nan")}, ValueError, "lr must be"),
        ({"lr": float("inf")}, ValueError, "lr must be"),
        ({"betas": (0.9, 1.0)}, ValueError, r"betas must be two numbers in \[0, 1\)"),
        ({"betas": (-0.1, 0.9)}, ValueError, "betas"),
        ({"betas": (0.9,)}, ValueError, "betas"),
        ({"eps": 0.0}, ValueError, "eps"),
    ],
)
def test_adam_rejects_bad_hyperparameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        Adam([np.zeros(2)], **kwargs)


def test_adam_rejects_bad_params():
    with pytest.raises(TypeError, match="list of numpy arrays"):
        Adam(np.zeros(3))
    with pytest.raises(ValueError, match="empty"):
        Adam([])
    with pytest.raises(TypeError, match=r"params\[1\] must be a float numpy array"):
        Adam([np.zeros(2), np.zeros(2, dtype=int)])


def test_adam_rejects_bad_grads_and_leaves_params_unchanged():
    a, b = np.ones(2), np.ones((2, 2))
    opt = Adam([a, b])
    with pytest.raises(ValueError, match="got 1 gradient arrays for 2 parameters"):
        opt.step([np.ones(2)])
    with pytest.raises(ValueError, match=r"grads\[1\] has shape \(2, 3\) but params\[1\]"):
        opt.step([np.ones(2), np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"grads\[1\] contains NaN"):
        opt.step([np.ones(2), np.array([[1.0, np.nan], [0.0, 0.0]])])
    np.testing.assert_array_equal(a, 1.0)  # the first array was not touched either
    np.testing.assert_array_equal(b, 1.0)
    assert opt.t == 0


def test_adam_update_rejects_step_zero_and_shape_mismatch():
    z = np.zeros(2)
    with pytest.raises(ValueError, match="t counts steps from 1"):
        adam_update(z, z, z, z, 0, 0.1, 0.9, 0.999, 1e-8)
    with pytest.raises(ValueError, match="one shape"):
        adam_update(z, np.zeros(3), z, z, 1, 0.1, 0.9, 0.999, 1e-8)


# ---------------------------------------------------------------- L-BFGS


def test_lbfgs_minimises_rosenbrock():
    theta0 = np.array([-1.2, 1.0])
    result = lbfgs(rosenbrock, theta0, maxiter=200)
    assert result.fun < 1e-8
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-4)
    assert result.nonfinite is False
    np.testing.assert_array_equal(theta0, [-1.2, 1.0])  # the start is not modified


def test_lbfgs_maxiter_limits_iterations_and_callback_sees_each():
    seen = []
    result = lbfgs(
        rosenbrock, np.array([-1.2, 1.0]), maxiter=5, callback=lambda t, f: seen.append(f)
    )
    assert result.nit == 5
    assert len(seen) == 5
    assert all(b <= a for a, b in zip(seen, seen[1:], strict=False))  # L-BFGS never goes up
    assert result.fun == pytest.approx(min(seen))


def test_lbfgs_callback_can_stop_early():
    def stop_after_two(theta, loss, calls=[]):  # noqa: B006 - a counter on purpose
        calls.append(loss)
        if len(calls) == 2:
            raise StopIteration

    result = lbfgs(rosenbrock, np.array([-1.2, 1.0]), maxiter=100, callback=stop_after_two)
    assert result.nit == 2


def test_lbfgs_survives_a_nan_trap_and_returns_the_best_finite_point():
    # Every line search along x overshoots into x > 2 where fun is NaN.
    result = lbfgs(trapped_quadratic, np.zeros(2), maxiter=50)
    assert result.nonfinite is True
    assert np.all(np.isfinite(result.x)) and result.x[0] <= 2
    assert np.isfinite(result.fun)
    assert result.fun == trapped_quadratic(result.x)[0]
    # The best reachable loss is 1 (x = 2, y = 0.5); the start had 9.25.
    assert result.fun < 1.1


def test_lbfgs_all_nonfinite_returns_the_start():
    result = lbfgs(lambda t: (np.inf, np.zeros(2)), np.array([0.5, -0.5]), maxiter=3)
    assert result.nonfinite is True and result.success is False
    np.testing.assert_array_equal(result.x, [0.5, -0.5])
    assert np.isnan(result.fun)


def test_lbfgs_keyboard_interrupt_propagates_and_tracker_keeps_the_best():
    calls = []

    def interrupted(theta):
        calls.append(theta.copy())
        if len(calls) == 12:
            raise KeyboardInterrupt
        return rosenbrock(theta)

    tracker = LbfgsTracker()
    with pytest.raises(KeyboardInterrupt):
        lbfgs(interrupted, np.array([-1.2, 1.0]), maxiter=100, tracker=tracker)
    losses = [rosenbrock(t)[0] for t in calls[:11]]
    assert tracker.n_evals == 11
    assert tracker.best_loss == min(losses)
    np.testing.assert_array_equal(tracker.best_theta, calls[int(np.argmin(losses))])
    assert tracker.best_loss < rosenbrock(np.array([-1.2, 1.0]))[0]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"maxiter": 0}, ValueError, "maxiter must be >= 1"),
        ({"maxiter": 2.5}, TypeError, "maxiter must be an integer"),
        ({"history_size": 0}, ValueError, "history_size must be >= 1"),
        ({"tol": -1.0}, ValueError, "tol must be finite and >= 0"),
    ],
)
def test_lbfgs_rejects_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        lbfgs(rosenbrock, np.zeros(2), **kwargs)


def test_lbfgs_rejects_bad_theta_and_gradient_shape():
    with pytest.raises(ValueError, match=r"theta0 must be a non-empty 1-D array \(P,\)"):
        lbfgs(rosenbrock, np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\); expected \(2,\)"):
        lbfgs(lambda t: (0.0, np.zeros(3)), np.zeros(2))
    with pytest.raises(TypeError, match="fun must be callable"):
        lbfgs(None, np.zeros(2))


def test_adam_updates_large_arrays_in_pieces_with_the_same_numbers():
    rng = np.random.default_rng(5)
    big = rng.normal(size=(3, SMALL + 77))  # (3, SMALL + 77): pieces, and a ragged last one
    strided = rng.normal(size=(SMALL + 5, 2)).T  # (2, SMALL + 5) not C-contiguous
    params = [big.copy(), strided.copy().T.copy().T]  # the second keeps its strides
    opt = Adam(params, lr=1e-2)
    expected = [(p.copy(), np.zeros_like(p), np.zeros_like(p)) for p in (big, strided)]
    for t in (1, 2, 3):
        grads = [rng.normal(size=big.shape), rng.normal(size=strided.shape)]
        opt.step(grads)
        expected = [
            adam_update(p, g, m, v, t, 1e-2, 0.9, 0.999, 1e-8)
            for (p, m, v), g in zip(expected, grads, strict=True)
        ]
    for param, (p, m, v), m_opt, v_opt in zip(params, expected, opt.m, opt.v, strict=True):
        np.testing.assert_array_equal(param, p)
        np.testing.assert_array_equal(m_opt, m)
        np.testing.assert_array_equal(v_opt, v)
    assert not params[1].flags.c_contiguous  # updated in place through the other path


def test_lbfgs_memory_continues_where_the_last_call_stopped():
    # Two calls of 5 iterations sharing one memory walk the same path as one call of 10.
    start = np.array([-1.2, 1.0])
    whole = lbfgs(rosenbrock, start, maxiter=10, history_size=4)
    memory = Pairs(4, 2)
    first = lbfgs(rosenbrock, start, maxiter=5, memory=memory)
    assert memory.n > 0
    second = lbfgs(rosenbrock, first.x, maxiter=5, memory=memory)
    np.testing.assert_array_equal(second.x, whole.x)


def test_lbfgs_rejects_a_memory_of_another_size():
    with pytest.raises(TypeError, match="memory must be an lbfgs.Pairs for 2 parameters"):
        lbfgs(rosenbrock, np.zeros(2), memory=Pairs(3, 5))
    with pytest.raises(TypeError, match="memory must be an lbfgs.Pairs"):
        lbfgs(rosenbrock, np.zeros(2), memory=[])
