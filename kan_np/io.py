"""Saving and loading a KAN: one ``.npz`` file of plain arrays and a JSON header.

No Python objects are serialised, so loading a file never runs code from it.

A KAN is arrays and a few names, so a model file holds exactly those (L layers, layer l
with I inputs, O outputs and G_l grid intervals):

    metadata               0-d unicode array: the JSON object below
    layer<l>.grid          (I, G_l+2k+1)   knots, one row per input
    layer<l>.coef          (I, O, G_l+k)   spline coefficients
    layer<l>.scale_base    (I, O)          w_b
    layer<l>.scale_sp      (I, O)          w_s
    layer<l>.mask          (I, O)
    layer<l>.affine        (I, O, 4)       a, b, c, d of the symbolic edges
    train_input            (N, n_0)        optional: the inputs of the last `fit`
    normalization.<key>    (n_0,) or (n_L,) optional: see "Normalisation" below

    {"format": "kan_np", "version": 1, "kan_np_version": "0.1.0",
     "width": [2, 5, 1], "k": 3, "G": [5, 5], "base_fun": ["silu", "silu"],
     "symbolic": {"0,1,0": "sin"},          # "l,i,o": function name (functions.py)
     "train_input": true, "normalization": ["mean_input", "std_input"],
     "input_names": ["x1", "x2"], "output_names": ["y"],   # or null
     "kept_inputs": {"ids": [0, 3], "n_original": 5},      # optional (prune_inputs=True)
     "classes": [0.0, 1.0, 2.0]}                           # optional (kan-np fit --task classify)

Why train_input is stored: pruning, plotting and symbolic snapping need activations, and
use the training inputs of the last `fit` when no data is passed. Keeping them in the file
lets `kan-np plot` and friends work on a loaded model. Pass include_train_input=False to
leave your data out of the file.

Normalisation: a model trained on standardised data carries, as the optional attribute
``model.normalization``, a dict of float arrays mean_input, std_input (n_0,) and/or
mean_label, std_label (n_L,) (the keys `datasets.create_dataset` returns). The network
itself sees only standardised values; `predict` undoes that:
y = KAN((x - mean_input) / std_input) * std_label + mean_label.
Column names ride along in the optional attributes ``model.input_names`` (n_0 strings)
and ``model.output_names`` (n_L strings).

`load` reads with allow_pickle=False and checks everything against the metadata, so a file
that is not a kan_np model, was cut short, comes from a newer format version, or has
arrays whose shapes disagree with the metadata gives a ValueError saying which.
"""

import json
import math
import os
import zipfile
import zlib

import numpy as np

from kan_np import checks
from kan_np.layer import BASE_FUNCTIONS
from kan_np.network import KAN

FORMAT = "kan_np"
VERSION = 1
LAYER_ARRAYS = ("grid", "coef", "scale_base", "scale_sp", "mask", "affine")
ATTRIBUTE = {"grid": "knots"}  # on-disk name -> KANLayer attribute, where they differ
NORMALIZATION_KEYS = ("mean_input", "std_input", "mean_label", "std_label")


# ------------------------------------------------------------------------------- save
def save(model, path, *, include_train_input=True):
    """Write `model` to `path` (exactly that name, no suffix added) as one .npz file.

    Args:
        model: a KAN; its optional attributes normalization, input_names, output_names
            and train_input (the inputs of the last fit) are stored too.
        path: file name (str or os.PathLike); an existing file is replaced atomically, so
            an interrupted save never leaves a half-written model behind.
        include_train_input: store model.train_input (N, n_0) when the model has it.
    Raises:
        TypeError if model is not a KAN; ValueError if the model is inconsistent (what
        `load` would refuse: wrong shapes, NaN/inf, an unknown symbolic function).
    """
    if not isinstance(model, KAN):
        raise TypeError(f"save needs a kan_np KAN model, got {type(model).__name__}")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name (str or Path), got {type(path).__name__}")
    meta, arrays = _to_arrays(model, include_train_input)
    _check_model(meta, arrays, where="save: the model")  # refuse what load would refuse
    arrays["metadata"] = np.array(json.dumps(meta))  # 0-d unicode array: plain data
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save {path}: there is no folder {folder}")
    tmp = f"{path}.{os.getpid()}.tmp"  # beside path, so the final rename stays atomic
    try:
        with open(tmp, "wb") as f:  # a file object: numpy would append ".npz" to a name
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _to_arrays(model, include_train_input):
    """(metadata dict, {name: array}) for a model, without checks."""
    layers = model.layers
    arrays = {
        f"layer{l}.{name}": np.asarray(getattr(layer, ATTRIBUTE.get(name, name)))
        for l, layer in enumerate(layers)
        for name in LAYER_ARRAYS
    }
    symbolic = {
        f"{l},{i},{o}": name
        for l, layer in enumerate(layers)
        for (i, o), name in layer.symbolic.items()
    }
    train_input = getattr(model, "train_input", None) if include_train_input else None
    if train_input is not None:
        arrays["train_input"] = np.asarray(train_input)
    normalization = getattr(model, "normalization", None) or {}
    if not isinstance(normalization, dict):
        raise TypeError(f"model.normalization must be a dict, got {type(normalization).__name__}")
    for key, value in normalization.items():
        arrays[f"normalization.{key}"] = np.asarray(value)
    from kan_np import __version__

    meta = {
        "format": FORMAT,
        "version": VERSION,
        "kan_np_version": __version__,
        "width": model.width,
        "k": int(layers[0].k),
        "G": [int(layer.G) for layer in layers],
        "base_fun": [layer.base_fun for layer in layers],
        "symbolic": symbolic,
        "train_input": train_input is not None,
        "normalization": list(normalization),
        "input_names": _names_or_none(getattr(model, "input_names", None)),
        "output_names": _names_or_none(getattr(model, "output_names", None)),
    }
    if getattr(model, "kept_inputs", None) is not None:  # pruned with prune_inputs=True
        meta["kept_inputs"] = {"ids": [int(j) for j in model.kept_inputs],
                               "n_original": int(model.n_original_inputs)}  # fmt: skip
    if getattr(model, "classes", None) is not None:  # a classifier: class value per output
        meta["classes"] = [float(c) for c in model.classes]
    return meta, arrays


