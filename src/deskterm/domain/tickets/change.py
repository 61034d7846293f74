"""Changing tickets: fields (one ticket or ten thousand), the thread, and escalation.

Each public call is one transaction (``write.transact``) that builds a ``plan.Request``,
plans it for every ticket (``plan.plan``: the workflow, and staleness against the version the
caller saw) and stores the plans (``write.store``). The ``*_in`` variants do the same inside
a transaction that is already open, so ``batch`` can run many of them all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from deskterm.domain import lookup, validate
from deskterm.domain.desk import Desk
from deskterm.domain.models import FieldChange, Message, Queue, Ticket, UpdateResult
from deskterm.domain.tickets import workflow as workflow
from deskterm.domain.tickets import write
from deskterm.domain.tickets.attachments import NewFile, attach_in, check_files
from deskterm.domain.tickets.new import checked_field
from deskterm.domain.tickets.plan import UNSET, NewMessage, Request, Unset, check_stale, plan
from deskterm.domain.tickets.read import load_ticket
from deskterm.domain.tickets.time_spent import parse_time_spent, time_text
from deskterm.domain.tickets.write import Context, transact
from deskterm.errors import Conflict, InvalidInput
from deskterm.store import schema

T = schema.tickets


@dataclass(frozen=True)
class Changes:
    """Field changes for :func:`update`. ``assignee``: a handle, ``"me"``, None to unassign."""

    status: str | None = None
    priority: str | None = None
    type: str | None = None
    queue: str | None = None
    subject: str | None = None
    assignee: str | Unset | None = UNSET
    add_tags: tuple[str, ...] = field(default_factory=tuple)
    remove_tags: tuple[str, ...] = field(default_factory=tuple)
    #: Time spent to log with the change, as typed (``15m``, ``1h30m``); alone it is a
    #: change too (a time entry).
    time: str | None = None

    def is_empty(self) -> bool:
        return self == Changes()


def checked(changes: Changes) -> Changes:
    """``changes`` with every value validated and normalized; InvalidInput names the field."""
    if changes.is_empty():
        raise InvalidInput("nothing to change; give at least one field to set")
    return Changes(
        status=checked_field("status", workflow.check_status, changes.status)
        if changes.status
        else None,
        priority=checked_field("priority", validate.priority, changes.priority)
        if changes.priority
        else None,
        type=checked_field("type", validate.ticket_type, changes.type) if changes.type else None,
        queue=changes.queue or None,
        subject=checked_field("subject", validate.subject, changes.subject)
        if changes.subject is not None
        else None,
        assignee=changes.assignee,
        add_tags=checked_field("add_tags", validate.tags, changes.add_tags),
        remove_tags=checked_field("remove_tags", validate.tags, changes.remove_tags),
        time=time_text(checked_field("time", parse_time_spent, changes.time))
        if changes.time is not None
        else None,
    )


def _request(ctx: Context, changes: Changes, *, reopen: bool = False) -> Request:
    conn = ctx.conn
    assignee: int | Unset | None = UNSET
    if not isinstance(changes.assignee, Unset):
        assignee = lookup.agent_id(conn, ctx.actor, changes.assignee) if changes.assignee else None
    return Request(
        status=changes.status,
        reopen=reopen,
        priority=changes.priority,
        type=changes.type,
        subject=changes.subject,
        queue_id=lookup.queue_id(conn, changes.queue) if changes.queue else None,
        assignee_id=assignee,
        add_tags=changes.add_tags,
        remove_tags=changes.remove_tags,
        time_spent=parse_time_spent(changes.time) if changes.time is not None else None,
    )


# ------------------------------------------------------------------------------ fields


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

    ``if_version`` (one ticket) or ``seen_versions`` (ticket id -> version shown, for the
    console's marks) is the version the caller read: the write is refused with StaleVersion,
    naming who changed what, when a field it changes was changed since (a colleague's tag
    does not block a priority change). ``dry_run`` computes and returns the changes, then
    rolls back. A ticket whose values already match gets no audit event and keeps its version.
    """
    ids = [ticket_ids] if isinstance(ticket_ids, int) else list(dict.fromkeys(ticket_ids))
    if not ids:
        raise InvalidInput("no tickets to update")
    if if_version is not None and len(ids) != 1:
        raise InvalidInput("a version to check applies to a single ticket")
    seen = dict(seen_versions or {})
    if if_version is not None:
        seen[ids[0]] = if_version
    valid = checked(changes)

    def work(ctx: Context) -> list[UpdateResult]:
        results = update_in(ctx, ids, valid, seen, progress=progress)
        if dry_run:
            ctx.conn.rollback()
        return results

    return transact(desk, work)


