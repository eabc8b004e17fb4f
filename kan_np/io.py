"""Saving and loading a KAN: one ``.npz`` file of plain arrays and a JSON header.

No Python objects are serialised, so loading a file never runs code from it.

A KAN is arrays and a few names, so a model file holds exactly those (L layers, layer l
with I inputs, O outputs and G_l grid intervals), every array float64:

    metadata               0-d unicode array: the JSON object below
    layer<l>.grid          (I, G_l+2k+1)   knots, one row per input
    layer<l>.coef          (I, O, G_l+k)   spline coefficients
    layer<l>.scale_base    (I, O)          w_b
    layer<l>.scale_sp      (I, O)          w_s
    layer<l>.mask          (I, O)          0 or 1
    layer<l>.affine        (I, O, 4)       a, b, c, d of the symbolic edges
    train_input            (N, n_0)        optional: the inputs of the last `fit`
    normalization.<key>    (n_0,) or (n_L,) optional: see "Normalisation" below

    {"format": "kan_np", "version": 1, "kan_np_version": "0.1.0",
     "width": [2, 5, 1], "k": 3, "G": [5, 5], "base_fun": ["silu", "silu"],
     "symbolic": {"0,1,0": "sin"},          # "l,i,o": function name (functions.py)
     "train_input": true, "normalization": ["mean_input", "std_input"],
     "input_names": ["x1", "x2"], "output_names": ["y"],   # or null
     "kept_inputs": {"ids": [0, 3], "n_original": 5},      # optional (prune_inputs=True)
     "classes": [0.0, 1.0, 2.0]}                           # optional (fit --task classify)

Why train_input is stored: pruning, plotting and symbolic snapping need activations, and
use the training inputs of the last `fit` when no data is passed. Keeping them in the file
lets `kan-np plot` and friends work on a loaded model. Pass include_train_input=False to
leave your data out of the file. A new file that holds training inputs is created
readable by its owner only (mode 0600); replacing a file keeps that file's mode.

Normalisation: a model trained on standardised data carries, as the optional attribute
``model.normalization``, a dict of float arrays mean_input, std_input (n_0,) and/or
mean_label, std_label (n_L,) (the keys `datasets.create_dataset` returns). The network
itself sees only standardised values; `predict` undoes that:
y = KAN((x - mean_input) / std_input) * std_label + mean_label.
Column names ride along in the optional attributes ``model.input_names`` (n_0 strings)
and ``model.output_names`` (n_L strings). A symbolic edge is stored by its function's
name: a function added with `functions.add_function` must be added again before loading.

Safety: `save` goes through `files.py` (checked target, unique temporary file created
exclusively, atomic rename; the old file survives any failure). `load` reads with
allow_pickle=False through `model_file.read`: strict (every metadata field has its type
and range checked) and bounded (sizes are checked before data is read); every problem is
a ValueError naming the file and the field.
"""

import json
import os
import stat

import numpy as np

from kan_np import checks, files
from kan_np.model_file import FORMAT, LAYER_ARRAYS, VERSION, check_arrays, check_meta, failer, read
from kan_np.network import KAN

ATTRIBUTE = {"grid": "knots"}  # on-disk name -> KANLayer attribute, where they differ


# ------------------------------------------------------------------------------- save
def save(model, path, *, include_train_input=True):
    """Write `model` to `path` (exactly that name, no suffix added) as one .npz file.

    Args:
        model: a KAN; its optional attributes normalization, input_names, output_names
            and train_input (the inputs of the last fit) are stored too.
        path: file name (str or os.PathLike). An existing regular file is replaced
            atomically and keeps its permission bits; see "Safety" in the module docstring.
        include_train_input: store model.train_input (N, n_0) when the model has it.
    Raises:
        TypeError if model is not a KAN; ValueError if the model is inconsistent (what
        `load` would refuse) or path is not a regular file; OSError if the folder is
        missing or not writable. Nothing is written then, and an old file is untouched.
    """
    if not isinstance(model, KAN):
        raise TypeError(f"save needs a kan_np KAN model, got {type(model).__name__}")
    path = files.check_save_path(path)
    meta, arrays = _to_arrays(model, include_train_input)
    fail = failer(f"save {path}: the model")
    expected = check_meta(meta, fail)  # refuse what load would refuse
    check_arrays(arrays, expected, fail)
    arrays["metadata"] = np.array(json.dumps(meta))  # 0-d unicode array: plain data
    files.write_atomic(path, lambda f: np.savez_compressed(f, **arrays), meta["train_input"])


