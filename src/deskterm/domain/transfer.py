"""``export`` and ``import``: the whole desk as JSON lines, and back, exactly.

The export is one JSON object per line, each with a ``"type"``, in a stable order: a header,
then agents, organizations, contacts, queues, tags, tickets (with their tag names), messages,
audit events, KB articles (with their tag names) and saved views, each by id. Keys are the
columns in schema order; times are ISO 8601 UTC (``Z``), microseconds only when not zero;
priorities are their names; a ticket's own ``type`` column is written as ``ticket_type``
(``type`` names the entity). Ids are kept, so export -> import -> export is byte-identical.

The import goes into an EMPTY database, in one transaction: search upkeep is suspended while
rows load and the search indexes are rebuilt once at the end; on PostgreSQL the id sequences
are moved past the imported ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain.desk import Desk, schema_problem
from deskterm.domain.vocab import PRIORITIES, PRIORITY_RANK
from deskterm.errors import InvalidInput, StoreUnavailable
from deskterm.store import schema, search
from deskterm.store.engine import Store
from deskterm.store.migrate import SchemaStatus, read_state, upgrade

FORMAT_NAME: Final = "deskterm-export"
FORMAT_VERSION: Final = 1
CHUNK: Final = 2000

#: (type name, table) in export order: every row's references point at earlier rows,
#: except the columns of ``_DEFERRED``, which are set after all rows are in.
ENTITIES: Final[tuple[tuple[str, Table], ...]] = (
    ("agent", schema.agents),
    ("organization", schema.organizations),
    ("contact", schema.contacts),
    ("queue", schema.queues),
    ("tag", schema.tags),
    ("ticket", schema.tickets),
    ("message", schema.messages),
    ("audit_event", schema.audit_events),
    ("kb_article", schema.kb_articles),
    ("saved_view", schema.saved_views),
)
_TABLES: Final = dict(ENTITIES)
_ORDER: Final = {name: index for index, (name, _table) in enumerate(ENTITIES)}
#: Self-references that may point forward (a ticket merged into a newer one).
_DEFERRED: Final = {
    "queue": ("escalates_to_id",),
    "ticket": ("merged_into_id", "problem_id"),
}
#: Entities whose tag names ride along: (link table, its key column).
_TAGGED: Final = {
    "ticket": (schema.ticket_tags, "ticket_id"),
    "kb_article": (schema.kb_article_tags, "article_id"),
}

Progress = Callable[[int], None]


def _nothing(_n: int) -> None:
    return None


# ------------------------------------------------------------------------------- values


def iso(value: datetime) -> str:
    value = value.astimezone(UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _is_time(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, schema.UTCDateTime)


def _encode(kind: str, table: Table, row: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind}
    for column, value in zip(table.c, row, strict=True):
        if isinstance(value, datetime):
            value = iso(value)
        elif kind == "ticket" and column.name == "priority":
            value = PRIORITIES[value]
        elif isinstance(value, bool) or column.name == "active":
            value = bool(value)
        data[_key(kind, column.name)] = value
    return data


def _key(kind: str, column: str) -> str:
    """The JSON key of a column: ``type`` is taken by the entity type."""
    return f"{kind}_type" if column == "type" else column


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
        return 1 + sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for _kind, t in ENTITIES
        )


@contextmanager
def _snapshot(desk: Desk) -> Iterator[Connection]:
    if desk.store.is_sqlite:
        with desk.store.read() as conn:
            yield conn
        return
    # READ COMMITTED would let a concurrent change slip in between two tables.
    with desk.store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def export_lines(desk: Desk, *, progress: Progress | None = None) -> Iterator[str]:
    """Every entity as one JSON line (no newline), in the stable export order.

    Needs the admin role (an export holds every agent and every message). Reads one
    consistent snapshot, in chunks, so memory stays flat on a big desk.
    """
    advance = progress or _nothing
    with _snapshot(desk) as conn:
        desk.require_role(conn, "admin")
        head = read_state(conn).head
        yield dumps(
            {"type": "header", "format": FORMAT_NAME, "version": FORMAT_VERSION, "schema": head}
        )
        advance(1)
        for kind, table in ENTITIES:
            for rows in _chunks(conn, table):
                tags = _tags_of(conn, kind, [row.id for row in rows])
                for row in rows:
                    data = _encode(kind, table, row)
                    if tags is not None:
                        data["tags"] = tags.get(row.id, [])
                    yield dumps(data)
                advance(len(rows))


def _chunks(conn: Connection, table: Table) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(
            conn.execute(
                select(table).where(table.c.id > last).order_by(table.c.id).limit(CHUNK)
            ).all()
        )
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _tags_of(conn: Connection, kind: str, ids: list[int]) -> dict[int, list[str]] | None:
    if kind not in _TAGGED:
        return None
    link, key = _TAGGED[kind]
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


# ------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def import_lines(
    store: Store, lines: Iterable[str], *, progress: Progress | None = None
) -> ImportResult:
    """Restore an export into the EMPTY database of ``store``, in one transaction.

    A database with no schema gets one first. A database with data is refused
    (InvalidInput) - except a freshly initialized one (one admin, one queue, nothing else),
    whose two starter rows the import replaces. A bad line raises InvalidInput naming it;
    nothing is written then.
    """
    advance = progress or _nothing
    _prepare_schema(store)
    with store.write() as conn:
        _ensure_empty(conn)
        search.suspend_ticket_index(conn)
        loader = _Loader(conn)
        for number, text in enumerate(lines, start=1):
            if text.strip():
                loader.add(number, text)
            advance(1)
        loader.finish()
        search.rebuild(conn)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        return ImportResult(loader.counts)


def _prepare_schema(store: Store) -> None:
    with store.read() as conn:
        state = read_state(conn)
    if state.status is SchemaStatus.EMPTY:
        upgrade(store)
    elif state.status is not SchemaStatus.CURRENT:
        raise StoreUnavailable(schema_problem(store.url, state.status, state.current, state.head))


def _ensure_empty(conn: Connection) -> None:
    counts = {
        kind: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for kind, table in ENTITIES
    }
    others = {kind: n for kind, n in counts.items() if n and kind not in ("agent", "queue")}
    if not others and counts["agent"] <= 1 and counts["queue"] <= 1:
        # A freshly initialized desk (``db init`` or first use): its starter admin and
        # queue make way for the imported ones.
        conn.execute(schema.queues.delete())
        conn.execute(schema.agents.delete())
        return
    held = ", ".join(f"{n} {kind}s" for kind, n in counts.items() if n)
    raise InvalidInput(
        f"import needs an empty database; this one holds {held}; nothing was changed",
        hint="import into a new database, e.g. --db sqlite:///restored.db",
    )


def _reset_sequences(conn: Connection) -> None:
    for _kind, table in ENTITIES:
        name = table.name
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
        )


class _Loader:
    """Rows collected per entity and inserted in chunks, in export order."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.counts: dict[str, int] = {kind: 0 for kind, _t in ENTITIES}
        self.kind: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.deferred: list[tuple[str, int, dict[str, Any]]] = []
        self.tag_ids: dict[str, int] = {}
        self.seen_header = False

    def add(self, number: int, text: str) -> None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise InvalidInput(f'line {number}: expected a JSON object with a "type"')
        kind = data.pop("type")
        if kind == "header":
            self._header(number, data)
            return
        if not self.seen_header:
            raise InvalidInput(f"line {number}: not a deskterm export (no header line first)")
        if kind not in _TABLES:
            raise InvalidInput(
                f'line {number}: unknown type "{kind}"; allowed: {", ".join(_TABLES)}'
            )
        if self.kind is not None and _ORDER[kind] < _ORDER[self.kind]:
            raise InvalidInput(f"line {number}: {kind} after {self.kind}s; keep the export order")
        if kind != self.kind:
            self._flush()
            self.kind = kind
        self.rows.append(self._row(number, kind, data))
        if len(self.rows) >= CHUNK:
            self._flush()

    def _header(self, number: int, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
            raise InvalidInput(f"line {number}: not a {FORMAT_NAME} version {FORMAT_VERSION} file")
        self.seen_header = True

    def _row(self, number: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        table = _TABLES[kind]
        names = [c.name for c in table.c]
        keys = {_key(kind, n): n for n in names}
        tags = data.pop("tags", None) if kind in _TAGGED else None
        unknown = sorted(set(data) - set(keys))
        missing = [k for k in keys if k not in data]
        if unknown or missing:
            what = f"unknown keys {unknown}" if unknown else f"missing keys {missing}"
            raise InvalidInput(f"line {number}: {kind} has {what}")
        if not isinstance(data["id"], int) or isinstance(data["id"], bool):
            raise InvalidInput(f'line {number}: {kind} "id" must be an integer')
        row: dict[str, Any] = {}
        for key, name in keys.items():
            value = data[key]
            if value is not None and _is_time(table, name):
                try:
                    value = datetime.fromisoformat(value)
                except (TypeError, ValueError):
                    raise InvalidInput(
                        f'line {number}: {kind} "{name}" is not an ISO 8601 time'
                    ) from None
            elif kind == "ticket" and name == "priority":
                if value not in PRIORITY_RANK:
                    raise InvalidInput(f'line {number}: unknown priority "{value}"')
                value = PRIORITY_RANK[value]
            row[name] = value
        for name in _DEFERRED.get(kind, ()):
            if row[name] is not None:
                self.deferred.append((kind, row["id"], {name: row[name]}))
                row[name] = None
        if kind == "tag":
            self.tag_ids[row["name"]] = row["id"]
        if tags is not None:
            _link, key = _TAGGED[kind]
            for name in tags:
                if name not in self.tag_ids:
                    raise InvalidInput(f'line {number}: {kind} uses unknown tag "{name}"')
                self.links.append({key: row["id"], "tag_id": self.tag_ids[name]})
        return row

    def _flush(self) -> None:
        if self.kind is None or not self.rows:
            return
        self.conn.execute(insert(_TABLES[self.kind]), self.rows)
        self.counts[self.kind] += len(self.rows)
        if self.kind in _TAGGED and self.links:
            self.conn.execute(insert(_TAGGED[self.kind][0]), self.links)
        self.rows, self.links = [], []

    def finish(self) -> None:
        self._flush()
        if not self.seen_header:
            raise InvalidInput("the file is empty or not a deskterm export; nothing was changed")
        for kind, row_id, values in self.deferred:
            table = _TABLES[kind]
            self.conn.execute(update(table).where(table.c.id == row_id).values(**values))
