"""Saving and loading models (.npz + JSON, never pickle): exact round trips, clear refusals."""

import copy
import json
import pickle
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kan_np as kn
from kan_np import functions, io
from kan_np.layer import PARAM_NAMES
from tests.strategies import widths

ARRAYS = ("knots", "coef", "scale_base", "scale_sp", "mask", "affine")


def rich_model():
    """A model using every stored feature: per-layer G and base_fun, a symbolic edge,
    training inputs, normalisation statistics and column names."""
    rng = np.random.default_rng(0)
    model = kn.KAN([2, 3, 1], grid=4, k=3, seed=1)
    x = rng.uniform(-1, 1, (40, 2))  # (N, 2)
    hidden = model.layers[0].forward(x, need_dx=False)[0]  # (N, 3) inputs of layer 1
    model.layers[1] = model.layers[1].refined(7, hidden)  # layer 1: G = 7, layer 0: G = 4
    model.layers[1].base_fun = "identity"
    model.layers[0].symbolic[(1, 2)] = "sin"
    model.layers[0].affine[1, 2] = [2.0, 0.5, 1.5, -0.1]
    model.layers[0].mask[1, 2] = 0.0
    model.train_input = x
    model.normalization = {"mean_input": np.array([0.1, -0.2]), "std_input": np.array([1.5, 2.0])}
    model.input_names, model.output_names = ["a", "b"], ["y"]
    return model


def probe(n_in, n=64, seed=3):
    """(n, n_in) points inside, at the edge of and far outside the grid."""
    x = np.random.default_rng(seed).uniform(-3, 3, (n, n_in))  # (n, n_in)
    x[0], x[1] = 1e6, -1e6
    return x


def test_round_trip_is_exact(tmp_path):
    model = rich_model()
    io.save(model, tmp_path / "m.npz")
    loaded = io.load(tmp_path / "m.npz")
    x = probe(2)
    assert np.array_equal(loaded(x), model(x))  # bit-identical, symbolic edge included
    assert loaded.width == model.width
    assert [layer.G for layer in loaded.layers] == [4, 7]
    assert [layer.base_fun for layer in loaded.layers] == ["silu", "identity"]
    assert loaded.layers[0].symbolic == {(1, 2): "sin"} and loaded.layers[1].symbolic == {}
    for old, new in zip(model.layers, loaded.layers, strict=True):
        for name in ARRAYS:
            a, b = getattr(old, name), getattr(new, name)
            assert b.dtype == a.dtype and np.array_equal(a, b), name
    assert np.array_equal(loaded.train_input, model.train_input)
    assert loaded.normalization.keys() == model.normalization.keys()
    for key, value in model.normalization.items():
        assert np.array_equal(loaded.normalization[key], value)
    assert loaded.input_names == ["a", "b"] and loaded.output_names == ["y"]
    assert np.array_equal(io.predict(loaded, x), io.predict(model, x))


def test_loaded_model_trains_like_the_original(tmp_path):
    model = rich_model()
    io.save(model, tmp_path / "m.npz")
    loaded = io.load(tmp_path / "m.npz")
    x = probe(2, seed=4)
    y = np.sin(x[:, :1])  # (N, 1)
    loss, grads = model.loss_and_grad(x, y)
    loss2, grads2 = loaded.loss_and_grad(x, y)
    assert loss2 == loss
    for g, g2 in zip(grads, grads2, strict=True):
        for name in PARAM_NAMES:
            assert np.array_equal(g[name], g2[name]), name
    for _, _, arr in loaded.parameters():  # own, writable storage, as optimisers need
        assert arr.flags.writeable and arr.flags.c_contiguous
    loaded.layers[0].coef[...] += 1.0
    assert not np.array_equal(loaded(x), model(x))  # and not shared with the original


