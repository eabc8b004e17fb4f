r"""The B-spline basis the layer runs: only the k + 1 values that can be non-zero at each x.

Same numbers as `bspline.basis` (the definition), computed with local support. B_{m,k} is
non-zero only on [t_m, t_{m+k+1}), so on the knot interval [t_s, t_{s+1}) that holds x only
B_{s-k,k}, ..., B_{s,k} can be non-zero. Three steps:

1. **Span search** (`find_span`): s for every x. Evenly spaced knots give it by arithmetic,
   s = floor((x - t_0) / h); other knots by counting or binary search.
2. **Local table** (`local_basis`): the k + 1 values B_{s-k+r,k}(x), r = 0..k, by the
   triangular form of the Cox–de Boor recursion on that one span (de Boor's algorithm for
   the basis), and their x-derivatives. On evenly spaced knots the table is a fixed
   polynomial of the offset (x - t_s) / h (`cardinal_polynomials`), evaluated by Horner.
   What depends on the knots alone is computed once per knot vector (`knot_table`).
3. **Placement** (`to_dense`): the k + 1 values go to their columns s-k+r of an (N, I, M)
   array of zeros; the layer multiplies that with its coefficients in one matrix product.

**The sentinel.** Near the ends some of the k + 1 local functions do not exist (index
s-k+r < 0 or >= M), and outside [t_0, t_{G+2k}) none is present. Such a value is set to 0
(and so is its derivative), and its flat position is set to N*I*M, one past the end of the
(N, I, M) array. `to_dense` gives that position a spare slot which it then drops;
`chain_dx` clips it onto the last entry, where it is multiplied by a derivative of 0.
"""

import functools
from typing import NamedTuple

import numpy as np
from numpy.polynomial import Polynomial

from kan_np import checks
from kan_np.bspline import extend_grid


def is_uniform(knots, rtol=1e-9):
    """True when every knot vector is evenly spaced (up to rounding)."""
    spacing = np.diff(knots, axis=1)  # (I, G+2k)
    h = spacing[:, :1]  # (I, 1)
    return bool(np.all(np.abs(spacing - h) <= rtol * h))


def find_span(x, knots, uniform=None):
    """Index s of the knot interval [t_s, t_{s+1}) holding each x; -1 or G+2k outside.

    Evenly spaced knots (the grids a KAN starts with) give s by arithmetic,
    floor((x - t_0) / h), which rounding can put one interval off right at a knot; one
    comparison with the two neighbouring knots settles it. Other knots are counted: s + 1
    is the number of knots at or below x: counted with one vector comparison per knot when
    there are fewer knots than inputs, else found by one binary search per input.

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) strictly increasing knots.
        uniform: whether the knots are evenly spaced (computed when None).
    Returns:
        (N, I) integer spans.
    """
    N, I = x.shape
    n_knots = knots.shape[1]
    if uniform is None:
        uniform = is_uniform(knots)
    if uniform:
        t0 = knots[:, 0]  # (I,)
        h = (knots[:, -1] - t0) / (n_knots - 1)  # (I,)
        with np.errstate(over="ignore", invalid="ignore"):  # huge x: +-inf, clipped next
            guess = np.floor((x - t0) / h)  # (N, I)
        np.fmin(np.fmax(guess, 0, out=guess), n_knots - 2, out=guess)  # NaN -> 0, no crash
        s = guess.astype(np.intp)  # (N, I)
        at_s = np.arange(I) * n_knots + s  # (N, I)  flat index of t_s
        return s - (x < knots.take(at_s)) + (x >= knots.take(at_s + 1))
    if n_knots < I:  # few knots, many inputs: one vector comparison per knot
        count = np.zeros((N, I), dtype=np.intp)  # (N, I)
        for j in range(n_knots):
            count += x >= knots[:, j]
        return count - 1
    span = np.empty((I, N), dtype=np.intp)  # (I, N)
    xt = x.T  # (I, N)
    for i in range(I):
        span[i] = np.searchsorted(knots[i], xt[i], side="right") - 1
    return span.T  # (N, I)


class KnotTable(NamedTuple):
    """What `local_basis` derives from the knots alone (see `knot_table`)."""

    padded: np.ndarray  # (I, G+4k+1) the knots extended by k more on each side
    uniform: bool  # evenly spaced knots: the cardinal polynomials serve every interval
    offsets: np.ndarray  # (k+1, G+2k) index s-k+r of local function r on interval s, or
    # ABSENT (larger than any position) where that function does not exist


