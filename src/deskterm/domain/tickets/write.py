"""The one versioned write, and the transaction every ticket change runs in.

:func:`transact` runs a change in a write transaction and runs it again, a bounded number of
times, when the database aborted it to resolve a deadlock or a serialization failure
(``RetryableConflict``); the caller never sees those unless they persist.

:func:`read` reads tickets for writing (``FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already holds the lock) with their tags and the audit events a caller has
not seen; :func:`store` writes plans: ``UPDATE ... SET ..., version = version + 1 WHERE id = :id
AND version = :read``, the tag rows, the message, and one audit event per change, stamped with
the new version. Many plans go out as one ``executemany`` per kind of row, so ten thousand
tickets cost a few dozen statements; one ticket is the same code with a list of one.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, TypeVar

from sqlalchemy import (
    BindParameter,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from deskterm.domain import tags as tag_store
from deskterm.domain.desk import Desk
from deskterm.domain.models import Agent, AuditEvent, FieldChange, UpdateResult
from deskterm.domain.sla import CLOCK_COLUMNS, ClockState
from deskterm.domain.tickets import clocks, versioned
from deskterm.domain.tickets import outbox as mail_out
from deskterm.domain.tickets.convert import ticket_from_row
from deskterm.domain.tickets.plan import Current, Names, NewRating, Plan, stale
from deskterm.domain.tickets.read import history, ticket_select
from deskterm.errors import NotFound, RetryableConflict
from deskterm.store import schema
from deskterm.store.engine import new_id

T = schema.tickets
C = schema.contacts
R = TypeVar("R")
CHUNK: Final = 500
#: Attempts of a transaction the database aborted to break a deadlock, the first pause and the
#: longest (doubling in between, with jitter so that the writers involved do not meet again).
ATTEMPTS: Final = 8
BACKOFF: Final = 0.05
MAX_BACKOFF: Final = 1.0


@dataclass(frozen=True, slots=True)
class Context:
    """Who is acting and when, for everything one transaction writes."""

    conn: Connection
    desk: Desk
    actor: Agent
    now: datetime
    #: The confidential queues the actor may not see (``Desk.hidden_queues``): their tickets
    #: are not found, and no ticket is put in them.
    hidden: frozenset[int] = frozenset()
    #: What the transaction read once and reuses (:meth:`once`).
    memo: dict[str, Any] = field(default_factory=dict, compare=False)
    #: New tickets a triage rule files in a confidential queue the actor may not see: ticket
    #: id -> queue id, put there last, just before the commit (:func:`file_last`).
    filing: dict[int, int] = field(default_factory=dict, compare=False)

    def once(self, key: str, read: Callable[[], R]) -> R:
        """``read()`` the first time in this transaction, its answer after that: for what no
        ticket change alters (the desk's queues, agents, SLA policies and rules), read once
        by a batch of ten thousand creates instead of once per ticket."""
        if key not in self.memo:
            self.memo[key] = read()
        found: R = self.memo[key]
        return found


def transact(desk: Desk, work: Callable[[Context], R]) -> R:
    """Run ``work`` in one write transaction; again (up to :data:`ATTEMPTS` times, with a
    growing random pause) if the database aborted it to break a deadlock."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with desk.store.write() as conn:
                actor = desk.actor(conn)
                ctx = Context(conn, desk, actor, desk.now(), desk.hidden_queues(conn))
                result = work(ctx)
                file_last(ctx)
                return result
        except RetryableConflict:
            if attempt == ATTEMPTS:
                raise
            time.sleep(BACKOFF * attempt * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


#: The desk's queue names and agent handles by id (``Names``).
QUEUE_NAMES: Final = select(schema.queues.c.id, schema.queues.c.name)
AGENT_HANDLES: Final = select(schema.agents.c.id, schema.agents.c.handle)


def names(conn: Connection) -> Names:
    return Names(
        queues=dict(conn.execute(QUEUE_NAMES).all()),
        agents=dict(conn.execute(AGENT_HANDLES).all()),
        policies=clocks.load(conn),
    )


def read(
    conn: Connection,
    ids: Sequence[int],
    *,
    lock: bool = True,
    hidden: AbstractSet[int] = frozenset(),
) -> dict[int, Current]:
    """The tickets ``ids``, locked for this transaction (``lock``; a preview that writes
    nothing reads them unlocked); NotFound names the first missing, or the first in a queue
    of ``hidden`` (``Context.hidden``: to this agent it is not there)."""
    # Statements built once, the ids their parameter: building them was most of the cost of
    # reading one ticket (a mail import reads one for each reply).
    given = {"ids": list(ids)}
    rows = {row.id: row for row in conn.execute(_READ_LOCKED if lock else _READ, given)}
    for ticket_id in ids:
        if ticket_id not in rows or rows[ticket_id].queue_id in hidden:
            raise NotFound(f"ticket #{ticket_id} not found")
    tags: dict[int, list[str]] = defaultdict(list)
    for ticket_id, name in conn.execute(_TAGS, given):
        tags[ticket_id].append(name)
    return {ticket_id: _current(row, tags.get(ticket_id, ())) for ticket_id, row in rows.items()}


def read_statement(ids: Sequence[int] | BindParameter[Any]) -> Select[Any]:
    """The tickets ``ids`` as a write reads them (``plan.Current``'s columns, the clocks
    last), in id order; ``read`` adds ``FOR UPDATE``."""
    return (
        select(
            T.c.id,
            T.c.status,
            T.c.priority,
            T.c.type,
            T.c.subject,
            T.c.queue_id,
            T.c.assignee_id,
            T.c.first_responded_at,
            T.c.solved_at,
            T.c.merged_into_id,
            T.c.problem_id,
            T.c.version,
            T.c.created_at,
            select(C.c.organization_id)
            .where(C.c.id == T.c.requester_id)
            .scalar_subquery()
            .label("organization_id"),
            *(T.c[name] for name in CLOCK_COLUMNS),
        )
        .where(T.c.id.in_(ids))
        # Locks are taken in id order, so two bulk changes over overlapping tickets wait
        # for each other instead of deadlocking.
        .order_by(T.c.id)
    )


def tags_statement(ids: Sequence[int] | BindParameter[Any]) -> Select[Any]:
    """The tags of the tickets ``ids``: (ticket id, tag name) rows."""
    return (
        select(schema.ticket_tags.c.ticket_id, schema.tags.c.name)
        .join(schema.tags, schema.tags.c.id == schema.ticket_tags.c.tag_id)
        .where(schema.ticket_tags.c.ticket_id.in_(ids))
    )


_READ: Final = read_statement(bindparam("ids", expanding=True))
_READ_LOCKED: Final = _READ.with_for_update()
_TAGS: Final = tags_statement(bindparam("ids", expanding=True))


def _current(row: Any, tags: Sequence[str]) -> Current:
    return current_from(dict(row._mapping), tags)


def current_from(fields: dict[str, Any], tags: Sequence[str]) -> Current:
    """A ``Current`` from the columns of :func:`read_statement` by name (times as aware
    datetimes) and the ticket's tags."""
    clocks = ClockState.from_columns(fields)
    for name in CLOCK_COLUMNS:
        del fields[name]
    return Current(**fields, tags=tuple(sorted(tags)), clocks=clocks)


def lock(conn: Connection, ids: Sequence[int]) -> None:
    """Lock the tickets ``ids`` that exist, in id order, for the rest of the transaction.

    A transaction that will change several tickets in an order of its own (a batch, line by
    line) takes their locks first, in the order every bulk change takes them, so that the two
    wait for each other instead of deadlocking. Missing tickets are left to the step that
    names them.
    """
    wanted = sorted(set(ids))
    for chunk in chunks(wanted):
        conn.execute(select(T.c.id).where(T.c.id.in_(chunk)).order_by(T.c.id).with_for_update())


def read_one(
    conn: Connection, ticket_id: int, *, hidden: AbstractSet[int] = frozenset()
) -> Current:
    return read(conn, [ticket_id], hidden=hidden)[ticket_id]


def confine(ctx: Context, queue_id: int) -> None:
    """PermissionDenied when the actor may not put a ticket in queue ``queue_id`` (a
    confidential queue they are not a member of)."""
    versioned.confine(CoreWriter(ctx.conn), ctx.hidden, queue_id)


def unseen(
    conn: Connection, current: Mapping[int, Current], seen: Mapping[int, int]
) -> dict[int, list[AuditEvent]]:
    """The audit events after the version each caller saw, for the tickets that moved on."""
    return {
        ticket_id: history(conn, ticket_id, since_version=version)
        for ticket_id, version in seen.items()
        if ticket_id in current and current[ticket_id].version > version
    }


def store(
    ctx: Context, plans: Sequence[Plan], *, new_tickets: bool = False
) -> dict[int, tuple[FieldChange, ...]]:
    """Write every plan that changes something (``versioned.store``, through SQLAlchemy);
    returns each ticket's audit entries (with the message entry first when the plan adds
    one). ``new_tickets``: the plans are new tickets' triage, whose rules may file a ticket
    in a confidential queue its creator may not see (last: :func:`file_last`)."""
    return versioned.store(
        CoreWriter(ctx.conn),
        plans,
        actor_id=ctx.actor.id,
        now=ctx.now,
        hidden=ctx.hidden,
        file_later=ctx.filing.__setitem__ if new_tickets else None,
    )


def file_last(ctx: Context) -> None:
    """Put the new tickets of ``ctx.filing`` in their confidential queues, the transaction's
    last write: until now they stayed where their creator sees them, so that everything
    else the transaction wrote of them (thread, history, files, mail) could be. On
    PostgreSQL row security would refuse the creator's login this move; the desk's function
    ``deskterm_file_new_ticket`` (migration 0023) makes it, for a ticket created in this
    very transaction only. The audit entry of the move was written with the rule's step."""
    for ticket_id, queue_id in ctx.filing.items():
        if ctx.conn.dialect.name == "postgresql":
            filed = ctx.conn.execute(
                text("SELECT deskterm_file_new_ticket(:ticket, :queue)"),
                {"ticket": ticket_id, "queue": queue_id},
            ).scalar()
            if not filed:
                raise AssertionError(f"ticket #{ticket_id} was not created in this transaction")
        else:
            ctx.conn.execute(update(T).where(T.c.id == ticket_id).values(queue_id=queue_id))
    ctx.filing.clear()


#: A thread entry's INSERT (built once: the values are bound per message).
MESSAGE: Final = insert(schema.messages)
#: The inserts of ``versioned.store``'s rows, by table.
INSERTS: Final = {
    "audit_events": insert(schema.audit_events),
    "time_entries": insert(schema.time_entries),
}


def update_statement(columns: Sequence[str], now: datetime) -> Update:
    """The versioned UPDATE of ``columns``, guarded by the version read (``b_seen``)."""
    return (
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


class CoreWriter:
    """``versioned.Writer`` through SQLAlchemy Core, on SQLite and PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def message(self, values: dict[str, Any]) -> int:
        return new_id(self.conn.execute(MESSAGE, values))

    def update(self, columns: tuple[str, ...], params: list[dict[str, Any]], now: datetime) -> None:
        _update(self.conn, columns, params, now)

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.conn.execute(INSERTS[table], rows)

    def move_tags(
        self, tags_in: Sequence[tuple[int, str]], tags_out: Sequence[tuple[int, str]]
    ) -> None:
        _move_tags(self.conn, tags_in, tags_out)

    def rate(self, ticket_id: int, rating: NewRating, values: dict[str, Any]) -> None:
        """Store a rating of the solve it names: a new row, or the solve's row replaced."""
        r = schema.ratings
        if rating.previous is not None:
            self.conn.execute(
                update(r)
                .where(r.c.ticket_id == ticket_id, r.c.solved_at == rating.solved_at)
                .values(values)
            )
        else:
            self.conn.execute(
                insert(r).values(ticket_id=ticket_id, solved_at=rating.solved_at, **values)
            )

    def enqueue(self, items: Sequence[mail_out.Outgoing], now: datetime) -> None:
        mail_out.enqueue(self.conn, items, now)

    def queue_name(self, queue_id: int) -> str:
        return names(self.conn).queues.get(queue_id, str(queue_id))


def record_created(ctx: Context, ticket_id: int, subject: str) -> None:
    """The audit event of a new ticket (version 1)."""
    # The row as parameters of a statement built once: one of these per new ticket.
    ctx.conn.execute(
        _AUDIT_INSERT,
        {
            "ticket_id": ticket_id,
            "actor_id": ctx.actor.id,
            "field": "created",
            "old_value": None,
            "new_value": subject,
            "version": 1,
            "at": ctx.now,
        },
    )


_AUDIT_INSERT: Final = insert(schema.audit_events)


def _update(
    conn: Connection, columns: Sequence[str], params: list[dict[str, Any]], now: datetime
) -> None:
    """One executemany of the versioned UPDATE of ``columns``, each row guarded by the
    version read."""
    result = conn.execute(update_statement(columns, now), params)
    # The rows are locked (BEGIN IMMEDIATE / FOR UPDATE), so this is a safety net only.
    if conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(params):
        check_versions(conn, params)


def check_versions(conn: Connection, params: Sequence[Mapping[str, Any]]) -> None:
    """NotFound or StaleVersion for the first ticket of ``params`` not at ``b_new`` now."""
    for item in params:
        now_at = conn.execute(select(T.c.version).where(T.c.id == item["b_id"])).scalar()
        if now_at != item["b_new"]:
            if now_at is None:
                raise NotFound(f"ticket #{item['b_id']} not found")
            raise stale(
                item["b_id"],
                item["b_seen"],
                now_at,
                history(conn, item["b_id"], since_version=item["b_seen"]),
            )


def _move_tags(
    conn: Connection, tags_in: Sequence[tuple[int, str]], tags_out: Sequence[tuple[int, str]]
) -> None:
    if not tags_in and not tags_out:
        return
    ids = tag_store.ids_for(conn, {name for _t, name in tags_in}, create=True)
    ids.update(tag_store.ids_for(conn, {name for _t, name in tags_out}, create=False))
    if tags_in:
        conn.execute(
            insert(schema.ticket_tags),
            [{"ticket_id": ticket_id, "tag_id": ids[name]} for ticket_id, name in tags_in],
        )
    if tags_out:
        conn.execute(
            delete(schema.ticket_tags).where(
                and_(
                    schema.ticket_tags.c.ticket_id == bindparam("t_id"),
                    schema.ticket_tags.c.tag_id == bindparam("g_id"),
                )
            ),
            [{"t_id": ticket_id, "g_id": ids[name]} for ticket_id, name in tags_out],
        )


def results(
    ctx: Context, ids: Sequence[int], written: Mapping[int, tuple[FieldChange, ...]]
) -> list[UpdateResult]:
    """Each ticket as it is now, with the audit entries this transaction wrote for it."""
    rows = ctx.conn.execute(ticket_select(ctx.conn.dialect.name).where(T.c.id.in_(ids)))
    loaded = {row.id: ticket_from_row(row, ctx.now) for row in rows}
    return [UpdateResult(loaded[i], written.get(i, ())) for i in ids]
