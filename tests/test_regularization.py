"""The sparsity penalty: values by hand and against pykan, gradient checks of every term."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kan_np as kn
from kan_np import regularization as reg
from kan_np.gradcheck import numerical_gradient, relative_error, vjp_check, worst_entry
from tests.reference import load_reference, pykan_model

TOL = 1e-7  # centred differences, h = 1e-5, float64, samples away from knots and from 0


def check(name, analytic, numeric, tol=TOL):
    err = relative_error(analytic, numeric)
    assert err <= tol, f"{name}: relative error {err:.2e} > {tol:.0e}; " + worst_entry(
        analytic, numeric
    )


def away_from_zero(shape, rng, low=0.05):
    """Random values with |v| >= low, so |.| has no kink within h of them."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(low, 1.0, shape)


def busy_model(seed=0, width=(2, 3, 2)):
    """A small model whose every parameter matters, with inputs away from the knots."""
    model = kn.KAN(list(width), grid=5, k=3, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.coef[...] = rng.normal(0, 0.5, layer.coef.shape)
        layer.scale_base[...] = rng.normal(0, 1, layer.scale_base.shape)
        layer.scale_sp[...] = rng.normal(1, 0.3, layer.scale_sp.shape)
    x = rng.uniform(-0.95, 0.95, (16, width[0]))
    x += 0.05 * (np.abs((x + 1) / 0.4 - np.round((x + 1) / 0.4)) < 0.05)  # off the knots
    y = rng.normal(size=(16, width[-1]))
    return model, x, y


# ------------------------------------------------------------------------------ values
def test_paper_penalty_by_hand():
    acts = np.array([[[1.0, -2.0]], [[3.0, 0.0]]])  # (N=2, I=1, O=2)
    A = reg.edge_l1(acts)  # [[2, 1]]
    np.testing.assert_array_equal(A, [[2.0, 1.0]])
    p = np.array([2.0, 1.0]) / 3.0
    S = -np.sum(p * np.log(p))
    assert reg.entropy(A) == pytest.approx(S, abs=1e-11)
    value = reg.paper_penalty([acts], mu_1=0.5, mu_2=2.0)
    assert value == pytest.approx(0.5 * 3.0 + 2.0 * S, abs=1e-11)


def test_pykan_metric_matches_pykan_value_and_gradient():
    ref = load_reference()
    model = pykan_model(ref)
    x = ref["x"]
    l1, ent, coef, diff = ref["reg_lambdas"]
    options = {"lamb_l1": l1, "lamb_entropy": ent, "lamb_coef": coef, "lamb_coefdiff": diff}
    zero_options = {**options, "lamb_coef": 0.0, "lamb_coefdiff": 0.0}
    y = np.zeros((x.shape[0], 1))
    _, plain = model.loss_and_grad(x, y)
    for tag, opts in (("reg", options), ("reg_no_coef", zero_options)):
        value = reg.penalty(model, x, "pykan", **opts)
        np.testing.assert_allclose(value, ref[tag], rtol=1e-12)
        _, grads = model.loss_and_grad(x, y, lamb=1.0, reg_metric="pykan", **opts)
        for l in range(2):
            for name in ("coef", "scale_base", "scale_sp"):
                ours = grads[l][name] - plain[l][name]  # the penalty's share
                theirs = ref[f"d{tag}_{name}_{l}"]
                np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12, err_msg=name)


def test_pykan_defaults_are_1_2_0_0():
    ref = load_reference()
    model = pykan_model(ref)
    explicit = dict(lamb_l1=1.0, lamb_entropy=2.0, lamb_coef=0.0, lamb_coefdiff=0.0)
    assert reg.penalty(model, ref["x"], "pykan") == reg.penalty(
        model, ref["x"], "pykan", **explicit
    )


