"""Service levels: the state of a ticket's clocks and how a time left reads; SLA policies.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.sla.clock import human_duration as human_duration
    from deskterm.domain.sla.clock import sla_state as sla_state

    # --- SLA policies: storage, checks, matching (policies.py, policy_shape.py) ---
    from deskterm.domain.sla.policies import KEEP as KEEP
    from deskterm.domain.sla.policies import DeletedPolicy as DeletedPolicy
    from deskterm.domain.sla.policies import Keep as Keep
    from deskterm.domain.sla.policies import PolicyBook as PolicyBook
    from deskterm.domain.sla.policies import PolicyChanges as PolicyChanges
    from deskterm.domain.sla.policies import SlaPolicy as SlaPolicy
    from deskterm.domain.sla.policies import add_policy as add_policy
    from deskterm.domain.sla.policies import delete_policy as delete_policy
    from deskterm.domain.sla.policies import edit_policy as edit_policy
    from deskterm.domain.sla.policies import get_policy as get_policy
    from deskterm.domain.sla.policies import list_policies as list_policies
    from deskterm.domain.sla.policies import load_policies as load_policies
    from deskterm.domain.sla.policies import match_policy as match_policy
    from deskterm.domain.sla.policies import policy_for as policy_for
    from deskterm.domain.sla.policies import set_queue_policy as set_queue_policy
    from deskterm.domain.sla.policy_shape import CLOCKS as CLOCKS
    from deskterm.domain.sla.policy_shape import check_calendar as check_calendar
    from deskterm.domain.sla.policy_shape import check_pause as check_pause
    from deskterm.domain.sla.policy_shape import check_targets as check_targets
    from deskterm.domain.sla.policy_shape import check_warning as check_warning
    from deskterm.domain.sla.policy_shape import describe_hours as describe_hours
    from deskterm.domain.sla.policy_shape import parse_country as parse_country
    from deskterm.domain.sla.policy_shape import parse_date as parse_date
    from deskterm.domain.sla.policy_shape import parse_hours as parse_hours
    from deskterm.domain.sla.policy_shape import parse_targets as parse_targets
    # --- end of SLA policies ---

_SURFACE = Surface(
    __name__,
    {
        "clock": (
            "sla_state",
            "human_duration",
        ),
        # --- SLA policies: storage, checks, matching ---
        "policies": (
            "KEEP",
            "Keep",
            "SlaPolicy",
            "PolicyBook",
            "PolicyChanges",
            "DeletedPolicy",
            "list_policies",
            "get_policy",
            "add_policy",
            "edit_policy",
            "delete_policy",
            "set_queue_policy",
            "load_policies",
            "match_policy",
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
            "parse_date",
            "parse_hours",
            "parse_targets",
        ),
        # --- end of SLA policies ---
    },
)
__getattr__ = _SURFACE.getattr