ABSENT = np.iinfo(np.intp).max // 2


_KNOT_TABLES = {}  # (k, shape, knot bytes) -> KnotTable: a memo of a function of the knots


def knot_table(knots, k):
    """The KnotTable of these knots, computed once and then looked up by the knot values.

    The key is the knots' bytes, so changed knots (a grid update, a refined model) can never
    meet a stale table; a few dozen knot vectors are kept.
    """
    key = (k, knots.shape, knots.tobytes())
    table = _KNOT_TABLES.get(key)
    if table is None:
        if len(_KNOT_TABLES) >= 64:
            _KNOT_TABLES.clear()
        S, M = knots.shape[1] - 1, knots.shape[1] - 1 - k
        m = np.arange(S) + np.arange(-k, 1).reshape(k + 1, 1)  # (k+1, S) index s-k+r
        offsets = np.where((m >= 0) & (m < M), m, ABSENT)  # (k+1, S)
        padded = extend_grid(knots, k) if k > 0 else knots  # (I, G+4k+1); t_s sits at s + k
        table = _KNOT_TABLES[key] = KnotTable(padded, is_uniform(knots), offsets)
    return table


class LocalBasis(NamedTuple):
    """The k + 1 basis values that can be non-zero at each x, and where they belong.

    The local index r comes first, so each values[r] is one contiguous (N, I) array.

    pos: (k+1, N, I) flat positions in an (N, I, M) array; N*I*M (the sentinel, see the
        module docstring) for a basis function that does not exist.
    values: (k+1, N, I) B_{s-k+r,k}(x) for r = 0..k (0 where absent or outside the knots).
    values_dx: (k+1, N, I) their x-derivatives dB/dx, or None when not asked for.
    """

    pos: np.ndarray
    values: np.ndarray
    values_dx: np.ndarray | None


def local_basis(x, knots, k, derivative=False):
    r"""The non-zero basis values on each knot span (triangular Cox–de Boor).

    With the distances to the knots around the span s,
    :math:`\lambda_j = x - t_{s+1-j}` and :math:`\rho_j = t_{s+j} - x` (j = 1..k), order p
    builds its p + 1 values from the p values of order p - 1 (index r = 0..p):

    .. math:: B_{s-p+r,p} = \rho_{r+1} \tau_r + \lambda_{p-r+1} \tau_{r-1}, \qquad
              \tau_r = \frac{B_{s-p+1+r,p-1}}{\rho_{r+1} + \lambda_{p-r}},
              \quad \tau_{-1} = \tau_p = 0.

    The derivative comes from the last order's tau (see `bspline.basis_dx`):
    dB_{s-k+r,k}/dx = k (tau_{r-1} - tau_r). At a knot, values and derivative are those of
    the interval on the right (half-open convention). Knots are padded by k on each side so
    every t_{s+j} exists; padded knots only touch basis functions outside 0..M-1, which are
    marked absent.

    Args:
        x: (N, I) inputs.
        knots: (I, G+2k+1) strictly increasing knots.
        k: spline order.
        derivative: also compute dB/dx.
    Returns:
        LocalBasis(pos, values, values_dx).
    """
    checks.expect_shape(x, (None, knots.shape[0]), "x", "(N, I)")
    N, I = x.shape
    M = knots.shape[1] - 1 - k
    table = knot_table(knots, k)
    span = find_span(x, knots, table.uniform)  # (N, I)
    s = np.clip(span, 0, knots.shape[1] - 2)  # (N, I)
    at_s = np.arange(I) * table.padded.shape[1] + s + k  # (N, I) flat index of t_s
    # values outside the knots are zeroed below; clipping keeps their arithmetic finite
    x_in = np.clip(x, knots[:, 0], knots[:, -1])  # (N, I)
    t_s = table.padded.take(at_s)  # (N, I)
    values = np.empty((k + 1, N, I))
    values_dx = np.empty((k + 1, N, I)) if derivative else None
    if table.uniform:
        _uniform_table(x_in, t_s, knots[:, 1] - knots[:, 0], k, values, values_dx)
    else:
        _general_table(x_in, table.padded, at_s, k, values, values_dx)

    pos = table.offsets.take(s, axis=1)  # (k+1, N, I) index s-k+r of each value, or ABSENT
    pos += np.arange(0, N * I * M, M).reshape(N, I)  # + where row (n, i) starts
    np.minimum(pos, N * I * M, out=pos)  # the sentinel where the function does not exist
    zero = []  # masks of values that must be 0
    if s.min() < k or s.max() >= M:  # x near the ends: some local functions do not exist
        zero.append(pos == N * I * M)
    if not np.array_equal(span, s):  # x outside all knots: every basis function is 0 there
        zero.append(span != s)
    for mask in zero:  # (k+1, N, I) or (N, I), broadcast
        np.copyto(values, 0.0, where=mask)
        if derivative:
            np.copyto(values_dx, 0.0, where=mask)
    return LocalBasis(pos, values, values_dx)


