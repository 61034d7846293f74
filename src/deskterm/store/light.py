"""The console's first page on SQLite, read with the standard ``sqlite3`` module alone.

Importing SQLAlchemy costs about as much as starting Textual, and an agent waits for the
first screen. So before anything else is imported, a bare ``deskterm`` on an SQLite desk reads
its first page here: the same rows ``tickets.list_page(desk, "", limit=n)`` returns (the SQL
comes from the one declaration of a ticket's fields, ``domain/tickets/fields.py``; a test
compares both readers), in a read-only connection that checks the schema revision and the agent
first. Anything unusual (no file, another revision, an unknown agent, any error) answers
None, and the caller takes the ordinary path, which explains the problem properly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from deskterm.errors import DeskError
from deskterm.store.migrations import HEAD
from deskterm.store.sqlite_file import open_file


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL, or None for anything else."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def open_read(path: Path, handle: str) -> sqlite3.Connection | None:
    """A read-only connection to the desk at ``path`` inside a read transaction (one snapshot
    for everything read on it), or None when the ordinary path must decide: no such file,
    another schema revision, ``handle`` unknown or deactivated, not in WAL mode (a long read
    would then hold writers off), a confidential queue on the desk and ``handle`` not an admin
    (which tickets they may see is the domain's to decide: ``Desk.hidden_queues``), or any
    error. The caller closes it."""
    try:
        # Opened as the ordinary path opens it (``sqlite_file``: a file that is not a desk is
        # never handed to SQLite, a read-only one is opened so that nothing is created), so
        # that closing leaves the folder as it was; query_only makes it a reader.
        desk = open_file(f"sqlite:///{path}", path, create=False)
        conn = sqlite3.connect(desk.uri, uri=True, timeout=2, isolation_level=None)
    except (DeskError, sqlite3.Error, ValueError):
        return None
    try:
        conn.execute("PRAGMA query_only=1")
        conn.execute("BEGIN")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        agent = conn.execute(
            "SELECT active, role FROM agents WHERE handle = ?", (handle,)
        ).fetchone()
        wal = conn.execute("PRAGMA journal_mode").fetchone()
        if revision != (HEAD,) or agent is None or not agent[0] or wal != ("wal",):
            conn.close()
            return None
        confined = (
            agent[1] != "admin"
            and conn.execute("SELECT 1 FROM queues WHERE confidential LIMIT 1").fetchone()
        )
        if confined:
            conn.close()
            return None
    except sqlite3.Error:
        conn.close()
        return None
    return conn


class SqliteReader:
    """The light reader's SQLite connection (from :func:`open_read`), with the interface of
    ``light_pg.PgReader``: statements run one after the other (each is a call into the
    library, not a round trip)."""

    dialect: Final = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def first(self, statement: tuple[str, Mapping[str, object]]) -> None:
        self._conn.execute(*statement)

    def many(
        self, statements: Sequence[tuple[str, Mapping[str, object]]]
    ) -> list[list[tuple[Any, ...]]]:
        return [self._conn.execute(sql, values).fetchall() for sql, values in statements]

    def rows(self, sql: str, values: Mapping[str, object]) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, values).fetchall()

    def batches(
        self, sql: str, values: Mapping[str, object], size: int
    ) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self._conn.execute(sql, values)
        while rows := cursor.fetchmany(size):
            yield rows

    def close(self) -> None:
        self._conn.close()


#: How long the light writer waits for another writer before stepping aside (the ordinary
#: path then waits, says so, and gives up after ``[store] busy_timeout``).
WRITE_WAIT = 1.0


def open_write(path: Path) -> sqlite3.Connection | None:
    """A connection to the desk at ``path`` inside a write transaction (``BEGIN
    IMMEDIATE``, as ``engine.Store.write`` begins one), with the pragmas the ordinary path
    sets, or None when the ordinary path must decide: no such file, a desk that cannot be
    written, another schema revision, not in WAL mode, another writer holding the desk for
    longer than :data:`WRITE_WAIT`, or any error. The caller commits or rolls back, and
    closes it."""
    try:
        desk = open_file(f"sqlite:///{path}", path, create=False)
        if desk.read_only is not None:
            return None
        conn = sqlite3.connect(desk.uri, uri=True, timeout=WRITE_WAIT, isolation_level=None)
    except (DeskError, sqlite3.Error, ValueError):
        return None
    try:
        if conn.execute("PRAGMA journal_mode").fetchone() != ("wal",):
            conn.close()
            return None
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("BEGIN IMMEDIATE")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision != (HEAD,):
            conn.execute("ROLLBACK")
            conn.close()
            return None
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def first_page_rows(
    path: Path, handle: str, limit: int, sql: str, time_columns: tuple[int, ...]
) -> list[tuple[Any, ...]] | None:
    """Up to ``limit`` rows of ``sql`` (which ends with ``LIMIT ?``), or None when the ordinary
    path must decide; the values at ``time_columns`` become UTC datetimes."""
    conn = open_read(path, handle)
    if conn is None:
        return None
    try:
        rows = conn.execute(sql, (limit,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return [convert_times(row, time_columns) for row in rows]


def convert_times(row: tuple[Any, ...], time_columns: tuple[int, ...]) -> tuple[Any, ...]:
    """``row`` with the times at ``time_columns`` as aware UTC datetimes (what
    ``schema.UTCDateTime`` gives through SQLAlchemy): SQLite's naive-UTC text parsed,
    PostgreSQL's datetimes in UTC."""
    parse = datetime.fromisoformat
    values = list(row)
    for i in time_columns:
        value = values[i]
        if value is not None:
            values[i] = parse(value + "+00:00") if isinstance(value, str) else utc(value)
    return tuple(values)


def utc(value: Any) -> datetime:
    """A stored time as an aware UTC datetime: PostgreSQL gives a datetime, SQLite the naive
    UTC text SQLAlchemy writes (``2026-11-23 19:00:00.000000``)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    stamp: datetime = value
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores, for bulk loads that bypass it.

    Must stay byte-identical to what :class:`UTCDateTime` writes, because SQLite compares
    these as strings.
    """
    v = value.astimezone(UTC)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
    )