def update_in(
    ctx: Context,
    ids: Sequence[int],
    changes: Changes,
    seen: Mapping[int, int] | None = None,
    *,
    reopen: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[UpdateResult]:
    """The body of :func:`update` in an open write transaction (``changes`` checked)."""
    request = _request(ctx, changes, reopen=reopen)
    known = write.names(ctx.conn)
    results: list[UpdateResult] = []
    for chunk in write.chunks(list(ids)):
        current = write.read(ctx.conn, chunk, hidden=ctx.hidden)
        unseen = write.unseen(ctx.conn, current, seen or {})
        plans = [
            plan(
                current[i],
                request,
                ctx.now,
                known,
                since=unseen.get(i, ()),
                seen=(seen or {}).get(i),
            )
            for i in chunk
        ]
        written = write.store(ctx, plans)
        results += write.results(ctx, chunk, written)
        if progress is not None:
            progress(len(chunk))
    return results


def act_in(
    ctx: Context,
    ticket_id: int,
    changes: Changes,
    *,
    message: tuple[str, str] | None = None,
    events: tuple[FieldChange, ...] = (),
    if_version: int | None = None,
) -> UpdateResult:
    """Field changes, a reply or note (``(kind, text)``) and extra audit entries on one
    ticket as one plan: one version, the workflow's checks once (a macro). In an open write
    transaction; values are checked here. StaleVersion as :func:`update` and
    :func:`add_message` say."""
    valid = Changes() if changes.is_empty() else checked(changes)
    new_message = None
    if message is not None:
        kind, body = message
        what = "reply" if kind == "reply" else "note"
        new_message = NewMessage(
            kind, checked_field("body", validate.body, body, what=what), ctx.actor.id
        )
    current = write.read_one(ctx.conn, ticket_id, hidden=ctx.hidden)
    seen = {ticket_id: if_version} if if_version is not None else {}
    since = write.unseen(ctx.conn, {ticket_id: current}, seen).get(ticket_id, ())
    request = replace(_request(ctx, valid), message=new_message, events=events)
    planned = plan(current, request, ctx.now, write.names(ctx.conn), since=since, seen=if_version)
    written = write.store(ctx, [planned])
    return write.results(ctx, [ticket_id], written)[0]


def assign(desk: Desk, ticket_id: int, handle: str | None, **kw: Any) -> UpdateResult:
    """Assign to ``handle`` (``me`` for the acting agent, None to unassign)."""
    return update(desk, ticket_id, Changes(assignee=handle), **kw)[0]


def close(desk: Desk, ticket_id: int, **kw: Any) -> UpdateResult:
    """Close a solved ticket; closed tickets are read-only from then on."""
    return update(desk, ticket_id, Changes(status="closed"), **kw)[0]


def reopen(desk: Desk, ticket_id: int, *, if_version: int | None = None) -> UpdateResult:
    """Reopen a solved ticket (status ``open``); Conflict if it is not solved."""
    seen = {ticket_id: if_version} if if_version is not None else {}
    return transact(
        desk, lambda ctx: update_in(ctx, [ticket_id], Changes(status="open"), seen, reopen=True)
    )[0]


def move_queue_in(ctx: Context, source_id: int, target_id: int) -> int:
    """Move every ticket of queue ``source_id`` (closed ones too) to ``target_id``, in an
    open write transaction, because the source queue is being deleted; each moved ticket
    gets its ``queue`` audit entry and a new version. Returns how many moved."""
    ids = [
        int(i)
        for i in ctx.conn.execute(
            select(T.c.id).where(T.c.queue_id == source_id).order_by(T.c.id)
        ).scalars()
    ]
    request = Request(queue_id=target_id, queue_deleted=True)
    known = write.names(ctx.conn)
    for chunk in write.chunks(ids):
        current = write.read(ctx.conn, chunk, hidden=ctx.hidden)
        write.store(ctx, [plan(current[i], request, ctx.now, known) for i in chunk])
    return len(ids)


# ------------------------------------------------------------------------------ thread


def add_message(
    desk: Desk,
    ticket_id: int,
    kind: str,
    body: str,
    *,
    status: str | None = None,
    if_version: int | None = None,
    time: str | None = None,
    files: Sequence[NewFile] = (),
    max_size: int | None = None,
) -> tuple[Ticket, Message]:
    """Add a public reply (``kind="reply"``) or an internal note to the thread.

    The first public reply by an agent sets ``first_responded_at``; an agent's reply to a
    ``new`` ticket opens it. ``status`` changes the status in the same transaction (reply
    and set pending). Closed tickets refuse with Conflict. With ``if_version``, a reply is
    refused (StaleVersion) when the conversation moved on since: a status change, another
    public reply or a merge; a note is not. ``time`` (``15m``, ``1h30m``) logs the time
    spent by the acting agent with the message. ``files`` are stored with it (InvalidInput,
    before anything is written, for one larger than ``max_size`` bytes). Bumps the ticket's
    version.
    """
    if kind not in ("reply", "note"):
        raise InvalidInput(f'unknown message kind "{kind}"; allowed: reply, note')
    text = checked_field("body", validate.body, body, what="reply" if kind == "reply" else "note")
    target = checked_field("status", workflow.check_status, status) if status else None
    seconds = checked_field("time", parse_time_spent, time) if time is not None else None
    if max_size is not None:
        check_files(files, max_size)
    limit = max_size if max_size is not None else 2**63 - 1
    return transact(
        desk,
        lambda ctx: add_message_in(
            ctx, ticket_id, kind, text, target, if_version, seconds, files=files, max_size=limit
        ),
    )


def add_message_in(
    ctx: Context,
    ticket_id: int,
    kind: str,
    text: str,
    status: str | None,
    if_version: int | None,
    time_spent: int | None = None,
    *,
    files: Sequence[NewFile] = (),
    max_size: int = 2**63 - 1,
) -> tuple[Ticket, Message]:
    """The body of :func:`add_message` in an open write transaction (values checked;
    ``time_spent`` in seconds)."""
    current = write.read_one(ctx.conn, ticket_id, hidden=ctx.hidden)
    since = write.unseen(
        ctx.conn, {ticket_id: current}, {ticket_id: if_version} if if_version else {}
    )
    request = Request(
        status=status, message=NewMessage(kind, text, ctx.actor.id), time_spent=time_spent
    )
    written = write.store(
        ctx,
        [
            plan(
                current,
                request,
                ctx.now,
                write.names(ctx.conn),
                since=since.get(ticket_id, ()),
                seen=if_version,
            )
        ],
    )
    message_id = int(written[ticket_id][0].new or 0)
    if files:
        attach_in(ctx.conn, ticket_id, message_id, files, max_size=max_size, now=ctx.now)
    ticket = load_ticket(ctx.conn, ctx.desk, ticket_id)
    return ticket, Message(
        message_id, ticket_id, kind, ctx.actor.handle, ctx.actor.name, text, ctx.now
    )


def requester_reply_in(ctx: Context, ticket_id: int, contact_id: int, body: str) -> int:
    """A reply written by the requester (the contact ``contact_id``, by mail) on
    ``ticket_id``, in an open write transaction, through the one workflow: the thread entry
    and its ``requester_reply`` audit entry; a pending or solved ticket opens again
    (``plan.REQUESTER_REOPENS``); the SLA step's RequesterReply (the next-response clock).
    Conflict for a closed ticket. Returns the message's id."""
    text = checked_field("body", validate.body, body, what="reply")
    current = write.read_one(ctx.conn, ticket_id, hidden=ctx.hidden)
    request = Request(message=NewMessage("reply", text, None, contact_id=contact_id))
    known = ctx.once("names", lambda: write.names(ctx.conn))
    written = write.store(ctx, [plan(current, request, ctx.now, known)])
    return int(written[ticket_id][0].new or 0)


def reply(desk: Desk, ticket_id: int, body: str, **kwargs: Any) -> tuple[Ticket, Message]:
    return add_message(desk, ticket_id, "reply", body, **kwargs)


def note(desk: Desk, ticket_id: int, body: str, **kwargs: Any) -> tuple[Ticket, Message]:
    return add_message(desk, ticket_id, "note", body, **kwargs)


# ------------------------------------------------------------------------------ escalation


def escalation_targets(desk: Desk, ticket_id: int) -> list[Queue]:
    """The queues a ticket may be escalated to: its queue's escalates-to chain, nearest
    tier first (L1 -> L2 -> L3). Empty when its queue escalates nowhere."""
    with desk.store.read() as conn:
        hidden = desk.hidden_queues(conn)
        queue_id = conn.execute(select(T.c.queue_id).where(T.c.id == ticket_id)).scalar()
        if queue_id is None or queue_id in hidden:
            from deskterm.errors import NotFound

            raise NotFound(f"ticket #{ticket_id} not found")
        return escalation_chain(conn, int(queue_id))


def escalation_chain(conn: Connection, queue_id: int) -> list[Queue]:
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
            Queue(
                row.id,
                row.name,
                row.tier,
                above.name if above else None,
                row.description,
                bool(row.confidential),
            )
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
    queue is InvalidInput naming the allowed ones. The escalation, with the reason if given,
    is recorded in an internal note. Conflict if the queue escalates nowhere; StaleVersion if
    the queue or assignee changed since ``if_version``.
    """

    def work(ctx: Context) -> UpdateResult:
        conn = ctx.conn
        current = write.read_one(conn, ticket_id, hidden=ctx.hidden)
        workflow.ensure_editable(ticket_id, current.status)
        seen = {ticket_id: if_version} if if_version else {}
        since = write.unseen(conn, {ticket_id: current}, seen).get(ticket_id, ())
        # A colleague who moved or took the ticket since is "the ticket changed", checked
        # before the target: the chain above the queue it is in now is not what was shown.
        check_stale(current, {"queue", "assignee"}, since, if_version)
        known = write.names(conn)
        source = known.queues[current.queue_id]
        chain = escalation_chain(conn, current.queue_id)
        if not chain:
            raise Conflict(f'queue "{source}" has no higher tier to escalate to')
        target = chain[0]
        if to_queue is not None:
            found = [q for q in chain if q.name.lower() == to_queue.strip().lower()]
            if not found:
                allowed = ", ".join(q.name for q in chain)
                raise InvalidInput(
                    f'cannot escalate from "{source}" to "{to_queue}"; '
                    f"queues further up: {allowed}",
                    field="queue",
                )
            target = found[0]
        why = f": {reason.strip()}" if reason and reason.strip() else ""
        request = Request(
            queue_id=target.id,
            assignee_id=None,
            message=NewMessage(
                "note", f"Escalated from {source} to {target.name}{why}", ctx.actor.id
            ),
            events=(FieldChange("escalated", source, target.name),),
        )
        written = write.store(
            ctx, [plan(current, request, ctx.now, known, since=since, seen=if_version)]
        )
        return write.results(ctx, [ticket_id], written)[0]

    return transact(desk, work)
