r"""Per-edge activations phi_{i,o}(x_{n,i}) and their backward pass (the penalty's path).

Paper §2.5.1. The sparsity penalty and the plots need every edge's value, not only the
node sums the layer returns:

.. math:: \phi_{i,o}(x_{n,i}) = \tilde w^b_{i,o}\, b(x_{n,i})
          + \tilde w^s_{i,o} \sum_m c_{i,o,m} B_m(x_{n,i}),
          \qquad \tilde w = \mathrm{mask} \cdot w,

built from the layer's forward cache (`layer.LayerCache`), so the basis is not computed
twice. This (N, I, O) array is built only when asked for; the layer's own forward never
forms it. The symbolic edges have their own values (`symbolic_edges.forward`).

Backward, with dacts = dL/dphi (N, I, O) from the penalty:

.. math::
    \frac{\partial L}{\partial c_{i,o,m}} = \tilde w^s_{i,o} \sum_n dacts_{n,i,o} B_m(x_{n,i}),
    \qquad \frac{\partial L}{\partial w^s_{i,o}} = \mathrm{mask}_{i,o}
        \sum_{n,m} dacts_{n,i,o}\, c_{i,o,m} B_m(x_{n,i}),

    \frac{\partial L}{\partial w^b_{i,o}} = \mathrm{mask}_{i,o} \sum_n dacts_{n,i,o} b(x_{n,i}),
    \qquad \frac{\partial L}{\partial x_{n,i}} = \sum_o dacts_{n,i,o}\, \phi'_{i,o}(x_{n,i}).
"""

import numpy as np

from kan_np import bspline_fast


def edge_acts(cache, p):
    """phi_{i,o}(x_{n,i}) of every numeric edge (0 where masked), (N, I, O).

    Args:
        cache: the LayerCache of `layer.layer_forward`.
        p: the LayerParams it was computed with.
    """
    w_b_masked = p.mask * p.scale_base  # (I, O)
    w_s_masked = p.mask * p.scale_sp  # (I, O)
    spline = np.einsum("nim,iom->nio", cache.B, p.coef, optimize=True)  # (N, I, O)
    return w_b_masked * cache.base[:, :, None] + w_s_masked * spline  # (N, I, O)


def edge_acts_backward(dacts, cache, p):
    """Gradients from dacts = dL/d edge_acts (N, I, O); equations in the module docstring.

    Returns:
        dx (N, I), or None when the forward pass did not keep the basis derivative, and
        {"coef": (I, O, M), "scale_base": (I, O), "scale_sp": (I, O)}.
    """
    w_b_masked = p.mask * p.scale_base  # (I, O)
    w_s_masked = p.mask * p.scale_sp  # (I, O)
    dspline = np.einsum("nio,nim->iom", dacts, cache.B, optimize=True)  # (I, O, M)
    grads = {
        "coef": w_s_masked[:, :, None] * dspline,  # (I, O, M)
        "scale_base": p.mask * np.einsum("nio,ni->io", dacts, cache.base),  # (I, O)
        "scale_sp": p.mask * np.einsum("iom,iom->io", dspline, p.coef),  # (I, O)
    }
    if cache.local.values_dx is None:
        return None, grads
    Wc = w_s_masked[:, :, None] * p.coef  # (I, O, M)
    dB = np.einsum("nio,iom->nim", dacts, Wc, optimize=True)  # (N, I, M)
    dbase = np.einsum("nio,io->ni", dacts, w_b_masked)  # (N, I)
    dx = bspline_fast.chain_dx(dB, cache.local) + cache.base_prime * dbase  # (N, I)
    return dx, grads
