"""kan_np.lbfgs: the matrix form of the two-loop recursion, the line search, the iteration.

The two-loop recursion itself is checked against the dense BFGS definition in
tests/exercises/test_ex05_two_loop.py (the reference passes there in plain pytest).
"""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kan_np import lbfgs


def curved_pairs(rng, count, P):
    """count pairs with positive curvature: y = A s for an SPD matrix A (P, P)."""
    B = rng.normal(size=(P, P))
    A = B @ B.T + np.eye(P)  # (P, P)
    S = rng.normal(size=(count, P))  # (count, P)
    return S, S @ A


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 6),
    extra=st.integers(0, 14),
    P=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
)
def test_pairs_equal_the_two_loop_recursion(m, extra, P, seed):
    # Pushing more pairs than m slides the window (and wraps its buffers) several times.
    rng = np.random.default_rng(seed)
    S, Y = curved_pairs(rng, m + extra, P)
    pairs = lbfgs.Pairs(m, P)
    for j in range(len(S)):
        assert pairs.push(S[j], Y[j])
        g = rng.normal(size=P)  # (P,)
        kept = slice(max(0, j + 1 - m), j + 1)
        expected = lbfgs.two_loop(g, S[kept], Y[kept])
        got = pairs.times_inverse_hessian(g)
        assert np.max(np.abs(got - expected)) <= 1e-10 * max(1.0, np.max(np.abs(expected)))
    assert pairs.n == min(m, len(S))


def test_pairs_without_curvature_are_skipped_and_clear_forgets():
    pairs = lbfgs.Pairs(3, 2)
    assert not pairs.push(np.array([1.0, 0.0]), np.array([-1.0, 0.0]))  # s^T y < 0
    assert not pairs.push(np.array([1.0, 0.0]), np.array([0.0, 1.0]))  # s^T y = 0
    assert pairs.n == 0
    g = np.array([3.0, -4.0])
    np.testing.assert_array_equal(pairs.times_inverse_hessian(g), g)  # H = I
    assert pairs.push(np.array([1.0, 0.0]), np.array([2.0, 0.0]))
    pairs.clear()
    assert pairs.n == 0
    np.testing.assert_array_equal(pairs.times_inverse_hessian(g), g)


def quartic(theta):
    """f = sum (theta^4 / 4 + theta^2 - theta): convex, non-quadratic."""
    return float(np.sum(theta**4 / 4 + theta**2 - theta)), theta**3 + 2 * theta - 1


@settings(max_examples=40, deadline=None)
@given(
    start=st.lists(st.floats(-3, 3), min_size=1, max_size=4),
    step=st.floats(1e-3, 50.0),
)
def test_line_search_meets_the_strong_wolfe_conditions(start, step):
    theta = np.array(start)
    loss, grad = quartic(theta)
    if np.max(np.abs(grad)) < 1e-6:
        return  # already at the minimum: no descent direction
    d = -grad  # (P,)
    origin = lbfgs.Point(0.0, theta, loss, grad, float(grad @ d))
    found = lbfgs.line_search(quartic, origin, d, step)
    assert found is not None and found.step > 0
    np.testing.assert_array_equal(found.theta, theta + found.step * d)
    assert found.loss <= loss + lbfgs.C1 * found.step * origin.slope
    assert abs(found.slope) <= -lbfgs.C2 * origin.slope


def test_minimize_solves_a_quadratic_to_rounding():
    rng = np.random.default_rng(0)
    B = rng.normal(size=(8, 8))
    A, b = B @ B.T + np.eye(8), rng.normal(size=8)  # (8, 8), (8,)

    def f(theta):
        return 0.5 * theta @ A @ theta - b @ theta, A @ theta - b

    theta, loss, grad, nit, message = lbfgs.minimize(f, np.zeros(8), 200, 10, 0.0)
    # It stops when the loss no longer falls in float64 (|g| about 1e-8 here, cond(A) 22).
    np.testing.assert_allclose(theta, np.linalg.solve(A, b), atol=1e-7)
    assert nit < 200 and message != "maximum number of iterations reached"
    assert math.isfinite(loss) and np.max(np.abs(grad)) < 1e-7


def test_minimize_first_step_is_at_most_one_over_the_gradient_norm():
    calls = []

    def f(theta):
        calls.append(theta.copy())
        return float(theta @ theta), 2 * theta

    lbfgs.minimize(f, np.array([30.0, 40.0]), 1, 5, 0.0)
    np.testing.assert_allclose(np.linalg.norm(calls[1] - calls[0]), 1.0)  # |g| = 100
