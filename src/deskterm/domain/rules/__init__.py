"""Triage rules: stored in order, each a query-language condition on a new ticket and the
actions to take (``catalog``). Applying them to new tickets, and previewing a rule against
the tickets there are, is the tickets package's (``tickets/triage.py``): a rule's actions go
through the one workflow.

The names below are this package's public surface (see ``deskterm.domain.surface``).
"""

from typing import TYPE_CHECKING

from deskterm.domain.surface import Surface

if TYPE_CHECKING:
    from deskterm.domain.rules.catalog import Actions as Actions
    from deskterm.domain.rules.catalog import Rule as Rule
    from deskterm.domain.rules.catalog import RuleChanges as RuleChanges
    from deskterm.domain.rules.catalog import add_rule as add_rule
    from deskterm.domain.rules.catalog import delete_rule as delete_rule
    from deskterm.domain.rules.catalog import edit_rule as edit_rule
    from deskterm.domain.rules.catalog import get_rule as get_rule
    from deskterm.domain.rules.catalog import list_rules as list_rules
    from deskterm.domain.rules.catalog import load_rules as load_rules
    from deskterm.domain.rules.catalog import move_rule as move_rule

_SURFACE = Surface(
    __name__,
    {
        "catalog": (
            "Actions",
            "Rule",
            "RuleChanges",
            "add_rule",
            "delete_rule",
            "edit_rule",
            "get_rule",
            "list_rules",
            "load_rules",
            "move_rule",
        ),
    },
)
__getattr__ = _SURFACE.getattr
