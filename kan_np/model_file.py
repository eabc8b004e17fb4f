"""The model file format, read strictly and within bounds (used by `io.load` and `io.save`).

A model file is a zip archive (.npz) of .npy members: `metadata` (a JSON string) and the
float64 arrays it declares (layout in `io`). Reading it:

1. the metadata member, at most MAX_METADATA_BYTES, parsed as JSON (too deep: refused);
2. every field's type and range (`check_meta`): an integer version, integer widths, k
   and G whose model fits in memory (`checks.check_size`), known base and symbolic
   functions, booleans, lists of names; this gives each array's expected shape;
3. the members against that list: an unknown member is refused unread, and the declared
   (uncompressed) sizes must stay below a limit;
4. each array's .npy header (dtype float64, the expected shape) before its data is read;
5. the values (`check_arrays`): finite, increasing knots, masks 0 or 1, std > 0.

Each failure is a ValueError "<file>: <field>: <what is wrong>". `io.save` runs steps 2
and 5 on a model before writing it, so it never writes what `load` would refuse.
"""

import json
import math
import zipfile
import zlib

import numpy as np
import numpy.lib.format as npy

from kan_np import checks
from kan_np.layer import BASE_FUNCTIONS

FORMAT = "kan_np"
VERSION = 1
LAYER_ARRAYS = ("grid", "coef", "scale_base", "scale_sp", "mask", "affine")
NORMALIZATION_KEYS = ("mean_input", "std_input", "mean_label", "std_label")
META_KEYS = (
    "format",
    "version",
    "kan_np_version",
    "width",
    "k",
    "G",
    "base_fun",
    "symbolic",
    "train_input",
    "normalization",
    "input_names",
    "output_names",
)
OPTIONAL_META_KEYS = ("kept_inputs", "classes")  # pruned inputs; a classifier's class values
MAX_METADATA_BYTES = 2**24  # 16 MB of JSON: column names of a very wide CSV still fit
HEADER_BYTES = 2**16  # room for an .npy member's own header


def read(path, limit):
    """(metadata, {name: array}) from the file, bounded and checked, or a ValueError."""
    with open(path, "rb") as f:
        start = f.read(6)
    if not start:
        raise ValueError(f"{path} is empty: not a kan_np model")
    if start == b"\x93NUMPY":
        raise ValueError(f"{path} is not a kan_np model: it holds one bare array (.npy)")
    if not start.startswith(b"PK"):  # every .npz is a zip archive, and zips start with PK
        raise ValueError(f"{path} is not a kan_np model: not a .npz file (no zip signature)")
    fail = failer(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            meta = _read_metadata(archive, members, fail)
            expected = check_meta(meta, fail)
            arrays = _read_arrays(archive, members, expected, limit, fail)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as err:
        # zipfile reports odd flags or methods in a damaged header as NotImplemented, and
        # an encrypted member as RuntimeError
        raise ValueError(f"{path} is damaged (truncated or corrupted): {err}") from None
    check_arrays(arrays, expected, fail)
    return meta, arrays


def failer(where):
    """fail(field, message): raise the ValueError naming the file and the field."""

    def fail(field, message):
        """Raise the ValueError `<file>: <field>: <message>`."""
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
        fail(
            unknown[0].removesuffix(".npy"),
            "unknown member: kan_np files hold only the arrays their metadata lists",
        )
    declared = sum(info.file_size for info in members.values())
    if declared > limit:
        fail(
            "size",
            f"its arrays declare {declared / 1e9:.3g} GB, more than max_bytes = "
            f"{limit / 1e9:.3g} GB; pass load(..., max_bytes=...) to allow it",
        )
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
def check_meta(meta, fail):
    """Every metadata field's type and range; returns {array name: shape} it declares."""
    unknown = sorted(set(meta) - set(META_KEYS) - set(OPTIONAL_META_KEYS))
    if unknown:
        fail(unknown[0], "unknown metadata field")
    missing = [key for key in META_KEYS if key not in meta]
    if missing:
        fail(missing[0], "missing metadata field")
    version = meta["version"]
    if type(version) is not int or version != VERSION:  # true == 1 in Python
        fail(
            "version",
            f"model format version {version!r}, but this kan_np reads version "
            f"{VERSION}; use the kan_np that wrote it",
        )
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
        if names is not None and (
            not isinstance(names, list)
            or len(names) != n
            or not all(isinstance(s, str) for s in names)
        ):
            fail(key, f"must be a list of {n} strings, got {names!r}")
    _check_optional(meta, width, fail)
    return _expected_shapes(width, k, G, meta)


def _check_optional(meta, width, fail):
    """kept_inputs: n_0 distinct ids below n_original; classes: one number per output."""
    kept = meta.get("kept_inputs")
    if kept is not None:
        ids = kept.get("ids") if isinstance(kept, dict) else None
        n = kept.get("n_original") if isinstance(kept, dict) else None
        ok = isinstance(ids, list) and type(n) is int and len(ids) == width[0] <= n
        ok = ok and len(set(ids)) == len(ids) and all(type(j) is int and 0 <= j < n for j in ids)
        if not ok:
            fail(
                "kept_inputs",
                f"must hold {width[0]} distinct input ids below n_original, got {kept!r}",
            )
    classes = meta.get("classes")
    numbers = isinstance(classes, list) and all(
        type(c) in (int, float) and math.isfinite(c) for c in classes
    )
    if classes is not None and not (numbers and len(classes) == width[-1]):
        fail("classes", f"must be a list of {width[-1]} numbers (one per output), got {classes!r}")


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
        shapes.update(
            {
                f"layer{l}.grid": (I, g + 2 * k + 1),
                f"layer{l}.coef": (I, O, g + k),
                f"layer{l}.scale_base": (I, O),
                f"layer{l}.scale_sp": (I, O),
                f"layer{l}.mask": (I, O),
                f"layer{l}.affine": (I, O, 4),
            }
        )
    if meta["train_input"]:
        shapes["train_input"] = (None, width[0])
    for key in meta["normalization"]:
        shapes[f"normalization.{key}"] = (width[0 if "input" in key else -1],)
    return shapes


def check_arrays(arrays, expected, fail):
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
            fail(
                "symbolic",
                f"edge {key!r} uses {name!r}, which the function library does "
                "not know; add it with kan_np.functions.add_function before loading "
                f"({err})",
            )
