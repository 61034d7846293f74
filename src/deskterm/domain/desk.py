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

from deskterm.domain.models import Agent
from deskterm.errors import IdentityRefused, PermissionDenied, UnknownAgent
from deskterm.store import schema
from deskterm.store.engine import WRITE_OPTION, Store

#: Seconds a read may reuse the acting agent's row before looking it up again.
ACTOR_TTL = 30.0


def utcnow() -> datetime:
    # Whole seconds: machine output keeps one fixed width and nobody reads microseconds.
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Login:
    """The PostgreSQL login a desk is opened with, and whether it may act for others by
    itself (a superuser, or a member of the role that owns the desk's tables)."""

    name: str
    superuser: bool
    owner: bool


_LOGIN_SQL = """
SELECT session_user AS name,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
           AS superuser,
       pg_has_role(session_user,
                   (SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass), 'MEMBER')
           AS owner
"""


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
            conn.execute(
                text("SELECT set_config('deskterm.agent', :handle, true)"),
                {"handle": self._acting_for},
            )
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
            row = conn.execute(text(_LOGIN_SQL)).one()
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
        asked = self.handle.lower()
        if mine is not None and (not self.handle_given or mine.handle.lower() == asked):
            self.handle = mine.handle
            self._acting_for = None
            return mine
        may_act = (
            login.superuser
            or login.owner
            or (mine is not None and mine.active and mine.role == "admin")
        )
        if not may_act:
            if mine is None:
                raise IdentityRefused(
                    f'the database login "{login.name}" is not an agent of this desk; an admin '
                    f"maps it with: deskterm agent add HANDLE --login {login.name}",
                    handle=self.handle,
                    login=login.name,
                )
            raise IdentityRefused(
                f'the database login "{login.name}" is agent "{mine.handle}" and may not act '
                f"as \"{self.handle}\": only an admin's login, the desk's owner or a superuser "
                "may",
                handle=self.handle,
                login=login.name,
            )
        row = self._agent_row(conn, self.handle)
        if row is not None:
            self.handle = row.handle
            acting_for_other = mine is None or mine.id != row.id
            self._acting_for = row.handle if acting_for_other and not login.superuser else None
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
    Q, M = schema.queues, schema.queue_members
    mine = select(M.c.queue_id).where(M.c.agent_id == agent.id)
    found = conn.execute(select(Q.c.id).where(Q.c.confidential.is_(True), Q.c.id.not_in(mine)))
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
