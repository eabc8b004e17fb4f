r"""The affine fit of one candidate function, y ≈ c·f(a·x + b) + d, and the ranking.

Paper §2.5.4. Everything here works on the samples (x, y) of one edge, shape (N,);
`symbolic.py` takes them from a network's edge and snaps it.

How one candidate is fitted (`fit_affine`), as in pykan's ``fit_params``:
1. Grid search over (a, b), x's range mapped to [-1, 1]: for each pair the best (c, d) is
   a least-squares line, whose R² is the squared correlation, R²(a, b) = corr(f(a·x + b),
   y)², so no solve is needed per pair (one grid alone: `fit_affine_grid`). Pick the best
   pair, zoom onto its neighbours, repeat.
2. (c, d) by linear least squares at the best (a, b).
3. kan_np addition (``refine=True``): Levenberg–Marquardt on (a, b, c, d), exact Jacobian
   from df, from the zoomed pair and the first grid's runner-up basins, kept only if it
   lowers the error: a = 3.141592653589793 for sin(πx) (the grid alone: ± its last step).
Ranking the candidates (`suggest_symbolic_from_samples`) trades R² against complexity.
"""

from typing import NamedTuple

import numpy as np

from kan_np import checks
from kan_np.functions import LIBRARY, SymbolicFunction, get_function

CHUNK = 2**14  # float64 values per grid temporary (128 KiB), see `fit_affine`'s chunk


class AffineFit(NamedTuple):
    """Parameters of y ≈ c·f(a·x + b) + d and its R² = 1 - SSE / SST over all samples."""

    a: float
    b: float
    c: float
    d: float
    r2: float


