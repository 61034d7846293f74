"""This console's presence on tickets, and the other agents' (issue 15, "Presence").

:class:`Here` keeps the heartbeat rows (``tickets.beat``) of the tickets this console has open:
the detail screen holds a ticket as "viewing", the editor as "replying" or "noting" (the most
active of what is held is written). A change is written at once, and every
``tickets.BEAT_SECONDS`` all are written again; a ticket no longer held is left
(``tickets.leave``). The beats start with the console's first look at the desk (the
desk is open by then). Writes run in a worker thread and never hold up a key; a desk that cannot
take them (read-only, busy, gone) only means others do not see this agent for a while.

The other agents' presence is read by the live poller (``tui/live.py``) and published on
``DeskApp.presence_changes``: the list marks the rows, the detail and the editor name who is
there. Nothing is ever locked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from deskterm.errors import DeskError

if TYPE_CHECKING:
    from deskterm.domain.tickets import Presence
    from deskterm.tui.app import DeskApp

#: The list's marker for a ticket another agent has open, and for one being written on.
VIEWING_MARK = "◉"
WRITING_MARK = "✐"


def mark(others: tuple[Presence, ...]) -> str:
    """The list's marker for the other agents on one ticket ("" for none)."""
    if not others:
        return ""
    return WRITING_MARK if any(p.activity != "viewing" for p in others) else VIEWING_MARK


def phrase(others: tuple[Presence, ...]) -> str:
    """``bob is replying; carol is viewing`` ("" for none)."""
    return "; ".join(p.phrase for p in others)


class Here:
    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self._started = False
        #: ticket id -> what this console holds it for (one entry per holder).
        self.held: dict[int, list[str]] = {}
        #: What was last written per ticket (None: left).
        self._written: dict[int, str | None] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Beat every ``tickets.BEAT_SECONDS`` from now on (once)."""
        from deskterm.domain.tickets import BEAT_SECONDS

        if not self._started:
            self._started = True
            self.app.set_interval(BEAT_SECONDS, self.beat_all, name="presence")

    def hold(self, ticket_id: int, activity: str) -> Callable[[], None]:
        """Say this agent is ``activity`` on ``ticket_id`` until the returned function is
        called (once)."""
        self.held.setdefault(ticket_id, []).append(activity)
        self._write(ticket_id)
        done = False

        def release() -> None:
            nonlocal done
            if done:
                return
            done = True
            holders = self.held.get(ticket_id, [])
            if activity in holders:
                holders.remove(activity)
            if not holders:
                self.held.pop(ticket_id, None)
            self._write(ticket_id)

        return release

    def wanted(self, ticket_id: int) -> str | None:
        """The most active of what ``ticket_id`` is held for, or None."""
        from deskterm.domain.tickets import ACTIVITIES

        holders = self.held.get(ticket_id)
        return max(holders, key=ACTIVITIES.index) if holders else None

    def beat_all(self) -> None:
        if self.app.live.refused is not None:
            return  # the desk refused who is acting: every beat would be refused too
        for ticket_id in list(self.held):
            self._write(ticket_id, again=True)

    def leave_all(self) -> None:
        """Remove every row this console wrote (the console is closing), here and now."""
        self.held.clear()
        for ticket_id, written in list(self._written.items()):
            if written is not None:
                self._store(ticket_id)

    def _write(self, ticket_id: int, *, again: bool = False) -> None:
        if not again and self.wanted(ticket_id) == self._written.get(ticket_id):
            return
        self.app.run_worker(
            lambda: self._store(ticket_id), thread=True, group="presence", exit_on_error=False
        )

    def _store(self, ticket_id: int) -> None:
        """Write what is wanted for ``ticket_id`` now (under a lock, so two writes of one
        ticket cannot land out of order: each writes the state of when it runs)."""
        from deskterm.domain.tickets import beat, leave

        desk = self.app.desk
        if desk.store.read_only:
            return
        with self._lock:
            wanted = self.wanted(ticket_id)
            try:
                if wanted is None:
                    if self._written.get(ticket_id) is not None:
                        leave(desk, ticket_id)
                else:
                    beat(desk, ticket_id, wanted)
            except DeskError:
                return  # others will not see this agent here for a while; nothing else
            self._written[ticket_id] = wanted
