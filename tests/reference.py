"""The pykan 0.2.8 reference fixture (tests/data/pykan_reference.npz, see its README)."""

from pathlib import Path

import numpy as np

import kan_np as kn

DATA = Path(__file__).resolve().parent / "data" / "pykan_reference.npz"


def load_reference():
    """Every array of the fixture, by name (read without pickle)."""
    with np.load(DATA, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def pykan_model(ref):
    """KAN([2, 3, 1], grid=5, k=3) holding pykan's stored parameters."""
    model = kn.KAN([2, 3, 1], grid=5, k=3)
    for l, layer in enumerate(model.layers):
        for name in ("grid", "coef", "scale_base", "scale_sp", "mask"):  # pykan's names
            target = getattr(layer, "knots" if name == "grid" else name)
            assert target.shape == ref[f"{name}_{l}"].shape, f"{name}_{l}"
            target[...] = ref[f"{name}_{l}"]
    return model
