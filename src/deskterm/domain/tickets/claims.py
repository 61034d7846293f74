"""Claiming work and relating tickets: ``take``, ``merge``, ``link``.

``take`` gives the acting agent the most urgent unassigned ticket; it is the one
implementation behind ``deskterm ticket take`` and the console's ``T``. On PostgreSQL the
pick is ``SELECT ... FOR UPDATE SKIP LOCKED``: two agents taking at the same moment lock
different rows, so they never get the same ticket. On SQLite the write transaction
(BEGIN IMMEDIATE) already serializes writers. A taken ticket is assigned, so it is never
offered again. An agent who is a member of any queue (``deskterm agent join``) takes only
from those queues; an agent in no queue takes from all of them.

``merge`` closes a duplicate into the ticket that carries on. The source's thread is NOT
moved (its audit history and ids stay where they were); instead the target gets one internal
note that summarizes it (each message's kind, author, time and text) and says where it came
from, and the source gets a note pointing at the target, ``merged_into_id`` and status
``closed``. The target also gains the source's tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from deskterm.domain import lookup
from deskterm.domain.desk import Desk
from deskterm.domain.models import FieldChange, Ticket, UpdateResult
from deskterm.domain.tickets import write
from deskterm.domain.tickets.plan import NewMessage, Request, plan
from deskterm.domain.tickets.read import load_ticket, thread
from deskterm.domain.tickets.write import Context, transact
from deskterm.domain.vocab import UNSOLVED
from deskterm.errors import Conflict, InvalidInput, NotFound, NothingToTake, NotInQueue
from deskterm.store import schema

T = schema.tickets
#: A merge summary copies at most this much of the source's thread into the note.
MAX_SUMMARY = 200_000


#: The due time take-next hands out earliest first (NULL last). The one place it is named:
#: the SLA work points it at ``sla_due``, the earliest due of a ticket's running clocks.
TAKE_DUE = T.c.sla_due


def take_order() -> tuple[Any, ...]:
    """Take-next's order: earliest ``sla_due`` first (none last: paused, or no clock running),
    then highest priority, then oldest."""
    return (TAKE_DUE.asc().nulls_last(), T.c.priority.desc(), T.c.created_at.asc(), T.c.id.asc())


def take(desk: Desk, *, queue: str | None = None) -> Ticket:
    """Assign the next ticket to the acting agent, by SLA urgency.

    Next = unassigned, unsolved, not merged, in :func:`take_order`. An agent who is a member
    of any queue is handed only tickets of their queues, and may name only one of them as
    ``queue`` (NotInQueue otherwise); an agent in no queue takes from every queue, so a desk
    that has not set up membership works as before. NothingToTake when nothing is waiting.
    One transaction, audit events for the assignee (and ``new -> open``).
    """

    def work(ctx: Context) -> Ticket:
        conn = ctx.conn
        stmt = select(T.c.id).where(
            T.c.assignee_id.is_(None),
            T.c.status.in_(UNSOLVED),
            T.c.merged_into_id.is_(None),
        )
        if ctx.hidden:
            stmt = stmt.where(T.c.queue_id.not_in(ctx.hidden))
        mine = _queues_of(conn, ctx.actor.id)
        if queue:
            wanted = lookup.queue_id(conn, queue)
            if mine and wanted not in mine:
                name = write.names(conn).queues[wanted]
                raise NotInQueue(
                    f'{ctx.actor.handle} is not a member of queue "{name}"; '
                    f"{ctx.actor.handle} works {', '.join(mine.values())}",
                    handle=ctx.actor.handle,
                    queue=name,
                    queues=tuple(mine.values()),
                )
            stmt = stmt.where(T.c.queue_id == wanted)
        elif mine:
            stmt = stmt.where(T.c.queue_id.in_(list(mine)))
        stmt = stmt.order_by(*take_order()).limit(1)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ticket_id = conn.execute(stmt).scalar()
        if ticket_id is None:
            if queue:
                where = f' in queue "{queue}"'
            elif mine:
                where = f" in the queues {ctx.actor.handle} works ({', '.join(mine.values())})"
            else:
                where = ""
            raise NothingToTake(
                f"no unassigned open ticket is waiting{where}; nothing to take",
                queue=queue,
                queues=() if queue else tuple(mine.values()),
            )
        current = write.read_one(conn, ticket_id, hidden=ctx.hidden)
        request = Request(assignee_id=ctx.actor.id)
        write.store(ctx, [plan(current, request, ctx.now, write.names(conn))])
        return load_ticket(conn, desk, ticket_id)

    return transact(desk, work)


def _queues_of(conn: Connection, agent_id: int) -> dict[int, str]:
    """The queues ``agent_id`` is a member of: id -> name, by name."""
    q, m = schema.queues, schema.queue_members
    rows = conn.execute(
        select(q.c.id, q.c.name)
        .join(m, m.c.queue_id == q.c.id)
        .where(m.c.agent_id == agent_id)
        .order_by(q.c.name)
    )
    return {int(row.id): row.name for row in rows}


def merge(
    desk: Desk,
    source_id: int,
    into: int,
    *,
    seen_versions: Mapping[int, int] | None = None,
) -> tuple[UpdateResult, UpdateResult]:
    """Merge ticket ``source_id`` into ``into``; returns (source, target) results.

    Refused (Conflict) when either is closed, the source is already merged, or the target was
    itself merged away; InvalidInput when both are the same ticket. ``seen_versions``
    (ticket id -> version shown) refuses with StaleVersion when either ticket's conversation
    moved on since the caller read it.
    """
    if source_id == into:
        raise InvalidInput(f"cannot merge ticket #{source_id} into itself")

    def work(ctx: Context) -> tuple[UpdateResult, UpdateResult]:
        conn = ctx.conn
        # Both rows in one statement, in id order: two opposite merges cannot deadlock.
        current = write.read(conn, sorted((source_id, into)), hidden=ctx.hidden)
        source, target = current[source_id], current[into]
        if target.merged_into_id is not None:
            raise Conflict(
                f"ticket #{into} was merged into #{target.merged_into_id}; merge into that one"
            )
        seen = dict(seen_versions or {})
        since = write.unseen(conn, current, seen)
        known = write.names(conn)
        summary = _summary(conn, source_id)
        target_plan = plan(
            target,
            Request(
                add_tags=source.tags,
                message=NewMessage(
                    "note", f"Merged from #{source_id}: {source.subject}{summary}", ctx.actor.id
                ),
                events=(FieldChange("merged_from", None, str(source_id)),),
            ),
            ctx.now,
            known,
            since=since.get(into, ()),
            seen=seen.get(into),
        )
        source_plan = plan(
            source,
            Request(
                merged_into=into,
                message=NewMessage("note", f"Merged into #{into}", ctx.actor.id),
            ),
            ctx.now,
            known,
            since=since.get(source_id, ()),
            seen=seen.get(source_id),
        )
        written = write.store(ctx, [target_plan, source_plan])
        source_result, target_result = write.results(ctx, [source_id, into], written)
        return source_result, target_result

    return transact(desk, work)


def _summary(conn: Connection, source_id: int) -> str:
    lines: list[str] = []
    for message in thread(conn, source_id):
        who = message.author or "system"
        lines.append(f"\n--- {message.kind} by {who} at {message.created_at:%Y-%m-%d %H:%M} UTC")
        lines.append(message.body)
    text = "\n".join(lines)
    if len(text) > MAX_SUMMARY:
        text = text[:MAX_SUMMARY] + f"\n[... cut; the whole thread is on #{source_id}]"
    return text


def link(
    desk: Desk, ticket_id: int, problem_id: int | None, *, if_version: int | None = None
) -> UpdateResult:
    """Link a ticket to the problem behind it (None unlinks).

    InvalidInput if the target is not of type ``problem`` or is the ticket itself; Conflict
    if the ticket is closed. An unchanged link writes nothing.
    """
    if problem_id == ticket_id:
        raise InvalidInput(f"ticket #{ticket_id} cannot be its own problem")

    def work(ctx: Context) -> UpdateResult:
        conn = ctx.conn
        current = write.read_one(conn, ticket_id, hidden=ctx.hidden)
        if problem_id is not None:
            kind = conn.execute(
                select(T.c.type).where(T.c.id == problem_id, T.c.queue_id.not_in(ctx.hidden))
            ).scalar()
            if kind is None:
                raise NotFound(f"ticket #{problem_id} not found")
            if kind != "problem":
                raise InvalidInput(
                    f"ticket #{problem_id} is a {kind}, not a problem; link to a ticket of "
                    "type problem (or change its type to problem first)",
                    field="problem",
                )
        seen = {ticket_id: if_version} if if_version is not None else {}
        since = write.unseen(conn, {ticket_id: current}, seen)
        the_plan = plan(
            current,
            Request(problem_id=problem_id),
            ctx.now,
            write.names(conn),
            since=since.get(ticket_id, ()),
            seen=if_version,
        )
        return write.results(ctx, [ticket_id], write.store(ctx, [the_plan]))[0]

    return transact(desk, work)
