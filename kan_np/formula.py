r"""The formula of a snapped KAN (paper §2.5.4): sympy expressions composed through layers.

Node values start as the input symbols x_1, ..., x_n and go through the layers as

.. math:: u_{l+1,j} = \sum_{i:\ \text{symbolic}} \big(c\, f(a\, u_{l,i} + b) + d\big)
          + \sum_{i:\ \text{numeric}} \phi_{l,i,j}(u_{l,i}),

with (a, b, c, d) = layer.affine[i, j] and f the library function's sympy form. Pruned
edges (mask 0, not symbolic) add nothing. A numeric edge left unsnapped is never dropped:
it appears as an undefined sympy function ``phi_{l,i,j}`` of its input, and a warning
lists every such edge (lambdify cannot evaluate these; snap them first).

Constant folding, because the affine parameters have symmetries (c_1 and a_2 of two edges
in a row only matter as a product; every d feeding a node only as a sum):

- each edge's (a, b, c, d) is first put in the form `canonical_affine` gives (a = 1 for
  powers, b = 0 for exp, a >= 0 for odd and even f, phases of sin and cos in ±pi/2);
- a u + b is distributed over the terms of u, so a multiplies into each coefficient and
  b joins the node's constant (the d's of the edges feeding it);
- exp(K + r) = e^K exp(r): a constant K inside exp moves into the factor c;
- sympy's own rules then apply: sin(-z) = -sin(z), cos(-z) = cos(z), (-2x)^2 = 4x^2,
  sqrt(4x) = 2 sqrt(x), and numbers multiplied together become one number.

Rounding (``digits`` = D; None keeps every number as it is): each sum is rounded once, when
it is built (an argument a u + b, after exp's constant is taken out, and each output):
every number in it is rounded to D significant digits, and a term whose coefficient is
below 10^{-D} times the sum's largest coefficient is dropped (it would not show at D digits
next to that term). Coefficients are compared as written, which presumes node values of
order one (as KAN inputs in [-1, 1] and their activations are). Integers are left alone.
So 1.0000000002 * x_2**2 + 3e-11 * x_2 prints as 1.0*x_2**2.

Checking (`checked`): that presumption can fail (a huge coefficient next to a constant, a
cancellation, normalisation constants substituted back), so a formula of a fully snapped
model is evaluated on the model's data and compared with the model itself. When rounding
changed it by more than its last printed digit (relative error 10^{1-D}), it is rebuilt
with D + 2, D + 4, ... digits (then all) and a RuntimeWarning says by how much the short
one was off. Points where the formula is undefined but the model is not (the library
guards sqrt, log, 1/x outside their domain) are counted and reported too.
"""

import warnings
from typing import NamedTuple

import numpy as np

from kan_np import checks
from kan_np.functions import get_function


def _symbols(var_names, n):
    """n sympy symbols: x_1..x_n by default, or from var_names (str or Symbol each)."""
    import sympy

    if var_names is None:
        return [sympy.Symbol(f"x_{p + 1}") for p in range(n)]
    if isinstance(var_names, str) or len(var_names) != n:
        raise ValueError(
            f"var_names must be a list of {n} names (one per input), got {var_names!r}"
        )
    out = []
    for name in var_names:
        if not isinstance(name, str | sympy.Symbol) or not str(name):
            raise TypeError(f"each var_name must be a non-empty str or sympy Symbol, got {name!r}")
        out.append(sympy.Symbol(name) if isinstance(name, str) else name)
    return out


def round_sum(expr, digits):
    """Round a sympy sum to `digits` significant digits, dropping negligible terms.

    Each term's numeric coefficient (``as_coeff_Mul``) is rounded; terms whose coefficient
    is below 10^-digits times the largest are dropped (module docstring). Not recursive:
    the arguments inside were rounded when they were built. digits None: expr unchanged.
    """
    import sympy

    if digits is None:
        return expr
    pairs = [term.as_coeff_Mul() for term in sympy.Add.make_args(expr)]  # (number, rest)
    sizes = [abs(float(c)) if c.is_real else np.inf for c, _ in pairs]  # complex: kept as is
    biggest = max(size for size in sizes if size < np.inf) if min(sizes) < np.inf else 0.0
    kept = []
    for (c, rest), size in zip(pairs, sizes, strict=True):
        if size < biggest * 10.0**-digits:
            continue  # invisible at `digits` digits next to the largest term
        if isinstance(c, sympy.Float):
            c = sympy.Float(float(f"{float(c):.{digits}g}"))
        kept.append(c * rest)
    return sympy.Add(*kept)


