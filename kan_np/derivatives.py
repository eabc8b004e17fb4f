r"""Derivatives of a network with respect to its inputs, and their parameter gradients (§3.4).

A physics-informed loss needs u(x), its first derivatives and its Laplacian. Here they are
propagated forward through the network, layer by layer, next to the values: for each input
direction d = 0..D-1 every node z carries z_x = dz/dx_d and z_xx = d^2 z / dx_d^2 (the
diagonal of the Hessian: enough for the Laplacian). Through a KAN layer, whose output node
o sums the edge functions phi_{i,o} of the inputs i, the chain rule gives

.. math::
    y_o = \sum_i \phi_{i,o}(z_i), \qquad
    y_{o,x} = \sum_i \phi'_{i,o}(z_i)\, z_{i,x}, \qquad
    y_{o,xx} = \sum_i \big[\phi''_{i,o}(z_i)\, z_{i,x}^2 + \phi'_{i,o}(z_i)\, z_{i,xx}\big],

and phi^{(r)} = w_b b^{(r)} + w_s \sum_m c_m B_m^{(r)} needs the r-th derivatives of the
base function and of the B-spline basis (`basis_derivative`). The network's inputs start
with x_x = identity and x_xx = 0; the Laplacian of output o is \sum_d u_{o,xx}. Arrays of
derivatives put the direction before the node, z_x (N, D, I), so that for each sample the
sums over i are matrix products (D, I) @ (I, O).

Backward pairs: each `*_forward(z, z_x, z_xx, ...)` returns (y, y_x, y_xx, cache) and its
`*_backward(dy, dy_x, dy_xx, cache)` takes the loss gradients of the three outputs and
returns those of the three inputs and of the parameters (`d<name>` = dloss/d<name>, shaped
like <name>). The gradient of z flows through phi^{(r)}(z), whose z-derivative is
phi^{(r+1)}, so the backward pass needs third derivatives.

An MLP layer y = sigma(z W + b) obeys the same rules with the activation on the node
(`dense_forward` / `dense_backward`), so `forward` and `backward` accept KANs and
`kan_np.mlp.MLP`s alike. Symbolic (snapped) KAN edges are refused with a ValueError.

Letters: N batch, I inputs of a layer, O outputs, D input directions (the network's
inputs), M basis functions, k spline order.
"""

from typing import NamedTuple

import numpy as np
from scipy.special import expit

from kan_np import bspline, bspline_fast, checks, optim

ORDERS = 4  # values and derivatives of orders 1, 2, 3


# ------------------------------------------------------------------------ 1-D pieces
def basis_derivative(x, knots, k, order):
    r"""d^r B_{m,k}(x) / dx^r, (N, I) -> (N, I, G+k): `bspline.basis_derivative` (the
    recursion and its formula) with the order k - r basis evaluated by local support."""
    return bspline.basis_derivative(x, knots, k, order, evaluate=bspline_fast.basis)


def _silu(x):
    """silu(x) = x s(x) and its derivatives of orders 1-3 (s the logistic sigmoid)."""
    s = expit(x)  # s' = s (1 - s) = q,  q' = q (1 - 2 s)
    q, t = s * (1.0 - s), 1.0 - 2.0 * s
    return [
        x * s,
        s * (1.0 + x * (1.0 - s)),
        q * (2.0 + x * t),
        q * (3.0 * t + x * (t * t - 2.0 * q)),
    ]


def _tanh(x):
    """tanh and its derivatives of orders 1-3."""
    y = np.tanh(x)
    p = 1.0 - y * y  # tanh' = 1 - tanh^2
    return [y, p, -2.0 * y * p, p * (6.0 * y * y - 2.0)]


FUNCTIONS = {  # name -> x -> [f(x), f'(x), f''(x), f'''(x)]
    "silu": _silu,
    "tanh": _tanh,
    "identity": lambda x: [x, np.ones_like(x), np.zeros_like(x), np.zeros_like(x)],
    "zero": lambda x: [np.zeros_like(x)] * ORDERS,
}


# ------------------------------------------------------------------------- KAN layer
def kan_arrays(layer):
    """The layer's `layer.LayerParams` (knots, coef, scale_base, scale_sp, mask, k, base_fun),
    its own arrays; a layer with symbolic edges is refused with a ValueError."""
    if layer.symbolic:
        raise ValueError(
            f"input derivatives are implemented for spline edges only; this layer has "
            f"symbolic edges {sorted(layer.symbolic)} (unfix them first)"
        )
    return layer.layer_params()


class EdgeDerivatives(NamedTuple):
    """phi: ORDERS arrays (N, I, O), phi^{(r)}_{i,o}(z_{n,i}); basis: ORDERS arrays
    (N, I, M), B^{(r)}_m(z_{n,i}); base: ORDERS arrays (N, I), b^{(r)}(z_{n,i})."""

    phi: list
    basis: list
    base: list


