"""The demo desk comes with a handful of realistic shared macros, each of which applies."""

from __future__ import annotations

from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.macros import apply_macro, list_macros


def test_the_demo_desk_has_shared_macros_that_apply_to_its_tickets(desk: Desk) -> None:
    seed_desk(desk, tickets=60, articles=0, seed=3, days=3)
    macros = list_macros(desk)
    assert [m.name for m in macros] == [
        "Closing as resolved",
        "Hand over to Network L2",
        "Password reset instructions",
        "VPN client reinstall",
        "Waiting for your reply",
    ]
    assert all(m.owner is None for m in macros)
    open_id = tickets.matching_ids(desk, 'status:open queue:"Service Desk"')[0]
    for macro in macros:
        applied = apply_macro(desk, open_id, macro.name, dry_run=True)
        assert applied.text and "{{" not in applied.text
    # Seeding again keeps the desk's macros as they are.
    seed_desk(desk, tickets=0, articles=0, seed=4, days=3)
    assert len(list_macros(desk)) == 5
