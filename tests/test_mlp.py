"""The MLP baseline: gradient checks, the parameter vector, and training through `fit`."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kan_np import training
from kan_np.datasets import create_dataset
from kan_np.gradcheck import numerical_gradient, relative_error, worst_entry
from kan_np.mlp import MLP, DenseLayer, width_for_parameters
from tests.strategies import widths

TOL = 1e-7  # centred differences, h = 1e-5, float64; tanh and silu are smooth everywhere


def check(name, analytic, numeric, tol=TOL):
    err = relative_error(analytic, numeric)
    assert err <= tol, f"{name}: relative error {err:.2e} > {tol:.0e}; " + worst_entry(
        analytic, numeric
    )


@settings(max_examples=25)
@given(widths(max_layers=3, max_width=4), st.sampled_from(["tanh", "silu"]),
       st.integers(0, 10**6))  # fmt: skip
def test_loss_gradient_matches_centred_differences(width, activation, seed):
    model = MLP(width, activation, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (6, width[0]))  # (N, n_0)
    y = rng.normal(size=(6, width[-1]))  # (N, n_L)
    loss, grads = model.loss_and_grad(x, y)
    assert loss == pytest.approx(np.mean((model(x) - y) ** 2), rel=1e-12)
    for l, name, arr in model.parameters():
        numeric = numerical_gradient(lambda: model.loss_and_grad(x, y)[0], arr)
        check(f"layer {l} d{name}", grads[l][name], numeric)


@settings(max_examples=20)
@given(st.integers(1, 4), st.integers(1, 4), st.sampled_from(["tanh", "silu", None]),
       st.integers(0, 10**6))  # fmt: skip
def test_layer_backward_is_the_vector_jacobian_product(I, O, activation, seed):
    rng = np.random.default_rng(seed)
    layer = DenseLayer(I, O, activation, rng)
    x = rng.uniform(-2, 2, (5, I))  # (N, I)
    dy = rng.normal(size=(5, O))  # random upstream gradient

    def objective():  # <dy, y>: its gradient is what backward returns
        return float(np.sum(dy * layer.forward(x)[0]))

    dx, grads = layer.backward(dy, layer.forward(x)[1])
    check("dx", dx, numerical_gradient(objective, x))
    check("dweight", grads["weight"], numerical_gradient(objective, layer.weight))
    check("dbias", grads["bias"], numerical_gradient(objective, layer.bias))


def test_parameter_vector_round_trip_and_count():
    model = MLP([3, 5, 4, 2], seed=1)
    assert model.num_parameters() == (3 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 2
    theta = np.arange(model.num_parameters(), dtype=float)
    model.set_flat(theta)
    np.testing.assert_array_equal(model.get_flat(), theta)
    assert model.layers[0].weight[0, 1] == 1.0  # the model's own storage was written
    _, grads = model.loss_and_grad(np.zeros((2, 3)), np.zeros((2, 2)))
    assert model.flatten_grads(grads).shape == theta.shape
    with pytest.raises(ValueError, match="theta must have shape"):
        model.set_flat(theta[:-1])


def test_the_last_layer_is_linear_and_copies_are_independent():
    model = MLP([1, 3, 1], activation="silu", seed=0)
    assert model.layers[-1].activation is None and model.layers[0].activation == "silu"
    twin = model.copy()
    twin.layers[0].weight += 1.0
    assert not np.allclose(twin.layers[0].weight, model.layers[0].weight)


@pytest.mark.parametrize("opt", ["lbfgs", "adam"])
def test_training_fit_trains_an_mlp_with_the_kan_optimisers(opt):
    ds = create_dataset(lambda x: np.sin(2 * x[:, [0]]) * x[:, [1]], n_var=2, n_train=200,
                        n_test=100, seed=0)  # fmt: skip
    model = MLP([2, 8, 1], seed=0)
    start = np.sqrt(np.mean((model(ds["test_input"]) - ds["test_label"]) ** 2))
    steps = 5 if opt == "lbfgs" else 100
    history = training.fit(model, ds, opt=opt, steps=steps, progress=False)  # grid updates on
    assert len(history["test_rmse"]) == steps
    assert history["test_rmse"][-1] < 0.3 * start
    assert model.train_input is not None
    assert model.fit(ds, steps=1, update_grid=False, progress=False)["loss"]  # the method form


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="activation must be one of"):
        MLP([2, 3, 1], activation="relu6")
    with pytest.raises(ValueError, match="width"):
        MLP([2])
    model = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="3 columns but 2"):
        model(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="rows"):
        model.loss_and_grad(np.zeros((4, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="KANs only"):
        training.fit(model, (np.zeros((4, 2)), np.zeros((4, 1))), lamb=1e-3, progress=False)


@given(st.integers(1, 5), st.integers(1, 3), st.integers(2, 5), st.integers(10, 5000))
def test_width_for_parameters_is_the_nearest_width(n_in, n_out, depth, target):
    H = width_for_parameters(n_in, n_out, depth, target)

    def count(h):
        return MLP([n_in] + [h] * (depth - 1) + [n_out]).num_parameters()

    assert H >= 1
    assert abs(count(H) - target) <= abs(count(H + 1) - target)
    if H > 1:
        assert abs(count(H) - target) <= abs(count(H - 1) - target)