def _as_samples(x, y):
    """Validate and return x, y as float64 arrays of shape (N,), N >= 2, finite."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of equal length (N,), got {x.shape} and {y.shape}")
    if x.size < 2:
        raise ValueError(f"need at least 2 samples to fit c·f(a·x + b) + d, got {x.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite (found NaN or inf)")
    return x, y


def as_function(fun):
    """A SymbolicFunction from a library name or a SymbolicFunction."""
    if not isinstance(fun, str | SymbolicFunction):
        raise TypeError(f"fun must be a library name or SymbolicFunction, got {type(fun).__name__}")
    return get_function(fun) if isinstance(fun, str) else fun


def _best_cd(fx, y):
    """Least squares for y ≈ c·fx + d (fx, y (N,)): returns c, d and the squared error."""
    fc = fx - fx.mean()  # (N,)
    sff = fc @ fc
    # a flat fx (variance at rounding level) explains nothing: c = 0, d = mean(y)
    c = (fc @ y) / sff if sff > 1e-24 * (fx @ fx) else 0.0
    d = y.mean() - c * fx.mean()
    r = c * fx + d - y  # (N,)
    return float(c), float(d), float(r @ r)


def _r2_grid(x, y, f, a_values, b_values, chunk):
    """R²(a, b) = corr(f(a·x + b), y)² for every pair of the grid, shape (G_a, G_b).

    The P = G_a·G_b pairs are done in blocks of p = max(1, chunk // N) pairs, so the
    temporaries are (p, N) arrays of at most max(chunk, N) float64 values.
    """
    a_pairs, b_pairs = (g.ravel() for g in np.meshgrid(a_values, b_values, indexing="ij"))  # (P,)
    yc = y - y.mean()  # (N,)
    syy = yc @ yc
    r2 = np.zeros(a_pairs.size)  # (P,)
    step = max(1, chunk // x.size)
    with np.errstate(all="ignore"):  # a user f may overflow; such pairs score 0 below
        for start in range(0, a_pairs.size, step):
            block = slice(start, start + step)
            u = a_pairs[block, None] * x + b_pairs[block, None]  # (p, N)
            fx = np.asarray(f(u), dtype=np.float64)  # (p, N), float for the step below
            mean = fx.mean(axis=1, keepdims=True)  # (p, 1)
            fx -= mean  # centred in place: (p, N)
            sff = np.einsum("pn,pn->p", fx, fx)  # (p,)
            sfy = fx @ yc  # (p,)
            flat = sff <= 1e-24 * (sff + x.size * mean[:, 0] ** 2)  # constant f: R² = 0
            r2[block] = np.where(flat, 0.0, sfy**2 / np.where(flat, 1.0, sff * syy))
    return np.clip(np.nan_to_num(r2, nan=0.0), 0.0, 1.0).reshape(a_values.size, b_values.size)


def _one_grid(x, y, f, a_range, b_range, grid_number, chunk):
    """One grid of (a, b): its axes (G,) each, R² of every pair (G, G), the best pair's index.

    The best pair is the first maximum in a-major, b-minor order (np.argmax).
    """
    a_values = np.linspace(*a_range, grid_number)  # (G,)
    b_values = np.linspace(*b_range, grid_number)  # (G,)
    r2 = _r2_grid(x, y, f, a_values, b_values, chunk)  # (G, G)
    return a_values, b_values, r2, np.unravel_index(np.argmax(r2), r2.shape)


def _check_grid(a_range, b_range, grid_number):
    """ValueError/TypeError unless the ranges are finite (lo, hi), lo <= hi, and G >= 2."""
    for label, value in [("a_range", a_range), ("b_range", b_range)]:
        lo_hi = np.asarray(value, dtype=np.float64)
        if lo_hi.shape != (2,) or not np.all(np.isfinite(lo_hi)) or lo_hi[0] > lo_hi[1]:
            raise ValueError(f"{label} must be finite (lo, hi) with lo <= hi, got {value!r}")
    checks.as_int(grid_number, "grid_number", 2)


def _r2_of(sse, y):
    """R² = 1 - SSE / SST, clipped to [0, 1] (y not constant)."""
    return float(np.clip(1.0 - sse / float(((y - y.mean()) ** 2).sum()), 0.0, 1.0))


def fit_affine_grid(x, y, f, a_range, b_range, grid_number) -> AffineFit:
    r"""One grid search for y ≈ c·f(a·x + b) + d: the best (a, b) and its least-squares (c, d).

    For every pair (a, b) of the grid (a from np.linspace(*a_range, grid_number), b
    likewise), u = f(a x + b) and the best (c, d) is the least-squares line y ≈ c u + d,

    .. math:: c = \frac{\sum_n (u_n - \bar u)(y_n - \bar y)}{\sum_n (u_n - \bar u)^2},
              \qquad d = \bar y - c \bar u,
              \qquad R^2(a, b) = \mathrm{corr}(u, y)^2,

    so no solve is needed per pair; a pair whose u is constant scores R² = 0. This is one
    step of `fit_affine`'s zoomed search, on x as given (`fit_affine` first maps x's range
    to [-1, 1], zooms, and may refine).

    Args:
        x, y: samples, shape (N,), N >= 2, finite.
        f: an elementwise NumPy function, e.g. np.sin (a SymbolicFunction's .f).
        a_range, b_range: (lo, hi) of the grid, finite, lo <= hi.
        grid_number: G >= 2 points per axis, G² pairs (not a spline grid's G).
    Returns:
        AffineFit(a, b, c, d, r2): the first pair of highest R² in a-major, b-minor order,
        its (c, d), and r2 = 1 - SSE / SST. Constant y: (1, 0, 0, y, 1); no pair with
        R² > 0: (1, 0, 0, mean(y), 0).
    """
    x, y = _as_samples(x, y)
    _check_grid(a_range, b_range, grid_number)
    if np.all(y == y[0]):
        return AffineFit(1.0, 0.0, 0.0, float(y[0]), 1.0)
    a_values, b_values, r2, (i, j) = _one_grid(x, y, f, a_range, b_range, grid_number, CHUNK)
    if r2[i, j] == 0.0:
        return AffineFit(1.0, 0.0, 0.0, float(y.mean()), 0.0)
    a, b = float(a_values[i]), float(b_values[j])
    c, d, sse = _best_cd(f(a * x + b), y)
    return AffineFit(a, b, c, d, _r2_of(sse, y))


def _local_maxima(r2, k):
    """Grid indices (i, j) of the k highest local maxima of an R² grid (G_a, G_b), best first."""
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(r2, 1), (3, 3))  # (G_a, G_b, 3, 3)
    flat = np.flatnonzero((r2 >= windows.max(axis=(2, 3))) & (r2 > 0))  # peaks: >= 8 neighbours
    flat = flat[np.argsort(-r2.ravel()[flat], kind="stable")]  # highest first
    return [np.unravel_index(f, r2.shape) for f in flat[:k]]


def _refine(x, y, fun, a, b):
    """Levenberg–Marquardt on (a, b, c, d) from the pair (a, b): returns (a, b, c, d), SSE."""
    from scipy.optimize import least_squares

    def residual(p):
        """r(p) = c f(a x + b) + d - y for p = (a, b, c, d), (N,)."""
        return p[2] * fun.f(p[0] * x + p[1]) + p[3] - y  # (N,)

    def jacobian(p):
        """dr/dp, (N, 4)."""
        u = p[0] * x + p[1]  # (N,)
        dfu = fun.df(u)  # chain rule: d/da c·f(a·x + b) = c·f'(u)·x, d/db = c·f'(u)
        return np.stack([p[2] * dfu * x, p[2] * dfu, fun.f(u), np.ones_like(x)], axis=1)  # (N, 4)

    c, d, _ = _best_cd(fun.f(a * x + b), y)
    try:
        with np.errstate(all="ignore"):
            method = "lm" if x.size >= 4 else "trf"  # MINPACK's lm needs N >= 4 residuals
            res = least_squares(residual, [a, b, c, d], jac=jacobian, method=method, max_nfev=200)
    except (ValueError, np.linalg.LinAlgError):  # e.g. non-finite residuals of a user f
        return None, np.inf
    a, b = float(res.x[0]), float(res.x[1])
    c, d, sse = _best_cd(fun.f(a * x + b), y)  # exact (c, d) for the new (a, b)
    return ((a, b, c, d), sse) if np.isfinite([a, b, c, d, sse]).all() else (None, np.inf)


def fit_affine(
    x,
    y,
    fun,
    a_range=(-10.0, 10.0),
    b_range=(-10.0, 10.0),
    grid_number=101,
    iteration=3,
    *,
    refine=True,
    restarts=8,
    max_grid_samples=256,
    chunk=CHUNK,
) -> AffineFit:
    r"""Fit y ≈ c·f(a·x + b) + d by zoomed grid search over (a, b), then least squares.

    R^2(a, b) = \mathrm{corr}(f(a x + b), y)^2 is the R² of the best (c, d) for that pair.

    Args:
        x, y: samples, shape (N,), N >= 2, finite.
        fun: a library name ("sin") or a SymbolicFunction.
        a_range, b_range: the first grid's (lo, hi) for a and b, for x's range mapped to
            [-1, 1] (pykan: (-10, 10) on x itself, which misses a = 20 for x in [0, 0.2]).
        grid_number: G, points per axis: G×G pairs per iteration (pykan: 101).
        iteration: how many times the grid is laid out; each zooms onto the neighbours of
            the best pair (pykan: 3).
        refine: after the grid, Levenberg–Marquardt on (a, b, c, d) over all samples,
            kept only if it lowers the error. False gives pykan's grid-only answer.
        restarts: the refinement also starts from this many runner-up local maxima of
            the first grid (its coarse step may favour the wrong basin).
        max_grid_samples: the grid and the restarts see at most this many samples, evenly
            spaced in sorted x, so their cost does not grow with N (pykan uses all N);
            the final refinement, c, d and the returned R² use all N samples.
        chunk: a grid temporary holds at most max(chunk, max_grid_samples) float64 values
            (128 KiB: reused, not page-faulted afresh). Only the final refinement grows
            with N: ~200 bytes per sample (Jacobian and scipy's work arrays).
    Returns:
        AffineFit(a, b, c, d, r2) with r2 = 1 - SSE/SST over all samples. Special cases:
        constant y is fitted exactly by c = 0, d = y: returns (1, 0, 0, y, 1) for every f;
        if f(a·x + b) is constant for every pair (e.g. f = "0"): (1, 0, 0, mean(y), 0).
    """
    x, y = _as_samples(x, y)
    fun = as_function(fun)
    _check_grid(a_range, b_range, grid_number)
    for label, value, least in [
        ("iteration", iteration, 1),
        ("restarts", restarts, 0),
        ("max_grid_samples", max_grid_samples, 2),
        ("chunk", chunk, 1),
    ]:
        checks.as_int(value, label, least)
    if np.all(y == y[0]):
        return AffineFit(1.0, 0.0, 0.0, float(y[0]), 1.0)
    # fit in t = (x - mid) / half, the samples' range mapped to [-1, 1], so that the (a, b)
    # ranges mean the same for every scale of x; a, b are mapped back to x at the end
    mid, half = (x.max() + x.min()) / 2, (x.max() - x.min()) / 2 or 1.0
    x = (x - mid) / half  # (N,)
    # the grid sees an evenly spaced (in rank) subsample, which keeps the range of x
    ranks = np.round(np.linspace(0, x.size - 1, min(x.size, max_grid_samples))).astype(int)
    keep = np.argsort(x)[ranks]  # (M,) sample indices, M = min(N, max_grid_samples)
    (a_lo, a_hi), (b_lo, b_hi) = a_range, b_range
    best_r2, starts = 0.0, []
    for it in range(iteration):  # the search of `fit_affine_grid`, on the subsample
        grid = _one_grid(x[keep], y[keep], fun.f, (a_lo, a_hi), (b_lo, b_hi), grid_number, chunk)
        a_values, b_values, r2, (i, j) = grid  # (G,), (G,), (G, G), best pair
        a, b, best_r2 = a_values[i], b_values[j], r2[i, j]
        if it == 0:  # runner-up basins of the coarse grid, for the refinement
            starts = [(a_values[p], b_values[q]) for p, q in _local_maxima(r2, restarts + 1)[1:]]
        # zoom onto the neighbours of the best pair (at an edge the grid shrinks inward, as pykan)
        a_lo, a_hi = a_values[max(i - 1, 0)], a_values[min(i + 1, grid_number - 1)]
        b_lo, b_hi = b_values[max(j - 1, 0)], b_values[min(j + 1, grid_number - 1)]
    if best_r2 == 0.0:  # no pair makes f vary with y: nothing to fit but the mean
        return AffineFit(1.0, 0.0, 0.0, float(y.mean()), 0.0)

    c, d, sse = _best_cd(fun.f(a * x + b), y)
    params = (float(a), float(b), c, d)
    if refine:  # polish each candidate basin on the grid's samples, then the best on all
        polished = [_refine(x[keep], y[keep], fun, *start) for start in [(a, b), *starts]]
        best, _ = min(polished, key=lambda found: found[1])
        found, found_sse = _refine(x, y, fun, *best[:2]) if best else (None, np.inf)
        if found_sse < sse:  # kept only if it lowers the error
            params, sse = found, found_sse
    a, b, c, d = params
    return AffineFit(float(a / half), float(b - a * mid / half), c, d, _r2_of(sse, y))


def suggest_symbolic_from_samples(
    x,
    y,
    lib=None,
    topk=5,
    bits_per_complexity=2.0,
    max_bits=40.0,
    refine_top=None,
    tie_bits=2.0,
    **fit_options,
) -> list[tuple[str, AffineFit, float]]:
    r"""Rank candidate functions for the samples (x, y) by fit quality against complexity.

    score(f) = \min(-\log_2(1 - R^2_f),\ \text{max\_bits}) - \text{bits\_per\_complexity} \cdot C_f

    -log2(1 - R²) counts the bits of the variance explained: one bit per halving of the
    unexplained variance. Each unit of complexity must buy `bits_per_complexity` bits
    (default 2: a 4× smaller unexplained variance). The ranking starts with every candidate
    within `tie_bits` (default 2) of the best score, simplest first, then in the order of
    lib; the rest follow by score. A fit better by less than a factor 4 in unexplained
    variance is noise in a trained spline: on x2² learned from 160 samples, cos(0.1 x)
    (a parabola plus a small quartic) beat x² by one bit. Scores are shown to 0.1 bit. So:
    - "0" (C = 0, R² = 0) scores 0, so it wins only if no f of complexity C reaches
      R² > 1 - 2^(-2C) (0.9375 for sin): pure noise snaps to "0"; good fits never do.
    - Fits at machine precision (1 - R² < 2^-40 ~ 1e-12) all score 40 - 2C: the simplest
      exact f wins; exact ties (sin, cos: phase shifts of each other) go to the earlier
      entry ("sin"). Constant y gives R² = 1 for every f, hence "0".
    pykan ranks by 0.8·C + 0.2·log2(1 + 1e-5 - R²) (lower is better), i.e. 4 bits per
    unit of complexity with at most log2(1e5) = 16.6 bits to earn: with "0" at R² = 0
    (loss 0), sin needs R² > 0.996, arcsin R² > 0.999995, and 1/x^5 (C = 5) loses to "0"
    even when it fits perfectly. pykan's weight_simple = w matches bits_per_complexity =
    w/(1 - w) (0.8 -> 4); kan_np's default is milder and its cap is 2.4× higher.

    Args:
        x, y: samples of one edge, shape (N,).
        lib: names or SymbolicFunctions to try (default: all of LIBRARY, user entries too).
        topk: how many of the best to return.
        bits_per_complexity, max_bits, tie_bits: the trade-off above.
        refine_top: None refines every candidate; n fits all with the grid alone, then
            refines only the n best by R² (refinement is ~90% of the cost).
        **fit_options: passed on to `fit_affine` (a_range, b_range, refine, ...).
    Returns:
        up to topk tuples (name, AffineFit, score), best first.
    """
    x, y = _as_samples(x, y)
    if isinstance(lib, str | SymbolicFunction):
        raise TypeError(f"lib must be a list of names, not the single entry {lib!r}")
    candidates = [as_function(f) for f in (LIBRARY.values() if lib is None else lib)]
    if not candidates:
        raise ValueError("lib is empty: give at least one function name")
    checks.as_int(topk, "topk", 1)
    if not (bits_per_complexity >= 0 and max_bits > 0):
        raise ValueError(
            f"need bits_per_complexity >= 0 and max_bits > 0, got {bits_per_complexity}, {max_bits}"
        )
    if refine_top is not None:
        checks.as_int(refine_top, "refine_top", 0)
    refine = fit_options.pop("refine", True)
    unique = {fun.f: fun for fun in candidates}  # aliases ("sqrt", "x^0.5") share one fit
    fits = {
        f: fit_affine(x, y, fun, refine=refine and refine_top is None, **fit_options)
        for f, fun in unique.items()
    }
    if refine and refine_top is not None:  # polish the best grid fits only
        best = sorted(fits, key=lambda f: -fits[f].r2)[:refine_top]
        fits |= {f: fit_affine(x, y, unique[f], **fit_options) for f in best}
    ranked = []
    for order, fun in enumerate(candidates):
        fit = fits[fun.f]
        with np.errstate(divide="ignore"):  # 1 - R² = 0 gives inf bits, capped next
            bits = min(-np.log2(1.0 - fit.r2), max_bits)
        # to 0.1 bit, so fits equal but for rounding (x² vs cos(a·x) with a -> 0) tie
        score = round(float(bits - bits_per_complexity * fun.complexity), 1) + 0.0  # no -0.0
        ranked.append(((-score, fun.complexity, order), (fun.name, fit, score)))
    best = max(entry[2] for _, entry in ranked)
    near = [item for item in ranked if item[1][2] >= best - tie_bits]
    rest = [item for item in ranked if item[1][2] < best - tie_bits]
    near.sort(key=lambda item: item[0][1:])  # simplest, then earliest in lib
    rest.sort(key=lambda item: item[0])  # by score
    return [entry for _, entry in near + rest][:topk]
