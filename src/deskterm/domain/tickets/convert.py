"""Rows to domain objects, with no database library imported.

``read`` uses this for every list, and so does the console's first page, which is read with
plain ``sqlite3`` before SQLAlchemy is even imported (``quick``).
The row layout is ``fields.SELECTED``: the list select's columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskterm.domain import models
from deskterm.domain.models import Ticket
from deskterm.domain.sla import ClockState, state_of
from deskterm.domain.tickets.fields import FIELDS, ROW, SHOWN_COLUMNS
from deskterm.domain.vocab import PRIORITIES

if TYPE_CHECKING:
    from deskterm.domain.models import AuditEvent

#: Where the converter finds and puts things (derived from fields.FIELDS).
_PRIORITY = ROW["priority"]
_TAGS = ROW["tags"]
_STATUS = ROW["status"]
_RESPONDED = ROW["first_responded_at"]
#: Where the row holds what ``sla_state`` is derived from (the paused seconds are not needed).
_CLOCKS = {
    "policy_id": ROW["sla_policy_id"],
    "first_response_due": ROW["first_response_due"],
    "next_response_due": ROW["next_response_due"],
    "resolution_due": ROW["resolution_due"],
    "next_response_started_at": ROW["next_response_started_at"],
    "paused_at": ROW["sla_paused_at"],
    "sla_due": ROW["sla_due"],
    "warn_at": ROW["sla_warn_at"],
}
#: sla_state is not read but derived; it goes at its place in the Ticket.
_SLA = [field.name for field in FIELDS].index("sla_state")


def ticket_from_row(row: Any, now: datetime) -> Ticket:
    """A Ticket from one list row (a SQLAlchemy Row or a plain tuple in ``fields.SELECTED``
    order): priority named, tags split and sorted, the SLA state derived from the clock
    columns (the row's last, ``fields.INTERNAL``, are read for that and dropped)."""
    values = list(row)
    clocks = ClockState(**{name: values[i] for name, i in _CLOCKS.items()})
    del values[SHOWN_COLUMNS:]
    values[_PRIORITY] = PRIORITIES[values[_PRIORITY]]
    tags = values[_TAGS]
    values[_TAGS] = tuple(sorted(tags.split(","))) if tags else ()
    values.insert(_SLA, state_of(clocks, values[_STATUS], values[_RESPONDED], now))
    return Ticket._make(values)


def audit_event_from_row(row: Any) -> AuditEvent:
    """An AuditEvent from an ``audit_events`` row joined with the actor's ``handle``."""
    return models.AuditEvent(
        id=row.id,
        ticket_id=row.ticket_id,
        actor=row.handle,
        field=row.field,
        old=row.old_value,
        new=row.new_value,
        version=row.version,
        at=row.at,
    )