POWERS = {
    "x^2": 2,
    "x^3": 3,
    "x^4": 4,
    "x^5": 5,
    "1/x": -1,
    "1/x^2": -2,
    "1/x^3": -3,
    "1/x^4": -4,
    "1/x^5": -5,
}
ODD = ("sin", "tan", "tanh", "arcsin", "arctan", "arctanh", "sgn")  # f(-z) = -f(z)
EVEN = ("cos", "abs", "gaussian")  # f(-z) = f(z)


def canonical_affine(name, a, b, c, d):
    r"""The same edge c f(a x + b) + d with its redundant parameters fixed.

    Exact identities of the library's functions (away from their guards):
    "x": a = 1, b = 0 (c (a x + b) + d = (c a) x + (c b + d));
    x^n, 1/x^n: a = 1, since c (a x + b)^n = (c a^n) (x + b / a)^n;
    exp: b = 0, since c e^{a x + b} = (c e^b) e^{a x};
    odd f: a >= 0 by (a, b, c) -> (-a, -b, -c); even f: a >= 0 by (a, b) -> (-a, -b);
    sin, cos: b in [-\pi/2, \pi/2] by f(z + \pi) = -f(z); tan: the same without the sign.
    Other functions are returned as they are. Returns floats (a, b, c, d).
    """
    a, b, c, d = (float(v) for v in (a, b, c, d))
    if name == "x":
        return 1.0, 0.0, c * a, c * b + d
    if name in POWERS and a != 0:
        return 1.0, b / a, c * a ** POWERS[name], d
    if name == "exp":
        with np.errstate(over="ignore"):
            scaled = c * float(np.exp(b))
        if np.isfinite(scaled):  # else (b > ~709) keep b: c e^b is not a float
            return a, 0.0, scaled, d
    if a < 0 and name in ODD + EVEN:
        a, b, c = -a, -b, (-c if name in ODD else c)
    if name in ("sin", "cos", "tan"):
        turns = np.round(b / np.pi)  # whole half periods in b
        b -= turns * np.pi
        c = -c if name != "tan" and turns % 2 else c
    return float(a), float(b), float(c), float(d)


def _affine_argument(a, u, b):
    """a u + b with a distributed over the terms of u (so constants meet and fold)."""
    import sympy

    return sympy.Add(*[a * term for term in sympy.Add.make_args(u)]) + b


def edge_expression(name, affine, u, digits):
    r"""c f(a u + b) + d as a folded, rounded sympy expression (module docstring).

    Args:
        name: library function name.  affine: (a, b, c, d).  u: the input expression.
        digits: significant digits, or None for no rounding.
    """
    import sympy

    a, b, c, d = (sympy.Float(v) for v in canonical_affine(name, *affine))
    arg = _affine_argument(a, u, b)
    if name == "exp":  # exp(K + r) = e^K exp(r): K joins c
        K, arg = arg.as_coeff_Add()
        c = c * sympy.exp(K)
    return c * get_function(name).sympy(round_sum(arg, digits)) + d


def symbolic_formula(model, var_names=None, digits=4):
    """The model's outputs as sympy expressions composed through the layers.

    Args:
        model: a KAN, ideally with every live edge snapped (`auto_symbolic`, `fix_symbolic`).
        var_names: names of the n_0 inputs (default: the model's input_names, e.g. a
            DataFrame's columns, else x_1, ..., x_n, counting from 1).
        digits: significant digits of the printed numbers (module docstring), None: exact.
    Returns:
        a list of n_L sympy expressions, one per output. Numeric edges still in the model
        appear as phi_{l,i,j}(input) placeholders, with a RuntimeWarning listing them.
        A formula of a fully snapped model is checked against the model (`checked`): if
        rounding to `digits` changed it, more digits are kept and a warning says so.
    """
    var_names = getattr(model, "input_names", None) if var_names is None else var_names
    nodes = _symbols(var_names, model.width[0])
    digits = checks.as_optional_int(digits, "digits", 1)
    x = check_points(model)  # (N, n_0)
    exprs, _ = checked(lambda d: compose(model, nodes, d), nodes, x, model(x), digits)
    return exprs


