"""Claiming work and relating tickets: ``take``, ``merge``, ``link``.

``take`` gives the acting agent the most urgent unassigned ticket. On PostgreSQL the pick is
``SELECT ... FOR UPDATE SKIP LOCKED``: two agents taking at the same moment lock different
rows, so they never get the same ticket. On SQLite the write transaction (BEGIN IMMEDIATE)
already serializes writers. A taken ticket is assigned, so it is never offered again.

``merge`` closes a duplicate into the ticket that carries on. The source's thread is NOT
moved (its audit history and ids stay where they were); instead the target gets one internal
note that summarizes it (each message's kind, author, time and text) and says where it came
from, and the source gets a note pointing at the target, ``merged_into_id`` and status
``closed``. The target also gains the source's tags.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from deskterm.domain import workflow
from deskterm.domain.audit import write_ticket
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, FieldChange, Ticket, UpdateResult
from deskterm.domain.ticket_read import _messages, load_ticket
from deskterm.domain.tickets import _lock, _queue_id, _system_note, _tag_changes
from deskterm.domain.vocab import UNSOLVED
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema

T = schema.tickets
#: A merge summary copies at most this much of the source's thread into the note.
MAX_SUMMARY = 200_000


def take(desk: Desk, *, queue: str | None = None) -> Ticket:
    """Assign the next ticket to the acting agent, by SLA urgency.

    Next = unassigned, unsolved, not merged; soonest ``resolution_due`` first (none last),
    then highest priority, then oldest. NotFound when nothing is waiting. One transaction,
    audit events for the assignee (and ``new -> open``).
    """
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        stmt = select(T).where(
            T.c.assignee_id.is_(None),
            T.c.status.in_(UNSOLVED),
            T.c.merged_into_id.is_(None),
        )
        if queue:
            stmt = stmt.where(T.c.queue_id == _queue_id(conn, queue))
        stmt = stmt.order_by(
            T.c.resolution_due.asc().nulls_last(),
            T.c.priority.desc(),
            T.c.created_at.asc(),
            T.c.id.asc(),
        ).limit(1)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        row = conn.execute(stmt).first()
        if row is None:
            where = f' in queue "{queue}"' if queue else ""
            raise NotFound(f"no unassigned open ticket is waiting{where}; nothing to take")
        values: dict[str, Any] = {"assignee_id": actor.id}
        diff = [FieldChange("assignee", None, actor.handle)]
        if row.status == "new":
            values["status"] = "open"
            diff.append(FieldChange("status", "new", "open"))
        write_ticket(
            conn,
            ticket_id=row.id,
            seen_version=row.version,
            values=values,
            changes=diff,
            actor_id=actor.id,
            now=now,
        )
        return load_ticket(conn, desk, row.id)


def merge(desk: Desk, source_id: int, into: int) -> tuple[UpdateResult, UpdateResult]:
    """Merge ticket ``source_id`` into ``into``; returns (source, target) results.

    Refused (Conflict) when either is closed, the source is already merged, or the target was
    itself merged away; InvalidInput when both are the same ticket.
    """
    if source_id == into:
        raise InvalidInput(f"cannot merge ticket #{source_id} into itself")
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        # Lock in id order so two opposite merges cannot deadlock.
        rows = {i: _lock(conn, i) for i in sorted((source_id, into))}
        source, target = rows[source_id], rows[into]
        if source.merged_into_id is not None:
            raise Conflict(f"ticket #{source_id} was already merged into #{source.merged_into_id}")
        if target.merged_into_id is not None:
            raise Conflict(
                f"ticket #{into} was merged into #{target.merged_into_id}; merge into that one"
            )
        workflow.ensure_editable(source_id, source.status)
        workflow.ensure_editable(into, target.status)
        target_diff = _absorb(conn, desk, actor, source, target, now)
        source_diff = _close_as_merged(conn, actor, source, into, now)
        return (
            UpdateResult(load_ticket(conn, desk, source_id), tuple(source_diff)),
            UpdateResult(load_ticket(conn, desk, into), tuple(target_diff)),
        )


def _absorb(
    conn: Connection, desk: Desk, actor: Agent, source: Row[Any], target: Row[Any], now: datetime
) -> list[FieldChange]:
    summary = [f"Merged from #{source.id}: {source.subject}"]
    for message in _messages(conn, source.id):
        who = message.author or "system"
        summary.append(f"\n--- {message.kind} by {who} at {message.created_at:%Y-%m-%d %H:%M} UTC")
        summary.append(message.body)
    text = "\n".join(summary)
    if len(text) > MAX_SUMMARY:
        text = text[:MAX_SUMMARY] + f"\n[... cut; the whole thread is on #{source.id}]"
    note_id = _system_note(conn, target.id, actor, text, now)
    source_tags = load_ticket(conn, desk, source.id).tags
    target_tags = load_ticket(conn, desk, target.id).tags
    diff = [
        FieldChange("merged_from", None, str(source.id)),
        FieldChange("note", None, str(note_id)),
    ]
    diff.extend(_tag_changes(conn, target.id, target_tags, source_tags, ()))
    write_ticket(
        conn,
        ticket_id=target.id,
        seen_version=target.version,
        values={},
        changes=diff,
        actor_id=actor.id,
        now=now,
    )
    return diff


def _close_as_merged(
    conn: Connection, actor: Agent, source: Row[Any], into: int, now: datetime
) -> list[FieldChange]:
    note_id = _system_note(conn, source.id, actor, f"Merged into #{into}", now)
    values: dict[str, Any] = {"merged_into_id": into, "status": "closed", "closed_at": now}
    if source.solved_at is None:
        values["solved_at"] = now
    diff = [
        FieldChange("note", None, str(note_id)),
        FieldChange("merged_into", None, str(into)),
        FieldChange("status", source.status, "closed"),
    ]
    write_ticket(
        conn,
        ticket_id=source.id,
        seen_version=source.version,
        values=values,
        changes=diff,
        actor_id=actor.id,
        now=now,
    )
    return diff


def link(desk: Desk, ticket_id: int, problem_id: int | None) -> UpdateResult:
    """Link a ticket to the problem behind it (None unlinks).

    InvalidInput if the target is not of type ``problem`` or is the ticket itself; Conflict
    if the ticket is closed. An unchanged link writes nothing.
    """
    if problem_id == ticket_id:
        raise InvalidInput(f"ticket #{ticket_id} cannot be its own problem")
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        row = _lock(conn, ticket_id)
        workflow.ensure_editable(ticket_id, row.status)
        if problem_id is not None:
            kind = conn.execute(select(T.c.type).where(T.c.id == problem_id)).scalar()
            if kind is None:
                raise NotFound(f"ticket #{problem_id} not found")
            if kind != "problem":
                raise InvalidInput(
                    f"ticket #{problem_id} is a {kind}, not a problem; link to a ticket of "
                    f"type problem (or change its type: deskterm ticket update {problem_id} "
                    "--type problem)"
                )
        if row.problem_id == problem_id:
            return UpdateResult(load_ticket(conn, desk, ticket_id), ())
        diff = [
            FieldChange(
                "problem",
                str(row.problem_id) if row.problem_id else None,
                str(problem_id) if problem_id else None,
            )
        ]
        write_ticket(
            conn,
            ticket_id=ticket_id,
            seen_version=row.version,
            values={"problem_id": problem_id},
            changes=diff,
            actor_id=actor.id,
            now=now,
        )
        return UpdateResult(load_ticket(conn, desk, ticket_id), tuple(diff))
