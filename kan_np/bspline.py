r"""B-splines as defined: knots, the Cox–de Boor recursion, its derivative, least squares.

Paper §2.2. Each KAN activation carries a spline

.. math:: \mathrm{spline}(x) = \sum_{m=0}^{M-1} c_m B_{m,k}(x), \qquad M = G + k,

of order k on a grid of G intervals. The G + 1 grid points are extended by k knots on each
side, with the grid's average spacing (pykan's rule), to t_0 < t_1 < ... < t_{G+2k}.

Cox–de Boor recursion (order 0 on half-open intervals):

.. math::
    B_{m,0}(x) = [t_m \le x < t_{m+1}]

    B_{m,p}(x) = \frac{x - t_m}{t_{m+p} - t_m} B_{m,p-1}(x)
               + \frac{t_{m+p+1} - x}{t_{m+p+1} - t_{m+1}} B_{m+1,p-1}(x)

Extrapolation rule: inside [t_k, t_{G+k}] (the grid range) the M values sum to 1; between
t_0 and t_k, and between t_{G+k} and t_{G+2k}, only part of the basis is present; outside
[t_0, t_{G+2k}) every basis value is exactly 0, so a KAN edge there is only w_b * b(x).

This module is the definition a student reads: `basis` runs the recursion above over all M
functions at once. The layer runs the same numbers through `bspline_fast`, which computes
only the k + 1 values that can be non-zero at each x; the tests hold the two (and SciPy)
to 1e-12 of each other. Shapes: N samples, I inputs (one knot vector per input), G
intervals, k order, M = G + k basis functions.
"""

import numpy as np

from kan_np import checks


def extend_grid(points, k):
    r"""Extend G + 1 grid points by k knots on each side with the average spacing.

    h = (p_G - p_0) / G, knots p_0 - k h, ..., p_0 - h, p_0, ..., p_G, p_G + h, ..., p_G + k h.

    Args:
        points: (I, G+1) increasing grid points, one row per input.
        k: spline order (number of knots added on each side).
    Returns:
        (I, G+2k+1) knot vectors.
    """
    points = np.asarray(points, dtype=float)  # (I, G+1)
    G = points.shape[1] - 1
    h = (points[:, -1:] - points[:, :1]) / G  # (I, 1)
    steps = np.arange(1, k + 1)  # (k,)
    left = points[:, :1] - h * steps[::-1]  # (I, k)
    right = points[:, -1:] + h * steps  # (I, k)
    return np.concatenate([left, points, right], axis=1)  # (I, G+2k+1)


def make_grid(G, k, grid_range=(-1.0, 1.0), I=1):
    """Uniform knot vectors: linspace(lo, hi, G+1) extended by k knots on each side.

    Args:
        G: number of grid intervals (>= 1).
        k: spline order (>= 0).
        grid_range: (lo, hi) with lo < hi.
        I: number of inputs (rows; every row is the same).
    Returns:
        (I, G+2k+1) knots.
    """
    lo, hi = grid_range
    points = np.tile(np.linspace(lo, hi, G + 1), (I, 1))  # (I, G+1)
    return extend_grid(points, k)


def basis(x, knots, k):
    """B_{m,k}(x) for every input by the full Cox–de Boor recursion (the definition).

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) strictly increasing knots, one row per input.
        k: spline order.
    Returns:
        (N, I, G+k) basis values B_{m,k}(x[n, i]) on the knots of input i.
    """
    checks.expect_shape(x, (None, knots.shape[0]), "x", "(N, I)")
    t = knots[None, :, :]  # (1, I, G+2k+1)
    x = x[:, :, None]  # (N, I, 1)
    B = ((x >= t[..., :-1]) & (x < t[..., 1:])).astype(float)  # (N, I, G+2k)  order 0
    for p in range(1, k + 1):
        left = (x - t[..., : -(p + 1)]) / (t[..., p:-1] - t[..., : -(p + 1)])
        right = (t[..., p + 1 :] - x) / (t[..., p + 1 :] - t[..., 1:-p])
        B = left * B[..., :-1] + right * B[..., 1:]  # (N, I, G+2k-p)
    return B


basis_reference = basis  # its name when the fast path lived in this module


