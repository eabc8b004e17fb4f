"""The speed paths compute the same numbers as the definitions (issue 13).

The kept first-layer basis (`bspline_fast.BasisCache`), the knot table, the outer product
for one output (`layer._times_transpose`, `bspline_fast.chain_dx_outer`) and Adam's shorter
list of arrays (`trainable_parameters`) are shortcuts; these tests hold them to the plain
formulas (the same numbers as before them, bit for bit where the order of the arithmetic
is unchanged): the gradient of the mean squared
error built from `bspline.basis` / `bspline.basis_dx` (the Cox-de Boor definition) with
einsum, to 1e-12 relative error, float64.
"""

import numpy as np
import pytest
from scipy.special import expit

import kan_np as kn
from kan_np import bspline, bspline_fast, layer
from kan_np.flat import TrainedArrays

TOL = 1e-12  # rounding only: the shortcuts reorder sums, nothing else


def reference(model, x, y):
    """MSE and its gradient for a numeric KAN, from the definitions and nothing else."""
    saved, h = [], x
    for lay in model.layers:
        saved.append(h)
        B = bspline.basis(h, lay.knots, lay.k)  # (N, I, M)
        w_s, w_b = lay.mask * lay.scale_sp, lay.mask * lay.scale_base  # (I, O)
        h = np.einsum("nim,iom->no", B, w_s[:, :, None] * lay.coef) + (h * expit(h)) @ w_b
    diff = h - y  # (N, O)
    loss, dy = float(np.mean(diff**2)), 2.0 * diff / diff.size  # (N, O)
    grads = [None] * len(model.layers)
    for l in reversed(range(len(model.layers))):
        lay, h = model.layers[l], saved[l]
        B, B_prime = bspline.basis(h, lay.knots, lay.k), bspline.basis_dx(h, lay.knots, lay.k)
        w_s, w_b = lay.mask * lay.scale_sp, lay.mask * lay.scale_base  # (I, O)
        s = expit(h)
        dWc = np.einsum("no,nim->iom", dy, B)  # (I, O, M)
        grads[l] = {"coef": w_s[:, :, None] * dWc,
                    "scale_sp": lay.mask * np.einsum("iom,iom->io", dWc, lay.coef),
                    "scale_base": lay.mask * ((h * s).T @ dy)}  # fmt: skip
        dx_spline = np.einsum("no,iom,nim->ni", dy, w_s[:, :, None] * lay.coef, B_prime)
        dy = dx_spline + s * (1 + h * (1 - s)) * (dy @ w_b.T)  # (N, I)  silu'(h) dbase
    return loss, grads


@pytest.mark.parametrize("width", [[2, 5, 1], [3, 4, 2]])
def test_gradients_equal_the_definitions_on_uneven_knots(width):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, width[0]))  # (N, n_0)
    y = np.sin(x.sum(axis=1, keepdims=True)) + np.zeros((1, width[-1]))  # (N, n_L)
    model = kn.KAN(width, grid=6, k=3, seed=0)
    model.fit((x, y), steps=2, progress=False)  # grid updates: uneven knots, trained splines
    assert not any(bspline_fast.is_uniform(lay.knots) for lay in model.layers)
    loss_ref, grads_ref = reference(model, x, y)
    cold = model.loss_and_grad(x, y)  # builds layer 0's basis
    warm = model.loss_and_grad(x, y)  # reuses it
    assert cold[0] == warm[0] and loss_ref == pytest.approx(cold[0], rel=TOL)
    for l, name, _ in model.trainable_parameters():
        np.testing.assert_array_equal(warm[1][l][name], cold[1][l][name])
        err = np.abs(cold[1][l][name] - grads_ref[l][name]).max()
        scale = np.abs(grads_ref[l][name]).max()
        assert err <= TOL * scale, f"layer {l} d{name}: max error {err:.1e}, scale {scale:.1e}"


