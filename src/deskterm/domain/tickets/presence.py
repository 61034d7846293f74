"""Presence: who has a ticket open in the console, and who is writing on it (issue 15).

A console beats (:func:`beat`) every :data:`BEAT_SECONDS` for each ticket it has open, with
what its agent is doing there (viewing, replying, noting); :func:`present` reads the other
agents' beats that are younger than :data:`PRESENCE_SECONDS`. A row is never a lock: nothing
waits on it, a console that leaves removes it (:func:`leave`), and one that dies leaves a row
that stops counting once it is old (and is removed by the next beat anyone writes).

Only tickets the reader may see are read: not those of a confidential queue the reader is
not a member of (``Desk.hidden_queues``; on PostgreSQL row security as well).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, select

from deskterm.domain.desk import Desk
from deskterm.errors import InvalidInput
from deskterm.store import schema
from deskterm.store.upsert import insert_or_update

P = schema.presence

#: What an agent can be doing on a ticket, weakest first.
ACTIVITIES: Final = ("viewing", "noting", "replying")
#: How often a console (or ``ticket reply`` in an editor) beats for what it has open.
BEAT_SECONDS: Final = 25.0
#: A beat counts this long (seconds): three beats, so one late or lost beat drops nobody.
PRESENCE_SECONDS: Final = 3 * BEAT_SECONDS


@dataclass(frozen=True, slots=True)
class Presence:
    """One agent on one ticket: ``activity`` is viewing, noting or replying."""

    ticket_id: int
    agent: str
    activity: str
    seen_at: datetime

    @property
    def phrase(self) -> str:
        """``bob is replying``."""
        return f"{self.agent} is {self.activity}"


def beat(desk: Desk, ticket_id: int, activity: str = "viewing") -> None:
    """Say that the acting agent is ``activity`` on ``ticket_id`` now."""
    if activity not in ACTIVITIES:
        raise InvalidInput(f'unknown activity "{activity}"; allowed: {", ".join(ACTIVITIES)}')
    now = desk.now()
    with desk.store.write() as conn:
        agent = desk.actor(conn)
        conn.execute(delete(P).where(P.c.seen_at < now - timedelta(seconds=PRESENCE_SECONDS)))
        insert_or_update(
            conn,
            P,
            {"agent_id": agent.id, "ticket_id": ticket_id, "activity": activity, "seen_at": now},
            ("agent_id", "ticket_id"),
        )


def leave(desk: Desk, ticket_id: int) -> None:
    """Say that the acting agent no longer has ``ticket_id`` open."""
    with desk.store.write() as conn:
        agent = desk.actor(conn)
        conn.execute(delete(P).where(P.c.agent_id == agent.id, P.c.ticket_id == ticket_id))


def present(desk: Desk, ticket_ids: Collection[int] | None = None) -> tuple[Presence, ...]:
    """The other agents on ``ticket_ids`` (None: on any ticket) whose last beat still counts,
    by ticket, then the most active first."""
    since = desk.now() - timedelta(seconds=PRESENCE_SECONDS)
    a, t = schema.agents, schema.tickets
    with desk.store.read() as conn:
        me = desk.actor(conn)
        stmt = (
            select(P.c.ticket_id, a.c.handle, P.c.activity, P.c.seen_at)
            .select_from(P.join(a, a.c.id == P.c.agent_id).join(t, t.c.id == P.c.ticket_id))
            .where(P.c.seen_at >= since, P.c.agent_id != me.id)
            .order_by(P.c.ticket_id, a.c.handle)
        )
        if ticket_ids is not None:
            stmt = stmt.where(P.c.ticket_id.in_(list(ticket_ids)))
        hidden = desk.hidden_queues(conn)
        if hidden:  # on PostgreSQL row security says the same; on SQLite only this does
            stmt = stmt.where(t.c.queue_id.not_in(hidden))
        found = [Presence(*row) for row in conn.execute(stmt)]
    rank = {name: index for index, name in enumerate(ACTIVITIES)}
    return tuple(sorted(found, key=lambda p: (p.ticket_id, -rank.get(p.activity, 0), p.agent)))
