"""The SQLite file behind a desk: which file, whether it is one, whether it may be written.

Checked before SQLite sees the file, so that a settings mistake never becomes a silent
new desk (an in-memory database, a mistyped path) and a file that is not a desk is never
handed to SQLite for writing (SQLite would otherwise set WAL mode on a foreign file, or
create one where a text file was meant).

How a desk is opened (see docs/DECISIONS.md, "Read-only desks"):

* read-write, ``mode=rw``: SQLite never creates the file; deskterm creates a new desk
  itself, owner-only, and SQLite gives its ``-wal``/``-shm`` files the same permissions;
* read-only (the file, its folder or the filesystem cannot be written): with pending
  changes in a ``-wal`` file, ``mode=ro`` (SQLite reads them through the ``-shm`` index);
  without, ``mode=ro&immutable=1``, which creates, locks and writes nothing.
"""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from deskterm.errors import InvalidInput, StoreUnavailable

MAGIC = b"SQLite format 3\x00"
HEADER = 100


@dataclass(frozen=True)
class SQLiteFile:
    path: Path
    #: None when the desk can be written, else why not (for the read-only error).
    read_only: str | None
    #: The URI SQLite opens (``uri=True``).
    uri: str


def database_path(url: str, database: str | None, query: object) -> Path:
    """The file an ``sqlite:///`` URL names; InvalidInput for anything that is not a file
    on disk (an in-memory or empty-path database would take writes and lose them)."""
    named = (database or "").strip()
    if not named or named.startswith("file:") or named.lower().startswith(":memory"):
        raise InvalidInput(
            f"{url} names no database file (an in-memory desk would lose everything written to it)",
            hint="use sqlite:////absolute/path/to/desk.db, or leave the URL unset for the "
            "default desk",
        )
    if query:
        raise InvalidInput(
            f"{url}: deskterm opens an SQLite desk by its path and sets SQLite's options "
            "itself; remove everything from '?' on",
            hint="use sqlite:////absolute/path/to/desk.db",
        )
    return Path(named).expanduser().absolute()


def file_problem(path: Path) -> str | None:
    """Why the existing ``path`` is not an SQLite database, or None (a desk, an empty file or
    no file at all). Reads the 100-byte header only: the file is never opened for writing."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return f"{path} is a folder, not an SQLite database"
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file, so not an SQLite database"
    if info.st_size == 0:
        return None  # a desk created but not yet initialized (as an empty PostgreSQL database)
    try:
        with path.open("rb") as handle:
            header = handle.read(HEADER)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if len(header) < HEADER or not header.startswith(MAGIC):
        return f"{path} is not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"{path} is not an SQLite database (damaged header)"
    pages = int.from_bytes(header[28:32], "big")
    pages_valid = header[24:28] == header[92:96] and pages > 0
    if info.st_size % page_size or (pages_valid and info.st_size < pages * page_size):
        return f"{path} is a damaged SQLite database: the file is cut short"
    return None


def open_file(url: str, path: Path, *, create: bool) -> SQLiteFile:
    """Decide how to open the desk at ``path`` (creating it first when ``create``)."""
    problem = file_problem(path)
    if problem:
        raise StoreUnavailable(f"cannot use database {url}: {problem}; nothing was changed")
    if not path.exists():
        if not create:
            raise StoreUnavailable(
                f"no desk at {path}: the file does not exist",
                hint=f"create one with: deskterm --db {shlex.quote(url)} db init",
            )
        _create(url, path)
    reason = _why_read_only(path)
    if reason is None:
        return SQLiteFile(path, None, f"file:{quote(str(path))}?mode=rw")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        shm = Path(f"{path}-shm")
        if not shm.exists() and not os.access(path.parent, os.W_OK):
            raise StoreUnavailable(
                f"cannot read database {url}: {reason}, and it holds changes not yet "
                f"written into it ({wal}) that SQLite cannot read without creating {shm}",
                hint="open it once where it can be written, or copy the folder somewhere writable",
            )
        return SQLiteFile(path, reason, f"file:{quote(str(path))}?mode=ro")
    return SQLiteFile(path, reason, f"file:{quote(str(path))}?mode=ro&immutable=1")


def _create(url: str, path: Path) -> None:
    from deskterm.files import create_private, private_dir

    try:
        private_dir(path.parent)
        create_private(path)
    except OSError as exc:
        where = path.parent if not path.parent.is_dir() else path
        raise StoreUnavailable(f"cannot create database {url}: {exc.strerror} ({where})") from None


def _why_read_only(path: Path) -> str | None:
    if not os.access(path, os.W_OK):
        return _read_only_reason(path, "the file is not writable")
    folder = path.parent
    if os.access(folder, os.W_OK):
        return None
    # SQLite keeps its -wal and -shm files beside the desk; in a folder nobody may write,
    # the desk can still be written only if both are there already and writable.
    companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if all(p.exists() and os.access(p, os.W_OK) for p in companions):
        return None
    return _read_only_reason(folder, "its folder is not writable")


def _read_only_reason(path: Path, otherwise: str) -> str:
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only filesystem"
    except OSError:
        pass
    return otherwise
