"""Reads without SQLAlchemy: the console's first page and the read commands (``ticket
list``, ``ticket show``, ``view list``) on an SQLite desk (see ``store/light.py`` for why).

Every statement here is derived from the same place as ``read``'s: the list select and its
orders from ``fields`` and ``statements.SORTS``, the thread, history, time and rating of one
ticket from ``statements``; the rows become the same objects through the same converters.
A read this reader cannot do answers None, and the caller takes the ordinary path, which
explains any problem (an unknown sort, a missing ticket) properly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from deskterm.domain.models import Cursor, Page, Ticket, TicketDetail
from deskterm.domain.tickets import statements
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.fields import TIME_POSITIONS, list_sql
from deskterm.domain.tickets.statements import Sort
from deskterm.domain.vocab import PRIORITIES
from deskterm.store.light import convert_times, first_page_rows, open_read, sqlite_path

#: The default list (newest update first), as ``read.list_page`` orders it.
FIRST_PAGE_SQL = f"{list_sql()} {statements.order_sql(statements.SORTS['updated'])} LIMIT ?"
#: One ticket, as ``read.load_ticket`` reads it.
ONE_TICKET_SQL: Final = f"{list_sql()} WHERE t.id = ?"
#: How many rows a stream reads at a time (``--all``): its memory whatever the total.
STREAM_ROWS: Final = 1000


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


class LightDesk:
    """An SQLite desk read with ``sqlite3`` alone, in one read transaction (one snapshot).

    :meth:`open` answers None when the desk is not a plain SQLite file at the schema's head
    with ``handle`` an active agent (``store.light.open_read``). Close it when done."""

    def __init__(self, conn: sqlite3.Connection, handle: str) -> None:
        self._conn = conn
        self._handle = handle

    @classmethod
    def open(cls, url: str, handle: str) -> LightDesk | None:
        path = sqlite_path(url)
        conn = None if path is None else open_read(path, handle)
        return None if conn is None else cls(conn, handle)

    def close(self) -> None:
        self._conn.close()

    def list_page(self, sort: str | None, limit: int) -> Page | None:
        """The first ``limit`` tickets in ``sort`` order, as ``read.list_page(desk, "",
        sort=sort, limit=limit)`` gives them; None for a sort it does not know."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        order = parsed[1]
        sql = f"{list_sql()} {statements.order_sql(order)} LIMIT ?"
        rows = self._conn.execute(sql, (limit + 1,)).fetchall()
        now = _now()
        items = tuple(ticket_from_row(convert_times(r, TIME_POSITIONS), now) for r in rows[:limit])
        more = len(rows) > limit and items
        return Page(items, _cursor(order, items[-1]) if more else None, None)

    def count(self, *, cap: int) -> int:
        """How many tickets there are, counted up to ``cap + 1`` (``read.count(desk, "",
        cap=cap)``)."""
        sql = "SELECT count(*) FROM (SELECT t.id FROM tickets t LIMIT ?)"
        return int(self._conn.execute(sql, (cap + 1,)).fetchone()[0])

    def stream(self, sort: str | None) -> Iterator[tuple[Ticket, ...]] | None:
        """Every ticket in ``sort`` order, :data:`STREAM_ROWS` at a time, all from this one
        snapshot (the ordinary ``read.stream_pages`` reads a page per transaction); None for
        an unknown sort."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        cursor = self._conn.execute(f"{list_sql()} {statements.order_sql(parsed[1])}")
        now = _now()

        def pages() -> Iterator[tuple[Ticket, ...]]:
            while rows := cursor.fetchmany(STREAM_ROWS):
                yield tuple(ticket_from_row(convert_times(r, TIME_POSITIONS), now) for r in rows)

        return pages()

    def stream_ids(self, sort: str | None) -> Iterator[list[int]] | None:
        """The ids of :meth:`stream`, without reading the rest of each ticket."""
        parsed = statements.parse_sort(sort)
        if parsed is None:
            return None
        cursor = self._conn.execute(f"SELECT t.id FROM tickets t {statements.order_sql(parsed[1])}")

        def pages() -> Iterator[list[int]]:
            while rows := cursor.fetchmany(STREAM_ROWS):
                yield [row[0] for row in rows]

        return pages()

    def agent_id(self) -> int:
        """The acting agent's id."""
        sql = "SELECT id FROM agents WHERE handle = ?"
        return int(self._conn.execute(sql, (self._handle,)).fetchone()[0])

    def rows(self, sql: str, values: Mapping[str, object]) -> list[tuple[Any, ...]]:
        """The rows of one of the statements the domain shares with this reader (for the
        other capabilities: ``views.list_light``)."""
        return self._conn.execute(sql, values).fetchall()

    def detail(self, ticket_id: int) -> TicketDetail | None:
        """What ``read.detail(desk, ticket_id)`` gives, or None when there is no such ticket."""
        conn = self._conn
        row = conn.execute(ONE_TICKET_SQL, (ticket_id,)).fetchone()
        if row is None:
            return None
        ticket = ticket_from_row(convert_times(row, TIME_POSITIONS), _now())
        key = {"ticket_id": ticket_id}
        total, by_agent = statements.time_totals(conn.execute(statements.TIME_TOTALS, key))
        return TicketDetail(
            ticket,
            tuple(map(statements.message, conn.execute(statements.THREAD, key))),
            tuple(
                map(statements.audit_event, conn.execute(statements.HISTORY, {**key, "since": 0}))
            ),
            time_spent_seconds=total,
            time_by_agent=by_agent,
            rating=statements.rating(conn.execute(statements.LATEST_RATING, key).fetchone()),
            attachments=statements.attachments(conn.execute(statements.ATTACHMENTS, key)),
        )
