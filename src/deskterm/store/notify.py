"""The desk's change signal: a connection of its own that tells when the desk may have
changed, so that a console or ``watch`` reads the audit log when there is something to read
instead of on a timer (docs/live.md).

PostgreSQL: ``LISTEN deskterm_changes`` on a direct connection (not a transaction-mode
pgbouncer: LISTEN needs the same server session throughout). Triggers (migration 0018) send
``NOTIFY`` inside the writing transaction, so a notification arrives only once the change is
committed, and carries ids only: ``e:<newest audit id>:<ticket ids>`` for ticket changes,
``p:<ticket id>`` for presence. Notifications bypass row security, so a listener never takes
anything from one but the wish to look: it reads what changed through the domain.

SQLite: one process's commits cannot wake another, so the signal looks at
``PRAGMA data_version`` (which changes when another connection commits; a few microseconds,
no disk read) every :data:`SQLITE_CHECK_SECONDS`.

A lost connection (a restarted server, ``pg_terminate_backend``) raises StoreUnavailable from
:meth:`ChangeSignal.wait`; the caller opens a new signal when it wants to try again.
"""

from __future__ import annotations

import sqlite3
from time import monotonic, sleep
from typing import Any, Final

from deskterm.errors import StoreUnavailable
from deskterm.store.engine import Store, mask

#: The channel the triggers notify on.
CHANNEL: Final = "deskterm_changes"
#: How often the SQLite signal looks at ``PRAGMA data_version`` (seconds).
SQLITE_CHECK_SECONDS: Final = 0.25


class ChangeSignal:
    """A dedicated connection to the desk that says when something may have changed."""

    def __init__(self, store: Store) -> None:
        self.url = mask(store.url)
        self.sqlite = store.is_sqlite
        self._version: int | None = None
        try:
            raw = store.engine.raw_connection()
            conn: Any = raw.driver_connection
            raw.detach()  # its own session for as long as the signal lives, not the pool's
            self._conn = conn
            if self.sqlite:
                self._version = self._data_version()
            else:
                conn.autocommit = True
                conn.execute(f"LISTEN {CHANNEL}")
        except Exception as exc:
            raise self._lost(exc) from exc

    @property
    def pid(self) -> int | None:
        """The PostgreSQL server process of the listening session (None on SQLite)."""
        return None if self.sqlite else int(self._conn.info.backend_pid)

    def wait(self, timeout: float) -> list[str]:
        """Wait up to ``timeout`` seconds for a change; the notifications' payloads (on
        SQLite ``["changed"]``), or [] when nothing happened in that time."""
        try:
            if self.sqlite:
                return self._wait_sqlite(timeout)
            payloads = [n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1)]
            # More may have come with the first: take them now, without waiting.
            payloads += [n.payload for n in self._conn.notifies(timeout=0)]
            return payloads
        except Exception as exc:
            raise self._lost(exc) from exc

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:
            return  # already gone

    def _wait_sqlite(self, timeout: float) -> list[str]:
        deadline = monotonic() + timeout
        while True:
            version = self._data_version()
            if version != self._version:
                self._version = version
                return ["changed"]
            left = deadline - monotonic()
            if left <= 0:
                return []
            sleep(min(SQLITE_CHECK_SECONDS, left))

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _lost(self, exc: Exception) -> StoreUnavailable:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, sqlite3.Error | StoreUnavailable):
            return StoreUnavailable(f"cannot watch database {self.url}: {text}")
        return StoreUnavailable(f"lost the live connection to {self.url}: {text}")


def change_signal(store: Store) -> ChangeSignal:
    """Open the change signal of ``store`` (StoreUnavailable when it cannot be opened)."""
    return ChangeSignal(store)