def compose(model, nodes, digits):
    """The output expressions for input expressions `nodes`, rounded to `digits`.

    Numeric edges become phi_{l,i,j} placeholders; a RuntimeWarning lists them.
    """
    import sympy

    numeric = []
    for l, layer in enumerate(model.layers):
        outputs = []
        for j in range(layer.out_dim):
            terms = []
            for i in range(layer.in_dim):
                if (i, j) in layer.symbolic:
                    name = layer.symbolic[(i, j)]
                    terms.append(edge_expression(name, layer.affine[i, j], nodes[i], digits))
                if layer.mask[i, j] != 0:  # the spline part is on: no formula for it
                    numeric.append((l, i, j))
                    phi = sympy.Function(f"phi_{{{l},{i},{j}}}")
                    terms.append(phi(round_sum(nodes[i], digits)))
            outputs.append(sympy.Add(*terms))
        nodes = outputs
    if numeric:
        warnings.warn(
            f"{len(numeric)} numeric edge(s) (l, i, j) are not snapped and appear as "
            f"phi_{{l,i,j}}(...) in the formula: {numeric}",
            RuntimeWarning,
            stacklevel=6,
        )
    return [round_sum(u, digits) for u in nodes]


# ------------------------------------------------------------------ checking the result
CHECK_POINTS = 1000  # at most this many points of the data are used for the check


