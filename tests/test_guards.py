"""Resource guards, refine warnings, fit's seed and inputs, checked formulas (issue 12).

Sizes that cannot fit in memory and absurd spline orders fail at once with the estimate;
refine says when it cannot keep the function; a printed formula is never silently wrong.
"""

import warnings

import numpy as np
import pytest

import kan_np as kn
from kan_np import checks, formula


# ----------------------------------------------------------------- resource guards
@pytest.fixture
def sixteen_gb(monkeypatch):
    """A machine with 16 GB, whatever runs the tests."""
    monkeypatch.setattr(checks, "memory_bytes", lambda: 16 * 10**9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": [2, 10**7, 1]}, r"needs about 26.4 GB of arrays .* 16 GB of memory"),
        ({"width": [2, 5, 1], "grid": 10**9}, r"G = 1000000000, k = 3\) needs about"),
        ({"width": [2, 5, 1], "grid": 100_000}, r"needs about 560 GB"),
        ({"width": [2, 5, 1], "k": 10**6}, "k = 1000000 is not a usable spline order"),
    ],
)
def test_absurd_models_fail_fast_naming_the_estimate(sixteen_gb, kwargs, message):
    with pytest.raises(ValueError, match=message):
        kn.KAN(**kwargs)


def test_refine_guards_and_warnings(sixteen_gb):
    x = np.random.default_rng(0).uniform(-1, 1, (30, 2))  # (N, 2)
    model = kn.KAN([2, 2, 1], grid=5, seed=0)
    with pytest.raises(ValueError, match="refine .* needs about"):
        model.refine(10**9, x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.refine(10, x)  # 13 coefficients from 30 samples: no warning
    with pytest.warns(RuntimeWarning, match="43 coefficients but only 30 samples"):
        model.refine(40, x)
    with pytest.warns(RuntimeWarning, match="from G = 5 to G = 3 .* function changes"):
        model.refine(3, x)


# ---------------------------------------------------------------- fit's arguments
def test_fit_seed_must_be_a_reproducible_integer():
    model = kn.KAN([1, 1], seed=0)
    x = np.linspace(-1, 1, 8)[:, None]  # (8, 1)
    with pytest.raises(TypeError, match="seed must be an integer >= 0, got None"):
        model.fit((x, x), steps=1, seed=None, progress=False)
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        model.fit((x, x), steps=1, seed=-1, progress=False)


def test_fit_keeps_its_own_copy_of_the_inputs():
    model = kn.KAN([1, 1], seed=0)
    x = np.linspace(-1, 1, 8)[:, None]  # (8, 1)
    model.fit((x, x), opt="adam", steps=1, progress=False)
    x[:] = 99.0  # the caller reuses the array
    assert model.train_input.max() == 1.0


# ------------------------------------------------------------------ checked formulas
def linear_model(slope, constant, lo=-1e-3, hi=1e-3):
    """y = slope x + constant on inputs in [lo, hi]: one snapped edge of a [1, 1] KAN."""
    model = kn.KAN([1, 1], seed=0)
    layer = model.layers[0]
    layer.symbolic[(0, 0)] = "x"
    layer.affine[0, 0] = [1.0, 0.0, slope, constant]
    layer.mask[0, 0] = 0.0
    model.train_input = np.linspace(lo, hi, 50)[:, None]  # (50, 1)
    return model


def test_rounding_that_changes_the_formula_keeps_more_digits():
    # 4 digits drop the constant 0.05 next to the coefficient 1000.4 (a 5% error here)
    model = linear_model(1000.4, 0.05)
    with pytest.warns(RuntimeWarning, match=r"rounded to 4 digits differs .* by 0.048.*6 digits"):
        (expr,) = model.symbolic_formula(digits=4)
    assert expr.as_coeff_Add()[0] == pytest.approx(0.05)
    x = model.train_input
    _, check = formula.checked(lambda d: [expr], [*expr.free_symbols], x, model(x), None)
    assert check.error < 1e-6 and check.undefined == 0


def test_a_formula_that_agrees_stays_short_and_quiet():
    model = linear_model(1.2345678, 0.5, lo=-1.0, hi=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (expr,) = model.symbolic_formula(digits=4)
    assert str(expr) == "1.235*x_1 + 0.5"


def test_a_formula_undefined_where_the_model_is_guarded_says_so():
    model = linear_model(1.0, 0.0, lo=-1.0, hi=1.0)
    model.layers[0].symbolic[(0, 0)] = "sqrt"  # the model uses sqrt(max(x, 1e-16))
    with pytest.warns(RuntimeWarning, match="undefined .* at 25 of 50 points"):
        model.symbolic_formula()


def test_formula_in_data_units_is_checked_against_predict():
    model = linear_model(2.0, 0.25, lo=-1.0, hi=1.0)
    stats = {"mean_input": 3.0, "std_input": 0.5, "mean_label": -1.0, "std_label": 4.0}
    model.normalization = {key: np.array([value]) for key, value in stats.items()}
    model.input_names, model.output_names = ["t"], ["v"]
    [(name, expr)], check = formula.in_data_units(model, digits=4)
    assert name == "v" and str(expr) == "16.0*t - 48.0"  # (2 (t - 3) / 0.5 + 0.25) 4 - 1
    assert check.digits == 4 and check.error < 1e-12 and check.points == 50


def test_rounding_the_normalisation_constants_is_caught():
    # x' = (x - 1234.5678) / 0.01: at 4 digits the mean becomes 1235, off by 43 std
    model = linear_model(1.0, 0.0, lo=-1.0, hi=1.0)
    model.normalization = {"mean_input": np.array([1234.5678]), "std_input": np.array([0.01])}
    with pytest.warns(RuntimeWarning, match="rounded to 4 digits differs"):
        [(_, expr)], check = formula.in_data_units(model, digits=4)
    assert check.digits > 4 and check.error < 1e-3
