"""Symbolic snapping at model level: fix / unfix / suggest / auto_symbolic and the formula.

The networks here are built by hand: a numeric edge gets a spline fitted by least squares
to a known function (G = 60 cubic: off by < 1e-6), so snapping it must give back that
function's parameters, in the canonical form of `formula.canonical_affine`.
"""

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit

import kan_np as kn
from kan_np import bspline, formula, symbolic
from kan_np.datasets import create_dataset, exp_sin_sq
from kan_np.functions import add_function, get_function, remove_function

G = 60


def spline_edge(layer, i, j, g, lo, hi):
    """Make edge (i, j) of layer the spline closest to g on [lo, hi] (its base branch off)."""
    layer.knots[i] = bspline.make_grid(G, layer.k, (lo, hi))[0]
    xs = np.linspace(lo, hi, 2000)[:, None]  # (N, 1)
    coef = bspline.fit_coef(xs, g(xs)[:, :, None], layer.knots[i : i + 1], layer.k)  # (1, 1, M)
    layer.coef[i, j] = coef[0, 0]
    layer.scale_base[i, j], layer.scale_sp[i, j] = 0.0, 1.0


def one_edge(g, lo=-1.0, hi=1.0):
    """A [1, 1] KAN computing g on [lo, hi], and 500 inputs there."""
    model = kn.KAN([1, 1], grid=G, k=3, seed=0)
    spline_edge(model.layers[0], 0, 0, g, lo, hi)
    return model, np.linspace(lo, hi, 500)[:, None]


def softplus_entry():
    """A user function without symmetries, so its four parameters are identifiable."""
    return dict(f=lambda x: np.logaddexp(0.0, x), df=expit,
                sympy=lambda e: sympy.log(1 + sympy.exp(e)), complexity=3)  # fmt: skip


@pytest.fixture
def softplus():
    add_function("softplus", **softplus_entry())
    yield "softplus"
    remove_function("softplus")


@pytest.mark.parametrize(
    ("name", "truth", "params"),
    [
        ("sin", lambda x: np.sin(2 * x + 1), (2.0, 1.0, 1.0, 0.0)),
        ("sin", lambda x: -0.5 * np.sin(-3 * x + 4) + 0.2, (3.0, np.pi - 4, -0.5, 0.2)),
        ("x^2", lambda x: 3 * (x - 0.3) ** 2 + 1, (1.0, -0.3, 3.0, 1.0)),
        ("exp", lambda x: 2 * np.exp(0.5 * x + 0.7) - 1, (0.5, 0.0, 2 * np.exp(0.7), -1.0)),
        ("softplus", lambda x: 1.5 * np.logaddexp(0, 2 * x - 0.5) + 0.3, (2.0, -0.5, 1.5, 0.3)),
    ],
)
def test_fix_symbolic_recovers_the_parameters(softplus, name, truth, params):
    model, x = one_edge(truth)
    fit = model.fix_symbolic(0, 0, 0, name, x=x)
    np.testing.assert_allclose(fit[:4], params, atol=2e-5, err_msg=f"{name}: {fit}")
    layer = model.layers[0]
    assert layer.symbolic == {(0, 0): name} and layer.mask[0, 0] == 0
    np.testing.assert_array_equal(layer.affine[0, 0], fit[:4])  # what it returns is stored
    assert fit.r2 > 1 - 1e-10
    np.testing.assert_allclose(model(x)[:, 0], truth(x[:, 0]), atol=1e-5)


