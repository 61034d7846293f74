"""The Desk: the store plus who is acting. Every domain call takes one.

Who is acting (docs/team.md): on SQLite, the handle given (``--as``, ``DESKTERM_AGENT``,
the config file, else the login name), guarded by the file's permissions. On PostgreSQL,
the agent whose ``db_role`` is the database login; a handle naming another agent is
refused (IdentityRefused) unless the login may act for others: a superuser, the desk's
owner (a member of the role owning its tables) or an admin agent's login. Such a login
acting for an agent also names it to row-level security for the transaction
(``deskterm.agent``, see ``store/security.py``). Which queues the actor may not see
(:meth:`Desk.hidden_queues`) confines every read and write of tickets on both backends.

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

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Row

from deskterm.domain.identity import HIDDEN_SQL, LOGIN_SQL, NAME_AGENT_SQL, Login, choose
from deskterm.domain.models import Agent
from deskterm.errors import IdentityRefused, PermissionDenied, UnknownAgent
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
    #: Whether ``handle`` was asked for (``--as``, ``DESKTERM_AGENT``, the config file) rather
    #: than taken from the login name: on PostgreSQL an asked-for handle that is not the
    #: login's own agent is acting for another.
    handle_given: bool = True
    _actor: Agent | None = field(default=None, repr=False)
    _actor_read_at: float | None = field(default=None, repr=False)
    _hidden: frozenset[int] = field(default=frozenset(), repr=False)
    _login: Login | None = field(default=None, repr=False)
    #: The acting agent, when this PostgreSQL login acts for another (named to row security).
    _acting_for: str | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def actor(self, conn: Connection) -> Agent:
        """The acting agent; IdentityRefused if the handle is unknown or deactivated.

        Write transactions always read the agent afresh, so a demoted or deactivated agent
        loses the right at once even in a console left open all day; reads reuse the last
        answer for a short while (a list page should not pay for a lookup).
        """
        stale = self._actor_read_at is None or monotonic() - self._actor_read_at > ACTOR_TTL
        if self._actor is None or stale or conn.get_execution_options().get(WRITE_OPTION):
            if conn.dialect.name == "postgresql":
                row = self._database_agent(conn)
            else:
                row = self._agent_row(conn, self.handle)
            if row is None:
                raise UnknownAgent(f'unknown agent "{self.handle}"', handle=self.handle)
            if not row.active:
                raise IdentityRefused(f'agent "{row.handle}" is deactivated', handle=row.handle)
            self._actor = agent_from_row(row)
            self._hidden = _hidden_queues(conn, self._actor)
            self._actor_read_at = monotonic()
        if self._acting_for is not None:
            conn.execute(text(NAME_AGENT_SQL), {"handle": self._acting_for})
        return self._actor

    def hidden_queues(self, conn: Connection) -> frozenset[int]:
        """The ids of the confidential queues the acting agent is not a member of (none for
        an admin): their tickets are, to this agent, not there."""
        self.actor(conn)
        return self._hidden

    def login(self, conn: Connection) -> Login | None:
        """The PostgreSQL login (read once: it cannot change); None on SQLite."""
        if conn.dialect.name != "postgresql":
            return None
        if self._login is None:
            row = conn.execute(text(LOGIN_SQL)).one()
            self._login = Login(str(row.name), bool(row.superuser), bool(row.owner))
        return self._login

    @staticmethod
    def _agent_row(conn: Connection, handle: str) -> Row[Any] | None:
        return conn.execute(select(schema.agents).where(schema.agents.c.handle == handle)).first()

    def _database_agent(self, conn: Connection) -> Row[Any] | None:
        """The acting agent on PostgreSQL: the login's own, or (for a login that may act for
        others) the one asked for. IdentityRefused for anyone else asking."""
        login = self.login(conn)
        assert login is not None
        A = schema.agents
        mine = conn.execute(select(A).where(A.c.db_role == login.name)).first()
        own = mine is not None and (
            not self.handle_given or mine.handle.lower() == self.handle.lower()
        )
        asked = None if own else self._agent_row(conn, self.handle)
        row: Row[Any] | None
        row, acting_for = choose(login, mine, asked, self.handle, handle_given=self.handle_given)
        if row is not None:
            self.handle = row.handle
            self._acting_for = acting_for
        return row

    def require_role(self, conn: Connection, *roles: str) -> Agent:
        agent = self.actor(conn)
        if agent.role not in roles:
            raise PermissionDenied(
                f'agent "{agent.handle}" is {agent.role}; this needs {" or ".join(roles)}'
            )
        return agent

    def close(self) -> None:
        self.store.dispose()


def _hidden_queues(conn: Connection, agent: Agent) -> frozenset[int]:
    if agent.role == "admin":
        return frozenset()
    found = conn.execute(text(HIDDEN_SQL), {"agent": agent.id})
    return frozenset(int(i) for i in found.scalars())


def agent_from_row(row: Row[Any]) -> Agent:
    return Agent(
        id=row.id,
        handle=row.handle,
        name=row.name,
        email=row.email,
        role=row.role,
        active=bool(row.active),
        login=row.db_role,
    )
