"""kan_np against numbers computed by pykan 0.2.8 (tests/data/pykan_reference.npz).

The file, its keys and the rules behind every number are described in tests/data/README.md.
A KAN([2, 3, 1], grid=5, k=3) gets pykan's parameters written into its arrays; then the
basis, every layer's inputs, spline values and edge activations, the output, the grid update
from samples and the grid extension (refine) must agree with pykan's to rounding error.

Tolerance: `assert_allclose(ours, pykan, rtol=1e-10, atol=1e-12)` everywhere, the data
README's suggestion (values are O(1e-3 .. 10)). Measured maximal absolute differences:
2.2e-16 (basis), 5.6e-17 (activations), 2.2e-16 (updated grids), 5.1e-16 (least-squares
coefficients after a grid update), 9.4e-16 (coefficients after update + refine).

One stored array is deliberately not compared: `refine_coef_1` (and `refine_out`, which
depends on it). pykan's layer-1 refit there is rank deficient, and torch's gelsy returns
all-zero coefficients (see the data README); kan_np's minimum-norm fit keeps the spline,
which `test_refine_keeps_the_rank_deficient_layer_on_its_samples` checks instead.
"""

import numpy as np
import pytest

from kan_np import bspline, bspline_fast
from tests.reference import load_reference, pykan_model

LAYERS = (0, 1)
K = 3


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def close(ours, theirs, what):
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12, err_msg=what)


# ---------------------------------------------------------------------------------- basis
@pytest.mark.parametrize("l", LAYERS)
@pytest.mark.parametrize("fn", [bspline.basis, bspline_fast.basis])
def test_basis_on_the_layer_inputs(ref, l, fn):
    ours = fn(ref[f"input_{l}"], ref[f"grid_{l}"], K)  # (N, I, M)
    close(ours, ref[f"basis_{l}"], f"{fn.__module__}, basis_{l}")


@pytest.mark.parametrize("k", [0, 1, 2, 3])
@pytest.mark.parametrize("fn", [bspline.basis, bspline_fast.basis])
def test_basis_on_uneven_knots_including_every_knot(ref, k, fn):
    # rows 30..40 of bspline_x are the k = 3 knots exactly: the half-open rule is tested
    ours = fn(ref["bspline_x"], ref[f"bspline_grid_k{k}"], k)
    close(ours, ref[f"bspline_basis_k{k}"], f"{fn.__module__}, bspline_basis_k{k}")


# --------------------------------------------------------------------------------- forward
def test_network_output(ref):
    close(pykan_model(ref)(ref["x"]), ref["out"], "out")


def test_layer_inputs_spline_values_and_activations(ref):
    model = pykan_model(ref)
    inputs = model.layer_inputs(ref["x"])
    acts = model.activations(ref["x"])
    for l in LAYERS:
        close(inputs[l], ref[f"input_{l}"], f"input_{l}")
        close(model.layers[l].spline_values(inputs[l]), ref[f"spline_{l}"], f"spline_{l}")
        close(acts[l], ref[f"acts_{l}"], f"acts_{l}")
        close(acts[l].sum(axis=1), model.layers[l].forward(inputs[l])[0], f"sum of acts_{l}")


# ------------------------------------------------------------------------------------ grids
def test_grid_update_from_samples(ref):
    model = pykan_model(ref)
    model.update_grid(ref["x"], margin=0.0)  # pykan 0.2.8: grid_eps = 0.02, no margin
    for l in LAYERS:
        close(model.layers[l].knots, ref[f"update_grid_{l}"], f"update_grid_{l}")
        close(model.layers[l].coef, ref[f"update_coef_{l}"], f"update_coef_{l}")
    close(model(ref["x"]), ref["update_out"], "update_out")


def test_refine_knots_and_full_rank_coefficients(ref):
    refined = pykan_model(ref).refine(10, x=ref["x"])
    assert refined.grid == 10
    for l in LAYERS:
        close(refined.layers[l].knots, ref[f"refine_grid_{l}"], f"refine_grid_{l}")
    assert ref["refine_full_rank"].tolist() == [1, 0]
    close(refined.layers[0].coef, ref["refine_coef_0"], "refine_coef_0 (full rank)")


def test_refine_keeps_the_rank_deficient_layer_on_its_samples(ref):
    model = pykan_model(ref)
    refined = model.refine(10, x=ref["x"])
    hidden = ref["input_1"]  # (N, 3) spans only about [-0.48, 0.46] of the [-1, 1] grid
    close(refined.layers[1].spline_values(hidden), model.layers[1].spline_values(hidden),
          "refined layer 1 spline at its samples")  # fmt: skip
    close(refined(ref["x"]), ref["out"], "refined output equals the unrefined one on x")


def test_update_then_refine(ref):
    model = pykan_model(ref)
    model.update_grid(ref["x"], margin=0.0)  # pykan 0.2.8
    refined = model.refine(10, x=ref["x"])
    assert ref["update_refine_full_rank"].tolist() == [1, 1]
    for l in LAYERS:
        close(refined.layers[l].knots, ref[f"update_refine_grid_{l}"], f"update_refine_grid_{l}")
        close(refined.layers[l].coef, ref[f"update_refine_coef_{l}"], f"update_refine_coef_{l}")
    close(refined(ref["x"]), ref["update_refine_out"], "update_refine_out")