def test_the_samples_are_the_layer_inputs_and_the_edge_activation():
    """Edge (1, 0, 0) sees h = 0.5 x + 0.2 from the symbolic layer 0, not x itself."""
    model = kn.KAN([1, 1, 1], grid=G, k=3, seed=0)
    model.fix_symbolic(0, 0, 0, "x", fit_params=False)
    model.layers[0].affine[0, 0] = (1.0, 0.0, 0.5, 0.2)
    spline_edge(model.layers[1], 0, 0, lambda h: np.sin(2 * h + 1), -0.3, 0.7)
    x = np.linspace(-1, 1, 400)[:, None]  # (N, 1)
    h, phi = symbolic.edge_samples(model, 1, 0, 0, x)
    np.testing.assert_allclose(h, 0.5 * x[:, 0] + 0.2, atol=1e-15)
    np.testing.assert_allclose(phi, model(x)[:, 0], atol=1e-15)
    (name, fit, score), *_ = model.suggest_symbolic(1, 0, 0, x=x, lib=["x", "x^2", "sin", "exp"])
    assert name == "sin" and score > 30
    np.testing.assert_allclose(model.fix_symbolic(1, 0, 0, "sin", x=x)[:4], (2, 1, 1, 0), atol=2e-5)


def test_data_defaults_to_the_training_inputs():
    model, x = one_edge(lambda x: x**2)
    with pytest.raises(ValueError, match="fit"):
        model.fix_symbolic(0, 0, 0, "x^2")
    model.train_input = x  # what fit stores
    default, explicit = model.copy(), model.copy()
    default.fix_symbolic(0, 0, 0, "x^2")
    explicit.fix_symbolic(0, 0, 0, "x^2", x=x)
    np.testing.assert_array_equal(default.layers[0].affine, explicit.layers[0].affine)


def test_fit_params_false_needs_no_data():
    model = kn.KAN([2, 3, 1], seed=0)
    fit = model.fix_symbolic(0, 1, 2, "tanh", fit_params=False)
    assert fit[:4] == (1.0, 0.0, 1.0, 0.0) and np.isnan(fit.r2)
    layer = model.layers[0]
    assert layer.symbolic == {(1, 2): "tanh"} and layer.mask[1, 2] == 0
    x = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    np.testing.assert_allclose(layer.activations(x)[:, 1, 2], np.tanh(x[:, 1]), atol=1e-15)


def test_unfix_brings_the_numeric_edge_back_exactly():
    model = kn.KAN([2, 3, 1], seed=1)
    x = np.random.default_rng(1).uniform(-1, 1, (64, 2))
    before = model(x)
    model.fix_symbolic(0, 1, 2, "sin", x=x)
    assert not np.array_equal(model(x), before)
    model.unfix_symbolic(0, 1, 2)
    np.testing.assert_array_equal(model(x), before)
    layer = model.layers[0]
    assert layer.symbolic == {} and layer.mask[1, 2] == 1 and not layer.affine.any()
    model.unfix_symbolic(0, 1, 2)  # a numeric edge stays as it is
    np.testing.assert_array_equal(model(x), before)


def test_pruned_edges_stay_dead():
    model = kn.KAN([2, 2, 1], seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (80, 2))
    model.layers[0].mask[1, 0] = 0.0  # pruned
    for call in (lambda: model.fix_symbolic(0, 1, 0, "sin", x=x),
                 lambda: model.unfix_symbolic(0, 1, 0)):  # fmt: skip
        with pytest.raises(ValueError, match=r"\(0, 1, 0\) is pruned"):
            call()
    report = model.auto_symbolic(x=x, lib=["x", "sin"])
    edges = [(l, i, j) for l, i, j, _, _ in report]
    assert edges == [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 0, 0), (1, 1, 0)]
    assert (1, 0) not in model.layers[0].symbolic and model.layers[0].mask[1, 0] == 0


