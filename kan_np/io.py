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
     "input_names": ["x1", "x2"], "output_names": ["y"]}   # or null

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

Safety. `save` writes a fresh temporary file (unique name, created exclusively, beside the
target) and renames it over the target, so a failed or interrupted save leaves the old
file as it was and concurrent saves never mix; it refuses a path that is a folder,
symbolic link, FIFO or device. `load` reads with allow_pickle=False and is strict and
bounded: every metadata field has its type and range checked, the model size it declares
must fit in memory (`checks.check_size`), every array member must be expected by the
metadata and have exactly the declared float64 shape (checked in its header before its
data is read), and the file's total declared size must stay below `max_bytes`. Every
problem is a ValueError naming the file and the field.
"""

import json
import os
import stat
import zipfile
import zlib

import numpy as np
import numpy.lib.format as npy

from kan_np import checks, files
from kan_np.layer import BASE_FUNCTIONS
from kan_np.network import KAN

FORMAT = "kan_np"
VERSION = 1
LAYER_ARRAYS = ("grid", "coef", "scale_base", "scale_sp", "mask", "affine")
NORMALIZATION_KEYS = ("mean_input", "std_input", "mean_label", "std_label")
META_KEYS = ("format", "version", "kan_np_version", "width", "k", "G", "base_fun", "symbolic",
             "train_input", "normalization", "input_names", "output_names")  # fmt: skip
MAX_METADATA_BYTES = 2**24  # 16 MB of JSON: column names of a very wide CSV still fit
HEADER_BYTES = 2**16  # room for an .npy member's own header


def _attribute(layer, name):
    """The layer attribute holding array `name` (the knots are `knots` in newer layers)."""
    return "knots" if name == "grid" and hasattr(layer, "knots") else name


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
    fail = _failer(f"save {path}: the model")
    expected = _check_meta(meta, fail)  # refuse what load would refuse
    _check_arrays(arrays, expected, meta, fail)
    arrays["metadata"] = np.array(json.dumps(meta))  # 0-d unicode array: plain data
    files.write_atomic(path, lambda f: np.savez_compressed(f, **arrays), meta["train_input"])


def _to_arrays(model, include_train_input):
    """(metadata dict, {name: float64 array}) for a model, without checks."""
    layers = model.layers
    arrays = {f"layer{l}.{name}": getattr(layer, _attribute(layer, name))
              for l, layer in enumerate(layers) for name in LAYER_ARRAYS}  # fmt: skip
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

    names = {key: None if getattr(model, key, None) is None else
             [str(name) for name in getattr(model, key)]
             for key in ("input_names", "output_names")}  # fmt: skip
    meta = {"format": FORMAT, "version": VERSION, "kan_np_version": __version__,
            "width": model.width, "k": int(layers[0].k), "G": [int(la.G) for la in layers],
            "base_fun": [layer.base_fun for layer in layers],
            "symbolic": {f"{l},{i},{o}": name for l, layer in enumerate(layers)
                         for (i, o), name in layer.symbolic.items()},
            "train_input": train_input is not None, "normalization": list(normalization),
            **names}  # fmt: skip
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
    meta, arrays = _read(path, checks.as_int(limit, "max_bytes", 1))
    return _build(meta, arrays)


def _build(meta, arrays):
    """The KAN described by checked metadata and arrays."""
    width, k, G = meta["width"], meta["k"], meta["G"]
    # init="paper" is the cheapest start: every array is overwritten just below
    model = KAN(width, grid=G[0], k=k, base_fun=meta["base_fun"][0], init="paper")
    for l, layer in enumerate(model.layers):
        for name in LAYER_ARRAYS:  # replaced, not written into: G may differ per layer
            setattr(layer, _attribute(layer, name), arrays[f"layer{l}.{name}"])
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
    return model


def _read(path, limit):
    """(metadata, {name: array}) from the file, bounded and checked, or a ValueError."""
    with open(path, "rb") as f:
        start = f.read(6)
    if not start:
        raise ValueError(f"{path} is empty: not a kan_np model")
    if start == b"\x93NUMPY":
        raise ValueError(f"{path} is not a kan_np model: it holds one bare array (.npy)")
    if not start.startswith(b"PK"):  # every .npz is a zip archive, and zips start with PK
        raise ValueError(f"{path} is not a kan_np model: not a .npz file (no zip signature)")
    fail = _failer(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            meta = _read_metadata(archive, members, fail)
            expected = _check_meta(meta, fail)
            arrays = _read_arrays(archive, members, expected, limit, fail)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError) as err:  # fmt: skip
        # zipfile reports odd flags or methods in a damaged header as NotImplemented, and
        # an encrypted member as RuntimeError
        raise ValueError(f"{path} is damaged (truncated or corrupted): {err}") from None
    _check_arrays(arrays, expected, meta, fail)
    return meta, arrays


def _failer(where):
    """fail(field, message): raise the ValueError naming the file and the field."""

    def fail(field, message):
        raise ValueError(f"{where}: {field}: {message}")

    return fail


def _read_metadata(archive, members, fail):
    """The JSON header as a dict, read within MAX_METADATA_BYTES."""
    if "metadata.npy" not in members:
        held = ", ".join(sorted(name.removesuffix(".npy") for name in members)) or "nothing"
        fail("metadata", f"missing: not a kan_np model (the file holds {held})")
    text = _member(archive, members["metadata.npy"], None, MAX_METADATA_BYTES, fail)
    if text.dtype.kind != "U" or text.ndim != 0:
        fail("metadata", f"not a JSON string (a {text.dtype} array of shape {text.shape})")
    try:
        meta = json.loads(str(text))
    except json.JSONDecodeError as err:
        fail("metadata", f"not valid JSON ({err}): the file is damaged")
    except RecursionError:
        fail("metadata", "JSON nested too deeply: not a kan_np model")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        fail("format", f"{found!r}, not {FORMAT!r}: not a kan_np model")
    return meta


def _read_arrays(archive, members, expected, limit, fail):
    """Every array member, refusing unknown names and sizes the metadata does not allow."""
    unknown = sorted(set(members) - {f"{name}.npy" for name in expected} - {"metadata.npy"})
    if unknown:
        fail(unknown[0].removesuffix(".npy"), "unknown member: kan_np files hold only "
             "the arrays their metadata lists")  # fmt: skip
    declared = sum(info.file_size for info in members.values())
    if declared > limit:
        fail("size", f"its arrays declare {declared / 1e9:.3g} GB, more than max_bytes = "
             f"{limit / 1e9:.3g} GB; pass load(..., max_bytes=...) to allow it")  # fmt: skip
    arrays = {}
    for name, shape in expected.items():
        if f"{name}.npy" not in members:
            fail(name, "missing array (incomplete file?)")
        arrays[name] = _member(archive, members[f"{name}.npy"], shape, limit, fail)
    return arrays


def _member(archive, info, shape, limit, fail):
    """One .npy member, after its header is checked: float64 of `shape` (None: metadata)."""
    name = info.filename.removesuffix(".npy")
    known = shape is not None and None not in shape
    cap = 8 * int(np.prod(shape)) + HEADER_BYTES if known else limit
    if info.file_size > cap:
        fail(name, f"declares {info.file_size} bytes, more than its shape allows ({cap})")
    with archive.open(info) as f:
        try:
            version = npy.read_magic(f)
            if version not in ((1, 0), (2, 0)):
                raise ValueError(f"unsupported .npy format version {version}")
            read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            found, fortran, dtype = read(f)
        except ValueError as err:
            fail(name, f"not a readable array ({err})")
        _check_header(name, found, dtype, shape, fail)
        raw = f.read()  # at most info.file_size bytes, CRC-checked at the end
    count = int(np.prod(found))
    if len(raw) != count * dtype.itemsize:
        fail(name, f"holds {len(raw)} bytes of data, not {count * dtype.itemsize}: damaged")
    return np.frombuffer(raw, dtype).reshape(found, order="F" if fortran else "C").copy()


def _check_header(name, found, dtype, shape, fail):
    """A member's declared dtype and shape, checked before its data is read."""
    if shape is None:
        if dtype.kind != "U" or found != ():
            fail(name, f"not a JSON string (a {dtype} array of shape {found})")
        return
    if dtype != np.dtype(np.float64):
        fail(name, f"must be float64, got dtype {dtype}")
    if len(found) != len(shape) or any(
        s is not None and s != n for s, n in zip(shape, found, strict=True)
    ):
        wanted = tuple("N" if s is None else s for s in shape)
        fail(name, f"has shape {found}, but the metadata says {wanted}")


