"""The plain records the generators return and :mod:`deskterm.demo.load` writes.

People and queues refer to each other by name (a handle, an e-mail address, a queue name),
never by database id: the loader resolves names to ids as it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class SeedAgent:
    handle: str
    name: str
    email: str
    role: str


@dataclass(slots=True)
class SeedQueue:
    name: str
    tier: str
    escalates_to: str | None
    description: str


@dataclass(slots=True)
class SeedMacro:
    """A shared macro of the demo desk (``data/automation.toml``); queues by name."""

    name: str
    kind: str
    body: str
    status: str | None
    priority: str | None
    type: str | None
    queue: str | None
    assignee: str | None
    add_tags: tuple[str, ...]
    remove_tags: tuple[str, ...]


@dataclass(slots=True)
class SeedOrg:
    name: str
    domain: str


@dataclass(slots=True)
class SeedContact:
    name: str
    email: str
    org: str | None


@dataclass(slots=True)
class Directory:
    agents: list[SeedAgent]
    queues: list[SeedQueue]
    orgs: list[SeedOrg]
    contacts: list[SeedContact]


@dataclass(slots=True)
class SeedMessage:
    kind: str
    agent: str | None
    contact: str | None
    body: str
    created_at: datetime


@dataclass(slots=True)
class SeedTicket:
    subject: str
    type: str
    status: str
    priority: str
    queue: str
    assignee: str | None
    requester: str | None
    channel: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    first_responded_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    messages: tuple[SeedMessage, ...]


@dataclass(slots=True)
class SeedArticle:
    slug: str
    title: str
    body: str
    category: str
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
