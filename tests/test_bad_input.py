"""Every public entry point answers malformed input with a ValueError or TypeError whose
message says what was expected and what came: never IndexError, KeyError,
UnboundLocalError, an AttributeError from deep inside, or a silent NaN.

Written against the public API of DESIGN.md ("Public API"); `pytest.raises((ValueError,
TypeError), match=...)` checks both the type and that the message names the culprit.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kan_np as kn
from kan_np.datasets import create_dataset

BAD = (ValueError, TypeError)


def model_and_data(width=(2, 3, 1), n=30, seed=0):
    """A small model and a matching, valid dataset (train and test alike)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, width[0]))  # (N, n_0)
    y = np.sin(x.sum(axis=1, keepdims=True)) * np.ones((1, width[-1]))  # (N, n_L)
    ds = {"train_input": x, "train_label": y, "test_input": x, "test_label": y}
    return kn.KAN(list(width), grid=3, k=3, seed=seed), ds


def fitted():
    """A model fitted for one step, so it has training inputs."""
    model, ds = model_and_data()
    model.fit(ds, steps=1, progress=False)
    return model, ds


# ------------------------------------------------------------------------------ KAN(...)
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": [2, 0, 1]}, r"width\[1\].*>= 1.*0"),
        ({"width": [2, -3, 1]}, r"width\[1\].*-3"),
        ({"width": []}, "width"),
        ({"width": [2]}, "width"),
        ({"width": "2,5,1"}, "width"),
        ({"width": None}, "width"),
        ({"width": [2.5, 1]}, r"width\[0\].*2.5"),
        ({"width": [[2], 1]}, r"width\[0\]"),
        ({"width": [2, 1], "k": 0}, "k.*0"),
        ({"width": [2, 1], "k": -1}, "k.*-1"),
        ({"width": [2, 1], "k": 1.5}, "k.*1.5"),
        ({"width": [2, 1], "grid": 0}, "grid.*0"),
        ({"width": [2, 1], "grid": -2}, "grid.*-2"),
        ({"width": [2, 1], "grid": "5"}, "grid.*'5'"),
        ({"width": [2, 1], "grid": None}, "grid.*None"),
        ({"width": [2, 1], "base_fun": "relu"}, "base_fun.*relu"),
        ({"width": [2, 1], "base_fun": None}, "base_fun.*None"),
        ({"width": [2, 1], "grid_range": (1, -1)}, "grid_range"),
        ({"width": [2, 1], "grid_range": (0, np.inf)}, "grid_range"),
        ({"width": [2, 1], "grid_range": 5}, "grid_range"),
        ({"width": [2, 1], "init": "xavier"}, "init.*xavier"),
        ({"width": [2, 1], "noise_scale": -1.0}, "noise_scale.*-1"),
        ({"width": [2, 1], "seed": -1}, "seed"),
        ({"width": [2, 1], "seed": "abc"}, "seed"),
        ({"width": [2, 1], "colour": "red"}, "colour"),
    ],
)
def test_kan_constructor(kwargs, message):
    with pytest.raises(BAD, match=message):
        kn.KAN(**kwargs)


# ------------------------------------------------------------------------------ model(x)
@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros(2), "2-D.*shape \\(2,\\)"),
        (np.zeros((4, 2, 1)), "2-D"),
        (np.zeros((4, 3)), "3 columns.*2"),
        (np.zeros((0, 2)), "empty"),
        (np.array([[1.0, np.nan]]), "NaN"),
        (np.array([[np.inf, 1.0]]), "inf"),
        (np.array([["a", "b"]]), "numbers.*dtype"),
        (np.array([[1, None]], dtype=object), "numbers.*object"),
        (np.array([[1 + 2j, 0]]), "real"),
        ([[1.0, 2.0], [3.0]], "2-D array of numbers"),
        (None, "None"),
        ("1,2", "str"),
    ],
)
def test_forward(x, message):
    model, _ = model_and_data()
    with pytest.raises(BAD, match=message):
        model(x)


