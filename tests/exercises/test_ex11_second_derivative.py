"""Checker for exercise 11.1 (tutorials/exercises/ex11_second_derivative.py): first and
second input derivatives through one KAN layer.

The reference is `derivatives.kan_forward`. The expected values do not come from it: the
layer's inputs are a smooth map of two variables, z(x) = tanh(x A + c), whose derivatives
are known in closed form, and y(x) = layer(z(x)) is differentiated by centred differences
(h = 1e-4). Cubic splines are C^2, so the differences stay accurate near knots too: the
errors are about 1e-7, checked at 1e-6 (y_x) and 1e-5 (y_xx).
"""

import numpy as np
import pytest

from kan_np import KAN, derivatives

pytestmark = pytest.mark.ex11_1
READ = "tutorials/11_pde.md, section 'Through a layer'"


@pytest.fixture
def kan_forward(exercise):
    return exercise("ex11_second_derivative", derivatives.kan_forward)


def setup(seed=0, N=8, I=3, O=2):
    """A layer with visible splines, and inner map z(x) = tanh(x A + c) of x (N, 2)."""
    rng = np.random.default_rng(seed)
    layer = KAN([I, O], grid=4, k=3, seed=seed).layers[0]
    layer.coef[...] = rng.normal(0.0, 0.5, layer.coef.shape)
    A, c = rng.normal(0.0, 0.8, (2, I)), rng.normal(0.0, 0.3, I)  # (2, I), (I,)
    x = rng.uniform(-1, 1, (N, 2))  # (N, 2)
    return layer, A, c, x


def inner(x, A, c):
    """z, z_x, z_xx of z = tanh(x A + c): (N, I), (N, 2, I), (N, 2, I)."""
    z = np.tanh(x @ A + c)  # (N, I)
    dz = 1 - z**2  # tanh' = 1 - tanh^2
    z_x = dz[:, None, :] * A[None]  # (N, 2, I)
    z_xx = (-2 * z * dz)[:, None, :] * A[None] ** 2  # (N, 2, I)
    return z, z_x, z_xx


def finite_differences(layer, A, c, x, h=1e-4):
    """y_x, y_xx of y(x) = layer(tanh(x A + c)) by centred differences, (N, 2, O) each."""
    y = lambda x: layer.forward(np.tanh(x @ A + c), need_dx=False)[0]  # noqa: E731
    y_x, y_xx = [], []
    for d in range(2):
        e = np.zeros(2)
        e[d] = h
        y_x.append((y(x + e) - y(x - e)) / (2 * h))
        y_xx.append((y(x + e) - 2 * y(x) + y(x - e)) / h**2)
    return np.stack(y_x, axis=1), np.stack(y_xx, axis=1)


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_finite_differences(kan_forward, assert_close, seed):
    layer, A, c, x = setup(seed)
    z, z_x, z_xx = inner(x, A, c)
    y, y_x, y_xx = kan_forward(z, z_x, z_xx, derivatives.kan_arrays(layer))[:3]
    assert_close(y, layer.forward(z, need_dx=False)[0], "y", read=READ)
    fd_x, fd_xx = finite_differences(layer, A, c, x)
    assert_close(y_x, fd_x, "y_x", rtol=1e-6, atol=1e-6, read=READ)
    assert_close(y_xx, fd_xx, "y_xx", rtol=1e-5, atol=1e-5, read=READ)


def test_first_layer(kan_forward, assert_close):
    """On the network's inputs (z = x, z_x = identity, z_xx = 0) the answer is phi' and phi''."""
    layer, _, _, x = setup(2, I=2)
    p = derivatives.kan_arrays(layer)
    eye = np.broadcast_to(np.eye(2), (len(x), 2, 2))  # (N, 2, 2)
    y, y_x, y_xx = kan_forward(x, eye, np.zeros((len(x), 2, 2)), p)[:3]
    phi = derivatives.edge_derivatives(x, p).phi  # (N, I, O) each
    assert_close(y_x, phi[1], "y_x", read=READ)  # dy_o/dx_d = phi'_{d,o}(x_d)
    assert_close(y_xx, phi[2], "y_xx", read=READ)