# ----------------------------------------------------------------------------- checks
def _check_meta(meta, fail):
    """Every metadata field's type and range; returns {array name: shape} it declares."""
    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown:
        fail(unknown[0], "unknown metadata field")
    missing = [key for key in META_KEYS if key not in meta]
    if missing:
        fail(missing[0], "missing metadata field")
    version = meta["version"]
    if type(version) is not int or version != VERSION:  # true == 1 in Python
        fail("version", f"model format version {version!r}, but this kan_np reads version "
             f"{VERSION}; use the kan_np that wrote it")  # fmt: skip
    if not isinstance(meta["kan_np_version"], str):
        fail("kan_np_version", f"must be a string, got {meta['kan_np_version']!r}")
    width, k, G = _check_sizes(meta, fail)
    base_fun = meta["base_fun"]
    if not isinstance(base_fun, list) or len(base_fun) != len(G):
        fail("base_fun", f"must be a list of {len(G)} names, got {base_fun!r}")
    for name in base_fun:
        if not isinstance(name, str) or name not in BASE_FUNCTIONS:
            fail("base_fun", f"unknown base function {name!r}; known: {sorted(BASE_FUNCTIONS)}")
    _check_symbolic(meta["symbolic"], width, fail)
    if type(meta["train_input"]) is not bool:
        fail("train_input", f"must be true or false, got {meta['train_input']!r}")
    norm = meta["normalization"]
    if not isinstance(norm, list) or not all(isinstance(key, str) for key in norm):
        fail("normalization", f"must be a list of names, got {norm!r}")
    if not set(norm) <= set(NORMALIZATION_KEYS) or len(set(norm)) != len(norm):
        fail("normalization", f"keys must be among {list(NORMALIZATION_KEYS)}, got {norm!r}")
    for kind in ("input", "label"):
        if (f"mean_{kind}" in norm) != (f"std_{kind}" in norm):
            fail("normalization", f"needs both mean_{kind} and std_{kind}, got {norm}")
    for key, n in (("input_names", width[0]), ("output_names", width[-1])):
        names = meta[key]
        if names is not None and (not isinstance(names, list) or len(names) != n
                                  or not all(isinstance(s, str) for s in names)):  # fmt: skip
            fail(key, f"must be a list of {n} strings, got {names!r}")
    return _expected_shapes(width, k, G, meta)


