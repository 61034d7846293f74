"""Files deskterm writes for a user: private to their owner, and replaced atomically.

A shared jump host must not expose internal notes: every folder and file deskterm creates
(the SQLite desk and its folder, exports, backups, drafts, the config from ``config init``)
is readable by its owner alone, whatever the umask. A file that replaces another (an export
over yesterday's backup, a draft) is written to a temporary file in the same folder and
renamed into place only when complete, so a kill or a full disk leaves the old file intact
and no partial file behind.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, cast

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) so that the folders deskterm creates are the
    owner's alone; an existing folder is left as it is (it may be shared on purpose)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        with contextlib.suppress(OSError):
            created.chmod(PRIVATE_DIR)
    return path


def make_private(path: Path) -> None:
    """Make an existing file readable and writable by its owner alone."""
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FILE)


def create_private(path: Path) -> bool:
    """Create ``path`` as an empty owner-only file unless it exists (never truncates: another
    process may be creating the same file at the same moment). True if this call made it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return True


def open_private(path: Path, mode: str = "w", *, encoding: str = "utf-8") -> TextIO:
    """Open ``path`` for writing text, created with owner-only permissions."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    with contextlib.suppress(OSError):
        os.fchmod(fd, PRIVATE_FILE)
    return cast(TextIO, os.fdopen(fd, mode, encoding=encoding, newline="\n"))


@contextmanager
def atomic_write(path: Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Write text to ``path`` all at once: a private temporary file in the same folder,
    flushed to disk and renamed over ``path`` only when the block ends without an error.
    On any error (or a kill) the old file is untouched and the temporary file is removed
    (a kill may leave a hidden ``.NAME.XXXXXXXX.deskterm.tmp``, never a cut-short ``path``;
    the next atomic write of ``path`` removes it)."""
    with (
        atomic_path(path) as tmp,
        open(tmp, "w", encoding=encoding, newline="\n") as handle,
    ):
        yield handle


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """:func:`atomic_write` for a writer that needs a file name (SQLite's ``VACUUM INTO``):
    yields an empty private temporary file in the same folder to fill, which is synced and
    renamed over ``path`` only when the block ends without an error."""
    folder = path.parent if str(path.parent) else Path(".")
    _sweep(folder, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=folder)
    try:
        _hold(fd)
        with contextlib.suppress(OSError):
            os.fchmod(fd, PRIVATE_FILE)
        yield Path(tmp)
        os.fsync(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


#: The end of a temporary file's name: ``.NAME.`` + mkstemp's 8 random characters + this.
_TMP_SUFFIX = ".deskterm.tmp"


def _hold(fd: int) -> None:
    """Lock a temporary file while it is being written: a later writer then knows that a
    temporary file no process holds was left behind by a killed one."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _sweep(folder: Path, name: str) -> None:
    """Remove the temporary files that killed writers of ``name`` left in ``folder``."""
    if fcntl is None:
        return
    for leftover in folder.glob(f".{glob.escape(name)}.{'?' * 8}{_TMP_SUFFIX}"):
        try:
            fd = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            leftover.unlink()
        except OSError:
            continue  # being written right now (or already gone)
        finally:
            os.close(fd)
