"""Creating a desk: schema, first admin, default queue. Used by ``db init`` and first use."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from deskterm.domain.desk import Desk
from deskterm.domain.setup.schema import schema_mismatch
from deskterm.store import schema
from deskterm.store.migrate import SchemaStatus, lock_for_setup, read_state, upgrade_in

DEFAULT_QUEUE = "Service Desk"


def initialize(desk: Desk) -> bool:
    """Bring the schema to head and, on a desk with no agents, make the actor its admin.

    Returns True when this call created the first admin. One transaction, one process at a
    time (the store's setup lock): when several processes open an empty database at once,
    one creates the schema, the admin and the default queue, and the others find them made.
    Idempotent: running it on an initialized desk changes nothing. A database that is not
    deskterm's, or newer than this code, raises StoreUnavailable and is left untouched.
    """
    now = desk.now()
    with desk.store.write() as conn:
        lock_for_setup(conn)
        state = read_state(conn)
        if state.status in (SchemaStatus.AHEAD, SchemaStatus.FOREIGN):
            raise schema_mismatch(desk.store.url, state)
        if state.status is not SchemaStatus.CURRENT:
            upgrade_in(conn)
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
