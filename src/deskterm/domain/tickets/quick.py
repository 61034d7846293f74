"""Reads without SQLAlchemy: the console's first page on an SQLite desk, and the read
commands (``ticket list``, ``ticket show``, ``view list``...) on an SQLite desk with
``sqlite3`` or a PostgreSQL desk with psycopg (see ``store/light.py`` and
``store/light_pg.py`` for why).

Every statement here is derived from the same place as ``read``'s: the list select and its
orders from ``fields`` and ``statements.SORTS``, the thread, history, time and rating of one
ticket from ``statements``; the rows become the same objects through the same converters.
A read this reader cannot do answers None, and the caller takes the ordinary path, which
explains any problem (an unknown sort, a missing ticket) properly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from deskterm.domain import models
from deskterm.domain.identity import NAME_AGENT_SQL, WHO_SQL, choose, found, hidden_from
from deskterm.domain.models import Cursor, Page, Ticket
from deskterm.domain.tickets import statements
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.fields import TIME_POSITIONS, list_sql, visible_sql
from deskterm.domain.tickets.statements import Sort
from deskterm.domain.vocab import PRIORITIES
from deskterm.store.light import (
    SqliteReader,
    convert_times,
    first_page_rows,
    open_read,
    sqlite_path,
)
from deskterm.store.migrations import HEAD
from deskterm.store.options import StoreOptions

if TYPE_CHECKING:
    from deskterm.domain.models import TicketDetail
    from deskterm.store.light_pg import PgReader

#: The default list (newest update first), as ``read.list_page`` orders it.
FIRST_PAGE_SQL = f"{list_sql()} {statements.order_sql(statements.SORTS['updated'])} LIMIT ?"
#: One ticket, as ``read.load_ticket`` reads it (on SQLite, nothing hidden).
ONE_TICKET_SQL: Final = f"{list_sql()} WHERE t.id = :ticket_id"
#: How many rows a stream reads at a time (``--all``): its memory whatever the total.
STREAM_ROWS: Final = 1000
#: The most ids ``--all --format ids`` reads in one statement on SQLite (:meth:`_id_text`):
#: its first statement reads :data:`STREAM_ROWS` (the first lines come at once), each next
#: one four times as many up to this. About 7 bytes an id, held a few times over (SQLite's
#: text, the bytes, the lines): 2 MB more than the interpreter whatever the total (100,000
#: took 3.5 MB and was no faster).
ID_CHUNK: Final = 50_000


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _cursor(sort: Sort, ticket: Ticket) -> Cursor:
    """The keyset cursor after ``ticket`` (``read``'s, for the same order)."""
    return Cursor(
        tuple(
            PRIORITIES.index(ticket.priority) if column == "priority" else getattr(ticket, column)
            for column in sort.columns
        )
    )


def first_page(url: str, handle: str, *, limit: int) -> Page | None:
    """The first ``limit`` tickets of the default list (no filter, newest update first), the
    same Page ``read.list_page(desk, "", limit=limit)`` gives; None when this quick
    path does not apply (not a plain SQLite file, another schema revision, unknown agent)."""
    path = sqlite_path(url)
    if path is None:
        return None
    rows = first_page_rows(path, handle, limit + 1, FIRST_PAGE_SQL, TIME_POSITIONS)
    if rows is None:
        return None
    now = _now()
    items = tuple(ticket_from_row(row, now) for row in rows[:limit])
    if len(rows) > limit and items:
        return Page(items, _cursor(statements.SORTS["updated"], items[-1]), None)
    return Page(items, None, None)


@dataclass(frozen=True, slots=True)
class _IdWalk:
    """A stretch of a list order that one index gives in order: ``columns`` (``id`` last)
    in one direction, over the tickets that meet ``condition``; ``key_sql`` reads those
    columns of the ticket ``:id``."""

    condition: str | None
    columns: tuple[str, ...]
    descending: bool

    @property
    def key_sql(self) -> str:
        return f"SELECT {', '.join(f't.{c}' for c in self.columns)} FROM tickets t WHERE t.id = :id"


def _id_walks(sort: Sort) -> tuple[_IdWalk, ...]:
    """The walks that make up ``sort``'s order (``statements.order_sql``): itself, or for an
    order whose first column may be NULL (sorted last either way) the tickets with a value,
    then those without in the order of the other columns."""
    if not sort.nullable_first:
        return (_IdWalk(None, sort.columns, sort.descending),)
    first, rest = sort.columns[0], sort.columns[1:]
    return (
        _IdWalk(f"t.{first} IS NOT NULL", sort.columns, sort.descending),
        _IdWalk(f"t.{first} IS NULL", rest, sort.descending),
    )


def _id_parts(walk: _IdWalk, where: str | None) -> list[str]:
    """The statements of a walk's chunks, each the text of its next ``:n`` ids and how many
    they are. ``[0]`` starts the walk; ``[j]`` for j >= 1 reads after the key ``:k0``,
    ``:k1``... (the columns of the last id read) the tickets that share its first ``j - 1``
    columns and come after it in the next one. After a key, ``[len - 1]`` (all columns but
    ``id`` the same, a smaller or larger id) comes first, then each one column shorter, down
    to ``[1]`` (a smaller or larger first column). Every one is a range of the sort's index,
    walked in order with no condition left to test on each row: SQLite tests a row value
    such as ``(t.updated_at, t.id) < (:k0, :k1)`` on every row it reads (a fifth of the
    time of a million ids), and so would a condition combined with OR."""
    way, after = ("DESC", "<") if walk.descending else ("ASC", ">")
    order = ", ".join(f"t.{c} {way}" for c in walk.columns)
    fixed = [walk.condition] if walk.condition else []
    if where:
        fixed.append(where)
    ranges: list[list[str]] = [[]]
    for j, column in enumerate(walk.columns):
        same = [f"t.{c} = :k{i}" for i, c in enumerate(walk.columns[:j])]
        ranges.append([*same, f"t.{column} {after} :k{j}"])
    return [
        "SELECT CAST(group_concat(id) AS BLOB), count(*) FROM (SELECT t.id AS id FROM tickets t"
        f"{' WHERE ' + ' AND '.join(conditions) if (conditions := fixed + r) else ''}"
        f" ORDER BY {order} LIMIT :n)"
        for r in ranges
    ]


class _Refused(Exception):
    """The acting agent is not one this reader may act as (another schema revision, an
    unknown or deactivated agent, a login that may not act as the handle asked for): the
    ordinary path answers, with its own message."""


class LightDesk:
    """A desk read without SQLAlchemy, in one read transaction (one snapshot): an SQLite
    file with ``sqlite3``, a PostgreSQL database with psycopg.

    :meth:`open` answers None when the ordinary path must decide (``store.light.open_read``
    for SQLite; no connection to PostgreSQL). On PostgreSQL who is acting is read with the
    first statements (:meth:`_run`), and a read raises when the ordinary path must answer
    (the caller steps aside). Close it when done."""

    def __init__(
        self,
        db: SqliteReader | PgReader,
        handle: str,
        *,
        who: tuple[str, bool] | None = None,
    ) -> None:
        self._db = db
        self._handle = handle
        self._agent_id: int | None = None
        #: The handle asked for and whether it was given, until who is acting is settled
        #: (PostgreSQL: :meth:`_settle`); on SQLite the reader opens only for an active
        #: agent nothing is hidden from.
        self._who = who
        self._hidden: frozenset[int] = frozenset()
        self._named = False
        self.dialect: str = db.dialect
        self._list_sql = list_sql(self.dialect)

    @classmethod
    def open(
        cls,
        url: str,
        handle: str,
        *,
        handle_given: bool = True,
        options: StoreOptions | None = None,
    ) -> LightDesk | None:
        if url.startswith("postgres"):  # what light_pg reads (the rest steps aside there)
            from deskterm.store.light_pg import PgReader

            try:
                db = PgReader.open(url, options or StoreOptions())
            except Exception:  # an argument psycopg refuses: the ordinary path explains
                return None
            return None if db is None else cls(db, handle, who=(handle, handle_given))
        path = sqlite_path(url)
        conn = None if path is None else open_read(path, handle)
        return None if conn is None else cls(SqliteReader(conn), handle)

    def close(self) -> None:
        self._db.close()

    @property
    def hidden(self) -> frozenset[int]:
        """The queues hidden from the acting agent (``Desk.hidden_queues``)."""
        if self._who is not None:
            self._run(list)
        return self._hidden

    def _run(
        self, build: Callable[[], list[tuple[str, Mapping[str, object]]]]
    ) -> list[list[tuple[Any, ...]]]:
        """The rows of the statements ``build`` makes (from what is known of the acting
        agent when it is called), read together.

        On PostgreSQL the first call also reads who is acting (``identity.WHO_SQL``), in the
        same round trip, with the statements built as for an agent nothing is hidden from
        and no one named to row security: what the login's own agent, an admin, or the
        superuser acting for an unconfined agent read. When who is acting turns out to be
        confined or named, those rows are dropped unread and the statements are built and
        read again, after the setting that names the agent (a second round trip)."""
        if self._who is None:
            return self._db.many(build())
        handle, handle_given = self._who
        who, *found = self._db.many([(WHO_SQL, {"handle": handle}), *build()])
        self._settle(who[0], handle, handle_given)
        if self._hidden or self._named:
            return self._db.many(build())
        return found

    def _settle(self, row: tuple[Any, ...], handle: str, handle_given: bool) -> None:
        """Who is acting, as ``Desk`` decides it (``identity.choose``), from a ``WHO_SQL``
        row; _Refused when the ordinary path must answer."""
        revision, login, mine, asked = found(row)
        agent, acting_for = choose(login, mine, asked, handle, handle_given=handle_given)
        if revision != HEAD or agent is None or not agent.active:
            raise _Refused
        self._who = None
        self._handle, self._agent_id = agent.handle, agent.id
        self._hidden = hidden_from(agent)
        if acting_for is not None:
            self._named = True
            self._db.first((NAME_AGENT_SQL, {"handle": acting_for}))

    def _select(self, *conditions: str | None) -> str:
        """The list select with ``conditions`` and the acting agent's confinement."""
        where = [c for c in (*conditions, visible_sql(self._hidden)) if c]
        return f"{self._list_sql} WHERE {' AND '.join(where)}" if where else self._list_sql

    def _tickets(self, rows: list[tuple[Any, ...]], now: datetime) -> tuple[Ticket, ...]:
        return tuple(ticket_from_row(convert_times(r, TIME_POSITIONS), now) for r in rows)

    def list_page(self, sort: str | None, limit: int, *, cap: int) -> tuple[Page, int] | None:
        """The first ``limit`` tickets in ``sort`` order, as ``read.list_page(desk, "",
        sort=sort, limit=limit)`` gives them, and how many tickets there are, counted up to
        ``cap + 1`` (``read.count(desk, "", cap=cap)``), read together; None for a sort it
        does not know."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        order = parsed[1]

        def build() -> list[tuple[str, Mapping[str, object]]]:
            where = visible_sql(self._hidden)
            count_sql = (
                f"SELECT count(*) FROM (SELECT t.id FROM tickets t"
                f"{f' WHERE {where}' if where else ''} LIMIT :cap) AS n"
            )
            page_sql = f"{self._select()} {statements.order_sql(order)} LIMIT :limit"
            return [(page_sql, {"limit": limit + 1}), (count_sql, {"cap": cap + 1})]

        rows, counted = self._run(build)
        items = self._tickets(rows[:limit], _now())
        more = len(rows) > limit and items
        page = Page(items, _cursor(order, items[-1]) if more else None, None)
        return page, int(counted[0][0])

    def stream(self, sort: str | None) -> Iterator[tuple[Ticket, ...]] | None:
        """Every ticket in ``sort`` order, :data:`STREAM_ROWS` at a time, all from this one
        snapshot (the ordinary ``read.stream_pages`` reads a page per transaction); None for
        an unknown sort."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        self.hidden  # noqa: B018 (who is acting, before the stream's cursor is opened)
        sql = f"{self._select()} {statements.order_sql(parsed[1])}"
        now = _now()
        return (self._tickets(rows, now) for rows in self._db.batches(sql, {}, STREAM_ROWS))

    def stream_ids(self, sort: str | None) -> Iterator[bytes] | None:
        """The ids of :meth:`stream`, without reading the rest of each ticket, as the lines
        of the ``ids`` format (ASCII, one id and a newline each), a chunk at a time, all
        from this one snapshot; None for an unknown sort."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        where = visible_sql(self.hidden)
        if self.dialect == "sqlite":
            return self._id_text(parsed[1], where)
        sql = (
            f"SELECT t.id FROM tickets t{f' WHERE {where}' if where else ''} "
            f"{statements.order_sql(parsed[1])}"
        )
        return (
            "".join(f"{row[0]}\n" for row in rows).encode()
            for rows in self._db.batches(sql, {}, STREAM_ROWS)
        )

    def _id_text(self, sort: Sort, where: str | None) -> Iterator[bytes]:
        """:meth:`stream_ids` on SQLite, where a row read into Python costs more than SQLite's
        walk of the whole index (0.2 us an id: 0.2 s for a million, against the ``sqlite3``
        tool's 0.1 s for all of it). SQLite writes the text instead, ``group_concat(id)`` of
        the next chunk of ids in order, and each chunk is one row: the ids are integers, so
        its commas become the newlines. Each chunk is one statement that walks the sort's
        index from the last id read (:func:`_id_parts`); the first is :data:`STREAM_ROWS`
        ids, each next one four times as many up to :data:`ID_CHUNK`."""
        size = STREAM_ROWS
        for walk in _id_walks(sort):
            parts = _id_parts(walk, where)
            depth = 0  # the first chunk of a walk: nothing read yet
            key: dict[str, object] = {}
            while True:
                text, count = self._db.rows(parts[depth], {**key, "n": size})[0]
                if text:
                    yield text.replace(b",", b"\n") + b"\n"
                if count == size:  # a full chunk: go on after its last id
                    last = int(text[text.rfind(b",") + 1 :])
                    found = self._db.rows(walk.key_sql, {"id": last})[0]
                    key = {f"k{i}": value for i, value in enumerate(found)}
                    depth = len(parts) - 1
                    size = min(size * 4, ID_CHUNK)
                elif depth > 1:  # what shares one column less with the key comes next
                    depth -= 1
                else:
                    break

    def agent_id(self) -> int:
        """The acting agent's id."""
        self.hidden  # noqa: B018 (who is acting)
        if self._agent_id is None:
            sql = "SELECT id FROM agents WHERE handle = :handle"
            self._agent_id = int(self._db.rows(sql, {"handle": self._handle})[0][0])
        return self._agent_id

    def rows(self, sql: str, values: Mapping[str, object]) -> list[tuple[Any, ...]]:
        """The rows of one of the statements the domain shares with this reader (for the
        other capabilities: ``views.list_light``). A statement that depends on who is
        acting reads :attr:`hidden` or :meth:`agent_id` first."""
        return self._run(lambda: [(sql, values)])[0]

    def detail(self, ticket_id: int) -> TicketDetail | None:
        """What ``read.detail(desk, ticket_id)`` gives, or None when there is no such ticket
        (or the acting agent may not see it): every statement read together."""
        key = {"ticket_id": ticket_id}
        one, totals, thread, history, rating, files = self._run(
            lambda: [
                (self._select("t.id = :ticket_id"), key),
                (statements.TIME_TOTALS, key),
                (statements.THREAD, key),
                (statements.HISTORY, {**key, "since": 0}),
                (statements.LATEST_RATING, key),
                (statements.ATTACHMENTS, key),
            ]
        )
        if not one:
            return None
        ticket = self._tickets(one, _now())[0]
        total, by_agent = statements.time_totals(totals)
        return models.TicketDetail(
            ticket,
            tuple(map(statements.message, thread)),
            tuple(map(statements.audit_event, history)),
            time_spent_seconds=total,
            time_by_agent=by_agent,
            rating=statements.rating(rating[0] if rating else None),
            attachments=statements.attachments(files),
        )
