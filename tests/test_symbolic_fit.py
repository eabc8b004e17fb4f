"""Symbolic snapping on arrays: the affine fit c·f(a·x + b) + d and the ranking of candidates."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kan_np import affine_fit
from kan_np.affine_fit import AffineFit, fit_affine, suggest_symbolic_from_samples
from kan_np.functions import add_function, get_function, remove_function

TOL = 1e-6  # noiseless samples: the refined curve matches the truth to this (absolute)


def curve(fit, name, x):
    """c·f(a·x + b) + d for a fit."""
    return fit.c * get_function(name).f(fit.a * x + fit.b) + fit.d


def samples(n=200, lo=-1.0, hi=1.0, seed=0):
    return np.sort(np.random.default_rng(seed).uniform(lo, hi, n))


def assert_curve(fit, name, x, y, tol=TOL):
    err = np.abs(curve(fit, name, x) - y)
    worst = int(np.argmax(err))
    assert err[worst] <= tol, (
        f"{name}: fitted curve {fit} is off by {err[worst]:.2e} at x = {x[worst]:.4f} "
        f"(truth {y[worst]:.6f})"
    )
    assert fit.r2 > 1 - 1e-9, f"{name}: R² = {fit.r2!r}"


def test_recovers_sin_2x_plus_1():
    x = samples()
    y = np.sin(2 * x + 1)
    fit = fit_affine(x, y, "sin")
    assert isinstance(fit, AffineFit)
    assert_curve(fit, "sin", x, y)
    # identifiable up to the symmetries of sin: a = ±2 and c = ±1 exactly
    assert abs(abs(fit.a) - 2) < 1e-8 and abs(abs(fit.c) - 1) < 1e-8 and abs(fit.d) < 1e-8


def test_refinement_finds_pi():
    x = samples(seed=1)
    fit = fit_affine(x, np.sin(np.pi * x), "sin")
    assert abs(abs(fit.a) - np.pi) < 1e-9, fit  # the grid alone gets a to ~1e-4
    grid_only = fit_affine(x, np.sin(np.pi * x), "sin", refine=False)
    assert abs(abs(grid_only.a) - np.pi) < 1e-3
    assert 0.9999 < grid_only.r2 <= fit.r2  # refinement only ever improves the fit


@pytest.mark.parametrize(
    "name, truth",
    [
        ("x^2", lambda x: 3 * (x - 0.3) ** 2 + 1),
        ("x^3", lambda x: -0.5 * (2 * x + 0.7) ** 3 + 2),
        ("exp", lambda x: 2 * np.exp(0.5 * x) - 1),
        ("tanh", lambda x: 1.5 * np.tanh(3 * x - 1) + 0.2),
        ("log", lambda x: np.log(2 * x + 3)),
        ("1/x", lambda x: 1 / (x + 1.5)),
        ("gaussian", lambda x: 2 * np.exp(-((1.5 * x - 0.5) ** 2))),
        ("x", lambda x: 4 * x - 1),
    ],
)
def test_recovers_scaled_and_shifted_functions(name, truth):
    x = samples(seed=2)
    y = truth(x)
    assert_curve(fit_affine(x, y, name), name, x, y, tol=TOL * max(1.0, np.abs(y).max()))


def test_recovers_a_user_function():
    from scipy import special

    def j0_sympy(e):
        import sympy

        return sympy.besselj(0, e)

    x = samples(seed=3)
    y = 2 * special.j0(3 * x + 0.5) - 1
    try:
        add_function("j0", special.j0, lambda u: -special.j1(u), j0_sympy, 3)
        fit = fit_affine(x, y, "j0")
        assert_curve(fit, "j0", x, y)
        assert fit_affine(x, y, get_function("j0")) == fit  # a SymbolicFunction works too
    finally:
        remove_function("j0")


def test_noisy_samples_give_nearby_parameters():
    x = samples(400, seed=4)
    y = np.sin(2 * x + 1) + 0.01 * np.random.default_rng(5).normal(size=x.size)
    fit = fit_affine(x, y, "sin")
    assert 0.999 < fit.r2 < 1.0
    assert abs(abs(fit.a) - 2) < 0.02 and abs(abs(fit.c) - 1) < 0.02


@settings(max_examples=12)
@given(
    name=st.sampled_from(["sin", "x^2", "exp", "arctan"]),
    a=st.floats(0.5, 4.0),
    sign=st.sampled_from([-1.0, 1.0]),
    b=st.floats(-2.0, 2.0),
    c=st.floats(0.5, 3.0),
    d=st.floats(-2.0, 2.0),
)
def test_recovers_random_affine_parameters(name, a, sign, b, c, d):
    x = samples(120, seed=6)
    y = c * get_function(name).f(sign * a * x + b) + d
    fit = fit_affine(x, y, name)
    assert_curve(fit, name, x, y, tol=TOL * max(1.0, np.abs(y).max()))


def test_zero_function_fits_the_mean():
    x = samples()
    y = np.sin(3 * x)
    assert fit_affine(x, y, "0") == AffineFit(1.0, 0.0, 0.0, float(y.mean()), 0.0)


def test_constant_samples_are_fitted_exactly_by_every_function():
    x = samples()
    for name in ["0", "sin", "1/x"]:
        assert fit_affine(x, np.full(x.size, 2.5), name) == AffineFit(1.0, 0.0, 0.0, 2.5, 1.0)


def test_tiny_samples():
    x = np.array([0.1, 0.5, 0.9])
    fit = fit_affine(x, np.sin(2 * x + 1), "sin")  # 3 samples, 4 parameters: still exact
    assert_curve(fit, "sin", x, np.sin(2 * x + 1))
    fit = fit_affine(x[:2], np.array([1.0, 3.0]), "x")
    assert_curve(fit, "x", x[:2], np.array([1.0, 3.0]))


def test_chunk_size_does_not_change_the_answer():
    x = samples(60, seed=7)
    y = np.tanh(2 * x - 0.5)
    fits = [
        fit_affine(x, y, "sin", grid_number=21, chunk=chunk, refine=False)
        for chunk in [1, 7, 100, 2**20]  # one pair per block ... every pair in one block
    ]
    for fit in fits[1:]:
        np.testing.assert_allclose(fit, fits[0], rtol=1e-12, atol=1e-12)


def test_grid_subsample_is_all_samples_when_n_is_small():
    x = samples(300, seed=8)
    y = np.exp(-x) + 0.5 * x
    assert fit_affine(x, y, "exp", max_grid_samples=300) == fit_affine(
        x, y, "exp", max_grid_samples=5000
    )


def test_many_samples_stay_fast_and_exact():
    x = np.linspace(-1, 1, 100_000)
    y = 0.7 * np.sin(np.pi * x + 0.3) - 0.2
    fit = fit_affine(x, y, "sin", chunk=2**12)
    assert_curve(fit, "sin", x, y)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(x=[1.0], y=[2.0]), ValueError, "at least 2 samples"),
        (dict(x=np.ones((3, 1)), y=np.ones(3)), ValueError, "1-D"),
        (dict(x=[0.0, 1.0], y=[0.0, 1.0, 2.0]), ValueError, "equal length"),
        (dict(x=[0.0, np.nan], y=[0.0, 1.0]), ValueError, "finite"),
        (dict(fun="sine"), ValueError, "unknown symbolic function"),
        (dict(fun=np.sin), TypeError, "library name or SymbolicFunction"),
        (dict(a_range=(2.0, 1.0)), ValueError, "a_range"),
        (dict(b_range=(0.0, np.inf)), ValueError, "b_range"),
        (dict(grid_number=1), ValueError, "grid_number"),
        (dict(iteration=0), ValueError, "iteration"),
        (dict(chunk=2.5), TypeError, "chunk"),  # a wrong type, as KAN(grid=5.0)
        (dict(grid_number=5.0), TypeError, "grid_number"),
    ],
)
def test_fit_affine_rejects_bad_input(kwargs, error, message):
    args = dict(x=[0.0, 0.5, 1.0], y=[1.0, 0.0, 2.0], fun="sin") | kwargs
    with pytest.raises(error, match=message):
        fit_affine(**args)


@pytest.mark.parametrize(
    "truth, expected",
    [
        (lambda x: np.sin(2 * x + 1), "sin"),
        (lambda x: x**2, "x^2"),
        (lambda x: np.exp(x), "exp"),
        (lambda x: 0.3 * np.random.default_rng(9).normal(size=x.size), "0"),  # pure noise
    ],
)
def test_suggest_ranks_the_true_function_first(truth, expected):
    x = samples(150, seed=10)
    ranked = suggest_symbolic_from_samples(x, truth(x))
    names = [name for name, _, _ in ranked]
    assert names[0] == expected, ranked
    assert len(ranked) == 5
    scores = [score for _, _, score in ranked]
    assert scores == sorted(scores, reverse=True)


def test_suggest_near_ties_go_to_the_earlier_entry():
    # cos(a·x + b) with a -> 0 is a parabola: on x² with a smooth 1e-4 deviation (like a
    # trained spline) it fits exactly as well as x², so the two must tie, and x² comes first
    x = samples(300, seed=13)
    y = x**2 + 1e-4 * np.sin(7 * x + 0.3)
    (first, _, s1), (second, _, s2) = suggest_symbolic_from_samples(x, y, lib=["x^2", "cos"])
    assert (first, second) == ("x^2", "cos") and s1 == s2


def test_suggest_constant_samples_give_zero():
    x = samples(50)
    ranked = suggest_symbolic_from_samples(x, np.full(x.size, -1.0), lib=["sin", "x", "0"])
    assert [name for name, _, _ in ranked] == ["0", "x", "sin"]


def test_suggest_avoids_pykans_zero_trap():
    # 1/x^5 (complexity 5) fits exactly; pykan's rule would still prefer "0"
    x = samples(100, lo=0.5, hi=1.5, seed=11)
    ranked = suggest_symbolic_from_samples(x, 1 / x**5, lib=["0", "1/x^5"], topk=1)
    assert ranked[0][0] == "1/x^5"
    name, fit, score = ranked[0]
    with np.errstate(divide="ignore"):  # R² = 1 exactly gives inf bits, capped at 40
        assert score == pytest.approx(min(-np.log2(1 - fit.r2), 40.0) - 2.0 * 5, abs=0.05)


def test_suggest_score_formula_and_options():
    x = samples(80, seed=12)
    y = np.tanh(2 * x)
    ranked = suggest_symbolic_from_samples(x, y, lib=["tanh", "x", "0"], topk=3, refine=False)
    for name, fit, score in ranked:
        with np.errstate(divide="ignore"):
            bits = min(-np.log2(1 - fit.r2), 40.0)
        assert score == pytest.approx(bits - 2.0 * get_function(name).complexity, abs=0.05)
    assert ranked[0][0] == "tanh"
    # with complexity free, only the fit counts
    free = suggest_symbolic_from_samples(x, y, lib=["x", "tanh"], bits_per_complexity=0.0)
    assert free[0][0] == "tanh"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(lib="sin"), TypeError, "list of names"),
        (dict(lib=[]), ValueError, "empty"),
        (dict(lib=["sine"]), ValueError, "unknown symbolic function"),
        (dict(topk=0), ValueError, "topk"),
        (dict(max_bits=0.0), ValueError, "max_bits"),
    ],
)
def test_suggest_rejects_bad_input(kwargs, error, message):
    x = samples(20)
    with pytest.raises(error, match=message):
        suggest_symbolic_from_samples(x, x**2, **kwargs)


def test_one_grid_of_fit_affine_is_fit_affine_grid():
    """fit_affine_grid is fit_affine's first step: equal on x spanning [-1, 1], all samples."""
    x = np.linspace(-1.0, 1.0, 40)  # (N,)
    y = 0.7 * np.tanh(1.3 * x - 0.2) + 0.4  # (N,)
    grid = affine_fit.fit_affine_grid(x, y, np.tanh, (-3.0, 3.0), (-1.0, 1.0), 25)
    whole = fit_affine(x, y, "tanh", (-3.0, 3.0), (-1.0, 1.0), 25, iteration=1, refine=False,
                       max_grid_samples=x.size)  # fmt: skip
    assert isinstance(grid, AffineFit)
    np.testing.assert_allclose(grid, whole, rtol=1e-12, atol=1e-14)
    assert grid.r2 > 0.99 and grid.a in np.linspace(-3.0, 3.0, 25)


def test_fit_affine_grid_special_cases_and_bad_input():
    x = np.linspace(0.0, 1.0, 10)  # (N,)
    flat = affine_fit.fit_affine_grid(x, np.full(10, 2.5), np.sin, (-1, 1), (-1, 1), 5)
    assert tuple(flat) == (1.0, 0.0, 0.0, 2.5, 1.0)
    zero = affine_fit.fit_affine_grid(x, x, np.zeros_like, (-1, 1), (-1, 1), 5)
    assert tuple(zero) == (1.0, 0.0, 0.0, 0.5, 0.0)
    with pytest.raises(ValueError, match="a_range"):
        affine_fit.fit_affine_grid(x, x, np.sin, (1, -1), (-1, 1), 5)
    with pytest.raises(ValueError, match="grid_number must be >= 2"):
        affine_fit.fit_affine_grid(x, x, np.sin, (-1, 1), (-1, 1), 1)
    with pytest.raises(ValueError, match="1-D of equal length"):
        affine_fit.fit_affine_grid(x, x[:5], np.sin, (-1, 1), (-1, 1), 5)
