"""Tests for kan_np.datasets and kan_np.datasets_paper."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from kan_np.datasets import (
    DATASET_KEYS,
    TOY_FUNCTIONS,
    create_dataset,
    parse_ranges,
    toy_dataset,
    validate_dataset,
)
from kan_np.datasets_paper import FEYNMAN, SPECIAL_FUNCTIONS, paper_dataset


def two_outputs(x):
    """(N, 2) -> (N, 2): sum and product of the two inputs."""
    return np.stack([x[:, 0] + x[:, 1], x[:, 0] * x[:, 1]], axis=1)


# ---------------------------------------------------------------- create_dataset


def test_shapes_and_dtypes():
    ds = create_dataset(two_outputs, n_var=2, n_train=7, n_test=5)
    assert set(ds) == set(DATASET_KEYS)
    assert ds["train_input"].shape == (7, 2) and ds["train_label"].shape == (7, 2)
    assert ds["test_input"].shape == (5, 2) and ds["test_label"].shape == (5, 2)
    assert all(ds[key].dtype == np.float64 for key in DATASET_KEYS)
    np.testing.assert_array_equal(ds["test_label"], two_outputs(ds["test_input"]))


def test_one_dimensional_labels_become_a_column():
    ds = create_dataset(lambda x: x[:, 0] ** 2, n_var=3, n_train=4, n_test=4)
    assert ds["train_label"].shape == (4, 1)
    np.testing.assert_array_equal(ds["train_label"][:, 0], ds["train_input"][:, 0] ** 2)


def test_same_seed_same_data_and_train_independent_of_n_test():
    a = create_dataset(two_outputs, seed=3, n_train=20, n_test=10)
    b = create_dataset(two_outputs, seed=3, n_train=20, n_test=10)
    c = create_dataset(two_outputs, seed=3, n_train=20, n_test=99)
    d = create_dataset(two_outputs, seed=4, n_train=20, n_test=10)
    for key in DATASET_KEYS:
        np.testing.assert_array_equal(a[key], b[key])
    np.testing.assert_array_equal(a["train_input"], c["train_input"])  # train is drawn first
    assert not np.array_equal(a["train_input"], d["train_input"])
    assert not np.array_equal(a["train_input"], a["test_input"][: len(a["train_input"])])


@given(
    bounds=st.lists(st.tuples(st.floats(-100, 100), st.floats(0.01, 50)), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_per_variable_ranges_are_respected(bounds, seed):
    ranges = [(lo, lo + width) for lo, width in bounds]
    ds = create_dataset(lambda x: x.sum(axis=1), len(ranges), ranges, 50, 50, seed)
    box = np.array(ranges)  # (I, 2)
    for part in ("train_input", "test_input"):
        assert np.all(ds[part] >= box[:, 0]) and np.all(ds[part] < box[:, 1])


def test_each_variable_fills_its_own_range():
    ds = create_dataset(lambda x: x[:, 0], 2, [(0, 1), (10, 20)], n_train=2000, n_test=1)
    x = ds["train_input"]
    # 2000 uniform draws (seed 0): min and max land within 1% of the ends
    np.testing.assert_allclose(x.min(axis=0), [0, 10], atol=0.1)
    np.testing.assert_allclose(x.max(axis=0), [1, 20], atol=0.1)
    np.testing.assert_allclose(x.mean(axis=0), [0.5, 15], rtol=0.05)


def test_normalisation_uses_train_statistics():
    raw = create_dataset(two_outputs, ranges=(2, 5), n_train=300, n_test=40, seed=1)
    ds = create_dataset(
        two_outputs,
        ranges=(2, 5),
        n_train=300,
        n_test=40,
        seed=1,
        normalize_input=True,
        normalize_label=True,
    )
    np.testing.assert_allclose(ds["train_input"].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds["train_input"].std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(ds["train_label"].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds["train_label"].std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(ds["mean_input"], raw["train_input"].mean(axis=0))
    np.testing.assert_allclose(ds["std_label"], raw["train_label"].std(axis=0))
    for part in ("train", "test"):  # undo with x = x_norm * std + mean
        for kind in ("input", "label"):
            back = ds[f"{part}_{kind}"] * ds[f"std_{kind}"] + ds[f"mean_{kind}"]
            np.testing.assert_allclose(back, raw[f"{part}_{kind}"], rtol=1e-12)


def test_normalising_only_inputs_adds_only_input_stats():
    ds = create_dataset(two_outputs, n_train=10, n_test=3, normalize_input=True)
    assert "mean_input" in ds and "std_input" in ds and "mean_label" not in ds
    with pytest.raises(ValueError, match="column 0 is constant"):
        create_dataset(lambda x: np.ones(len(x)), n_train=5, n_test=5, normalize_label=True)


@pytest.mark.parametrize(
    "f, match",
    [
        (
            lambda x: np.zeros((len(x), 1, 1)),
            r"shape \(6, 1, 1\) for train inputs .* expected \(6,\)",
        ),
        (lambda x: np.zeros(len(x) + 1), r"expected \(6,\) or \(6, n_out\)"),
        (lambda x: 1.0, r"shape \(\)"),
        (lambda x: np.zeros((len(x), 0)), r"shape \(6, 0\)"),
    ],
)
def test_wrong_label_shape_is_rejected(f, match):
    with pytest.raises(ValueError, match=match):
        create_dataset(f, n_train=6, n_test=6)


def test_non_finite_labels_are_rejected_with_a_row_count():
    def half_nan(x):  # NaN wherever x_1 < 0
        return np.where(x[:, 0] < 0, np.nan, x[:, 0])

    with pytest.raises(ValueError, match=r"NaN or inf in \d+ of 100 train rows"):
        create_dataset(half_nan, n_train=100, n_test=10)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_var": 0}, ValueError, "n_var must be >= 1"),
        ({"n_var": 2.0}, TypeError, "n_var must be an integer"),
        ({"n_train": 0}, ValueError, "n_train must be >= 1"),
        ({"n_test": True}, TypeError, "n_test must be an integer"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"ranges": (1, 1)}, ValueError, r"expected finite lo < hi"),
        ({"ranges": (0, np.inf)}, ValueError, r"expected finite lo < hi"),
        ({"ranges": [(0, 1)] * 3}, ValueError, "list of 2 pairs"),
        ({"ranges": [(0, 1), (2, 1)]}, ValueError, r"range of variable 1 is \[2.0, 1.0\]"),
        ({"ranges": [(0, 1), (2,)]}, ValueError, "pairs of numbers"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        create_dataset(two_outputs, **kwargs)


def test_f_must_be_callable():
    with pytest.raises(TypeError, match="f must be a function"):
        create_dataset(np.zeros(3))


def test_parse_ranges_broadcasts_one_pair():
    np.testing.assert_array_equal(parse_ranges((-2, 3), 3), [[-2, 3]] * 3)


# ---------------------------------------------------------------- validate_dataset


def test_validate_accepts_a_dataset_and_converts_to_float64():
    ds = {
        "train_input": [[0, 1], [2, 3]],
        "train_label": np.array([[1], [2]], dtype=np.int32),
        "test_input": np.zeros((1, 2), dtype=np.float32),
        "test_label": np.zeros((1, 1)),
        "mean_input": np.zeros(2),
    }
    out = validate_dataset(ds)
    assert all(out[key].dtype == np.float64 for key in DATASET_KEYS)
    assert out["mean_input"] is ds["mean_input"]  # extra keys pass through
    assert out["test_label"] is ds["test_label"]  # already float64: not copied


def test_validate_tuple_uses_train_as_test():
    x, y = np.zeros((5, 2)), np.ones((5, 1))
    out = validate_dataset((x, y))
    np.testing.assert_array_equal(out["test_input"], x)
    np.testing.assert_array_equal(out["test_label"], y)


def _good():
    return create_dataset(two_outputs, n_train=6, n_test=4)


def test_validate_missing_key():
    ds = _good()
    del ds["test_label"]
    with pytest.raises(ValueError, match="missing 'test_label'"):
        validate_dataset(ds)


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("train_label", np.zeros((5, 2)), "train_input has 6 rows but train_label has 5"),
        ("test_input", np.zeros((4, 3)), "train_input has 2 columns but test_input has 3"),
        ("test_label", np.zeros((4, 1)), "train_label has 2 columns but test_label has 1"),
        ("train_label", np.zeros(6), r"train_label must be 2-D .*reshape\(-1, 1\)"),
        ("train_input", np.zeros((0, 2)), "train_input is empty"),
        ("test_input", np.full((4, 2), np.nan), r"test_input has 8 NaN or infinite values"),
        ("train_input", [["a", "b"]] * 6, "train_input must hold numbers"),
    ],
)
def test_validate_names_the_bad_key(key, value, match):
    ds = _good()
    ds[key] = value
    with pytest.raises((ValueError, TypeError), match=match):
        validate_dataset(ds)


def test_validate_rejects_other_types():
    with pytest.raises(TypeError, match="must be a dict"):
        validate_dataset(np.zeros((3, 2)))


# ---------------------------------------------------------------- the paper's functions


def test_toy_functions_values_and_shapes():
    x = np.array([[0.5, 0.5, 0.5, 0.5]])
    assert TOY_FUNCTIONS["bessel_j0"].f(x[:, :1])[0, 0] == pytest.approx(special.j0(10.0))
    assert TOY_FUNCTIONS["exp_sin_sq"].f(x[:, :2])[0, 0] == pytest.approx(np.exp(1.25))
    assert TOY_FUNCTIONS["xy"].f(x[:, :2])[0, 0] == pytest.approx(0.25)
    # sin^2(pi/4) = 1/2, so the 100-d mean is 1/2
    assert TOY_FUNCTIONS["exp_sin_100"].f(np.full((1, 100), 0.5))[0, 0] == pytest.approx(
        np.exp(0.5)
    )
    # x1^2 + x2^2 = 1/2: sin(pi/2) = 1 twice
    assert TOY_FUNCTIONS["exp_sin_4d"].f(x)[0, 0] == pytest.approx(np.e)
    for name, (_f, n_var, shape) in TOY_FUNCTIONS.items():
        ds = toy_dataset(name, n_train=20, n_test=5)
        assert ds["train_input"].shape == (20, n_var) == (20, shape[0]), name
        assert ds["train_label"].shape == (20, shape[-1]), name


def _corners(ranges, inset=0.01):
    """All 2^I corners of the box, moved 1% inside (the sampling box is half open)."""
    ends = [(lo + inset * (hi - lo), hi - inset * (hi - lo)) for lo, hi in ranges]
    return np.array(list(itertools.product(*ends)))  # (2^I, I)


@pytest.mark.parametrize("name", [*SPECIAL_FUNCTIONS, *FEYNMAN])
def test_paper_functions_are_finite_on_their_domains(name):
    entry = SPECIAL_FUNCTIONS.get(name) or FEYNMAN[name]
    assert entry.n_var == len(entry.ranges)
    ds = paper_dataset(name, n_train=200, n_test=20, seed=0)  # raises if any label is NaN/inf
    assert ds["train_input"].shape == (200, entry.n_var)
    assert ds["train_label"].shape == (200, 1)
    box = np.array(entry.ranges)
    assert np.all(ds["train_input"] >= box[:, 0]) and np.all(ds["train_input"] < box[:, 1])
    corners = _corners(entry.ranges)
    y = entry.f(corners)
    assert y.shape == (len(corners), 1)
    assert np.all(np.isfinite(y)), f"{name} ({entry.formula}) is not finite at a corner"


def test_special_functions_match_scipy_and_document_the_argument_order():
    x = np.array([[0.3, 0.7]])
    assert SPECIAL_FUNCTIONS["ellipj"].f(x)[0, 0] == pytest.approx(special.ellipj(0.3, 0.7)[0])
    assert SPECIAL_FUNCTIONS["kv"].f(x)[0, 0] == pytest.approx(special.kv(0.3, 0.7))
    assert SPECIAL_FUNCTIONS["lpmv_m2"].f(x)[0, 0] == pytest.approx(special.lpmv(2, 0.3, 0.7))
    # Re Y_1^1(theta, phi) = -1/2 sqrt(3 / (2 pi)) sin(theta) cos(phi), theta polar
    theta, phi = 0.3, 0.7
    expected = -0.5 * np.sqrt(3 / (2 * np.pi)) * np.sin(theta) * np.cos(phi)
    got = SPECIAL_FUNCTIONS["sph_harm_m1_n1"].f(np.array([[theta, phi]]))[0, 0]
    assert got == pytest.approx(expected, rel=1e-12)


def test_feynman_removable_singularities_give_the_limit():
    # I.30.3 at theta = 0 is n^2; III.9.52 at b = c is a.
    assert FEYNMAN["I.30.3"].f(np.array([[0.6, 0.0]]))[0, 0] == pytest.approx(0.36)
    assert FEYNMAN["III.9.52"].f(np.array([[0.4, 0.2, 0.2]]))[0, 0] == pytest.approx(0.4)
    # and agree with the plain formula away from it
    n, theta = 0.6, 0.8
    plain = np.sin(n * theta / 2) ** 2 / np.sin(theta / 2) ** 2
    assert FEYNMAN["I.30.3"].f(np.array([[n, theta]]))[0, 0] == pytest.approx(plain, rel=1e-12)


def test_feynman_has_the_papers_examples():
    x = np.array([[0.5, 0.25]])
    assert FEYNMAN["I.12.11"].f(x)[0, 0] == pytest.approx(1 + 0.5 * np.sin(0.25))
    assert FEYNMAN["I.16.6"].f(x)[0, 0] == pytest.approx(0.75 / 1.125)
    assert FEYNMAN["II.35.18"].f(x)[0, 0] == pytest.approx(0.5 / (2 * np.cosh(0.25)))
    assert FEYNMAN["III.10.19"].f(x)[0, 0] == pytest.approx(np.sqrt(1 + 0.25 + 0.0625))
    assert len(FEYNMAN) >= 12 and len(SPECIAL_FUNCTIONS) == 15


def test_named_dataset_errors_and_overrides():
    with pytest.raises(ValueError, match="unknown function 'nope'"):
        paper_dataset("nope")
    with pytest.raises(ValueError, match="unknown toy function"):
        toy_dataset("nope")
    with pytest.raises(TypeError, match="n_var is fixed"):
        paper_dataset("xy", n_var=3)
    ds = paper_dataset("II.38.3", ranges=[(0, 1), (1, 2)], n_train=30, n_test=3)
    assert ds["train_input"][:, 1].min() >= 1
    np.testing.assert_array_equal(
        paper_dataset("xy", n_train=5, n_test=5)["train_input"],
        toy_dataset("xy", n_train=5, n_test=5)["train_input"],
    )
