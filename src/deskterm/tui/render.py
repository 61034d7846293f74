"""How tickets look in the console: list cells, SLA countdowns, states that read without colour.

Every string from a requester goes through :func:`deskterm.domain.text.sanitize` and becomes
a ``rich.text.Text`` (never markup), so ``[@click=app.quit]`` is shown, not run. States carry
a symbol and bold/reverse/dim as well as colour, so ``NO_COLOR`` still reads.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from deskterm.domain.models import Ticket
from deskterm.domain.sla import human_duration
from deskterm.domain.text import one_line, sanitize, short_time

PRIORITY_STYLE = {
    "urgent": "bold reverse red",
    "high": "bold yellow",
    "normal": "",
    "low": "dim",
}
PRIORITY_LABEL = {"urgent": "‼urgent", "high": "!high", "normal": "normal", "low": "low"}
STATUS_STYLE = {
    "new": "bold cyan",
    "open": "green",
    "pending": "italic magenta",
    "on_hold": "italic yellow",
    "solved": "dim",
    "closed": "dim",
}
SLA_STYLE = {
    "ok": "green",
    "warning": "bold yellow",
    "breached": "bold reverse red",
    "paused": "italic",
    "met": "dim",
    "none": "dim",
}
SLA_SYMBOL = {"ok": "", "warning": "⚠ ", "breached": "✖ ", "paused": "⏸ ", "met": "✓ ", "none": ""}
#: Without colour (``NO_COLOR``, ``--no-color``) states keep their symbols and take text
#: attributes only, in the terminal's own colours: a grey from a colour, or dim, can fall
#: below the 4.5:1 contrast of WCAG AA (``tests/tui/test_monochrome.py`` measures it).
MONO_STYLE = {
    "urgent": "bold reverse",
    "high": "bold",
    "new": "bold",
    "pending": "italic",
    "on_hold": "italic underline",
    "warning": "bold",
    "breached": "bold reverse",
    "paused": "italic",
}


def state_style(table: dict[str, str], value: str, *, color: bool) -> str:
    """The style of a state (priority, status, SLA) in colour or without it."""
    return table.get(value, "") if color else MONO_STYLE.get(value, "")


def plain(text: str | None, width: int | None = None) -> Text:
    """Untrusted one-line text, made inert and plain."""
    return Text(one_line(text, width), no_wrap=True, overflow="ellipsis")


def multiline(text: str | None, limit: int = 20_000) -> Text:
    """An untrusted body for the thread, cut (with a note) past ``limit`` characters."""
    clean = sanitize(text, multiline=True)
    if len(clean) > limit:
        clean = clean[:limit] + f"\n… ({len(clean) - limit:,} more characters not shown)"
    return Text(clean)


def priority_cell(priority: str, *, color: bool = True) -> Text:
    label = PRIORITY_LABEL.get(priority, priority)
    return Text(label, style=state_style(PRIORITY_STYLE, priority, color=color))


def status_cell(status: str, *, color: bool = True) -> Text:
    return Text(status, style=state_style(STATUS_STYLE, status, color=color))


def next_due(ticket: Ticket) -> datetime | None:
    """The due time the SLA clock is running against (first response, then resolution)."""
    if ticket.first_responded_at is None and ticket.first_response_due is not None:
        return ticket.first_response_due
    return ticket.resolution_due


def sla_text(ticket: Ticket, now: datetime) -> str:
    state = ticket.sla_state
    if state in ("none", "met", "paused"):
        return SLA_SYMBOL[state] + ("" if state == "none" else state)
    due = next_due(ticket)
    if due is None:
        return state
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    return SLA_SYMBOL.get(state, "") + human_duration((due - now).total_seconds())


def sla_cell(ticket: Ticket, now: datetime, *, color: bool = True) -> Text:
    style = state_style(SLA_STYLE, ticket.sla_state, color=color)
    return Text(sla_text(ticket, now), style=style)


def row_cells(
    ticket: Ticket, now: datetime, *, marked: bool, draft: bool = False, color: bool = True
) -> list[Text]:
    """The list row of SPEC section 7, in ``ticket_table.COLUMNS`` order: mark (``●`` marked,
    ``✎`` holds an unsent draft), id, priority, status, subject, assignee, updated, SLA,
    requester, queue."""
    return [
        Text(("●" if marked else " ") + ("✎" if draft else " "), style="bold"),
        Text(str(ticket.id), justify="right"),
        priority_cell(ticket.priority, color=color),
        status_cell(ticket.status, color=color),
        plain(ticket.subject, 120),
        plain(ticket.assignee or "–", 20),
        Text(short_time(ticket.updated_at, now)),
        sla_cell(ticket, now, color=color),
        plain(ticket.requester_name or ticket.requester, 40),
        plain(ticket.queue, 30),
    ]