def edge_derivatives(z, p):
    r"""phi^{(r)}_{i,o}(z) = w_b b^{(r)}(z) + w_s \sum_m c_{i,o,m} B^{(r)}_m(z), r = 0..3.

    Args:
        z: (N, I) inputs of the layer.  p: `layer.LayerParams`.
    Returns:
        EdgeDerivatives(phi, basis, base).
    """
    basis = [basis_derivative(z, p.knots, p.k, r) for r in range(ORDERS)]  # (N, I, M) each
    base = FUNCTIONS[p.base_fun](z)  # (N, I) each
    w_b, w_s = p.mask * p.scale_base, p.mask * p.scale_sp  # (I, O) each
    phi = [  # (N, I, O) each
        w_b * b[:, :, None] + w_s * np.einsum("nim,iom->nio", B, p.coef)
        for B, b in zip(basis, base, strict=True)
    ]
    return EdgeDerivatives(phi, basis, base)


def kan_forward(z, z_x, z_xx, p):
    r"""A KAN layer's outputs with their first and second input derivatives.

    .. math:: y_o = \sum_i \phi_{i,o}(z_i), \quad y_{o,x} = \sum_i \phi'_{i,o} z_{i,x},
              \quad y_{o,xx} = \sum_i (\phi''_{i,o} z_{i,x}^2 + \phi'_{i,o} z_{i,xx})

    For each sample these sums are matrix products, (D, I) @ (I, O), like the layer's
    forward pass with the edge values phi replaced by their derivatives.

    Args:
        z: (N, I) inputs.  z_x, z_xx: (N, D, I) their first and second derivatives along
        each of the D network inputs.  p: `layer.LayerParams`.
    Returns:
        y (N, O), y_x (N, D, O), y_xx (N, D, O), and a cache for `kan_backward`.
    """
    edges = edge_derivatives(z, p)
    phi, phi_x, phi_xx = edges.phi[:3]  # (N, I, O) each
    y = phi.sum(axis=1)  # (N, O)
    y_x = z_x @ phi_x  # (N, D, O)
    y_xx = z_x**2 @ phi_xx + z_xx @ phi_x  # (N, D, O)
    return y, y_x, y_xx, (z_x, z_xx, edges, p)


def kan_backward(dy, dy_x, dy_xx, cache):
    r"""Loss gradients through `kan_forward`.

    First the gradient of each per-edge value phi^{(r)}_{n,i,o}:
    g_0 = dy_o, g_1 = \sum_d (z_{i,x} dy_{o,x} + z_{i,xx} dy_{o,xx}),
    g_2 = \sum_d z_{i,x}^2 dy_{o,xx}.
    Then, phi^{(r)} being linear in the parameters and d phi^{(r)}(z)/dz = phi^{(r+1)}(z):

    .. math:: dc_{i,o,m} = \mathrm{mask}\, w_s \sum_{n,r} g_r B^{(r)}_m, \quad
              dw_b = \mathrm{mask} \sum_{n,r} g_r b^{(r)}, \quad
              dw_s = \mathrm{mask} \sum_{n,r,m} g_r c_m B^{(r)}_m,

              dz_i = \sum_{o,r} g_r \phi^{(r+1)}, \quad
              dz_{i,x} = \sum_o (dy_{o,x} \phi' + 2\, dy_{o,xx} \phi'' z_{i,x}), \quad
              dz_{i,xx} = \sum_o dy_{o,xx} \phi'

    Returns:
        dz (N, I), dz_x (N, D, I), dz_xx (N, D, I), and grads {"coef" (I, O, M),
        "scale_base" (I, O), "scale_sp" (I, O)}.
    """
    z_x, z_xx, edges, p = cache
    phi, basis, base = edges  # ORDERS x (N, I, O), (N, I, M), (N, I)
    z_xT, z_xxT = z_x.transpose(0, 2, 1), z_xx.transpose(0, 2, 1)  # (N, I, D) each
    g = [  # g[r]: the loss gradient of phi^{(r)}_{n,i,o}, (N, I, O) each
        np.broadcast_to(dy[:, None, :], phi[0].shape),
        z_xT @ dy_x + z_xxT @ dy_xx,
        z_xT**2 @ dy_xx,
    ]
    dspline = sum(np.einsum("nio,nim->iom", g[r], basis[r]) for r in range(3))  # (I, O, M)
    dbase = sum(np.einsum("nio,ni->io", g[r], base[r]) for r in range(3))  # (I, O)
    grads = {
        "coef": (p.mask * p.scale_sp)[:, :, None] * dspline,  # d(w_s c B)/dc = w_s B
        "scale_base": p.mask * dbase,
        "scale_sp": p.mask * np.einsum("iom,iom->io", dspline, p.coef),
    }
    # d phi^{(r)}(z) / dz = phi^{(r+1)}(z): the third derivative enters here
    dz = sum((g[r] * phi[r + 1]).sum(axis=2) for r in range(3))  # (N, I)
    phiT = [f.transpose(0, 2, 1) for f in phi]  # (N, O, I) each
    dz_x = dy_x @ phiT[1] + 2.0 * z_x * (dy_xx @ phiT[2])  # (N, D, I)  d(z_x^2) = 2 z_x
    dz_xx = dy_xx @ phiT[1]  # (N, D, I)
    return dz, dz_x, dz_xx, grads


