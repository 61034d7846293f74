"""Changing tickets. One public call = one transaction = one audit event per changed field.

Every call checks the acting agent, the workflow (``workflow.py``) and the ticket's version,
so the CLI, the TUI, ``batch`` and the tests all get the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Row

from deskterm.domain import validate, workflow
from deskterm.domain.audit import record, stale_conflict, write_ticket
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, FieldChange, Message, Queue, Ticket, UpdateResult
from deskterm.domain.ticket_read import load_ticket
from deskterm.domain.vocab import PRIORITY_RANK, UNSOLVED
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema
from deskterm.store.engine import new_id

T = schema.tickets


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@dataclass(frozen=True)
class Changes:
    """Field changes for :func:`update`. ``assignee``: a handle, ``"me"``, None to unassign."""

    status: str | None = None
    priority: str | None = None
    type: str | None = None
    queue: str | None = None
    subject: str | None = None
    assignee: str | _Unset | None = UNSET
    add_tags: tuple[str, ...] = field(default_factory=tuple)
    remove_tags: tuple[str, ...] = field(default_factory=tuple)

    def is_empty(self) -> bool:
        return self == Changes()


# ------------------------------------------------------------------------------ create


@dataclass(frozen=True)
class NewTicket:
    """A ticket to create, with every value already validated (see :func:`new_ticket`)."""

    subject: str
    body: str | None = None
    requester: str | None = None
    type: str = "incident"
    priority: str = "normal"
    queue: str | None = None
    tags: tuple[str, ...] = ()
    channel: str = "api"
    assignee: str | None = None


def new_ticket(
    *,
    subject: str,
    body: str | None = None,
    requester: str | None = None,
    type: str = "incident",
    priority: str = "normal",
    queue: str | None = None,
    tags: Sequence[str] = (),
    channel: str = "api",
    assignee: str | None = None,
) -> NewTicket:
    """Validate what a user typed for a new ticket; InvalidInput names the bad value."""
    return NewTicket(
        subject=validate.subject(subject),
        body=validate.body(body) if body is not None and body.strip() else None,
        requester=validate.email(requester) if requester else None,
        type=validate.ticket_type(type),
        priority=validate.priority(priority),
        queue=queue or None,
        tags=validate.tags(tags),
        channel=validate.channel(channel),
        assignee=assignee or None,
    )


def create(desk: Desk, **fields: Any) -> Ticket:
    """Open a new ticket (status ``new``, or ``open`` when assigned at once).

    Takes the keyword arguments of :func:`new_ticket`. The body becomes the first message of
    the thread, written by the requester when there is one, otherwise by the acting agent.
    Unknown requesters become contacts (matched to an organization by their e-mail domain).
    Writes a ``created`` audit event.
    """
    new = new_ticket(**fields)
    now = desk.now()
    with desk.store.write() as conn:
        ticket_id = create_in(conn, desk, desk.actor(conn), new, now)
        return load_ticket(conn, desk, ticket_id)


def create_in(conn: Connection, desk: Desk, actor: Agent, new: NewTicket, now: datetime) -> int:
    """The body of :func:`create` on an open write transaction (also used by ``batch``)."""
    queue_id = _queue_id(conn, new.queue) if new.queue else _default_queue_id(conn)
    assignee_id = _agent_id(conn, desk, new.assignee) if new.assignee else None
    contact_id = contact_for(conn, new.requester, now) if new.requester else None
    ticket_id = new_id(
        conn.execute(
            insert(T).values(
                subject=new.subject,
                type=new.type,
                status="open" if assignee_id else "new",
                priority=PRIORITY_RANK[new.priority],
                queue_id=queue_id,
                assignee_id=assignee_id,
                requester_id=contact_id,
                created_by_id=actor.id,
                channel=new.channel,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    )
    if new.body:
        conn.execute(
            insert(schema.messages).values(
                ticket_id=ticket_id,
                kind="reply",
                author_agent_id=None if contact_id else actor.id,
                author_contact_id=contact_id,
                body=new.body,
                created_at=now,
            )
        )
    _add_tags(conn, ticket_id, new.tags)
    record(
        conn,
        ticket_id,
        [FieldChange("created", None, new.subject)],
        actor_id=actor.id,
        version=1,
        now=now,
    )
    return ticket_id


# ------------------------------------------------------------------------------ update


def checked(changes: Changes) -> Changes:
    """``changes`` with every value validated and normalized; InvalidInput if one is bad."""
    if changes.is_empty():
        raise InvalidInput("nothing to change; give at least one field to set")
    return Changes(
        status=workflow.check_status(changes.status) if changes.status else None,
        priority=validate.priority(changes.priority) if changes.priority else None,
        type=validate.ticket_type(changes.type) if changes.type else None,
        queue=changes.queue or None,
        subject=validate.subject(changes.subject) if changes.subject is not None else None,
        assignee=changes.assignee,
        add_tags=validate.tags(changes.add_tags),
        remove_tags=validate.tags(changes.remove_tags),
    )


def update(
    desk: Desk,
    ticket_ids: int | Sequence[int],
    changes: Changes,
    *,
    if_version: int | None = None,
    seen_versions: Mapping[int, int] | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[UpdateResult]:
    """Apply ``changes`` to each ticket, all in one transaction (all or nothing).

    ``if_version`` refuses the write (StaleVersion naming who changed what) unless the stored
    version is exactly that; ``seen_versions`` (ticket id -> version shown) does the same per
    ticket for a bulk change of tickets an agent looked at (the console's marks).
    ``dry_run`` computes and returns the changes, then rolls back.
    A ticket whose values already match gets no audit event and keeps its version.
    """
    ids = [ticket_ids] if isinstance(ticket_ids, int) else list(dict.fromkeys(ticket_ids))
    if not ids:
        raise InvalidInput("no tickets to update")
    if if_version is not None and len(ids) != 1:
        raise InvalidInput("--if-version applies to a single ticket")
    valid = checked(changes)
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        from deskterm.domain.ticket_bulk import update_many_in

        results = update_many_in(
            conn, desk, actor, ids, valid, if_version, now, progress=progress, seen=seen_versions
        )
        if dry_run:
            conn.rollback()
    return results


def update_in(
    conn: Connection,
    desk: Desk,
    actor: Agent,
    ticket_id: int,
    changes: Changes,
    if_version: int | None,
    now: datetime,
) -> UpdateResult:
    """The body of :func:`update` for one ticket on an open write transaction.

    ``changes`` must come from :func:`checked`. The work is done by
    ``ticket_bulk.update_many_in``, the one implementation for one ticket or ten thousand.
    """
    from deskterm.domain.ticket_bulk import update_many_in

    return update_many_in(conn, desk, actor, [ticket_id], changes, if_version, now)[0]


def _status_change(
    row: Row[Any], status: str, now: datetime, values: dict[str, Any], diff: list[FieldChange]
) -> None:
    workflow.check_transition(row.id, row.status, status)
    if status == row.status:
        return
    values["status"] = status
    diff.append(FieldChange("status", row.status, status))
    if status == "solved":
        values["solved_at"] = now
    elif status == "closed":
        values["closed_at"] = now
    elif row.status == "solved":
        values["solved_at"] = None


def _tag_changes(
    conn: Connection,
    ticket_id: int,
    current: Sequence[str],
    add: Sequence[str],
    remove: Sequence[str],
) -> list[FieldChange]:
    to_add, to_remove, change = tag_diff(current, add, remove)
    if change is None:
        return []
    _add_tags(conn, ticket_id, to_add)
    if to_remove:
        tag_ids = select(schema.tags.c.id).where(schema.tags.c.name.in_(to_remove))
        conn.execute(
            delete(schema.ticket_tags).where(
                schema.ticket_tags.c.ticket_id == ticket_id,
                schema.ticket_tags.c.tag_id.in_(tag_ids),
            )
        )
    return [change]


def tag_diff(
    current: Sequence[str], add: Sequence[str], remove: Sequence[str]
) -> tuple[list[str], list[str], FieldChange | None]:
    """Which tags to add and remove, and the ``tags`` audit change (None if nothing changes).

    A tag both added and removed is removed; the audit values are the sorted tag lists.
    """
    to_add = [t for t in add if t not in current and t not in remove]
    to_remove = [t for t in remove if t in current]
    if not to_add and not to_remove:
        return [], [], None
    after = sorted((set(current) | set(to_add)) - set(to_remove))
    change = FieldChange("tags", ",".join(sorted(current)) or None, ",".join(after) or None)
    return to_add, to_remove, change


# ------------------------------------------------------------------------------ thread


def add_message(
    desk: Desk,
    ticket_id: int,
    kind: str,
    body: str,
    *,
    status: str | None = None,
    if_version: int | None = None,
) -> tuple[Ticket, Message]:
    """Add a public reply (``kind="reply"``) or an internal note to the thread.

    The first public reply by an agent sets ``first_responded_at``; an agent's reply to a
    ``new`` ticket opens it. ``status`` changes the status in the same transaction (reply
    and set pending). Closed tickets refuse with Conflict. Bumps the ticket's version.
    """
    if kind not in ("reply", "note"):
        raise InvalidInput(f'unknown message kind "{kind}"; allowed: reply, note')
    text = validate.body(body, what="reply" if kind == "reply" else "note")
    target = workflow.check_status(status) if status else None
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        return add_message_in(conn, desk, actor, ticket_id, kind, text, target, if_version, now)


def add_message_in(
    conn: Connection,
    desk: Desk,
    actor: Agent,
    ticket_id: int,
    kind: str,
    text: str,
    status: str | None,
    if_version: int | None,
    now: datetime,
) -> tuple[Ticket, Message]:
    """The body of :func:`add_message` on an open write transaction (values validated)."""
    row = _lock(conn, ticket_id)
    if if_version is not None and row.version != if_version:
        raise stale_conflict(conn, ticket_id, if_version)
    workflow.ensure_editable(ticket_id, row.status)
    message_id = new_id(
        conn.execute(
            insert(schema.messages).values(
                ticket_id=ticket_id,
                kind=kind,
                author_agent_id=actor.id,
                body=text,
                created_at=now,
            )
        )
    )
    values: dict[str, Any] = {}
    diff = [FieldChange(kind, None, str(message_id))]
    if kind == "reply" and row.first_responded_at is None:
        values["first_responded_at"] = now
    if status is None and kind == "reply" and row.status == "new":
        status = "open"
    if status:
        _status_change(row, status, now, values, diff)
    write_ticket(
        conn,
        ticket_id=ticket_id,
        seen_version=row.version,
        values=values,
        changes=diff,
        actor_id=actor.id,
        now=now,
    )
    ticket = load_ticket(conn, desk, ticket_id)
    return ticket, Message(message_id, ticket_id, kind, actor.handle, actor.name, text, now)


def reply(desk: Desk, ticket_id: int, body: str, **kwargs: Any) -> tuple[Ticket, Message]:
    return add_message(desk, ticket_id, "reply", body, **kwargs)


def note(desk: Desk, ticket_id: int, body: str, **kwargs: Any) -> tuple[Ticket, Message]:
    return add_message(desk, ticket_id, "note", body, **kwargs)


# ----------------------------------------------------------------------- one-word verbs


def assign(desk: Desk, ticket_id: int, handle: str | None, **kw: Any) -> UpdateResult:
    """Assign to ``handle`` (``me`` for the acting agent, None to unassign)."""
    return update(desk, ticket_id, Changes(assignee=handle), **kw)[0]


def close(desk: Desk, ticket_id: int, **kw: Any) -> UpdateResult:
    """Close a solved ticket; closed tickets are read-only from then on."""
    return update(desk, ticket_id, Changes(status="closed"), **kw)[0]


def reopen(desk: Desk, ticket_id: int, **kw: Any) -> UpdateResult:
    """Reopen a solved ticket (status ``open``). A closed ticket cannot be reopened."""
    current = _current_status(desk, ticket_id)
    if current in UNSOLVED:
        raise Conflict(f"ticket #{ticket_id} is {current}, not solved; nothing to reopen")
    return update(desk, ticket_id, Changes(status="open"), **kw)[0]


def escalation_targets(desk: Desk, ticket_id: int) -> list[Queue]:
    """The queues a ticket may be escalated to: its queue's escalates-to chain, nearest
    tier first (L1 -> L2 -> L3). Empty when its queue escalates nowhere."""
    with desk.store.read() as conn:
        desk.actor(conn)
        row = _lock_free(conn, ticket_id)
        return _chain(conn, row.queue_id)


def _chain(conn: Connection, queue_id: int) -> list[Queue]:
    """The escalates-to chain above ``queue_id`` (never looping, even on a bad desk)."""
    q = schema.queues
    rows = {row.id: row for row in conn.execute(select(q))}
    chain: list[Queue] = []
    seen = {queue_id}
    current = rows[queue_id].escalates_to_id if queue_id in rows else None
    while current is not None and current not in seen and current in rows:
        seen.add(current)
        row = rows[current]
        above = rows.get(row.escalates_to_id) if row.escalates_to_id is not None else None
        chain.append(
            Queue(row.id, row.name, row.tier, above.name if above else None, row.description)
        )
        current = row.escalates_to_id
    return chain


def escalate(
    desk: Desk,
    ticket_id: int,
    reason: str | None = None,
    *,
    to_queue: str | None = None,
    if_version: int | None = None,
) -> UpdateResult:
    """Move the ticket up its queue's escalation chain and unassign it.

    ``to_queue`` picks any queue further up the chain (default: the next tier); another
    queue is InvalidInput naming the allowed ones. The reason, if given, is kept in the
    internal note that records the escalation. Conflict if the queue escalates nowhere, or
    if the ticket changed since ``if_version``.
    """
    now = desk.now()
    with desk.store.write() as conn:
        actor = desk.actor(conn)
        row = _lock(conn, ticket_id)
        if if_version is not None and row.version != if_version:
            raise stale_conflict(conn, ticket_id, if_version)
        workflow.ensure_editable(ticket_id, row.status)
        queue = conn.execute(select(schema.queues).where(schema.queues.c.id == row.queue_id)).one()
        chain = _chain(conn, row.queue_id)
        if not chain:
            raise Conflict(
                f'queue "{queue.name}" ({queue.tier}) has no higher tier to escalate to; '
                "move the ticket with --queue instead"
            )
        target = chain[0]
        if to_queue is not None:
            wanted = to_queue.strip().lower()
            found = [q for q in chain if q.name.lower() == wanted]
            if not found:
                allowed = ", ".join(q.name for q in chain)
                raise InvalidInput(
                    f'cannot escalate from "{queue.name}" to "{to_queue}"; '
                    f"queues further up: {allowed}"
                )
            target = found[0]
        values: dict[str, Any] = {"queue_id": target.id}
        diff = [FieldChange("queue", queue.name, target.name)]
        if row.assignee_id is not None:
            values["assignee_id"] = None
            diff.append(FieldChange("assignee", _agent_handle(conn, row.assignee_id), None))
        text = f"Escalated from {queue.name} to {target.name}" + (
            f": {reason.strip()}" if reason and reason.strip() else ""
        )
        message_id = _system_note(conn, ticket_id, actor, text, now)
        diff.append(FieldChange("escalated", queue.name, target.name))
        diff.append(FieldChange("note", None, str(message_id)))
        write_ticket(
            conn,
            ticket_id=ticket_id,
            seen_version=row.version,
            values=values,
            changes=diff,
            actor_id=actor.id,
            now=now,
        )
        return UpdateResult(load_ticket(conn, desk, ticket_id), tuple(diff))


# ------------------------------------------------------------------------------ helpers


def _lock(conn: Connection, ticket_id: int) -> Row[Any]:
    """Read the ticket row for writing (``FOR UPDATE`` on PostgreSQL; SQLite holds the lock)."""
    row = conn.execute(select(T).where(T.c.id == ticket_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"ticket #{ticket_id} not found")
    return row


def _lock_free(conn: Connection, ticket_id: int) -> Row[Any]:
    row = conn.execute(select(T).where(T.c.id == ticket_id)).first()
    if row is None:
        raise NotFound(f"ticket #{ticket_id} not found")
    return row


def _current_status(desk: Desk, ticket_id: int) -> str:
    with desk.store.read() as conn:
        status = conn.execute(select(T.c.status).where(T.c.id == ticket_id)).scalar()
    if status is None:
        raise NotFound(f"ticket #{ticket_id} not found")
    return str(status)


def _system_note(conn: Connection, ticket_id: int, actor: Agent, text: str, now: datetime) -> int:
    return int(
        new_id(
            conn.execute(
                insert(schema.messages).values(
                    ticket_id=ticket_id,
                    kind="note",
                    author_agent_id=actor.id,
                    body=text,
                    created_at=now,
                )
            )
        )
    )


def _default_queue_id(conn: Connection) -> int:
    q = schema.queues
    queue_id = conn.execute(select(q.c.id).order_by(q.c.tier, q.c.id).limit(1)).scalar()
    if queue_id is None:
        raise NotFound("this desk has no queues; create one first")
    return int(queue_id)


def _queue_id(conn: Connection, name: str) -> int:
    q = schema.queues
    rows = conn.execute(select(q.c.id, q.c.name)).all()
    for row in rows:
        if row.name.lower() == name.strip().lower():
            return int(row.id)
    names = ", ".join(sorted(row.name for row in rows))
    raise NotFound(f'unknown queue "{name}"; queues: {names}')


def _queue_name(conn: Connection, queue_id: int) -> str:
    return str(
        conn.execute(
            select(schema.queues.c.name).where(schema.queues.c.id == queue_id)
        ).scalar_one()
    )


def _agent_id(conn: Connection, desk: Desk, handle: str) -> int:
    if handle.strip().lower() == "me":
        return desk.actor(conn).id
    a = schema.agents
    row = conn.execute(
        select(a.c.id, a.c.active).where(func.lower(a.c.handle) == handle.strip().lower())
    ).first()
    if row is None:
        raise NotFound(f'unknown agent "{handle}"; see: deskterm agent list')
    if not row.active:
        raise InvalidInput(f'agent "{handle}" is deactivated and cannot take tickets')
    return int(row.id)


def _agent_handle(conn: Connection, agent_id: int) -> str:
    return str(
        conn.execute(
            select(schema.agents.c.handle).where(schema.agents.c.id == agent_id)
        ).scalar_one()
    )


def _add_tags(conn: Connection, ticket_id: int, names: Sequence[str]) -> None:
    for name in names:
        tag_id = tag_id_for(conn, name)
        conn.execute(insert(schema.ticket_tags).values(ticket_id=ticket_id, tag_id=tag_id))


def tag_id_for(conn: Connection, name: str) -> int:
    tags = schema.tags
    tag_id = conn.execute(select(tags.c.id).where(tags.c.name == name)).scalar()
    if tag_id is None:
        tag_id = new_id(conn.execute(insert(tags).values(name=name)))
    return int(tag_id)


def contact_for(conn: Connection, email: str, now: datetime) -> int:
    """The contact with ``email``, created (and matched to an organization) if new."""
    c, o = schema.contacts, schema.organizations
    contact_id = conn.execute(select(c.c.id).where(func.lower(c.c.email) == email)).scalar()
    if contact_id is not None:
        return int(contact_id)
    domain = email.rsplit("@", 1)[1]
    org_id = conn.execute(select(o.c.id).where(func.lower(o.c.domain) == domain)).scalar()
    name = email.split("@", 1)[0].replace(".", " ").replace("_", " ").title()
    return int(
        new_id(
            conn.execute(
                insert(c).values(name=name, email=email, organization_id=org_id, created_at=now)
            )
        )
    )
