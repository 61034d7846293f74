"""Service levels: business calendars, a ticket's clocks, and how a time left reads.

Pure: nothing here touches the database. ``Calendar`` does business-time arithmetic
(``add``, ``between``); ``step`` applies one event (``Created``, ``StatusChanged``,
``AgentReply``, ``AutoReply``, ``RequesterReply``, ``PriorityChanged``, ``PolicyChanged``) to a
ticket's ``ClockState`` under its ``Policy``; ``recompute`` is the rule for a priority or policy
change; ``state_of`` gives ``sla_state``; ``timeline`` explains the clocks (``ticket sla ID``).
The rules are in ``docs/sla.md``. SLA policies are stored and matched by ``policies``.

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
    from deskterm.domain.sla.clocks import running_clocks as running_clocks
    from deskterm.domain.sla.clocks import step as step
    from deskterm.domain.sla.clocks import steps as steps
    from deskterm.domain.sla.describe import applies_to as applies_to
    from deskterm.domain.sla.describe import calendar_text as calendar_text
    from deskterm.domain.sla.describe import targets_text as targets_text
    from deskterm.domain.sla.duration import human_duration as human_duration
    from deskterm.domain.sla.duration import parse_duration as parse_duration
    from deskterm.domain.sla.history import Entry as Entry
    from deskterm.domain.sla.history import Timeline as Timeline
    from deskterm.domain.sla.history import timeline as timeline
    from deskterm.domain.sla.policies import KEEP as KEEP
    from deskterm.domain.sla.policies import DeletedPolicy as DeletedPolicy
    from deskterm.domain.sla.policies import Keep as Keep
    from deskterm.domain.sla.policies import PolicyChanges as PolicyChanges
    from deskterm.domain.sla.policies import add_policy as add_policy
    from deskterm.domain.sla.policies import delete_policy as delete_policy
    from deskterm.domain.sla.policies import edit_policy as edit_policy
    from deskterm.domain.sla.policies import get_policy as get_policy
    from deskterm.domain.sla.policies import list_policies as list_policies
    from deskterm.domain.sla.policies import load_policies as load_policies
    from deskterm.domain.sla.policies import load_versions as load_versions
    from deskterm.domain.sla.policies import policy_for as policy_for
    from deskterm.domain.sla.policies import recompute_running as recompute_running
    from deskterm.domain.sla.policies import record_version as record_version
    from deskterm.domain.sla.policies import running_tickets as running_tickets
    from deskterm.domain.sla.policies import set_queue_policy as set_queue_policy
    from deskterm.domain.sla.policy_shape import CLOCKS as CLOCKS
    from deskterm.domain.sla.policy_shape import check_calendar as check_calendar
    from deskterm.domain.sla.policy_shape import check_pause as check_pause
    from deskterm.domain.sla.policy_shape import check_targets as check_targets
    from deskterm.domain.sla.policy_shape import check_warning as check_warning
    from deskterm.domain.sla.policy_shape import describe_hours as describe_hours
    from deskterm.domain.sla.policy_shape import parse_country as parse_country
    from deskterm.domain.sla.policy_shape import parse_hours as parse_hours
    from deskterm.domain.sla.policy_shape import parse_targets as parse_targets
    from deskterm.domain.sla.state import CLOCK_COLUMNS as CLOCK_COLUMNS
    from deskterm.domain.sla.state import Clock as Clock
    from deskterm.domain.sla.state import ClockState as ClockState
    from deskterm.domain.sla.state import sla_state as sla_state
    from deskterm.domain.sla.state import state_of as state_of
    from deskterm.domain.sla.stored import PolicyBook as PolicyBook
    from deskterm.domain.sla.stored import SlaPolicy as SlaPolicy
    from deskterm.domain.sla.stored import engine_policy as engine_policy
    from deskterm.domain.sla.stored import match_policy as match_policy
    from deskterm.domain.sla.stored import stored_policy as stored_policy

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
            "running_clocks",
        ),
        "history": ("timeline", "Timeline", "Entry"),
        "state": ("Clock", "ClockState", "CLOCK_COLUMNS", "state_of", "sla_state"),
        "stored": ("SlaPolicy", "PolicyBook", "engine_policy", "match_policy", "stored_policy"),
        "duration": ("human_duration", "parse_duration"),
        "describe": ("applies_to", "calendar_text", "targets_text"),
        "policies": (
            "KEEP",
            "Keep",
            "PolicyChanges",
            "DeletedPolicy",
            "list_policies",
            "get_policy",
            "add_policy",
            "edit_policy",
            "recompute_running",
            "running_tickets",
            "delete_policy",
            "set_queue_policy",
            "load_policies",
            "load_versions",
            "record_version",
            "policy_for",
        ),
        "policy_shape": (
            "CLOCKS",
            "check_calendar",
            "check_targets",
            "check_pause",
            "check_warning",
            "describe_hours",
            "parse_country",
            "parse_hours",
            "parse_targets",
        ),
    },
)
__getattr__ = _SURFACE.getattr
