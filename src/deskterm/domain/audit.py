"""Audit events and the versioned write that refuses lost updates (ARCHITECTURE "Lost updates")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from deskterm.domain.models import FieldChange
from deskterm.errors import Conflict
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


def stale_conflict(conn: Connection, ticket_id: int, seen_version: int) -> Conflict:
    """A Conflict saying who changed which fields of the ticket since ``seen_version``."""
    from deskterm.domain.ticket_read import history

    events = history(conn, ticket_id, since_version=seen_version)
    if not events:
        from deskterm.errors import NotFound

        row = conn.execute(
            schema.tickets.select().with_only_columns(T.c.version).where(T.c.id == ticket_id)
        ).first()
        if row is None:
            return NotFound(f"ticket #{ticket_id} not found")  # type: ignore[return-value]
        return Conflict(
            f"ticket #{ticket_id} changed since you read it (version {seen_version}, "
            f"now {row.version}); reload and try again"
        )
    by_actor: dict[str, list[str]] = {}
    for event in events:
        fields = by_actor.setdefault(event.actor or "system", [])
        label = {"reply": "a reply", "note": "a note"}.get(event.field, event.field)
        if label not in fields:
            fields.append(label)
    who = "; ".join(f"{actor} changed {', '.join(fields)}" for actor, fields in by_actor.items())
    latest = events[-1].version
    return Conflict(
        f"ticket #{ticket_id} changed since you read it (version {seen_version}, now {latest}): "
        f"{who}; reload and try again"
    )
