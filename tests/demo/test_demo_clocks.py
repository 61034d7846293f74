"""The demo desk shows SLA clocks running (issue 12): a policy, and a backlog with tickets
past their due and tickets still within it."""

from __future__ import annotations

from collections import Counter

from deskterm.demo import seed_desk
from deskterm.domain import sla, tickets
from deskterm.domain.desk import Desk


def test_a_seeded_desk_has_a_policy_and_clocks_near_and_past_breach(sqlite_desk: Desk) -> None:
    seed_desk(sqlite_desk, tickets=2000, articles=0, seed=1)
    (policy,) = sla.list_policies(sqlite_desk)
    assert policy.name == "Standard support"
    backlog = tickets.list_page(sqlite_desk, "is:unsolved", limit=500).items
    states = Counter(ticket.sla_state for ticket in backlog)
    assert states["breached"] > 0
    assert states["ok"] + states["warning"] + states["paused"] > 0
    assert states["none"] == 0
