"""Queues: the teams' inboxes with their support tiers and escalation chains (``catalog``),
and the agents who work them (``membership``), which limits who takes what.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.queues.catalog import UNCHANGED as UNCHANGED
    from deskterm.domain.queues.catalog import add_queue as add_queue
    from deskterm.domain.queues.catalog import delete_queue as delete_queue
    from deskterm.domain.queues.catalog import edit_queue as edit_queue
    from deskterm.domain.queues.catalog import list_queues as list_queues
    from deskterm.domain.queues.catalog import queue_detail as queue_detail
    from deskterm.domain.queues.catalog import queue_stats as queue_stats
    from deskterm.domain.queues.membership import MembershipChange as MembershipChange
    from deskterm.domain.queues.membership import join_queue as join_queue
    from deskterm.domain.queues.membership import leave_queue as leave_queue
    from deskterm.domain.queues.membership import queue_members as queue_members

_SURFACE = Surface(
    __name__,
    {
        "catalog": (
            "list_queues",
            "queue_stats",
            "queue_detail",
            "add_queue",
            "edit_queue",
            "delete_queue",
            "UNCHANGED",
        ),
        "membership": (
            "queue_members",
            "join_queue",
            "leave_queue",
            "MembershipChange",
        ),
    },
)
__getattr__ = _SURFACE.getattr
