r"""The library of candidate functions for symbolic snapping (paper §2.5.4).

A symbolic edge computes y = c·f(a·x + b) + d for a function f from this library. Each
entry holds f, its derivative df (so a network with symbolic edges can be trained with exact
gradients), a sympy builder (to print formulas) and a complexity (to prefer simple answers).
The names and complexities are pykan's (``kan/utils.py``, ``SYMBOLIC_LIB``).

Every f and df here is elementwise (the output has x's shape), float64, and finite for
every finite input, from -1e300 to 1e300. Singular functions get there by one rule, the
**guard**: the argument is clipped into a range where the function is tame,

    f(x) = g(clip(x)),        df(x) = g'(clip(x)) where the clip is inactive, 0 where active,

so df is exactly the derivative of the guarded f wherever that f is differentiable (the
gradient checks rely on this). Outside the guards f equals the textbook function and its
sympy form. Constants: TINY = 1e-8 (closest approach to a singular point), BIG = 1e20
(largest |x| in a power, so |x^5| <= 1e100), EXP_MAX = 230 (so exp <= e^230 ~ 7.7e99).

=================  ===========================================  =========  ==========
name               guarded f                                    guard      complexity
=================  ===========================================  =========  ==========
x                  x                                            none       1
x^2 .. x^5         u^n,  u = clip(x, -BIG, BIG)                 |x|<=BIG   2, 3, 3, 3
1/x .. 1/x^5       1/u^n, u = sign(x)·max(|x|, TINY), sign(0)=+ |x|>=TINY  2, 2, 3, 4, 5
sqrt, x^0.5        sqrt(max(x, TINY²))  (so f(0) = 1e-8)        x>=TINY²   2
x^1.5              u^1.5, u = clip(x, 0, BIG)                   0<=x<=BIG  4
1/sqrt(x), 1/x^0.5 1/sqrt(max(x, TINY))                         x>=TINY    2
exp                exp(min(x, EXP_MAX))                         x<=230     2
log                log(max(x, TINY))                            x>=TINY    2
abs                |x|   (df = sign(x), 0 at the kink)          none       3
sin, cos           sin x, cos x                                 none       2
tan                tan(u), u = x reduced to [-π/2, π/2) and     poles      3
                   clipped to ±(π/2 - TINY); period kept
tanh               tanh x                                       none       3
sgn                sign(x)  (df = 0; the jump at 0 has none)    none       3
arcsin, arccos     arcsin/arccos(clip(x, ±(1 - TINY)))          |x|<1      4
arctan             arctan x                                     none       4
arctanh            arctanh(clip(x, ±(1 - TINY)))                |x|<1      4
0                  0                                            none       0
gaussian           exp(-u²), u = clip(x, ±40)  (exact: exp(-x²) |x|<=40    3
                   is already 0 in float64 beyond |x| ~ 27.3)
=================  ===========================================  =========  ==========

Departure from pykan: pykan's singularity-avoiding versions use |x| (log|x|, sign·sqrt|x|,
|x|^1.5); here the guarded f agrees with its sympy formula on the formula's real domain
and is flat outside it, so a printed formula never claims more than the fit saw.
Users add their own functions with `add_function` (and remove them with `remove_function`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

TINY = 1e-8  # closest approach to a pole / domain edge
BIG = 1e20  # largest |x| inside a positive power: |x|^5 <= 1e100
EXP_MAX = 230.0  # exp(230) ~ 7.7e99 <= 1e100


@dataclass(frozen=True)
class SymbolicFunction:
    """One candidate f for a symbolic edge y = c·f(a·x + b) + d.

    Attributes:
        name: library key, e.g. "sin".
        f: elementwise float64 function, finite for every finite input (guarded).
        df: its derivative, consistent with the guarded f (0 where a guard clips).
        sympy: builder expr -> expr giving f as a sympy expression (imports sympy itself).
        complexity: how complicated f looks in a formula (pykan's scale: "0" 0, "x" 1, ...).
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    sympy: Callable[[Any], Any]
    complexity: int


def _inside(x, lo, hi):
    """1.0 where lo < x < hi (the guard is inactive), else 0.0: the clip's derivative."""
    x = np.asarray(x)
    return ((x > lo) & (x < hi)).astype(np.float64)


def _int_power(u, n):
    """u^n for an int n >= 0 by repeated multiplication: NumPy's u**n with n > 2 calls the
    general pow, which is much slower on negative bases (the grid search calls it a lot)."""
    out = np.ones_like(u, dtype=np.float64)
    for _ in range(n):
        out *= u
    return out


def _power(n):
    """f = x^n with |x| clipped to BIG, and df = n·x^(n-1) (0 beyond the clip)."""

    def f(x):
        """x^n with |x| clipped to BIG."""
        return _int_power(np.clip(x, -BIG, BIG), n)

    def df(x):
        """n x^(n-1), 0 beyond the clip."""
        return n * _int_power(np.clip(x, -BIG, BIG), n - 1) * _inside(x, -BIG, BIG)

    f.__doc__ = f"x^{n}, guard: |x| clipped to BIG = {BIG:g} (so the result stays finite)."
    df.__doc__ = f"d/dx x^{n} = {n}·x^{n - 1}, 0 where |x| > BIG."
    return f, df


def _away_from_zero(x):
    """Sign-preserving guard: sign(x)·max(|x|, TINY), with sign(0) taken as +."""
    return np.where(x >= 0, np.maximum(x, TINY), np.minimum(x, -TINY))


def _inverse_power(n):
    """f = 1/x^n with x kept TINY away from 0, and df = -n/x^(n+1) (0 inside the band)."""

    def f(x):
        """1/x^n with x kept TINY away from 0."""
        # (1/u)^n, not 1/u^n: u^n overflows at |u| = 1e300, (1/u)^n just underflows to 0
        return _int_power(1.0 / _away_from_zero(x), n)

    def df(x):
        """-n / x^(n+1), 0 inside the band |x| < TINY."""
        # d/du u^-n = -n·u^-(n+1), times du/dx = 1 outside the band |x| < TINY, 0 inside
        return -n * _int_power(1.0 / _away_from_zero(x), n + 1) * (np.abs(x) > TINY)

    f.__doc__ = f"1/x^{n}, guard: |x| >= TINY = {TINY:g} keeping the sign (0 counts as +)."
    df.__doc__ = f"d/dx x^-{n} = -{n}·x^-{n + 1}, 0 where |x| < TINY."
    return f, df


def _sqrt(x):
    """sqrt(x), guard: x >= TINY² = 1e-16, so f(0) = 1e-8 and df stays <= 5e7."""
    return np.sqrt(np.maximum(x, TINY**2))


def _dsqrt(x):
    """d/dx sqrt(x) = 1/(2·sqrt(x)), 0 where x < TINY²."""
    return 0.5 / np.sqrt(np.maximum(x, TINY**2)) * (x > TINY**2)


def _pow15(x):
    """x^1.5, guard: x clipped to [0, BIG] (0 for negative x, as the real formula allows)."""
    u = np.clip(x, 0.0, BIG)
    return u * np.sqrt(u)


def _dpow15(x):
    """d/dx x^1.5 = 1.5·sqrt(x); also 0 for x < 0, so f is differentiable at 0."""
    return 1.5 * np.sqrt(np.clip(x, 0.0, BIG)) * (x < BIG)


def _inv_sqrt(x):
    """1/sqrt(x), guard: x >= TINY = 1e-8 (so f <= 1e4)."""
    return 1.0 / np.sqrt(np.maximum(x, TINY))


def _dinv_sqrt(x):
    """d/dx x^-1/2 = -x^-3/2 / 2, 0 where x < TINY."""
    u = np.maximum(x, TINY)
    return -0.5 / np.sqrt(u) / u * (x > TINY)  # not u·sqrt(u): that overflows at u = 1e300


def _exp(x):
    """exp(x), guard: x <= EXP_MAX = 230 (e^230 ~ 7.7e99, so c·f and its square stay finite)."""
    return np.exp(np.minimum(x, EXP_MAX))


def _dexp(x):
    """d/dx exp(x) = exp(x), 0 where x > EXP_MAX."""
    return np.exp(np.minimum(x, EXP_MAX)) * (x < EXP_MAX)


def _log(x):
    """log(x), guard: x >= TINY = 1e-8 (f >= -18.4; constant for x <= 0, where log is undefined)."""
    return np.log(np.maximum(x, TINY))


def _dlog(x):
    """d/dx log(x) = 1/x, 0 where x < TINY."""
    return 1.0 / np.maximum(x, TINY) * (x > TINY)


def _tan_argument(x):
    """x reduced to one period [-π/2, π/2) (same tan), then kept TINY away from the poles."""
    r = np.remainder(np.asarray(x) + np.pi / 2, np.pi) - np.pi / 2
    edge = np.pi / 2 - TINY
    return r, np.clip(r, -edge, edge)


def _tan(x):
    """tan(x), guard: within TINY of a pole π/2 + kπ, f is held at ±tan(π/2 - TINY) ~ ±1e8."""
    return np.tan(_tan_argument(x)[1])


def _dtan(x):
    """d/dx tan(x) = 1 + tan²(x), 0 within TINY of a pole."""
    r, u = _tan_argument(x)
    edge = np.pi / 2 - TINY
    return (1.0 + np.tan(u) ** 2) * _inside(r, -edge, edge)


def _clip_unit(x):
    """Guard for arcsin, arccos, arctanh: x clipped to [-1 + TINY, 1 - TINY]."""
    return np.clip(x, -1.0 + TINY, 1.0 - TINY)


def _arcsin(x):
    """arcsin(x), guard: x clipped to ±(1 - TINY) (so f(±1) is off by ~1.4e-4)."""
    return np.arcsin(_clip_unit(x))


def _darcsin(x):
    """d/dx arcsin(x) = 1/sqrt(1 - x²), 0 where |x| > 1 - TINY."""
    u = _clip_unit(x)
    return _inside(x, -1.0 + TINY, 1.0 - TINY) / np.sqrt(1.0 - u * u)


def _arccos(x):
    """arccos(x), guard: x clipped to ±(1 - TINY)."""
    return np.arccos(_clip_unit(x))


def _darccos(x):
    """d/dx arccos(x) = -1/sqrt(1 - x²), 0 where |x| > 1 - TINY."""
    return -_darcsin(x)


def _arctanh(x):
    """arctanh(x), guard: x clipped to ±(1 - TINY) (so |f| <= 9.6)."""
    return np.arctanh(_clip_unit(x))


def _darctanh(x):
    """d/dx arctanh(x) = 1/(1 - x²), 0 where |x| > 1 - TINY."""
    u = _clip_unit(x)
    return _inside(x, -1.0 + TINY, 1.0 - TINY) / (1.0 - u * u)


def _gaussian(x):
    """exp(-x²), guard: x clipped to ±40 — exact in float64, where exp(-x²) = 0 beyond 27.3."""
    u = np.clip(x, -40.0, 40.0)
    return np.exp(-u * u)


def _dgaussian(x):
    """d/dx exp(-x²) = -2x·exp(-x²) (0 beyond the clip, as it already is in float64)."""
    u = np.clip(x, -40.0, 40.0)
    return -2.0 * u * np.exp(-u * u)


def _identity(x):
    """x itself, as a new float64 array (callers may then write into the result)."""
    return np.array(x, dtype=np.float64)


def _ones(x):
    """d/dx x = 1."""
    return np.ones_like(x, dtype=np.float64)


def _zeros(x):
    """The zero function (and every flat derivative): 0 with x's shape."""
    return np.zeros_like(x, dtype=np.float64)


def _sympy_fn(name, power=1):
    """A builder expr -> sympy.<name>(expr)**power that imports sympy only when called."""

    def build(expr):
        """sympy.<name>(expr)**power."""
        import sympy

        return getattr(sympy, name)(expr) ** power

    return build


def _build_library():
    """The built-in entries, in pykan's order (ties in ranking are broken by this order)."""
    sq = (_sqrt, _dsqrt, _sympy_fn("sqrt"), 2)
    inv_sq = (_inv_sqrt, _dinv_sqrt, _sympy_fn("sqrt", -1), 2)
    table = {
        "x": (_identity, _ones, lambda e: e, 1),
        **{
            f"x^{n}": (*_power(n), lambda e, n=n: e**n, c)
            for n, c in [(2, 2), (3, 3), (4, 3), (5, 3)]
        },
        **{
            "1/x" if n == 1 else f"1/x^{n}": (*_inverse_power(n), lambda e, n=n: 1 / e**n, c)
            for n, c in [(1, 2), (2, 2), (3, 3), (4, 4), (5, 5)]
        },
        "sqrt": sq,
        "x^0.5": sq,
        "x^1.5": (_pow15, _dpow15, _sympy_fn("sqrt", 3), 4),  # sympy writes x**(3/2)
        "1/sqrt(x)": inv_sq,
        "1/x^0.5": inv_sq,
        "exp": (_exp, _dexp, _sympy_fn("exp"), 2),
        "log": (_log, _dlog, _sympy_fn("log"), 2),
        "abs": (np.abs, np.sign, _sympy_fn("Abs"), 3),
        "sin": (np.sin, np.cos, _sympy_fn("sin"), 2),
        "cos": (np.cos, lambda x: -np.sin(x), _sympy_fn("cos"), 2),
        "tan": (_tan, _dtan, _sympy_fn("tan"), 3),
        "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, _sympy_fn("tanh"), 3),
        "sgn": (np.sign, _zeros, _sympy_fn("sign"), 3),
        "arcsin": (_arcsin, _darcsin, _sympy_fn("asin"), 4),
        "arccos": (_arccos, _darccos, _sympy_fn("acos"), 4),
        # 1/(1 + x²) as (1/hypot(1, x))²: x² itself would overflow for |x| > 1e154
        "arctan": (np.arctan, lambda x: (1.0 / np.hypot(1.0, x)) ** 2, _sympy_fn("atan"), 4),
        "arctanh": (_arctanh, _darctanh, _sympy_fn("atanh"), 4),
        "0": (_zeros, _zeros, lambda e: 0 * e, 0),
        "gaussian": (_gaussian, _dgaussian, lambda e: _sympy_fn("exp")(-(e**2)), 3),
    }
    return {name: SymbolicFunction(name, *entry) for name, entry in table.items()}


LIBRARY: dict[str, SymbolicFunction] = _build_library()
BUILTIN_NAMES = frozenset(LIBRARY)


def get_function(name: str) -> SymbolicFunction:
    """The library entry called `name` (TypeError if not a str, ValueError if unknown)."""
    if not isinstance(name, str):
        raise TypeError(f"a symbolic function name must be a str, got {type(name).__name__}")
    if name not in LIBRARY:
        known = ", ".join(repr(n) for n in LIBRARY)
        raise ValueError(f"unknown symbolic function {name!r}; known names: {known}")
    return LIBRARY[name]


def _check_elementwise(fn, label, probe):
    """Raise if fn(probe) is not a finite real array of probe's shape."""
    try:
        out = np.asarray(fn(probe.copy()))
    except Exception as err:  # a user function may fail in any way: report which one failed
        raise ValueError(f"{label} failed on the probe {probe.ravel().tolist()}: {err!r}") from err
    if out.shape != probe.shape or not np.isrealobj(out) or out.dtype == object:
        raise ValueError(
            f"{label} must be elementwise and real: on an array of shape {probe.shape} "
            f"it returned shape {out.shape}, dtype {out.dtype}"
        )
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"{label} must be finite everywhere (guard its singular points); on the probe "
            f"{probe.ravel().tolist()} it returned {out.ravel().tolist()}"
        )