@settings(max_examples=15)
@given(width=widths(), G=st.integers(1, 6), k=st.integers(1, 4), seed=st.integers(0, 99))
def test_round_trip_property(width, G, k, seed):
    model = kn.KAN(width, grid=G, k=k, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.npz"
        io.save(model, path)
        loaded = io.load(path)
    x = probe(width[0], n=16, seed=seed)
    assert np.array_equal(loaded(x), model(x))
    assert loaded.width == width and loaded.k == k and loaded.grid == G


def test_file_is_plain_arrays_and_json(tmp_path):
    io.save(rich_model(), tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:  # no pickle anywhere
        assert all(data[key].dtype != object for key in data.files)
        meta = json.loads(str(data["metadata"]))
        assert data["layer1.coef"].shape == (3, 1, 7 + 3)
    assert meta["format"] == "kan_np" and meta["version"] == 1
    assert meta["width"] == [2, 3, 1] and meta["k"] == 3 and meta["G"] == [4, 7]
    assert meta["base_fun"] == ["silu", "identity"]
    assert meta["symbolic"] == {"0,1,2": "sin"}
    assert meta["normalization"] == ["mean_input", "std_input"] and meta["train_input"]


def test_save_writes_exactly_the_given_name_and_replaces(tmp_path):
    path = tmp_path / "model"  # no .npz suffix: numpy's savez would add one; save does not
    io.save(kn.KAN([1, 1], seed=0), str(path))
    io.save(kn.KAN([2, 1], seed=0), path)  # replaces the first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no temporary left over
    assert io.load(path).width == [2, 1]


def test_optional_parts(tmp_path):
    model = rich_model()
    io.save(model, tmp_path / "m.npz", include_train_input=False)
    loaded = io.load(tmp_path / "m.npz")
    assert loaded.train_input is None
    bare = kn.KAN([2, 1], seed=0)  # no fit, no normalisation, no names
    io.save(bare, tmp_path / "bare.npz")
    loaded = io.load(tmp_path / "bare.npz")
    assert loaded.train_input is None
    assert not hasattr(loaded, "normalization") and not hasattr(loaded, "input_names")
    x = probe(2)
    assert np.array_equal(io.predict(loaded, x), bare(x))  # predict without normalisation


def test_predict_undoes_normalisation():
    model = rich_model()
    model.normalization.update(mean_label=np.array([3.0]), std_label=np.array([0.5]))
    x = probe(2)
    expected = model((x - [0.1, -0.2]) / [1.5, 2.0]) * 0.5 + 3.0
    np.testing.assert_allclose(io.predict(model, x), expected, rtol=1e-15)


def test_models_survive_deepcopy_and_pickle_in_memory():
    model = rich_model()
    x = probe(2)
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert np.array_equal(clone(x), model(x))
        assert clone.layers[0].symbolic == model.layers[0].symbolic
        clone.layers[0].coef[...] = 0.0
        assert not np.array_equal(clone(x), model(x))


def test_user_function_must_be_known_when_loading(tmp_path):
    model = kn.KAN([1, 1], seed=0)
    functions.add_function("cube_io_test", lambda x: x**3, lambda x: 3 * x**2, lambda e: e**3)
    try:
        model.layers[0].symbolic[(0, 0)] = "cube_io_test"
        model.layers[0].affine[0, 0] = [1.0, 0.0, 2.0, 0.0]
        io.save(model, tmp_path / "m.npz")
        functions.remove_function("cube_io_test")
        with pytest.raises(ValueError, match="cube_io_test.*add_function"):
            io.load(tmp_path / "m.npz")
        functions.add_function("cube_io_test", lambda x: x**3, lambda x: 3 * x**2, lambda e: e**3)
        x = probe(1)
        assert np.array_equal(io.load(tmp_path / "m.npz")(x), model(x))
    finally:
        if "cube_io_test" in functions.LIBRARY:
            functions.remove_function("cube_io_test")


# ------------------------------------------------------------------------ refusals
def write_model_file(path, meta_changes=None, array_changes=None, drop=()):
    """A model file like save's, with edited metadata or arrays."""
    meta, arrays = io._to_arrays(rich_model(), include_train_input=True)
    meta.update(meta_changes or {})
    arrays.update(array_changes or {})
    for key in drop:
        arrays.pop(key)
    arrays["metadata"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    ("meta", "arrays", "drop", "message"),
    [
        ({"format": "pykan"}, {}, (), "not a kan_np model"),
        ({"version": 2}, {}, (), "version 2"),
        ({"width": [2, 4, 1]}, {}, (), r"layer0.coef: has shape \(2, 3, 7\).*\(2, 4, 7\)"),
        ({"G": [4]}, {}, (), "G: must be a list of 2"),
        ({"G": [5, 7]}, {}, (), r"layer0.grid: has shape"),
        ({"k": 0}, {}, (), "k must be >= 1"),
        ({"base_fun": ["silu", "relu"]}, {}, (), "unknown base function 'relu'"),
        ({"symbolic": {"0,1,2": "no_such_fn"}}, {}, (), "no_such_fn"),
        ({"symbolic": {"0,9,0": "sin"}}, {}, (), "outside a network"),
        ({"symbolic": {"zero": "sin"}}, {}, (), "not 'l,i,o'"),
        ({"normalization": ["mean_input"]}, {}, (), "both mean_input and std_input"),
        ({"input_names": ["a"]}, {}, (), "input_names: must be a list of 2"),
        ({}, {"layer1.coef": np.zeros((3, 1, 9))}, (), r"layer1.coef: has shape \(3, 1, 9\)"),
        ({}, {"layer0.mask": np.zeros((2, 3), dtype=np.int64)}, (), "layer0.mask: must be float64"),
        ({}, {"layer0.coef": np.full((2, 3, 7), np.nan)}, (), "NaN"),
        ({}, {"train_input": np.zeros((5, 3))}, (), r"train_input: has shape \(5, 3\)"),
        ({}, {"normalization.std_input": np.array([1.0, 0.0])}, (), "std_input: standard dev"),
        ({}, {}, ("layer1.affine",), "layer1.affine: missing array"),
        ({}, {"layer0.grid": np.zeros((2, 11))}, (), "increase strictly"),
    ],
)
def test_load_rejects_inconsistent_files(tmp_path, meta, arrays, drop, message):
    path = write_model_file(tmp_path / "bad.npz", meta, arrays, drop)
    with pytest.raises(ValueError, match=message):
        io.load(path)


def test_load_rejects_files_that_are_not_models(tmp_path):
    good = tmp_path / "good.npz"
    io.save(rich_model(), good)
    content = good.read_bytes()
    cases = {
        "text.npz": (b"x1,x2,y\n1,2,3\n", "not a .npz file"),
        "empty.npz": (b"", "empty"),
        "half.npz": (content[: len(content) // 2], "damaged"),
        "tiny.npz": (content[:30], "damaged"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=message):
            io.load(tmp_path / name)
    np.save(tmp_path / "bare.npy", np.ones(3))
    with pytest.raises(ValueError, match=r"one bare array \(.npy\)"):
        io.load(tmp_path / "bare.npy")
    np.savez(tmp_path / "other.npz", weights=np.ones(3))
    with pytest.raises(ValueError, match="metadata: missing.*weights"):
        io.load(tmp_path / "other.npz")
    with pytest.raises(FileNotFoundError, match="no such model file"):
        io.load(tmp_path / "missing.npz")
    with pytest.raises(TypeError, match="file name"):
        io.load(123)


def test_load_detects_corrupted_bytes(tmp_path):
    """Every flipped byte is either harmless (e.g. a zip timestamp) or refused."""
    model = kn.KAN([2, 2, 1], seed=0)
    model.train_input = probe(2, n=8)
    path = tmp_path / "m.npz"
    io.save(model, path)
    content = path.read_bytes()
    x = probe(2)
    refused = 0
    for position in range(0, len(content), max(1, len(content) // 150)):
        damaged = bytearray(content)
        damaged[position] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            loaded = io.load(path)
        except ValueError:
            refused += 1
            continue
        assert np.array_equal(loaded(x), model(x))  # loaded: then it is the same model
        assert np.array_equal(loaded.train_input, model.train_input)
    assert refused > 100


def test_save_refuses_what_load_would_refuse(tmp_path):
    model = rich_model()
    with pytest.raises(TypeError, match="KAN"):
        io.save({"coef": 1}, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="file name"):
        io.save(model, None)
    model.layers[1].coef[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="layer1.coef: has NaN or infinite"):
        io.save(model, tmp_path / "m.npz")
    model = rich_model()
    model.layers[0].symbolic[(0, 0)] = "no_such_fn"
    with pytest.raises(ValueError, match="no_such_fn"):
        io.save(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []  # nothing written
