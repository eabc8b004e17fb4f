r"""Exercise 03.1: the forward pass of a KAN layer. Read tutorials/03_activation.md first.

Write `layer_forward` below, then check it:

    KAN_NP_EXERCISES=student pytest -m ex03_1 tests/exercises

You may use kan_np.bspline.basis for the basis (or your own from Exercise 02.1) and
kan_np.layer.silu for b(x). Try the one-matrix-product form of chapter 03: the basis
reshaped to (N, I*M) times a weight matrix (I*M, O), plus silu(x) (N, I) times (I, O).
"""

import numpy as np  # noqa: F401  (you will need it)

from kan_np import bspline  # noqa: F401
from kan_np.layer import silu  # noqa: F401


def layer_forward(x, grid, coef, scale_base, scale_sp, mask, k):
    r"""The outputs of a KAN layer: every edge's activation, summed at each output node.

    .. math:: y_{n,o} = \sum_i \mathrm{mask}_{i,o} \Big( w^b_{i,o}\, \mathrm{silu}(x_{n,i})
              + w^s_{i,o} \sum_m c_{i,o,m} B_{m,k}(x_{n,i}) \Big)

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) knots of each input.
        coef: (I, O, G+k) spline coefficients c.
        scale_base: (I, O) w_b.
        scale_sp: (I, O) w_s.
        mask: (I, O) 1 for a live edge, 0 for a removed one.
        k: spline order.
    Returns:
        y: (N, O).
    """
    raise NotImplementedError("Exercise 03.1: see tutorials/03_activation.md")
