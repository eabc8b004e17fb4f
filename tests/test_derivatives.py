"""Input derivatives (kan_np/derivatives.py): basis derivatives against SciPy, the network's
u_x and u_xx against finite differences, and every backward against centred differences.

Expected orders in float64: basis derivatives agree with scipy.interpolate.BSpline to
1e-12 relative; u_x and u_xx agree with centred differences (h = 1e-4) to about 1e-7;
the gradient checks (h = 1e-5, vector-Jacobian form, random upstream gradients) reach
relative errors below 1e-6 (about 1e-9 is typical). Samples avoid the knots of the first
layer, where a cubic spline's third derivative (used by the backward pass) jumps.
"""

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy.interpolate import BSpline

from kan_np import KAN, bspline, derivatives, gradcheck
from kan_np.mlp import MLP
from tests.strategies import away_from_knots, knot_vectors, samples_on


def knots_of(kind, G=5, k=3):
    if kind == "uniform":
        return bspline.make_grid(G, k, (-1.0, 1.0), I=2)  # (2, G+2k+1)
    rng = np.random.default_rng(1)
    steps = rng.uniform(0.2, 0.6, (2, G))  # (2, G) uneven intervals
    return bspline.extend_grid(np.cumsum(np.hstack([np.zeros((2, 1)), steps]), axis=1) - 1, k)


