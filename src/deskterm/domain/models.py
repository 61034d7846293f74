"""Plain objects the domain hands to the CLI and the TUI. Never raw rows.

Field order is the order of the keys in JSON output, so it is part of the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from deskterm.domain.models_more import Agent as Agent
    from deskterm.domain.models_more import FieldChange as FieldChange
    from deskterm.domain.models_more import Macro as Macro
    from deskterm.domain.models_more import MacroApplied as MacroApplied
    from deskterm.domain.models_more import Member as Member
    from deskterm.domain.models_more import Queue as Queue
    from deskterm.domain.models_more import QueueDeleted as QueueDeleted
    from deskterm.domain.models_more import QueueDetail as QueueDetail
    from deskterm.domain.models_more import QueueStats as QueueStats
    from deskterm.domain.models_more import UpdateResult as UpdateResult
    from deskterm.domain.models_read import Article as Article
    from deskterm.domain.models_read import ArticleHit as ArticleHit
    from deskterm.domain.models_read import Attachment as Attachment
    from deskterm.domain.models_read import AuditEvent as AuditEvent
    from deskterm.domain.models_read import Message as Message
    from deskterm.domain.models_read import Rating as Rating
    from deskterm.domain.models_read import SavedView as SavedView
    from deskterm.domain.models_read import TicketDetail as TicketDetail

#: Defined in ``models_read`` and loaded on first use (see there why).
_READ = frozenset(
    (
        "Message",
        "AuditEvent",
        "Attachment",
        "TicketDetail",
        "Rating",
        "Article",
        "ArticleHit",
        "SavedView",
    )
)
#: Defined in ``models_more`` and loaded on first use (see there why).
_ELSEWHERE = frozenset(
    (
        "Agent",
        "Queue",
        "QueueStats",
        "QueueDetail",
        "QueueDeleted",
        "Member",
        "FieldChange",
        "UpdateResult",
        "Macro",
        "MacroApplied",
    )
)


def __getattr__(name: str) -> Any:
    if name in _READ:
        from deskterm.domain import models_read

        value = getattr(models_read, name)
        globals()[name] = value
        return value
    if name in _ELSEWHERE:
        from deskterm.domain import models_more

        value = getattr(models_more, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
class Cursor:
    """Where a page ended: the sort key values of its last row (opaque to callers)."""

    values: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list, and the cursors of the pages after and before it."""

    items: tuple[Ticket, ...]
    next_cursor: Cursor | None
    prev_cursor: Cursor | None = None
