"""Who works which queue (table ``queue_members``): leads and admins put agents in queues and
take them out; anyone may look. Membership limits take-next (``tickets.take``): an agent in
any queue takes only from their queues, an agent in none from all of them. Joining twice or
leaving a queue one is not in changes nothing and says so (``changed`` False).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Row

from deskterm.domain.desk import Desk
from deskterm.domain.models import Member
from deskterm.domain.queues.catalog import MANAGERS, find, manage, members_of, seen_rows
from deskterm.errors import InvalidInput, NotFound
from deskterm.store import schema
from deskterm.store.upsert import insert_one_missing

M = schema.queue_members
A = schema.agents


@dataclass(frozen=True, slots=True)
class MembershipChange:
    """What ``join``/``leave`` did for one agent: ``changed`` is False when the agent was
    already in (joining) or not in (leaving) the queue."""

    queue: str
    handle: str
    member: bool
    changed: bool


def queue_members(desk: Desk, name: str) -> list[Member]:
    """The agents in queue ``name``, by handle."""
    with desk.store.read() as conn:
        desk.actor(conn)
        return members_of(conn, find(seen_rows(desk, conn), name))


def join_queue(desk: Desk, queue: str, handles: Sequence[str]) -> list[MembershipChange]:
    """Put agents (``me``: the acting one) in a queue; leads and admins. A deactivated
    agent is refused; one already in is left as is (``changed`` False)."""
    return _membership(desk, queue, handles, member=True)


def leave_queue(desk: Desk, queue: str, handles: Sequence[str]) -> list[MembershipChange]:
    """Take agents out of a queue; leads and admins. One not in it is left as is."""
    return _membership(desk, queue, handles, member=False)


def _membership(
    desk: Desk, queue: str, handles: Sequence[str], *, member: bool
) -> list[MembershipChange]:
    wanted = list(dict.fromkeys(h.strip().lower() for h in handles)) or ["me"]
    with desk.store.write() as conn:
        desk.require_role(conn, *MANAGERS)
        row = find(seen_rows(desk, conn), queue)
        me = manage(desk, conn, row)
        results: list[MembershipChange] = []
        for handle in wanted:
            agent = _agent(conn, me.handle if handle == "me" else handle, joining=member)
            if member:
                # Two leads adding the same agent at once: one inserts, neither fails.
                pair = {"queue_id": row.id, "agent_id": agent.id, "added_at": desk.now()}
                changed = insert_one_missing(conn, M, pair, ("queue_id", "agent_id"))
            else:
                gone = conn.execute(
                    delete(M).where(M.c.queue_id == row.id, M.c.agent_id == agent.id)
                )
                changed = gone.rowcount == 1
            results.append(MembershipChange(row.name, agent.handle, member, changed))
        return results


def _agent(conn: Connection, handle: str, *, joining: bool) -> Row[Any]:
    row = conn.execute(select(A).where(func.lower(A.c.handle) == handle.lower())).first()
    if row is None:
        raise NotFound(f'unknown agent "{handle}"', what="agent")
    if joining and not row.active:
        raise InvalidInput(f'agent "{row.handle}" is deactivated and cannot join a queue')
    return row
