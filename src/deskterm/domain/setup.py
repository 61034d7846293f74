"""Creating a desk: schema, first admin, default queue. Used by ``db init`` and first use."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from deskterm.domain.desk import Desk
from deskterm.store import schema
from deskterm.store.migrate import upgrade

DEFAULT_QUEUE = "Service Desk"


def initialize(desk: Desk) -> bool:
    """Bring the schema to head and, on a desk with no agents, make the actor its admin.

    Returns True when this call created the first admin. Idempotent: running it on an
    initialized desk changes nothing.
    """
    upgrade(desk.store)
    now = desk.now()
    with desk.store.write() as conn:
        agents = conn.execute(select(func.count()).select_from(schema.agents)).scalar_one()
        created = False
        if agents == 0:
            conn.execute(
                insert(schema.agents).values(
                    handle=desk.handle,
                    name=desk.handle,
                    email=None,
                    role="admin",
                    active=True,
                    created_at=now,
                )
            )
            created = True
        queues = conn.execute(select(func.count()).select_from(schema.queues)).scalar_one()
        if queues == 0:
            conn.execute(
                insert(schema.queues).values(
                    name=DEFAULT_QUEUE,
                    tier="L1",
                    description="First line: every new ticket lands here unless routed.",
                    created_at=now,
                )
            )
    return created
