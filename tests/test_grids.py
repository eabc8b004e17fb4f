"""Grid update (§2.4) and grid extension (Eq. 2.16): what they keep, and degenerate samples.

What is exact and what is not (measured values in the comments):
- refine onto knots that contain the old ones (G' a multiple of G) keeps every spline,
  because the old spline lies in the new spline space: exact to rounding (~1e-15) on the
  samples, and everywhere inside the grid when the samples pin down every coefficient;
- update_grid moves knots, so in general the old spline is NOT in the new space: the new
  one is its least-squares fit on the samples (normal equations hold to ~1e-13), and the
  change shrinks with G (4e-2, 8e-3, 7e-4, 2e-4 for G = 5, 10, 20, 40 on sin(3x)).
  It is exact (~1e-15) when the new space holds the old spline: a cubic polynomial, or a
  second update from the same samples (the knots depend only on the samples).
The comparison with pykan's numbers is in test_pykan_reference.py.
"""

import numpy as np
import pytest

from kan_np import KAN, KANLayer, bspline


def layer_with(fun, G, k=3, I=1, O=1, seed=0):
    """A layer whose every spline is the least-squares B-spline fit of fun on [-1, 1]."""
    layer = KANLayer(I, O, grid=G, k=k, init="paper", rng=np.random.default_rng(seed))
    xs = np.linspace(-1.0, 1.0, 2001)[:, None].repeat(I, axis=1)  # (2001, I)
    target = np.repeat(fun(xs)[:, :, None], O, axis=2)  # (2001, I, O)
    layer.coef[...] = bspline.fit_coef(xs, target, layer.knots, k)
    return layer


