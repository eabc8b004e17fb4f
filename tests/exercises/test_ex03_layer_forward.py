"""Checker for exercise 03.1 (tutorials/exercises/ex03_layer_forward.py): the layer forward.

Plain `pytest` tests the reference, kan_np.layer.layer_forward;
`KAN_NP_EXERCISES=student pytest -m ex03_1 tests/exercises` tests the student's
`layer_forward` (same signature; only y, the first of its two results, is checked).
Expected values are computed edge by edge with SciPy's B-splines and the sigmoid from
scipy.special, independently of kan_np's basis and matrix product.
"""

import numpy as np
import pytest
from scipy.interpolate import BSpline
from scipy.special import expit

from kan_np.layer import LayerParams, layer_forward
from tests.strategies import random_layer_arrays

pytestmark = pytest.mark.ex03_1
READ = "tutorials/03_activation.md"


@pytest.fixture
def forward(exercise):
    """y (N, O) of the function under test, from x and the arrays of `random_layer`."""
    function = exercise("ex03_layer_forward", layer_forward)

    def y_of(x, grid, coef, scale_base, scale_sp, mask, k):
        p = LayerParams(grid, coef, scale_base, scale_sp, mask, k)
        out = function(x.copy(), p, need_dx=False)
        if not (isinstance(out, tuple) and len(out) == 2):
            pytest.fail(
                "layer_forward must return a pair (y, cache), like the library's "
                f"(cache may be None); got {type(out).__name__}",
                pytrace=False,
            )
        return out[0]

    return y_of


def edge_by_edge(x, grid, coef, scale_base, scale_sp, mask, k):
    """sum_i mask (w_b silu(x) + w_s sum_m c_m B_m(x)), one edge at a time, with SciPy."""
    N, I = x.shape
    O, M = coef.shape[1:]
    y = np.zeros((N, O))
    for i in range(I):
        B = np.stack(
            [
                np.nan_to_num(
                    BSpline.basis_element(grid[i, m : m + k + 2], extrapolate=False)(x[:, i])
                )
                for m in range(M)
            ],
            axis=-1,
        )  # (N, M), 0 outside each support
        for o in range(O):
            phi = scale_base[i, o] * x[:, i] * expit(x[:, i]) + scale_sp[i, o] * B @ coef[i, o]
            y[:, o] += mask[i, o] * phi
    return y


def random_layer(I, O, G, k, seed, uneven=False):
    """Arrays of a layer with visible splines, and inputs inside and outside its grid."""
    rng = np.random.default_rng(seed)
    arrays = random_layer_arrays(I, O, G, k, rng, uneven)
    grid = arrays["grid"]
    lo, hi = grid[:, 0] - 0.5, grid[:, -1] + 0.5  # (I,)
    x = lo + (hi - lo) * rng.random((50, I))  # (N, I)
    return x, arrays


def test_output_has_shape_N_O(forward):
    x, arrays = random_layer(3, 2, 5, 3, seed=0)
    y = forward(x, **arrays)
    assert isinstance(y, np.ndarray) and y.shape == (50, 2), (
        f"layer_forward(x (50, 3), ...) for 3 inputs and 2 outputs must return (N, O) = "
        f"(50, 2), got {getattr(y, 'shape', type(y).__name__)}; sum the edges over the inputs"
    )


@pytest.mark.parametrize("k", [1, 2, 3])
def test_matches_edge_by_edge_evaluation(forward, assert_close, k):
    x, arrays = random_layer(3, 4, 5, k, seed=k)
    assert_close(forward(x, **arrays), edge_by_edge(x, **arrays), f"y (k={k})", read=READ)


def test_uneven_knots_one_row_per_input(forward, assert_close):
    x, arrays = random_layer(3, 2, 4, 3, seed=7, uneven=True)
    assert_close(
        forward(x, **arrays),
        edge_by_edge(x, **arrays),
        "y (uneven knots)",
        read=READ + " (each input has its own row of knots)",
    )


def test_masked_edges_contribute_nothing(forward, assert_close):
    x, arrays = random_layer(2, 3, 5, 3, seed=11)
    arrays["mask"][0, 1] = 0.0
    arrays["mask"][1, 2] = 0.0
    y = forward(x, **arrays)
    assert_close(y, edge_by_edge(x, **arrays), "y with masked edges", read=READ + ", 'Masks'")
    arrays["coef"][0, 1] += 10.0  # a removed edge's parameters must not matter
    arrays["scale_base"][1, 2] += 10.0
    assert_close(
        forward(x, **arrays),
        y,
        "y after changing only masked edges' parameters",
        read=READ + ", 'Masks'",
    )


def test_outside_the_knots_only_the_base_branch_is_left(forward, assert_close):
    _, arrays = random_layer(2, 3, 5, 3, seed=13)
    x = np.array([[-4.0, 3.0], [5.0, -3.5]])  # beyond t_0 = -2.2 and t_last = 2.2
    base = x * expit(x)  # (N, I)
    assert_close(
        forward(x, **arrays),
        base @ (arrays["mask"] * arrays["scale_base"]),
        "y outside the knots (the spline part is 0 there)",
        read="tutorials/02_bsplines.md, 'the extrapolation rule'",
    )
