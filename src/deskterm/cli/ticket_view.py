"""How tickets look on the command line: list columns, JSON shape, the ``show`` page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from deskterm.cli.output import Column, emit_object, make_console
from deskterm.domain.text import long_time, short_time
from deskterm.domain.tickets import BY_NAME

if TYPE_CHECKING:
    from deskterm.domain.models import Ticket, TicketDetail


def _column(key: str, **layout: Any) -> Column:
    """A table column for the ticket field ``key``, headed as ``fields.FIELDS`` says."""
    return Column(key, BY_NAME[key].header, **layout)


LIST_COLUMNS = (
    _column("id", min_width=3, justify="right"),
    _column("priority", min_width=3, max_width=6),
    _column("status", min_width=4, max_width=7),
    _column("subject", min_width=12, ratio=6),
    _column("requester", min_width=6, ratio=2, max_width=26),
    _column("assignee", min_width=4, max_width=10),
    _column("queue", min_width=5, ratio=1, max_width=18),
    _column("updated_at", min_width=5, max_width=11, formatter=short_time),
)

#: The fields of the ``ticket show`` page, labelled as ``fields.FIELDS`` says.
SHOW_FIELDS = tuple(
    (key, BY_NAME[key].label)
    for key in (
        "id",
        "subject",
        "status",
        "priority",
        "type",
        "queue",
        "assignee",
        "requester",
        "organization",
        "tags",
        "channel",
        "created_at",
        "updated_at",
        "sla_state",
        "version",
    )
)


def ticket_dict(ticket: Ticket) -> dict[str, Any]:
    """A ticket as the stable JSON object of SPEC section 5 (field order = dataclass order)."""
    return ticket._asdict()


def detail_dict(detail: TicketDetail) -> dict[str, Any]:
    data = ticket_dict(detail.ticket)
    data["messages"] = [
        {
            "id": m.id,
            "kind": m.kind,
            "author": m.author,
            "author_name": m.author_name,
            "body": m.body,
            "created_at": m.created_at,
        }
        for m in detail.messages
    ]
    data["history"] = [
        {
            "id": e.id,
            "actor": e.actor,
            "field": e.field,
            "old": e.old,
            "new": e.new,
            "version": e.version,
            "at": e.at,
        }
        for e in detail.history
    ]
    return data


def print_detail(detail: TicketDetail, *, out: TextIO, color: bool) -> None:
    """The human ``ticket show`` page: fields, then the thread, then the history."""
    from rich.rule import Rule
    from rich.text import Text

    from deskterm.domain.text import sanitize
    from deskterm.domain.tickets import describe, messages_by_id

    data = ticket_dict(detail.ticket)
    emit_object(data, fmt="table", out=out, color=color, fields=SHOW_FIELDS)
    console = make_console(out, color=color, width=None)
    console.print(Rule(Text(f"Thread ({len(detail.messages)})"), style="dim"))
    for message in detail.messages:
        label = {"reply": "reply", "note": "INTERNAL NOTE", "event": "event"}[message.kind]
        if message.automatic:
            label = f"automatic {label}"
        head = Text()
        head.append(f"{label} ", style="bold" if message.kind != "note" else "bold reverse")
        head.append(sanitize(message.author_name or message.author or "system"))
        if message.author and message.author_name:
            head.append(f" <{sanitize(message.author)}>", style="dim")
        head.append(f"  {long_time(message.created_at)}", style="dim")
        console.print(head)
        console.print(Text(sanitize(message.body, multiline=True)), soft_wrap=False)
        console.print()
    console.print(Rule(Text("History"), style="dim"))
    messages = messages_by_id(detail.messages)
    for event in detail.history:
        line = Text(f"{long_time(event.at)}  v{event.version}  ", style="dim")
        line.append(sanitize(event.actor or "system"))
        line.append(f"  {describe(event, messages, ascii=True)}")
        console.print(line)
