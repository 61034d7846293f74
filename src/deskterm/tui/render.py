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
from deskterm.domain.text import long_time, one_line, sanitize, short_time

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
    """The due time the SLA clocks run against: the earliest of the running ones
    (``sla_due``: None while paused, met or without a policy)."""
    return ticket.sla_due


def sla_text(ticket: Ticket, now: datetime) -> str:
    """The list's SLA cell: the time left (``2h 15m``) or over (``-1h 10m``) with the
    state's symbol, or the state itself when no clock runs (``⏸ paused``, ``✓ met``)."""
    state = ticket.sla_state
    due = next_due(ticket)
    if state in ("none", "met", "paused") or due is None:
        return SLA_SYMBOL.get(state, "") + ("" if state == "none" else state)
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    return SLA_SYMBOL.get(state, "") + human_duration((due - now).total_seconds())


def clock_lines(ticket: Ticket, now: datetime) -> list[tuple[str, str]]:
    """The detail pane's clocks: (label, "due <time> (<left>)" or "met <time>") for each
    clock the ticket has."""
    lines: list[tuple[str, str]] = []
    running = ticket.sla_state in ("ok", "warning", "breached")
    for label, due, met in (
        ("First response", ticket.first_response_due, ticket.first_responded_at),
        ("Next response", ticket.next_response_due, None),
        ("Resolution", ticket.resolution_due, ticket.solved_at),
    ):
        if due is None:
            continue
        if met is not None:
            late = " late" if met > due else ""
            lines.append((label, f"met {long_time(met)}{late} (due {long_time(due)})"))
        elif running:
            left = human_duration((due - now).total_seconds())
            lines.append((label, f"due {long_time(due)} ({left})"))
        else:
            lines.append((label, f"due {long_time(due)} ({ticket.sla_state})"))
    return lines


def sla_cell(ticket: Ticket, now: datetime, *, color: bool = True) -> Text:
    style = state_style(SLA_STYLE, ticket.sla_state, color=color)
    return Text(sla_text(ticket, now), style=style)


def row_cells(
    ticket: Ticket,
    now: datetime,
    *,
    marked: bool,
    draft: bool = False,
    color: bool = True,
    present: str = "",
) -> dict[str, Text]:
    """The cells of a list row (SPEC section 7) by column key: ``mark`` (``●`` marked, ``✎``
    holds an unsent draft) and the ticket fields the list shows; ``ticket_table.COLUMNS``
    orders them. ``present``: the marker of other agents on the ticket, before its number
    (``◉`` someone has it open, ``✐`` someone is writing on it; ``tui/presence.py``)."""
    number = Text(str(ticket.id), justify="right")
    if present:
        number = Text.assemble((present, "bold"), str(ticket.id), justify="right")
    return {
        "mark": Text(("●" if marked else " ") + ("✎" if draft else " "), style="bold"),
        "id": number,
        "priority": priority_cell(ticket.priority, color=color),
        "status": status_cell(ticket.status, color=color),
        "sla_state": sla_cell(ticket, now, color=color),
        "subject": plain(ticket.subject, 120),
        "assignee": plain(ticket.assignee or "–", 20),
        "updated_at": Text(short_time(ticket.updated_at, now)),
        "requester": plain(ticket.requester_name or ticket.requester, 40),
        "queue": plain(ticket.queue, 30),
    }
