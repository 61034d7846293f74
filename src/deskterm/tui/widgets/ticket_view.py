"""The detail of one ticket: fields, SLA countdown, thread and history.

The requester's messages, agents' public replies, internal notes and system events each have
their own label, rule and style (so they differ without colour too); every body is sanitized
and shown as plain text. The history says what changed in words (``domain/history_text.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskterm.domain.models import Attachment, Message, TicketDetail
from deskterm.domain.text import long_time, one_line
from deskterm.domain.tickets import describe, messages_by_id, size_text, time_text
from deskterm.tui.access import desk_app
from deskterm.tui.messages import PresenceChanged
from deskterm.tui.presence import phrase
from deskterm.tui.render import (
    clock_lines,
    multiline,
    plain,
    priority_cell,
    sla_cell,
    status_cell,
)

#: Who a thread entry is from, as the thread shows it: label and label style.
SOURCES = {
    "requester": ("REQUESTER WROTE", "bold underline"),
    "reply": ("↩ PUBLIC REPLY", "bold"),
    "automatic": ("↩ AUTOMATIC REPLY", "bold"),
    "note": ("■ INTERNAL NOTE", "bold reverse"),
    "event": ("· event", "dim"),
}


def message_source(message: Message) -> str:
    """``requester`` for the requester's (any contact's) messages, else the message kind:
    ``reply`` (an agent's public reply), ``note`` or ``event``. A contact's author is an
    e-mail address; an agent's is a handle, which never holds an ``@``."""
    if message.kind == "reply" and message.author and "@" in message.author:
        return "requester"
    if message.kind == "reply" and message.automatic:
        return "automatic"
    return message.kind if message.kind in SOURCES else "event"


def fields_text(detail: TicketDetail, now: datetime, *, color: bool = True) -> Text:
    t = detail.ticket
    text = Text()
    text.append(f"#{t.id} ", style="bold")
    text.append_text(plain(t.subject, 300).copy())
    text.stylize("bold", 0)
    text.append("\n")
    pairs: list[tuple[str, Text]] = [
        ("Status", status_cell(t.status, color=color)),
        ("Priority", priority_cell(t.priority, color=color)),
        ("SLA", sla_cell(t, now, color=color)),
        ("Type", Text(t.type)),
        ("Queue", plain(t.queue)),
        ("Assignee", plain(t.assignee or "unassigned")),
        ("Requester", plain(_requester(t.requester_name, t.requester))),
        ("Org", plain(t.organization or "–")),
        ("Tags", plain(", ".join(t.tags) or "–")),
        ("Channel", Text(t.channel)),
        ("Created", Text(long_time(t.created_at))),
        ("Updated", Text(long_time(t.updated_at))),
    ]
    pairs += [(label, Text(value)) for label, value in clock_lines(t, now)]
    if detail.time_spent_seconds:
        pairs.append(("Time spent", Text(time_text(detail.time_spent_seconds))))
    if detail.attachments:
        pairs.append(("Files", Text(str(len(detail.attachments)))))
    if detail.rating is not None:
        rating = Text(detail.rating.rating, style="bold")
        if detail.rating.comment:
            rating.append(": ")
            rating.append_text(plain(detail.rating.comment, 80))
        pairs.append(("Satisfaction", rating))
    for index, (label, value) in enumerate(pairs):
        text.append(f"{label}: ", style="dim")
        text.append_text(value)
        text.append("\n" if index % 3 == 2 else "   ")
    text.append(f"version {t.version}", style="dim")
    return text


def _requester(name: str | None, email: str | None) -> str:
    if name and email:
        return f"{name} <{email}>"
    return name or email or "–"


def message_text(message: Message, files: Sequence[Attachment] = ()) -> Text:
    """A thread entry: who and when, the body, then the files that came with it."""
    label, style = SOURCES[message_source(message)]
    text = Text()
    text.append(label, style=style)
    who = one_line(message.author_name or message.author or "system", 60)
    text.append(f"  {who}  {long_time(message.created_at)}", style="dim")
    if message.delivery_text is not None:
        # The reply's mail to the requester: queued, sent, retrying (why), failed (why).
        failing = message.delivery in ("retrying", "failed")
        text.append("  ✉ mail ", style="dim")
        text.append(one_line(message.delivery_text, 80), style="bold" if failing else "dim")
    text.append("\n")
    text.append_text(multiline(message.body))
    for attachment in files:
        text.append("\n")
        text.append_text(attachment_text(attachment))
    return text


def attachment_text(attachment: Attachment) -> Text:
    """``[2] report.pdf  1.5 KB  application/pdf`` (names from mail sanitized as any text
    from outside; a refused file says why); ``ticket attachment save ID N`` takes N."""
    text = Text()
    text.append(f"[{attachment.number}] ", style="bold")
    text.append_text(plain(attachment.name, 80))
    text.append(f"  {size_text(attachment.size)}  ", style="dim")
    text.append_text(plain(attachment.content_type, 40).copy())
    if attachment.inline:
        text.append("  inline", style="dim")
    if attachment.refused is not None:
        text.append("  not kept: ")
        text.append_text(plain(attachment.refused, 80))
    return text


def files_by_message(detail: TicketDetail) -> dict[int | None, list[Attachment]]:
    """The ticket's files by the thread entry each came with."""
    found: dict[int | None, list[Attachment]] = {}
    for attachment in detail.attachments:
        found.setdefault(attachment.message_id, []).append(attachment)
    return found


def history_text(detail: TicketDetail) -> Text:
    messages = messages_by_id(detail.messages)
    text = Text()
    for event in detail.history:
        text.append(f"{long_time(event.at)}  v{event.version}  ", style="dim")
        text.append(one_line(event.actor or "system", 30) + "  ", style="bold")
        text.append(describe(event, messages))
        text.append("\n")
    text.rstrip()
    return text


class TicketView(VerticalScroll):
    """Shows a :class:`TicketDetail`; empty until one is given."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.detail: TicketDetail | None = None
        self.can_focus = True
        #: Who else is on the shown ticket, as the line above its fields says it.
        self.presence = ""

    def show(self, detail: TicketDetail, now: datetime) -> None:
        keep_scroll = self.detail is not None and self.detail.ticket.id == detail.ticket.id
        self.detail = detail
        self.presence = phrase(desk_app(self).others.get(detail.ticket.id, ()))
        with self.app.batch_update():
            self.remove_children()
            widgets: list[Static] = [
                self._presence_line(),
                Static(fields_text(detail, now, color=desk_app(self).color), classes="fields"),
            ]
            widgets.append(Static(Text("Thread", style="bold underline"), classes="section"))
            files = files_by_message(detail)
            widgets.extend(
                Static(message_text(m, files.get(m.id, ())), classes=f"msg -{message_source(m)}")
                for m in detail.messages
            )
            if files.get(None):  # files whose thread entry is gone
                lines = Text("Files", style="bold")
                for attachment in files[None]:
                    lines.append("\n")
                    lines.append_text(attachment_text(attachment))
                widgets.append(Static(lines, classes="msg -event"))
            if not detail.messages:
                widgets.append(Static(Text("(no messages)", style="dim")))
            widgets.append(Static(Text("History", style="bold underline"), classes="section"))
            widgets.append(Static(history_text(detail), classes="history"))
            self.mount_all(widgets)
        if not keep_scroll:
            self.scroll_home(animate=False)

    def show_presence(self, change: PresenceChanged) -> None:
        """Say who else has the shown ticket open, or is writing on it (``bob is replying``)."""
        if self.detail is None:
            return
        text = phrase(change.on(self.detail.ticket.id))
        if text == self.presence:
            return
        self.presence = text
        lines = self.query(".presence")
        if lines:
            lines.first().remove()
        self.mount(self._presence_line(), before=0)

    def _presence_line(self) -> Static:
        line = Static(Text(f"◉ {self.presence}", style="bold"), classes="presence")
        line.display = bool(self.presence)
        return line

    def clear_detail(self, note: str = "") -> None:
        self.detail = None
        self.remove_children()
        if note:
            self.mount(Static(Text(note, style="dim")))
