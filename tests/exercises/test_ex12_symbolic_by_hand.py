"""Checker for exercise 12.1 (tutorials/exercises/ex12_symbolic_by_hand.py): §4.1 (b), (e)
built by hand from symbolic edges.

The references below build the two KANs with the library (`fix_symbolic` without a fit,
then the affine parameters written directly); the checks compare the student's network
with the formula on random inputs and look at its structure, not at its parameters
(other correct choices exist: the constant of (e) can sit on any edge).
"""

import numpy as np
import pytest

import kan_np as kn

pytestmark = pytest.mark.ex12_1
READ = "tutorials/12_interpretability.md, section 'Exercise 12.1'"


def _by_hand(width, edges):
    """A KAN of `width` whose edges (l, i, j, name, (a, b, c, d)) are all symbolic."""
    model = kn.KAN(width, grid=3, k=3, seed=0)
    for l, i, j, name, affine in edges:
        model.fix_symbolic(l, i, j, name, fit_params=False)
        model.layers[l].affine[i, j] = affine
    return model


def division_kan():
    """Reference: log on both inputs (the second with c = -1), exp outside."""
    return _by_hand([2, 1, 1], [(0, 0, 0, "log", (1, 0, 1, 0)), (0, 1, 0, "log", (1, 0, -1, 0)),
                                (1, 0, 0, "exp", (1, 0, 1, 0))])  # fmt: skip


def phase_transition_kan():
    """Reference: 5 x_i^4 on the inputs, 0.5 tanh(h - 5) + 0.5 outside."""
    inner = [(0, i, 0, "x^4", (1, 0, 5, 0)) for i in range(3)]
    return _by_hand([3, 1, 1], inner + [(1, 0, 0, "tanh", (1, -5, 0.5, 0.5))])


@pytest.fixture
def division(exercise):
    return exercise("ex12_symbolic_by_hand", division_kan)


@pytest.fixture
def phase(exercise):
    return exercise("ex12_symbolic_by_hand", phase_transition_kan)


def all_symbolic(model, width, require):
    require(isinstance(model, kn.KAN), f"expected a kan_np.KAN, got {type(model).__name__}",
            read=READ)  # fmt: skip
    require(model.width == width, f"width {model.width}, expected {width}", read=READ)
    for l, layer in enumerate(model.layers):
        edges = [(i, j) for i in range(layer.in_dim) for j in range(layer.out_dim)]
        missing = [(l, i, j) for i, j in edges if (i, j) not in layer.symbolic]
        require(not missing, f"edges {missing} are not symbolic (use fix_symbolic)", read=READ)
        require(bool(np.all(layer.mask == 0)), f"layer {l}: a symbolic edge has its spline "
                "part on (mask must be 0; fix_symbolic sets it)", read=READ)  # fmt: skip


def test_division(division, assert_close, require):
    model = division()
    all_symbolic(model, [2, 1, 1], require)
    x = np.random.default_rng(0).uniform(0.1, 3.0, (200, 2))  # (N, 2) positive inputs
    assert_close(model(x)[:, 0], x[:, 0] / x[:, 1], "x1 / x2", rtol=1e-9, read=READ)


def test_division_formula_simplifies_to_the_quotient(division, require):
    import sympy

    (formula,) = division().symbolic_formula(var_names=["x", "y"], digits=None)
    x, y = sympy.symbols("x y", positive=True)
    exact = sympy.nsimplify(formula.subs({"x": x, "y": y}))  # 1.0 -> 1
    require(sympy.simplify(exact - x / y) == 0, f"the model's formula {formula} is not x/y",
            read=READ)  # fmt: skip


def test_phase_transition(phase, assert_close, require):
    model = phase()
    all_symbolic(model, [3, 1, 1], require)
    x = np.random.default_rng(1).uniform(-1.2, 1.2, (300, 3))  # (N, 3), across the jump
    f = 0.5 * (1 + np.tanh(5 * (np.sum(x**4, axis=1) - 1)))  # (N,)
    assert_close(model(x)[:, 0], f, "0.5 (1 + tanh(5 (sum x^4 - 1)))", rtol=1e-9,
                 atol=1e-12, read=READ)  # fmt: skip