def _check_sizes(meta, fail):
    """width, k and G: integers in range, and a model size that fits in memory."""
    fields = {}
    for field, check in (("width", checks.as_width), ("k", lambda k: checks.as_int(k, "k", 1))):
        try:
            fields[field] = check(meta[field])
        except (TypeError, ValueError) as err:
            fail(field, str(err))
    width, k, G = fields["width"], fields["k"], meta["G"]
    if not isinstance(G, list) or len(G) != len(width) - 1:
        fail("G", f"must be a list of {len(width) - 1} grid sizes, got {G!r}")
    try:
        G = [checks.as_int(g, f"G[{l}]", 1) for l, g in enumerate(G)]
        checks.check_size(width, max(G), k, what="the model in this file")
    except (TypeError, ValueError) as err:
        fail("G" if "G[" in str(err) else "width, G, k", str(err))
    return width, k, G


def _expected_shapes(width, k, G, meta):
    """{array name: shape} the metadata declares (None: any number of rows)."""
    shapes = {}
    for l, g in enumerate(G):
        I, O = width[l], width[l + 1]
        shapes.update({f"layer{l}.grid": (I, g + 2 * k + 1), f"layer{l}.coef": (I, O, g + k),
                       f"layer{l}.scale_base": (I, O), f"layer{l}.scale_sp": (I, O),
                       f"layer{l}.mask": (I, O), f"layer{l}.affine": (I, O, 4)})  # fmt: skip
    if meta["train_input"]:
        shapes["train_input"] = (None, width[0])
    for key in meta["normalization"]:
        shapes[f"normalization.{key}"] = (width[0 if "input" in key else -1],)
    return shapes


def _check_arrays(arrays, expected, meta, fail):
    """Arrays exactly as declared: no others, float64, shapes, finite, and value rules."""
    unknown = sorted(set(arrays) - set(expected) - {"metadata"})
    if unknown:
        fail(unknown[0], "an array the metadata does not declare")
    for name, shape in expected.items():
        if name not in arrays:
            fail(name, "missing array (incomplete file?)")
        arr = arrays[name]
        _check_header(name, arr.shape, arr.dtype, shape, fail)
        if not np.all(np.isfinite(arr)):
            fail(name, "has NaN or infinite values")
        if name.endswith(".grid") and np.any(np.diff(arr, axis=1) <= 0):
            fail(name, "knots must increase strictly along each row")
        if name.endswith(".mask") and not np.all((arr == 0) | (arr == 1)):
            fail(name, "mask values must be 0 or 1")
        if name.startswith("normalization.std") and np.any(arr <= 0):
            fail(name, "standard deviations must be > 0")
        arrays[name] = np.array(arr, dtype=np.float64)  # an own, writable, contiguous copy


def _check_symbolic(symbolic, width, fail):
    """Keys "l,i,o" inside the network, names known to the function library."""
    from kan_np.functions import get_function

    if not isinstance(symbolic, dict):
        fail("symbolic", f"must be a dict {{'l,i,o': name}}, got {symbolic!r}")
    for key, name in symbolic.items():
        parts = key.split(",")
        if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
            fail("symbolic", f"edge key {key!r} is not 'l,i,o'")
        l, i, o = (int(p) for p in parts)
        if l >= len(width) - 1 or i >= width[l] or o >= width[l + 1]:
            fail("symbolic", f"edge {key!r} is outside a network of width {width}")
        try:
            get_function(name)
        except (TypeError, ValueError) as err:
            fail("symbolic", f"edge {key!r} uses {name!r}, which the function library does "
                 "not know; add it with kan_np.functions.add_function before loading "
                 f"({err})")  # fmt: skip


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