@settings(max_examples=30)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4))
def test_forward_any_wrong_shape(shape):
    """Any shape but (N >= 1, 2) is refused with a message naming the shape or columns."""
    model, _ = model_and_data()
    x = np.zeros(shape)
    if len(shape) == 2 and shape[0] >= 1 and shape[1] == 2:
        assert model(x).shape == (shape[0], 1)
        return
    with pytest.raises(ValueError, match=r"2-D|columns|empty"):
        model(x)


def test_inputs_far_outside_the_grid_give_finite_outputs():
    """Outside the knots only w_b b(x) remains: large but finite, and no warnings."""
    for width in ([2, 3, 1], [2, 4, 4, 2]):
        model, _ = model_and_data(width)
        x = np.array([[1e6, -1e6], [-1e6, 1e6], [1e6, 1e6], [0.0, -1e6]])  # (4, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow RuntimeWarnings either
            y = model(x)
        assert y.shape == (4, width[-1]) and np.all(np.isfinite(y))


@pytest.mark.parametrize("magnitude", [1e100, 1e300, 1e307, 1.7e308])
def test_huge_inputs_never_give_a_silent_nan(magnitude):
    """Values like 1e300: a finite output, or a ValueError saying the input is too large."""
    signs = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])  # (4, 2)
    x = magnitude * signs  # (4, 2)
    for seed in range(30):
        for width in ([2, 4, 1], [2, 3, 3, 1]):
            model = kn.KAN(width, grid=3, seed=seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # only the answer is checked
                try:
                    y = model(x)
                except ValueError:
                    continue
            assert not np.any(np.isnan(y)), f"seed {seed}, width {width}: {y.ravel()}"


@settings(max_examples=25)
@given(
    x=st.lists(st.floats(-1e6, 1e6), min_size=6, max_size=6),
    seed=st.integers(0, 1000),
)
def test_any_moderate_input_gives_a_finite_output(x, seed):
    model = kn.KAN([3, 2, 1], grid=4, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = model(np.array(x).reshape(2, 3))
    assert np.all(np.isfinite(y))


# ------------------------------------------------------------------------ loss_and_grad
@pytest.mark.parametrize(
    ("y", "kwargs", "message"),
    [
        (np.zeros(30), {}, "y.*2-D"),
        (np.zeros((30, 2)), {}, "y has 2 columns.*1"),
        (np.zeros((29, 1)), {}, "30 rows.*29"),
        (np.full((30, 1), np.nan), {}, "y.*NaN"),
        (np.array([["a"]] * 30), {}, "y.*numbers"),
        (None, {}, "y.*None"),
        (np.zeros((30, 1)), {"lamb": -1.0}, "lamb.*-1"),
        (np.zeros((30, 1)), {"lamb": np.nan}, "lamb.*nan"),
        (np.zeros((30, 1)), {"lamb": "big"}, "lamb.*big"),
        (np.zeros((30, 1)), {"lamb": 1.0, "reg_metric": "l2"}, "reg_metric.*l2"),
        (np.zeros((30, 1)), {"lamb": 1.0, "lamb_l1": 1.0}, "lamb_l1"),
        (np.zeros((30, 1)), {"lamb": 1.0, "mu_1": -1.0}, "mu_1.*-1"),
    ],
)
def test_loss_and_grad(y, kwargs, message):
    model, ds = model_and_data()
    with pytest.raises(BAD, match=message):
        model.loss_and_grad(ds["train_input"], y, **kwargs)


@pytest.mark.parametrize("reg", [{}, {"lamb": 1.0}, {"lamb": 1.0, "reg_metric": "pykan"}])
@pytest.mark.parametrize("where", ["x", "y"])
def test_loss_and_grad_with_huge_values_has_no_nan(reg, where):
    """1e300 in the inputs or labels: a ValueError, or a loss and gradients without NaN."""
    model, ds = model_and_data()
    x, y = ds["train_input"].copy(), ds["train_label"].copy()
    if where == "x":
        x[:3] = [[1e300, -1e300], [-1e300, 0.5], [1e300, 1e300]]
    else:
        y[:3] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            loss, grads = model.loss_and_grad(x, y, **reg)
        except ValueError:
            return
    assert not np.isnan(loss)
    assert all(not np.any(np.isnan(g)) for layer in grads for g in layer.values())


# ----------------------------------------------------------------------------------- fit
def _edit(ds, **changes):
    return {**ds, **changes}


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (lambda ds: [ds["train_input"]], {}, "dataset.*list"),
        (lambda ds: "data.csv", {}, "dataset.*str"),
        (lambda ds: {"train_input": ds["train_input"]}, {}, "missing.*train_label"),
        (lambda ds: _edit(ds, train_label=ds["train_label"][:-1]), {}, "train_input has 30.*29"),
        (lambda ds: _edit(ds, test_input=ds["test_input"][:, :1]), {}, "columns"),
        (lambda ds: _edit(ds, train_input=np.zeros((30, 3))), {}, "3 columns"),
        (lambda ds: _edit(ds, train_label=np.zeros((30, 2))), {}, "2 columns"),
        (lambda ds: _edit(ds, train_label=np.full((30, 1), np.inf)), {}, "train_label.*inf"),
        (lambda ds: _edit(ds, train_input=np.zeros((0, 2)), train_label=np.zeros((0, 1))), {},
         "train_input"),
        (lambda ds: _edit(ds, test_input=np.array([["x", "y"]] * 30)), {}, "test_input"),
        (lambda ds: ds, {"opt": "sgd"}, "opt.*sgd"),
        (lambda ds: ds, {"steps": -1}, "steps.*-1"),
        (lambda ds: ds, {"steps": 2.5}, "steps.*2.5"),
        (lambda ds: ds, {"opt": "adam", "lr": -0.1}, "lr.*-0.1"),
        (lambda ds: ds, {"lamb": -1.0}, "lamb.*-1"),
        (lambda ds: ds, {"batch": 0}, "batch.*0"),
        (lambda ds: ds, {"grid_eps": 2.0}, "grid_eps.*2"),
        (lambda ds: ds, {"grid_margin": -0.1}, "grid_margin.*-0.1"),
        (lambda ds: ds, {"callback": 5}, "callback"),
        (lambda ds: ds, {"reg_metric": "l2"}, "reg_metric.*l2"),
        (lambda ds: ds, {"learning_rate": 0.1}, "learning_rate"),
    ],
)  # fmt: skip
def test_fit(make, kwargs, message):
    model, ds = model_and_data()
    before = model.get_flat()
    with pytest.raises(BAD, match=message):
        model.fit(make(ds), progress=False, **kwargs)
    assert np.array_equal(model.get_flat(), before)  # a refused call changes nothing