@given(st.integers(1, 4), st.integers(1, 4), st.floats(1e-3, 1e3), st.integers(0, 10**6))
def test_entropy_is_scale_free_and_at_most_log_edges(I, O, scale, seed):
    A = np.random.default_rng(seed).uniform(0.0, 1.0, (I, O))
    S = reg.entropy(A)
    assert S == pytest.approx(reg.entropy(scale * A), abs=1e-9)
    assert 0.0 <= S <= np.log(I * O) + 1e-9
    # Euler: S(cA) = S(A), so sum_k A_k dS/dA_k = 0
    assert np.sum(A * reg.entropy_backward(1.0, A)) == pytest.approx(0.0, abs=1e-9)


def test_fully_masked_layer_gives_finite_penalty_and_gradient():
    model, x, y = busy_model()
    model.layers[1].mask[...] = 0.0
    for metric in ("paper", "pykan"):
        loss, grads = model.loss_and_grad(x, y, lamb=1.0, reg_metric=metric)
        assert np.isfinite(loss)
        for g in grads:
            for name, arr in g.items():
                assert np.all(np.isfinite(arr)), f"{metric}: d{name} not finite"
        pen = reg.penalty_and_grad(
            model.layers, model.layer_inputs(x), model.activations(x), metric
        )
        assert np.isfinite(pen.value)
        dacts = pen.dacts if metric == "paper" else pen.dacts_numeric
        np.testing.assert_array_equal(dacts[1], 0.0)
    assert reg.entropy(np.zeros((2, 3))) == 0.0
    np.testing.assert_array_equal(reg.entropy_backward(1.0, np.zeros((2, 3))), 0.0)


def test_bad_metric_and_options_name_the_valid_ones():
    model, x, y = busy_model()
    with pytest.raises(ValueError, match="paper"):
        model.loss_and_grad(x, y, lamb=1.0, reg_metric="l2")
    with pytest.raises(ValueError, match="mu_1"):
        model.loss_and_grad(x, y, lamb=1.0, reg_metric="paper", lamb_l1=1.0)
    with pytest.raises(ValueError, match="lamb_entropy"):
        model.loss_and_grad(x, y, lamb=1.0, reg_metric="pykan", mu_2=1.0)
    with pytest.raises(ValueError, match="mu_2"):
        reg.penalty(model, x, mu_2=-1.0)


# ------------------------------------------------------------- gradient checks, per term
def test_edge_l1_gradient():
    rng = np.random.default_rng(1)
    acts = away_from_zero((9, 2, 3), rng)
    dA = rng.normal(size=(2, 3))
    err, _ = vjp_check(lambda: reg.edge_l1(acts), acts, dA, reg.edge_l1_backward(dA, acts))
    assert err <= TOL


def test_entropy_gradient():
    A = np.random.default_rng(2).uniform(0.05, 1.0, (3, 4))
    check("dS/dA", reg.entropy_backward(1.0, A), numerical_gradient(lambda: reg.entropy(A), A))


def test_paper_penalty_gradient():
    rng = np.random.default_rng(3)
    acts = [away_from_zero((8, 2, 3), rng), away_from_zero((8, 3, 1), rng)]
    dacts = reg.paper_penalty_backward(1.0, acts, mu_1=0.7, mu_2=1.3)
    for l, a in enumerate(acts):
        numeric = numerical_gradient(lambda: reg.paper_penalty(acts, 0.7, 1.3), a)
        check(f"dacts[{l}]", dacts[l], numeric)


def test_std_and_pykan_scale_gradients():
    rng = np.random.default_rng(4)
    acts, x = rng.normal(size=(10, 2, 3)), rng.normal(size=(10, 2))
    dV = rng.normal(size=(2, 3))
    da, dx = reg.pykan_scale_backward(dV, acts, x)
    err, _ = vjp_check(lambda: reg.pykan_scale(acts, x), acts, dV, da)
    assert err <= TOL
    err, _ = vjp_check(lambda: reg.pykan_scale(acts, x), x, dV, dx)
    assert err <= TOL
    np.testing.assert_array_equal(reg.std_backward(np.ones(2), np.ones((5, 2)), np.zeros(2)), 0)


