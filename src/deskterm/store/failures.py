"""What a database error means for the user, decided by its code (never its text).

PostgreSQL reports an SQLSTATE, SQLite a result code; each maps to one of deskterm's typed
errors, phrased without SQL or a password:

=================================================  ===========================  ====
cause                                              error                        exit
=================================================  ===========================  ====
deadlock (40P01), serialization failure (40001)    RetryableConflict            4
lock wait over ``lock_timeout`` (55P03),           Busy                         4
statement over ``statement_timeout`` (57014),
SQLite write lock held by another process (BUSY)
read-only transaction or standby (25006),          ReadOnlyDesk                 5
SQLite READONLY
insufficient privilege (42501): a grant or a       PermissionDenied             5
row-level security policy refused (docs/team.md)
a number out of range (22003)                      InvalidInput                 2
not a database, damaged (NOTADB, CORRUPT),         StoreUnavailable             1
disk full, unreachable server, idle-in-transaction
timeout (25P03) and every other operational error
=================================================  ===========================  ====

Anything else (an integrity error, a programming error) is not classified and goes on as
it was raised.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError

from deskterm.errors import (
    Busy,
    DeskError,
    InvalidInput,
    PermissionDenied,
    ReadOnlyDesk,
    RetryableConflict,
    StoreUnavailable,
)

RETRYABLE = frozenset({"40P01", "40001"})
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"
READ_ONLY_TRANSACTION = "25006"
IDLE_IN_TRANSACTION_TIMEOUT = "25P03"
NUMERIC_OUT_OF_RANGE = "22003"
INSUFFICIENT_PRIVILEGE = "42501"


def classify(exc: DBAPIError, where: str) -> DeskError | None:
    """The typed error for ``exc`` (raised on the database ``where``, a masked URL), or None
    when it is not the store's to phrase."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == INSUFFICIENT_PRIVILEGE:
        return PermissionDenied(
            f"the database refused this login: {first_line(exc)}; nothing was changed"
        )
    if sqlstate is not None:
        found = _postgresql(sqlstate, where)
    elif isinstance(orig, sqlite3.Error):
        found = _sqlite(orig, where)
    else:
        found = None
    if found is None and isinstance(exc, OperationalError):
        found = StoreUnavailable(f"cannot use database {where}: {first_line(exc)}")
    return found


def _postgresql(sqlstate: str, where: str) -> DeskError | None:
    if sqlstate in RETRYABLE:
        what = "deadlock" if sqlstate == "40P01" else "serialization failure"
        return RetryableConflict(
            f"another agent changed the same tickets at the same moment ({what}); "
            "nothing was changed",
            hint="try again",
        )
    if sqlstate == LOCK_NOT_AVAILABLE:
        return Busy(
            f"the desk {where} is busy: another agent's change holds what this one needs "
            "longer than [store] lock_timeout; nothing was changed",
            hint="try again in a moment",
        )
    if sqlstate == QUERY_CANCELED:
        return Busy(
            f"the desk {where} is busy: the statement ran longer than [store] "
            "statement_timeout and was stopped; nothing was changed",
            hint="try again later, or raise [store] statement_timeout",
        )
    if sqlstate == READ_ONLY_TRANSACTION:
        return ReadOnlyDesk(
            f"the desk {where} is read-only (a read-only server or transaction); it can be "
            "listed, shown, searched and exported, not changed"
        )
    if sqlstate == IDLE_IN_TRANSACTION_TIMEOUT:
        return StoreUnavailable(
            f"the server {where} closed this connection: it stayed inside a transaction "
            "longer than [store] idle_in_transaction_session_timeout; nothing was changed",
            hint="try again",
        )
    if sqlstate == NUMERIC_OUT_OF_RANGE:
        return InvalidInput("a number is out of range (at most 9223372036854775807)")
    return None


def _sqlite(orig: sqlite3.Error, where: str) -> DeskError | None:
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return busy_sqlite(where, None)
    if primary == sqlite3.SQLITE_READONLY:
        return read_only(where, "SQLite cannot write the file")
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return StoreUnavailable(
            f"cannot use database {where}: it is not an SQLite database or it is damaged "
            f"({str(orig).strip()}); nothing was changed"
        )
    return None


def busy_sqlite(where: str, waited: float | None) -> Busy:
    after = f" (waited {waited:.0f} s, [store] busy_timeout)" if waited is not None else ""
    return Busy(
        f"the desk {where} is busy: another process is writing to it{after}; nothing was changed",
        hint="try again when it is done, or raise [store] busy_timeout",
    )


def read_only(where: str, reason: str) -> ReadOnlyDesk:
    return ReadOnlyDesk(
        f"the desk {where} is read-only ({reason}): it can be listed, shown, searched and "
        "exported, not changed"
    )


def first_line(exc: DBAPIError) -> str:
    text = str(exc.orig).strip() if exc.orig is not None else ""
    return text.splitlines()[0] if text else type(exc).__name__
