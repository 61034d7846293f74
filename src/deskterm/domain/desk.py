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
from deskterm.errors import PermissionDenied, StoreUnavailable
from deskterm.store import schema
from deskterm.store.engine import WRITE_OPTION, Store, make_engine, mask
from deskterm.store.migrate import SchemaStatus, read_state
from deskterm.store.options import StoreOptions

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
                raise PermissionDenied(
                    f'unknown agent "{self.handle}"',
                    hint="act as a known agent with --as HANDLE or DESKTERM_AGENT, "
                    "or ask an admin to run: deskterm agent add " + self.handle,
                )
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


def connect(url: str, *, create: bool = False, options: StoreOptions | None = None) -> Store:
    """The store for ``url``, checked to answer (a clear error if it does not).

    An SQLite file that does not exist is created (owner-only, folder included) only with
    ``create=True`` (``db init``, ``db seed``, ``demo``, ``import``, the default desk);
    otherwise StoreUnavailable says how to create one. A file that is not an SQLite database
    is refused untouched; a desk that cannot be written opens read-only (``store.read_only``,
    writes raise ReadOnlyDesk). ``options`` carries the waiting limits of the config file.
    """
    store = Store(make_engine(url, create=create, options=options), url)
    try:
        with store.read() as conn:
            conn.exec_driver_sql("SELECT 1")
    except BaseException:
        store.dispose()
        raise
    return store


def open_desk(
    url: str,
    handle: str,
    *,
    initialize: bool = True,
    create: bool = False,
    options: StoreOptions | None = None,
) -> Desk:
    """Open the database at ``url`` for agent ``handle``.

    An empty database is initialized (schema at head, ``handle`` made an admin, a default
    queue) when ``initialize`` is true: that is the zero set-up first run, safe when several
    processes do it at once. ``create`` and ``options`` are as for :func:`connect`. A
    database older than the code, newer than it, or not deskterm's raises StoreUnavailable
    saying what to do.
    """
    store = connect(url, create=create, options=options)
    try:
        with store.read() as conn:
            state = read_state(conn)
        if state.status is SchemaStatus.CURRENT:
            return Desk(store, handle)
        if state.status is SchemaStatus.EMPTY and initialize:
            from deskterm.domain.setup import initialize as init_db

            desk = Desk(store, handle)
            init_db(desk)
            return desk
    except BaseException:
        store.dispose()
        raise
    store.dispose()
    raise StoreUnavailable(schema_problem(url, state.status, state.current, state.head))


def schema_problem(url: str, status: SchemaStatus, current: str | None, head: str) -> str:
    where = mask(url)
    if status is SchemaStatus.EMPTY:
        return f"database {where} has no deskterm schema yet; run: deskterm db init"
    if status is SchemaStatus.BEHIND:
        return (
            f"database {where} is at schema {current or 'none'}, this deskterm needs {head}; "
            "back it up, then run: deskterm db migrate"
        )
    if status is SchemaStatus.AHEAD:
        return (
            f"database {where} was written by a newer deskterm (schema {current}, this version "
            f"knows up to {head}); upgrade deskterm to use it. Nothing was changed."
        )
    return f"database {where} is not a deskterm database (it has other tables); nothing was changed"
