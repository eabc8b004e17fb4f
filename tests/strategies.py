"""Hypothesis strategies shared by the tests: bounded, NaN-free, float64."""

import numpy as np
from hypothesis import strategies as st

from kan_np import bspline


@st.composite
def knot_vectors(draw, max_inputs=3, max_G=8, uniform=None):
    """(grid (I, G+2k+1), G, k): strictly increasing knots, uniform or jittered."""
    k = draw(st.integers(0, 5))
    G = draw(st.integers(1, max_G))
    I = draw(st.integers(1, max_inputs))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    is_uniform = draw(st.booleans()) if uniform is None else uniform
    if is_uniform:
        lo = draw(st.floats(-3, 1))
        width = draw(st.floats(0.5, 4))
        return bspline.make_grid(G, k, (lo, lo + width), I=I), G, k
    steps = rng.uniform(0.2, 1.0, (I, G))  # (I, G) interval lengths
    points = np.concatenate([np.zeros((I, 1)), np.cumsum(steps, axis=1)], axis=1) - 1.0
    return bspline.extend_grid(points, k), G, k


def samples_on(grid, k, n, rng, where="inside"):
    """(n, I) samples: inside [t_k, t_{G+k}], or over the whole extended knot range and beyond."""
    if where == "inside":
        lo, hi = grid[:, k], grid[:, -k - 1]
    else:
        lo, hi = grid[:, 0] - 1.0, grid[:, -1] + 1.0
    return rng.uniform(lo, hi, (n, grid.shape[0]))


def away_from_knots(x, grid, margin):
    """x nudged so every sample is at least `margin` away from every knot of its input."""
    x = x.copy()
    for i in range(grid.shape[0]):
        for t in grid[i]:
            near = np.abs(x[:, i] - t) < margin
            x[near, i] = t + margin * np.where(x[near, i] >= t, 1.5, -1.5)
    return x


@st.composite
def widths(draw, max_layers=3, max_width=4):
    """A KAN width list [n_0, ..., n_L] with small layers."""
    L = draw(st.integers(1, max_layers))
    return [draw(st.integers(1, max_width)) for _ in range(L + 1)]


def random_layer_arrays(I, O, G, k, rng, uneven=False):
    """The arrays of a layer with visible splines: uniform knots, or uneven ones (uneven)."""
    if uneven:
        steps = rng.uniform(0.25, 0.6, size=(I, G))  # (I, G) interval lengths
        points = np.concatenate([np.zeros((I, 1)), np.cumsum(steps, axis=1)], axis=1) - 1.0
        grid = bspline.extend_grid(points, k)  # (I, G+2k+1)
    else:
        grid = bspline.make_grid(G, k, I=I)
    return {
        "grid": grid,
        "coef": rng.normal(0.0, 1.0, (I, O, G + k)),
        "scale_base": rng.uniform(-1.0, 1.0, (I, O)),
        "scale_sp": rng.uniform(0.5, 1.5, (I, O)),
        "mask": np.ones((I, O)),
        "k": k,
    }
