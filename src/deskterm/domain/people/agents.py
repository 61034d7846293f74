"""Agents and their roles (agent, lead, admin). Managing agents needs the admin role."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from deskterm.domain import validate
from deskterm.domain.desk import Desk, agent_from_row
from deskterm.domain.models import Agent
from deskterm.errors import Conflict, InvalidInput, NotFound
from deskterm.store import schema

A = schema.agents


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
) -> Agent:
    """Add an agent (admins only). Conflict if the handle is taken."""
    clean = validate.handle(handle)
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
        conn.execute(
            insert(A).values(
                handle=clean,
                name=display,
                email=clean_email,
                role=clean_role,
                active=True,
                created_at=desk.now(),
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


def whoami(desk: Desk) -> Agent:
    with desk.store.read() as conn:
        return desk.actor(conn)
