"""How tickets look on the command line: list columns, JSON shape, the ``show`` page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from deskterm.cli.output import Column, emit_object, make_console
from deskterm.domain.text import long_time, short_time
from deskterm.domain.tickets import BY_NAME

if TYPE_CHECKING:
    from rich.text import Text

    from deskterm.domain.models import Attachment, Message, Rating, Ticket, TicketDetail


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


#: The fields of a rating as ``ticket rate`` prints it.
RATING_FIELDS = (
    ("ticket_id", "Ticket"),
    ("rating", "Rating"),
    ("comment", "Comment"),
    ("solved_at", "Solved"),
    ("recorded_at", "Recorded"),
    ("recorded_by", "Recorded by"),
)


def rating_dict(rating: Rating) -> dict[str, Any]:
    return {
        "ticket_id": rating.ticket_id,
        "rating": rating.rating,
        "comment": rating.comment,
        "solved_at": rating.solved_at,
        "recorded_at": rating.recorded_at,
        "recorded_by": rating.recorded_by,
    }


def attachment_dict(attachment: Attachment) -> dict[str, Any]:
    """One attachment as ``ticket show`` and ``ticket attachment list`` give it in JSON."""
    return {
        "number": attachment.number,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "inline": attachment.inline,
        "refused": attachment.refused,
        "message_id": attachment.message_id,
        "sha256": attachment.sha256,
        "created_at": attachment.created_at,
    }


def _size(value: Any) -> str:
    from deskterm.domain.tickets import size_text

    return size_text(int(value))


def _kept(value: Any) -> str:
    return "" if value is None else f"not kept: {value}"


#: The table of ``ticket attachment list``.
ATTACHMENT_COLUMNS = (
    Column("number", "#", min_width=1, justify="right"),
    Column("name", "Name", min_width=8, ratio=3),
    Column("size", "Size", min_width=4, max_width=9, justify="right", formatter=_size),
    Column("content_type", "Type", min_width=4, ratio=1, max_width=30),
    Column("refused", "", min_width=4, ratio=2, formatter=_kept),
)

#: How many tickets ``ticket list`` shows without ``--limit``.
DEFAULT_LIMIT = 50
#: ``ticket list`` counts matches up to this many for its note on stderr.
COUNT_CAP = 10_000


def list_columns(spec: str | None) -> tuple[list[Column], list[str] | None]:
    """``ticket list --columns``: the table columns and the csv keys it chooses (by default
    :data:`LIST_COLUMNS` and every key)."""
    from deskterm.cli.output import choose_columns
    from deskterm.domain.models import Ticket
    from deskterm.domain.tickets import FIELDS

    if spec is None:
        return list(LIST_COLUMNS), None
    headers = {field.name: field.header for field in FIELDS}
    chosen = choose_columns(spec, keys=Ticket._fields, known=LIST_COLUMNS, headers=headers)
    return chosen, [column.key for column in chosen]


def more_note(shown: int, total: int | None) -> str:
    """What stderr says when ``--limit`` cut the list: ``50 of 171 shown; ...``.

    ``total`` is the count of matches up to :data:`COUNT_CAP` + 1, or None for a full-text
    search, which is not counted at all (its matches cost a search each). The cost of the
    note is so bounded whatever the size of the desk (measured on a million-ticket desk,
    docs/DECISIONS.md): ``50 of more than 10000 shown``, ``50 shown; more match``.
    """
    hint = "--limit N or --all"
    if total is None:
        return f"{shown} shown; more match; {hint}"
    total = max(total, shown + 1)
    if total > COUNT_CAP:
        return f"{shown} of more than {COUNT_CAP} shown; {hint}"
    return f"{shown} of {total} shown; {hint}"


def ticket_dict(ticket: Ticket) -> dict[str, Any]:
    """A ticket as the stable JSON object of SPEC section 5 (field order = dataclass order)."""
    return ticket._asdict()


def detail_dict(detail: TicketDetail) -> dict[str, Any]:
    """``ticket show``'s JSON: the ticket, the time spent and the latest rating (show only:
    a list would pay a join per row for them), the thread and the history."""
    data = ticket_dict(detail.ticket)
    data["time_spent_seconds"] = detail.time_spent_seconds
    data["time_by_agent"] = dict(detail.time_by_agent)
    rating = detail.rating
    data["rating"] = rating.rating if rating else None
    data["rating_comment"] = rating.comment if rating else None
    data["rated_at"] = rating.recorded_at if rating else None
    data["attachments"] = [attachment_dict(a) for a in detail.attachments]
    data["messages"] = [
        {
            "id": m.id,
            "kind": m.kind,
            "author": m.author,
            "author_name": m.author_name,
            "body": m.body,
            "created_at": m.created_at,
            "delivery": m.delivery,
            "delivery_error": m.delivery_error,
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
    data.update(_time_and_rating(detail))
    emit_object(data, fmt="table", out=out, color=color, fields=_show_fields(data))
    console = make_console(out, color=color, width=None)
    if detail.attachments:
        console.print(Rule(Text(f"Attachments ({len(detail.attachments)})"), style="dim"))
        width = min(40, max(len(a.name) for a in detail.attachments))
        for attachment in detail.attachments:
            console.print(_attachment_line(attachment, width), soft_wrap=False)
        console.print()
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
        if message.delivery_text is not None:
            head.append("  mail: ", style="dim")
            head.append(sanitize(message.delivery_text), style=_delivery_style(message))
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


def _delivery_style(message: Message) -> str:
    return {"failed": "bold", "retrying": "bold"}.get(message.delivery or "", "dim")


def _attachment_line(attachment: Attachment, width: int) -> Text:
    """``  2  report.pdf  1.5 KB  application/pdf`` (the names padded to ``width``; a
    refused file says why)."""
    from rich.text import Text

    from deskterm.domain.text import sanitize
    from deskterm.domain.tickets import size_text

    line = Text(f"{attachment.number:>3}  ")
    line.append(sanitize(attachment.name).ljust(width), style="bold")
    line.append(f"  {size_text(attachment.size):>8}  {sanitize(attachment.content_type)}")
    if attachment.inline:
        line.append("  inline", style="dim")
    if attachment.refused is not None:
        line.append(f"  not kept: {sanitize(attachment.refused)}")
    return line


def _show_fields(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The show page's fields, with time spent and the rating when the ticket has them."""
    extra = tuple((key, label) for key, label in _EXTRA_FIELDS if data.get(key) is not None)
    return SHOW_FIELDS + extra


_EXTRA_FIELDS = (("time_spent", "Time spent"), ("satisfaction", "Satisfaction"))


def _time_and_rating(detail: TicketDetail) -> dict[str, Any]:
    """``Time spent: 2h15m (alice 1h30m, bob 45m)`` and ``Satisfaction: bad: "Too slow"``."""
    from deskterm.domain.text import sanitize
    from deskterm.domain.tickets import time_text

    shown: dict[str, Any] = {"time_spent": None, "satisfaction": None}
    if detail.time_spent_seconds:
        agents = ", ".join(
            f"{sanitize(handle)} {time_text(seconds)}"
            for handle, seconds in detail.time_by_agent.items()
        )
        shown["time_spent"] = f"{time_text(detail.time_spent_seconds)} ({agents})"
    rating = detail.rating
    if rating is not None:
        text = rating.rating
        if rating.comment:
            text += f': "{sanitize(rating.comment)}"'
        text += f" ({long_time(rating.recorded_at)}"
        if rating.solved_at != detail.ticket.solved_at:
            text += ", for an earlier solve"
        shown["satisfaction"] = text + ")"
    return shown
