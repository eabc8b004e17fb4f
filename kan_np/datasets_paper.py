"""The special functions (§3.2) and dimensionless Feynman equations (§3.3) of the paper.

Each entry is a `PaperFunction(f, n_var, ranges, formula)`: f maps x (N, n_var) to
y (N, 1), ranges is one (lo, hi) per input variable, and formula names the inputs in
column order. `paper_dataset(name)` samples any of them, or a toy function of §3.1.

Domains. The paper draws every input from (-1, 1) (pykan's default) and does not list
other domains. We keep (-1, 1) wherever the function is finite there, and otherwise
move the variable to the nearest domain where it is finite and well-conditioned; each
departure is written in the entry's formula string after "on". Sampling is on the
half-open box [lo, hi), so a pole sitting exactly on a closed upper end is never hit.

Letters: N samples.
"""

from typing import NamedTuple

import numpy as np
from scipy import special

from kan_np.datasets import TOY_FUNCTIONS, create_dataset

PI = np.pi
UNIT = (-1.0, 1.0)


class PaperFunction(NamedTuple):
    """A benchmark function: f (N, n_var) -> (N, 1), its input box and its formula."""

    f: object
    n_var: int
    ranges: list
    formula: str


def _entry(g, ranges, formula):
    """Wrap g(col_0, col_1, ...) of (N, 1) columns as f(x) with x (N, n_var)."""
    n_var = len(ranges)

    def f(x):  # x (N, n_var)
        """The formula on the columns of x (N, n_var) -> (N, 1)."""
        return g(*(x[:, [i]] for i in range(n_var)))  # each column (N, 1) -> (N, 1)

    f.__doc__ = formula
    return PaperFunction(f, n_var, [tuple(float(v) for v in r) for r in ranges], formula)


def _sinc(z):
    """sin(z) / z, equal to 1 at z = 0 (np.sinc is sin(pi z) / (pi z))."""
    return np.sinc(z / PI)


# ---------------------------------------------------------------- special functions (§3.2)
# Input order follows SciPy's argument order. Choices the paper leaves open:
# - ellipj(u, m) returns (sn, cn, dn, ph); we use sn. SciPy returns NaN for m outside [0, 1].
# - Bessel functions J, Y, K, I (order nu, argument x): a negative argument with a
#   non-integer order is complex (NaN), and Y, K diverge at x = 0, so nu in [0, 1] and
#   x in [0.1, 1] for all four (J, I are finite at 0 but go like x^nu, with an infinite
#   slope for 0 < nu < 1, which a spline cannot follow).
# - lpmv(m, v, x), the associated Legendre function P_v^m(x) of real degree v: a
#   non-integer degree diverges at x = -1 (and for m > 0 also near x = +1), so x is kept
#   in [-0.9, 0.9]; v stays in (-1, 1).
# - Spherical harmonics: SciPy >= 1.15 replaced sph_harm(m, n, azimuth, polar) by
#   sph_harm_y(n, m, theta, phi) with theta the POLAR angle in [0, pi] and phi the
#   AZIMUTHAL angle in [0, 2 pi]. Our input 0 is theta, input 1 is phi, on those full
#   domains. Y is complex; we take the real part, N_n^m P_n^m(cos theta) cos(m phi).


def _ellipj_sn(u, m):
    return special.ellipj(u, m)[0]


def _lpmv(m):
    def g(v, x):
        """Associated Legendre P_v^m(x) of degree v (column 0) at x (column 1)."""
        return special.lpmv(m, v, x)

    return g


def _sph_harm(m, n):
    def g(theta, phi):
        """Real part of the spherical harmonic Y_n^m(theta, phi)."""
        return special.sph_harm_y(n, m, theta, phi).real

    return g


_BESSEL_BOX = [(0.0, 1.0), (0.1, 1.0)]
_LPMV_BOX = [UNIT, (-0.9, 0.9)]
_SPHERE = [(0.0, PI), (0.0, 2 * PI)]

