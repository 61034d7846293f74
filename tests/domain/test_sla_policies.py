"""SLA policies (docs/sla.md "What a policy is"): which one a ticket runs under, who may
change them, versioned edits, and deleting one in use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from deskterm.domain import sla, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.sla import KEEP, PolicyChanges, SlaPolicy, match_policy
from deskterm.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PolicyChanged,
    PolicyInUse,
)
from deskterm.store import schema

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TARGETS = {"urgent": {"first_response": 30}}


def policy(
    pid: int, queue: int | None = None, type: str | None = None, org: int | None = None
) -> SlaPolicy:
    return SlaPolicy(
        id=pid,
        name=f"p{pid}",
        description="",
        queue=None,
        type=type,
        organization=None,
        targets={},
        calendar={},
        pause_statuses=("pending",),
        warning_percent=80,
        created_at=NOW,
        updated_at=NOW,
        version=1,
        queue_id=queue,
        organization_id=org,
    )


def chosen(
    policies: list[SlaPolicy],
    *,
    queue: int = 1,
    type: str = "incident",
    org: int | None = 7,
    default: int | None = None,
) -> int | None:
    found = match_policy(
        policies, queue_id=queue, ticket_type=type, organization_id=org, queue_default_id=default
    )
    return None if found is None else found.id


# ------------------------------------------------------------------------ most specific wins


def test_no_policy_means_no_clocks() -> None:
    assert chosen([]) is None
    assert chosen([policy(1, queue=2)]) is None


def test_the_policy_naming_the_most_matching_narrowings_wins() -> None:
    everything = policy(1)
    queue_only = policy(2, queue=1)
    queue_and_type = policy(3, queue=1, type="incident")
    all_three = policy(4, queue=1, type="incident", org=7)
    assert chosen([everything, queue_only, queue_and_type, all_three]) == 4
    assert chosen([everything, queue_only, queue_and_type]) == 3
    assert chosen([everything, queue_only]) == 2
    assert chosen([everything]) == 1


def test_a_policy_naming_something_the_ticket_is_not_never_applies() -> None:
    # Names two things, but one of them (type) does not match: the queue-only one wins.
    assert chosen([policy(1, queue=1, type="problem"), policy(2, queue=1)]) == 2
    assert chosen([policy(1, org=8), policy(2)], org=7) == 2
    assert chosen([policy(1, org=8)], org=None) is None


def test_ties_go_to_queue_then_organization_then_type_then_lowest_id() -> None:
    by_type, by_org, by_queue = policy(1, type="incident"), policy(2, org=7), policy(3, queue=1)
    assert chosen([by_type, by_org, by_queue]) == 3
    assert chosen([by_type, by_org]) == 2
    assert chosen([policy(5, type="incident"), by_type]) == 1
    type_org, queue_type, queue_org = (
        policy(4, type="incident", org=7),
        policy(5, queue=1, type="incident"),
        policy(6, queue=1, org=7),
    )
    assert chosen([type_org, queue_type, queue_org]) == 6
    assert chosen([type_org, queue_type]) == 5


def test_a_queue_default_comes_after_specific_policies_and_before_desk_wide_ones() -> None:
    desk_wide, other_desk_wide, specific = policy(1), policy(2), policy(3, type="incident")
    assert chosen([desk_wide, other_desk_wide], default=2) == 2
    assert chosen([desk_wide, other_desk_wide, specific], default=2) == 3
    # A default whose own narrowing does not fit the ticket is passed over.
    assert chosen([desk_wide, policy(4, type="problem")], default=4) == 1


def test_policy_for_reads_the_desk_inside_a_transaction_too(desk: Desk) -> None:
    with desk.store.write() as conn:
        conn.execute(insert(schema.organizations).values(name="Acme", created_at=NOW))
    sla.add_policy(desk, "Desk", PolicyChanges(targets=TARGETS))
    acme = sla.add_policy(desk, "Acme", PolicyChanges(organization="acme", targets=TARGETS))
    network = sla.add_policy(desk, "Network", PolicyChanges(queue="network l2", targets=TARGETS))
    sla.add_policy(desk, "Night", PolicyChanges(targets=TARGETS))
    sla.set_queue_policy(desk, "Service Desk", "Night")
    assert acme.organization_id is not None and network.queue_id is not None
    found = sla.policy_for(desk, network.queue_id, "incident", acme.organization_id)
    assert found is not None and found.name == "Network"  # a queue beats an organization
    with desk.store.write() as conn:
        service_desk = conn.execute(
            select(schema.queues.c.id).where(schema.queues.c.name == "Service Desk")
        ).scalar_one()
        found = sla.policy_for(conn, service_desk, "question", None)
    assert found is not None and found.name == "Night"  # the queue's default, not "Desk"


# ----------------------------------------------------------------------- who may change them


@pytest.mark.parametrize("handle", ["bob"])
def test_an_agent_may_read_policies_but_not_change_them(desk: Desk, handle: str) -> None:
    sla.add_policy(desk, "Standard", PolicyChanges(targets=TARGETS))
    bob = Desk(desk.store, handle)
    assert [p.name for p in sla.list_policies(bob)] == ["Standard"]
    for attempt in (
        lambda: sla.add_policy(bob, "Mine", PolicyChanges(targets=TARGETS)),
        lambda: sla.edit_policy(bob, "Standard", PolicyChanges(warning_percent=50)),
        lambda: sla.delete_policy(bob, "Standard"),
        lambda: sla.set_queue_policy(bob, "Service Desk", "Standard"),
    ):
        with pytest.raises(
            PermissionDenied, match='agent "bob" is agent; this needs lead or admin'
        ):
            attempt()
    assert sla.get_policy(desk, "Standard").version == 1


def test_a_lead_may_manage_policies(desk: Desk) -> None:
    carol = Desk(desk.store, "carol")
    sla.add_policy(carol, "Standard", PolicyChanges(targets=TARGETS))
    assert sla.edit_policy(carol, "standard", PolicyChanges(warning_percent=60)).version == 2
    sla.delete_policy(carol, "Standard")
    assert sla.list_policies(desk) == []


# --------------------------------------------------------------------------- edits, deletes


def test_an_edit_bumps_the_version_and_a_stale_one_is_refused_changing_nothing(desk: Desk) -> None:
    sla.add_policy(desk, "Standard", PolicyChanges(targets=TARGETS))
    edited = sla.edit_policy(
        desk, "Standard", PolicyChanges(targets={"high": {"resolution": 480}}), if_version=1
    )
    assert edited.version == 2
    assert edited.targets["urgent"]["first_response"] == 30  # merged, not replaced
    with pytest.raises(PolicyChanged) as caught:
        sla.edit_policy(desk, "Standard", PolicyChanges(warning_percent=50), if_version=1)
    assert (caught.value.seen, caught.value.now) == (1, 2)
    assert sla.get_policy(desk, "Standard").warning_percent == 80
    with pytest.raises(PolicyChanged):
        sla.delete_policy(desk, "Standard", if_version=1)


def test_names_are_unique_whatever_their_case(desk: Desk) -> None:
    sla.add_policy(desk, "Standard", PolicyChanges(targets=TARGETS))
    other = sla.add_policy(desk, "Gold", PolicyChanges(targets=TARGETS))
    with pytest.raises(Conflict, match='an SLA policy named "STANDARD" exists already'):
        sla.add_policy(desk, "STANDARD", PolicyChanges(targets=TARGETS))
    with pytest.raises(Conflict, match="exists already"):
        sla.edit_policy(desk, "Gold", PolicyChanges(name="standard"))
    assert sla.edit_policy(desk, f"#{other.id}", PolicyChanges(name="Platinum")).name == "Platinum"


def test_an_edit_can_remove_a_narrowing_and_clear_a_clock(desk: Desk) -> None:
    sla.add_policy(
        desk, "Network", PolicyChanges(queue="Network L2", type="incident", targets=TARGETS)
    )
    edited = sla.edit_policy(
        desk,
        "Network",
        PolicyChanges(queue=None, type=KEEP, targets={"urgent": {"resolution": 240}}),
    )
    assert (edited.queue, edited.type) == (None, "incident")
    with pytest.raises(InvalidInput, match="at least one target"):
        sla.edit_policy(desk, "Network", PolicyChanges(targets={"urgent": None}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (PolicyChanges(targets={"urgent": {"first_response": 0}}), "whole number of minutes"),
        (PolicyChanges(targets={"p1": {"resolution": 5}}), 'unknown priority "p1"'),
        (PolicyChanges(targets=TARGETS, zone="Berlin"), 'unknown time zone "Berlin"'),
        (PolicyChanges(targets=TARGETS, holidays=["2026-13-01"]), "'2026-13-01' is not a date"),
        (PolicyChanges(targets=TARGETS, pause_statuses=["solved"]), '"solved" cannot pause'),
        (PolicyChanges(targets=TARGETS, pause_statuses=["waiting"]), '"waiting" is not a status'),
        (PolicyChanges(targets=TARGETS, warning_percent=100), "from 1 to 99"),
        (PolicyChanges(targets=TARGETS, type="bug"), 'unknown type "bug"'),
        (PolicyChanges(targets=TARGETS, country="Germany"), 'invalid country "Germany"'),
        (PolicyChanges(targets=TARGETS, hours={"mon": [["09:00", "25:00"]]}), "not a time"),
        (PolicyChanges(targets=TARGETS, hours={"sun": []}), "working hours on at least one day"),
        (
            PolicyChanges(targets=TARGETS, hours={"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}),
            "09:00-13:00 and 12:00-17:00 overlap",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_it_and_nothing_is_stored(
    desk: Desk, changes: PolicyChanges, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        sla.add_policy(desk, "Bad", changes)
    assert sla.list_policies(desk) == []


def test_unknown_queue_or_organization_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFound, match='unknown queue "Nowhere"; queues: Infrastructure L3'):
        sla.add_policy(desk, "X", PolicyChanges(queue="Nowhere", targets=TARGETS))
    with pytest.raises(NotFound, match='unknown organization "Initech"'):
        sla.add_policy(desk, "X", PolicyChanges(organization="Initech", targets=TARGETS))
    with pytest.raises(NotFound, match='no SLA policy "X"; policies: none yet'):
        sla.get_policy(desk, "X")


def _running_under(desk: Desk, policy_id: int, **values: Any) -> int:
    ticket = tickets.create(desk, subject="Clocks running")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == ticket.id)
            .values({"sla_policy_id": policy_id, "resolution_due": NOW, "sla_due": NOW, **values})
        )
    return ticket.id


def test_a_policy_in_use_is_not_deleted_without_force(desk: Desk) -> None:
    standard = sla.add_policy(desk, "Standard", PolicyChanges(targets=TARGETS))
    running = _running_under(desk, standard.id)
    solved = _running_under(desk, standard.id, status="solved", sla_due=None)
    sla.set_queue_policy(desk, "Service Desk", "Standard")
    with pytest.raises(PolicyInUse) as caught:
        sla.delete_policy(desk, "Standard")
    assert (caught.value.tickets, caught.value.queues) == (2, ("Service Desk",))
    assert "2 tickets run under it and it is the default of queue Service Desk" in str(caught.value)
    assert sla.get_policy(desk, "Standard").id == standard.id

    gone = sla.delete_policy(desk, "Standard", force=True)
    assert (gone.tickets, gone.queues) == (2, ("Service Desk",))
    assert sla.list_policies(desk) == []
    left = tickets.get(desk, running)
    assert (left.sla_due, left.resolution_due, left.sla_state) == (None, None, "none")
    # A solved ticket keeps the record of its clocks; only the policy is gone.
    kept = tickets.get(desk, solved)
    assert kept.resolution_due == NOW
    with desk.store.read() as conn:
        assert sla.load_policies(conn).queue_defaults == {}
        assert conn.execute(select(schema.tickets.c.sla_policy_id)).scalars().all() == [None, None]
