r"""Gradient checks: centred differences, vector-Jacobian products, relative error.

Centred difference of a scalar function f at x along coordinate e_j:

.. math:: \frac{\partial f}{\partial x_j} \approx \frac{f(x + h e_j) - f(x - h e_j)}{2h}

Its error is O(h^2) from the Taylor remainder (f''' h^2 / 6) plus O(eps / h) from rounding
(eps ~ 1e-16 in float64), so h ~ 1e-5 gives about 1e-10 absolute error on smooth f.

Vector-Jacobian check: for a vector-valued F and a random upstream gradient u, the analytic
backward pass computes u^T J; the scalar g(x) = u . F(x) has exactly that gradient, so it is
compared with centred differences of g.

Relative error (CS231n):

.. math:: \mathrm{rel}(a, b) = \frac{\max_j |a_j - b_j|}
          {\max(\max_j |a_j| + \max_j |b_j|,\ \epsilon)}

Expected orders in float64 with h = 1e-5: <= 1e-7 where the function is smooth (splines
away from their knots); O(1) possible where a sample sits on a knot of a spline of order
k <= 1 (the derivative jumps), and about h-sized errors for k = 2 (the second derivative
jumps), since one-sided derivatives differ there.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of a scalar function f at x (any shape); returns an array like x.

    x is perturbed in place and restored, so f may close over it.
    """
    grad = np.zeros_like(x, dtype=float)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + h
        f_plus = f()
        flat[j] = old - h
        f_minus = f()
        flat[j] = old
        gflat[j] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a, b, eps=1e-30):
    """max |a - b| / max(max|a| + max|b|, eps): scale-free, 0 for identical arrays."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), eps))


def vjp_check(forward, x, upstream, analytic, h=1e-5):
    """Compare an analytic vector-Jacobian product with centred differences.

    Args:
        forward: a function of no arguments returning F(x) (closes over the array x).
        x: the array being checked (perturbed in place and restored).
        upstream: u, shaped like F(x).
        analytic: the backward pass's u^T dF/dx, shaped like x.
    Returns:
        (relative error, numerical gradient).
    """
    numeric = numerical_gradient(lambda: float(np.sum(upstream * forward())), x, h)
    return relative_error(analytic, numeric), numeric


def worst_entry(a, b):
    """A message naming the worst index, both values and their difference (for failures)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    j = np.unravel_index(np.argmax(np.abs(a - b)), a.shape)
    return f"worst at {tuple(int(v) for v in j)}: analytic {a[j]:.6e} vs numeric {b[j]:.6e}"
