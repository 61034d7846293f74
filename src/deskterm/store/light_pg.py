"""A PostgreSQL desk read with psycopg alone (no SQLAlchemy): the light path's connection.

``deskterm ticket list`` on a team's desk pays SQLAlchemy's import (about 100 ms) and a
dozen round trips (the dialect's set-up, a ping, the schema, login and agent checks, the
page, the count). Here the same statements run on one psycopg connection, opened with the
settings the ordinary engine gives it (``engine._postgresql_engine``: the session limits,
``application_name``, ``connect_timeout``), in one read-only REPEATABLE READ transaction (one
snapshot for everything a command reads), with the statements of one step sent together
in a pipeline: one round trip for them all.

The statements are the domain's own, written with named parameters (``:ticket_id``) as
SQLAlchemy's ``text()`` reads them; :func:`driver_sql` turns them into psycopg's
``%(ticket_id)s`` with the same pattern ``text()`` uses. Anything unusual (a URL this module
does not read the way SQLAlchemy does, a refused connection, any database error) answers
None or raises ``psycopg.Error``, and the caller takes the ordinary path, which explains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from deskterm.store.options import StoreOptions

if TYPE_CHECKING:
    import psycopg

#: The URL schemes ``engine.make_engine`` gives to psycopg.
SCHEMES: Final = ("postgresql+psycopg", "postgresql", "postgres")
#: The session limits the ordinary engine sets (``engine._postgresql_engine``).
LIMITS: Final = ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
#: SQLAlchemy's ``TextClause`` pattern for a named parameter (``:name``, not ``::type``).
_PARAM = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)
_CONVERTED: dict[str, str] = {}

Statement = tuple[str, Mapping[str, object]]


def connect_args(url: str, options: StoreOptions) -> dict[str, Any] | None:
    """psycopg's connection arguments for ``url`` as the ordinary engine builds them
    (SQLAlchemy's URL parts, its query as keyword arguments, then deskterm's own), or None
    for a URL this module does not read exactly as SQLAlchemy would (several hosts, a
    host or port in the query, a repeated key)."""
    scheme, sep, _ = url.partition("://")
    if not sep or scheme not in SCHEMES:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if "," in parts.netloc or parts.fragment:
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = [key for key, _ in query]
    if len(set(keys)) != len(keys) or {"host", "port", "hostaddr"} & set(keys):
        return None
    args: dict[str, Any] = {}
    if parts.username:
        args["user"] = unquote(parts.username)
    if parts.password is not None:
        args["password"] = unquote(parts.password)
    if parts.hostname:
        args["host"] = unquote(parts.hostname)
    if port is not None:
        args["port"] = port
    database = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    if database:
        args["dbname"] = database
    args.update(query)
    settings = " ".join(f"-c {name}={round(getattr(options, name) * 1000)}" for name in LIMITS)
    given = args.get("options")
    if isinstance(given, str) and given.strip():
        settings = f"{given} {settings}"
    args.update(connect_timeout=5, application_name="deskterm", options=settings)
    return args


def driver_sql(sql: str) -> str:
    """``sql`` with ``:name`` parameters as psycopg's ``%(name)s`` (and ``%`` doubled)."""
    found = _CONVERTED.get(sql)
    if found is None:
        found = _CONVERTED[sql] = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
    return found


class PgReader:
    """One psycopg connection inside one read-only REPEATABLE READ transaction.

    :meth:`many` runs statements together (a pipeline: one round trip), after whatever was
    queued with :meth:`first` (the acting agent named to row security: in the same round trip
    as the first read). Close it when done."""

    dialect: Final = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self._queued: list[Statement] = []

    @classmethod
    def open(cls, url: str, options: StoreOptions) -> PgReader | None:
        args = connect_args(url, options)
        if args is None:
            return None
        import psycopg

        try:
            conn = psycopg.connect(**args)
        except psycopg.Error:
            return None
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        return cls(conn)

    def first(self, statement: Statement) -> None:
        """Run ``statement`` with the next :meth:`many`, before its own statements."""
        self._queued.append(statement)

    def many(self, statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
        """Each statement's rows, all sent in one pipeline."""
        todo = [*self._queued, *statements]
        self._queued = []
        conn = self._conn
        if len(todo) == 1:
            cursors = [conn.execute(driver_sql(todo[0][0]), todo[0][1])]
        else:
            with conn.pipeline():
                cursors = [conn.execute(driver_sql(sql), values) for sql, values in todo]
        found = [cursor.fetchall() if cursor.description else [] for cursor in cursors]
        return found[len(todo) - len(statements) :]

    def rows(self, sql: str, values: Mapping[str, object]) -> list[tuple[Any, ...]]:
        return self.many([(sql, values)])[0]

    def batches(
        self, sql: str, values: Mapping[str, object], size: int
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql``, ``size`` at a time, from a cursor kept on the server
        (constant memory whatever the total)."""
        if self._queued:
            self.many([])
        cursor = self._conn.cursor(name="deskterm_stream")
        cursor.execute(driver_sql(sql), values)
        while rows := cursor.fetchmany(size):
            yield rows

    def close(self) -> None:
        self._conn.close()
