"""Writing a file safely: checked target, exclusive temporary file, atomic rename.

A model file is precious (hours of training) and private (it can hold training data), so
`io.save` and the command line write through here:

- `check_save_path` refuses, before any work is done, a target that exists and is not a
  regular file (a folder, symbolic link, FIFO, device or socket), a missing or unwritable
  folder, and files that must not be overwritten (the input data);
- `write_atomic` writes a fresh temporary file beside the target, with a unique name and
  created exclusively (O_EXCL: a link planted under that name is never followed), then
  renames it over the target. A failure or Ctrl-C at any point leaves the old file as it
  was, and concurrent writers never mix their bytes: the last rename wins, whole.
  The new file keeps the replaced file's permission bits; a new file holding private
  data is readable by its owner only (0600), others get the usual 0666 minus the umask.
"""

import contextlib
import os
import stat
import tempfile


def check_save_path(path, protect=()):
    """path as a str if a model can be saved there, else an error before any work is done.

    Refused: a path that exists and is not a regular file (a folder, symbolic link, FIFO,
    device or socket), a missing or unwritable folder, and any file in `protect` (e.g. the
    input data), which would be overwritten.
    """
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise TypeError(f"path must be a file name (str or Path), got {type(path).__name__}")
    path = os.fspath(path)
    if not path:
        raise ValueError("path is empty: expected a file name such as model.npz")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save {path!r}: there is no folder {folder}")
    with contextlib.suppress(FileNotFoundError):
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise ValueError(
                f"cannot save to {path}: it is {kind(mode)}, not a regular file; only a "
                "new file or an old regular file is written"
            )
        for other in protect:
            if os.path.exists(other) and os.path.samefile(path, other):
                raise ValueError(f"cannot save to {path}: it is the input data file {other}")
    try:  # a real test: permission bits say nothing for root or a read-only disk
        fd, probe = tempfile.mkstemp(prefix=".kan_np-probe-", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        raise PermissionError(
            f"cannot save to {path}: cannot create files in {folder} ({err.strerror or err})"
        ) from None
    return path


def kind(mode):
    """What a non-regular file is, in words."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a device")


def write_atomic(path, write, private):
    """Write a unique temporary file beside path, then rename it over path (atomic).

    Args:
        path: the target, checked by `check_save_path`.
        write: write(f) fills the open binary file object f.
        private: a new file gets mode 0600 (it holds training data) instead of 0666 - umask.
    """
    folder = os.path.dirname(os.path.abspath(path))
    old = os.lstat(path) if os.path.lexists(path) else None
    # mkstemp: a new name, opened with O_EXCL (a planted link is never followed), mode 0600
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))  # keep the replaced file's bits
        elif not private:
            os.chmod(tmp, 0o666 & ~_umask())  # what open() would have made
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            raise ValueError(f"cannot save to {path}: it stopped being a regular file")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _umask():
    """The process's umask, read without changing it (Linux); else the common 022."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    return 0o022
