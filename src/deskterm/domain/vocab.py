"""The fixed words of the help desk (SPEC section 2), in one place.

Order matters where it is given: priorities are listed low to high, statuses in workflow
order. The store keeps these as plain strings; the query language, the CLI's option checks,
completion and the seed all read them from here.
"""

from __future__ import annotations

from typing import Final

TYPES: Final = ("incident", "service_request", "question", "problem", "change")
STATUSES: Final = ("new", "open", "pending", "on_hold", "solved", "closed")
#: Statuses in which a ticket still needs work (not solved, not closed).
UNSOLVED: Final = ("new", "open", "pending", "on_hold")
PRIORITIES: Final = ("low", "normal", "high", "urgent")
PRIORITY_RANK: Final = {name: rank for rank, name in enumerate(PRIORITIES)}
CHANNELS: Final = ("email", "web", "phone", "chat", "walk_in", "api", "monitoring")
TIERS: Final = ("L1", "L2", "L3")
ROLES: Final = ("agent", "lead", "admin")
MESSAGE_KINDS: Final = ("reply", "note", "event")
#: A requester's satisfaction with a solve (docs/time-and-ratings.md).
RATINGS: Final = ("good", "bad")
SLA_STATES: Final = ("none", "ok", "warning", "breached", "paused", "met")
