"""Checker for exercise 04.1 (tutorials/exercises/ex04_layer_backward.py): the layer backward.

Plain `pytest` tests the reference, kan_np.layer.layer_backward;
`KAN_NP_EXERCISES=student pytest -m ex04_1 tests/exercises` tests the student's
`layer_backward` (same signature), given the cache of the library's layer_forward. Every
gradient is compared with centred differences (kan_np.gradcheck) of the scalar
sum(dy * y), y = layer_forward(x, p)[0], at samples kept away from the knots (where a
spline's derivative may jump; see chapter 04). Expected order: relative error <= 1e-7 in
float64 with h = 1e-5 (about 1e-10 is typical).
"""

import copy

import numpy as np
import pytest

from kan_np import gradcheck
from kan_np.layer import LayerParams, layer_backward, layer_forward
from tests.strategies import random_layer_arrays

pytestmark = pytest.mark.ex04_1
READ = "tutorials/04_backprop.md, 'Exercise 04.1'"
NAMES = ("dx", "dcoef", "dscale_base", "dscale_sp")


def params(arrays):
    """The LayerParams of `random_layer_arrays` (its arrays, not copies)."""
    keys = ("grid", "coef", "scale_base", "scale_sp", "mask", "k")
    return LayerParams(*(arrays[key] for key in keys))


@pytest.fixture
def backward(exercise):
    return exercise("ex04_layer_backward", layer_backward)


def problem(I, O, G, k, seed, uneven=False, N=12):
    """Random layer arrays, inputs at least 0.02 from every knot, and an upstream dy."""
    rng = np.random.default_rng(seed)
    arrays = random_layer_arrays(I, O, G, k, rng, uneven)
    grid = arrays["grid"]
    lo, hi = grid[:, 0] - 0.3, grid[:, -1] + 0.3  # (I,)
    x = lo + (hi - lo) * rng.random((4 * N, I))  # (4N, I) candidates
    gap = np.min(np.abs(x[:, :, None] - grid[None]), axis=2).min(axis=1)  # (4N,)
    x = x[gap > 0.02][:N]  # (N, I)  away from the knots
    assert x.shape == (N, I)
    dy = rng.normal(size=(N, O))  # (N, O)
    return dy, x, arrays


def numeric_gradients(dy, x, arrays):
    """Centred differences of sum(dy * y) with respect to x and each parameter array."""
    p = params(arrays)
    g = lambda: float(np.sum(dy * layer_forward(x, p, need_dx=False)[0]))  # noqa: E731
    return {
        "dx": gradcheck.numerical_gradient(g, x),
        "dcoef": gradcheck.numerical_gradient(g, arrays["coef"]),
        "dscale_base": gradcheck.numerical_gradient(g, arrays["scale_base"]),
        "dscale_sp": gradcheck.numerical_gradient(g, arrays["scale_sp"]),
    }


def call(backward, dy, x, arrays, need_dx=True):
    """backward on copies, so a function that writes into its inputs cannot fool the check.

    Returns (dx, dcoef, dscale_base, dscale_sp), or fails on a result of the wrong form.
    """
    p = params(copy.deepcopy(arrays))
    cache = layer_forward(x.copy(), p, need_dx)[1]
    got = backward(dy.copy(), cache, p)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
        pytest.fail(
            "layer_backward must return (dx, grads) with grads a dict, like the "
            f"library's; got {type(got).__name__}",
            pytrace=False,
        )
    dx, grads = got
    missing = sorted({"coef", "scale_base", "scale_sp"} - set(grads))
    if missing:
        pytest.fail(f"grads has no entry {missing}; read {READ}", pytrace=False)
    return dx, grads["coef"], grads["scale_base"], grads["scale_sp"]


def check_gradients(got, dy, x, arrays, label):
    """Fail with the worst entry unless every gradient matches centred differences."""
    expected = numeric_gradients(dy, x, arrays)
    for name, analytic in zip(NAMES, got, strict=True):
        numeric = expected[name]
        shape = getattr(analytic, "shape", None)
        if shape != numeric.shape:
            pytest.fail(
                f"{name} ({label}) has shape {shape}, expected {numeric.shape}: "
                "d<name> has the shape of <name>",
                pytrace=False,
            )
        err = gradcheck.relative_error(analytic, numeric)
        if not err <= 1e-7:
            pytest.fail(
                f"{name} ({label}): relative error {err:.1e} against centred "
                f"differences (expected <= 1e-7); "
                f"{gradcheck.worst_entry(analytic, numeric)}; read {READ}",
                pytrace=False,
            )


@pytest.mark.parametrize("k", [1, 2, 3])
def test_gradients_match_centred_differences(backward, k):
    dy, x, arrays = problem(2, 3, 4, k, seed=k)
    got = call(backward, dy, x, arrays)
    check_gradients(got, dy, x, arrays, f"k={k}")


def test_gradients_on_uneven_knots(backward):
    dy, x, arrays = problem(3, 2, 5, 3, seed=21, uneven=True)
    got = call(backward, dy, x, arrays)
    check_gradients(got, dy, x, arrays, "uneven knots, one row per input")


def test_masked_edges_get_zero_gradients(backward):
    dy, x, arrays = problem(2, 3, 4, 3, seed=5)
    arrays["mask"][1, 0] = 0.0
    got = call(backward, dy, x, arrays)
    check_gradients(got, dy, x, arrays, "with a masked edge")
    _, dcoef, dscale_base, dscale_sp = got
    for name, grad in (
        ("dcoef", dcoef[1, 0]),
        ("dscale_base", dscale_base[1, 0]),
        ("dscale_sp", dscale_sp[1, 0]),
    ):
        if not np.all(grad == 0.0):
            pytest.fail(
                f"{name}[1, 0] must be 0 for the removed edge 1 -> 0 (mask 0), got "
                f"{grad}: multiply by the mask (read tutorials/03_activation.md, "
                "'Masks')",
                pytrace=False,
            )


def test_outside_the_knots_dx_is_the_base_slope(backward, assert_close):
    dy, _, arrays = problem(2, 2, 4, 3, seed=9)
    x = np.array([[-4.0, 3.5], [5.0, -3.0]])  # beyond every knot
    got = call(backward, dy[:2], x, arrays)
    check_gradients(got, dy[:2], x, arrays, "inputs outside the knots")
    dcoef = got[1]  # every input lies outside the knots: no basis function is non-zero
    assert_close(dcoef, np.zeros_like(dcoef), "dcoef outside the knots", atol=0.0, read=READ)


def test_dx_is_none_when_the_forward_did_not_keep_the_derivatives(backward):
    dy, x, arrays = problem(2, 2, 4, 3, seed=4)
    dx, *grads = call(backward, dy, x, arrays, need_dx=False)
    if dx is not None:
        pytest.fail(
            "with a cache from layer_forward(..., need_dx=False), cache.base_prime is "
            f"None and dx must be None, got {type(dx).__name__}; read {READ}",
            pytrace=False,
        )
    assert grads[0].shape == arrays["coef"].shape
