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
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, cast

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
    (a kill may leave a ``.deskterm-*.tmp`` file, never a cut-short ``path``)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
