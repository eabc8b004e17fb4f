"""Model files are never lost or silently wrong (issue 12, items 2 and 4).

Saving: only regular files are replaced, through a unique temporary file created
exclusively and renamed; the old file survives failures; permission bits are kept.
Loading: bounded (shapes and sizes checked before data is read) and strict (every field's
type and range), each failure a ValueError naming the file and the field.
"""

import json
import os
import stat
import threading
import zipfile
from io import BytesIO

import numpy as np
import pytest

import kan_np as kn
from kan_np import checks, files, io


def small_model(seed=0, train=True):
    model = kn.KAN([2, 3, 1], grid=3, seed=seed)
    if train:
        model.train_input = np.random.default_rng(seed).uniform(-1, 1, (20, 2))  # (N, 2)
    return model


def same(a, b):
    x = np.linspace(-1, 1, 14).reshape(7, 2)  # (7, 2)
    return np.array_equal(a(x), b(x))


# ------------------------------------------------------------------------------- save
def test_save_refuses_paths_that_are_not_regular_files(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.npz").symlink_to(victim)
    (tmp_path / "folder.npz").mkdir()
    os.mkfifo(tmp_path / "pipe.npz")
    cases = {
        tmp_path / "link.npz": "symbolic link",
        tmp_path / "folder.npz": "a folder",
        tmp_path / "pipe.npz": "FIFO",
        "/dev/null": "a device",
    }
    for path, kind in cases.items():
        with pytest.raises(ValueError, match=f"cannot save to {path}: it is .*{kind}"):
            kn.save(small_model(), path)
    assert victim.read_text() == "keep me"  # the link's target is left alone
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "folder.npz", "link.npz", "pipe.npz", "victim.txt"]  # fmt: skip
    with pytest.raises(ValueError, match="path is empty"):
        kn.save(small_model(), "")
    with pytest.raises(FileNotFoundError, match="no folder"):
        kn.save(small_model(), tmp_path / "missing" / "m.npz")
    with pytest.raises(ValueError, match="input data file"):
        files.check_save_path(victim, protect=[tmp_path / "link.npz"])


def test_unwritable_folder_is_found_before_writing(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)  # root ignores permission bits
    with pytest.raises(PermissionError, match="cannot create files in"):
        kn.save(small_model(), tmp_path / "m.npz")


def test_a_planted_temporary_link_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    path = tmp_path / "m.npz"
    (tmp_path / f"m.npz.{os.getpid()}.tmp").symlink_to(victim)  # the old predictable name
    kn.save(small_model(), path)
    assert victim.read_text() == "keep me"
    assert same(kn.load(path), small_model())


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_save_leaves_the_old_file(tmp_path, monkeypatch, error):
    path = tmp_path / "m.npz"
    kn.save(small_model(seed=1), path)
    before = path.read_bytes()

    def half_then_fail(f, **arrays):
        f.write(b"PK\x03\x04 half a model")
        raise error

    monkeypatch.setattr(io.np, "savez_compressed", half_then_fail)
    with pytest.raises(type(error)):
        kn.save(small_model(seed=2), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def test_concurrent_saves_never_mix(tmp_path):
    path = tmp_path / "m.npz"
    models = [small_model(seed=s) for s in range(4)]
    threads = [threading.Thread(target=lambda m=m: [kn.save(m, path) for _ in range(3)])
               for m in models]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    loaded = kn.load(path)
    assert any(same(loaded, m) for m in models)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_permission_bits(tmp_path):
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    kn.save(small_model(), tmp_path / "data.npz")
    assert mode(tmp_path / "data.npz") == 0o600  # holds training inputs: private
    kn.save(small_model(train=False), tmp_path / "plain.npz")
    assert mode(tmp_path / "plain.npz") == 0o666 & ~files._umask()
    for bits in (0o600, 0o640):
        os.chmod(tmp_path / "plain.npz", bits)
        kn.save(small_model(), tmp_path / "plain.npz")  # replacing keeps the old bits
        assert mode(tmp_path / "plain.npz") == bits


# ------------------------------------------------------------------------------- load
def members_of(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def npy_bytes(array):
    buffer = BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def write_members(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def edited(tmp_path, meta=None, arrays=None, raw=None, text=None):
    """A saved model's file with metadata fields, arrays or raw members replaced."""
    good = tmp_path / "good.npz"
    kn.save(small_model(), good)
    members = members_of(good)
    header = json.loads(str(np.load(BytesIO(members["metadata.npy"]))))
    header.update(meta or {})
    members["metadata.npy"] = npy_bytes(np.array(text or json.dumps(header)))
    members.update({f"{k}.npy": npy_bytes(v) for k, v in (arrays or {}).items()})
    members.update(raw or {})
    return write_members(tmp_path / "bad.npz", members)


def huge_header(shape):
    """An .npy header declaring `shape`, followed by a few bytes of data only."""
    buffer = BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})  # fmt: skip
    return buffer.getvalue() + bytes(16)


DEEP = '{"format": "kan_np", "a": ' + "[" * 10**5 + "]" * 10**5 + "}"  # JSON 100,000 deep


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"meta": {"version": True}}, "version", "version True"),
        ({"meta": {"version": "1"}}, "version", "version '1'"),
        ({"meta": {"k": 2.0}}, "k", "integer"),
        ({"meta": {"train_input": "yes"}}, "train_input", "true or false"),
        ({"meta": {"kan_np_version": 1}}, "kan_np_version", "string"),
        ({"meta": {"extra": 1}}, "extra", "unknown metadata field"),
        ({"meta": {"width": [2, 10**9, 1]}}, "width, G, k", "GB"),
        ({"meta": {"k": 10**6}}, "width, G, k", "spline order"),
        ({"arrays": {"layer0.coef": np.zeros((2, 3, 6), np.float16)}}, "layer0.coef", "float64"),
        ({"arrays": {"layer0.mask": np.full((2, 3), 7.0)}}, "layer0.mask", "0 or 1"),
        ({"raw": {"layer0.coef.npy": huge_header((10**6, 10**6, 6))}}, "layer0.coef", "shape"),
        ({"raw": {"extra.npy": npy_bytes(np.zeros(2_500_000))}}, "extra", "unknown member"),
        ({"text": DEEP}, "metadata", "nested too deeply"),
    ],
)
def test_load_is_strict_and_names_file_and_field(tmp_path, changes, field, message):
    path = edited(tmp_path, **changes)
    with pytest.raises(ValueError, match=message) as info:
        kn.load(path)
    assert str(info.value).startswith(f"{path}: {field}: ")


def test_load_is_bounded_before_reading(tmp_path):
    path = edited(tmp_path)
    with pytest.raises(ValueError, match="size: .*max_bytes"):
        kn.load(path, max_bytes=1000)
    assert same(kn.load(path, max_bytes=10**6), small_model())
    raw = {"train_input.npy": huge_header((10**12, 2))}  # declared, but the member is tiny
    with pytest.raises(ValueError, match="train_input: holds 16 bytes of data"):
        kn.load(edited(tmp_path, raw=raw))


def test_load_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.npz")
    with pytest.raises(ValueError, match="FIFO"):
        kn.load(tmp_path / "pipe.npz")


def test_size_guard_uses_the_machines_memory(monkeypatch):
    monkeypatch.setattr(checks, "memory_bytes", lambda: 2 * 10**9)
    with pytest.raises(ValueError, match=r"needs about .* GB .* 2 GB of memory"):
        checks.check_size([2, 10**6, 1], 5, 3)
    checks.check_size([2, 10**4, 1], 5, 3)  # 10,000 hidden nodes are fine
