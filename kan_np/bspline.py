r"""B-splines: knot grids, the Cox–de Boor basis, its derivative, least-squares fits.

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

Local support: B_{m,k} is non-zero only on [t_m, t_{m+k+1}), so at any x at most k + 1
values are non-zero. `basis` computes only those (the triangular table of size k + 1 on the
knot span of x) and places them; `basis_reference` runs the full recursion and is the
readable definition the tests compare against. Shapes: N samples, I inputs (one knot vector
per input), G intervals, k order, M = G + k basis functions.
"""

import functools
from typing import NamedTuple

import numpy as np
from numpy.polynomial import Polynomial


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


def basis_reference(x, grid, k):
    """The full Cox–de Boor recursion over all M basis functions (the readable definition).

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) knots.
        k: spline order.
    Returns:
        (N, I, G+k) basis values B_{m,k}(x[n, i]) on the knots of input i.
    """
    t = grid[None, :, :]  # (1, I, G+2k+1)
    x = x[:, :, None]  # (N, I, 1)
    B = ((x >= t[..., :-1]) & (x < t[..., 1:])).astype(float)  # (N, I, G+2k)  order 0
    for p in range(1, k + 1):
        left = (x - t[..., : -(p + 1)]) / (t[..., p:-1] - t[..., : -(p + 1)])
        right = (t[..., p + 1 :] - x) / (t[..., p + 1 :] - t[..., 1:-p])
        B = left * B[..., :-1] + right * B[..., 1:]  # (N, I, G+2k-p)
    return B


def is_uniform(grid, rtol=1e-9):
    """True when every knot vector is evenly spaced (up to rounding)."""
    spacing = np.diff(grid, axis=1)  # (I, G+2k)
    h = spacing[:, :1]  # (I, 1)
    return bool(np.all(np.abs(spacing - h) <= rtol * h))


def find_span(x, grid, uniform=None):
    """Index s of the knot interval [t_s, t_{s+1}) holding each x; -1 or G+2k outside.

    Evenly spaced knots (the grids a KAN starts with) give s by arithmetic,
    floor((x - t_0) / h), which rounding can put one interval off right at a knot; one
    comparison with the two neighbouring knots settles it. Other knots are counted: s + 1
    is the number of knots at or below x: counted with one vector comparison per knot when
    there are fewer knots than inputs, else found by one binary search per input.

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) strictly increasing knots.
        uniform: whether the knots are evenly spaced (computed when None).
    Returns:
        (N, I) integer spans.
    """
    N, I = x.shape
    n_knots = grid.shape[1]
    if uniform is None:
        uniform = is_uniform(grid)
    if uniform:
        t0 = grid[:, 0]  # (I,)
        h = (grid[:, -1] - t0) / (n_knots - 1)  # (I,)
        with np.errstate(over="ignore", invalid="ignore"):  # huge x: +-inf, clipped next
            guess = np.floor((x - t0) / h)  # (N, I)
        np.fmin(np.fmax(guess, 0, out=guess), n_knots - 2, out=guess)  # NaN -> 0, no crash
        s = guess.astype(np.intp)  # (N, I)
        at_s = np.arange(I) * n_knots + s  # (N, I)  flat index of t_s
        return s - (x < grid.take(at_s)) + (x >= grid.take(at_s + 1))
    if n_knots < I:  # few knots, many inputs: one vector comparison per knot
        count = np.zeros((N, I), dtype=np.intp)  # (N, I)
        for j in range(n_knots):
            count += x >= grid[:, j]
        return count - 1
    span = np.empty((I, N), dtype=np.intp)  # (I, N)
    xt = x.T  # (I, N)
    for i in range(I):
        span[i] = np.searchsorted(grid[i], xt[i], side="right") - 1
    return span.T  # (N, I)


class LocalBasis(NamedTuple):
    """The k + 1 basis values that can be non-zero at each x, and where they belong.

    The local index r comes first, so each values[r] is one contiguous (N, I) array.

    pos: (k+1, N, I) flat positions in an (N, I, M) array (N*I*M marks a basis function
        that does not exist, left of B_0 or right of B_{M-1}).
    values: (k+1, N, I) B_{s-k+r,k}(x) for r = 0..k (0 where absent or outside the knots).
    dvalues: (k+1, N, I) their x-derivatives, or None when not asked for.
    """

    pos: np.ndarray
    values: np.ndarray
    dvalues: np.ndarray | None


