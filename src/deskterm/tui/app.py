"""DeskApp: the agent console. One factory (:func:`make_app`) builds it for the CLI and tests.

Start-up matters (issue 5 bench): this module imports only what the first page needs; the
pickers, KB search, editor and help screens import their widgets when first opened.

Keys go through :class:`~deskterm.tui.typeahead.TypeAhead`, so a burst of keys is handled
one key at a time, each after the work of the one before (see that module). After a write
the app publishes :class:`~deskterm.tui.messages.TicketsChanged` on :attr:`ticket_changes`;
screens subscribe to it and re-read only what the write can have changed.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App
from textual.content import Content
from textual.screen import Screen
from textual.signal import Signal

from deskterm.errors import DeskError, IdentityRefused, StaleVersion
from deskterm.tui.commands import DeskCommands
from deskterm.tui.live import LIVE_SECONDS, Live
from deskterm.tui.messages import LiveSignal, PresenceChanged, TicketsChanged
from deskterm.tui.phrases import error_text, error_title
from deskterm.tui.presence import Here
from deskterm.tui.typeahead import TypeAhead

if TYPE_CHECKING:
    from textual.driver import Driver

    from deskterm.domain.desk import Desk
    from deskterm.domain.models import Page, Ticket
    from deskterm.domain.tickets import Presence
    from deskterm.drafts import Draft, Drafts

R = TypeVar("R")
#: The console's styles for all the first frame does not show (see ``deskterm.tcss``).
MORE_CSS = Path(__file__).with_name("deskterm_more.tcss")
#: How long the notice that the desk refused who is acting stays up (a working day: nothing
#: the console does works after it, and it is said only once).
REFUSED_SECONDS = 8 * 3600.0


class DeskApp(App[None]):
    """The console: a main screen of views and tickets, with detail, editor and picker screens."""

    #: The first frame's styles; the rest are read by :meth:`load_more_css`.
    CSS_PATH = "deskterm.tcss"
    TITLE = "deskterm"
    COMMANDS = App.COMMANDS | {DeskCommands}
    # The palette's own key; listed in help and the footer like the rest.
    COMMAND_PALETTE_DISPLAY = "Commands"

    def __init__(
        self,
        desk: Desk | Callable[[], Desk],
        *,
        query: str = "",
        color: bool = True,
        first_page: Page | None = None,
        drafts: Drafts | None = None,
        encoding: str | None = "detect",
        live: float | None = LIVE_SECONDS,
        collector_held: bool = False,
    ) -> None:
        """``encoding``: what the terminal can show; ``"detect"`` reads it from the output
        stream, None means Unicode, ``"ascii"`` (or another) draws only what it can carry
        (``tui/ascii_screen.py``). ``collector_held``: the caller turned the cyclic garbage
        collector off for the start-up; :meth:`started` turns it back on."""
        had = os.environ.get("NO_COLOR")
        if not color:
            # Textual reads NO_COLOR when the app is built: that gives the monochrome look.
            os.environ["NO_COLOR"] = "1"
        try:
            super().__init__()
        finally:
            if had is None:
                os.environ.pop("NO_COLOR", None)
            else:
                os.environ["NO_COLOR"] = had
        from deskterm.tui.ascii_screen import install, stream_encoding

        self.encoding = stream_encoding() if encoding == "detect" else encoding
        if self.encoding is not None:
            install(self, self.encoding)
        # A Desk, or a function that opens one: then the first page can be on screen (from
        # ``first_page``) before the database library is even imported.
        self._desk: Desk | None = None if callable(desk) else desk
        self._open_desk: Callable[[], Desk] | None = desk if callable(desk) else None
        self._desk_lock = threading.Lock()
        self._drafts = drafts
        #: A first page read before the app started (``domain/first_page.py``), used once.
        self.first_page = first_page
        self.initial_query = query
        self.color = color and not self.no_color
        #: Recent filters, newest last (the filter bar walks them with up/down).
        self.filter_history: list[str] = []
        #: Completion values for the filter bar, filled once the first page is shown.
        self.vocab: dict[str, list[str]] = {}
        #: Tags seen on loaded tickets (there is no tag list in the domain yet).
        self.known_tags: set[str] = set()
        self.typeahead = TypeAhead(self)
        #: Keys typed before the main screen has mounted all it shows wait until then
        #: (``MainScreen._finish_start`` calls :meth:`started`).
        self._starting: Callable[[bool], None] | None = self.typeahead.hold()
        #: What the console changed; screens subscribe (see the module docstring).
        self.ticket_changes: Signal[TicketsChanged] = Signal(self, "ticket-changes")
        #: Flushes of open editors, run when the terminal hangs up (see ``_hang_up``).
        self.before_exit: list[Callable[[], object]] = []
        #: Other agents' changes, looked for every ``live`` seconds (None: never).
        self.live = Live(self, live)
        #: This console's heartbeats on the tickets it has open (beaten again regularly once
        #: ``live`` has looked at the desk).
        self.here = Here(self)
        #: The other agents on tickets, by ticket (read by ``live``); screens subscribe.
        self.others: dict[int, tuple[Presence, ...]] = {}
        self.presence_changes: Signal[PresenceChanged] = Signal(self, "presence-changes")
        self._more_css = False
        self._collector_held = collector_held

    @property
    def desk(self) -> Desk:
        """The desk; opened on first use when the app was given a way to open it."""
        if self._desk is None:
            with self._desk_lock:
                if self._desk is None:
                    assert self._open_desk is not None
                    self._desk = self._open_desk()
        return self._desk

    @property
    def drafts(self) -> Drafts:
        """Unsent replies and notes on disk for this desk and agent (``deskterm/drafts.py``)."""
        if self._drafts is None:
            from deskterm.drafts import Drafts

            self._drafts = Drafts.for_desk(self.desk.store.url, self.desk.handle)
        return self._drafts

    def draft_list(self) -> list[Draft]:
        """The drafts on disk; none while the desk is still opening and its drafts folder is
        not known yet (the first page is shown before the desk is open)."""
        if self._drafts is None and self._desk is None:
            return []
        return self.drafts.all()

    def now(self) -> datetime:
        """The desk's clock, without opening the desk just to read it (the first page is
        drawn before the database library is loaded)."""
        if self._desk is not None:
            return self._desk.now()
        return datetime.now(UTC).replace(microsecond=0)

    def load_more_css(self) -> None:
        """Read the styles of all the first frame does not show (``deskterm_more.tcss``), once:
        before the main screen mounts the rest of itself, or before any other screen is pushed.
        They are added after ``deskterm.tcss``, so the cascade is that of one file."""
        if self._more_css:
            return
        self._more_css = True
        # As Stylesheet.read does for CSS_PATH, through add_source, which also drops the
        # stylesheet's map of rules (read() leaves it stale once it has been built).
        self.stylesheet.add_source(
            MORE_CSS.read_text(encoding="utf-8"), read_from=(str(MORE_CSS), "")
        )
        self.css_path.append(MORE_CSS)  # `textual run --dev` reloads it with the other

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.load_more_css()
        return super().push_screen(*args, **kwargs)

    def started(self) -> None:
        """The main screen is complete: let the keys typed during start-up through."""
        release, self._starting = self._starting, None
        if release is not None:
            release(False)
        if self._collector_held:
            # What start-up made (modules, classes, the screen) lives as long as the console:
            # frozen out of the collector's walks, so a full collection is not 15 to 50 ms.
            self._collector_held = False
            gc.freeze()
            gc.enable()

    def take_first_page(self, query: str) -> Page | None:
        """The pre-read first page if it answers ``query`` (only the default list does)."""
        page, self.first_page = self.first_page, None
        return page if page is not None and query == "" else None

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver" and driver.__module__ == "textual.drivers.linux_driver":
            from deskterm.tui.driver import ConsoleDriver

            return ConsoleDriver
        return driver

    def get_default_screen(self) -> Screen[Any]:
        """The main screen is the app's first screen, not pushed over a blank one from
        ``on_mount``: Textual paints nothing until the app has mounted (a batch around its
        compose and mount), and a screen pushed from there is mounted inside that batch, so
        its first frame (the list) was drawn, dropped, and reached the terminal only after
        the rest of start-up had been mounted (issue 16). The app's own first screen starts
        as the batch ends: its first frame, the list, is the first one written."""
        from deskterm.tui.screens.main_screen import MainScreen

        return MainScreen(self.initial_query)

    def on_mount(self) -> None:
        self._catch_hang_up()
        self.live.start()

    def on_unmount(self) -> None:
        self.live.stop()
        # Others stop seeing this agent at once, not when the rows expire.
        self.here.leave_all()

    def on_live_signal(self, message: LiveSignal) -> None:
        self.live.signalled(message)

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
            and not self.typeahead.admit(event)
        ):
            return  # it waits its turn (tui/typeahead.py)
        await super().on_event(event)

    # -- leaving -------------------------------------------------------------------------------

    def _catch_hang_up(self) -> None:
        """A lost SSH session (SIGHUP) or a polite kill (SIGTERM): keep what is being written,
        then leave. Without this the process would die with the last keys unsaved."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(number, self._hang_up)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            return  # not the main thread (tests) or no such signal on this platform

    def _hang_up(self) -> None:
        self.keep_drafts()
        self.exit()

    def keep_drafts(self) -> None:
        """Write every open editor's text to its draft now."""
        for flush in list(self.before_exit):
            try:
                flush()
            except Exception:
                continue

    # -- running domain calls ------------------------------------------------------------------

    def run_domain(
        self,
        call: Callable[[], R],
        done: Callable[[R], Any],
        *,
        group: str = "write",
        ticket_id: int | None = None,
        failed: Callable[[DeskError], bool] | None = None,
    ) -> None:
        """Run a blocking domain call in a thread; ``done`` gets the result on the UI thread.

        Keys typed meanwhile wait until ``done`` has run (so they act on what it left: the
        ticket's new version, the picker it opened); after a failure they are dropped, since
        they were meant for what did not happen. ``failed`` hears of a DeskError first and
        returns True when it has said all there is to say; otherwise it becomes a
        notification, and a stale version also offers to reload ``ticket_id``.
        """
        release = self.typeahead.hold()

        def finish(result: R) -> None:
            try:
                done(result)
            finally:
                release(False)

        def fail(exc: DeskError) -> None:
            release(True)
            if failed is not None and failed(exc):
                return
            self.show_error(exc, ticket_id)

        def work() -> None:
            try:
                result = call()
            except DeskError as exc:
                self.call_from_thread(fail, exc)
            except Exception as exc:
                self.call_from_thread(self._unexpected, exc, release)
            else:
                self.call_from_thread(finish, result)

        self.run_worker(work, thread=True, group=group, exit_on_error=False)

    def _unexpected(self, exc: Exception, release: Callable[[bool], None]) -> None:
        from deskterm.domain.text import one_line

        release(True)
        self.notify(
            one_line(str(exc), 300) or "no details",
            markup=False,
            title="Unexpected failure",
            severity="error",
            timeout=10,
        )

    def show_error(self, exc: DeskError, ticket_id: int | None = None) -> None:
        """Say what went wrong in words; a stale version offers to reload the ticket."""
        if isinstance(exc, IdentityRefused):
            self.identity_refused(exc)
            return
        text = error_text(exc)
        self.notify(text, markup=False, title=error_title(exc), severity="error", timeout=8)
        if isinstance(exc, StaleVersion) and ticket_id is not None:
            from deskterm.tui.screens.confirm import ConfirmScreen

            def answer(reload: bool | None) -> None:
                if reload:
                    self.reload_ticket(ticket_id)

            self.push_screen(
                ConfirmScreen(
                    Content(f"{text}\n\nReload ticket #{ticket_id}? What you wrote is kept."),
                    yes="Reload",
                    no="Not now",
                ),
                answer,
            )

    def identity_refused(self, exc: IdentityRefused) -> None:
        """The desk refused who is acting (an unknown or deactivated agent, a login that may
        not act as ``--as``): said once, in a notification that stays, and the console stops
        looking for changes and writing presence, since every try would be refused again."""
        if self.live.refused is not None:
            return
        self.live.halt(exc)
        self.notify(
            error_text(exc),
            markup=False,
            title=error_title(exc),
            severity="error",
            timeout=REFUSED_SECONDS,
        )

    def open_ticket(self, ticket: Ticket, *, take_queue: str | None = None) -> None:
        """Open ``ticket`` on its own screen; ``T`` there takes from ``take_queue``."""
        from deskterm.tui.screens.detail_screen import DetailScreen

        self.push_screen(DetailScreen(ticket, take_queue=take_queue))

    def reload_ticket(self, ticket_id: int) -> None:
        from deskterm.domain.tickets import get

        self.run_domain(
            lambda: get(self.desk, ticket_id),
            lambda ticket: self.tickets_changed([ticket]),
            group="read",
        )

    def presence_found(self, others: tuple[Presence, ...]) -> None:
        """The other agents now on tickets (from ``live``): tell the screens if it changed."""
        by_ticket: dict[int, tuple[Presence, ...]] = {}
        for presence in others:
            by_ticket[presence.ticket_id] = (*by_ticket.get(presence.ticket_id, ()), presence)
        if self._shown_presence(by_ticket) == self._shown_presence(self.others):
            return
        changed = frozenset(by_ticket) ^ frozenset(self.others) | {
            ticket_id
            for ticket_id in by_ticket.keys() & self.others.keys()
            if by_ticket[ticket_id] != self.others[ticket_id]
        }
        self.others = by_ticket
        self.presence_changes.publish(PresenceChanged(by_ticket, changed))

    @staticmethod
    def _shown_presence(
        by_ticket: dict[int, tuple[Presence, ...]],
    ) -> dict[int, tuple[tuple[str, str], ...]]:
        """What the screens show of presence (not when each beat was)."""
        return {
            ticket_id: tuple((p.agent, p.activity) for p in others)
            for ticket_id, others in by_ticket.items()
        }

    def tickets_changed(
        self,
        tickets: list[Ticket],
        fields: frozenset[str] = frozenset(),
        *,
        by_others: bool = False,
    ) -> None:
        """Tell every screen that ``tickets`` are now as given, after a change of ``fields``
        (``by_others``: found by the live poller, see :class:`TicketsChanged`)."""
        self.ticket_changes.publish(TicketsChanged(tuple(tickets), fields, by_others))


def make_app(
    desk: Desk | Callable[[], Desk],
    *,
    query: str = "",
    color: bool = True,
    first_page: Page | None = None,
    drafts: Drafts | None = None,
    encoding: str | None = "detect",
    live: float | None = LIVE_SECONDS,
    collector_held: bool = False,
) -> DeskApp:
    """The one factory for the CLI, the tests and the snapshots (``live``: seconds between
    looks for other agents' changes; None: never)."""
    return DeskApp(
        desk,
        query=query,
        color=color,
        first_page=first_page,
        drafts=drafts,
        encoding=encoding,
        live=live,
        collector_held=collector_held,
    )


def run_app(
    desk: Desk | Callable[[], Desk],
    *,
    query: str = "",
    color: bool = True,
    first_page: Page | None = None,
    drafts: Drafts | None = None,
    collector_held: bool = False,
) -> None:
    """Open the console on ``desk`` until the agent quits (``deskterm tui``)."""
    make_app(
        desk,
        query=query,
        color=color,
        first_page=first_page,
        drafts=drafts,
        collector_held=collector_held,
    ).run()
