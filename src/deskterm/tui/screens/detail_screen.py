"""One ticket on its own screen (``enter``): fields, SLA, thread, history, and every action."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from deskterm.domain.models import Ticket
from deskterm.errors import DeskError
from deskterm.tui.access import desk_app
from deskterm.tui.keys import TICKET_BINDINGS
from deskterm.tui.messages import DetailLoaded, PresenceChanged, TicketsChanged
from deskterm.tui.screens.ticket_actions import TicketActions
from deskterm.tui.widgets.ticket_view import TicketView


class DetailScreen(TicketActions):
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("escape", "back", "Back"),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
        Binding("g", "home", "Top", show=False),
        Binding("G", "end", "Bottom", show=False),
        *TICKET_BINDINGS,
    ]

    def __init__(self, ticket: Ticket, *, take_queue: str | None = None) -> None:
        super().__init__()
        self.ticket = ticket
        self._take_queue = take_queue

    def compose(self) -> ComposeResult:
        yield TicketView(id="detail-full")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TicketView).focus()
        self._leave = desk_app(self).here.hold(self.ticket.id, "viewing")
        self.load()

    def on_unmount(self) -> None:
        self._leave()

    def presence_changed(self, change: PresenceChanged) -> None:
        self.query_one(TicketView).show_presence(change)

    def load(self) -> None:
        self._load(self.ticket.id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self, ticket_id: int) -> None:
        from deskterm.domain.tickets import detail

        try:
            self.post_message(DetailLoaded(detail(desk_app(self).desk, ticket_id)))
        except DeskError as exc:
            self.app.call_from_thread(desk_app(self).show_error, exc)

    @on(DetailLoaded)
    def _loaded(self, message: DetailLoaded) -> None:
        self.ticket = message.detail.ticket
        self.query_one(TicketView).show(message.detail, desk_app(self).now())

    def selected_tickets(self) -> list[Ticket]:
        return [self.ticket]

    def take_queue(self) -> str | None:
        return self._take_queue

    def tickets_changed(self, change: TicketsChanged) -> None:
        for ticket in change.tickets:
            if ticket.id == self.ticket.id:
                self.ticket = ticket
                self.load()

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one(TicketView).scroll_relative(y=lines, animate=False)

    def action_home(self) -> None:
        self.query_one(TicketView).scroll_home(animate=False)

    def action_end(self) -> None:
        self.query_one(TicketView).scroll_end(animate=False)

    def action_refresh(self) -> None:
        self.load()

    def action_help(self) -> None:
        from deskterm.tui.screens.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self))
