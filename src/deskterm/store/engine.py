"""make_engine(url) and the Store: one engine, read and write transactions, backend quirks.

SQLite (ARCHITECTURE "SQLite, many writers"): the driver's own transaction handling is off
(``isolation_level=None``) and every write transaction starts with ``BEGIN IMMEDIATE``, so a
writer waits for the lock (``busy_timeout``) up front instead of failing half-way with
"database is locked". Reads use a plain deferred ``BEGIN`` for a consistent snapshot.

PostgreSQL goes through psycopg 3, imported by SQLAlchemy only when such a URL is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from deskterm.errors import InvalidInput, StoreUnavailable
from deskterm.store.prepared import StatementCache

WRITE_OPTION = "deskterm_write"
_WRITE = WRITE_OPTION
_SINGLE = "deskterm_single_statement"
SQLITE_BUSY_TIMEOUT_MS = 10_000
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "glusterfs", "ceph"}
)


def mask(url: str) -> str:
    from deskterm.config import mask_url

    return mask_url(url)


@dataclass
class Store:
    """The database behind deskterm: an engine plus the way to open transactions on it."""

    engine: Engine
    url: str
    #: Compiled list statements (see store/prepared.py), one cache per database.
    statements: StatementCache = field(default_factory=StatementCache)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)

    @contextmanager
    def read(self, *, snapshot: bool = True) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot, never takes the write lock.

        ``snapshot=False`` is for a read of a single statement, which is consistent by itself:
        on SQLite it skips the BEGIN/COMMIT round trip, a measurable share of a list page.
        """
        with self._translate_errors(), self.engine.connect() as conn:
            if not snapshot:
                conn.execution_options(**{_SINGLE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: all or nothing; on SQLite it holds the write lock throughout."""
        with self._translate_errors(), self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            raise StoreUnavailable(describe_operational_error(self.url, exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def describe_operational_error(url: str, exc: DBAPIError) -> str:
    text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return f"cannot use database {mask(url)}: {text}"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` with deskterm's rules for that backend."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"not a database URL: {mask(url)}",
            hint="use sqlite:///path/to/desk.db or postgresql+psycopg://user@host/db",
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database, echo=echo)
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(
                parsed,
                echo=echo,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 5, "application_name": "deskterm"},
            )
        except NoSuchModuleError:
            raise InvalidInput(f"unsupported PostgreSQL driver in {mask(url)}") from None
    raise InvalidInput(
        f"unsupported database {mask(url)}",
        hint="deskterm stores in SQLite (sqlite:///path) or PostgreSQL (postgresql+psycopg://...)",
    )


def _sqlite_engine(url: str, database: str | None, *, echo: bool) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        _ensure_writable(url, path)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"isolation_level": None, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(_WRITE, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(_SINGLE, False):
            conn.exec_driver_sql("BEGIN")

    return engine


def _ensure_writable(url: str, path: Path) -> None:
    """Create the folder of a new database file, or say clearly why it cannot be used."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(
            f"cannot create folder {folder} for database {mask(url)}: {exc.strerror}"
        ) from None
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise StoreUnavailable(
            f"database {mask(url)} is not writable: permission denied on {target}"
        )


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path`` (Linux /proc/mounts), or None."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    resolved = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        prefix = mount_point.rstrip("/") + "/"
        if (resolved == mount_point or resolved.startswith(prefix)) and len(mount_point) > len(
            best
        ):
            best, best_type = mount_point, parts[2]
    return best_type


def on_network_filesystem(path: Path) -> bool:
    fs = filesystem_type(path)
    return fs is not None and fs in NETWORK_FILESYSTEMS


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every deskterm table has an integer key
        raise RuntimeError("insert returned no primary key")
    return int(key[0])