def local_basis(x, grid, k, derivative=False):
    r"""The non-zero basis values on each knot span (triangular Cox–de Boor).

    Starting from the single order-0 value B_{s,0} = 1 on [t_s, t_{s+1}), order p builds its
    p + 1 values from the p values of order p - 1 with the recursion of the module
    docstring written for the span (de Boor's algorithm for the basis):

    .. math:: \ell_j = x - t_{s+1-j}, \quad r_j = t_{s+j} - x, \quad
              B_{s-p+r,p} = r_{r+1} \tau_r + \ell_{p-r+1} \tau_{r-1}, \quad
              \tau_r = B_{s-p+1+r,p-1} / (r_{r+1} + \ell_{p-r})

    The derivative comes from the order k-1 values:

    .. math:: \frac{d}{dx} B_{m,k}(x) = \frac{k}{t_{m+k} - t_m} B_{m,k-1}(x)
              - \frac{k}{t_{m+k+1} - t_{m+1}} B_{m+1,k-1}(x)

    On evenly spaced knots the same recursion reduces to fixed polynomials of the offset
    inside the interval (`cardinal_polynomials`), which is cheaper to evaluate.

    At a knot, values and derivative are those of the interval on the right (half-open
    convention); a spline of order k is only C^{k-1} there. Knots are padded by k on each
    side so every index exists; padded knots only touch basis functions outside 0..M-1,
    which are marked absent.

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) strictly increasing knots.
        k: spline order.
        derivative: also return d/dx.
    Returns:
        LocalBasis(pos, values, dvalues).
    """
    N, I = x.shape
    M = grid.shape[1] - 1 - k
    padded = extend_grid(grid, k) if k > 0 else grid  # (I, G+4k+1); t_s sits at s + k
    uniform = is_uniform(grid)
    span = find_span(x, grid, uniform)  # (N, I)
    s = np.clip(span, 0, grid.shape[1] - 2)  # (N, I)
    at_s = np.arange(I) * padded.shape[1] + s + k  # (N, I) flat index of t_s
    # values outside the knots are zeroed below; clipping keeps their arithmetic finite
    x_in = np.clip(x, grid[:, 0], grid[:, -1])  # (N, I)
    values = np.empty((k + 1, N, I))
    dvalues = np.empty((k + 1, N, I)) if derivative else None
    if uniform:
        _uniform_table(x_in, padded.take(at_s), grid[:, 1] - grid[:, 0], k, values, dvalues)
    else:
        _general_table(x_in, padded, at_s, k, values, dvalues)

    first = np.arange(0, N * I * M, M).reshape(N, I) + (s - k)  # (N, I) position of B_{s-k}
    pos = first + np.arange(k + 1).reshape(k + 1, 1, 1)  # (k+1, N, I)
    if s.min() < k or s.max() >= M or not np.array_equal(span, s):  # x near or past the ends
        m = s + np.arange(-k, 1).reshape(k + 1, 1, 1)  # (k+1, N, I) basis index of each value
        missing = (m < 0) | (m >= M)  # basis functions that do not exist
        np.putmask(pos, missing, N * I * M)
        absent = missing | (span != s)
        np.putmask(values, absent, 0.0)
        if derivative:
            np.putmask(dvalues, absent, 0.0)
    return LocalBasis(pos, values, dvalues)


def _general_table(x, padded, at_s, k, values, dvalues):
    """The triangular Cox–de Boor table on any knots (see `local_basis`), in place."""
    knot = {j: padded.take(at_s + j) for j in range(1 - k, k + 1)}  # t_{s+j}, (N, I) each
    left = [None] + [x - knot[1 - j] for j in range(1, k + 1)]  # x - t_{s+1-j}
    right = [None] + [knot[j] - x for j in range(1, k + 1)]  # t_{s+j} - x
    table = [np.ones_like(x)]  # order 0: B_{s,0} = 1
    taus = []
    for p in range(1, k + 1):
        lower, table, taus = table, [], []  # lower: the p values of order p - 1
        saved = 0.0
        for r in range(p):
            tau = lower[r] / (right[r + 1] + left[p - r])
            table.append(saved + right[r + 1] * tau)
            saved = left[p - r] * tau
            taus.append(tau)
        table.append(saved)
    for r in range(k + 1):
        values[r] = table[r]
    if dvalues is not None:
        # in the last order, tau_r = B_{m+1,k-1} / (t_{m+k+1} - t_{m+1}) for m = s-k+r, so
        # dB_{m,k}/dx = k (tau_{r-1} - tau_r), with tau_{-1} = tau_k = 0
        taus = [0.0, *taus, 0.0]
        for r in range(k + 1):
            dvalues[r] = k * (taus[r] - taus[r + 1])


