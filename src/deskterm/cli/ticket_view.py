"""How tickets look on the command line: list columns, JSON shape, the ``show`` page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from deskterm.cli.output import Column, emit_object, make_console
from deskterm.domain.text import long_time, short_time

if TYPE_CHECKING:
    from deskterm.domain.models import Ticket, TicketDetail

LIST_COLUMNS = (
    Column("id", "ID", min_width=3, justify="right"),
    Column("priority", "PRIO", min_width=3, max_width=6),
    Column("status", "STATUS", min_width=4, max_width=7),
    Column("subject", "SUBJECT", min_width=12, ratio=6),
    Column("requester", "REQUESTER", min_width=6, ratio=2, max_width=26),
    Column("assignee", "ASSIGNEE", min_width=4, max_width=10),
    Column("queue", "QUEUE", min_width=5, ratio=1, max_width=18),
    Column("updated_at", "UPDATED", min_width=5, max_width=11, formatter=short_time),
)


SHOW_FIELDS = (
    ("id", "Ticket"),
    ("subject", "Subject"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("type", "Type"),
    ("queue", "Queue"),
    ("assignee", "Assignee"),
    ("requester", "Requester"),
    ("organization", "Organization"),
    ("tags", "Tags"),
    ("channel", "Channel"),
    ("created_at", "Created"),
    ("updated_at", "Updated"),
    ("sla_state", "SLA"),
    ("version", "Version"),
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
