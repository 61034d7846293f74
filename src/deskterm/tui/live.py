"""Other agents' changes, without a keypress (issue 15, "Live updates").

The console looks when the desk says something changed: a thread waits on the desk's change
signal (``tickets.change_signal``: a PostgreSQL ``LISTEN`` on a connection of its own, or on
SQLite a look at ``PRAGMA data_version`` four times a second) and wakes the console, which
then reads what changed through the domain (a notification carries ids only, and row security
does not apply to it). Every :data:`LIVE_SECONDS` it looks anyway (the fallback, and what
makes presence expire on screen). A lost listening connection is said once and opened again
with back-off; once back, the console says so and looks at once (catching up).

On each look the console asks the desk what changed since the last audit event
it saw (``tickets.changes_since``: one index lookup when nothing did, on either backend) and
publishes the changed tickets on the app's ``ticket_changes`` signal, as its own writes do:
rows are redrawn in place (selection, scroll position and any draft stay), the detail pane
re-reads a ticket it shows, counts that can have moved are counted again. Changes by this
console's agent were shown when made and are left out. A note says who changed what. The
same look reads who else has which ticket open (``tui/presence.py``).

When the desk cannot be reached the console says so once, waits longer between tries (up to
:data:`MAX_BACKOFF` seconds) and, when it is back, says so and catches up from the last event
it saw: nothing is missed, since audit ids only grow. When the desk refuses who is acting
(``IdentityRefused``: an unknown or deactivated agent, a PostgreSQL login that may not act as
the ``--as`` agent) no retry can help: the console says so once (``DeskApp.identity_refused``)
and stops looking (:meth:`Live.halt`).
"""

from __future__ import annotations

import threading
from time import monotonic
from typing import TYPE_CHECKING, Final

from deskterm.errors import DeskError, IdentityRefused
from deskterm.tui.messages import LiveSignal

if TYPE_CHECKING:
    from deskterm.domain.models import AuditEvent
    from deskterm.domain.tickets import DeskChanges, Presence
    from deskterm.store.notify import ChangeSignal
    from deskterm.tui.app import DeskApp

#: Seconds between two looks at the desk.
LIVE_SECONDS: Final = 2.0
#: The longest wait between tries while the desk cannot be reached.
MAX_BACKOFF: Final = 30.0
#: Tickets named in one note; more are counted.
NAMED: Final = 3
#: The listener's first wait before opening a lost connection again (doubling each time, up
#: to MAX_BACKOFF), and the longest it waits for a signal before looking whether to stop.
SIGNAL_RETRY: Final = 0.5
SIGNAL_WAIT: Final = 0.25


