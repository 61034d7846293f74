"""A ticket's SLA clocks explained: ``ticket sla ID`` (docs/sla.md, "Where it is computed").

The timeline is the SLA engine's fold of its one rule over the ticket's history, rebuilt from
the audit events, the thread and the policy's kept versions (an edit is a step of its own),
so it says the same as the stored columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskterm.domain.desk import Desk
from deskterm.domain.models import Ticket
from deskterm.domain.sla import Timeline, load_versions, timeline
from deskterm.domain.tickets import clocks
from deskterm.domain.tickets.read import history, load_ticket
from deskterm.store import schema


def sla_timeline(desk: Desk, ticket_id: int) -> tuple[Ticket, Timeline]:
    """The ticket and its clocks' timeline at the desk's now. NotFound for an unknown id."""
    T, C, M, Q = schema.tickets, schema.contacts, schema.messages, schema.queues
    with desk.store.read() as conn:
        desk.actor(conn)
        ticket = load_ticket(conn, desk, ticket_id)
        row = conn.execute(
            select(T.c.created_at, T.c.queue_id, C.c.organization_id)
            .select_from(T.outerjoin(C, C.c.id == T.c.requester_id))
            .where(T.c.id == ticket_id)
        ).one()
        queue_ids = {name: str(qid) for qid, name in conn.execute(select(Q.c.id, Q.c.name))}
        changes: list[tuple[datetime, str, str | None, str | None]] = []
        for event in history(conn, ticket_id):
            if event.field == "requester_reply":
                continue  # the thread's requester replies below are every one of them
            old, new = event.old, event.new
            if event.field == "queue":
                old = queue_ids.get(old or "", old)
                new = queue_ids.get(new or "", new)
            changes.append((event.at, event.field, old, new))
        replies = conn.execute(
            select(M.c.created_at).where(
                M.c.ticket_id == ticket_id,
                M.c.kind == "reply",
                M.c.author_contact_id.is_not(None),
                M.c.created_at > row.created_at,
            )
        ).scalars()
        changes += [(at, "requester_reply", None, None) for at in replies]
        policies = clocks.load(conn)
        versions = load_versions(conn)
    changes.sort(key=lambda change: change[0])  # stable: audit order within the same instant
    policy, events = clocks.history_events(
        policies,
        created_at=row.created_at,
        now_values={
            "status": ticket.status,
            "priority": ticket.priority,
            "queue": str(row.queue_id),
            "type": ticket.type,
        },
        organization_id=row.organization_id,
        changes=changes,
        versions=versions,
    )
    return ticket, timeline(policy, events, desk.now())
