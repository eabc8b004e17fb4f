"""interop: pykan's state-dict names and shapes, checked against the pykan 0.2.8 fixture."""

import numpy as np
import pytest

import kan_np as kn
from kan_np import interop
from tests.reference import load_reference, pykan_model


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _pykan_state(ref):
    """The state dict pykan 0.2.8 holds for the fixture model (identity node affines)."""
    state = {}
    for l, (I, O) in enumerate([(2, 3), (3, 1)]):
        for name in ("grid", "coef", "scale_base", "scale_sp", "mask"):
            state[f"act_fun.{l}.{name}"] = ref[f"{name}_{l}"]
        for name in ("node_bias", "subnode_bias"):
            state[f"{name}_{l}"] = np.zeros(O)
        for name in ("node_scale", "subnode_scale"):
            state[f"{name}_{l}"] = np.ones(O)
        state[f"symbolic_fun.{l}.mask"] = np.zeros((O, I))
        state[f"symbolic_fun.{l}.affine"] = np.zeros((O, I, 4))
    return state


def test_export_has_pykans_names_shapes_and_values(ref):
    state = interop.to_pykan(pykan_model(ref))
    expected = _pykan_state(ref)
    assert sorted(state) == sorted(expected)
    for key, value in expected.items():
        assert state[key].shape == value.shape, key
        np.testing.assert_array_equal(state[key], value, err_msg=key)
    assert interop.pykan_config(pykan_model(ref)) == {
        "width": [2, 3, 1], "grid": 5, "k": 3, "base_fun": "silu"}  # fmt: skip


def test_import_reproduces_pykans_output(ref):
    model = interop.from_pykan(_pykan_state(ref))
    assert model.width == [2, 3, 1] and model.grid == 5 and model.k == 3
    np.testing.assert_allclose(model(ref["x"]), ref["out"], rtol=1e-10, atol=1e-12)


def test_round_trip_keeps_symbolic_edges():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (50, 2))
    model = kn.KAN([2, 2, 1], grid=4, k=2, seed=3)
    model.fix_symbolic(0, 1, 0, "sin", x=x)
    state = interop.to_pykan(model)
    assert state["symbolic_fun.0.mask"][0, 1] == 1.0  # pykan's (O, I) order
    back = interop.from_pykan(state, symbolic=interop.symbolic_names(model))
    np.testing.assert_array_equal(back(x), model(x))
    with pytest.raises(ValueError, match=r"edge \(0, 1, 0\) is symbolic"):
        interop.from_pykan(state)


def test_bad_state_dicts_are_refused(ref):
    state = _pykan_state(ref)
    with pytest.raises(TypeError, match="dict of pykan names"):
        interop.from_pykan([1, 2])
    with pytest.raises(ValueError, match="not a pykan KAN"):
        interop.from_pykan({"x": np.zeros(2)})
    shifted = dict(state, node_bias_1=np.ones(1))
    with pytest.raises(ValueError, match="no node affine"):
        interop.from_pykan(shifted)
    short = dict(state, **{"act_fun.1.scale_sp": np.ones((3, 2))})
    with pytest.raises(ValueError, match=r"act_fun.1.scale_sp has shape \(3, 2\)"):
        interop.from_pykan(short)