def _general_table(x, padded, at_s, k, values, values_dx):
    """The triangular Cox–de Boor table on any knots (see `local_basis`), in place."""
    knot = {j: padded.take(at_s + j) for j in range(1 - k, k + 1)}  # t_{s+j}, (N, I) each
    lam = [None] + [x - knot[1 - j] for j in range(1, k + 1)]  # lambda_j = x - t_{s+1-j}
    rho = [None] + [knot[j] - x for j in range(1, k + 1)]  # rho_j = t_{s+j} - x
    table = [np.ones_like(x)]  # order 0: B_{s,0} = 1
    taus = []
    for p in range(1, k + 1):
        lower, table, taus = table, [], []  # lower: the p values of order p - 1
        saved = 0.0  # lambda_{p-r+1} tau_{r-1}, carried to the next r
        for r in range(p):
            tau = lower[r] / (rho[r + 1] + lam[p - r])
            table.append(saved + rho[r + 1] * tau)
            saved = lam[p - r] * tau
            taus.append(tau)
        table.append(saved)
    for r in range(k + 1):
        values[r] = table[r]
    if values_dx is not None:  # dB_{s-k+r,k}/dx = k (tau_{r-1} - tau_r), tau_{-1} = tau_k = 0
        taus = [0.0, *taus, 0.0]
        for r in range(k + 1):
            values_dx[r] = k * (taus[r] - taus[r + 1])


def _horner(C, u, values, values_dx):
    """values[r] = sum_q C[q, r] u^q and values_dx[r] = its d/du, in place (Horner's rule).

    C: (k+1, k+1, ...) coefficients broadcasting against u (N, I); values, values_dx:
    (k+1, N, I), values_dx may be None.
    """
    k = C.shape[0] - 1
    values[...] = C[k]
    for q in range(k - 1, -1, -1):  # (...(C_k u + C_{k-1}) u + ...) + C_0
        values *= u
        values += C[q]
    if values_dx is not None:
        values_dx[...] = k * C[k]
        for q in range(k - 1, 0, -1):
            values_dx *= u
            values_dx += q * C[q]


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
            table.append(saved + (r + 1 - f) * tau)  # rho_{r+1} = r + 1 - f
            saved = (f + p - r - 1) * tau  # lambda_{p-r} = f + p - r - 1
        table.append(saved)
    C = np.zeros((k + 1, k + 1))
    for r, piece in enumerate(table):
        C[: len(piece.coef), r] = piece.coef
    return C


def _uniform_table(x, t_s, h, k, values, values_dx):
    """Basis values on evenly spaced knots: Horner on the cardinal polynomials, in place."""
    C = cardinal_polynomials(k)[:, :, None, None]  # (k+1, k+1, 1, 1): C[q] is one per r
    f = (x - t_s) / h  # (N, I) offset inside the knot interval, in [0, 1)
    _horner(C, f, values, values_dx)
    if values_dx is not None:  # d/dx = (1/h) d/df
        values_dx /= h


def to_dense(local, M):
    """Place local values (k+1, N, I) into a dense (N, I, M) array of zeros."""
    _, N, I = local.pos.shape
    flat = np.zeros(N * I * M + 1)  # the spare last slot receives the sentinel positions
    flat[local.pos] = local.values
    return flat[:-1].reshape(N, I, M)