def test_basis_cache_rebuilds_when_inputs_or_knots_change():
    rng = np.random.default_rng(1)
    knots = bspline.make_grid(5, 3, I=2)  # (2, 12)
    x = rng.uniform(-1, 1, (30, 2))  # (N, I)
    cache = bspline_fast.BasisCache()
    local, B = cache.get(x, knots, 3)
    assert cache.get(x.copy(), knots.copy(), 3)[1] is B, "same values: kept"
    x[0, 0] += 0.05  # in place: the cache compares values, not identities
    _, B_x = cache.get(x, knots, 3)
    np.testing.assert_array_equal(B_x, bspline_fast.basis(x, knots, 3))
    knots[1] *= 1.1  # a grid change
    _, B_knots = cache.get(x, knots, 3)
    np.testing.assert_array_equal(B_knots, bspline_fast.basis(x, knots, 3))
    local_dx, _ = cache.get(x, knots, 3, derivative=True)
    assert local.values_dx is None and local_dx.values_dx is not None
    assert cache.get(x, knots, 3)[0].values_dx is None, "asked without dx: none"
    assert cache.derived("b", lambda: 1.0) == 1.0 and cache.derived("b", lambda: 2.0) == 1.0


def test_one_output_outer_product_is_the_matrix_product():
    rng = np.random.default_rng(2)
    dy, W = rng.normal(size=(500, 1)), rng.normal(size=(37, 1))
    np.testing.assert_array_equal(layer._times_transpose(dy, W), dy @ W.T)
    dy3, W3 = rng.normal(size=(500, 3)), rng.normal(size=(37, 3))
    np.testing.assert_array_equal(layer._times_transpose(dy3, W3), dy3 @ W3.T)


def test_one_output_chain_rule_reads_the_weights_without_the_outer_product():
    rng = np.random.default_rng(3)
    knots = bspline.extend_grid(np.sort(rng.uniform(-1, 1, (3, 8)), axis=1), 3)  # (3, 14)
    x = rng.uniform(-1.5, 1.5, (40, 3))  # (N, I), some outside the knots
    local = bspline_fast.local_basis(x, knots, 3, derivative=True)
    M = knots.shape[1] - 4
    dy, w = rng.normal(size=(40, 1)), rng.normal(size=3 * M)  # (N, 1), (I*M,)
    dense = bspline_fast.chain_dx((dy * w).reshape(40, 3, M), local)
    np.testing.assert_array_equal(bspline_fast.chain_dx_outer(dy, w, local), dense)


def test_affine_arrays_are_trained_only_where_an_edge_is_symbolic():
    model = kn.KAN([2, 3, 1], seed=0)
    names = {(l, name) for l, name, _ in model.trainable_parameters()}
    assert not any(name == "affine" for _, name in names)
    assert len(names) == 6 and len(model.parameters()) == 8
    model.layers[1].symbolic[(0, 0)] = "sin"
    assert (1, "affine") in {(l, n) for l, n, _ in model.trainable_parameters()}
    trained = TrainedArrays(model, zero_free=True)  # what fit's Adam changes
    assert [(l, n) for l, n, _ in trained.items] == [(l, n) for l, n, _ in
                                                     model.trainable_parameters()]  # fmt: skip
    assert len(TrainedArrays(model).items) == 8, "L-BFGS's vector keeps every array"
    theta = trained.get_flat()
    trained.set_flat(2 * theta)
    np.testing.assert_array_equal(trained.get_flat(), 2 * theta)


def test_lbfgs_history_is_a_checked_fit_option():
    x = np.linspace(-1, 1, 40).reshape(20, 2)  # (N, 2)
    y = x[:, :1] * x[:, 1:]  # (N, 1)
    with pytest.raises(ValueError, match="lbfgs_history"):
        kn.KAN([2, 2, 1], seed=0).fit((x, y), steps=1, lbfgs_history=0, progress=False)
    short = kn.KAN([2, 2, 1], seed=0).fit((x, y), steps=2, lbfgs_history=3, progress=False)
    assert len(short["loss"]) == 2 and np.isfinite(short["loss"]).all()
