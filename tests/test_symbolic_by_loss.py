"""auto_symbolic(dataset=...) (the network's loss chooses each edge) and balance.

The networks are built by hand as in test_symbolic_model.py: a spline close to a known
curve, so the score's choice is known, while the labels say what the truth is.
"""

import numpy as np
import pytest

import kan_np as kn
from kan_np import formula, symbolic
from tests.test_symbolic_model import one_edge, spline_edge


def rmse(model, x, y):
    return float(np.sqrt(np.mean((model(x) - y) ** 2)))


def test_the_loss_prefers_the_function_of_the_labels_to_the_best_fit_of_the_spline():
    # the spline is sqrt(1 + x)'s Taylor parabola: x^2 fits it exactly, sqrt only closely
    model, x = one_edge(lambda x: 1 + x / 2 - x**2 / 8, 0.0, 1.0)
    y = np.sqrt(1 + x)  # (N, 1)
    by_score = model.copy()
    assert [r[3] for r in by_score.auto_symbolic(x=x, lib=["x^2", "sqrt"])] == ["x^2"]
    report = model.auto_symbolic(dataset=(x, y), lib=["x^2", "sqrt"], topk=2)
    assert [r[3] for r in report] == ["sqrt"] and model.layers[0].symbolic == {(0, 0): "sqrt"}
    assert rmse(model, x, y) < 1e-12  # trained along the way: the formula is exact


def test_the_complete_formula_revisits_an_inner_choice():
    # inner spline 2 (1 - cos x): cos fits it exactly and wins step 1 (the outer spline
    # makes up for either); only x^2 makes exp(.) exact, which step 2 finds
    model = kn.KAN([1, 1, 1], grid=60, k=3, seed=0)
    spline_edge(model.layers[0], 0, 0, lambda x: 2 * (1 - np.cos(x)), -1.0, 1.0)
    spline_edge(model.layers[1], 0, 0, np.exp, -0.01, 2 * (1 - np.cos(1)) + 0.01)
    x = np.linspace(-1, 1, 300)[:, None]  # (N, 1)
    y = np.exp(x**2)
    lib = ["x^2", "cos", "exp"]
    by_score = model.copy()
    assert [r[3] for r in by_score.auto_symbolic(x=x, lib=lib)] == ["cos", "exp"]
    ds = {"train_input": x, "train_label": y, "test_input": x, "test_label": y}
    report = model.auto_symbolic(dataset=ds, lib=lib, topk=2)
    assert [r[3] for r in report] == ["x^2", "exp"]
    assert np.isnan(report[0][4]) and report[1][4] > 0.99  # nan: changed in step 2
    assert rmse(model, x, y) < 1e-12


def test_bad_topk_and_steps():
    model, x = one_edge(np.sin)
    for bad in ({"topk": 0}, {"steps": 0}):
        with pytest.raises(ValueError, match="topk|steps"):
            model.copy().auto_symbolic(dataset=(x, np.sin(x)), **bad)


def symbolic_net(inner_c, outer):
    """[2, 1, 1], all symbolic: h = inner_c (x_1^2 + sin x_2) + 0.3, then outer (name, a, b)."""
    model = kn.KAN([2, 1, 1], seed=0)
    for (l, i), name in [((0, 0), "x^2"), ((0, 1), "sin"), ((1, 0), outer[0])]:
        model.fix_symbolic(l, i, 0, name, fit_params=False)
    model.layers[0].affine[0, 0] = (1.0, 0.0, inner_c, 0.3)
    model.layers[0].affine[1, 0] = (1.0, 0.0, inner_c, 0.0)
    model.layers[1].affine[0, 0] = (outer[1], outer[2], 2.0, -1.0)
    return model


@pytest.mark.parametrize("outer", [("exp", 300.0, -90.0), ("tanh", 50.0, -15.0), ("x^2", 1.0, 0.0)])
def test_balance_keeps_the_function_and_standardises_the_hidden_node(outer):
    model = symbolic_net(1e-3, outer)
    x = np.random.default_rng(0).uniform(-1, 1, (400, 2))  # (N, 2)
    before = model(x)  # (N, 1)
    assert symbolic.balance(model, x) is model
    np.testing.assert_allclose(model(x), before, rtol=1e-10, atol=1e-12)
    h, _ = model.layers[0].forward(x, need_dx=False)  # (N, 1) the hidden node
    assert abs(h.mean()) < 1e-12 and abs(h.std() - 1) < 1e-12
    a, b, c, d = model.layers[1].affine[0, 0]
    assert (a, b, c, d) == formula.canonical_affine(outer[0], a, b, c, d)


def test_balance_leaves_a_node_with_a_numeric_edge_alone():
    model = symbolic_net(1e-3, ("exp", 300.0, -90.0))
    model.unfix_symbolic(1, 0, 0)  # the outgoing edge is a spline again
    x = np.random.default_rng(0).uniform(-1, 1, (50, 2))  # (N, 2)
    affine = [layer.affine.copy() for layer in model.layers]
    symbolic.balance(model, x)
    for old, layer in zip(affine, model.layers, strict=True):
        np.testing.assert_array_equal(old, layer.affine)