@functools.cache
def cardinal_polynomials(k):
    r"""On evenly spaced knots every B-spline piece is one fixed polynomial of the offset.

    With f = (x - t_s) / h in [0, 1), B_{s-k+r,k}(x) = \sum_q C[q, r] f^q. The columns come
    from running the same triangular recursion on polynomials in f (knots t_j = j, so every
    denominator of order p equals p). For k = 3, 6 C = [[1, 4, 1, 0], [-3, 0, 3, 0],
    [3, -6, 3, 0], [-1, 3, -3, 1]], the familiar cubic B-spline pieces.

    Returns:
        (k+1, k+1) array C.
    """
    f = Polynomial([0.0, 1.0])
    table = [Polynomial([1.0])]
    for p in range(1, k + 1):
        lower, table, saved = table, [], Polynomial([0.0])
        for r in range(p):
            tau = lower[r] / p
            table.append(saved + (r + 1 - f) * tau)  # right_{r+1} = r + 1 - f
            saved = (f + p - r - 1) * tau  # left_{p-r} = f + p - r - 1
        table.append(saved)
    C = np.zeros((k + 1, k + 1))
    for r, piece in enumerate(table):
        C[: len(piece.coef), r] = piece.coef
    return C


def _uniform_table(x, t_s, h, k, values, dvalues):
    """Basis values on evenly spaced knots: Horner on the cardinal polynomials, in place."""
    C = cardinal_polynomials(k)[:, :, None, None]  # (k+1, k+1, 1, 1): C[q] is one per r
    f = (x - t_s) / h  # (N, I) offset inside the knot interval, in [0, 1)
    values[...] = C[k]  # (k+1, N, I): the k+1 pieces, all at once
    for q in range(k - 1, -1, -1):  # Horner: (...(C_k f + C_{k-1}) f + ...) + C_0
        values *= f
        values += C[q]
    if dvalues is not None:  # d/dx = (1/h) d/df
        dvalues[...] = k * C[k]
        for q in range(k - 1, 0, -1):
            dvalues *= f
            dvalues += q * C[q]
        dvalues /= h


def to_dense(local, M):
    """Place local values (k+1, N, I) into a dense (N, I, M) array of zeros."""
    _, N, I = local.pos.shape
    flat = np.zeros(N * I * M + 1)  # one spare slot receives the absent functions
    flat[local.pos] = local.values
    return flat[:-1].reshape(N, I, M)


def basis(x, grid, k):
    """B-spline basis values B_{m,k}(x) for every input, using local support.

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) knots (strictly increasing rows).
        k: spline order.
    Returns:
        (N, I, G+k) basis values; at most k + 1 non-zero per (n, i).
    """
    return to_dense(local_basis(x, grid, k), grid.shape[1] - 1 - k)


def basis_dx(x, grid, k):
    """d/dx of every basis function, (N, I) , (I, G+2k+1) -> (N, I, G+k).

    See `local_basis` for the formula and the convention at knots.
    """
    local = local_basis(x, grid, k, derivative=True)
    return to_dense(local._replace(values=local.dvalues), grid.shape[1] - 1 - k)


def evaluate(x, grid, coef, k):
    r"""Spline values of every edge: s_{n,i,o} = \sum_m c_{i,o,m} B_{m,k}(x_{n,i}).

    Args:
        x: (N, I) inputs.
        grid: (I, G+2k+1) knots.
        coef: (I, O, G+k) coefficients.
        k: spline order.
    Returns:
        (N, I, O) per-edge spline values.
    """
    B = basis(x, grid, k)  # (N, I, M)
    return np.einsum("nim,iom->nio", B, coef)  # (N, I, O)


def fit_coef(x, y, grid, k, ridge=0.0):
    r"""Least-squares coefficients of splines through samples, one fit per input.

    .. math:: c_{i,o} = \arg\min_c \sum_n \Big(\sum_m c_m B_{m,k}(x_{n,i}) - y_{n,i,o}\Big)^2
              + \lambda \lVert c \rVert^2

    Used by grid update and grid extension (Eq. 2.16). Where samples do not pin down every
    coefficient (an empty knot interval), the minimum-norm solution is returned (no NaN).

    Args:
        x: (N, I) sample inputs.
        y: (N, I, O) target values of every edge at its input.
        grid: (I, G+2k+1) knots.
        k: spline order.
        ridge: lambda >= 0, an optional Tikhonov term.
    Returns:
        (I, O, G+k) coefficients.
    """
    N, I = x.shape
    O = y.shape[2]
    B = basis(x, grid, k)  # (N, I, M)
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
