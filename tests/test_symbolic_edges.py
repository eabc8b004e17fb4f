"""Gradient checks of networks with symbolic edges sigma(x) = c f(a x + b) + d.

Centred differences in float64 (kan_np.gradcheck) against the analytic backward pass of
`symbolic_edges.py`, relative error <= 1e-7 everywhere (the functions are smooth where the
samples are; the cubic splines of the numeric edges are C^2).

Near a singular point (1/x, log, sqrt, 1/sqrt near 0) the derivatives are large (up to
~1e6) but still smooth, so the same 1e-7 holds with a step h = 1e-9 scaled to the distance
from the singularity (~1e-3): truncation error ~ (h / distance)^2 ~ 1e-12.

At a guard (functions.py clips the argument where f is singular or undefined), what is
checked is the derivative of the *guarded* function: inside the clip f is constant, so
f' = 0, and the analytic gradient must be exactly 0 there too. The samples sit inside the
clipped region and away from its boundary, so the centred difference never crosses it
and is exactly 0 as well.
"""

import numpy as np
import pytest

import kan_np as kn
from kan_np import symbolic_edges
from kan_np.gradcheck import numerical_gradient, relative_error, vjp_check, worst_entry
from kan_np.layer import KANLayer

TOL = 1e-7


def snap(layer, table):
    """Make the edges of `table` {(i, o): (name, (a, b, c, d))} symbolic, in place."""
    for (i, o), (name, params) in table.items():
        layer.mask[i, o] = 0.0
        layer.symbolic[(i, o)] = name
        layer.affine[i, o] = params


def network():
    """A [2, 3, 2] KAN with symbolic edges of six functions, numeric and pruned edges."""
    model = kn.KAN([2, 3, 2], grid=5, k=3, seed=3)
    snap(model.layers[0], {(0, 0): ("sin", (2.0, 0.3, 0.8, 0.1)),
                           (1, 0): ("x^2", (1.1, -0.2, 0.6, -0.1)),
                           (1, 1): ("exp", (0.7, 0.1, 0.5, 0.2)),
                           (0, 2): ("tanh", (-1.3, 0.4, 0.9, 0.0))})  # fmt: skip
    snap(model.layers[1], {(0, 0): ("gaussian", (1.2, -0.3, 1.1, 0.05)),
                           (2, 0): ("arctan", (0.9, 0.2, -0.7, 0.3)),
                           (1, 1): ("x^3", (0.8, 0.1, 0.4, -0.2))})  # fmt: skip
    model.layers[1].mask[2, 1] = 0.0  # a pruned edge: no gradient flows through it
    return model


def data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 2)), rng.uniform(-1, 1, (n, 2))  # (N, 2), (N, 2)


def check_parameters(model, x, y, **loss_options):
    """Every parameter array of every layer against centred differences of the loss."""
    _, grads = model.loss_and_grad(x, y, **loss_options)
    for l, name, array in model.parameters():
        numeric = numerical_gradient(lambda: model.loss_and_grad(x, y, **loss_options)[0], array)
        err = relative_error(grads[l][name], numeric)
        assert err <= TOL, (
            f"d loss / d layers[{l}].{name} ({loss_options}): relative error {err:.1e}; "
            f"{worst_entry(grads[l][name], numeric)}; read symbolic_edges.backward"
        )
    return grads


def test_network_gradients_with_symbolic_edges():
    model = network()
    x, y = data()
    grads = check_parameters(model, x, y)
    # the pruned edge and the switched-off splines of the symbolic edges get nothing
    assert not grads[1]["affine"][2, 1].any() and not grads[1]["coef"][2, 1].any()
    assert not grads[0]["coef"][0, 0].any() and not grads[0]["scale_base"][1, 1].any()
    assert np.all(grads[0]["affine"][0, 0] != 0)  # a, b, c, d of a live symbolic edge


@pytest.mark.parametrize(
    "penalty",
    [
        {"reg_metric": "paper"},
        {"reg_metric": "paper", "mu_1": 0.5, "mu_2": 2.0},
        {"reg_metric": "pykan"},
    ],  # fmt: skip
)
def test_network_gradients_with_the_penalty(penalty):
    """The penalty sees the symbolic edges' activations too (paper), or subtracts them (pykan)."""
    model = network()
    x, y = data(seed=1)
    check_parameters(model, x, y, lamb=0.3, **penalty)
    _, plain = model.loss_and_grad(x, y)
    _, regularised = model.loss_and_grad(x, y, lamb=0.3, **penalty)
    if penalty["reg_metric"] == "paper":  # the penalty pulls on a, b, c, d as well
        assert not np.allclose(plain[0]["affine"], regularised[0]["affine"])


def layer_check(layer, x, h=1e-5, seed=0):
    """dx and daffine of one layer's backward against centred differences of <u, y(x)>."""
    upstream = np.random.default_rng(seed).normal(size=(x.shape[0], layer.out_dim))  # (N, O)
    _, cache = layer.forward(x)
    dx, grads = layer.backward(upstream, cache)
    for name, array, analytic in [("x", x, dx), ("affine", layer.affine, grads["affine"])]:
        err, numeric = vjp_check(lambda: layer.forward(x)[0], array, upstream, analytic, h)
        assert err <= TOL, f"d/d{name}: relative error {err:.1e}; {worst_entry(analytic, numeric)}"
    return dx, grads