# ------------------------------------------------------------------------ MLP layer
def dense_forward(z, z_x, z_xx, layer):
    r"""An MLP layer y = sigma(a), a = z W + b, with its input derivatives.

    .. math:: a_x = z_x W, \quad a_{xx} = z_{xx} W, \quad y_x = \sigma'(a) a_x, \quad
              y_{xx} = \sigma''(a) a_x^2 + \sigma'(a) a_{xx}

    (sigma = identity on the last layer). Args: z (N, I), z_x and z_xx (N, D, I), and a
    `kan_np.mlp.DenseLayer`. Returns y (N, O), y_x (N, D, O), y_xx (N, D, O), cache.
    """
    W = layer.weight  # (I, O)
    a = z @ W + layer.bias  # (N, O)
    a_x, a_xx = z_x @ W, z_xx @ W  # (N, D, O) each
    s = FUNCTIONS[layer.activation or "identity"](a)  # sigma^{(r)}(a), (N, O) each
    s1, s2 = s[1][:, None, :], s[2][:, None, :]  # (N, 1, O) each
    y_x = s1 * a_x  # (N, D, O)
    y_xx = s2 * a_x**2 + s1 * a_xx  # (N, D, O)
    return s[0], y_x, y_xx, (z, z_x, z_xx, a_x, a_xx, s, W)


def dense_backward(dy, dy_x, dy_xx, cache):
    r"""Loss gradients through `dense_forward`, via those of a, a_x and a_xx:

    .. math:: da = dy\,\sigma' + \sum_d \big[(dy_x a_x + dy_{xx} a_{xx}) \sigma''
              + dy_{xx} a_x^2 \sigma'''\big], \quad da_x = dy_x \sigma' + 2\, dy_{xx} \sigma'' a_x,
              \quad da_{xx} = dy_{xx} \sigma'

    then dW = z^T da + \sum_{n,d} (z_x^T da_x + z_{xx}^T da_{xx}), db = \sum_n da,
    dz = da W^T, dz_x = da_x W^T, dz_xx = da_xx W^T.

    Returns:
        dz (N, I), dz_x (N, D, I), dz_xx (N, D, I), grads {"weight" (I, O), "bias" (O,)}.
    """
    z, z_x, z_xx, a_x, a_xx, s, W = cache
    N, D, I = z_x.shape
    s1, s2, s3 = (s_r[:, None, :] for s_r in s[1:])  # (N, 1, O) each
    da_x = dy_x * s1 + 2.0 * dy_xx * s2 * a_x  # (N, D, O)
    da_xx = dy_xx * s1  # (N, D, O)
    da = dy * s[1] + ((dy_x * a_x + dy_xx * a_xx) * s2 + dy_xx * a_x**2 * s3).sum(axis=1)
    # sums over samples and directions at once: (N*D, I)^T @ (N*D, O)
    dW = z.T @ da + z_x.reshape(N * D, I).T @ da_x.reshape(N * D, -1)  # (I, O)
    dW += z_xx.reshape(N * D, I).T @ da_xx.reshape(N * D, -1)
    grads = {"weight": dW, "bias": da.sum(axis=0)}  # (I, O), (O,)
    return da @ W.T, da_x @ W.T, da_xx @ W.T, grads


# -------------------------------------------------------------------------- networks
def _pair(layer):
    """(forward, backward, what forward reads) for a KAN layer or an MLP layer."""
    if hasattr(layer, "coef"):
        return kan_forward, kan_backward, kan_arrays(layer)
    return dense_forward, dense_backward, layer