def chain_dx(dB, local):
    r"""The chain rule through the basis: dx_{n,i} = \sum_m dB_{n,i,m} B'_m(x_{n,i}).

    Only the k + 1 local derivatives are non-zero, so this gathers the k + 1 matching
    entries of dB instead of building a dense (N, I, M) derivative array. mode="clip" maps
    the sentinel position N*I*M onto the last entry; its derivative is 0, so it adds 0.

    Args:
        dB: (N, I, M) loss gradient with respect to the basis values.
        local: the LocalBasis of the forward pass, computed with derivative=True.
    Returns:
        (N, I) the loss gradient with respect to x through the basis.
    """
    picked = np.take(dB.reshape(-1), local.pos, mode="clip")  # (k+1, N, I)
    picked *= local.values_dx
    return picked.sum(axis=0)  # (N, I)


def chain_dx_outer(dy, w, local):
    r"""`chain_dx` for dB_{n,i,m} = dy_n w_{i,m} (a layer with one output), without dB.

    chain_dx needs dB only at the k + 1 local functions of each (n, i). With one output
    each of those entries is dy_n times an entry of w, so this reads w there instead of
    building the (N, I, M) outer product: position (n I + i) M + m of an (N, I, M) array,
    minus n I M, is entry i M + m of w. mode="clip" maps the sentinel onto w's last entry,
    whose derivative there is 0. Same numbers as ``chain_dx((dy * w).reshape(N, I, M),
    local)``.

    Args:
        dy: (N, 1) the loss gradient of the layer's one output.
        w: (I*M,) the weights, entry i*M + m for input i and basis function m.
        local: the LocalBasis of the forward pass, computed with derivative=True.
    Returns:
        (N, I) the loss gradient with respect to x through the basis.
    """
    N, IM = dy.shape[0], w.shape[0]
    rows = np.arange(0, N * IM, IM).reshape(N, 1)  # (N, 1) where sample n starts
    picked = w.take(local.pos - rows, mode="clip")  # (k+1, N, I)  w_{i, s-k+r}
    picked *= dy  # dB at the local functions ((N, 1) broadcasts)
    picked *= local.values_dx
    return picked.sum(axis=0)  # (N, I)


def basis(x, knots, k):
    """`bspline.basis` computed with local support: (N, I), (I, G+2k+1) -> (N, I, G+k)."""
    return to_dense(local_basis(x, knots, k), knots.shape[1] - 1 - k)


def basis_dx(x, knots, k):
    """`bspline.basis_dx` computed with local support: (N, I), (I, G+2k+1) -> (N, I, G+k)."""
    local = local_basis(x, knots, k, derivative=True)
    return to_dense(local._replace(values=local.values_dx), knots.shape[1] - 1 - k)


class BasisCache:
    """The basis of the last two input batches, reused while neither inputs nor knots change.

    Full-batch training evaluates the first layer on the same training inputs thousands of
    times between two grid updates, and its basis depends only on those inputs and the
    knots. `get` compares both with the copies it keeps (O(N I) comparisons, far less work
    than building the basis) and builds the basis only when one differs, so a grid update,
    a refined model or new data can never meet a stale basis. Two entries, because the
    training loop alternates between the training inputs and the inputs it records on.
    """

    def __init__(self):
        self.entries = []  # [(x copy (N, I), knots copy, LocalBasis, B (N, I, M), {})]

    def get(self, x, knots, k, derivative=False):
        """(LocalBasis, dense B (N, I, M)) of x: `local_basis` and `to_dense`, or kept ones."""
        for entry in self.entries:
            kept_x, kept_knots, local, B, _ = entry
            if (
                (local.values_dx is not None) == derivative
                and kept_x.shape == x.shape
                and np.array_equal(kept_knots, knots)
                and np.array_equal(kept_x, x)
            ):
                self.entries = [entry, *(e for e in self.entries if e is not entry)]
                return local, B
        local = local_basis(x, knots, k, derivative)
        B = to_dense(local, knots.shape[1] - 1 - k)  # (N, I, M)
        self.entries = [(x.copy(), knots.copy(), local, B, {}), *self.entries[:1]]
        return local, B

    def derived(self, key, compute):
        """compute(), kept under key beside the basis `get` returned last (same x)."""
        kept = self.entries[0][4]
        if key not in kept:
            kept[key] = compute()
        return kept[key]
