"""DeskApp: the agent console. One factory (:func:`make_app`) builds it for the CLI and tests.

Start-up matters (issue 5 bench): this module imports only what the first page needs; the
pickers, KB search, editor and help screens import their widgets when first opened.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.content import Content

from deskterm.errors import Conflict, DeskError
from deskterm.tui.commands import DeskCommands

if TYPE_CHECKING:
    from deskterm.domain.desk import Desk
    from deskterm.domain.models import Page, Ticket

R = TypeVar("R")


class DeskApp(App[None]):
    """The console: a main screen of views and tickets, with detail, editor and picker screens."""

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
    ) -> None:
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
        # A Desk, or a function that opens one: then the first page can be on screen (from
        # ``first_page``) before the database library is even imported.
        self._desk: Desk | None = None if callable(desk) else desk
        self._open_desk: Callable[[], Desk] | None = desk if callable(desk) else None
        self._desk_lock = threading.Lock()
        #: A first page read before the app started (``domain/first_page.py``), used once.
        self.first_page = first_page
        self.initial_query = query
        self.color = color and not self.no_color
        #: Unsent reply/note text per (ticket id, kind): survives leaving the ticket.
        self.drafts: dict[tuple[int, str], str] = {}
        #: Recent filters, newest last (the filter bar walks them with up/down).
        self.filter_history: list[str] = []
        #: Completion values for the filter bar, filled once the first page is shown.
        self.vocab: dict[str, list[str]] = {}
        #: Tags seen on loaded tickets (there is no tag list in the domain yet).
        self.known_tags: set[str] = set()

    @property
    def desk(self) -> Desk:
        """The desk; opened on first use when the app was given a way to open it."""
        if self._desk is None:
            with self._desk_lock:
                if self._desk is None:
                    assert self._open_desk is not None
                    self._desk = self._open_desk()
        return self._desk

    def now(self) -> datetime:
        """The desk's clock, without opening the desk just to read it (the first page is
        drawn before the database library is loaded)."""
        if self._desk is not None:
            return self._desk.now()
        return datetime.now(UTC).replace(microsecond=0)

    def take_first_page(self, query: str) -> Page | None:
        """The pre-read first page if it answers ``query`` (only the default list does)."""
        page, self.first_page = self.first_page, None
        return page if page is not None and query == "" else None

    def on_mount(self) -> None:
        from deskterm.tui.screens.main_screen import MainScreen

        self.push_screen(MainScreen(self.initial_query))

    # -- running domain calls ------------------------------------------------------------------

    def run_domain(
        self,
        call: Callable[[], R],
        done: Callable[[R], Any],
        *,
        group: str = "write",
        ticket_id: int | None = None,
    ) -> None:
        """Run a blocking domain call in a thread; ``done`` gets the result on the UI thread.

        A DeskError becomes a notification (a Conflict also offers to reload the ticket).
        """

        def work() -> None:
            try:
                result = call()
            except DeskError as exc:
                self.call_from_thread(self.show_error, exc, ticket_id)
            else:
                self.call_from_thread(done, result)

        self.run_worker(work, thread=True, group=group, exit_on_error=False)

    def show_error(self, exc: DeskError, ticket_id: int | None = None) -> None:
        text = exc.message + (f" ({exc.hint})" if exc.hint else "")
        self.notify(text, markup=False, title=type(exc).__name__, severity="error", timeout=8)
        if isinstance(exc, Conflict) and ticket_id is not None and "since you read it" in text:
            from deskterm.tui.screens.confirm import ConfirmScreen

            def answer(reload: bool | None) -> None:
                if reload:
                    self.reload_ticket(ticket_id)

            self.push_screen(
                ConfirmScreen(
                    Content(f"{text}\n\nReload ticket #{ticket_id}? Your draft is kept."),
                    yes="Reload",
                    no="Not now",
                ),
                answer,
            )

    def open_ticket(self, ticket: Ticket) -> None:
        from deskterm.tui.screens.detail_screen import DetailScreen

        self.push_screen(DetailScreen(ticket))

    def reload_ticket(self, ticket_id: int) -> None:
        from deskterm.domain.ticket_read import get

        self.run_domain(lambda: get(self.desk, ticket_id), self.ticket_changed, group="read")

    def ticket_changed(self, ticket: Ticket) -> None:
        """Tell every open screen that ``ticket`` has a new version."""
        for screen in self.screen_stack:
            hook = getattr(screen, "ticket_changed", None)
            if hook is not None:
                hook(ticket)

    def tickets_changed(self, tickets: list[Ticket]) -> None:
        for ticket in tickets:
            self.ticket_changed(ticket)
        for screen in self.screen_stack:
            hook = getattr(screen, "refresh_counts", None)
            if hook is not None:
                hook()


def make_app(
    desk: Desk | Callable[[], Desk],
    *,
    query: str = "",
    color: bool = True,
    first_page: Page | None = None,
) -> DeskApp:
    """The one factory for the CLI, the tests and the snapshots."""
    return DeskApp(desk, query=query, color=color, first_page=first_page)


def run_app(
    desk: Desk | Callable[[], Desk],
    *,
    query: str = "",
    color: bool = True,
    first_page: Page | None = None,
) -> None:
    """Open the console on ``desk`` until the agent quits (``deskterm tui``)."""
    make_app(desk, query=query, color=color, first_page=first_page).run()
