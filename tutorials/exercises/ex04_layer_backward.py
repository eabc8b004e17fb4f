r"""Exercise 04.1: the backward pass of a KAN layer.

Read tutorials/04_backprop.md first. Write `layer_backward` below (it has the signature of
the library's `kan_np.layer.layer_backward`), then check it:

    KAN_NP_EXERCISES=student pytest -m ex04_1 tests/exercises

The exercise is the derivation: the docstring gives the forward equation and the shapes,
not the gradients. Chapter 04 derives dscale_base as a worked example; do the same for the
other three. Write each one first as a sum over samples (np.einsum helps), check it, then
look for the matrix product hiding in it. Tools: kan_np.bspline.basis_dx(x, knots, k) gives
dB_m/dx (N, I, M) (or your own from exercise 02.2), and the cache holds b'(x).
"""

import numpy as np  # noqa: F401  (you will need it)

from kan_np import bspline  # noqa: F401


def layer_backward(dy, cache, p):
    r"""Gradients of the loss through `kan_np.layer.layer_forward`, from dy = dL/dy.

    The forward pass computed, for every sample n and output o,

    .. math:: y_{n,o} = \sum_i \mathrm{mask}_{i,o} \Big( w^b_{i,o}\, b(x_{n,i})
              + w^s_{i,o} \sum_m c_{i,o,m} B_m(x_{n,i}) \Big).

    Args:
        dy: (N, O) the gradient of the loss with respect to y.
        cache: the forward's kan_np.layer.LayerCache: cache.x (N, I) the inputs, cache.B
            (N, I, M) the basis values B_m(x_{n,i}), cache.base (N, I) b(x), cache.base_prime
            (N, I) b'(x), or None when the forward ran with need_dx=False (then nobody wants
            dx: return None for it), and cache.W (I*M, O) the forward's weight matrix.
        p: the kan_np.layer.LayerParams of the forward: p.knots (I, G+2k+1), p.coef (I, O, M)
            = c, p.scale_base (I, O) = w^b, p.scale_sp (I, O) = w^s, p.mask (I, O), p.k.
    Returns:
        (dx, grads): dx (N, I) = dL/dx or None (see cache.base_prime), and grads, a dict
        {"coef": (I, O, M), "scale_base": (I, O), "scale_sp": (I, O)} of dL/dc, dL/dw^b and
        dL/dw^s. Every gradient has the shape of the array it belongs to.
    """
    raise NotImplementedError("Exercise 04.1: see tutorials/04_backprop.md")
