"""``watch``: the audit log as a stream of events, for tickets a query selects.

Every call reads the events with an id above the last one seen. Audit ids only grow, so
nothing is missed or repeated; the query is applied to the ticket as it is when the event is
read. When to call again is :func:`change_signal`'s to say: a PostgreSQL notification, or on
SQLite a change of ``PRAGMA data_version`` (store/notify.py, docs/live.md). A notification
carries ids only and is never read for content: what the caller may see is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from deskterm.domain.desk import Desk
from deskterm.domain.models import AuditEvent, Ticket
from deskterm.domain.query import parse, where_clause
from deskterm.domain.tickets.convert import audit_event_from_row, ticket_from_row
from deskterm.domain.tickets.read import ticket_select
from deskterm.store import schema

if TYPE_CHECKING:
    from deskterm.store.notify import ChangeSignal

E = schema.audit_events
T = schema.tickets


def change_signal(desk: Desk) -> ChangeSignal:
    """A connection of its own that says when the desk may have changed (``wait(timeout)``;
    ``close()`` when done). StoreUnavailable when it cannot be opened or is lost."""
    from deskterm.store.notify import change_signal as open_signal

    return open_signal(desk.store)


def last_event_id(desk: Desk) -> int:
    """The id of the newest audit event (0 for none): watch from here on."""
    with desk.store.read(snapshot=False) as conn:
        desk.actor(conn)
        return int(conn.execute(select(func.coalesce(func.max(E.c.id), 0))).scalar_one())


def check_query(desk: Desk, query: str) -> None:
    """Raise InvalidInput (with a caret) for a bad query before watching starts."""
    parse(query, now=desk.now())


def events_after(
    desk: Desk, after_id: int, query: str = "", *, limit: int = 1000
) -> list[AuditEvent]:
    """Audit events with id > ``after_id`` on tickets matching ``query``, oldest first."""
    parsed = parse(query, now=desk.now())
    a = schema.agents
    with desk.store.read() as conn:
        desk.actor(conn)
        stmt = (
            select(E, a.c.handle)
            .select_from(E.outerjoin(a, E.c.actor_id == a.c.id))
            .where(E.c.id > after_id)
            .order_by(E.c.id)
            .limit(limit)
        )
        if parsed.terms:
            matching = select(T.c.id).where(where_clause(desk, conn, parsed))
            stmt = stmt.where(E.c.ticket_id.in_(matching))
        stmt = _confined(desk, conn, stmt)
        return [audit_event_from_row(row) for row in conn.execute(stmt)]


def _confined(desk: Desk, conn: Connection, stmt: Select[Any]) -> Select[Any]:
    """Only the events of tickets the acting agent may see (``Desk.hidden_queues``)."""
    hidden = desk.hidden_queues(conn)
    if not hidden:
        return stmt
    return stmt.where(E.c.ticket_id.not_in(select(T.c.id).where(T.c.queue_id.in_(hidden))))


@dataclass(frozen=True, slots=True)
class DeskChanges:
    """What changed on the desk since an audit event: the newest event id seen (watch on from
    there), each changed ticket as it is now, the fields changed, and who changed what."""

    last_id: int
    tickets: tuple[Ticket, ...] = ()
    fields: frozenset[str] = frozenset()
    events: tuple[AuditEvent, ...] = ()

    @property
    def created(self) -> tuple[int, ...]:
        """The tickets made since (their ``created`` events)."""
        return tuple(e.ticket_id for e in self.events if e.field == "created")


def changes_since(desk: Desk, after_id: int | None, *, limit: int = 500) -> DeskChanges:
    """The desk's changes after audit event ``after_id`` (None: none yet, only where "now"
    is), for a console that keeps itself up to date: one cheap probe (the newest event id,
    an index lookup) when nothing changed, else the events and the changed tickets, read in
    one snapshot. At most ``limit`` events a call: the next call goes on."""
    with desk.store.read() as conn:
        desk.actor(conn)
        newest = int(conn.execute(select(func.coalesce(func.max(E.c.id), 0))).scalar_one())
        if after_id is None or newest <= after_id:
            return DeskChanges(newest)
        a = schema.agents
        rows = conn.execute(
            _confined(
                desk,
                conn,
                select(E, a.c.handle)
                .select_from(E.outerjoin(a, E.c.actor_id == a.c.id))
                .where(E.c.id > after_id)
                .order_by(E.c.id)
                .limit(limit),
            )
        )
        events = tuple(audit_event_from_row(row) for row in rows)
        ids = sorted({e.ticket_id for e in events})
        now = desk.now()
        tickets = tuple(
            ticket_from_row(row, now)
            for row in conn.execute(ticket_select(conn.dialect.name).where(T.c.id.in_(ids)))
        )
        return DeskChanges(
            events[-1].id if events else newest,
            tickets,
            frozenset(e.field for e in events),
            events,
        )