# --------------------------------------------------------------- refine, update_grid
@pytest.mark.parametrize(
    ("new_grid", "x", "message"),
    [
        (0, None, "new_grid.*0"),
        (-3, None, "new_grid.*-3"),
        (2.5, None, "new_grid.*2.5"),
        ("10", None, "new_grid.*'10'"),
        (10, np.zeros((5, 3)), "3 columns"),
        (10, np.array([[np.nan, 0.0]]), "NaN"),
    ],
)
def test_refine(new_grid, x, message):
    model, _ = fitted()
    with pytest.raises(BAD, match=message):
        model.refine(new_grid, x=x)


def test_methods_that_need_data_say_so_before_any_fit():
    model, _ = model_and_data()
    for call in (
        lambda: model.refine(10),
        lambda: model.update_grid(),
        lambda: model.prune(),
        lambda: model.plot(),
        lambda: model.auto_symbolic(),
    ):
        with pytest.raises(ValueError, match="fit"):
            call()


@pytest.mark.parametrize(
    ("x", "grid_eps", "message"),
    [
        (np.zeros((5, 1)), 0.02, "1 columns.*2"),
        (np.array([[np.inf, 0.0]]), 0.02, "inf"),
        (None, -0.1, "grid_eps.*-0.1"),
        (None, 1.5, "grid_eps.*1.5"),
        (None, "a", "grid_eps"),
    ],
)
def test_update_grid(x, grid_eps, message):
    model, _ = fitted()
    with pytest.raises(BAD, match=message):
        model.update_grid(x, grid_eps=grid_eps)