def test_auto_symbolic_finds_the_walkthrough_functions_and_fit_trains_affine():
    """A [2, 1, 1] network of splines close to sin(pi x_1), x_2^2 and exp(h)."""
    model = kn.KAN([2, 1, 1], grid=G, k=3, seed=0)
    spline_edge(model.layers[0], 0, 0, lambda x: np.sin(np.pi * x), -1.0, 1.0)
    spline_edge(model.layers[0], 1, 0, lambda x: x**2, -1.0, 1.0)
    spline_edge(model.layers[1], 0, 0, np.exp, -1.0, 2.0)
    ds = create_dataset(exp_sin_sq, n_var=2, n_train=300, n_test=100, seed=0)
    report = model.auto_symbolic(x=ds["train_input"])
    assert [(l, i, j, name) for l, i, j, name, _ in report] == [
        (0, 0, 0, "sin"), (0, 1, 0, "x^2"), (1, 0, 0, "exp")]  # fmt: skip
    assert all(r2 > 1 - 1e-9 for *_, r2 in report)
    (expr,) = model.symbolic_formula(digits=4)
    assert str(expr) == "1.0*exp(1.0*x_2**2 + 1.0*sin(3.142*x_1))"
    # the snapped network is only as exact as the splines were; training a, b, c, d (the
    # only parameters left with a gradient) makes it exact
    snapped = np.sqrt(np.mean((model(ds["test_input"]) - ds["test_label"]) ** 2))
    affine = [layer.affine.copy() for layer in model.layers]
    coef = [layer.coef.copy() for layer in model.layers]
    history = model.fit(ds, steps=5, update_grid=False, progress=False)
    assert snapped > 1e-9 and history["test_rmse"][-1] < 1e-12, (snapped, history["test_rmse"])
    for old_affine, old_coef, layer in zip(affine, coef, model.layers, strict=True):
        assert not np.array_equal(old_affine, layer.affine)
        np.testing.assert_array_equal(old_coef, layer.coef)  # masked splines get no gradient


# ------------------------------------------------------------------------------ formula
def hand_built():
    """A [2, 3, 2] KAN, every edge symbolic, arguments inside each function's domain."""
    model = kn.KAN([2, 3, 2], seed=0)
    edges = {
        0: {(0, 0): ("sin", (2.0, 0.5, 1.5, -0.3)), (1, 0): ("x^2", (1.2, -0.4, 0.7, 0.1)),
            (0, 1): ("log", (0.5, 2.0, 1.1, 0.2)), (1, 1): ("sqrt", (0.3, 1.0, -2.0, 0.0)),
            (0, 2): ("1/x", (1.0, 3.0, 2.0, 0.0)), (1, 2): ("tanh", (-1.5, 0.2, 0.8, 0.4)),
            },
        1: {(0, 0): ("exp", (0.4, -0.3, 1.2, 0.5)), (1, 0): ("cos", (-1.3, 4.0, 0.9, 0.0)),
            (2, 0): ("x^3", (0.5, 0.1, 1.0, -0.2)), (0, 1): ("arctan", (1.0, 0.0, 2.0, 0.0)),
            (2, 1): ("x", (2.0, 1.0, -0.5, 0.3)),  # edge (1, 1) stays pruned: adds nothing
            },
    }  # fmt: skip
    for l, table in edges.items():
        for (i, j), (name, params) in table.items():
            model.fix_symbolic(l, i, j, name, fit_params=False)
            model.layers[l].affine[i, j] = params
        model.layers[l].mask[...] = 0.0  # the edges not in the table are pruned
    return model


def composed(x1, x2):
    """The outputs of `hand_built`, written out by hand."""
    h0 = 1.5 * np.sin(2 * x1 + 0.5) - 0.3 + 0.7 * (1.2 * x2 - 0.4) ** 2 + 0.1
    h1 = 1.1 * np.log(0.5 * x1 + 2) + 0.2 - 2 * np.sqrt(0.3 * x2 + 1)
    h2 = 2 / (x1 + 3) + 0.8 * np.tanh(-1.5 * x2 + 0.2) + 0.4
    y0 = (
        1.2 * np.exp(0.4 * h0 - 0.3)
        + 0.5
        + 0.9 * np.cos(-1.3 * h1 + 4)
        + (0.5 * h2 + 0.1) ** 3
        - 0.2
    )
    y1 = 2 * np.arctan(h0) - 0.5 * (2 * h2 + 1) + 0.3
    return y0, y1


