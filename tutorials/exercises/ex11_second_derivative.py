r"""Exercise 11.1: input derivatives through one KAN layer. Read tutorials/11_pde.md first.

Write `kan_forward` below, then check it:

    KAN_NP_EXERCISES=student pytest -m ex11_1 tests/exercises

The layer sums its edge functions, y_o = sum_i phi_{i,o}(z_i), and each input z_i is itself
a function of the network's inputs x_0 .. x_{D-1}. You are given z, its first derivatives
z_x[n, d, i] = dz_i/dx_d and its second derivatives z_xx[n, d, i] = d^2 z_i / dx_d^2.
Derive dy_o/dx_d and d^2 y_o / dx_d^2 from the one-variable chain rule of chapter 11, then
write them with NumPy. `derivatives.edge_derivatives(z, p).phi` gives you phi, phi' and
phi'' of every edge at its input, each (N, I, O): no spline code is needed. For each sample
n the sums over i are matrix products, (D, I) @ (I, O); `@` broadcasts over n.
"""

import numpy as np  # noqa: F401  (you may need it)

from kan_np import derivatives  # noqa: F401


def kan_forward(z, z_x, z_xx, p):
    r"""A KAN layer's outputs with their first and second derivatives along each input x_d.

    .. math:: y_{n,o} = \sum_i \phi_{i,o}(z_{n,i})

    Args:
        z: (N, I) inputs of the layer.
        z_x: (N, D, I) dz_i/dx_d at each sample.
        z_xx: (N, D, I) d^2 z_i / dx_d^2 at each sample.
        p: `kan_np.layer.LayerParams`, the layer's arrays (pass it to edge_derivatives).
    Returns:
        (y, y_x, y_xx, cache): y (N, O), y_x (N, D, O) = dy_o/dx_d, y_xx (N, D, O) =
        d^2 y_o / dx_d^2, and anything you like as cache (None is fine: the checker reads
        the first three).
    """
    raise NotImplementedError("Exercise 11.1: see tutorials/11_pde.md")
