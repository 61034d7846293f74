"""Field changes to many tickets at once, in statements per chunk rather than per ticket.

``tickets.update`` (and so ``ticket update --query``, the TUI's marks and ``batch``) goes
through :func:`update_many_in`: rows, tags, names and ids are read once per chunk of
tickets, every rule of the single-ticket path is applied in Python (workflow, closed
tickets, the new -> open side effect of assigning, tag diffs), and the writes go out as one
``executemany`` per kind of row. Ten thousand tickets cost a few dozen statements, not
seventy thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain import workflow
from deskterm.domain.audit import stale_conflict
from deskterm.domain.convert import ticket_from_row
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, FieldChange, UpdateResult
from deskterm.domain.ticket_read import ticket_select
from deskterm.domain.vocab import PRIORITIES, PRIORITY_RANK
from deskterm.errors import NotFound
from deskterm.store import schema

T = schema.tickets
CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def update_many_in(
    conn: Connection,
    desk: Desk,
    actor: Agent,
    ids: Sequence[int],
    changes: Any,
    if_version: int | None,
    now: datetime,
    *,
    progress: Callable[[int], None] | None = None,
    seen: Mapping[int, int] | None = None,
) -> list[UpdateResult]:
    """Apply checked ``changes`` (``tickets.checked``) to ``ids`` on an open write transaction.

    Raises like the single-ticket path: NotFound for a missing ticket, Conflict for a move
    the workflow refuses, a closed ticket, or a stale ``if_version`` (or a stale version in
    ``seen``, ticket id -> the version the caller showed); the caller's transaction then
    rolls everything back.
    """
    from deskterm.domain import tickets as tk

    queues = dict(conn.execute(select(schema.queues.c.id, schema.queues.c.name)).all())
    handles = dict(conn.execute(select(schema.agents.c.id, schema.agents.c.handle)).all())
    queue_id = tk._queue_id(conn, changes.queue) if changes.queue else None
    assign = not isinstance(changes.assignee, tk._Unset)
    assignee_id = (
        tk._agent_id(conn, desk, changes.assignee) if assign and changes.assignee else None
    )
    tag_ids = {name: tk.tag_id_for(conn, name) for name in changes.add_tags}
    for name, found in conn.execute(
        select(schema.tags.c.name, schema.tags.c.id).where(
            schema.tags.c.name.in_(list(changes.remove_tags))
        )
    ):
        tag_ids[name] = found

    results: list[UpdateResult] = []
    for chunk in _chunks(list(ids)):
        rows = {
            row.id: row
            for row in conn.execute(select(T).where(T.c.id.in_(chunk)).with_for_update())
        }
        for ticket_id in chunk:
            if ticket_id not in rows:
                raise NotFound(f"ticket #{ticket_id} not found")
        current_tags: dict[int, list[str]] = defaultdict(list)
        for ticket_id, name in conn.execute(
            select(schema.ticket_tags.c.ticket_id, schema.tags.c.name)
            .join(schema.tags, schema.tags.c.id == schema.ticket_tags.c.tag_id)
            .where(schema.ticket_tags.c.ticket_id.in_(chunk))
        ):
            current_tags[ticket_id].append(name)

        writes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        audit: list[dict[str, Any]] = []
        tags_in: list[dict[str, int]] = []
        tags_out: list[dict[str, int]] = []
        diffs: dict[int, tuple[FieldChange, ...]] = {}
        for ticket_id in chunk:
            row = rows[ticket_id]
            expected = seen.get(ticket_id, if_version) if seen is not None else if_version
            if expected is not None and row.version != expected:
                raise stale_conflict(conn, ticket_id, expected)
            values: dict[str, Any] = {}
            diff: list[FieldChange] = []
            if changes.status:
                tk._status_change(row, changes.status, now, values, diff)
            if changes.priority and PRIORITY_RANK[changes.priority] != row.priority:
                values["priority"] = PRIORITY_RANK[changes.priority]
                diff.append(FieldChange("priority", PRIORITIES[row.priority], changes.priority))
            if changes.type and changes.type != row.type:
                values["type"] = changes.type
                diff.append(FieldChange("type", row.type, changes.type))
            if changes.subject is not None and changes.subject != row.subject:
                values["subject"] = changes.subject
                diff.append(FieldChange("subject", row.subject, changes.subject))
            if queue_id is not None and queue_id != row.queue_id:
                values["queue_id"] = queue_id
                diff.append(FieldChange("queue", queues[row.queue_id], queues[queue_id]))
            if assign and assignee_id != row.assignee_id:
                values["assignee_id"] = assignee_id
                old = handles.get(row.assignee_id) if row.assignee_id else None
                diff.append(
                    FieldChange("assignee", old, handles[assignee_id] if assignee_id else None)
                )
                if row.status == "new" and assignee_id and "status" not in values:
                    values["status"] = "open"
                    diff.append(FieldChange("status", "new", "open"))
            to_add, to_remove, tag_change = tk.tag_diff(
                current_tags.get(ticket_id, []), changes.add_tags, changes.remove_tags
            )
            if tag_change is not None:
                diff.append(tag_change)
                tags_in += [{"ticket_id": ticket_id, "tag_id": tag_ids[t]} for t in to_add]
                tags_out += [{"t_id": ticket_id, "g_id": tag_ids[t]} for t in to_remove]
            diffs[ticket_id] = tuple(diff)
            if not diff:
                continue
            workflow.ensure_editable(ticket_id, row.status)
            new_version = row.version + 1
            writes[tuple(sorted(values))].append(
                {**values, "b_id": ticket_id, "b_seen": row.version, "b_new": new_version}
            )
            audit += [
                {
                    "ticket_id": ticket_id,
                    "actor_id": actor.id,
                    "field": change.field,
                    "old_value": change.old,
                    "new_value": change.new,
                    "version": new_version,
                    "at": now,
                }
                for change in diff
            ]
        _write(conn, writes, now)
        if tags_in:
            conn.execute(insert(schema.ticket_tags), tags_in)
        if tags_out:
            conn.execute(
                delete(schema.ticket_tags).where(
                    and_(
                        schema.ticket_tags.c.ticket_id == bindparam("t_id"),
                        schema.ticket_tags.c.tag_id == bindparam("g_id"),
                    )
                ),
                tags_out,
            )
        if audit:
            conn.execute(insert(schema.audit_events), audit)
        loaded = {
            row.id: ticket_from_row(row, now)
            for row in conn.execute(ticket_select(conn.dialect.name).where(T.c.id.in_(chunk)))
        }
        results += [UpdateResult(loaded[i], diffs[i]) for i in chunk]
        if progress is not None:
            progress(len(chunk))
    return results


def _write(
    conn: Connection, writes: dict[tuple[str, ...], list[dict[str, Any]]], now: datetime
) -> None:
    """One executemany per set of changed columns, each guarded by the version read."""
    for columns, params in writes.items():
        stmt = (
            update(T)
            .where(T.c.id == bindparam("b_id"), T.c.version == bindparam("b_seen"))
            .values(
                {
                    **{name: bindparam(name) for name in columns},
                    "updated_at": now,
                    "version": bindparam("b_new"),
                }
            )
        )
        result = conn.execute(stmt, params)
        # The rows are locked (BEGIN IMMEDIATE / FOR UPDATE), so this is a safety net only.
        if conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(params):
            for item in params:
                version = conn.execute(select(T.c.version).where(T.c.id == item["b_id"])).scalar()
                if version != item["b_new"]:
                    raise stale_conflict(conn, item["b_id"], item["b_seen"])
