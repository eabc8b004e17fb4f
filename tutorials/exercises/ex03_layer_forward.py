r"""Exercise 03.1: a KAN layer's forward pass as one matrix product.

Read tutorials/03_activation.md first. Write `layer_forward` below (it has the signature of
the library's `kan_np.layer.layer_forward`), then check it:

    KAN_NP_EXERCISES=student pytest -m ex03_1 tests/exercises

You may use kan_np.bspline.basis for the basis (or your own from exercise 02.1) and
kan_np.layer.silu for b(x). The exercise is the rearrangement, not the formula: the per-edge
sum below must become ONE matrix product of the basis, reshaped to (N, I*M), with a weight
matrix W (I*M, O), plus silu(x) (N, I) times an (I, O) matrix. Work out which entry of W
multiplies column i*M + m of the basis, and build W from p without a loop over edges. Do not
build an (N, I, O) or (N, I, O, M) array: chapter 03 says why.
"""

import numpy as np  # noqa: F401  (you will need it)

from kan_np import bspline  # noqa: F401
from kan_np.layer import silu  # noqa: F401


def layer_forward(x, p, need_dx=True):
    r"""The outputs of a KAN layer: every edge's activation, summed at each output node.

    .. math:: y_{n,o} = \sum_i \mathrm{mask}_{i,o} \Big( w^b_{i,o}\, \mathrm{silu}(x_{n,i})
              + w^s_{i,o} \sum_m c_{i,o,m} B_{m,k}(x_{n,i}) \Big)

    Args:
        x: (N, I) inputs.
        p: a kan_np.layer.LayerParams with p.knots (I, G+2k+1), p.coef (I, O, M) = c,
            p.scale_base (I, O) = w^b, p.scale_sp (I, O) = w^s, p.mask (I, O) (1 = live
            edge, 0 = removed), p.k the spline order (M = G + k).
        need_dx: the library keeps the basis derivative for the backward pass when True;
            you may ignore it.
    Returns:
        (y, cache): y (N, O), and anything your own backward would need (the checker reads
        only y; None is fine).
    """
    raise NotImplementedError("Exercise 03.1: see tutorials/03_activation.md")
