"""Escalation on breach: what ``deskterm sla tick`` does (docs/sla.md "Escalation on breach").

A ticket is escalated when it is unsolved, its earliest running due (``sla_due``) has passed,
its policy escalates on breach, and it has not yet been escalated on this breach: the ticket
remembers the ``sla_due`` of the breach it was last escalated on (``sla_escalated_due``), so a
later breach of another clock (another due) escalates it again and the same breach never does.
It moves one tier up its queue's escalation chain, unassigned, through the one workflow (its
clocks follow the new queue's policy), with an internal note naming the clock, the due and
the policy, and the audit entry ``escalated`` that a manual escalation records (so ``queue
list`` counts it). A breached ticket whose queue escalates nowhere stays where it is; it is
reported once and marked like the others.

The candidates are an index range (``sla_due`` up to now, unsolved); each chunk is then locked
and decided again inside its write transaction, so two ticks at once (cron on two hosts)
escalate every ticket once: the second finds the mark the first wrote. A chunk
(``write.CHUNK`` tickets) is one transaction: an interrupted tick leaves whole escalations
behind and the next tick goes on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final

from sqlalchemy import Select, or_, select, update
from sqlalchemy.engine import Connection

from deskterm.domain.desk import Desk
from deskterm.domain.models import FieldChange, Queue
from deskterm.domain.sla import CLOCK_COLUMNS, Clock, ClockState, Facts, running_clocks
from deskterm.domain.tickets import write
from deskterm.domain.tickets.change import escalation_chain
from deskterm.domain.tickets.plan import NewMessage, Request, plan
from deskterm.domain.tickets.write import Context
from deskterm.domain.vocab import PRIORITIES, UNSOLVED
from deskterm.store import schema

T = schema.tickets
P = schema.sla_policies
#: Who may run the tick: it moves tickets between queues on the desk's behalf.
RUNNERS: Final = ("lead", "admin")
CLOCK_NAMES: Final[Mapping[str, str]] = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


@dataclass(frozen=True, slots=True)
class Escalation:
    """One breached ticket the tick handled: moved ``to_queue``, or None (nowhere higher)."""

    ticket_id: int
    clock: Clock
    due: datetime
    policy: str
    from_queue: str
    to_queue: str | None


@dataclass(frozen=True, slots=True)
class TickResult:
    at: datetime
    escalations: tuple[Escalation, ...]
    dry_run: bool = False

    @property
    def moved(self) -> tuple[Escalation, ...]:
        return tuple(e for e in self.escalations if e.to_queue is not None)

    @property
    def stayed(self) -> tuple[Escalation, ...]:
        return tuple(e for e in self.escalations if e.to_queue is None)


def escalate_breached(desk: Desk, *, dry_run: bool = False) -> TickResult:
    """Escalate every ticket that breached under a policy that escalates (leads and admins:
    PermissionDenied otherwise). ``dry_run`` reports what would be done and changes nothing.
    Safe to run again at once, and from two hosts at once."""
    with desk.store.read() as conn:
        desk.require_role(conn, *RUNNERS)
        now = desk.now()
        policies = _escalating(conn)
        if not policies:
            return TickResult(now, (), dry_run)
        rows = list(conn.execute(_candidates(now, policies)))
        if dry_run:
            names = write.names(conn).queues
            chains = _Chains(conn)
            found = []
            for row in rows:
                clocks = ClockState.from_columns(dict(row._mapping))
                facts = Facts(
                    row.created_at, PRIORITIES[row.priority], row.status, row.first_responded_at
                )
                clock = _breached(clocks, facts, row.sla_escalated_due, now, policies)
                if clock is not None:
                    found.append(
                        _escalation(row.id, clock, clocks, row.queue_id, policies, names, chains)
                    )
            return TickResult(now, tuple(found), True)
    done: list[Escalation] = []
    ids = [row.id for row in rows]
    for chunk in write.chunks(ids):
        done.extend(write.transact(desk, partial(_escalate_chunk, ids=chunk)))
    return TickResult(now, tuple(done))


def _escalate_chunk(ctx: Context, ids: Sequence[int]) -> list[Escalation]:
    conn, now = ctx.conn, ctx.now
    ctx.desk.require_role(conn, *RUNNERS)
    # A ticket deleted by a merge since the candidates were read is simply not there.
    present = list(conn.execute(select(T.c.id).where(T.c.id.in_(ids)).order_by(T.c.id)).scalars())
    current = write.read(conn, present)
    marks = dict(conn.execute(select(T.c.id, T.c.sla_escalated_due).where(T.c.id.in_(ids))).all())
    policies = _escalating(conn)
    known = write.names(conn)
    chains = _Chains(conn)
    handled: list[Escalation] = []
    plans = []
    for ticket_id, ticket in current.items():
        assert ticket.created_at is not None  # write.read reads it
        facts = Facts(
            ticket.created_at,
            PRIORITIES[ticket.priority],
            ticket.status,
            ticket.first_responded_at,
        )
        clock = _breached(ticket.clocks, facts, marks.get(ticket_id), now, policies)
        if clock is None:
            continue  # solved, replied or escalated by another tick since the candidates
        found = _escalation(
            ticket_id, clock, ticket.clocks, ticket.queue_id, policies, known.queues, chains
        )
        handled.append(found)
        if found.to_queue is None:
            continue
        target = chains.of(ticket.queue_id)[0]
        note = (
            f"Escalated automatically from {found.from_queue} to {found.to_queue}: "
            f"{CLOCK_NAMES[clock]} breached (due {found.due:%Y-%m-%d %H:%M} UTC, "
            f"SLA policy {found.policy})"
        )
        request = Request(
            queue_id=target.id,
            assignee_id=None,
            message=NewMessage("note", note, ctx.actor.id, automatic=True),
            events=(FieldChange("escalated", found.from_queue, target.name),),
        )
        plans.append(plan(ticket, request, now, known))
    write.store(ctx, plans)
    if handled:
        # The mark is the due the ticket has now: a move to a queue with another policy may
        # have recomputed it, and that due is the breach this escalation answered.
        conn.execute(
            update(T)
            .where(T.c.id.in_([e.ticket_id for e in handled]))
            .values(sla_escalated_due=T.c.sla_due)
        )
    return handled


def _escalating(conn: Connection) -> dict[int, str]:
    """The policies that escalate on breach: id -> name."""
    return dict(conn.execute(select(P.c.id, P.c.name).where(P.c.escalate_on_breach)).all())


def _candidates(now: datetime, policies: Collection[int]) -> Select[Any]:
    """Unsolved tickets past their earliest due under an escalating policy, not yet escalated
    on that due: the range of ``ix_tickets_unsolved_sla_due``, earliest due first."""
    return (
        select(
            T.c.id,
            T.c.status,
            T.c.queue_id,
            T.c.created_at,
            T.c.priority,
            T.c.first_responded_at,
            T.c.sla_escalated_due,
            *(T.c[name] for name in CLOCK_COLUMNS),
        )
        .where(
            T.c.status.in_(UNSOLVED),
            T.c.sla_due <= now,
            T.c.sla_policy_id.in_(sorted(policies)),
            or_(T.c.sla_escalated_due.is_(None), T.c.sla_escalated_due != T.c.sla_due),
        )
        .order_by(T.c.sla_due, T.c.id)
    )


def _breached(
    clocks: ClockState,
    facts: Facts,
    escalated_due: datetime | None,
    now: datetime,
    policies: Collection[int],
) -> Clock | None:
    """The clock whose breach the ticket is to be escalated on, or None: the one rule both
    the candidates' check and the locked re-check apply. Which clocks run is the engine's
    (``running_clocks``); the breached one is the running clock whose due is ``sla_due``."""
    due = clocks.sla_due
    if (
        facts.status not in UNSOLVED
        or due is None
        or due > now
        or clocks.policy_id not in policies
        or escalated_due == due
    ):
        return None
    running = running_clocks(facts, clocks)
    return next((r.clock for r in running if r.due == due), "resolution")


def _escalation(
    ticket_id: int,
    clock: Clock,
    clocks: ClockState,
    queue_id: int,
    policies: Mapping[int, str],
    queues: Mapping[int, str],
    chains: _Chains,
) -> Escalation:
    chain = chains.of(queue_id)
    assert clocks.sla_due is not None and clocks.policy_id is not None  # see _breached
    return Escalation(
        ticket_id=ticket_id,
        clock=clock,
        due=clocks.sla_due,
        policy=policies[clocks.policy_id],
        from_queue=queues[queue_id],
        to_queue=chain[0].name if chain else None,
    )


class _Chains:
    """Each queue's escalation chain, read once per transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._chains: dict[int, list[Queue]] = {}

    def of(self, queue_id: int) -> list[Queue]:
        if queue_id not in self._chains:
            self._chains[queue_id] = escalation_chain(self._conn, queue_id)
        return self._chains[queue_id]