def add_function(name, f, df, sympy, complexity=2, *, overwrite=False) -> SymbolicFunction:
    """Add a user function to LIBRARY so snapping and formulas can use it by name.

    Args:
        name: new library key (a non-empty str; built-in names cannot be replaced).
        f: elementwise NumPy function, finite for every finite input (guard it).
        df: its derivative, consistent with the guarded f.
        sympy: builder expr -> sympy expression for f.
        complexity: non-negative int on pykan's scale (sin 2, tanh 3, arcsin 4).
        overwrite: replace an earlier user function of the same name.
    Returns:
        the new SymbolicFunction. f and df are spot-checked on a small (2, 4) probe
        including 0 and ±10 (finite, right shape): a check, not a proof.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if name in BUILTIN_NAMES:
        raise ValueError(f"{name!r} is a built-in function; pick another name")
    if name in LIBRARY and not overwrite:
        raise ValueError(f"{name!r} is already in the library; pass overwrite=True to replace it")
    for label, fn in [("f", f), ("df", df), ("sympy", sympy)]:
        if not callable(fn):
            raise TypeError(f"{label} must be callable, got {type(fn).__name__}")
    if isinstance(complexity, bool) or not isinstance(complexity, int | np.integer):
        raise TypeError(f"complexity must be an int, got {type(complexity).__name__}")
    if complexity < 0:
        raise ValueError(f"complexity must be >= 0, got {complexity}")
    probe = np.array([[-10.0, -1.0, -0.3, 0.0], [0.2, 0.5, 1.0, 10.0]])  # (2, 4)
    _check_elementwise(f, f"f of {name!r}", probe)
    _check_elementwise(df, f"df of {name!r}", probe)
    import sympy as sp

    expr = sympy(sp.Symbol("x"))
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"sympy builder of {name!r} must return a sympy expression, got {expr!r}")
    entry = SymbolicFunction(name, f, df, sympy, int(complexity))
    LIBRARY[name] = entry
    return entry


def remove_function(name: str) -> None:
    """Remove a user-added function from LIBRARY (built-in functions stay)."""
    get_function(name)  # TypeError / ValueError with the list of known names
    if name in BUILTIN_NAMES:
        raise ValueError(f"{name!r} is a built-in function and cannot be removed")
    del LIBRARY[name]
