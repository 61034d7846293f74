"""The domain's plain objects for a ticket's thread, the knowledge base and saved views.

They belong with ``models`` and are imported from there (``from deskterm.domain.models
import Message``); ``models`` loads this module on first use of one of these names, so that
the console's first frame, which needs only tickets and pages (docs/startup.md), does not pay
for building these classes at start-up (each slotted frozen dataclass costs about half a
millisecond). ``ticket show``, ``kb`` and ``view list`` load it when they build one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: ``models`` loads this module, so a real import is a circle
    from deskterm.domain.models import Ticket


@dataclass(frozen=True, slots=True)
class Message:
    """An entry in a ticket's thread: a reply, an internal note or a system event."""

    id: int
    ticket_id: int
    kind: str
    author: str | None  # agent handle, requester e-mail, or None for the system
    author_name: str | None
    body: str
    created_at: datetime
    #: Written by the desk itself (a triage rule's acknowledgement), not by a person.
    automatic: bool = False
    #: A public reply's mail to the requester (docs/mail.md, "Sending"): queued, sending,
    #: retrying, sent, failed, skipped; None for what is not mailed (notes, the requester's).
    delivery: str | None = None
    #: Why its last try failed (retrying, failed).
    delivery_error: str | None = None

    @property
    def delivery_text(self) -> str | None:
        """``queued``, ``sent``, ``retrying: <error>``, ``failed: <error>``; None when the
        entry is not mailed."""
        if self.delivery is None:
            return None
        shown = "queued" if self.delivery == "sending" else self.delivery
        if self.delivery in ("retrying", "failed") and self.delivery_error:
            return f"{shown}: {self.delivery_error}"
        return shown


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One changed field of a ticket: who, when, old and new value, at which version."""

    id: int
    ticket_id: int
    actor: str | None
    field: str
    old: str | None
    new: str | None
    version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a thread entry (docs/mail.md, "Attachments")."""

    #: Its number on the ticket: 1, 2, ... in the order the files came.
    number: int
    id: int
    ticket_id: int
    #: The thread entry it came with (None if that entry is gone).
    message_id: int | None
    #: Sanitized: no path, no control characters, never empty.
    name: str
    content_type: str
    size: int
    #: SHA-256 of the bytes; None when the file was refused.
    sha256: str | None
    #: Shown in the message's body (an inline image), not attached to it.
    inline: bool
    #: Why the file was not kept (too large); None when it was.
    refused: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """A ticket with its thread, history, time spent, rating and files (``ticket show``)."""

    ticket: Ticket
    messages: tuple[Message, ...]
    history: tuple[AuditEvent, ...]
    #: Time spent on the ticket, in seconds: in all, and each agent's (handle -> seconds).
    time_spent_seconds: int = 0
    time_by_agent: Mapping[str, int] = field(default_factory=dict)
    #: The latest satisfaction rating, if the requester gave one.
    rating: Rating | None = None
    #: The files that came with the thread, numbered as ``ticket attachment save`` takes them.
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Rating:
    """The requester's satisfaction with one solve of a ticket (docs/time-and-ratings.md)."""

    ticket_id: int
    rating: str
    comment: str | None
    #: The solve it rates: the ticket's ``solved_at`` when it was rated.
    solved_at: datetime
    recorded_at: datetime
    #: The agent who recorded it (None: the requester, by mail).
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class Article:
    """A knowledge-base article in Markdown."""

    id: int
    slug: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]
    author: str | None
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class ArticleHit:
    """A knowledge-base search result: the article, its rank and a snippet."""

    id: int
    slug: str
    title: str
    category: str
    rank: float
    #: The snippet as segments of (text, matched) so a UI can highlight without markup.
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class SavedView:
    """A saved query and sort, an agent's own or shared."""

    id: int
    name: str
    query: str
    sort: str
    owner: str | None  # None: shared with every agent
