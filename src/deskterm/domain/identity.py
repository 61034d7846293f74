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
from typing import Any, Final

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


class Login:
    """The PostgreSQL login a desk is opened with, and whether it may act for others by
    itself (a superuser, or a member of the role that owns the desk's tables)."""

    __slots__ = ("name", "owner", "superuser")

    def __init__(self, name: str, superuser: bool, owner: bool) -> None:
        self.name = name
        self.superuser = superuser
        self.owner = owner


def choose(
    login: Login, mine: Any, asked: Any, handle: str, *, handle_given: bool
) -> tuple[Any, str | None]:
    """The acting agent, from ``mine`` (the agent whose ``db_role`` is the login) and
    ``asked`` (the agent whose handle is ``handle``), each None or a row with ``id``,
    ``handle``, ``active`` and ``role``: that row (None: no agent has the handle asked for)
    and the handle to name to row security in every transaction (None: nobody is named).
    ``handle_given``: the handle was asked for (``--as``, ``DESKTERM_AGENT``, the config
    file), not the login name. IdentityRefused when the login may not act as ``handle``."""
    if mine is not None and (not handle_given or str(mine.handle).lower() == handle.lower()):
        return mine, None
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
        return None, None
    acting_for_other = mine is None or mine.id != asked.id
    return asked, (str(asked.handle) if acting_for_other and not login.superuser else None)


def _hidden_of(agent: str) -> str:
    # HIDDEN_SQL for the agent of alias ``agent`` (its parameter becomes the column).
    return f"ARRAY({HIDDEN_SQL.replace(':agent', f'{agent}.id')})"


#: Everything a reader must know before reading, in one statement (the light reader's
#: first round trip): the schema revision, the login (:data:`LOGIN_SQL`), the login's own
#: agent, the agent ``:handle`` names, and the queues hidden from each (:data:`HIDDEN_SQL`).
#: See :func:`found`.
WHO_SQL: Final = (
    "SELECT (SELECT version_num FROM alembic_version), l.name, l.superuser, l.owner, "
    "mine.id, mine.handle, mine.active, mine.role, "
    "asked.id, asked.handle, asked.active, asked.role, "
    f"{_hidden_of('mine')}, {_hidden_of('asked')} "
    f"FROM ({LOGIN_SQL}) l "
    "LEFT OUTER JOIN agents mine ON mine.db_role = l.name "
    "LEFT OUTER JOIN agents asked ON asked.handle = :handle"
)


class Candidate:
    """An agent row as :func:`choose` reads it, with the queues hidden from it. (Plain
    classes here: the light reader imports this module, and a dataclass costs start-up.)"""

    __slots__ = ("active", "handle", "hidden", "id", "role")

    def __init__(self, values: Sequence[Any], hidden: Sequence[int]) -> None:
        self.id = int(values[0])
        self.handle = str(values[1])
        self.active = bool(values[2])
        self.role = str(values[3])
        self.hidden = frozenset(hidden)


def found(row: Sequence[Any]) -> tuple[str | None, Login, Candidate | None, Candidate | None]:
    """A :data:`WHO_SQL` row: the schema revision, the login, its own agent and the agent
    asked for."""
    login = Login(str(row[1]), bool(row[2]), bool(row[3]))
    mine = None if row[4] is None else Candidate(row[4:8], row[12])
    asked = None if row[8] is None else Candidate(row[8:12], row[13])
    return row[0], login, mine, asked


def hidden_from(agent: Candidate) -> frozenset[int]:
    """``Desk.hidden_queues`` for ``agent``: nothing for an admin."""
    return frozenset() if agent.role == "admin" else agent.hidden