SPECIAL_FUNCTIONS = {
    "ellipj": _entry(_ellipj_sn, [UNIT, (0, 1)], "sn(u | m), Jacobi elliptic, on m in [0, 1]"),
    "ellipkinc": _entry(special.ellipkinc, [UNIT, UNIT], "F(phi | m), elliptic integral 1st kind"),
    "ellipeinc": _entry(special.ellipeinc, [UNIT, UNIT], "E(phi | m), elliptic integral 2nd kind"),
    "jv": _entry(special.jv, _BESSEL_BOX, "J_nu(x) on nu in [0, 1], x in [0.1, 1]"),
    "yv": _entry(special.yv, _BESSEL_BOX, "Y_nu(x) on nu in [0, 1], x in [0.1, 1]"),
    "kv": _entry(special.kv, _BESSEL_BOX, "K_nu(x) on nu in [0, 1], x in [0.1, 1]"),
    "iv": _entry(special.iv, _BESSEL_BOX, "I_nu(x) on nu in [0, 1], x in [0.1, 1]"),
}
for _m in (0, 1, 2):
    SPECIAL_FUNCTIONS[f"lpmv_m{_m}"] = _entry(
        _lpmv(_m), _LPMV_BOX, f"P_v^{_m}(x), associated Legendre, on x in [-0.9, 0.9]"
    )
for _m, _n in ((0, 1), (1, 1), (0, 2), (1, 2), (2, 2)):
    SPECIAL_FUNCTIONS[f"sph_harm_m{_m}_n{_n}"] = _entry(
        _sph_harm(_m, _n),
        _SPHERE,
        f"Re Y_{_n}^{_m}(theta, phi) on theta in [0, pi], phi in [0, 2 pi]",
    )


# ---------------------------------------------------------------- Feynman equations (§3.3)
# The dimensionless forms of the paper's Table 2 (from the AI Feynman database). Names
# keep the paper's labels; "II.11.7" is II.11.17 in AI Feynman's numbering.
# Removable singularities (I.30.3, III.9.52) are evaluated through sinc, so theta = 0 or
# b = c give the limit instead of 0 / 0.