def basis_dx(x, knots, k):
    r"""dB_{m,k}/dx for every input, from the order k - 1 basis.

    .. math:: \frac{d}{dx} B_{m,k}(x) = \frac{k}{t_{m+k} - t_m} B_{m,k-1}(x)
              - \frac{k}{t_{m+k+1} - t_{m+1}} B_{m+1,k-1}(x)

    At a knot this is the derivative of the interval on the right (half-open convention);
    a spline of order k is only C^{k-1} there. Outside the knots it is 0.

    Args:
        x: (N, I) inputs.  knots: (I, G+2k+1).  k: spline order.
    Returns:
        (N, I, G+k) derivatives.
    """
    return basis_derivative(x, knots, k, 1)


def basis_derivative(x, knots, k, order, evaluate=basis):
    r"""The order-th x-derivative of every basis function: `basis_dx`'s rule applied r times.

    .. math:: \frac{d^r}{dx^r} B_{m,k} = k \Big(\frac{B^{(r-1)}_{m,k-1}}{t_{m+k} - t_m}
              - \frac{B^{(r-1)}_{m+1,k-1}}{t_{m+k+1} - t_{m+1}}\Big), \qquad
              B^{(0)}_{m,k} = B_{m,k}

    It ends in the order k - r basis; derivatives of order r > k are 0 (piecewise
    polynomials of degree k). At a knot, the derivative of the interval on the right.

    Args:
        x: (N, I) inputs.  knots: (I, G+2k+1).  k: spline order.  order: r >= 0.
        evaluate: how the order k - r basis is evaluated: `basis` (the recursion, default)
            or `bspline_fast.basis` (the same values by local support, for speed).
    Returns:
        (N, I, G+k) values d^r B_{m,k}(x_{n,i}) / dx^r.
    """
    checks.expect_shape(x, (None, knots.shape[0]), "x", "(N, I)")
    checks.as_int(order, "order (of the derivative)", 0)
    if order == 0:
        return evaluate(x, knots, k)  # (N, I, G+k)
    M = knots.shape[1] - 1 - k
    if order > k:
        return np.zeros((x.shape[0], x.shape[1], M))  # (N, I, M)
    lower = basis_derivative(x, knots, k - 1, order - 1, evaluate)  # (N, I, M+1)
    t = knots[None, :, :]  # (1, I, G+2k+1)
    rise = k / (t[..., k:-1] - t[..., : -(k + 1)])  # (1, I, M)  k / (t_{m+k} - t_m)
    fall = k / (t[..., k + 1 :] - t[..., 1:-k])  # (1, I, M)  k / (t_{m+k+1} - t_{m+1})
    return rise * lower[..., :-1] - fall * lower[..., 1:]  # (N, I, M)


def evaluate(x, knots, coef, k):
    r"""Spline values of every edge: s_{n,i,o} = \sum_m c_{i,o,m} B_{m,k}(x_{n,i}).

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) knots.
        coef: (I, O, G+k) coefficients.
        k: spline order.
    Returns:
        (N, I, O) per-edge spline values.
    """
    B = basis(x, knots, k)  # (N, I, M)
    return np.einsum("nim,iom->nio", B, coef)  # (N, I, O)


def fit_coef(x, y, knots, k, ridge=0.0):
    r"""Least-squares coefficients of splines through samples, one fit per input.

    .. math:: c_{i,o} = \arg\min_c \sum_n \Big(\sum_m c_m B_{m,k}(x_{n,i}) - y_{n,i,o}\Big)^2
              + \lambda \lVert c \rVert^2

    Used by grid update and grid extension (Eq. 2.16). Where samples do not pin down every
    coefficient (an empty knot interval), the minimum-norm solution is returned (no NaN).

    Args:
        x: (N, I) sample inputs.
        y: (N, I, O) target values of every edge at its input.
        knots: (I, G+2k+1) knots.
        k: spline order.
        ridge: lambda >= 0, an optional Tikhonov term.
    Returns:
        (I, O, G+k) coefficients.
    """
    N, I = x.shape
    O = y.shape[2]
    B = basis(x, knots, k)  # (N, I, M)
    M = B.shape[2]
    coef = np.empty((I, O, M))
    for i in range(I):
        A = B[:, i, :]  # (N, M)
        rhs = y[:, i, :]  # (N, O)
        if ridge > 0:
            A = np.vstack([A, np.sqrt(ridge) * np.eye(M)])  # (N+M, M)
            rhs = np.vstack([rhs, np.zeros((M, O))])  # (N+M, O)
        coef[i] = np.linalg.lstsq(A, rhs, rcond=None)[0].T  # (O, M)
    return coef


