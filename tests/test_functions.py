"""The symbolic function library: finiteness, derivatives, sympy forms, user functions."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kan_np import functions
from kan_np.functions import LIBRARY, add_function, get_function, remove_function

# pykan's SYMBOLIC_LIB (kan/utils.py): name -> complexity
PYKAN_COMPLEXITY = {
    "x": 1, "x^2": 2, "x^3": 3, "x^4": 3, "x^5": 3,
    "1/x": 2, "1/x^2": 2, "1/x^3": 3, "1/x^4": 4, "1/x^5": 5,
    "sqrt": 2, "x^0.5": 2, "x^1.5": 4, "1/sqrt(x)": 2, "1/x^0.5": 2,
    "exp": 2, "log": 2, "abs": 3, "sin": 2, "cos": 2, "tan": 3, "tanh": 3, "sgn": 3,
    "arcsin": 4, "arccos": 4, "arctan": 4, "arctanh": 4, "0": 0, "gaussian": 3,
}  # fmt: skip

# Where each function is smooth and its guards are inactive, as (lo, hi) pieces: the
# derivative check and the sympy check sample only here.
WIDE, POS, BOTH_SIDES = [(-5.0, 5.0)], [(0.1, 5.0)], [(-5.0, -0.1), (0.1, 5.0)]
SAFE = {name: WIDE for name in ["x", "x^2", "x^3", "x^4", "x^5", "exp", "sin", "cos", "tanh"]}
SAFE |= {name: WIDE for name in ["arctan", "0", "gaussian"]}
SAFE |= {name: BOTH_SIDES for name in ["1/x", "1/x^2", "1/x^3", "1/x^4", "1/x^5", "abs", "sgn"]}
SAFE |= {name: POS for name in ["sqrt", "x^0.5", "x^1.5", "1/sqrt(x)", "1/x^0.5", "log"]}
SAFE |= {name: [(-0.9, 0.9)] for name in ["arcsin", "arccos", "arctanh"]}
SAFE["tan"] = [(k * np.pi - 1.4, k * np.pi + 1.4) for k in range(-2, 3)]  # several periods
# the guards name what they clip; the table in the module docstring repeats them
GUARDED = ["x^2", "x^5", "1/x", "1/x^3", "sqrt", "x^1.5", "1/sqrt(x)", "exp", "log", "tan"]
GUARDED += ["arcsin", "arccos", "arctanh", "gaussian"]


@st.composite
def safe_points(draw, name, max_size=20):
    """(n,) points in the safe pieces of `name`."""
    pieces = SAFE[name]
    points = []
    for _ in range(draw(st.integers(1, max_size))):
        lo, hi = pieces[draw(st.integers(0, len(pieces) - 1))]
        points.append(draw(st.floats(lo, hi)))
    return np.array(points)


def test_library_has_pykans_names_order_and_complexities():
    builtins = [name for name in LIBRARY if name in functions.BUILTIN_NAMES]
    assert builtins == list(PYKAN_COMPLEXITY)  # the order breaks ranking ties
    assert {name: LIBRARY[name].complexity for name in builtins} == PYKAN_COMPLEXITY
    assert set(SAFE) == functions.BUILTIN_NAMES
    for name, fn in LIBRARY.items():
        assert fn.name == name
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIBRARY["sin"].complexity = 7


@pytest.mark.parametrize("name", sorted(PYKAN_COMPLEXITY))
def test_f_and_df_are_finite_everywhere(name):
    x = np.array([-1e300, -10, -1, -1e-8, 0, 1e-8, 1, 10, 1e300])
    fn = get_function(name)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # (underflow to 0 is fine)
        f, df = fn.f(x), fn.df(x)
    for label, out in [("f", f), ("df", df)]:
        assert out.shape == x.shape and out.dtype == np.float64, f"{name} {label}"
        assert np.all(np.isfinite(out)), f"{name} {label}(x) = {out} for x = {x}"
    grid = x.reshape(3, 3)  # elementwise: a 2-D input gives the same numbers
    np.testing.assert_array_equal(fn.f(grid), f.reshape(3, 3))
    np.testing.assert_array_equal(fn.df(grid), df.reshape(3, 3))


@pytest.mark.parametrize("name", sorted(PYKAN_COMPLEXITY))
@settings(max_examples=15)
@given(data=st.data())
def test_df_matches_centred_differences(name, data):
    x = data.draw(safe_points(name))
    fn = get_function(name)
    h = 1e-5 * np.maximum(1.0, np.abs(x))  # error ~ h² f'''/6 + eps·|f|/h ~ 1e-10 relative
    numeric = (fn.f(x + h) - fn.f(x - h)) / (2 * h)
    analytic = fn.df(x)
    # relative error; the floor 1e-3·max(1, |f|) only matters where f' ~ 0 (sin at π/2)
    scale = np.maximum(
        np.maximum(np.abs(analytic), np.abs(numeric)), 1e-3 * np.maximum(1, np.abs(fn.f(x)))
    )
    err = np.abs(analytic - numeric) / scale
    worst = int(np.argmax(err))
    assert err[worst] < 1e-6, (
        f"df of {name!r} at x = {x[worst]!r}: analytic {analytic[worst]!r}, "
        f"centred difference {numeric[worst]!r}, relative error {err[worst]:.2e} (see functions.py)"
    )


@pytest.mark.parametrize("name", sorted(PYKAN_COMPLEXITY))
def test_sympy_form_evaluates_to_f_on_the_safe_domain(name):
    import sympy

    s = sympy.Symbol("s")
    expr = get_function(name).sympy(s)
    assert isinstance(expr, sympy.Basic)
    x = np.concatenate([np.linspace(lo, hi, 25) for lo, hi in SAFE[name]])
    from_sympy = np.broadcast_to(sympy.lambdify(s, expr, "numpy")(x), x.shape)
    np.testing.assert_allclose(get_function(name).f(x), from_sympy, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", GUARDED)
def test_guards_are_documented(name):
    doc = get_function(name).f.__doc__
    assert doc and "guard" in doc.lower(), f"f of {name!r} must state its guard"


def test_guards_clip_and_zero_the_derivative():
    TINY = functions.TINY
    cases = [  # (name, x inside a guard, expected f)
        ("1/x", 0.0, 1 / TINY),
        ("1/x", -TINY / 2, -1 / TINY),
        ("1/x^2", TINY / 3, 1 / TINY**2),
        ("log", -3.0, np.log(TINY)),
        ("sqrt", -1.0, TINY),
        ("1/sqrt(x)", 0.0, 1 / np.sqrt(TINY)),
        ("x^1.5", -2.0, 0.0),
        ("exp", 1e3, np.exp(functions.EXP_MAX)),
        ("arcsin", 2.0, np.arcsin(1 - TINY)),
        ("arccos", -2.0, np.arccos(-1 + TINY)),
        ("arctanh", 1.0, np.arctanh(1 - TINY)),
        ("x^5", 1e30, functions.BIG**5),
        ("sgn", 3.0, 1.0),
    ]
    for name, x, expected in cases:
        fn = get_function(name)
        np.testing.assert_allclose(fn.f(np.array([x])), [expected], rtol=1e-12, err_msg=name)
        assert fn.df(np.array([x]))[0] == 0.0, f"df of {name!r} inside its guard at {x}"
    # tan keeps its period and stays bounded at the poles
    tan = get_function("tan")
    poles = np.pi / 2 + np.pi * np.arange(-3, 4)
    assert np.all(np.abs(tan.f(poles)) <= 1.01 / TINY)
    np.testing.assert_allclose(tan.f(np.array([1.0 + 2 * np.pi])), np.tan(1.0), rtol=1e-12)


def test_identity_returns_a_new_array():
    x = np.array([1.0, 2.0])
    out = get_function("x").f(x)
    out[0] = 5.0
    assert x[0] == 1.0


def test_get_function_errors():
    with pytest.raises(TypeError, match="str"):
        get_function(3)
    with pytest.raises(ValueError, match="unknown symbolic function 'sine'.*'sin'"):
        get_function("sine")


def _sympy_cube(e):
    return e**3


def test_add_and_remove_a_user_function():
    from scipy import special

    def j0_sympy(e):
        import sympy

        return sympy.besselj(0, e)

    try:
        entry = add_function("j0", special.j0, lambda x: -special.j1(x), j0_sympy, 3)
        assert get_function("j0") is entry and LIBRARY["j0"].complexity == 3
        with pytest.raises(ValueError, match="already in the library"):
            add_function("j0", special.j0, lambda x: -special.j1(x), j0_sympy)
        again = add_function("j0", np.cos, np.sin, j0_sympy, 1, overwrite=True)
        assert get_function("j0") is again
    finally:
        remove_function("j0")
    assert "j0" not in LIBRARY
    with pytest.raises(ValueError, match="unknown"):
        remove_function("j0")


@pytest.mark.parametrize(
    "args, error, message",
    [
        (("sin", np.sin, np.cos, _sympy_cube), ValueError, "built-in"),
        (("", np.sin, np.cos, _sympy_cube), TypeError, "non-empty str"),
        ((5, np.sin, np.cos, _sympy_cube), TypeError, "non-empty str"),
        (("u", "sin", np.cos, _sympy_cube), TypeError, "f must be callable"),
        (("u", np.sin, None, _sympy_cube), TypeError, "df must be callable"),
        (("u", np.sin, np.cos, 3), TypeError, "sympy must be callable"),
        (("u", lambda x: 1 / x, np.cos, _sympy_cube), ValueError, "finite everywhere"),
        (("u", lambda x: 1.0, np.cos, _sympy_cube), ValueError, "elementwise"),
        (("u", np.sin, lambda x: x.sum(), _sympy_cube), ValueError, "elementwise"),
        (("u", np.sin, np.cos, lambda e: "e**3"), TypeError, "sympy expression"),
        (("u", np.sin, np.cos, _sympy_cube, True), TypeError, "complexity"),
        (("u", np.sin, np.cos, _sympy_cube, 2.5), TypeError, "complexity"),
        (("u", np.sin, np.cos, _sympy_cube, -1), ValueError, "complexity"),
    ],
)
def test_add_function_rejects_bad_input(args, error, message):
    with np.errstate(divide="ignore"):
        with pytest.raises(error, match=message):
            add_function(*args)
    assert "u" not in LIBRARY


def test_builtins_cannot_be_removed():
    with pytest.raises(ValueError, match="built-in"):
        remove_function("sin")
    with pytest.raises(TypeError):
        remove_function(None)
