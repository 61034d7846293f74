"""How the store waits for others: the limits a writer and a statement keep to.

Light on purpose (no database library): ``deskterm.config`` builds these from the config
file's ``[store]`` table on every command. The defaults here are the documented ones
(``config.example.toml``; a test keeps them in step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Seconds, the config file's ``[store]`` keys, in the order ``config show`` lists them.
TIMEOUT_KEYS = (
    "busy_timeout",
    "lock_timeout",
    "statement_timeout",
    "idle_in_transaction_session_timeout",
)
#: PostgreSQL keeps a timeout in milliseconds in a 32-bit integer.
MAX_TIMEOUT = 2_147_483


@dataclass(frozen=True)
class StoreOptions:
    """Limits in seconds; 0 means no limit (as PostgreSQL has it)."""

    #: SQLite: how long a writer waits for another process that is writing to the desk
    #: (a long ``batch`` or ``import`` holds the write lock to the end) before giving up
    #: with ``Busy``.
    busy_timeout: float = 60
    #: PostgreSQL: how long a statement waits for a row or table lock (``Busy`` after).
    lock_timeout: float = 10
    #: PostgreSQL: the longest one statement may run (``Busy`` after).
    statement_timeout: float = 300
    #: PostgreSQL: a client that stops half-way through a transaction (suspended, network
    #: lost) is disconnected after this long, so its locks do not block the team.
    idle_in_transaction_session_timeout: float = 60
    #: SQLite: after waiting this long for the write lock, ``on_wait`` hears about it.
    notice_after: float = 3
    #: Called with the seconds waited so far while a writer waits for another process
    #: (about once a second once ``notice_after`` has passed); the CLI says so on stderr.
    on_wait: Callable[[float], None] | None = None