def forward(model, x):
    r"""u = model(x) with u_x = du/dx_d and u_xx = d^2u/dx_d^2 for every input d.

    Starts from x_x = identity (dx_i/dx_d = [i = d]) and x_xx = 0. Works for a `KAN`
    without symbolic edges and for a `kan_np.mlp.MLP`.

    Args:
        model: KAN or MLP.  x: (N, D) inputs.
    Returns:
        u (N, O), u_x (N, D, O), u_xx (N, D, O), and the caches for `backward`.
    """
    x = model.check_input(x)
    N, D = x.shape
    z, z_x, z_xx = x, np.broadcast_to(np.eye(D), (N, D, D)), np.zeros((N, D, D))
    caches = []
    for layer in model.layers:
        layer_forward, _, arrays = _pair(layer)
        z, z_x, z_xx, cache = layer_forward(z, z_x, z_xx, arrays)
        caches.append(cache)
    return z, z_x, z_xx, caches


def backward(model, du, du_x, du_xx, caches):
    """Parameter gradients of a loss on (u, u_x, u_xx), given du (N, O), du_x, du_xx
    (N, D, O). Returns a list over layers of dicts shaped like `model.parameters()`
    (arrays the derivatives do not depend on, such as a KAN's affine slots, get zeros)."""
    grads = [None] * len(model.layers)
    for l in reversed(range(len(model.layers))):
        _, layer_backward, _ = _pair(model.layers[l])
        du, du_x, du_xx, grads[l] = layer_backward(du, du_x, du_xx, caches[l])
    for l, name, arr in model.parameters():
        grads[l].setdefault(name, np.zeros_like(arr))
    return grads


def laplacian(model, x):
    r"""\Delta u = \sum_d d^2 u / dx_d^2 of every output: (N, D) -> (N, O)."""
    return forward(model, x)[2].sum(axis=1)  # (N, O)


def poisson_loss_and_grad(model, x_in, f, x_bd, g, alpha=0.01):
    r"""The paper's PDE loss (§3.4) for \Delta u = f inside and u = g on the boundary:

    .. math:: \ell = \alpha \frac{1}{N} \sum_n (\Delta u(x_n) - f_n)^2
              + \frac{1}{N_b} \sum_b (u(x_b) - g_b)^2

    Args:
        model: KAN or MLP with one output.  x_in: (N, D) interior points, f: (N, 1).
        x_bd: (N_b, D) boundary points, g: (N_b, 1).  alpha: weight of the interior term.
    Returns:
        loss, grads (as `backward`), and {"interior": mean residual^2, "boundary": ...}.
    """
    f, g, alpha = _check_poisson(model, x_in, f, x_bd, g, alpha)
    u, u_x, u_xx, caches = forward(model, x_in)
    residual = u_xx.sum(axis=1) - f  # (N, 1)
    interior = float(np.mean(residual**2))
    dlap = 2.0 * alpha * residual / residual.size  # (N, 1)
    du_xx = np.broadcast_to(dlap[:, None, :], u_xx.shape)  # d Laplacian / d u_xx = 1
    grads = backward(model, np.zeros_like(u), np.zeros_like(u_x), du_xx, caches)
    u_b, u_b_x, u_b_xx, caches_b = forward(model, x_bd)
    diff = u_b - g  # (N_b, 1)
    boundary = float(np.mean(diff**2))
    grads_b = backward(
        model, 2.0 * diff / diff.size, np.zeros_like(u_b_x), np.zeros_like(u_b_xx), caches_b
    )
    for layer_grads, layer_grads_b in zip(grads, grads_b, strict=True):
        for name in layer_grads:
            layer_grads[name] = layer_grads[name] + layer_grads_b[name]
    return alpha * interior + boundary, grads, {"interior": interior, "boundary": boundary}


def _check_poisson(model, x_in, f, x_bd, g, alpha):
    """f (N, 1), g (N_b, 1) as float arrays matching the points, alpha >= 0; else an error."""
    if model.width[-1] != 1:
        raise ValueError(f"the Poisson loss needs a model with 1 output, got width {model.width}")
    f = checks.as_float_matrix(f, "f", columns=1)
    g = checks.as_float_matrix(g, "g", columns=1)
    for values, points, names in ((f, x_in, "f and x_in"), (g, x_bd, "g and x_bd")):
        if len(values) != len(points):
            raise ValueError(f"{names} need one row per point: {len(values)} vs {len(points)}")
    return f, g, checks.as_nonneg_float(alpha, "alpha")


def fit_poisson(model, x_in, f, x_bd, g, alpha=0.01, iterations=100):
    """Minimise `poisson_loss_and_grad` with L-BFGS (`optim.lbfgs`), in place.

    Returns the SciPy result (its x is written into the model; fun is the loss).
    """

    def objective(theta):  # theta (P,)
        """(loss, dloss/dtheta (P,)) at the flat parameters theta, for SciPy."""
        model.set_flat(theta)
        loss, grads, _ = poisson_loss_and_grad(model, x_in, f, x_bd, g, alpha)
        return loss, model.flatten_grads(grads)

    result = optim.lbfgs(objective, model.get_flat(), maxiter=iterations)
    model.set_flat(result.x)
    return result
