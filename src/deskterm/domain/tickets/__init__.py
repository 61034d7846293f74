"""Tickets: opening, changing, the thread, escalation, claiming and merging.

Every change goes through one pure workflow (``plan.plan``) and one versioned write
(``write.store``), in one transaction per public call (``write.transact``, which retries a
transaction the database aborted to break a deadlock). This module is the public surface;
the submodules are how it is done.
"""

from deskterm.domain.tickets.change import (
    Changes,
    add_message,
    assign,
    checked,
    close,
    escalate,
    escalation_targets,
    note,
    reopen,
    reply,
    update,
)
from deskterm.domain.tickets.claims import link, merge, take
from deskterm.domain.tickets.create import NewTicket, create, new_ticket
from deskterm.domain.tickets.plan import UNSET, tag_diff

__all__ = [
    "UNSET",
    "Changes",
    "NewTicket",
    "add_message",
    "assign",
    "checked",
    "close",
    "create",
    "escalate",
    "escalation_targets",
    "link",
    "merge",
    "new_ticket",
    "note",
    "reopen",
    "reply",
    "tag_diff",
    "take",
    "update",
]
