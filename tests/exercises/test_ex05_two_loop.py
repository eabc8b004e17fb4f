"""Checker for exercise 05.2 (tutorials/exercises/ex05_two_loop.py): the two-loop recursion.

Plain `pytest` tests the reference, `kan_np.lbfgs.two_loop`;
`KAN_NP_EXERCISES=student pytest -m ex05_2 tests/exercises` tests the student's `two_loop`.
The expected values come from the definition (the P x P matrix H built by the BFGS update,
pair by pair) and from the secant condition, not from the reference.
"""

import numpy as np
import pytest

from kan_np import lbfgs

pytestmark = pytest.mark.ex05_2
READ = "tutorials/05_training.md, 'L-BFGS'"


@pytest.fixture
def two_loop(exercise):
    return exercise("ex05_two_loop", lbfgs.two_loop)


def pairs(n, P, seed):
    """n pairs (S, Y) (n, P) with positive curvature: y = A s for an SPD matrix A."""
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(P, P))
    S = rng.normal(size=(n, P))  # (n, P)
    return S, S @ (B @ B.T + np.eye(P))  # (n, P), (n, P)


def dense_H(S, Y):
    """H by its definition: H_0 = gamma I, then one BFGS update per pair, oldest first."""
    P = S.shape[1]
    H = (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) * np.eye(P)  # (P, P)
    for s, y in zip(S, Y, strict=True):
        rho = 1.0 / (y @ s)
        V = np.eye(P) - rho * np.outer(y, s)  # (P, P)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return H


def test_one_pair(two_loop, assert_close):
    S, Y = pairs(1, 4, 0)
    g = np.arange(1.0, 5.0)  # (P,)
    assert_close(two_loop(g, S, Y), dense_H(S, Y) @ g, "H g with one pair", rtol=1e-10,
                 atol=1e-12, read=READ)  # fmt: skip


@pytest.mark.parametrize("n", [2, 5])
def test_matches_the_definition(two_loop, assert_close, n):
    S, Y = pairs(n, 6, n)
    g = np.random.default_rng(10 + n).normal(size=6)  # (P,)
    assert_close(two_loop(g, S, Y), dense_H(S, Y) @ g, f"H g with {n} pairs", rtol=1e-9,
                 atol=1e-12, read=READ + " (the newest pair is the last row)")  # fmt: skip


def test_secant_condition(two_loop, assert_close):
    S, Y = pairs(4, 7, 3)
    assert_close(two_loop(Y[-1], S, Y), S[-1], "H y of the newest pair (must be its s)",
                 rtol=1e-9, atol=1e-12, read=READ)  # fmt: skip


def test_does_not_change_its_inputs(two_loop, assert_equal):
    S, Y = pairs(3, 5, 4)
    g = np.ones(5)  # (P,)
    copies = g.copy(), S.copy(), Y.copy()
    two_loop(g, S, Y)
    for name, before, after in zip(("g", "S", "Y"), copies, (g, S, Y), strict=True):
        assert_equal(after, before, f"{name} after the call (it must not be modified)",
                     read=READ)  # fmt: skip
