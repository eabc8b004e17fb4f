"""Pruned models remember the inputs they kept; DataFrame columns name inputs (issue 14.4)."""

import numpy as np
import pytest

import kan_np as kn
from kan_np import io, pruning


@pytest.fixture(scope="module")
def pruned():
    """A [4, 2, 1] KAN trained on y = sin(2 x_1) + x_3^2, pruned with prune_inputs=True."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, 4))
    y = np.sin(2 * x[:, [1]]) + x[:, [3]] ** 2
    model = kn.KAN([4, 2, 1], grid=3, seed=0)
    model.fit((x, y), steps=8, lamb=1e-2, progress=False)
    model.input_names = ["a", "b", "c", "d"]
    model.normalization = {"mean_input": np.arange(4.0), "std_input": np.ones(4) * 2.0}
    return model, pruning.prune(model, prune_inputs=True), x


def test_pruned_model_takes_original_or_kept_columns(pruned):
    model, small, x = pruned
    assert list(small.kept_inputs) == [1, 3] and small.n_original_inputs == 4
    assert small.input_names == ["b", "d"]
    np.testing.assert_array_equal(small.normalization["mean_input"], [1.0, 3.0])
    np.testing.assert_array_equal(small(x), small(x[:, [1, 3]]))
    with pytest.raises(ValueError, match=r"either the 4 original inputs or the 2 it kept"):
        small(x[:, :3])
    twice = pruning.prune(small, prune_inputs=True, threshold=0.0)  # keeps both: ids compose
    assert list(twice.kept_inputs) == [1, 3] and twice.n_original_inputs == 4


def test_kept_inputs_survive_save_and_load(pruned, tmp_path):
    _, small, x = pruned
    io.save(small, tmp_path / "m.npz")
    back = io.load(tmp_path / "m.npz")
    assert list(back.kept_inputs) == [1, 3] and back.n_original_inputs == 4
    np.testing.assert_array_equal(io.predict(back, x), io.predict(small, x[:, [1, 3]]))


def test_dataframe_columns_name_formulas_and_plots():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(-1, 1, (50, 2)), columns=["speed", "mass"])
    model = kn.KAN([2, 1], grid=3, seed=0)
    model.fit((X, X[["speed"]].to_numpy() ** 2), steps=2, progress=False)
    assert model.input_names == ["speed", "mass"]
    labels = {text.get_text() for ax in model.plot().axes for text in ax.texts}
    assert {"speed", "mass"} <= labels
    model.fix_symbolic(0, 0, 0, "x^2")
    model.fix_symbolic(0, 1, 0, "x")
    names = {str(s) for s in model.symbolic_formula()[0].free_symbols}
    assert names <= {"speed", "mass"} and "speed" in names


def test_a_damaged_kept_inputs_entry_is_refused(pruned, tmp_path):
    import json

    _, small, _ = pruned
    io.save(small, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        arrays = {key: f[key] for key in f.files}
    meta = json.loads(str(arrays["metadata"]))
    meta["kept_inputs"]["ids"] = [1, 1]
    arrays["metadata"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="kept_inputs: must hold 2 distinct input ids"):
        io.load(tmp_path / "bad.npz")
