"""Audit events and the versioned write that refuses lost updates (ARCHITECTURE "Lost updates")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain.models import FieldChange
from deskterm.errors import NotFound, StaleVersion
from deskterm.store import schema

T = schema.tickets


def write_ticket(
    conn: Connection,
    *,
    ticket_id: int,
    seen_version: int,
    values: dict[str, Any],
    changes: Sequence[FieldChange],
    actor_id: int | None,
    now: datetime,
) -> int:
    """``UPDATE ... SET ..., version = version + 1 WHERE id = :id AND version = :seen``.

    Writes one audit event per change, stamped with the new version, and returns that version.
    Zero rows updated means someone else changed the ticket first: Conflict, naming them.
    """
    new_version = seen_version + 1
    result = conn.execute(
        update(T)
        .where(T.c.id == ticket_id, T.c.version == seen_version)
        .values(**values, updated_at=now, version=new_version)
    )
    if result.rowcount == 0:
        raise stale_conflict(conn, ticket_id, seen_version)
    record(conn, ticket_id, changes, actor_id=actor_id, version=new_version, now=now)
    return new_version


def record(
    conn: Connection,
    ticket_id: int,
    changes: Sequence[FieldChange],
    *,
    actor_id: int | None,
    version: int,
    now: datetime,
) -> None:
    if not changes:
        return
    conn.execute(
        insert(schema.audit_events),
        [
            {
                "ticket_id": ticket_id,
                "actor_id": actor_id,
                "field": change.field,
                "old_value": change.old,
                "new_value": change.new,
                "version": version,
                "at": now,
            }
            for change in changes
        ],
    )


def stale_conflict(conn: Connection, ticket_id: int, seen_version: int) -> StaleVersion | NotFound:
    """A StaleVersion saying who changed which fields of the ticket since ``seen_version``
    (NotFound if the ticket is gone)."""
    from deskterm.domain.ticket_read import history

    row = conn.execute(select(T.c.version).where(T.c.id == ticket_id)).first()
    if row is None:
        return NotFound(f"ticket #{ticket_id} not found")
    events = history(conn, ticket_id, since_version=seen_version)
    by_actor: dict[str | None, list[str]] = {}
    for event in events:
        fields = by_actor.setdefault(event.actor, [])
        if event.field not in fields:
            fields.append(event.field)
    changes = tuple((actor, tuple(fields)) for actor, fields in by_actor.items())
    latest = int(row.version)
    if not events:
        message = (
            f"ticket #{ticket_id} changed since you read it (version {seen_version}, "
            f"now {latest}); reload and try again"
        )
    else:
        who = "; ".join(
            f"{actor or 'system'} changed {', '.join(_LABELS.get(f, f) for f in fields)}"
            for actor, fields in changes
        )
        message = (
            f"ticket #{ticket_id} changed since you read it (version {seen_version}, "
            f"now {latest}): {who}; reload and try again"
        )
    return StaleVersion(
        message, ticket_id=ticket_id, seen=seen_version, now=latest, changes=changes
    )


#: How a thread entry reads in "who changed what".
_LABELS = {"reply": "a reply", "note": "a note"}