def spline_rmse(f, G, k):
    r"""The best-approximation error of Theorem 2.1 for f on [-1, 1]: a least-squares fit.

    .. math:: \mathrm{RMSE} = \sqrt{\tfrac1N \sum_n \big(s(x_n) - f(x_n)\big)^2},
              \qquad s = \arg\min_{c} \sum_n \Big(\sum_m c_m B_{m,k}(x_n) - f(x_n)\Big)^2,

    on N = 2001 evenly spaced points x_n of [-1, 1] (fit and error on the same points), with
    the knots of `make_grid(G, k)`. For a smooth f it falls like G^-(k+1): the floor that a
    KAN edge with this grid can reach, with no training in the way (chapter 10).

    Args:
        f: a function of an (N, 1) array returning an (N, 1) array (as `datasets`' toys).
        G: number of grid intervals (uniform grid on [-1, 1]), >= 1.
        k: spline order, >= 0.
    Returns:
        the RMSE, a float.
    """
    G, k = checks.as_int(G, "G", 1), checks.as_int(k, "k", 0)
    x = np.linspace(-1.0, 1.0, 2001)[:, None]  # (N, 1)
    y = np.asarray(f(x), dtype=np.float64)  # (N, 1)
    checks.expect_shape(y, (x.shape[0], 1), "f(x)", "(N, 1)")
    knots = make_grid(G, k, (-1.0, 1.0), I=1)  # (1, G+2k+1)
    coef = fit_coef(x, y[:, :, None], knots, k)  # (1, 1, G+k)
    fitted = evaluate(x, knots, coef, k)[:, :, 0]  # (N, 1)
    return float(np.sqrt(np.mean((fitted - y) ** 2)))


def grid_from_samples(x, G, grid_eps=0.02, margin=0.01):
    r"""Grid points adapted to samples (§2.4): a mix of sample quantiles and a uniform grid.

    .. math:: p = \epsilon\, p^{uniform} + (1 - \epsilon)\, p^{adaptive}

    p^adaptive are the sorted samples at indices floor(j N / G) for j < G, plus the largest;
    p^uniform spans [min, max] evenly (pykan's `update_grid_from_samples`). Both then span
    the sample range widened by `margin` on each side, [min - margin, max + margin] (the
    paper's code: test points just outside the training range stay inside the end knots,
    where the spline interpolates instead of extrapolating); margin=0 is pykan 0.2.8.

    Degenerate inputs: a row whose samples are all equal gets NaN points (the caller keeps
    its old grid); a row whose mixed points would not be strictly increasing (repeated
    sample values with a small grid_eps) gets the uniform points instead.

    Args:
        x: (N, I) samples.
        G: number of intervals.
        grid_eps: uniform share in [0, 1].
        margin: widening of the sample range on each side, >= 0, in units of x.
    Returns:
        (I, G+1) grid points.
    """
    N = x.shape[0]
    xs = np.sort(x, axis=0)  # (N, I)
    ids = [int(N / G * j) for j in range(G)] + [N - 1]
    adaptive = xs[ids].T  # (I, G+1)
    adaptive[:, 0] -= margin
    adaptive[:, -1] += margin
    lo, hi = xs[0], xs[-1]  # (I,)
    uniform = (lo - margin)[:, None] + (hi - lo + 2 * margin)[:, None] * np.linspace(
        0.0, 1.0, G + 1
    )  # (I, G+1)
    points = grid_eps * uniform + (1.0 - grid_eps) * adaptive  # (I, G+1)
    scale = np.maximum(1.0, np.abs(xs).max(axis=0))  # (I,)
    constant = (hi - lo) <= 1e-12 * scale  # (I,)
    not_increasing = np.any(np.diff(points, axis=1) <= 1e-12 * scale[:, None], axis=1)
    points[not_increasing] = uniform[not_increasing]
    points[constant] = np.nan
    return points