@pytest.mark.parametrize("kind", ["uniform", "uneven"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_basis_derivative_matches_scipy(kind, k):
    knots = knots_of(kind, k=k)  # (2, G+2k+1)
    rng = np.random.default_rng(0)
    x = away_from_knots(samples_on(knots, k, 40, rng), knots, 1e-3)  # (40, 2)
    M = knots.shape[1] - 1 - k
    for order in range(4):
        ours = derivatives.basis_derivative(x, knots, k, order)  # (40, 2, M)
        for i in range(2):
            spline = BSpline(knots[i], np.eye(M), k)
            theirs = spline.derivative(order)(x[:, i]) if order <= k else 0 * ours[:, i]
            assert gradcheck.relative_error(ours[:, i], theirs) < 1e-12, (kind, k, order, i)


@given(knot_vectors(max_inputs=2, max_G=6), st.integers(0, 2**31 - 1))
def test_basis_derivatives_of_a_partition_of_unity_sum_to_zero(knots_G_k, seed):
    knots, G, k = knots_G_k
    x = samples_on(knots, k, 10, np.random.default_rng(seed))  # (10, I) inside the range
    for order in range(1, 4):
        total = derivatives.basis_derivative(x, knots, k, order).sum(axis=2)  # (10, I)
        scale = max(1.0, np.abs(derivatives.basis_derivative(x, knots, k, order)).max())
        assert np.all(np.abs(total) <= 1e-9 * scale)


@pytest.mark.parametrize("name", ["silu", "tanh"])
def test_function_derivatives_match_sympy(name):
    t = sympy.symbols("t")
    f = t / (1 + sympy.exp(-t)) if name == "silu" else sympy.tanh(t)
    x = np.linspace(-4, 4, 9)  # (9,)
    ours = derivatives.FUNCTIONS[name](x)
    for r in range(4):
        exact = sympy.lambdify(t, sympy.diff(f, t, r), "numpy")(x)
        assert np.allclose(ours[r], exact, rtol=1e-12, atol=1e-12), (name, r)


def trained_like_kan(width=(2, 2, 2), G=3, seed=0):
    """A KAN whose splines are visibly non-zero (random coefficients of order one)."""
    model = KAN(list(width), grid=G, k=3, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for layer in model.layers:
        layer.coef[...] = rng.normal(0.0, 0.5, layer.coef.shape)
    return model


MODELS = {
    "kan": lambda: trained_like_kan(),
    "mlp-tanh": lambda: MLP([2, 4, 3, 2], activation="tanh", seed=0),
    "mlp-silu": lambda: MLP([2, 4, 3, 2], activation="silu", seed=0),
}


def points(model, n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.9, 0.9, (n, 2))  # (n, 2)
    if hasattr(model.layers[0], "coef"):
        x = away_from_knots(x, model.layers[0].knots, 0.02)
    return x


@pytest.mark.parametrize("name", MODELS)
def test_input_derivatives_match_finite_differences(name):
    model = MODELS[name]()
    x = points(model)  # (N, 2)
    u, u_x, u_xx, _ = derivatives.forward(model, x)
    assert np.allclose(u, model(x), rtol=1e-12, atol=1e-12)
    h = 1e-4
    for d in range(2):
        e = np.zeros(2)
        e[d] = h
        fd_x = (model(x + e) - model(x - e)) / (2 * h)  # (N, O)
        plus, minus = derivatives.forward(model, x + e)[1], derivatives.forward(model, x - e)[1]
        fd_xx = (plus[:, d, :] - minus[:, d, :]) / (2 * h)  # (N, O)
        assert gradcheck.relative_error(u_x[:, d, :], fd_x) < 1e-6, gradcheck.worst_entry(
            u_x[:, d, :], fd_x
        )
        assert gradcheck.relative_error(u_xx[:, d, :], fd_xx) < 1e-6, gradcheck.worst_entry(
            u_xx[:, d, :], fd_xx
        )
    lap = derivatives.laplacian(model, x)  # (N, O)
    assert np.allclose(lap, u_xx.sum(axis=1))


@pytest.mark.parametrize("name", MODELS)
def test_parameter_gradients_of_a_loss_on_derivatives(name):
    """loss = sum(U0 u) + sum(U1 u_x) + sum(U2 u_xx): every parameter, centred differences."""
    model = MODELS[name]()
    x = points(model, n=6)
    rng = np.random.default_rng(3)
    u, u_x, u_xx, caches = derivatives.forward(model, x)
    U = [rng.normal(size=a.shape) for a in (u, u_x, u_xx)]  # upstream gradients
    grads = derivatives.backward(model, *U, caches)

    def loss():
        outs = derivatives.forward(model, x)[:3]
        return sum(float(np.sum(w * a)) for w, a in zip(U, outs, strict=True))

    for l, pname, arr in model.parameters():
        numeric = gradcheck.numerical_gradient(loss, arr)
        error = gradcheck.relative_error(grads[l][pname], numeric)
        assert error < 1e-6, f"layer {l} {pname}: {error:.1e}; " + gradcheck.worst_entry(
            grads[l][pname], numeric
        )


def test_kan_layer_backward_to_its_inputs():
    """dz, dz_x, dz_xx of one KAN layer (what the previous layer receives)."""
    layer = trained_like_kan(width=(3, 2)).layers[0]
    p = derivatives.kan_arrays(layer)
    rng = np.random.default_rng(4)
    z = away_from_knots(rng.uniform(-1, 1, (5, 3)), p.knots, 0.02)  # (5, 3)
    z_x, z_xx = rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 2, 3))  # D = 2
    outs = derivatives.kan_forward(z, z_x, z_xx, p)
    U = [rng.normal(size=a.shape) for a in outs[:3]]
    dins = derivatives.kan_backward(*U, outs[3])[:3]

    def loss():
        new = derivatives.kan_forward(z, z_x, z_xx, p)[:3]
        return sum(float(np.sum(w * a)) for w, a in zip(U, new, strict=True))

    for what, arr, analytic in zip(("dz", "dz_x", "dz_xx"), (z, z_x, z_xx), dins, strict=True):
        numeric = gradcheck.numerical_gradient(loss, arr)
        assert gradcheck.relative_error(analytic, numeric) < 1e-6, what


@pytest.mark.parametrize("name", ["kan", "mlp-tanh"])
def test_poisson_loss_gradient(name):
    model = trained_like_kan(width=(2, 2, 1)) if name == "kan" else MLP([2, 5, 1], seed=1)
    rng = np.random.default_rng(5)
    x_in = points(model, n=10)  # (10, 2)
    f = rng.normal(size=(10, 1))
    x_bd = np.array([[-1.0, 0.3], [1.0, -0.5], [0.2, -1.0], [-0.7, 1.0]])  # (4, 2)
    g = rng.normal(size=(4, 1))
    loss, grads, terms = derivatives.poisson_loss_and_grad(model, x_in, f, x_bd, g, alpha=0.1)
    lap = derivatives.laplacian(model, x_in)
    assert np.isclose(terms["interior"], np.mean((lap - f) ** 2))
    assert np.isclose(loss, 0.1 * terms["interior"] + np.mean((model(x_bd) - g) ** 2))
    theta = model.get_flat()

    def at(t):
        model.set_flat(t)
        return derivatives.poisson_loss_and_grad(model, x_in, f, x_bd, g, alpha=0.1)[0]

    numeric = gradcheck.numerical_gradient(lambda: at(theta), theta)
    model.set_flat(theta)
    analytic = model.flatten_grads(grads)
    assert gradcheck.relative_error(analytic, numeric) < 1e-6


def test_symbolic_edges_are_refused():
    model = KAN([2, 1], grid=3, seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    model.fix_symbolic(0, 0, 0, "sin", x=x)
    with pytest.raises(ValueError, match="symbolic edges"):
        derivatives.forward(model, x)


def test_bad_input_is_explained():
    model = KAN([2, 2, 1], grid=3, seed=0)
    x = np.zeros((3, 2))
    with pytest.raises(ValueError, match="3 columns but 2"):
        derivatives.forward(model, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="one row per point"):
        derivatives.poisson_loss_and_grad(model, x, np.zeros((2, 1)), x, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="1 output"):
        derivatives.poisson_loss_and_grad(KAN([2, 2], grid=3), x, x[:, :1], x, x[:, :1])
    with pytest.raises(ValueError, match="alpha"):
        derivatives.poisson_loss_and_grad(model, x, x[:, :1], x, x[:, :1], alpha=-1.0)
    with pytest.raises(TypeError, match="order"):
        derivatives.basis_derivative(x, model.layers[0].knots, 3, 1.5)
