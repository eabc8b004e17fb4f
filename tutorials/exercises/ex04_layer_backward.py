r"""Exercise 04.1: the backward pass of a KAN layer. Read tutorials/04_backprop.md first.

Write `layer_backward` below, then check it:

    KAN_NP_EXERCISES=student pytest -m ex04_1 tests/exercises

You may use kan_np.bspline.basis and kan_np.bspline.basis_dx for B and B', and
kan_np.layer.silu and kan_np.layer.silu_prime for b and b'. Every gradient has the shape of the
array it belongs to; write each one as a sum over samples (np.einsum helps), then look for
the matrix product hiding in it.
"""

import numpy as np  # noqa: F401  (you will need it)

from kan_np import bspline  # noqa: F401
from kan_np.layer import silu, silu_prime  # noqa: F401


def layer_backward(dy, x, grid, coef, scale_base, scale_sp, mask, k):
    r"""Gradients of the loss through a KAN layer.

    For y_{n,o} = \sum_i mask_{i,o} (w^b_{i,o} b(x_{n,i}) + w^s_{i,o} \sum_m c_{i,o,m} B_m(x_{n,i}))
    and dy = dloss/dy:

    .. math::
        dc_{i,o,m} = \mathrm{mask}_{i,o} w^s_{i,o} \sum_n dy_{n,o} B_m(x_{n,i})

        dw^s_{i,o} = \mathrm{mask}_{i,o} \sum_n dy_{n,o} \sum_m c_{i,o,m} B_m(x_{n,i})

        dw^b_{i,o} = \mathrm{mask}_{i,o} \sum_n dy_{n,o}\, b(x_{n,i})

        dx_{n,i} = \sum_o dy_{n,o} \mathrm{mask}_{i,o} \big(w^b_{i,o} b'(x_{n,i})
                   + w^s_{i,o} \sum_m c_{i,o,m} B_m'(x_{n,i})\big)

    Args:
        dy: (N, O) gradient of the loss with respect to the layer's output.
        x: (N, I) inputs of the forward pass.
        grid: (I, G+2k+1) knots of each input.
        coef: (I, O, G+k) spline coefficients c.
        scale_base: (I, O) w_b.
        scale_sp: (I, O) w_s.
        mask: (I, O) 1 for a live edge, 0 for a removed one.
        k: spline order.
    Returns:
        (dx, dcoef, dscale_base, dscale_sp) with shapes (N, I), (I, O, G+k), (I, O), (I, O).
    """
    raise NotImplementedError("Exercise 04.1: see tutorials/04_backprop.md")
