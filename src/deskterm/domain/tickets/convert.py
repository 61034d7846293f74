"""Rows to domain objects, with no database library imported.

``ticket_read`` uses this for every list, and so does the console's first page, which is read
with plain ``sqlite3`` before SQLAlchemy is even imported (see ``domain/first_page.py``).
The row layout is ``ticket_read._COLUMNS`` followed by the comma-joined tags.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskterm.domain.models import AuditEvent, Ticket
from deskterm.domain.sla import sla_state
from deskterm.domain.vocab import PRIORITIES


def ticket_from_row(row: Any, now: datetime) -> Ticket:
    """A Ticket from one list row (a SQLAlchemy Row or a plain tuple)."""
    # Positional unpacking: several times faster than attribute access on a page of rows.
    (
        id_,
        subject,
        type_,
        status,
        priority,
        queue,
        assignee,
        requester,
        requester_name,
        organization,
        channel,
        created_at,
        updated_at,
        first_responded_at,
        solved_at,
        closed_at,
        first_response_due,
        resolution_due,
        version,
        tags,
    ) = row
    return Ticket(
        id_,
        subject,
        type_,
        status,
        PRIORITIES[priority],
        queue,
        assignee,
        requester,
        requester_name,
        organization,
        tuple(sorted(tags.split(","))) if tags else (),
        channel,
        created_at,
        updated_at,
        first_responded_at,
        solved_at,
        closed_at,
        first_response_due,
        resolution_due,
        sla_state(
            status=status,
            first_responded_at=first_responded_at,
            first_response_due=first_response_due,
            resolution_due=resolution_due,
            now=now,
        ),
        version,
    )


def audit_event_from_row(row: Any) -> AuditEvent:
    """An AuditEvent from an ``audit_events`` row joined with the actor's ``handle``."""
    return AuditEvent(
        id=row.id,
        ticket_id=row.ticket_id,
        actor=row.handle,
        field=row.field,
        old=row.old_value,
        new=row.new_value,
        version=row.version,
        at=row.at,
    )
