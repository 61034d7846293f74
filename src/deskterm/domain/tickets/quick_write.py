"""An internal note or a public reply on an SQLite desk, written with ``sqlite3`` alone:
``ticket note ID --body TEXT`` (or ``ticket reply``) in a script's loop pays for importing
SQLAlchemy on every call otherwise (about five times what ``ticket show`` costs).

It is not a second workflow. :func:`message_light` does what ``change.add_message`` does, on
a plain connection: in one ``BEGIN IMMEDIATE`` transaction it reads the acting agent (active,
and which confidential queues are hidden from them) and the ticket as a write reads it
(``write_sql``: the statements ``write`` and ``desk`` run, compiled once to text, checked by
a test), plans the message with the one workflow (``plan.plan``: a closed ticket, a version
that does not exist, the audit entries, the time spent, a reply's first response and SLA
clocks) and stores the plan with the one versioned write (``versioned.store``) through
:class:`LightWriter`, which runs those same statements (a reply's mail to the requester
too). A note does not read the SLA policies: it moves no clock, and a plan that asks for
them (``clocks.UNREAD``) makes it step aside. A reply reads them as ``write.names`` does.

Anything it cannot do answers None after a rollback, having written nothing, and the caller
takes the ordinary path, which does it or says why not: a refusal of the workflow (stale,
closed), a missing or hidden ticket, an unknown agent, a busy desk, another schema revision,
a plan that would need a statement not in ``write_sql``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from deskterm.domain import validate
from deskterm.domain.identity import HIDDEN_SQL
from deskterm.domain.models import AuditEvent, Ticket
from deskterm.domain.sla import CLOCK_COLUMNS, ClockState
from deskterm.domain.tickets import statements, versioned, write_sql
from deskterm.domain.tickets.clocks import UNREAD, Policies, of_book
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.fields import TIME_POSITIONS
from deskterm.domain.tickets.outbox import REPLY, Outgoing, outbox_rows
from deskterm.domain.tickets.plan import Current, Names, NewMessage, NewRating, Request, plan
from deskterm.domain.tickets.quick import ONE_TICKET_SQL
from deskterm.domain.tickets.time_spent import parse_time_spent
from deskterm.store.light import convert_times, open_write, sqlite_datetime, sqlite_path, utc


def now() -> datetime:
    """The time of a write, in whole seconds (as ``Desk.now``)."""
    return datetime.now(UTC).replace(microsecond=0)


class StepAside(Exception):
    """The light writer cannot do this; the ordinary path will."""


def message_light(
    url: str,
    handle: str,
    ticket_id: int,
    kind: str,
    body: str,
    *,
    time: str | None = None,
    if_version: int | None = None,
) -> Ticket | None:
    """Add ``body`` as ``handle``'s note or public reply (``kind``) to ``ticket_id``, as
    ``add_message`` adds it without a status or files (with ``time`` spent, and refused as
    it refuses when ``if_version`` is given), committed; the ticket as it now is. A reply
    does what its plan says besides (the first response, a new ticket opened, the SLA
    clocks) and queues its mail in the same transaction. None when this writer steps aside
    (module docstring): nothing written."""
    try:
        text = validate.body(body, what=kind)
        seconds = parse_time_spent(time) if time is not None else None
    except Exception:
        return None
    if kind not in ("note", "reply"):
        return None
    path = sqlite_path(url)
    conn = None if path is None else open_write(path)
    if conn is None:
        return None
    try:
        ticket = _message(conn, handle, ticket_id, kind, text, seconds, if_version)
        conn.execute("COMMIT")
        return ticket
    except Exception:
        # A refusal, or anything unforeseen: nothing is kept, and the ordinary path says why.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        return None
    finally:
        conn.close()


def _message(
    conn: sqlite3.Connection,
    handle: str,
    ticket_id: int,
    kind: str,
    text: str,
    seconds: int | None,
    if_version: int | None,
) -> Ticket:
    agent = conn.execute(
        "SELECT id, active, role FROM agents WHERE handle = ?", (handle,)
    ).fetchone()
    if agent is None or not agent[1]:
        raise StepAside  # unknown or deactivated: the ordinary path says which
    actor_id, role = int(agent[0]), agent[2]
    hidden: frozenset[int] = frozenset()
    if role != "admin":
        found = conn.execute(HIDDEN_SQL, {"agent": actor_id})
        hidden = frozenset(int(row[0]) for row in found)
    current = _read(conn, ticket_id)
    if current is None or current.queue_id in hidden:
        raise StepAside  # "not found", as the ordinary path words it
    since: tuple[AuditEvent, ...] = ()
    if if_version is not None and current.version > if_version:
        key = {"ticket_id": ticket_id, "since": if_version}
        since = tuple(map(statements.audit_event, conn.execute(statements.HISTORY, key)))
    writer = LightWriter(conn)
    at = now()
    request = Request(message=NewMessage(kind, text, actor_id), time_spent=seconds)
    # A note moves no clock: the policies are not read (``clocks.UNREAD``).
    names = writer.names(policies=kind == "reply")
    planned = plan(current, request, at, names, since=since, seen=if_version)
    versioned.store(writer, [planned], actor_id=actor_id, now=at, hidden=hidden)
    row = conn.execute(ONE_TICKET_SQL, (ticket_id,)).fetchone()
    return ticket_from_row(convert_times(row, TIME_POSITIONS), at)


def _read(conn: sqlite3.Connection, ticket_id: int) -> Current | None:
    """The ticket as ``write.read`` reads it, or None."""
    cursor = conn.execute(write_sql.READ, {"id_1_1": ticket_id})
    row = cursor.fetchone()
    if row is None:
        return None
    fields = dict(zip((d[0] for d in cursor.description), row, strict=True))
    for name in write_sql.READ_TIMES:
        if fields[name] is not None:
            fields[name] = utc(fields[name])
    tags = [name for _id, name in conn.execute(write_sql.TAGS, {"ticket_id_1_1": ticket_id})]
    clocks = ClockState.from_columns(fields)
    for name in CLOCK_COLUMNS:
        del fields[name]
    return Current(**fields, tags=tuple(sorted(tags)), clocks=clocks)


def _bound(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as SQLAlchemy binds them on SQLite: times as ``UTCDateTime`` text."""
    return {
        key: sqlite_datetime(value) if isinstance(value, datetime) else value
        for key, value in values.items()
    }