@pytest.mark.parametrize("digits", [None, 15])
def test_formula_equals_the_network(digits):
    model = hand_built()
    x = np.random.default_rng(0).uniform(-1, 1, (200, 2))
    exprs = model.symbolic_formula(digits=digits)
    assert isinstance(exprs, list) and len(exprs) == 2
    x1, x2 = sympy.symbols("x_1 x_2")
    for o, (expr, by_hand) in enumerate(zip(exprs, composed(x[:, 0], x[:, 1]), strict=True)):
        assert expr.free_symbols <= {x1, x2}
        values = sympy.lambdify((x1, x2), expr, "numpy")(x[:, 0], x[:, 1])
        np.testing.assert_allclose(values, model(x)[:, o], rtol=0, atol=1e-10)
        np.testing.assert_allclose(values, by_hand, rtol=0, atol=1e-10)


def walkthrough_like(d_out=1e-12, b_sq=1e-12):
    """[2, 1, 1] computing exp(sin(pi x_1) + x_2^2), with the parameters' symmetries used."""
    model = kn.KAN([2, 1, 1], seed=0)
    for l, i, name, params in [(0, 0, "sin", (-np.pi, 2 * np.pi, -0.1, 0.25)),
                               (0, 1, "x^2", (2.0, b_sq, 0.025, -0.05)),
                               (1, 0, "exp", (10.0, -2.0, 1.0, d_out))]:  # fmt: skip
        model.fix_symbolic(l, i, 0, name, fit_params=False)
        model.layers[l].affine[i, 0] = params
    return model


def test_formula_with_a_special_function_is_checked_with_scipy():
    """A user function whose sympy form (besselj) numpy cannot evaluate: no NameError."""
    from scipy import special

    add_function("J0_test", special.j0, lambda x: -special.j1(x),
                 lambda e: sympy.besselj(0, e), 3)  # fmt: skip
    try:
        model = kn.KAN([1, 1], seed=0)
        model.fix_symbolic(0, 0, 0, "J0_test", fit_params=False)
        model.layers[0].affine[0, 0] = (2.0, 0.5, 1.5, -0.25)
        x = np.linspace(-1, 1, 50)[:, None]  # (50, 1)
        (expr,) = model.symbolic_formula(digits=None)
        values = 1.5 * special.j0(2.0 * x[:, 0] + 0.5) - 0.25  # (50,)
        error, undefined = formula.formula_error([expr], sympy.symbols("x_1"), x, values[:, None])
        assert error < 1e-12 and undefined == 0
    finally:
        remove_function("J0_test")


def test_formula_folds_constants_and_rounds():
    model = walkthrough_like()
    (four,) = model.symbolic_formula()
    (five,) = model.symbolic_formula(digits=5)
    assert str(four) == "1.0*exp(1.0*x_2**2 + 1.0*sin(3.142*x_1))"
    assert str(five) == "1.0*exp(1.0*x_2**2 + 1.0*sin(3.1416*x_1))"
    # a term survives when it shows at `digits` digits next to the sum's largest term
    (kept,) = walkthrough_like(d_out=0.002).symbolic_formula(digits=4)
    assert str(kept) == "1.0*exp(1.0*x_2**2 + 1.0*sin(3.142*x_1)) + 0.002"
    (dropped,) = walkthrough_like(d_out=0.00002).symbolic_formula(digits=4)
    assert str(dropped) == str(four)
    y, x = sympy.symbols("y x")
    (named,) = model.symbolic_formula(var_names=["x", y])
    assert named.free_symbols == {x, y}


def test_unsnapped_edges_appear_as_placeholders_with_a_warning():
    model = kn.KAN([2, 2, 1], seed=0)
    model.fix_symbolic(0, 0, 0, "sin", fit_params=False)
    model.layers[0].mask[0, 1] = 0.0  # pruned: not in the formula
    with pytest.warns(RuntimeWarning, match=r"4 numeric edge\(s\).*\(0, 1, 0\)"):
        (expr,) = model.symbolic_formula()
    text = str(expr)
    for edge in ("phi_{0,1,0}", "phi_{0,1,1}", "phi_{1,0,0}", "phi_{1,1,0}", "sin(1.0*x_1)"):
        assert edge in text, text
    assert "phi_{0,0,1}" not in text and "phi_{0,0,0}" not in text


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"digits": 0}, ValueError, "digits.*0"),
        ({"digits": 2.5}, TypeError, "digits"),  # wrong type: TypeError (checks.py)
        ({"var_names": ["x"]}, ValueError, "2 names"),
        ({"var_names": "xy"}, ValueError, "2 names"),
        ({"var_names": ["x", 3]}, TypeError, "3"),
    ],
)
def test_formula_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        walkthrough_like().symbolic_formula(**kwargs)