def check_points(model):
    """(N, n_0) inputs to check a formula on: the training inputs of the last `fit`
    (at most CHECK_POINTS of them, evenly spaced), else a seeded uniform sample of the
    first layer's grid ranges."""
    x = getattr(model, "train_input", None)
    if x is not None:
        return x[:: max(1, len(x) // CHECK_POINTS)]  # (N, n_0)
    layer = model.layers[0]
    knots = layer.knots  # (I, G+2k+1)
    lo, hi = knots[:, layer.k], knots[:, -layer.k - 1]  # (I,) the grid's ends
    return np.random.default_rng(0).uniform(lo, hi, (200, len(lo)))  # (200, n_0)


class FormulaCheck(NamedTuple):
    """How a formula matches its model on N points (see `formula_error`)."""

    digits: int | None  # significant digits it was rounded to (None: all)
    error: float  # max relative error where the formula is defined
    undefined: int  # points where the formula is NaN or inf but the model is finite
    points: int  # N


def formula_error(exprs, symbols, x, reference):
    r"""Relative error of formulas against reference values, in significant-digit terms.

    .. math:: e = \max_o \frac{\max_n |f_o(x_n) - y_{n,o}|}{\max_n |y_{n,o}|}

    over the points where f is finite. The library's functions are guarded outside their
    domain (sqrt, log, 1/x; see `functions.py`) and their sympy forms are not, so a
    formula can be undefined where the model is not: those points are counted apart.
    Args: exprs: n_L sympy expressions of `symbols`; x (N, n_0); reference (N, n_L).
    Returns: (e, number of points where some f_o is not finite); (inf, N) for formulas
    with phi placeholders.
    """
    import sympy

    worst, undefined = 0.0, np.zeros(len(x), dtype=bool)  # (N,)
    for o, expr in enumerate(exprs):
        if expr.atoms(_undefined()):
            return np.inf, len(x)  # phi placeholders: no value to compare
        # scipy first: a user function's sympy form may be a special function (besselj)
        f = sympy.lambdify(symbols, expr, modules=["scipy", "numpy"], dummify=True)
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(f(*x.T), dtype=complex), x.shape[:1])  # (N,)
            diff = np.abs(values - reference[:, o])  # (N,)
        bad = ~np.isfinite(diff)  # (N,)
        undefined |= bad
        scale = max(float(np.abs(reference[:, o]).max()), 1e-300)
        worst = max(worst, float(diff[~bad].max(initial=0.0)) / scale)
    return worst, int(undefined.sum())


def checked(build, symbols, x, reference, digits):
    """build(digits) made to agree with reference: more digits until it does, or a warning.

    The tolerance is 10^{1-digits} (the last printed digit). Tried: digits, digits + 2,
    ..., 16, then all digits. Returns (exprs, FormulaCheck).
    """
    exprs = build(digits)
    first, undefined = formula_error(exprs, symbols, x, reference)
    if any(e.atoms(_undefined()) for e in exprs):
        return exprs, FormulaCheck(digits, np.inf, undefined, len(x))
    tol = 0.0 if digits is None else 10.0 ** (1 - digits)
    used, error = digits, first
    while error > tol and used is not None:
        used = used + 2 if used + 2 <= 16 else None
        exprs = build(used)
        error, undefined = formula_error(exprs, symbols, x, reference)
    if used != digits:
        shown = "all digits" if used is None else f"{used} digits"
        result = "agrees" if error <= tol else f"still differs by {error:.2g}"
        warnings.warn(
            f"the formula rounded to {digits} digits differs from the model by "
            f"{first:.2g} (relative, max over {len(x)} points); with {shown} it "
            f"{result}, and that formula is returned",
            RuntimeWarning,
            stacklevel=4,
        )
    if undefined:
        warnings.warn(
            f"the formula is undefined (NaN or inf) at {undefined} of {len(x)} "
            "points where the model is finite: the model's functions are guarded "
            "outside their domain (sqrt, log, 1/x; see functions.py), the formula "
            "is not; trust it only where it is defined",
            RuntimeWarning,
            stacklevel=4,
        )
    return exprs, FormulaCheck(used, error, undefined, len(x))


def _undefined():
    """sympy's class of undefined functions applied to something (the phi placeholders)."""
    import sympy

    return sympy.core.function.AppliedUndef


def in_data_units(model, digits=4):
    r"""The checked formula of a snapped model in the data's own units.

    A model trained on standardised data (``model.normalization``, see `io`) computes
    y' = KAN(x') with x' = (x - mean) / std; here x' is substituted and y = y' std + mean
    taken, so the formula maps raw inputs to raw outputs, named by ``model.input_names``
    and ``model.output_names`` when present. It is checked against `io.predict` on the
    training inputs (`checked`: more digits, or a warning, when rounding changed it).

    Returns:
        ([(output name, sympy expression)], FormulaCheck).
    """
    import sympy

    from kan_np.io import predict

    symbols = _symbols(getattr(model, "input_names", None), model.width[0])
    digits = checks.as_optional_int(digits, "digits", 1)
    norm = getattr(model, "normalization", None) or {}

    def build(d):
        """The formulas with constants rounded to d significant digits, in data units."""
        exprs = compose(model, symbols, d)
        if "mean_input" in norm:
            mean, std = norm["mean_input"], norm["std_input"]  # (n_0,)
            raw = {s: (s - mean[j]) / std[j] for j, s in enumerate(symbols)}
            exprs = [expr.xreplace(raw) for expr in exprs]
        if "mean_label" in norm:
            exprs = [e * norm["std_label"][o] + norm["mean_label"][o] for o, e in enumerate(exprs)]
        if norm and d is not None:  # the substitution brought full-precision numbers
            exprs = [
                e.xreplace({f: sympy.Float(f, d) for f in e.atoms(sympy.Float)}) for e in exprs
            ]
        return exprs

    x = check_points(model)  # (N, n_0), standardised when the model was trained so
    if "mean_input" in norm:
        x = x * norm["std_input"] + norm["mean_input"]  # (N, n_0) in the data's units
    exprs, report = checked(build, symbols, x, predict(model, x), digits)
    outputs = getattr(model, "output_names", None) or [f"y_{o + 1}" for o in range(len(exprs))]
    return list(zip(outputs, exprs, strict=True)), report
