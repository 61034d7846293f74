"""Who is acting on a PostgreSQL desk, decided once for both readers.

The rules (docs/team.md, DECISIONS "On PostgreSQL the login is the agent"): the acting agent
is the one whose ``db_role`` is the database login (``session_user``); a handle naming
another agent is refused unless the login may act for others (a superuser, the desk's owner
or a member of the owner role, or an active admin agent's login). Such a login acting for
an agent that is not its own names it to row-level security for each transaction
(``deskterm.agent``); a superuser is not named (row security does not apply to it, and the
domain's own filter confines it).

``Desk`` (through SQLAlchemy) and the light reader (``tickets.LightDesk``, plain psycopg)
read the login and the candidate agents each their own way and call :func:`choose`. No
database library is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

from deskterm.errors import IdentityRefused

#: The login, whether it is a superuser, and whether it is a member of the tables' owner.
LOGIN_SQL: Final = """
SELECT session_user AS name,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
           AS superuser,
       pg_has_role(session_user,
                   (SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass), 'MEMBER')
           AS owner
"""
#: The confidential queues agent ``:agent`` is not a member of (for anyone but an admin):
#: their tickets are, to that agent, not there (``Desk.hidden_queues``).
HIDDEN_SQL: Final = (
    "SELECT q.id FROM queues q WHERE q.confidential AND q.id NOT IN "
    "(SELECT m.queue_id FROM queue_members m WHERE m.agent_id = :agent)"
)
#: The per-transaction setting that names the acting agent to row security.
NAME_AGENT_SQL: Final = "SELECT set_config('deskterm.agent', :handle, true)"


@dataclass(frozen=True, slots=True)
class Login:
    """The PostgreSQL login a desk is opened with, and whether it may act for others by
    itself (a superuser, or a member of the role that owns the desk's tables)."""

    name: str
    superuser: bool
    owner: bool


class AgentRow(Protocol):
    """What :func:`choose` reads of an ``agents`` row."""

    @property
    def id(self) -> Any: ...
    @property
    def handle(self) -> Any: ...
    @property
    def active(self) -> Any: ...
    @property
    def role(self) -> Any: ...


R = TypeVar("R", bound=AgentRow)


@dataclass(frozen=True, slots=True)
class Choice(Generic[R]):
    """The acting agent's row (None: no agent has the handle asked for) and the handle to
    name to row security in every transaction (None: nobody is named)."""

    row: R | None
    acting_for: str | None


def choose(
    login: Login, mine: R | None, asked: R | None, handle: str, *, handle_given: bool
) -> Choice[R]:
    """The acting agent, from ``mine`` (the agent whose ``db_role`` is the login) and
    ``asked`` (the agent whose handle is ``handle``). ``handle_given``: the handle was asked
    for (``--as``, ``DESKTERM_AGENT``, the config file), not the login name. IdentityRefused
    when the login may not act as ``handle``."""
    if mine is not None and (not handle_given or str(mine.handle).lower() == handle.lower()):
        return Choice(mine, None)
    admin = mine is not None and bool(mine.active) and mine.role == "admin"
    may_act = login.superuser or login.owner or admin
    if not may_act:
        if mine is None:
            raise IdentityRefused(
                f'the database login "{login.name}" is not an agent of this desk; an admin '
                f"maps it with: deskterm agent add HANDLE --login {login.name}",
                handle=handle,
                login=login.name,
            )
        raise IdentityRefused(
            f'the database login "{login.name}" is agent "{mine.handle}" and may not act '
            f"as \"{handle}\": only an admin's login, the desk's owner or a superuser may",
            handle=handle,
            login=login.name,
        )
    if asked is None:
        return Choice(None, None)
    acting_for_other = mine is None or mine.id != asked.id
    return Choice(asked, str(asked.handle) if acting_for_other and not login.superuser else None)


def _hidden_of(agent: str) -> str:
    # HIDDEN_SQL for the agent of alias ``agent`` (its parameter becomes the column).
    return f"ARRAY({HIDDEN_SQL.replace(':agent', f'{agent}.id')})"


#: Everything a reader must know before reading, in one statement (the light reader's
#: first round trip): the schema revision, the login (:data:`LOGIN_SQL`), the login's own
#: agent, the agent ``:handle`` names, and the queues hidden from each (:data:`HIDDEN_SQL`).
#: See :class:`Found`.
WHO_SQL: Final = (
    "SELECT (SELECT version_num FROM alembic_version), l.name, l.superuser, l.owner, "
    "mine.id, mine.handle, mine.active, mine.role, "
    "asked.id, asked.handle, asked.active, asked.role, "
    f"{_hidden_of('mine')}, {_hidden_of('asked')} "
    f"FROM ({LOGIN_SQL}) l "
    "LEFT OUTER JOIN agents mine ON mine.db_role = l.name "
    "LEFT OUTER JOIN agents asked ON asked.handle = :handle"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An agent row as :func:`choose` reads it, with the queues hidden from it."""

    id: int
    handle: str
    active: bool
    role: str
    hidden: frozenset[int]


@dataclass(frozen=True, slots=True)
class Found:
    """A :data:`WHO_SQL` row."""

    revision: str | None
    login: Login
    mine: Candidate | None
    asked: Candidate | None

    @classmethod
    def of(cls, row: Sequence[Any]) -> Found:
        def candidate(values: Sequence[Any], hidden: Sequence[int]) -> Candidate | None:
            if values[0] is None:
                return None
            id_, handle, active, role = values
            return Candidate(int(id_), str(handle), bool(active), str(role), frozenset(hidden))

        return cls(
            row[0],
            Login(str(row[1]), bool(row[2]), bool(row[3])),
            candidate(row[4:8], row[12]),
            candidate(row[8:12], row[13]),
        )


def hidden_from(agent: Candidate) -> frozenset[int]:
    """``Desk.hidden_queues`` for ``agent``: nothing for an admin."""
    return frozenset() if agent.role == "admin" else agent.hidden
