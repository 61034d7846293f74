"""The domain's plain objects that no light read needs (agents, queues, updates, macros).

They belong with ``models`` and are imported from there (``from deskterm.domain.models
import Agent``); ``models`` loads this module on first use of one of these names, so that
the read commands' light path (docs/startup.md), which needs only the ticket, knowledge-base
and view objects, does not pay for building these classes at start-up (each slotted
frozen dataclass costs about half a millisecond).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: ``models`` loads this module, so a real import is a circle
    from deskterm.domain.models import Ticket


@dataclass(frozen=True, slots=True)
class Agent:
    """A person working tickets: role agent, lead or admin."""

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
    """A team's inbox, with its support tier and where its tickets escalate to."""

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


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A field an update changed (or would change) on a ticket, from and to."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What an update did to one ticket: the ticket as written and the fields it changed."""

    ticket: Ticket
    changes: tuple[FieldChange, ...] = field(default_factory=tuple)


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
