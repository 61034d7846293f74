"""``export`` and ``import``: the whole desk as JSON lines, and back, exactly.

The export is one JSON object per line, each with a ``"type"``, in a stable order: a header
(format, version, schema, and how many rows of each kind follow), then agents,
organizations, contacts, queues (with their members), SLA policies, tags, tickets (with their
tag names), messages, audit events, the mail log and the outbox, time entries, ratings,
attachments, KB articles (with their tag names), saved views, rules and macros, each by id
(``rules.ENTITIES``), then a trailer (the counts again, how many lines precede it and their
SHA-256). A policy's calendar and targets are written as the JSON objects they are. Keys
are the columns in schema order; times are ISO 8601 UTC (``Z``), microseconds only when not
zero; priorities are their names; a ticket's own ``type`` column is written as
``ticket_type`` (``type`` names the entity).
Ids are kept, so export -> import -> export is byte-identical. Lines end with ``\n`` and are
split on ``\n`` only: U+2028, U+2029 and U+0085 in a body are text, not line breaks.

The import goes into an EMPTY database, in one transaction, after every value is checked
(``transfer_check``): search upkeep is suspended while rows load and the search indexes are
rebuilt once at the end; on PostgreSQL the id sequences are moved past the imported ids.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, IntegrityError

from deskterm.domain.desk import Desk
from deskterm.domain.setup import connect, schema_mismatch
from deskterm.domain.transfer.check import Deferred, ExportReader, Row
from deskterm.domain.transfer.rules import (
    ENTITIES,
    FORMAT_NAME,
    FORMAT_VERSION,
    JSON_COLUMNS,
    KINDS,
    LINKS,
    NOUNS,
    TABLES,
    TAGGED,
    key_of,
    plural,
)
from deskterm.domain.vocab import PRIORITIES
from deskterm.errors import InvalidInput, PermissionDenied, StoreUnavailable
from deskterm.files import PRIVATE_FILE, private_dir
from deskterm.store import schema, search
from deskterm.store.engine import Store
from deskterm.store.migrate import SchemaStatus, read_state, upgrade

CHUNK: Final = 2000
#: Rows of a kind read or written at a time where rows are large: an attachment's content
#: may be 25 MB, so a chunk of them stays a few hundred MB at most.
SMALL_CHUNKS: Final = {"attachment_blob": 8}

Progress = Callable[[int], None]


def _nothing(_n: int) -> None:
    return None


# ------------------------------------------------------------------------------- values


def iso(value: datetime) -> str:
    value = value.astimezone(UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _encode(kind: str, table: Table, row: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind}
    for column, value in zip(table.c, row, strict=True):
        if isinstance(value, datetime):
            value = iso(value)
        elif kind == "ticket" and column.name == "priority":
            value = PRIORITIES[value]
        elif isinstance(value, bool) or column.name == "active":
            value = bool(value)
        elif (kind, column.name) in JSON_COLUMNS:
            value = json.loads(value)
        elif isinstance(value, bytes | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        data[key_of(kind, column.name)] = value
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # A lone surrogate cannot be written as UTF-8; its JSON escape keeps the exact text.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ------------------------------------------------------------------------------- export


def total_rows(desk: Desk) -> int:
    """How many lines an export will write (for a progress bar)."""
    with desk.store.read() as conn:
        desk.require_role(conn, "admin")
        return 2 + sum(_counts(conn).values())


def _counts(conn: Connection) -> dict[str, int]:
    return {
        kind: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for kind, table in ENTITIES
    }


@contextmanager
def _snapshot(desk: Desk) -> Iterator[Connection]:
    if desk.store.is_sqlite:
        with desk.store.read() as conn:
            yield conn
        return
    # READ COMMITTED would let a concurrent change slip in between two tables.
    with desk.store.translated(), desk.store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def export_lines(desk: Desk, *, progress: Progress | None = None) -> Iterator[str]:
    """Every line of the export (without its newline): header, entities, trailer.

    Needs the admin role (an export holds every agent and every message). Reads one
    consistent snapshot, in chunks, so memory stays flat on a big desk. The trailer's
    checksum is the SHA-256 of every line before it, as UTF-8, each with its ``\n``.
    """
    advance = progress or _nothing
    digest = hashlib.sha256()
    written = 0
    with _snapshot(desk) as conn:
        desk.require_role(conn, "admin")
        header = {
            "type": "header",
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "schema": read_state(conn).head,
            "counts": _counts(conn),
        }
        held = dict.fromkeys(KINDS, 0)
        for line in _body(conn, dumps(header), held, advance):
            digest.update(line.encode("utf-8") + b"\n")
            written += 1
            yield line
    yield dumps(
        {
            "type": "trailer",
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "lines": written,
            "counts": held,
            "sha256": digest.hexdigest(),
        }
    )
    advance(1)


def _body(conn: Connection, header: str, held: dict[str, int], advance: Progress) -> Iterator[str]:
    yield header
    advance(1)
    for kind, table in ENTITIES:
        for rows in _chunks(conn, table, SMALL_CHUNKS.get(kind, CHUNK)):
            tags = _tags_of(conn, kind, [row.id for row in rows])
            links = _links_of(conn, kind, [row.id for row in rows])
            for row in rows:
                data = _encode(kind, table, row)
                if tags is not None:
                    data["tags"] = tags.get(row.id, [])
                if links is not None:
                    data[LINKS[kind].key] = links.get(row.id, [])
                yield dumps(data)
            held[kind] += len(rows)
            advance(len(rows))


def _chunks(conn: Connection, table: Table, size: int) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(
            conn.execute(
                select(table).where(table.c.id > last).order_by(table.c.id).limit(size)
            ).all()
        )
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _tags_of(conn: Connection, kind: str, ids: list[int]) -> dict[int, list[str]] | None:
    if kind not in TAGGED:
        return None
    link, key = TAGGED[kind]
    tags: dict[int, list[str]] = {}
    stmt = (
        select(link.c[key], schema.tags.c.name)
        .join(schema.tags, schema.tags.c.id == link.c.tag_id)
        .where(link.c[key].in_(ids))
        .order_by(link.c[key], schema.tags.c.name)
    )
    for owner, name in conn.execute(stmt):
        tags.setdefault(owner, []).append(name)
    return tags


def _links_of(conn: Connection, kind: str, ids: list[int]) -> dict[int, list[Any]] | None:
    """The link rows riding on each of ``ids`` (a queue's members), in key order."""
    link = LINKS.get(kind)
    if link is None:
        return None
    table = link.table
    owner = table.c[link.owner]
    columns = [table.c[f.column] for f in link.fields]
    found: dict[int, list[Any]] = {}
    stmt = select(owner, *columns).where(owner.in_(ids)).order_by(owner, *columns)
    for row in conn.execute(stmt):
        item = {}
        for one, value in zip(link.fields, row[1:], strict=True):
            item[one.key] = iso(value) if isinstance(value, datetime) else value
        found.setdefault(row[0], []).append(item)
    return found


# ------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]
    #: The export format version of the file (1 has no trailer).
    version: int
    #: Whether the file proved complete and unchanged (a version 1 file cannot).
    verified: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def check_lines(lines: Iterable[str], *, progress: Progress | None = None) -> ImportResult:
    """Check an export without a database: every value, every reference, the counts and the
    checksum. InvalidInput naming the first problem, as :func:`restore` would raise it."""
    reader = ExportReader()
    for _row in reader.rows(lines, progress or _nothing):
        pass
    reader.finish()
    return _result(reader)


def restore(
    url: str, handle: str, lines: Iterable[str], *, progress: Progress | None = None
) -> ImportResult:
    """Restore an export into the EMPTY database at ``url``, in one transaction.

    ``lines`` are the file's lines split on ``\n`` only, without it (``text.split("\n")``).
    An SQLite file that does not exist is created (an import is a way to make a desk) and
    removed again if the import fails. A database with no schema gets one first.

    Refused, with nothing imported: a desk that has agents unless ``handle`` is one of its
    admins (PermissionDenied); a desk with data, except a freshly initialized one (one
    admin, one queue), whose two starter rows the import replaces (InvalidInput); a bad
    value, a file cut short or changed (InvalidInput naming the line and field).
    """
    created = _create_sqlite_file(url)
    try:
        store = connect(url)
    except BaseException:
        if created is not None:
            _remove_database(created)
        raise
    try:
        result = _restore(store, handle, lines, progress or _nothing)
    except BaseException:
        store.dispose()
        if created is not None:
            _remove_database(created)
        raise
    store.dispose()
    return result


def _restore(store: Store, handle: str, lines: Iterable[str], advance: Progress) -> ImportResult:
    _prepare_schema(store)
    with store.write() as conn:
        _check_importer(conn, handle)
        _ensure_empty(conn)
        search.suspend_ticket_index(conn)
        reader = ExportReader()
        writer = _Writer(conn)
        for row in reader.rows(lines, advance):
            writer.add(row)
        reader.finish()
        writer.flush()
        writer.set_deferred(reader.deferred)
        search.rebuild(conn)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return _result(reader)


def _result(reader: ExportReader) -> ImportResult:
    return ImportResult(dict(reader.counts), reader.version or 0, reader.verified)


def _create_sqlite_file(url: str) -> Path | None:
    """Create the empty, owner-only file of an SQLite desk that does not exist yet; its path,
    or None when there was nothing to create (another backend, or the file exists)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # connect() says what is wrong with the URL
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database:
        return None
    if database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    if path.exists():
        return None
    try:
        private_dir(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        return None
    except OSError as exc:
        raise StoreUnavailable(f"cannot create database {path}: {exc.strerror}") from None
    return path


def _remove_database(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


def _prepare_schema(store: Store) -> None:
    with store.read() as conn:
        state = read_state(conn)
    if state.status is SchemaStatus.EMPTY:
        upgrade(store)
    elif state.status is not SchemaStatus.CURRENT:
        raise schema_mismatch(store.url, state)


def _check_importer(conn: Connection, handle: str) -> None:
    """A desk that has agents (a freshly initialized one included) is its admins' to
    replace: anybody else importing into it would make themselves its only admin."""
    agents = schema.agents
    if not conn.execute(select(func.count()).select_from(agents)).scalar_one():
        return
    row = conn.execute(
        select(agents.c.role, agents.c.active).where(agents.c.handle == handle)
    ).first()
    if row is None or not row.active or row.role != "admin":
        raise PermissionDenied(
            f'only an admin of this desk may import into it, and "{handle}" is not one; '
            "nothing was changed",
            hint="import into a new, empty database",
        )


def _ensure_empty(conn: Connection) -> None:
    counts = _counts(conn)
    others = {kind: n for kind, n in counts.items() if n and kind not in ("agent", "queue")}
    if not others and counts["agent"] <= 1 and counts["queue"] <= 1:
        # A freshly initialized desk (``db init`` or first use): its starter admin (the
        # importer, see _check_importer) and queue make way for the imported ones.
        conn.execute(schema.queue_members.delete())
        conn.execute(schema.queues.delete())
        conn.execute(schema.agents.delete())
        return
    held = ", ".join(plural(kind, n) for kind, n in counts.items() if n)
    raise InvalidInput(
        f"import needs an empty database; this one holds {held}; nothing was changed",
        hint="import into a new, empty database",
    )


def _reset_sequences(conn: Connection) -> None:
    for _kind, table in ENTITIES:
        name = table.name
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
        )


class _Writer:
    """Checked rows inserted in chunks of one kind, in file order."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.kind: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        #: Rows of the link table riding on these rows (a queue's members).
        self.riders: list[dict[str, Any]] = []
        self.lines: tuple[int, int] = (0, 0)

    def add(self, row: Row) -> None:
        if row.kind != self.kind or len(self.rows) >= SMALL_CHUNKS.get(row.kind, CHUNK):
            self.flush()
            self.kind = row.kind
            self.lines = (row.line, row.line)
        self.rows.append(row.values)
        self.lines = (self.lines[0], row.line)
        if row.kind in TAGGED:
            key = TAGGED[row.kind][1]
            self.links.extend({key: row.values["id"], "tag_id": t} for t in row.tag_ids)
        self.riders.extend(row.links)

    def flush(self) -> None:
        if self.kind is None or not self.rows:
            return
        try:
            self.conn.execute(insert(TABLES[self.kind]), self.rows)
            if self.links:
                self.conn.execute(insert(TAGGED[self.kind][0]), self.links)
            if self.riders:
                self.conn.execute(insert(LINKS[self.kind].table), self.riders)
        except (DataError, IntegrityError) as exc:
            # Every value was checked; this is the database's own word on what slipped by.
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            first, last = self.lines
            raise InvalidInput(
                f"lines {first}-{last}: the database refused these {NOUNS[self.kind][1]}: {reason}"
            ) from None
        self.rows, self.links, self.riders = [], [], []

    def set_deferred(self, deferred: list[Deferred]) -> None:
        for item in deferred:
            table = TABLES[item.kind]
            self.conn.execute(
                update(table).where(table.c.id == item.row_id).values({item.column: item.target})
            )
