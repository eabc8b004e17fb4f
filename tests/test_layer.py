"""KAN layer and network: forward identities and gradient checks of every backward pass."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import kan_np as kn
from kan_np import edges
from kan_np.gradcheck import numerical_gradient, relative_error, vjp_check, worst_entry
from kan_np.layer import KANLayer, layer_backward, layer_forward
from tests.strategies import away_from_knots, widths

TOL = 1e-7  # centred differences, h = 1e-5, float64, samples away from knots


def random_layer(I, O, G, k, seed, base_fun="silu"):
    rng = np.random.default_rng(seed)
    layer = KANLayer(I, O, grid=G, k=k, base_fun=base_fun, rng=rng)
    # make every parameter matter (the pykan init starts splines near zero)
    layer.coef[...] = rng.normal(size=layer.coef.shape)
    layer.scale_base[...] = rng.normal(size=layer.scale_base.shape)
    layer.scale_sp[...] = rng.normal(size=layer.scale_sp.shape)
    layer.mask[...] = rng.random(layer.mask.shape) > 0.2
    return layer, rng


def check(name, analytic, numeric, tol=TOL):
    err = relative_error(analytic, numeric)
    assert err <= tol, f"{name}: relative error {err:.2e} > {tol:.0e}; " + worst_entry(
        analytic, numeric
    )


@settings(max_examples=25)
@given(
    st.integers(1, 4), st.integers(1, 4), st.integers(1, 8), st.integers(1, 4),
    st.sampled_from(["silu", "identity", "zero"]), st.booleans(), st.integers(0, 10**6),
)  # fmt: skip
def test_layer_backward_matches_centred_differences(I, O, G, k, base_fun, with_dacts, seed):
    layer, rng = random_layer(I, O, G, k, seed, base_fun)
    x = away_from_knots(rng.uniform(-1.3, 1.3, (7, I)), layer.knots, 1e-3)
    dy = rng.normal(size=(7, O))  # random upstream gradient
    dacts = rng.normal(size=(7, I, O)) if with_dacts else None

    def objective():  # L = <dy, y> + <dacts, acts>: its gradient is what backward returns
        y, cache = layer.forward(x, want_acts=True)
        value = np.sum(dy * y)
        return value + (np.sum(dacts * cache.acts) if with_dacts else 0.0)

    _, cache = layer.forward(x, want_acts=with_dacts)
    dx, grads = layer.backward(dy, cache, dacts)
    check("dx", dx, numerical_gradient(objective, x))
    for name in ("coef", "scale_base", "scale_sp"):
        check(f"d{name}", grads[name], numerical_gradient(objective, getattr(layer, name)))


def test_vjp_check_of_the_layer_output():
    layer, rng = random_layer(3, 2, 5, 3, seed=4)
    x = away_from_knots(rng.uniform(-1, 1, (10, 3)), layer.knots, 1e-3)
    dy = rng.normal(size=(10, 2))
    _, cache = layer.forward(x)
    dx, _ = layer.backward(dy, cache)
    err, _ = vjp_check(lambda: layer.forward(x)[0], x, dy, dx)
    assert err <= TOL


@settings(max_examples=15)
@given(widths(), st.integers(1, 6), st.integers(1, 3), st.integers(0, 10**6))
def test_network_loss_gradient_every_parameter(width, G, k, seed):
    model = kn.KAN(width, grid=G, k=k, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.coef[...] = rng.normal(size=layer.coef.shape)
    x = away_from_knots(rng.uniform(-1, 1, (6, width[0])), model.layers[0].knots, 1e-3)
    y = rng.normal(size=(6, width[-1]))
    _, inputs, _ = model.forward_all(x)
    for layer, h in zip(model.layers[1:], inputs[1:], strict=True):  # hidden values too
        assume(np.all(np.abs(h[:, :, None] - layer.knots[None]) > 1e-4))
    loss, grads = model.loss_and_grad(x, y)
    for l, name, arr in model.parameters():
        if name == "affine":
            assert np.all(grads[l][name] == 0.0), "no symbolic edges: no affine gradient"
            continue
        numeric = numerical_gradient(lambda: model.loss_and_grad(x, y)[0], arr)
        check(f"layer {l} d{name}", grads[l][name], numeric)
    assert grads[0]["coef"].shape == model.layers[0].coef.shape


def test_output_is_the_sum_of_edge_activations():
    layer, rng = random_layer(4, 3, 6, 3, seed=2)
    x = rng.uniform(-2, 2, (20, 4))
    y, cache = layer.forward(x, want_acts=True)
    np.testing.assert_allclose(cache.acts.sum(axis=1), y, atol=1e-12)
    np.testing.assert_allclose(layer.activations(x), cache.acts, atol=0)


def test_far_outside_the_grid_only_the_base_function_remains():
    layer, _ = random_layer(2, 2, 5, 3, seed=3)
    x = np.array([[1e6, -1e6], [50.0, -50.0]])
    acts = layer.activations(x)
    silu = x * expit(x)
    expected = layer.mask * layer.scale_base * silu[:, :, None]
    np.testing.assert_allclose(acts, expected, rtol=1e-12)
    assert np.all(np.isfinite(acts))


def test_gradient_at_a_knot_uses_the_right_derivative():
    """At a knot, k=1 splines have a kink: centred differences average the two sides.

    The analytic dx takes the derivative of the interval on the right (half-open
    convention), so it agrees with a one-sided difference and not with the centred one.
    """
    layer, rng = random_layer(1, 1, 4, 1, seed=5, base_fun="zero")
    knot = layer.knots[0, 3]
    x = np.array([[knot]])
    _, cache = layer.forward(x)
    dx, _ = layer.backward(np.ones((1, 1)), cache)
    h = 1e-6
    f = lambda v: layer.forward(np.array([[v]]))[0][0, 0]  # noqa: E731
    right = (f(knot + h) - f(knot)) / h
    left = (f(knot) - f(knot - h)) / h
    centred = (f(knot + h) - f(knot - h)) / (2 * h)
    assert abs(right - left) > 1e-3, "the slope jumps at the knot"
    assert dx[0, 0] == pytest.approx(right, rel=1e-6)
    assert relative_error(dx, np.array([[centred]])) > 1e-3


def test_flat_parameter_vector_round_trip():
    model = kn.KAN([2, 3, 1], seed=1)
    theta = model.get_flat()
    assert theta.shape == (model.num_parameters(),)
    model.set_flat(theta * 2)
    np.testing.assert_allclose(model.get_flat(), theta * 2)
    coef_before = model.layers[0].coef
    model.set_flat(theta)
    assert model.layers[0].coef is coef_before, "set_flat writes into the model's own arrays"
    _, grads = model.loss_and_grad(np.zeros((3, 2)), np.zeros((3, 1)))
    assert model.flatten_grads(grads).shape == theta.shape
    with pytest.raises(ValueError, match="entries"):
        model.set_flat(theta[:-1])


def test_both_initialisations_and_seeds():
    a = kn.KAN([2, 5, 1], seed=0)
    b = kn.KAN([2, 5, 1], seed=0)
    c = kn.KAN([2, 5, 1], seed=1)
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    assert not np.array_equal(a.get_flat(), c.get_flat())
    paper = kn.KAN([2, 5, 1], seed=0, init="paper")
    np.testing.assert_array_equal(paper.layers[0].scale_sp, 1.0)
    np.testing.assert_allclose(a.layers[0].scale_sp, 1 / np.sqrt(2))
    assert np.max(np.abs(a.layers[0].coef)) < 0.3, "pykan init: small noise splines"


def test_the_pair_reads_need_dx_from_the_cache_and_names_wrong_shapes():
    layer, rng = random_layer(3, 2, 5, 3, seed=6)
    p = layer.layer_params()
    x = rng.uniform(-1, 1, (4, 3))
    y, cache = layer_forward(x, p, need_dx=False)
    dx, grads = layer_backward(np.ones_like(y), cache, p)
    assert dx is None and grads["coef"].shape == layer.coef.shape
    assert layer.backward(np.ones_like(y), layer.forward(x, need_dx=False)[1])[0] is None
    with pytest.raises(ValueError, match=r"x must have shape \(N, I\) = \(\*, 3\), got \(4, 2\)"):
        layer_forward(x[:, :2], p)
    with pytest.raises(ValueError, match=r"dy must have shape \(N, O\) = \(4, 2\)"):
        layer_backward(np.ones((4, 3)), cache, p)


@settings(max_examples=10)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10**6))
def test_edge_acts_pair_matches_centred_differences(I, O, k, seed):
    layer, rng = random_layer(I, O, 4, k, seed)
    x = away_from_knots(rng.uniform(-1.3, 1.3, (5, I)), layer.knots, 1e-3)
    dacts = rng.normal(size=(5, I, O))
    p = layer.layer_params()
    objective = lambda: np.sum(dacts * edges.edge_acts(layer_forward(x, p)[1], p))  # noqa: E731
    dx, grads = edges.edge_acts_backward(dacts, layer_forward(x, p)[1], p)
    check("dx", dx, numerical_gradient(objective, x))
    for name in ("coef", "scale_base", "scale_sp"):
        check(f"d{name}", grads[name], numerical_gradient(objective, getattr(layer, name)))