# ---------------------------------------------------------------------- prune, plot, scores
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": -1.0}, "threshold.*-1"),
        ({"threshold": "high"}, "threshold"),
        ({"method": "magnitude"}, "method.*magnitude"),
        ({"x": np.zeros((5, 3))}, "3 columns"),
        ({"x": np.zeros(2)}, "2-D"),
    ],
)
def test_prune(kwargs, message):
    model, _ = fitted()
    with pytest.raises(BAD, match=message):
        model.prune(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros((5, 3))}, "3 columns"),
        ({"x": np.array([[np.nan, 1.0]])}, "NaN"),
        ({"in_vars": ["a"]}, "in_vars.*2"),
        ({"out_vars": ["a", "b"]}, "out_vars.*1"),
        ({"beta": "wide"}, "beta"),
        ({"beta": -1.0}, "beta"),
    ],
)
def test_plot(kwargs, message):
    model, _ = fitted()
    with pytest.raises(BAD, match=message):
        model.plot(**kwargs)


def test_node_scores():
    model, ds = fitted()
    with pytest.raises(BAD, match="method.*magnitude"):
        model.node_scores(ds["train_input"], method="magnitude")
    with pytest.raises(BAD, match="1 columns"):
        model.node_scores(np.zeros((4, 1)))
    # attribution divides by standard deviations over samples: one sample has none
    with pytest.raises(ValueError, match="2 samples"):
        model.node_scores(ds["train_input"][:1], method="attribution")


# ---------------------------------------------------------------------------- symbolic
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 0, 0, "sine"), "sine"),
        ((0, 0, 0, None), "None"),
        ((0, 0, 0, 3), "str.*int"),
        ((2, 0, 0, "sin"), "layer.*2"),
        ((-1, 0, 0, "sin"), "-1"),
        ((0, 5, 0, "sin"), "5"),
        ((0, 0, 3, "sin"), "3"),
        ((0, -1, 0, "sin"), "-1"),
        ((0.0, 0, 0, "sin"), "0.0"),
        (("0", 0, 0, "sin"), "'0'"),
    ],
)
def test_fix_symbolic(args, message):
    model, _ = fitted()
    with pytest.raises(BAD, match=message):
        model.fix_symbolic(*args)


def test_auto_symbolic_unknown_library_name():
    model, _ = fitted()
    with pytest.raises(BAD, match="sine"):
        model.auto_symbolic(lib=["sin", "sine"])


# ---------------------------------------------------------------------- create_dataset
@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("not a function",), {}, "f must be a function"),
        ((np.sin,), {"n_var": 0}, "n_var.*0"),
        ((np.sin,), {"n_var": 1.5}, "n_var.*1.5"),
        ((np.sin,), {"n_train": 0}, "n_train.*0"),
        ((np.sin,), {"n_test": -5}, "n_test.*-5"),
        ((np.sin,), {"ranges": (1, -1)}, "range.*lo < hi"),
        ((np.sin,), {"ranges": [(0, 1)] * 3}, "ranges"),
        ((np.sin,), {"ranges": "wide"}, "ranges"),
        ((np.sin,), {"seed": -1}, "seed.*-1"),
        ((lambda x: np.full(len(x), np.nan),), {}, "NaN or inf"),
        ((lambda x: x[:3],), {}, "shape"),
        ((lambda x: np.zeros((x.shape[0], 0)),), {}, "shape"),
    ],
)
def test_create_dataset(args, kwargs, message):
    with pytest.raises(BAD, match=message):
        create_dataset(*args, **kwargs)


def test_create_dataset_is_exported():
    assert kn.create_dataset is create_dataset


# ---------------------------------------------------------------------------- save/load
def test_save_and_load(tmp_path):
    model, _ = model_and_data()
    with pytest.raises(TypeError, match="KAN.*dict"):
        kn.save({"width": [2, 1]}, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="file name"):
        kn.save(model, 42)
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ValueError, match="not a kan_np model"):
        kn.load(tmp_path / "notes.txt")
    np.savez(tmp_path / "w.npz", w=np.ones(3))
    with pytest.raises(ValueError, match="not a kan_np model"):
        kn.load(tmp_path / "w.npz")
    kn.save(model, tmp_path / "m.npz")
    (tmp_path / "cut.npz").write_bytes((tmp_path / "m.npz").read_bytes()[:-40])
    with pytest.raises(ValueError, match="damaged"):
        kn.load(tmp_path / "cut.npz")
