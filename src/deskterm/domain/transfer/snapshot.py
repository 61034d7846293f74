"""``db backup``: a consistent copy of a live SQLite desk, written atomically.

SQLite's ``VACUUM INTO`` reads the desk in one read transaction, so the copy is the desk as
of one moment even while other processes write (in WAL mode readers and writers do not block
each other); the copy is compact and in rollback-journal mode, a single self-contained file.
It is written to a private temporary file beside the target, checked with
``PRAGMA integrity_check``, and only then renamed over the target: a kill, a full disk or a
bad copy leaves the previous backup as it was.

PostgreSQL desks are backed up with ``pg_dump``, which does the same job better than deskterm
could (docs/backup.md); :func:`backup` says the exact command.
"""

from __future__ import annotations

import contextlib
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from deskterm.domain.desk import Desk
from deskterm.errors import DeskError, InvalidInput
from deskterm.files import atomic_path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tickets: int


def pg_dump_command(url: str, target: str) -> str:
    """The ``pg_dump`` command that backs up the PostgreSQL desk at ``url`` (no password:
    ``PGPASSWORD`` or ``~/.pgpass`` supply it, as for psql)."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql", password=None)
    where = plain.render_as_string(hide_password=True)
    return f"pg_dump --format=custom --file={shlex.quote(target)} {shlex.quote(where)}"


def backup(desk: Desk, target: Path) -> BackupResult:
    """Copy the SQLite desk to ``target`` (admins only: the copy holds everything).

    InvalidInput for a PostgreSQL desk (naming the pg_dump command), a target that is the
    desk itself, a folder, a desk in use (a ``-wal`` file beside it) or an unwritable place;
    DeskError if writing fails (a full disk), with the previous ``target`` left as it was.
    """
    store = desk.store
    source = store.sqlite_path
    if store.is_sqlite and source is None:
        raise InvalidInput("an in-memory desk has no file to back up; use deskterm export")
    if source is None:
        raise InvalidInput(
            "db backup copies SQLite desks; back up this PostgreSQL desk with: "
            + pg_dump_command(store.url, str(target)),
            hint="restore with pg_restore; see docs/backup.md",
        )
    with store.read() as conn:
        desk.require_role(conn, "admin")
    _check_target(source, target)
    existed = target.exists()
    started = False
    try:
        with atomic_path(target) as tmp:
            started = True
            with store.read(snapshot=False) as conn:
                # No BEGIN around it (snapshot=False): VACUUM refuses to run in a
                # transaction, and takes its own read snapshot.
                conn.exec_driver_sql("VACUUM INTO ?", (str(tmp),))
            tickets = _check_copy(tmp)
    except OSError as exc:
        if not started:
            raise InvalidInput(f"cannot write {target}: {exc.strerror}") from None
        raise _write_failed(target, existed, exc.strerror or str(exc)) from None
    except DeskError as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise _write_failed(target, existed, exc.message) from None
    return BackupResult(target, target.stat().st_size, tickets)


def _check_target(source: Path, target: Path) -> None:
    if target.is_dir():
        raise InvalidInput(
            f"{target} is a folder; name the file to write, e.g. {target / 'desk-backup.db'}"
        )
    if target.exists() and target.resolve() == source.resolve():
        raise InvalidInput(f"{target} is the desk itself; name another file")
    wal = target.with_name(target.name + "-wal")
    if wal.exists():
        raise InvalidInput(
            f"{target} looks like a desk in use ({wal.name} is beside it); "
            "write the backup elsewhere, or see docs/backup.md to restore over a desk"
        )


def _check_copy(path: Path) -> int:
    """``PRAGMA integrity_check`` on the finished copy; its ticket count."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise DeskError(f"the copy failed its integrity check: {'; '.join(verdict[:3])}")
        return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    except sqlite3.Error as exc:
        raise DeskError(f"the copy cannot be read back: {exc}") from None
    finally:
        conn.close()
        for suffix in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                path.with_name(path.name + suffix).unlink()


def _write_failed(target: Path, existed: bool, reason: str) -> DeskError:
    kept = f"the previous {target} is unchanged" if existed else f"no {target} was written"
    return DeskError(f"writing the backup {target} failed: {reason}; {kept}")
