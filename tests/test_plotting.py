"""The network drawing and the history plot: what is drawn, with which opacity."""

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import kan_np as kn
from kan_np import plotting


def small_model():
    model = kn.KAN([2, 3, 1], grid=5, k=3, seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (40, 2))
    return model, x


def curves_of(fig):
    """The LineCollection holding the activation curves."""
    curves = [c for c in fig.axes[0].collections if c.get_label() == "curves"]
    assert len(curves) == 1 and isinstance(curves[0], LineCollection)
    assert len(curves[0].get_segments()[0]) == plotting.CURVE_POINTS
    return curves[0]


def test_plot_returns_a_figure_with_one_curve_per_edge():
    model, x = small_model()
    fig = plotting.plot(model, x, in_vars=["$x$", "$y$"], out_vars=["$f$"], title="KAN")
    assert isinstance(fig, Figure)
    assert len(curves_of(fig).get_segments()) == 2 * 3 + 3 * 1
    fig.canvas.draw()  # renders without a display (no pyplot involved)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"$x$", "$y$", "$f$"} <= set(texts)


def test_opacity_is_tanh_beta_l1_and_masked_edges_are_hidden():
    model, x = small_model()
    model.layers[0].mask[1, 2] = 0.0
    fig = plotting.plot(model, x, beta=5.0)
    alphas = curves_of(fig).get_colors()[:, 3]
    A = [np.mean(np.abs(a), axis=0) for a in model.activations(x)]
    expected = [np.tanh(5.0 * A[0][i, o]) for i in range(2) for o in range(3) if (i, o) != (1, 2)]
    expected += [np.tanh(5.0 * A[1][i, 0]) for i in range(3)]
    np.testing.assert_allclose(alphas, expected, rtol=1e-12)


def test_curves_follow_the_activation():
    model, x = small_model()
    fig = plotting.plot(model, x)
    first = curves_of(fig).get_segments()[0]  # edge (0, 0) of layer 0
    xs = np.linspace(x[:, 0].min(), x[:, 0].max(), plotting.CURVE_POINTS)
    grid = np.column_stack([xs, np.zeros_like(xs)])
    phi = model.layers[0].activations(grid)[:, 0, 0]
    # the drawn y is an increasing affine map of phi (scaled into its box)
    slope = np.polyfit(phi, first[:, 1], 1)[0]
    np.testing.assert_allclose(first[:, 1], np.polyval(np.polyfit(phi, first[:, 1], 1), phi))
    assert slope > 0


def test_symbolic_edges_are_coloured_and_named():
    model, x = small_model()
    model.layers[1].symbolic[(0, 0)] = "sin"
    model.layers[1].mask[0, 0] = 0.0  # numerically masked, still drawn as symbolic
    model.layers[1].affine[0, 0] = [1.0, 0.0, 1.0, 0.0]
    fig = plotting.plot(model, x)
    colors = curves_of(fig).get_colors()
    assert len(colors) == 9
    np.testing.assert_allclose(colors[6, :3], plotting.SYMBOLIC_COLOR)
    assert "sin" in [t.get_text() for t in fig.axes[0].texts]


def test_plot_uses_the_training_inputs_and_checks_labels():
    model, x = small_model()
    with pytest.raises(ValueError, match="no data"):
        plotting.plot(model)
    model.train_input = x
    assert isinstance(plotting.plot(model), Figure)
    with pytest.raises(ValueError, match="in_vars needs 2"):
        plotting.plot(model, in_vars=["a"])
    with pytest.raises(ValueError, match="beta"):
        plotting.plot(model, beta=-1.0)


def test_plot_history():
    history = {
        "train_loss": [1.0, 0.1, 0.01],
        "test_rmse": [0.5, 0.2, 0.0],
        "note": "lbfgs",
        "reg": [float("nan")] * 3,
        "seconds": [0.1, 0.1, 0.1],
    }
    fig = plotting.plot_history(history, title="fit")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train_loss", "test_rmse"]
    assert len(ax.get_lines()[1].get_xdata()) == 2  # the 0 is left out of the log axis
    with pytest.raises(ValueError, match="no list of positive"):
        plotting.plot_history({"train_loss": []})
    with pytest.raises(TypeError, match="dict"):
        plotting.plot_history([1.0, 2.0])
