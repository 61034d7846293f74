"""``C``: a ticket's SLA clocks explained (the console's ``deskterm ticket sla ID``): the
policy it runs under, in the words ``sla show`` uses, and the timeline of every clock (when
each started, paused, resumed, was met or breached) with the time left or over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskterm.domain.text import one_line, short_time
from deskterm.tui.render import plain

if TYPE_CHECKING:
    from datetime import datetime

    from deskterm.domain.models import Ticket
    from deskterm.domain.sla import SlaPolicy, Timeline

CLOCK_NAMES = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


class ClocksScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(
        self, ticket: Ticket, story: Timeline, policy: SlaPolicy | None, now: datetime
    ) -> None:
        super().__init__()
        self.ticket, self.story, self.policy, self.now = ticket, story, policy, now

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="clocks-scroll"):
            yield Static(explain(self.ticket, self.story, self.policy, self.now), id="clocks")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)


def explain(ticket: Ticket, story: Timeline, policy: SlaPolicy | None, now: datetime) -> Group:
    """The screen's text: a heading, the policy's terms, and the timeline as a table."""
    from deskterm.domain.sla import applies_to, calendar_text, targets_text

    heading = Text(f"SLA clocks of #{ticket.id}  ", style="bold")
    heading.append_text(plain(ticket.subject, 60))
    terms = Table.grid(padding=(0, 2))
    terms.add_column(style="bold", no_wrap=True)
    terms.add_column()
    if policy is None:
        terms.add_row("Policy", Text(f"none (sla_state: {ticket.sla_state})"))
    else:
        terms.add_row("Policy", plain(f"{policy.name} (version {policy.version})"))
        # Long terms wrap: every target and day off counts.
        terms.add_row("Applies to", Text(one_line(applies_to(policy))))
        terms.add_row("Targets", Text(one_line(targets_text(policy, one_line=True))))
        terms.add_row("Hours", Text(one_line(calendar_text(policy))))
        terms.add_row("Paused while", plain(", ".join(policy.pause_statuses) or "never"))
    terms.add_row("State now", Text(ticket.sla_state))
    if not story.entries:
        return Group(heading, Text(""), terms)
    timeline = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for name in ("At", "Clock", "Event", "Cause", "Due", "Left"):
        timeline.add_column(name, no_wrap=name in ("At", "Due", "Left"))
    for entry in story.entries:
        timeline.add_row(
            short_time(entry.at, now),
            CLOCK_NAMES.get(entry.clock, entry.clock),
            entry.what,
            plain(entry.cause, 60),
            short_time(entry.due, now) if entry.due is not None else "",
            _left(entry.business_left),
        )
    return Group(heading, Text(""), terms, Text(""), timeline)


def _left(seconds: float | None) -> str:
    """Business time left (``2h 15m``) or over (``-1h 10m``); blank while paused."""
    from deskterm.domain.sla import human_duration

    return "" if seconds is None else human_duration(seconds)
