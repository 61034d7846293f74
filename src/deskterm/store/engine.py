"""make_engine(url) and the Store: one engine, read and write transactions, backend quirks.

SQLite (ARCHITECTURE "SQLite, many writers"): the driver's own transaction handling is off
(``isolation_level=None``) and every write transaction starts with ``BEGIN IMMEDIATE``, so a
writer waits for the lock up front instead of failing half-way with "database is locked".
It waits in slices of at most a second, so that after ``notice_after`` seconds it can say
that it is waiting (``StoreOptions.on_wait``) and give up with ``Busy`` after
``busy_timeout``. Reads use a plain deferred ``BEGIN`` for a consistent snapshot. Which file
is opened, and how (read-write, read-only, created), is ``store/sqlite_file.py``.

PostgreSQL goes through psycopg 3, imported by SQLAlchemy only when such a URL is used; every
connection carries ``lock_timeout``, ``statement_timeout`` and
``idle_in_transaction_session_timeout``. What a database error means is
``store/failures.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic, sleep
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from deskterm.errors import InvalidInput
from deskterm.store.failures import busy_sqlite, classify, read_only
from deskterm.store.options import StoreOptions
from deskterm.store.prepared import StatementCache
from deskterm.store.sqlite_file import SQLiteFile, database_path, open_file

WRITE_OPTION = "deskterm_write"
_WRITE = WRITE_OPTION
_SINGLE = "deskterm_single_statement"
#: Execution option on the engine of a desk that can only be read: why (a sentence).
_READ_ONLY = "deskterm_read_only"
#: The longest one attempt at SQLite's write lock blocks before deskterm looks again.
SQLITE_WAIT_SLICE_MS = 1000
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

    @property
    def read_only(self) -> str | None:
        """Why this desk can only be read (a phrase), or None when it can be written."""
        reason = self.engine.get_execution_options().get(_READ_ONLY)
        return str(reason) if reason else None

    @contextmanager
    def read(self, *, snapshot: bool = True) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot, never takes the write lock.

        ``snapshot=False`` is for a read of a single statement, which is consistent by itself:
        on SQLite it skips the BEGIN/COMMIT round trip, a measurable share of a list page.
        """
        with self.translated(), self.engine.connect() as conn:
            if not snapshot:
                conn.execution_options(**{_SINGLE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: all or nothing; on SQLite it holds the write lock throughout.

        Raises ReadOnlyDesk at once on a desk that can only be read, Busy when another
        process keeps the desk longer than the configured limits, RetryableConflict on a
        deadlock or serialization failure (store/failures.py)."""
        if self.read_only:
            raise read_only(mask(self.url), self.read_only)
        with self.translated(), self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def translated(self) -> Iterator[None]:
        """Database errors inside the block become deskterm's typed errors (failures.py)."""
        try:
            yield
        except DBAPIError as exc:
            found = classify(exc, mask(self.url))
            if found is None:
                raise
            raise found from exc

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(
    url: str, *, echo: bool = False, create: bool = False, options: StoreOptions | None = None
) -> Engine:
    """Create the engine for ``url`` with deskterm's rules for that backend.

    An SQLite file that does not exist is created (owner-only) only when ``create`` is true;
    otherwise StoreUnavailable says how to create a desk. URLs that name no file (in-memory
    databases) are InvalidInput.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"not a database URL: {mask(url)}",
            hint="use sqlite:///path/to/desk.db or postgresql+psycopg://user@host/db",
        ) from None
    limits = options or StoreOptions()
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = database_path(mask(url), parsed.database, parsed.query)
        desk = open_file(mask(url), path, create=create)
        return _sqlite_engine(desk, limits, echo=echo)
    if backend == "postgresql":
        return _postgresql_engine(url, parsed, limits, echo=echo)
    raise InvalidInput(
        f"unsupported database {mask(url)}",
        hint="deskterm stores in SQLite (sqlite:///path) or PostgreSQL (postgresql+psycopg://...)",
    )


def _postgresql_engine(url: str, parsed: URL, limits: StoreOptions, *, echo: bool) -> Engine:
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    settings = " ".join(
        f"-c {name}={round(getattr(limits, name) * 1000)}"
        for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
    )
    given = parsed.query.get("options")
    if isinstance(given, str) and given.strip():
        settings = f"{given} {settings}"
    try:
        return create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": 5,
                "application_name": "deskterm",
                "options": settings,
            },
        )
    except NoSuchModuleError:
        raise InvalidInput(f"unsupported PostgreSQL driver in {mask(url)}") from None


def _sqlite_engine(desk: SQLiteFile, limits: StoreOptions, *, echo: bool) -> Engine:
    slice_ms = SQLITE_WAIT_SLICE_MS
    if limits.busy_timeout:
        slice_ms = max(1, min(slice_ms, round(limits.busy_timeout * 1000)))

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            desk.uri,
            uri=True,
            isolation_level=None,
            timeout=slice_ms / 1000,
            check_same_thread=False,
        )

    engine = create_engine(
        URL.create("sqlite", database=str(desk.path)), echo=echo, creator=connect
    )
    where = str(desk.path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={slice_ms}")
            if desk.read_only is None:
                _use_wal(cursor, limits, where)
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(_WRITE, False):
            _begin_immediate(conn, where, limits)
        elif not options.get(_SINGLE, False):
            conn.exec_driver_sql("BEGIN")

    if desk.read_only:
        return engine.execution_options(**{_READ_ONLY: desk.read_only})
    return engine


def _use_wal(cursor: sqlite3.Cursor, limits: StoreOptions, where: str) -> None:
    """WAL for a new desk or a deskterm desk; a foreign SQLite file is left as it is (it is
    refused later, "nothing was changed", and setting WAL would have changed its header).

    Several processes opening a new desk at once all try the switch, which needs the file to
    themselves: a busy answer is tried again (another may have done it meanwhile)."""
    started = monotonic()
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master")}
            if tables and "alembic_version" not in tables:
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        waited = monotonic() - started
        if limits.busy_timeout and waited >= limits.busy_timeout:
            raise busy_sqlite(where, waited)
        sleep(0.05)  # the switch may answer "busy" at once, without SQLite's own wait


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _begin_immediate(conn: Connection, where: str, limits: StoreOptions) -> None:
    """Take SQLite's write lock, waiting for another writer in slices: say so after
    ``notice_after`` seconds, give up with Busy after ``busy_timeout`` (0: never)."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    started = monotonic()
    while True:
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.Error as exc:
            if not _is_busy(exc):
                # As SQLAlchemy would have wrapped it, so that Store.translated() sees it.
                raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc
        waited = monotonic() - started
        if limits.busy_timeout and waited >= limits.busy_timeout:
            raise busy_sqlite(where, waited)
        if limits.on_wait is not None and waited >= limits.notice_after:
            limits.on_wait(waited)


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