@pytest.mark.parametrize("axis", [0, 1])
def test_pykan_entropy_gradient(axis):
    V = np.random.default_rng(5 + axis).uniform(0.0, 2.0, (3, 4))
    numeric = numerical_gradient(lambda: reg.pykan_entropy(V, axis), V)
    check(f"dH/dV axis {axis}", reg.pykan_entropy_backward(1.0, V, axis), numeric)


@pytest.mark.parametrize(
    "term, backward",
    [(reg.coef_l1, reg.coef_l1_backward), (reg.coef_diff_l1, reg.coef_diff_l1_backward)],
)
def test_coef_terms_gradient(term, backward):
    coef = np.cumsum(away_from_zero((2, 3, 6), np.random.default_rng(6), 0.1), axis=2)
    coef += 0.01  # away from 0 and, through the cumsum, differences away from 0
    analytic = backward(0.7, coef)
    check(term.__name__, analytic, 0.7 * numerical_gradient(lambda: term(coef), coef))


# ------------------------------------------------------ gradient checks, the whole loss
def loss_gradient_error(model, x, y, **kwargs):
    """Relative error of loss_and_grad's flat gradient against centred differences."""
    _, grads = model.loss_and_grad(x, y, **kwargs)
    analytic = model.flatten_grads(grads)
    theta = model.get_flat()

    def loss():
        model.set_flat(theta)
        return model.loss_and_grad(x, y, **kwargs)[0]

    numeric = numerical_gradient(loss, theta)
    model.set_flat(theta)
    return relative_error(analytic, numeric), worst_entry(analytic, numeric)


CASES = [
    dict(reg_metric="paper"),
    dict(reg_metric="paper", mu_1=0.0, mu_2=1.0),  # the entropy alone
    dict(reg_metric="paper", mu_1=1.0, mu_2=0.0),  # the L1 alone
    dict(reg_metric="pykan"),
    dict(reg_metric="pykan", lamb_l1=0.0, lamb_entropy=1.0),
    dict(reg_metric="pykan", lamb_l1=0.0, lamb_entropy=0.0, lamb_coef=1.0),
    dict(reg_metric="pykan", lamb_l1=0.0, lamb_entropy=0.0, lamb_coefdiff=1.0),
    dict(reg_metric="pykan", lamb_l1=0.5, lamb_entropy=2.0, lamb_coef=0.3, lamb_coefdiff=0.2),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_loss_and_grad_with_penalty(case):
    model, x, y = busy_model()
    err, where = loss_gradient_error(model, x, y, lamb=0.3, **case)
    assert err <= TOL, f"{case}: relative error {err:.2e}; {where}"


@pytest.mark.parametrize("metric", ["paper", "pykan"])
def test_loss_and_grad_with_symbolic_and_masked_edges(metric):
    model, x, y = busy_model(seed=5)
    model.layers[0].symbolic[(1, 2)] = "sin"
    model.layers[0].affine[1, 2] = [1.3, 0.2, 0.8, -0.1]
    model.layers[1].mask[0, 1] = 0.0
    err, where = loss_gradient_error(model, x, y, lamb=0.5, reg_metric=metric)
    assert err <= TOL, f"{metric}: relative error {err:.2e}; {where}"


def test_pykan_metric_ignores_the_symbolic_part():
    model, x, _ = busy_model(seed=7)
    before, paper_before = reg.penalty(model, x, "pykan"), reg.penalty(model, x, "paper")
    model.layers[1].symbolic[(0, 0)] = "x^2"  # adds c (a x + b)^2 + d on top of the spline
    model.layers[1].affine[0, 0] = [1.0, 0.5, 2.0, 0.0]
    np.testing.assert_allclose(reg.penalty(model, x, "pykan"), before, rtol=1e-13)
    assert reg.penalty(model, x, "paper") != pytest.approx(paper_before)  # the paper's counts it
