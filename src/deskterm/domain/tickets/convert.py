"""Rows to domain objects, with no database library imported.

``read`` uses this for every list, and so does the console's first page, which is read with
plain ``sqlite3`` before SQLAlchemy is even imported (``quick``).
The row layout is ``fields.SELECTED``: the list select's columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskterm.domain.models import AuditEvent, Ticket
from deskterm.domain.sla import sla_state
from deskterm.domain.tickets.fields import FIELDS, ROW
from deskterm.domain.vocab import PRIORITIES

#: Where the converter finds and puts things (derived from fields.FIELDS).
_PRIORITY = ROW["priority"]
_TAGS = ROW["tags"]
_STATUS = ROW["status"]
_RESPONDED = ROW["first_responded_at"]
_RESPONSE_DUE = ROW["first_response_due"]
_RESOLUTION_DUE = ROW["resolution_due"]
#: sla_state is not read but derived; it goes at its place in the Ticket.
_SLA = [field.name for field in FIELDS].index("sla_state")


def ticket_from_row(row: Any, now: datetime) -> Ticket:
    """A Ticket from one list row (a SQLAlchemy Row or a plain tuple in ``fields.SELECTED``
    order): priority named, tags split and sorted, the SLA state derived."""
    values = list(row)
    values[_PRIORITY] = PRIORITIES[values[_PRIORITY]]
    tags = values[_TAGS]
    values[_TAGS] = tuple(sorted(tags.split(","))) if tags else ()
    values.insert(
        _SLA,
        sla_state(
            status=values[_STATUS],
            first_responded_at=values[_RESPONDED],
            first_response_due=values[_RESPONSE_DUE],
            resolution_due=values[_RESOLUTION_DUE],
            now=now,
        ),
    )
    return Ticket._make(values)


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