class LightWriter:
    """``versioned.Writer`` on ``sqlite3``, with the statements of ``write_sql``; what is not
    there raises StepAside."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def names(self, *, policies: bool = False) -> Names:
        """The desk's names for the plan, with its SLA policies as ``write.names`` reads
        them when ``policies``, else without (``clocks.UNREAD``)."""
        queues = dict(self.conn.execute(write_sql.QUEUE_NAMES).fetchall())
        agents = dict(self.conn.execute(write_sql.AGENT_HANDLES).fetchall())
        return Names(
            queues=queues, agents=agents, policies=self._policies() if policies else UNREAD
        )

    def _policies(self) -> Policies:
        """``clocks.load``: the rows of ``sla.book_statements()`` made a ``PolicyBook`` by
        the same code."""
        from types import SimpleNamespace

        from deskterm.domain.sla import PolicyBook, stored_policy

        cursor = self.conn.execute(write_sql.POLICIES)
        columns = [d[0] for d in cursor.description]
        stored = []
        for row in cursor.fetchall():
            fields = dict(zip(columns, row, strict=True))
            for name in write_sql.POLICY_TIMES:
                if fields[name] is not None:
                    fields[name] = utc(fields[name])
            stored.append(stored_policy(SimpleNamespace(**fields)))
        found = self.conn.execute(write_sql.QUEUE_POLICIES)
        defaults = {int(queue): int(policy) for queue, policy in found}
        return of_book(PolicyBook(tuple(stored), defaults))

    def message(self, values: dict[str, Any]) -> int:
        cursor = self.conn.execute(write_sql.MESSAGE, _bound(values))
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def update(self, columns: tuple[str, ...], params: list[dict[str, Any]], now: datetime) -> None:
        sql = write_sql.update_sql(columns)
        if sql is None:
            raise StepAside
        rows = [_bound({**item, "updated_at": now}) for item in params]
        if self.conn.executemany(sql, rows).rowcount != len(rows):
            raise StepAside  # not at the version read: the ordinary path names who changed what

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.conn.executemany(write_sql.INSERTS[table], [_bound(row) for row in rows])

    def move_tags(
        self, tags_in: Sequence[tuple[int, str]], tags_out: Sequence[tuple[int, str]]
    ) -> None:
        raise StepAside

    def rate(self, ticket_id: int, rating: NewRating, values: dict[str, Any]) -> None:
        raise StepAside

    def enqueue(self, items: Sequence[Outgoing], now: datetime) -> None:
        """``outbox.enqueue`` of one ticket's reply (a solve's mail steps aside)."""
        tickets = {item.ticket_id for item in items}
        if len(tickets) != 1 or any(item.kind != REPLY for item in items):
            raise StepAside
        found = self.conn.execute(write_sql.RECIPIENTS, {"id_1_1": tickets.pop()})
        to = {int(ticket_id): str(email) for ticket_id, email in found}
        rows = outbox_rows(items, to, now)
        if rows:
            self.conn.executemany(write_sql.OUTBOX, [_bound(row) for row in rows])

    def queue_name(self, queue_id: int) -> str:
        raise StepAside
