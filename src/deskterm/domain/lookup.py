"""Names users type, resolved to ids inside a write transaction: queues and agents."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from deskterm.domain.models import Agent
from deskterm.errors import InvalidInput, NotFound
from deskterm.store import schema

#: At most this many names are listed in an "unknown ..." error.
LISTED = 12


def _listing(names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def queue_id(conn: Connection, name: str) -> int:
    """The queue called ``name`` (any case); NotFound lists the queues there are."""
    q = schema.queues
    rows = conn.execute(select(q.c.id, q.c.name)).all()
    wanted = " ".join(name.split()).lower()
    for row in rows:
        if row.name.lower() == wanted:
            return int(row.id)
    raise NotFound(
        f'unknown queue "{name}"; queues: {_listing([row.name for row in rows])}', what="queue"
    )


def default_queue_id(conn: Connection) -> int:
    """Where a ticket goes when no queue is named: the first queue of the lowest tier."""
    q = schema.queues
    found = conn.execute(select(q.c.id).order_by(q.c.tier, q.c.id).limit(1)).scalar()
    if found is None:
        raise NotFound("this desk has no queues; create one first")
    return int(found)


def agent_id(conn: Connection, actor: Agent, handle: str) -> int:
    """The active agent ``handle`` (``me``: the acting agent)."""
    wanted = handle.strip().lower()
    if wanted == "me":
        return actor.id
    a = schema.agents
    row = conn.execute(select(a.c.id, a.c.active).where(func.lower(a.c.handle) == wanted)).first()
    if row is None:
        known = [h for (h,) in conn.execute(select(a.c.handle).where(a.c.active.is_(True)))]
        raise NotFound(f'unknown agent "{handle}"; agents: {_listing(known)}')
    if not row.active:
        raise InvalidInput(f'agent "{handle}" is deactivated and cannot take tickets')
    return int(row.id)


def queue_name(conn: Connection, queue_id: int) -> str:
    """The name of queue ``queue_id`` (queues are readable by every agent)."""
    q = schema.queues
    return str(conn.execute(select(q.c.name).where(q.c.id == queue_id)).scalar_one())