FEYNMAN = {
    "I.6.2": _entry(
        lambda theta, sigma: np.exp(-(theta**2) / (2 * sigma**2)) / np.sqrt(2 * PI * sigma**2),
        [UNIT, (0.5, 1.0)],
        "exp(-theta^2 / (2 sigma^2)) / sqrt(2 pi sigma^2) on sigma in [0.5, 1] (pole at 0)",
    ),
    "I.6.2b": _entry(
        lambda theta, theta1, sigma: (
            np.exp(-((theta - theta1) ** 2) / (2 * sigma**2)) / np.sqrt(2 * PI * sigma**2)
        ),
        [UNIT, UNIT, (0.5, 1.0)],
        "exp(-(theta - theta1)^2 / (2 sigma^2)) / sqrt(2 pi sigma^2) on sigma in [0.5, 1]",
    ),
    "I.9.18": _entry(
        lambda a, b, c, d, e, f: a / ((b - 1) ** 2 + (c - d) ** 2 + (e - f) ** 2),
        [UNIT, (-1.0, 0.5), UNIT, UNIT, UNIT, UNIT],
        "a / ((b - 1)^2 + (c - d)^2 + (e - f)^2) on b in [-1, 0.5] (pole at b=1, c=d, e=f)",
    ),
    "I.12.11": _entry(lambda a, theta: 1 + a * np.sin(theta), [UNIT, UNIT], "1 + a sin(theta)"),
    "I.13.12": _entry(
        lambda a, b: a * (1 / b - 1), [UNIT, (0.5, 2.0)], "a (1/b - 1) on b in [0.5, 2] (pole at 0)"
    ),
    "I.15.3x": _entry(
        lambda a, b: (1 - a) / np.sqrt(1 - b**2),
        [UNIT, (-0.9, 0.9)],
        "(1 - a) / sqrt(1 - b^2) on b in [-0.9, 0.9] (poles at +-1)",
    ),
    "I.16.6": _entry(lambda a, b: (a + b) / (1 + a * b), [UNIT, UNIT], "(a + b) / (1 + a b)"),
    "I.18.4": _entry(
        lambda a, b: (1 + a * b) / (1 + a),
        [(0.0, 1.0), UNIT],
        "(1 + a b) / (1 + a) on a in [0, 1] (a is a mass ratio; pole at -1)",
    ),
    "I.26.2": _entry(
        lambda n, theta2: np.arcsin(n * np.sin(theta2)), [UNIT, UNIT], "arcsin(n sin(theta2))"
    ),
    "I.27.6": _entry(
        lambda a, b: 1 / (1 + a * b),
        [(0.0, 1.0), (0.0, 1.0)],
        "1 / (1 + a b) on a, b in [0, 1] (ratios; pole at a b = -1)",
    ),
    "I.29.16": _entry(
        lambda a, theta1, theta2: np.sqrt(1 + a**2 - 2 * a * np.cos(theta1 - theta2)),
        [UNIT, UNIT, UNIT],
        "sqrt(1 + a^2 - 2 a cos(theta1 - theta2))",
    ),
    "I.30.3": _entry(
        lambda n, theta: (n * _sinc(n * theta / 2) / _sinc(theta / 2)) ** 2,
        [UNIT, UNIT],
        "sin^2(n theta / 2) / sin^2(theta / 2) (-> n^2 at theta = 0)",
    ),
    "I.30.5": _entry(
        lambda a, n: np.arcsin(a / n),
        [UNIT, (1.0, 2.0)],
        "arcsin(a / n) on n in [1, 2] (|a/n| <= 1)",
    ),
    "I.37.4": _entry(
        lambda a, delta: 1 + a + 2 * np.sqrt(a) * np.cos(delta),
        [(0.0, 1.0), UNIT],
        "1 + a + 2 sqrt(a) cos(delta) on a in [0, 1] (a is an intensity ratio)",
    ),
    "I.40.1": _entry(lambda n0, a: n0 * np.exp(-a), [UNIT, UNIT], "n0 exp(-a)"),
    "I.44.4": _entry(
        lambda n, a: n * np.log(a), [UNIT, (0.5, 2.0)], "n log(a) on a in [0.5, 2] (a = V2/V1 > 0)"
    ),
    "I.50.26": _entry(
        lambda a, alpha: np.cos(a) + alpha * np.cos(a) ** 2,
        [UNIT, UNIT],
        "cos(a) + alpha cos^2(a)",
    ),
    "II.2.42": _entry(lambda a, b: (a - 1) * b, [UNIT, UNIT], "(a - 1) b"),
    # 3/(4 pi eps) p_d z sqrt(x^2 + y^2) / r^5 with a = x/r, b = y/r, c = z/r
    "II.6.15a": _entry(
        lambda a, b, c: 3 / (4 * PI) * c * np.sqrt(a**2 + b**2),
        [UNIT, UNIT, UNIT],
        "3/(4 pi) c sqrt(a^2 + b^2)",
    ),
    "II.11.7": _entry(
        lambda n0, a, theta: n0 * (1 + a * np.cos(theta)),
        [UNIT, UNIT, UNIT],
        "n0 (1 + a cos(theta))",
    ),
    "II.11.27": _entry(
        lambda n, alpha: n * alpha / (1 - n * alpha / 3),
        [UNIT, UNIT],
        "n alpha / (1 - n alpha / 3)",
    ),
    "II.35.18": _entry(
        lambda n0, a: n0 / (np.exp(a) + np.exp(-a)), [UNIT, UNIT], "n0 / (exp(a) + exp(-a))"
    ),
    "II.36.38": _entry(lambda a, alpha, b: a + alpha * b, [UNIT, UNIT, UNIT], "a + alpha b"),
    "II.38.3": _entry(lambda a, b: a / b, [UNIT, (0.5, 2.0)], "a / b on b in [0.5, 2] (pole at 0)"),
    "III.9.52": _entry(
        lambda a, b, c: a * _sinc((b - c) / 2) ** 2,
        [UNIT, UNIT, UNIT],
        "a sin^2((b - c)/2) / ((b - c)/2)^2 (-> a at b = c)",
    ),
    "III.10.19": _entry(lambda a, b: np.sqrt(1 + a**2 + b**2), [UNIT, UNIT], "sqrt(1 + a^2 + b^2)"),
    "III.17.37": _entry(
        lambda beta, alpha, theta: beta * (1 + alpha * np.cos(theta)),
        [UNIT, UNIT, UNIT],
        "beta (1 + alpha cos(theta))",
    ),
}


def paper_dataset(name, **kwargs):
    """`create_dataset` for any named function of the paper, on its documented domain.

    Args:
        name: a key of TOY_FUNCTIONS (inputs in (-1, 1)), SPECIAL_FUNCTIONS or FEYNMAN.
        **kwargs: passed to `create_dataset` (n_train, n_test, seed, normalize_*, or
            ranges to replace the documented domain); n_var is fixed by the function.

    Returns:
        the dataset dict of `create_dataset`.
    """
    if "n_var" in kwargs:
        raise TypeError(f"n_var is fixed by {name!r}; do not pass it")
    if name in TOY_FUNCTIONS:
        f, n_var, _ = TOY_FUNCTIONS[name]
        return create_dataset(f, n_var=n_var, **kwargs)
    for table in (SPECIAL_FUNCTIONS, FEYNMAN):
        if name in table:
            f, n_var, ranges, _ = table[name]
            kwargs.setdefault("ranges", ranges)
            return create_dataset(f, n_var=n_var, **kwargs)
    known = [*TOY_FUNCTIONS, *SPECIAL_FUNCTIONS, *FEYNMAN]
    raise ValueError(f"unknown function {name!r}; expected one of {known}")