def _to_arrays(model, include_train_input):
    """(metadata dict, {name: float64 array}) for a model, without checks."""
    layers = model.layers
    arrays = {
        f"layer{l}.{name}": getattr(layer, ATTRIBUTE.get(name, name))
        for l, layer in enumerate(layers)
        for name in LAYER_ARRAYS
    }
    train_input = getattr(model, "train_input", None) if include_train_input else None
    if train_input is not None:
        arrays["train_input"] = train_input
    normalization = getattr(model, "normalization", None) or {}
    if not isinstance(normalization, dict):
        raise TypeError(f"model.normalization must be a dict, got {type(normalization).__name__}")
    arrays.update({f"normalization.{key}": value for key, value in normalization.items()})
    for key, value in arrays.items():
        value = np.asarray(value)
        arrays[key] = value.astype(np.float64) if value.dtype.kind == "f" else value
    from kan_np import __version__

    names = {
        key: None
        if getattr(model, key, None) is None
        else [str(name) for name in getattr(model, key)]
        for key in ("input_names", "output_names")
    }
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "kan_np_version": __version__,
        "width": model.width,
        "k": int(layers[0].k),
        "G": [int(la.G) for la in layers],
        "base_fun": [layer.base_fun for layer in layers],
        "symbolic": {
            f"{l},{i},{o}": name
            for l, layer in enumerate(layers)
            for (i, o), name in layer.symbolic.items()
        },
        "train_input": train_input is not None,
        "normalization": list(normalization),
        **names,
    }
    if getattr(model, "kept_inputs", None) is not None:  # pruned with prune_inputs=True
        ids = [int(j) for j in model.kept_inputs]
        meta["kept_inputs"] = {"ids": ids, "n_original": int(model.n_original_inputs)}
    if getattr(model, "classes", None) is not None:  # a classifier: class value per output
        meta["classes"] = [float(c) for c in model.classes]
    return meta, arrays


# ------------------------------------------------------------------------------- load
def load(path, *, max_bytes=None):
    """Read a model written by `save` and rebuild the KAN; outputs are bit-identical.

    Args:
        path: file name (str or os.PathLike).
        max_bytes: refuse files whose arrays declare more bytes than this (default: half
            of this machine's memory), before reading them.
    Returns:
        the KAN, with train_input, normalization, input_names and output_names set when
        the file holds them.
    Raises:
        FileNotFoundError if there is no such file; ValueError, naming the file and the
        field, if it is not a regular file or .npz, not a kan_np model, damaged
        (truncated or corrupted), of an unknown format version, too large, inconsistent
        with its metadata, or uses a symbolic function that is not in the library (add
        it with `functions.add_function` first).
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name (str or Path), got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such model file: {path}")
    if not stat.S_ISREG(os.stat(path).st_mode):  # reading a FIFO or device could block
        raise ValueError(f"{path} is {files.kind(os.stat(path).st_mode)}, not a model file")
    limit = checks.memory_bytes() // 2 if max_bytes is None else max_bytes
    meta, arrays = read(path, checks.as_int(limit, "max_bytes", 1))
    return _build(meta, arrays)


def _build(meta, arrays):
    """The KAN described by checked metadata and arrays."""
    width, k, G = meta["width"], meta["k"], meta["G"]
    # init="paper" is the cheapest start: every array is overwritten just below
    model = KAN(width, grid=G[0], k=k, base_fun=meta["base_fun"][0], init="paper")
    for l, layer in enumerate(model.layers):
        for name in LAYER_ARRAYS:  # replaced, not written into: G may differ per layer
            setattr(layer, ATTRIBUTE.get(name, name), arrays[f"layer{l}.{name}"])
        layer.base_fun = meta["base_fun"][l]
        layer.symbolic = {}
    for key, name in meta["symbolic"].items():
        l, i, o = (int(part) for part in key.split(","))
        model.layers[l].symbolic[(i, o)] = name
    if meta["train_input"]:
        model.train_input = arrays["train_input"]
    if meta["normalization"]:
        model.normalization = {key: arrays[f"normalization.{key}"] for key in meta["normalization"]}
    for attribute in ("input_names", "output_names"):
        if meta[attribute] is not None:
            setattr(model, attribute, list(meta[attribute]))
    if meta.get("kept_inputs") is not None:  # optional: files without it keep loading
        model.kept_inputs = np.array(meta["kept_inputs"]["ids"], dtype=np.int64)
        model.n_original_inputs = meta["kept_inputs"]["n_original"]
    if meta.get("classes") is not None:
        model.classes = [float(c) for c in meta["classes"]]
    return model


# ---------------------------------------------------------------------- normalisation
def predict(model, x):
    r"""KAN(x) in the units of the training data: undoes ``model.normalization`` if present.

    .. math:: y = \mathrm{KAN}\big((x - \mu_x) / \sigma_x\big)\, \sigma_y + \mu_y

    Args:
        model: a KAN, optionally with a normalization dict (module docstring).
        x: (N, n_0) raw inputs.
    Returns:
        (N, n_L) predictions in the label's units.
    """
    x = model.check_input(x)  # (N, n_0)
    norm = getattr(model, "normalization", None) or {}
    if "mean_input" in norm:
        x = (x - norm["mean_input"]) / norm["std_input"]  # (N, n_0)
    y = model(x)  # (N, n_L)
    if "mean_label" in norm:
        y = y * norm["std_label"] + norm["mean_label"]  # (N, n_L)
    return y