SYMMETRIC = ["x", "x^2", "x^3", "x^4", "1/x", "1/x^2", "exp", "sin", "cos", "tan", "tanh",
             "abs", "gaussian", "arctan", "log", "sqrt"]  # fmt: skip


@given(
    name=st.sampled_from(SYMMETRIC),
    a=st.floats(0.3, 3.0) | st.floats(-3.0, -0.3),
    b=st.floats(-10.0, 10.0),
    c=st.floats(-3.0, 3.0),
    d=st.floats(-3.0, 3.0),
)
def test_canonical_affine_is_the_same_function(name, a, b, c, d):
    f = get_function(name).f
    x = np.linspace(-1.0, 1.0, 101)  # (N,)
    z = a * x + b  # (N,)
    safe = np.abs(z) > 0.1  # away from poles and kinks, where the guards act
    if name == "tan":
        safe &= np.abs(np.cos(z)) > 0.1
    if name in ("log", "sqrt"):
        safe &= z > 0.1
    before = c * f(z) + d  # (N,)
    a2, b2, c2, d2 = formula.canonical_affine(name, a, b, c, d)
    after = c2 * f(a2 * x + b2) + d2  # (N,)
    scale = 1.0 + np.max(np.abs(before[safe]), initial=0.0)
    np.testing.assert_allclose(after[safe], before[safe], rtol=0, atol=1e-9 * scale)
    if name in ("x", "x^2", "x^3", "x^4", "1/x", "1/x^2"):
        assert a2 == 1.0
    if name in ("sin", "cos", "tan"):
        assert a2 > 0 and abs(b2) <= np.pi / 2 + 1e-12


# ---------------------------------------------------------------------------- bad input
def test_unknown_function_name_lists_the_library():
    with pytest.raises(ValueError, match="unknown symbolic function 'sine'.*'sin'"):
        kn.KAN([2, 1], seed=0).fix_symbolic(0, 0, 0, "sine", fit_params=False)


@pytest.mark.parametrize(
    ("edge", "error", "message"),
    [
        ((2, 0, 0), ValueError, r"layer index l = 2 .* 2, valid: 0\.\.1"),
        ((0, 2, 0), ValueError, r"input node i = 2 .* layer 0's number of inputs is 2"),
        ((1, 0, 1), ValueError, r"output node j = 1 .* valid: 0\.\.0"),
        ((0, -1, 0), ValueError, "-1"),
        ((0, 0, 1.0), TypeError, "output node j must be an integer, got 1.0"),
        ((True, 0, 0), TypeError, "layer index"),
    ],
)
def test_edges_out_of_range_name_the_valid_ranges(edge, error, message):
    model = kn.KAN([2, 3, 1], seed=0)
    x = np.zeros((4, 2))
    for call in (lambda: model.fix_symbolic(*edge, "sin", x=x),
                 lambda: model.suggest_symbolic(*edge, x=x),
                 lambda: model.unfix_symbolic(*edge)):  # fmt: skip
        with pytest.raises(error, match=message):
            call()


def test_auto_symbolic_bad_library():
    model = kn.KAN([2, 1], seed=0)
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match="'sine'"):
        model.auto_symbolic(lib=["sin", "sine"], x=x)
    with pytest.raises(TypeError, match="list of names"):
        model.auto_symbolic(lib="sin", x=x)
    assert model.layers[0].symbolic == {}  # nothing snapped before the error
