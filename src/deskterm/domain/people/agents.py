"""Agents and their roles (agent, lead, admin). Managing agents needs the admin role.

On PostgreSQL an agent has a database login (``agents.db_role``): the login they connect
with is who they are (``Desk``, docs/team.md). ``add_agent(login=...)`` and ``set_login``
create that login (in the group ``deskterm_agent``) or map the one there is.
"""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from deskterm.domain import validate
from deskterm.domain.desk import Desk, agent_from_row
from deskterm.domain.models import Agent
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema, security

A = schema.agents
#: A PostgreSQL login deskterm creates or maps: a plain name (quoted in SQL all the same).
_LOGIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$")


def _login_name(value: str) -> str:
    text = value.strip()
    if not _LOGIN.match(text):
        raise InvalidInput(
            f'invalid database login "{value}"; use up to 63 of A-Z a-z 0-9 _ . @ -, '
            "starting with a letter or _",
            field="login",
        )
    return text


def _map_login(conn: Connection, login: str, agent_id: int | None) -> None:
    """Create or map ``login`` for an agent (PostgreSQL only); Conflict if another agent
    has it."""
    if conn.dialect.name != "postgresql":
        raise InvalidInput(
            "--login maps a PostgreSQL login; on SQLite the acting agent is --as or "
            "DESKTERM_AGENT, and the file's permissions guard it (docs/team.md)",
            field="login",
        )
    other = conn.execute(select(A.c.handle, A.c.id).where(A.c.db_role == login)).first()
    if other is not None and other.id != agent_id:
        raise Conflict(f'the database login "{login}" is already agent "{other.handle}"')
    security.ensure_login(conn, login)


def list_agents(desk: Desk, *, include_inactive: bool = False) -> list[Agent]:
    with desk.store.read() as conn:
        desk.actor(conn)
        stmt = select(A).order_by(A.c.handle)
        if not include_inactive:
            stmt = stmt.where(A.c.active.is_(True))
        return [agent_from_row(row) for row in conn.execute(stmt)]


def add_agent(
    desk: Desk,
    handle: str,
    *,
    name: str | None = None,
    email: str | None = None,
    role: str = "agent",
    login: str | None = None,
) -> Agent:
    """Add an agent (admins only). Conflict if the handle is taken, or ``login`` is another
    agent's. ``login`` (PostgreSQL only): the database login they connect as, created (in
    the group ``deskterm_agent``, without a password) or mapped if it exists."""
    clean = validate.handle(handle)
    clean_login = _login_name(login) if login is not None else None
    clean_role = validate.role(role)
    clean_email = validate.email(email) if email else None
    display = validate.storable(" ".join((name or clean).split()))
    if not display or len(display) > 200:
        raise InvalidInput("agent name must be 1 to 200 characters")
    with desk.store.write() as conn:
        desk.require_role(conn, "admin")
        taken = conn.execute(select(A.c.id).where(func.lower(A.c.handle) == clean)).first()
        if taken:
            raise Conflict(f'agent "{clean}" already exists')
        if clean_login is not None:
            _map_login(conn, clean_login, None)
        conn.execute(
            insert(A).values(
                handle=clean,
                name=display,
                email=clean_email,
                role=clean_role,
                active=True,
                created_at=desk.now(),
                db_role=clean_login,
            )
        )
        return agent_from_row(conn.execute(select(A).where(A.c.handle == clean)).one())


def set_role(desk: Desk, handle: str, role: str) -> Agent:
    """Change an agent's role (admins only). The last admin cannot demote themselves."""
    clean_role = validate.role(role)
    with desk.store.write() as conn:
        desk.require_role(conn, "admin")
        row = conn.execute(select(A).where(func.lower(A.c.handle) == handle.lower())).first()
        if row is None:
            raise NotFound(f'unknown agent "{handle}"', what="agent")
        if row.role == "admin" and clean_role != "admin":
            admins = conn.execute(
                select(func.count()).select_from(A).where(A.c.role == "admin", A.c.active.is_(True))
            ).scalar_one()
            if admins <= 1:
                raise Conflict(f'"{row.handle}" is the last admin; make another admin first')
        conn.execute(update(A).where(A.c.id == row.id).values(role=clean_role))
        return agent_from_row(conn.execute(select(A).where(A.c.id == row.id)).one())


def set_login(desk: Desk, handle: str, login: str | None) -> Agent:
    """Map agent ``handle`` to the PostgreSQL ``login`` (created or mapped as for
    :func:`add_agent`), or unmap it (None); admins only. The role itself is never dropped."""
    clean_login = _login_name(login) if login is not None else None
    with desk.store.write() as conn:
        desk.require_role(conn, "admin")
        row = conn.execute(select(A).where(func.lower(A.c.handle) == handle.lower())).first()
        if row is None:
            raise NotFound(f'unknown agent "{handle}"', what="agent")
        if clean_login is not None:
            _map_login(conn, clean_login, row.id)
        conn.execute(update(A).where(A.c.id == row.id).values(db_role=clean_login))
        return agent_from_row(conn.execute(select(A).where(A.c.id == row.id)).one())


def whoami(desk: Desk) -> Agent:
    with desk.store.read() as conn:
        return desk.actor(conn)