def _names_or_none(names):
    return None if names is None else [str(name) for name in names]


# ------------------------------------------------------------------------------- load
def load(path):
    """Read a model written by `save` and rebuild the KAN; outputs are bit-identical.

    Args:
        path: file name (str or os.PathLike).
    Returns:
        the KAN, with train_input, normalization, input_names and output_names set when
        the file holds them.
    Raises:
        FileNotFoundError if there is no such file; ValueError if the file is not a .npz,
        not a kan_np model, damaged (truncated or corrupted), of an unknown format
        version, inconsistent with its metadata, or uses a symbolic function that is not
        in the library (add it with `functions.add_function` first).
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name (str or Path), got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such model file: {path}")
    meta, arrays = _read(path)
    _check_model(meta, arrays, where=path)

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


def _read(path):
    """(metadata dict, {name: array}) from the file, or a ValueError saying what is wrong."""
    with open(path, "rb") as f:
        start = f.read(6)
    if not start:
        raise ValueError(f"{path} is empty: not a kan_np model")
    if start == b"\x93NUMPY":
        raise ValueError(f"{path} is not a kan_np model: it holds one bare array (.npy)")
    if not start.startswith(b"PK"):  # every .npz is a zip archive, and zips start with PK
        raise ValueError(f"{path} is not a kan_np model: not a .npz file (no zip signature)")
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            for key in data.files:
                arrays[key] = data[key]  # read everything now: damage shows up here
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
    ) as err:
        # zipfile reports odd flags or compression methods in a damaged header as NotImplemented
        raise ValueError(f"{path} is damaged (truncated or corrupted): {err}") from None
    if "metadata" not in arrays:
        raise ValueError(
            f"{path} is not a kan_np model: no 'metadata' entry "
            f"(it holds {', '.join(sorted(arrays)) or 'nothing'})"
        )
    text = arrays.pop("metadata")
    if text.dtype.kind != "U" or text.ndim != 0:
        raise ValueError(f"{path} is not a kan_np model: 'metadata' is not a JSON string")
    try:
        meta = json.loads(str(text))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is damaged: its metadata is not valid JSON ({err})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise ValueError(f"{path} is not a kan_np model: format is {found!r}, not {FORMAT!r}")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"{path} has model format version {meta.get('version')!r}, but this "
            f"kan_np reads version {VERSION}; use the kan_np that wrote it"
        )
    return meta, arrays


# ----------------------------------------------------------------------------- checks
def _check_model(meta, arrays, where):
    """Check metadata and arrays against each other, in place (arrays become checked)."""

    def fail(message):
        """Raise the ValueError naming the file."""
        raise ValueError(f"{where}: {message}")

    for key in (
        "width",
        "k",
        "G",
        "base_fun",
        "symbolic",
        "train_input",
        "normalization",
        "input_names",
        "output_names",
    ):
        if key not in meta:
            fail(f"metadata has no {key!r} entry")
    try:
        width = checks.as_width(meta["width"])
        k = checks.as_int(meta["k"], "k", 1)
        G = meta["G"]
        if not isinstance(G, list) or len(G) != len(width) - 1:
            raise ValueError(f"G must be a list of {len(width) - 1} grid sizes, got {G!r}")
        G = [checks.as_int(g, f"G[{l}]", 1) for l, g in enumerate(G)]
    except (TypeError, ValueError) as err:
        fail(f"bad metadata: {err}")
    base_fun = meta["base_fun"]
    if not isinstance(base_fun, list) or len(base_fun) != len(G):
        fail(f"metadata base_fun must be a list of {len(G)} names, got {base_fun!r}")
    for name in base_fun:
        if name not in BASE_FUNCTIONS:
            fail(f"unknown base function {name!r}; known: {sorted(BASE_FUNCTIONS)}")

    for l, g in enumerate(G):
        I, O = width[l], width[l + 1]
        expected = {
            "grid": (I, g + 2 * k + 1),
            "coef": (I, O, g + k),
            "scale_base": (I, O),
            "scale_sp": (I, O),
            "mask": (I, O),
            "affine": (I, O, 4),
        }
        for name, shape in expected.items():
            _check_array(arrays, f"layer{l}.{name}", shape, fail)
        if np.any(np.diff(arrays[f"layer{l}.grid"], axis=1) <= 0):
            fail(f"layer{l}.grid must increase strictly along each row")
    _check_symbolic(meta["symbolic"], width, fail)
    _check_kept_inputs(meta.get("kept_inputs"), width[0], fail)
    _check_classes(meta.get("classes"), width[-1], fail)
    if meta["train_input"]:
        _check_array(arrays, "train_input", (None, width[0]), fail)
    norm = meta["normalization"]
    if not isinstance(norm, list) or not set(norm) <= set(NORMALIZATION_KEYS):
        fail(f"normalization keys must be among {list(NORMALIZATION_KEYS)}, got {norm!r}")
    for kind in ("input", "label"):
        if (f"mean_{kind}" in norm) != (f"std_{kind}" in norm):
            fail(f"normalization needs both mean_{kind} and std_{kind}, got {norm}")
    for key in norm:
        _check_array(arrays, f"normalization.{key}", (width[0 if "input" in key else -1],), fail)
        if key.startswith("std") and np.any(arrays[f"normalization.{key}"] <= 0):
            fail(f"normalization {key} must be > 0")
    for key, n in (("input_names", width[0]), ("output_names", width[-1])):
        names = meta[key]
        if names is not None and (
            not isinstance(names, list)
            or len(names) != n
            or not all(isinstance(s, str) for s in names)
        ):
            fail(f"{key} must be a list of {n} strings, got {names!r}")


def _check_array(arrays, key, shape, fail):
    """arrays[key] must exist, be finite floats of `shape` (None: any length)."""
    if key not in arrays:
        fail(f"missing array {key!r} (incomplete file?)")
    arr = arrays[key]
    if arr.dtype.kind != "f":
        fail(f"{key} must hold floats, got dtype {arr.dtype}")
    if arr.ndim != len(shape) or any(
        s is not None and s != n for s, n in zip(shape, arr.shape, strict=True)
    ):
        wanted = tuple("N" if s is None else s for s in shape)
        fail(f"{key} has shape {arr.shape}, but the metadata says {wanted}")
    if not np.all(np.isfinite(arr)):
        fail(f"{key} has NaN or infinite values")
    arrays[key] = np.array(arr)  # an own, writable, contiguous copy


def _check_kept_inputs(kept, n_0, fail):
    """The optional kept_inputs entry: n_0 distinct ids below n_original."""
    if kept is None:
        return
    try:
        ids, n = kept["ids"], checks.as_int(kept["n_original"], "n_original", n_0)
        ok = len(ids) == n_0 == len(set(ids)) and all(0 <= int(j) < n for j in ids)
    except (TypeError, KeyError, ValueError):
        ok = False
    if not ok:
        fail(f"kept_inputs must hold {n_0} distinct input ids below n_original, got {kept!r}")


def _check_classes(classes, n_L, fail):
    """The optional classes entry of a classifier: one finite number per output."""
    if classes is None:
        return
    ok = isinstance(classes, list) and len(classes) == n_L
    if not ok or not all(isinstance(c, int | float) and math.isfinite(c) for c in classes):
        fail(f"classes must be a list of {n_L} numbers (one per output), got {classes!r}")


def _check_symbolic(symbolic, width, fail):
    """Keys "l,i,o" inside the network, names known to the function library."""
    from kan_np.functions import get_function

    if not isinstance(symbolic, dict):
        fail(f"metadata symbolic must be a dict {{'l,i,o': name}}, got {symbolic!r}")
    for key, name in symbolic.items():
        parts = key.split(",")
        if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
            fail(f"symbolic edge key {key!r} is not 'l,i,o'")
        l, i, o = (int(p) for p in parts)
        if l >= len(width) - 1 or i >= width[l] or o >= width[l + 1]:
            fail(f"symbolic edge {key!r} is outside a network of width {width}")
        try:
            get_function(name)
        except (TypeError, ValueError) as err:
            fail(
                f"symbolic edge {key!r} uses {name!r}, which the function library does not "
                f"know; add it with kan_np.functions.add_function before loading ({err})"
            )


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
