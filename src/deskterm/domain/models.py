"""Plain objects the domain hands to the CLI and the TUI. Never raw rows.

Field order is the order of the keys in JSON output, so it is part of the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Agent:
    id: int
    handle: str
    name: str
    email: str | None
    role: str
    active: bool
    #: The PostgreSQL login this agent connects as (docs/team.md); None on SQLite.
    login: str | None = None


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    name: str
    tier: str
    escalates_to: str | None
    description: str
    #: Only its members and admins see its tickets (docs/team.md).
    confidential: bool = False


@dataclass(frozen=True, slots=True)
class QueueStats:
    """A queue as ``queue list`` shows it: its fields and what it holds."""

    id: int
    name: str
    tier: str
    escalates_to: str | None
    description: str
    #: How many agents work it (``ticket take`` hands them its tickets).
    member_count: int
    #: Its unsolved tickets (new, open, pending, on hold).
    open_tickets: int
    #: Tickets escalated out of it (in the period asked for, else ever).
    escalations: int
    #: Only its members and admins see its tickets (docs/team.md).
    confidential: bool = False


@dataclass(frozen=True, slots=True)
class QueueDetail:
    """One queue in full (``queue show``): its figures, who works it, where its tickets go
    when escalated (``chain``, nearest first) and which queues escalate into it."""

    queue: QueueStats
    members: tuple[Member, ...]
    chain: tuple[str, ...]
    escalated_from: tuple[str, ...]
    #: The SLA policy its tickets fall back on (docs/sla.md, matching), or None.
    default_sla_policy: str | None = None
    #: Its automatic first response (a template, docs/rules.md), or None.
    auto_reply: str | None = None


@dataclass(frozen=True, slots=True)
class QueueDeleted:
    """What ``queue delete`` did: the queue gone, and how many tickets moved where."""

    name: str
    moved: int
    moved_to: str | None


@dataclass(frozen=True, slots=True)
class Member:
    """An agent in a queue, since ``added_at``."""

    queue: str
    handle: str
    name: str
    role: str
    added_at: datetime


class Ticket(NamedTuple):
    """A ticket as every caller sees it. A NamedTuple rather than a frozen dataclass: a list
    page builds hundreds of these, and a tuple is built several times faster."""

    id: int
    subject: str
    type: str
    status: str
    priority: str
    queue: str
    assignee: str | None
    requester: str | None
    requester_name: str | None
    organization: str | None
    tags: tuple[str, ...]
    channel: str
    created_at: datetime
    updated_at: datetime
    first_responded_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    next_response_due: datetime | None
    #: The earliest due of the running clocks (None when paused, met or without policy).
    sla_due: datetime | None
    sla_state: str
    version: int


@dataclass(frozen=True, slots=True)
class Message:
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
class Cursor:
    """Where a page ended: the sort key values of its last row (opaque to callers)."""

    values: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Ticket, ...]
    next_cursor: Cursor | None
    prev_cursor: Cursor | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class UpdateResult:
    ticket: Ticket
    changes: tuple[FieldChange, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Article:
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
    id: int
    slug: str
    title: str
    category: str
    rank: float
    #: The snippet as segments of (text, matched) so a UI can highlight without markup.
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class SavedView:
    id: int
    name: str
    query: str
    sort: str
    owner: str | None  # None: shared with every agent


@dataclass(frozen=True, slots=True)
class Macro:
    """A canned reply or note and the field changes that go with it (docs/macros.md).

    ``body`` is a template (``{{ requester.first_name }}``); a field left None is not
    changed. ``assignee`` is a handle, ``me`` (whoever applies it) or ``none`` (unassign).
    """

    id: int
    name: str
    #: ``reply`` (public, to the requester) or ``note`` (internal).
    kind: str
    body: str
    status: str | None
    priority: str | None
    type: str | None
    queue: str | None
    assignee: str | None
    add_tags: tuple[str, ...]
    remove_tags: tuple[str, ...]
    owner: str | None  # None: shared with every agent
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MacroApplied:
    """What applying a macro did (or, on a dry run, would do) to a ticket."""

    ticket: Ticket
    macro: str
    kind: str
    #: The reply or note as rendered for this ticket (None: the macro adds no message).
    text: str | None
    changes: tuple[FieldChange, ...]
