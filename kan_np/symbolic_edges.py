r"""Symbolic edges as their own forward/backward pair: sigma(x) = c f(a x + b) + d.

Paper §2.5.4. An edge snapped to a function f from the library (`functions.py`) computes

.. math:: \sigma(x) = c\, f(a x + b) + d

with trainable affine parameters (a, b, c, d) = affine[i, o]. The edges that share a
function are evaluated together: one call of f on an (N, E) array for E edges, so there is
no Python loop over edges or samples. Gradients, z = a x + b:

.. math:: \frac{\partial\sigma}{\partial c} = f(z), \quad
          \frac{\partial\sigma}{\partial d} = 1, \quad
          \frac{\partial\sigma}{\partial a} = c f'(z)\, x, \quad
          \frac{\partial\sigma}{\partial b} = c f'(z), \quad
          \frac{\partial\sigma}{\partial x} = c f'(z)\, a.

The layer adds these edges' outputs to its numeric ones (`KANLayer.forward`); on a
symbolic edge the numeric part is masked to 0. Functions with singular points (1/x, log,
sqrt, ...) are guarded in `functions.py` so f and f' stay finite; f' there is the
derivative of the guarded function, so gradients are exact.
"""

from typing import NamedTuple

import numpy as np

from kan_np.functions import get_function


class EdgeGroup(NamedTuple):
    """The E edges that share one function, as saved by `forward` for `backward`."""

    name: str  # the function f
    ii: np.ndarray  # (E,) input index of each edge
    oo: np.ndarray  # (E,) output index of each edge
    x: np.ndarray  # (N, E) each edge's input
    z: np.ndarray  # (N, E) a x + b
    fz: np.ndarray  # (N, E) f(z)
    a: np.ndarray  # (E,)
    c: np.ndarray  # (E,)


class SymbolicCache(NamedTuple):
    """What `backward` needs: the layer's shape and one EdgeGroup per function."""

    shape: tuple  # (N, I, O)
    groups: list


def groups(symbolic):
    """{function name: (ii, oo)}: the input and output indices (E,) of its edges.

    Args:
        symbolic: {(i, o): function name}, the layer's snapped edges.
    """
    by_name = {}
    for (i, o), name in sorted(symbolic.items()):
        by_name.setdefault(name, ([], []))
        by_name[name][0].append(i)
        by_name[name][1].append(o)
    return {name: (np.array(ii), np.array(oo)) for name, (ii, oo) in by_name.items()}


def _one_hot(index, size):
    """(E,) indices -> (E, size) matrix with a single 1 per row."""
    out = np.zeros((len(index), size))
    out[np.arange(len(index)), index] = 1.0
    return out


def forward(x, affine, symbolic, want_acts=False):
    r"""y_{n,o} = \sum_{i: (i,o) symbolic} \sigma_{i,o}(x_{n,i}), (N, I) -> (N, O).

    Args:
        x: (N, I) inputs.
        affine: (I, O, 4) the a, b, c, d of every edge (only the symbolic ones are read).
        symbolic: {(i, o): function name}.
        want_acts: also return the per-edge values sigma_{i,o}(x_{n,i}) (0 elsewhere).
    Returns:
        y (N, O), acts (N, I, O) or None, and a SymbolicCache for `backward`.
    """
    N, I = x.shape
    O = affine.shape[1]
    y = np.zeros((N, O))  # (N, O)
    acts = np.zeros((N, I, O)) if want_acts else None  # (N, I, O)
    saved = []
    for name, (ii, oo) in groups(symbolic).items():
        a, b, c, d = affine[ii, oo].T  # (E,) each
        xe = x[:, ii]  # (N, E)
        z = a * xe + b  # (N, E)
        fz = get_function(name).f(z)  # (N, E)
        ye = c * fz + d  # (N, E)
        y += ye @ _one_hot(oo, O)  # (N, O)  each edge feeds its output node
        if want_acts:
            acts[:, ii, oo] = ye
        saved.append(EdgeGroup(name, ii, oo, xe, z, fz, a, c))
    return y, acts, SymbolicCache((N, I, O), saved)


def backward(dy, cache, dacts=None):
    """Gradients of the symbolic edges from dy (N, O) and, if given, dacts (N, I, O).

    dacts is the loss gradient with respect to the per-edge values of `forward`; it adds
    to dy edge by edge.

    Returns:
        dx (N, I) and daffine (I, O, 4), 0 on the numeric edges.
    """
    N, I, O = cache.shape
    dx = np.zeros((N, I))  # (N, I)
    daffine = np.zeros((I, O, 4))  # (I, O, 4)
    for g in cache.groups:
        dye = dy[:, g.oo]  # (N, E)  the gradient of each edge's output node
        if dacts is not None:
            dye = dye + dacts[:, g.ii, g.oo]
        dz = dye * g.c * get_function(g.name).df(g.z)  # (N, E)  chain rule through f
        daffine[g.ii, g.oo, 0] = np.sum(dz * g.x, axis=0)  # d/da = c f'(z) x
        daffine[g.ii, g.oo, 1] = np.sum(dz, axis=0)  # d/db = c f'(z)
        daffine[g.ii, g.oo, 2] = np.sum(dye * g.fz, axis=0)  # d/dc = f(z)
        daffine[g.ii, g.oo, 3] = np.sum(dye, axis=0)  # d/dd = 1
        dx += (dz * g.a) @ _one_hot(g.ii, I)  # d/dx = c f'(z) a
    return dx, daffine
