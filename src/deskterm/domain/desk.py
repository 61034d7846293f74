"""The Desk: the store plus who is acting. Every domain call takes one.

``open_desk`` is where a command meets its database: it builds the engine, checks the schema
against the code (cheaply, without Alembic), initializes a brand-new empty database, and
refuses one that is older or newer than the code with the exact thing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from deskterm.domain.models import Agent
from deskterm.errors import PermissionDenied, UnknownAgent
from deskterm.store import schema
from deskterm.store.engine import WRITE_OPTION, Store

#: Seconds a read may reuse the acting agent's row before looking it up again.
ACTOR_TTL = 30.0


def utcnow() -> datetime:
    # Whole seconds: machine output keeps one fixed width and nobody reads microseconds.
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Desk:
    store: Store
    handle: str
    clock: Callable[[], datetime] = utcnow
    _actor: Agent | None = field(default=None, repr=False)
    _actor_read_at: float | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def actor(self, conn: Connection) -> Agent:
        """The acting agent; PermissionDenied if the handle is unknown or deactivated.

        Write transactions always read the agent afresh, so a demoted or deactivated agent
        loses the right at once even in a console left open all day; reads reuse the last
        answer for a short while (a list page should not pay for a lookup).
        """
        stale = self._actor_read_at is None or monotonic() - self._actor_read_at > ACTOR_TTL
        if self._actor is None or stale or conn.get_execution_options().get(WRITE_OPTION):
            row = conn.execute(
                select(schema.agents).where(schema.agents.c.handle == self.handle)
            ).first()
            if row is None:
                raise UnknownAgent(f'unknown agent "{self.handle}"', handle=self.handle)
            if not row.active:
                raise PermissionDenied(f'agent "{self.handle}" is deactivated')
            self._actor = agent_from_row(row)
            self._actor_read_at = monotonic()
        return self._actor

    def require_role(self, conn: Connection, *roles: str) -> Agent:
        agent = self.actor(conn)
        if agent.role not in roles:
            raise PermissionDenied(
                f'agent "{agent.handle}" is {agent.role}; this needs {" or ".join(roles)}'
            )
        return agent

    def close(self) -> None:
        self.store.dispose()


def agent_from_row(row: Row[Any]) -> Agent:
    return Agent(
        id=row.id,
        handle=row.handle,
        name=row.name,
        email=row.email,
        role=row.role,
        active=bool(row.active),
    )
