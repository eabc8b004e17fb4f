r"""Symbolic edges inside a layer: sigma(x) = c f(a x + b) + d, grouped by function.

Paper §2.5.4. An edge snapped to a function f from the library (`functions.py`) computes

.. math:: \sigma(x) = c\, f(a x + b) + d

with trainable affine parameters (a, b, c, d) = layer.affine[i, o]. The edges that share a
function are evaluated together: one call of f on an (N, E) array for E edges, so there is
no Python loop over edges or samples. Gradients:

.. math:: \frac{\partial\sigma}{\partial c} = f(z), \quad
          \frac{\partial\sigma}{\partial d} = 1, \quad
          \frac{\partial\sigma}{\partial a} = c f'(z)\, x, \quad
          \frac{\partial\sigma}{\partial b} = c f'(z), \quad
          \frac{\partial\sigma}{\partial x} = c f'(z)\, a, \qquad z = a x + b.

Functions with singular points (1/x, log, sqrt, ...) are guarded in `functions.py` so f and
f' stay finite; f' there is the derivative of the guarded function, so gradients are exact.
"""

import numpy as np


def groups(layer):
    """{function name: (ii, oo)}: the input and output indices (E,) of its edges."""
    by_name = {}
    for (i, o), name in sorted(layer.symbolic.items()):
        by_name.setdefault(name, ([], []))
        by_name[name][0].append(i)
        by_name[name][1].append(o)
    return {name: (np.array(ii), np.array(oo)) for name, (ii, oo) in by_name.items()}


def _one_hot(index, size):
    """(E,) indices -> (E, size) matrix with a single 1 per row."""
    out = np.zeros((len(index), size))
    out[np.arange(len(index)), index] = 1.0
    return out


def forward(layer, x, cache):
    """Sum of the symbolic edges' outputs per node, (N, I) -> (N, O).

    Adds each edge's values to cache["acts"] when present and keeps what backward needs.
    """
    from kan_np.functions import get_function

    N, O = x.shape[0], layer.out_dim
    y = np.zeros((N, O))
    saved = []
    for name, (ii, oo) in groups(layer).items():
        a, b, c, d = layer.affine[ii, oo].T  # (E,) each
        xe = x[:, ii]  # (N, E)
        z = a * xe + b  # (N, E)
        fz = get_function(name).f(z)  # (N, E)
        ye = c * fz + d  # (N, E)
        y += ye @ _one_hot(oo, O)  # (N, O)
        if "acts" in cache:
            cache["acts"][:, ii, oo] += ye
        saved.append((name, ii, oo, xe, z, fz))
    cache["symbolic"] = saved
    return y


def backward(layer, dy, cache, dacts, daffine):
    """Gradients of the symbolic edges: fills daffine (I, O, 4) in place, returns dx (N, I)."""
    from kan_np.functions import get_function

    N, I = dy.shape[0], layer.in_dim
    dx = np.zeros((N, I))
    for name, ii, oo, xe, z, fz in cache["symbolic"]:
        a, _, c, _ = layer.affine[ii, oo].T  # (E,)
        dye = dy[:, oo]  # (N, E)  each edge feeds its output node
        if dacts is not None:
            dye = dye + dacts[:, ii, oo]
        dz = dye * c * get_function(name).df(z)  # (N, E)  chain rule through f
        daffine[ii, oo, 0] = np.sum(dz * xe, axis=0)  # d/da = c f'(z) x
        daffine[ii, oo, 1] = np.sum(dz, axis=0)  # d/db = c f'(z)
        daffine[ii, oo, 2] = np.sum(dye * fz, axis=0)  # d/dc = f(z)
        daffine[ii, oo, 3] = np.sum(dye, axis=0)  # d/dd = 1
        dx += (dz * a) @ _one_hot(ii, I)  # d/dx = c f'(z) a
    return dx