def test_layer_input_gradient_with_mixed_edges():
    layer = KANLayer(3, 2, grid=5, k=3, rng=np.random.default_rng(0))
    snap(
        layer,
        {
            (0, 0): ("sin", (1.5, 0.2, 0.7, 0.1)),
            (1, 0): ("cos", (0.8, -0.4, 1.2, 0.0)),
            (2, 1): ("x^5", (0.9, 0.1, 0.3, 0.2)),
            (0, 1): ("sin", (-2.0, 1.0, 0.5, 0.0)),
        },
    )
    x = np.random.default_rng(1).uniform(-1, 1, (30, 3))  # (N, I)
    layer_check(layer, x)


# (name, side): f is singular at z = 0; log and the roots only on the side z > 0 (their
# domain; z < 0 is inside their guards, see test_inside_the_guards)
NEAR = [("1/x", 1.0), ("1/x", -1.0), ("1/x^2", 1.0), ("1/x^2", -1.0), ("log", 1.0),
        ("sqrt", 1.0), ("1/sqrt(x)", 1.0)]  # fmt: skip


@pytest.mark.parametrize(("name", "side"), NEAR)
def test_near_singular_points(name, side):
    """z = a x + b at distance 1e-3 .. 3e-3 from 0; derivatives up to ~1e6 (1/x^2: 2e9)."""
    layer = KANLayer(1, 1, grid=5, k=3, rng=np.random.default_rng(0))
    snap(layer, {(0, 0): (name, (side * 1.0, 0.0, 0.7, 0.1))})
    x = np.linspace(1e-3, 3e-3, 9)[:, None]  # (N, 1): z = side * x
    layer_check(layer, x, h=1e-9)


GUARDED = [  # name, a, b, x samples: z = a x + b deep inside the clipped region
    ("log", 1.0, 0.0, np.linspace(-1.0, -0.1, 7)),  # log(max(z, 1e-8)): constant for z < 1e-8
    ("sqrt", 1.0, 0.0, np.linspace(-1.0, -0.1, 7)),
    ("1/sqrt(x)", 1.0, 0.0, np.linspace(-1.0, -0.1, 7)),
    ("x^1.5", 1.0, 0.0, np.linspace(-1.0, -0.1, 7)),
    ("1/x", 1.0, 5e-9, np.linspace(-1e-9, 1e-9, 7)),  # the band |z| < 1e-8 around the pole
    ("arcsin", 1.0, 0.5, np.linspace(0.6, 2.0, 7)),  # clipped to 1 - 1e-8 for z > 1
    ("arctanh", -1.0, -1.5, np.linspace(0.1, 1.0, 7)),  # z < -1
    ("exp", 1.0, 300.0, np.linspace(-1.0, 1.0, 7)),  # exp(min(z, 230))
]


@pytest.mark.parametrize(("name", "a", "b", "xs"), GUARDED, ids=[g[0] for g in GUARDED])
def test_inside_the_guards(name, a, b, xs):
    """f is flat inside a clip, so f' = 0: no gradient w.r.t. x, a or b (c, d still learn)."""
    layer = KANLayer(1, 1, grid=5, k=3, rng=np.random.default_rng(0))
    snap(layer, {(0, 0): (name, (a, b, 0.7, 0.1))})
    x = xs[:, None]  # (N, 1)
    h = 3e-9 if name == "1/x" else 1e-5  # z moves within (1e-9, 9e-9): inside the band
    dx, grads = layer_check(layer, x, h=h)
    assert not dx.any() and not grads["affine"][0, 0, :2].any()
    assert grads["affine"][0, 0, 3] != 0  # d still learns (dd = sum u); c too where f != 0


def test_the_symbolic_pair_is_pure_and_returns_its_gradients():
    """symbolic_edges.forward/backward: inputs untouched, dx and daffine returned."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (9, 2))  # (N, I)
    affine = rng.uniform(0.5, 1.5, (2, 3, 4))  # (I, O, 4)
    symbolic = {(0, 1): "sin", (1, 1): "tanh", (1, 2): "sin"}
    before = affine.copy()
    y, acts, cache = symbolic_edges.forward(x, affine, symbolic, want_acts=True)
    np.testing.assert_allclose(acts.sum(axis=1), y, atol=1e-14)
    dy, dacts = rng.normal(size=y.shape), rng.normal(size=acts.shape)
    dx, daffine = symbolic_edges.backward(dy, cache, dacts)
    np.testing.assert_array_equal(affine, before)
    assert np.all(daffine[0, 0] == 0.0) and np.all(daffine[0, 2] == 0.0), "numeric edges"

    def objective():  # <dy, y> + <dacts, acts>
        y2, acts2, _ = symbolic_edges.forward(x, affine, symbolic, want_acts=True)
        return np.sum(dy * y2) + np.sum(dacts * acts2)

    for name, array, analytic in [("x", x, dx), ("affine", affine, daffine)]:
        numeric = numerical_gradient(objective, array)
        err = relative_error(analytic, numeric)
        assert err <= TOL, f"d{name}: relative error {err:.1e}; {worst_entry(analytic, numeric)}"
