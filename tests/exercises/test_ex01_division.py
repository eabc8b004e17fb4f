"""Checker for exercise 01.1 (tutorials/exercises/ex01_division.py): a [2, 1, 1] KAN for x / y.

Plain `pytest` checks the reference construction below (x / y = exp(log x - log y));
`KAN_NP_EXERCISES=student pytest -m ex01_1 tests/exercises` checks the student's
`division_kan`. Only the network's function is checked, so any correct design passes.
"""

import numpy as np
import pytest

import kan_np as kn
from kan_np import bspline

pytestmark = pytest.mark.ex01_1
READ = "tutorials/01_kat.md, 'A representation you can write down: x·y'"


def division_kan(grid=20, k=3):
    """Reference: inner edges log x and -log y, outer edge exp, splines only."""
    model = kn.KAN(width=[2, 1, 1], grid=grid, k=k, seed=0)
    inner, outer = model.layers
    inner.knots[...] = bspline.make_grid(grid, k, grid_range=(0.5, 1.5), I=2)  # (2, G+2k+1)
    s = np.linspace(0.5, 1.5, 200)[:, None].repeat(2, axis=1)  # (N, 2)
    want = np.stack([np.log(s[:, 0]), -np.log(s[:, 1])], axis=1)[:, :, None]  # (N, 2, 1)
    inner.coef[...] = bspline.fit_coef(s, want, inner.knots, k)
    reach = np.log(3.0)  # log x - log y covers [-log 3, log 3]
    outer.knots[...] = bspline.make_grid(grid, k, grid_range=(-reach, reach), I=1)
    u = np.linspace(-reach, reach, 200)[:, None]  # (N, 1)
    outer.coef[...] = bspline.fit_coef(u, np.exp(u)[:, :, None], outer.knots, k)
    for layer in model.layers:
        layer.scale_base[...] = 0.0  # no silu branch
        layer.scale_sp[...] = 1.0  # the spline alone
    return model


@pytest.fixture
def build(exercise):
    return exercise("ex01_division", division_kan)


def test_is_a_2_1_1_kan(build, require):
    model = build()
    require(isinstance(model, kn.KAN), f"return a kan_np.KAN, got {type(model).__name__}",
            read=READ)  # fmt: skip
    require(model.width == [2, 1, 1], f"the width must be [2, 1, 1], got {model.width}: one "
            "hidden node is enough (what turns a quotient into a sum?)", read=READ)  # fmt: skip


def test_computes_x_over_y(build, assert_close):
    model = build()
    xy = np.random.default_rng(0).uniform(0.5, 1.5, (2000, 2))  # (N, 2)
    corners = np.array([[0.5, 0.5], [0.5, 1.5], [1.5, 0.5], [1.5, 1.5], [1.0, 1.0]])  # (5, 2)
    xy = np.vstack([xy, corners])  # (N + 5, 2)
    truth = xy[:, [0]] / xy[:, [1]]  # (N + 5, 1)
    assert_close(model(xy), truth, "KAN(x, y) against x / y on [0.5, 1.5]^2", rtol=1e-4,
                 atol=0.0, read=READ + " (does the outer layer's grid cover the hidden "
                 "node's whole range?)")  # fmt: skip