def skewed(n, I=1, seed=0):
    """(n, I) samples in [-1, 1], crowded near 0 so the adaptive knots are far from uniform."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, (n, I)) ** 3


def normal_equation_residual(layer, x, target):
    """max |B^T (B c - target)| / max |B^T target| over every edge: 0 for a least-squares c."""
    B = bspline.basis(x, layer.knots, layer.k)  # (N, I, M)
    fit = np.einsum("nim,iom->nio", B, layer.coef)  # (N, I, O)
    worst = np.einsum("nim,nio->iom", B, fit - target)  # (I, O, M)
    scale = np.einsum("nim,nio->iom", B, target)
    return np.abs(worst).max() / np.abs(scale).max()


# --------------------------------------------------------------------- grid extension
@pytest.fixture(scope="module")
def adapted():
    """A [2, 3, 1] KAN whose grids were updated on its samples (so they lie inside)."""
    x = np.random.default_rng(0).uniform(-1.0, 1.0, (300, 2))  # (N, 2)
    model = KAN([2, 3, 1], grid=5, k=3, seed=0, init="paper")
    model.update_grid(x)
    return model, x


@pytest.mark.parametrize("new_G", [10, 15, 20])
def test_refine_onto_nested_knots_keeps_the_network_on_its_samples(adapted, new_G):
    model, x = adapted
    before = model(x)
    refined = model.refine(new_G, x)
    assert refined.grid == new_G and model.grid == 5, "refine returns a new model"
    np.testing.assert_allclose(refined(x), before, rtol=0, atol=1e-10)  # measured 7e-16
    for old, new in zip(model.layers, refined.layers, strict=True):
        r = new_G // 5
        np.testing.assert_allclose(new.knots[:, 3:-3][:, ::r], old.knots[:, 3:-3], atol=1e-14)


def test_refined_layer_is_the_same_spline_everywhere_inside_its_grid():
    layer = layer_with(np.sin, G=5)
    x = np.linspace(-1.0, 1.0, 400)[:, None]  # (N, 1) every new interval gets samples
    new = layer.refined(10, x)
    inside = np.linspace(-1.0, 1.0 - 1e-12, 1001)[:, None]  # (1001, 1) not only the samples
    np.testing.assert_allclose(new.spline_values(inside), layer.spline_values(inside),
                               rtol=0, atol=1e-12)  # fmt: skip
    for name in ("scale_base", "scale_sp", "mask"):
        np.testing.assert_array_equal(getattr(new, name), getattr(layer, name))


def test_refine_onto_other_knots_is_the_least_squares_fit():
    layer = layer_with(lambda x: np.sin(3 * x), G=5)
    x = skewed(500)
    new = layer.refined(7, x)  # 7 is no multiple of 5: the knots move
    assert normal_equation_residual(new, x, layer.spline_values(x)) < 1e-10
    assert np.abs(new.spline_values(x) - layer.spline_values(x)).max() > 1e-6  # not exact


# ------------------------------------------------------------------------- grid update
def test_update_grid_keeps_a_spline_the_new_knots_can_represent():
    cubic = lambda x: 0.3 * x**3 - x**2 + 0.5 * x + 0.2  # noqa: E731  in every cubic space
    layer = layer_with(cubic, G=5, I=2, O=2)
    x = skewed(400, I=2)
    before = layer.spline_values(x)  # (N, I, O)
    old_grid = layer.knots.copy()
    layer.update_grid(x)
    assert np.abs(layer.knots - old_grid).max() > 0.1, "the knots did move"
    np.testing.assert_allclose(layer.spline_values(x), before, rtol=0, atol=1e-10)  # 2e-15


def test_a_second_update_from_the_same_samples_changes_nothing():
    layer = layer_with(lambda x: np.sin(3 * x), G=5)
    x = skewed(1000)
    layer.update_grid(x)
    grid, values = layer.knots.copy(), layer.spline_values(x)
    layer.update_grid(x)
    np.testing.assert_allclose(layer.knots, grid, rtol=0, atol=1e-15)
    np.testing.assert_allclose(layer.spline_values(x), values, rtol=0, atol=1e-12)  # 1e-15


def test_update_grid_is_a_least_squares_fit_whose_error_shrinks_with_G():
    x = skewed(1000)
    changes = []
    for G in (5, 10, 20, 40):
        layer = layer_with(lambda x: np.sin(3 * x), G=G)
        before = layer.spline_values(x)
        layer.update_grid(x)
        assert normal_equation_residual(layer, x, before) < 1e-10  # measured ~1e-13
        changes.append(np.abs(layer.spline_values(x) - before).max())
    # measured 4.1e-2, 8.3e-3, 6.6e-4, 2.2e-4 (the sparse samples near +-1 leave wide outer
    # intervals, so this is slower than G^-4): smaller at every doubling, 100x over all
    assert all(b < a for a, b in zip(changes, changes[1:], strict=False))
    assert changes[-1] < changes[0] / 100


def test_samples_already_at_the_knots_are_a_fixed_point():
    G, per = 5, 40
    x = np.linspace(-1.0, 1.0, G * per + 1)[:, None]  # quantiles fall on linspace(-1, 1, G+1)
    layer = layer_with(np.sin, G=G)
    grid, coef = layer.knots.copy(), layer.coef.copy()
    layer.update_grid(x, margin=0.0)
    np.testing.assert_allclose(layer.knots, grid, rtol=0, atol=1e-14)
    np.testing.assert_allclose(layer.coef, coef, rtol=0, atol=1e-12)


def test_grid_eps_mixes_uniform_and_quantile_knots():
    x = skewed(1001)
    layer = layer_with(np.sin, G=4)
    layer.update_grid(x, grid_eps=1.0, margin=0.0)
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(layer.knots[0, 3:-3], np.linspace(lo, hi, 5), atol=1e-15)
    layer.update_grid(x, grid_eps=0.0, margin=0.0)
    xs = np.sort(x[:, 0])
    np.testing.assert_allclose(layer.knots[0, 3:-3], xs[[0, 250, 500, 750, 1000]], atol=1e-15)


def test_the_margin_moves_only_the_end_points_out():
    x = skewed(1001)
    xs = np.sort(x[:, 0])
    for eps in (0.0, 0.02, 1.0):
        plain = bspline.grid_from_samples(x, 4, eps, margin=0.0)[0]  # (G+1,)
        wide = bspline.grid_from_samples(x, 4, eps, margin=0.05)[0]  # (G+1,)
        np.testing.assert_allclose(wide[[0, -1]], [xs[0] - 0.05, xs[-1] + 0.05], atol=1e-15)
        if eps == 0.0:  # the quantile knots inside stay where they were
            np.testing.assert_allclose(wide[1:-1], plain[1:-1], atol=1e-15)


def test_network_update_goes_layer_by_layer(adapted):
    model, x = adapted
    model = model.copy()
    model.layers[0].coef *= 3.0  # move the hidden values so layer 1's knots must follow
    model.update_grid(x, grid_eps=0.02)
    hidden = model.layer_inputs(x)[1]  # computed by the already-updated layer 0
    expected = bspline.grid_from_samples(hidden, model.layers[1].G, 0.02)
    np.testing.assert_allclose(model.layers[1].knots[:, 3:-3], expected, atol=1e-15)


# ------------------------------------------------------------------ degenerate samples
def test_a_constant_input_keeps_its_grid_and_spline():
    layer = layer_with(np.sin, G=5, I=2, O=2)
    x = np.column_stack([np.full(200, 0.3), skewed(200)[:, 0]])  # (N, 2), input 0 constant
    grid, coef, before = layer.knots.copy(), layer.coef.copy(), layer.spline_values(x)
    layer.update_grid(x)
    np.testing.assert_array_equal(layer.knots[0], grid[0])
    np.testing.assert_array_equal(layer.coef[0], coef[0])
    assert np.abs(layer.knots[1] - grid[1]).max() > 0.1, "the other input is updated"
    assert np.all(np.isfinite(layer.coef))
    np.testing.assert_allclose(layer.spline_values(x)[:, 0], before[:, 0], atol=1e-15)


def test_repeated_values_fall_back_to_uniform_knots():
    x = np.r_[np.zeros(150), np.linspace(0.1, 1.0, 50)][:, None]  # (200, 1), 75 % zeros
    layer = layer_with(np.sin, G=5)
    layer.update_grid(x, grid_eps=0.0, margin=0.0)  # the quantile knots 0, 0, 0, 0 coincide
    np.testing.assert_allclose(layer.knots[0, 3:-3], np.linspace(0.0, 1.0, 6), atol=1e-15)
    assert np.all(np.isfinite(layer.coef)) and np.all(np.isfinite(layer.spline_values(x)))
    # with grid_eps = 0.02 the uniform share keeps them apart (0, 0.004, 0.008, 0.012, ...)
    layer.update_grid(x, grid_eps=0.02)
    assert np.all(np.diff(layer.knots[0]) > 0.003)
    assert np.all(np.isfinite(layer.coef)) and np.all(np.isfinite(layer.spline_values(x)))


def test_a_dead_hidden_node_and_a_constant_column_give_no_nan():
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.uniform(-1, 1, 300), np.full(300, -0.5)])  # (N, 2)
    model = KAN([2, 2, 1], grid=5, seed=0)
    model.layers[0].mask[:, 1] = 0.0  # hidden node 1 is always 0
    model.update_grid(x)
    refined = model.refine(10, x)
    for m in (model, refined):
        assert all(np.all(np.isfinite(layer.knots)) for layer in m.layers)
        assert all(np.all(np.isfinite(layer.coef)) for layer in m.layers)
        assert np.all(np.isfinite(m(x)))
    y = np.sin(np.pi * x[:, :1])  # (N, 1)
    history = model.fit((x, y), steps=3, progress=False)
    assert np.all(np.isfinite(history["train_rmse"]))