class Live:
    def __init__(self, app: DeskApp, interval: float | None) -> None:
        self.app = app
        self.interval = interval
        #: The newest audit event seen (None: not looked yet).
        self.last_id: int | None = None
        self.lost = False
        self._busy = False
        self._delay = interval or LIVE_SECONDS
        self._next_try = 0.0
        #: A look was asked for while one ran: look again when it is done.
        self._again = False
        #: The listener's connection while it has one (``pid``: its server process).
        self.signal: ChangeSignal | None = None
        #: Set while the listener has a connection (tests wait on it).
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        #: Why the desk refused who is acting, once it did: nothing is looked at any more.
        self.refused: IdentityRefused | None = None

    def start(self) -> None:
        if self.interval:
            self.app.set_interval(self.interval, self.poll, name="live")

    def stop(self) -> None:
        """Stop the listener and close its connection (the console is closing), waiting for
        it (it looks every SIGNAL_WAIT) so that the connection does not outlive the console."""
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=SIGNAL_WAIT * 4)

    def halt(self, exc: IdentityRefused) -> None:
        """Stop looking for good: the desk refused who is acting, and asking again would only
        be refused again (the listener stops too)."""
        self.refused = exc
        self._stop.set()

    def poll(self) -> None:
        """Look for changes in a worker, unless the desk is resting; if a look is running,
        look again when it is done (what woke this one may have come after it read)."""
        if self.refused is not None or monotonic() < self._next_try:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        self.app.run_worker(self._check, thread=True, group="live", exit_on_error=False)

    def _check(self) -> None:
        from deskterm.domain.tickets import changes_since, present

        try:
            found = changes_since(self.app.desk, self.last_id)
            others = present(self.app.desk)
        except DeskError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._arrived, found, others)

    def _arrived(self, found: DeskChanges, others: tuple[Presence, ...] = ()) -> None:
        self._busy = False
        self._show(found, others)
        if self.interval and self._listener is None:
            # Started after the first look, not with the console: it opens a connection of
            # its own, which the first frame should not wait for. So do the heartbeats.
            self.app.here.start()
            self._listener = threading.Thread(target=self._listen, name="live", daemon=True)
            self._listener.start()
        if self._again:
            self._again = False
            self.poll()

    def _show(self, found: DeskChanges, others: tuple[Presence, ...]) -> None:
        self.app.presence_found(others)
        if self.lost:
            self.lost = False
            self._delay = self.interval or LIVE_SECONDS
            self.app.notify("Connected to the desk again", title="Back", markup=False)
        self.last_id = found.last_id
        mine = self.app.desk.handle.lower()
        theirs = [e for e in found.events if (e.actor or "").lower() != mine]
        if not theirs:
            return
        changed = {e.ticket_id for e in theirs}
        tickets = [t for t in found.tickets if t.id in changed]
        self.app.tickets_changed(tickets, frozenset(e.field for e in theirs), by_others=True)
        self.app.notify(summary(theirs), title="Changed by others", markup=False, timeout=4)

    # -- the listener (its own thread) --------------------------------------------------------

    def _listen(self) -> None:
        from deskterm.domain.tickets import change_signal

        delay = SIGNAL_RETRY
        lost = False
        try:
            while not self._stop.is_set():
                try:
                    if self.signal is None:
                        self.signal = change_signal(self.app.desk)
                        self.listening.set()
                        if lost:
                            lost, delay = False, SIGNAL_RETRY
                            self.app.post_message(LiveSignal("back"))
                    if self.signal.wait(SIGNAL_WAIT) and not self._stop.is_set():
                        self.app.post_message(LiveSignal("changed"))
                except DeskError as exc:
                    self.listening.clear()
                    if self.signal is not None:
                        self.signal.close()
                        self.signal = None
                    if not lost:
                        lost = True
                        self.app.post_message(LiveSignal("lost", exc))
                    self._stop.wait(delay)
                    delay = min(delay * 2, MAX_BACKOFF)
        finally:
            self.listening.clear()
            if self.signal is not None:
                self.signal.close()
                self.signal = None

    def signalled(self, message: LiveSignal) -> None:
        """What the listener says, on the UI thread."""
        if message.kind == "lost":
            self.app.notify(
                f"Live updates paused: {message.error}. Reconnecting…",
                title="Live",
                severity="warning",
                markup=False,
            )
            return
        if message.kind == "back":
            self.app.notify("Live updates are back", title="Live", markup=False)
        self.poll()

    def _failed(self, exc: DeskError) -> None:
        self._busy = False
        self._again = False
        if isinstance(exc, IdentityRefused):
            self.app.identity_refused(exc)
            return
        if not self.lost:
            self.lost = True
            self.app.notify(f"Lost the desk: {exc}. Retrying…", title="Offline", severity="warning")
        self._delay = min(self._delay * 2, MAX_BACKOFF)
        self._next_try = monotonic() + self._delay


def summary(events: list[AuditEvent]) -> str:
    """``bob changed #12 (status, priority); 2 new tickets`` for a notification."""
    created = sorted({e.ticket_id for e in events if e.field == "created"})
    by_ticket: dict[int, tuple[str, list[str]]] = {}
    for e in events:
        if e.field == "created" or e.ticket_id in created:
            continue
        _who, fields = by_ticket.setdefault(e.ticket_id, (e.actor or "the desk", []))
        if e.field not in fields:
            fields.append(e.field)
    parts = [
        f"{who} changed #{ticket_id} ({', '.join(fields)})"
        for ticket_id, (who, fields) in list(by_ticket.items())[:NAMED]
    ]
    if len(by_ticket) > NAMED:
        parts.append(f"{len(by_ticket) - NAMED} more changed")
    if created:
        parts.append(f"{len(created)} new ticket{'s' if len(created) != 1 else ''}")
    return "; ".join(parts)
