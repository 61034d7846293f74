"""Service levels: business calendars, a ticket's clocks, and how a time left reads.

Pure: nothing here touches the database. ``Calendar`` does business-time arithmetic
(``add``, ``between``); ``step`` applies one event (``Created``, ``StatusChanged``,
``AgentReply``, ``AutoReply``, ``RequesterReply``, ``PriorityChanged``, ``PolicyChanged``) to a
ticket's ``ClockState`` under its ``Policy``; ``recompute`` is the rule for a priority or policy
change; ``state_of`` gives ``sla_state``; ``timeline`` explains the clocks (``ticket sla ID``).
The rules are in ``docs/sla.md``.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.sla.calendar import Calendar as Calendar
    from deskterm.domain.sla.clocks import AgentReply as AgentReply
    from deskterm.domain.sla.clocks import AutoReply as AutoReply
    from deskterm.domain.sla.clocks import Created as Created
    from deskterm.domain.sla.clocks import Event as Event
    from deskterm.domain.sla.clocks import Facts as Facts
    from deskterm.domain.sla.clocks import Policy as Policy
    from deskterm.domain.sla.clocks import PolicyChanged as PolicyChanged
    from deskterm.domain.sla.clocks import PriorityChanged as PriorityChanged
    from deskterm.domain.sla.clocks import RequesterReply as RequesterReply
    from deskterm.domain.sla.clocks import StatusChanged as StatusChanged
    from deskterm.domain.sla.clocks import Targets as Targets
    from deskterm.domain.sla.clocks import recompute as recompute
    from deskterm.domain.sla.clocks import step as step
    from deskterm.domain.sla.clocks import steps as steps
    from deskterm.domain.sla.duration import human_duration as human_duration
    from deskterm.domain.sla.history import Entry as Entry
    from deskterm.domain.sla.history import Timeline as Timeline
    from deskterm.domain.sla.history import timeline as timeline
    from deskterm.domain.sla.state import ClockState as ClockState
    from deskterm.domain.sla.state import sla_state as sla_state
    from deskterm.domain.sla.state import state_of as state_of

_SURFACE = Surface(
    __name__,
    {
        "calendar": ("Calendar",),
        "clocks": (
            "Policy",
            "Targets",
            "Facts",
            "Event",
            "Created",
            "StatusChanged",
            "AgentReply",
            "AutoReply",
            "RequesterReply",
            "PriorityChanged",
            "PolicyChanged",
            "step",
            "steps",
            "recompute",
        ),
        "history": ("timeline", "Timeline", "Entry"),
        "state": ("ClockState", "state_of", "sla_state"),
        "duration": ("human_duration",),
    },
)
__getattr__ = _SURFACE.getattr
