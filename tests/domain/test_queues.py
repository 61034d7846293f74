"""Queues, tiers, membership and escalation (issue 12).

Every test runs on SQLite and on PostgreSQL (the ``desk`` fixture): admin alice, agent bob,
lead carol, queues Service Desk (L1) -> Network L2 -> Infrastructure L3.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import Changes
from deskterm.domain.tickets import read as ticket_read
from deskterm.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NothingToTake,
    NotInQueue,
    PermissionDenied,
    QueueInUse,
)
from deskterm.store import schema
from support import as_agent

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def at(desk: Desk, when: datetime, handle: str | None = None) -> Desk:
    return Desk(desk.store, handle or desk.handle, clock=lambda: when)


def chain_of(desk: Desk) -> dict[str, str | None]:
    return {q.name: q.escalates_to for q in queues.list_queues(desk)}


def stats(desk: Desk, **kw: object) -> dict[str, tuple[int, int, int]]:
    return {
        q.name: (q.member_count, q.open_tickets, q.escalations)
        for q in queues.queue_stats(desk, **kw)  # type: ignore[arg-type]
    }


# ------------------------------------------------------------------------------ add, edit


def test_a_lead_builds_a_chain_that_escalation_follows_l1_l2_l3(desk: Desk) -> None:
    carol = as_agent(desk, "carol")
    top = queues.add_queue(carol, "  Security   L3 ", tier="l3", description=" Firewalls ")
    assert (top.name, top.tier, top.escalates_to, top.description) == (
        "Security L3",
        "L3",
        None,
        "Firewalls",
    )
    mid = queues.add_queue(carol, "Security L2", tier="L2", escalates_to="security l3")
    assert mid.escalates_to == "Security L3"
    low = queues.add_queue(carol, "Security L1", escalates_to="Security L2")
    assert low.tier == "L1"
    ticket = tickets.create(desk, subject="Port scan from inside", queue="Security L1")
    assert [q.name for q in tickets.escalation_targets(desk, ticket.id)] == [
        "Security L2",
        "Security L3",
    ]
    assert tickets.escalate(desk, ticket.id, "needs L2").ticket.queue == "Security L2"
    assert tickets.escalate(desk, ticket.id, "needs L3").ticket.queue == "Security L3"
    with pytest.raises(Conflict, match="no higher tier"):
        tickets.escalate(desk, ticket.id)
    notes = [m.body for m in ticket_read.detail(desk, ticket.id).messages if m.kind == "note"]
    assert notes == [
        "Escalated from Security L1 to Security L2: needs L2",
        "Escalated from Security L2 to Security L3: needs L3",
    ]
    counted = stats(desk)
    assert counted["Security L1"][2] == 1 and counted["Security L2"][2] == 1
    assert counted["Security L3"] == (0, 1, 0)


def test_an_agent_may_escalate_to_a_chosen_tier_further_up_and_it_is_counted(
    desk: Desk,
) -> None:
    bob = as_agent(desk, "bob")
    ticket = tickets.create(desk, subject="Core switch down", assignee="bob")
    result = tickets.escalate(bob, ticket.id, "outage", to_queue="Infrastructure L3")
    assert (result.ticket.queue, result.ticket.assignee) == ("Infrastructure L3", None)
    note = ticket_read.detail(desk, ticket.id).messages[-1]
    assert (note.kind, note.author) == ("note", "bob")
    assert note.body == "Escalated from Service Desk to Infrastructure L3: outage"
    history = ticket_read.detail(desk, ticket.id).history
    assert ("escalated", "Service Desk", "Infrastructure L3") in {
        (e.field, e.old, e.new) for e in history
    }
    assert stats(desk)["Service Desk"][2] == 1
    assert stats(desk)["Network L2"][2] == 0


def test_escalations_are_counted_within_since(desk: Desk) -> None:
    early = tickets.create(at(desk, NOW - timedelta(days=10)), subject="old")
    tickets.escalate(at(desk, NOW - timedelta(days=9)), early.id)
    late = tickets.create(at(desk, NOW - timedelta(hours=3)), subject="new")
    tickets.escalate(at(desk, NOW - timedelta(hours=2)), late.id)
    tickets.escalate(at(desk, NOW - timedelta(hours=1)), late.id)
    assert stats(desk)["Service Desk"][2] == 2
    assert stats(desk)["Network L2"][2] == 1
    recent = stats(desk, since=NOW - timedelta(days=1))
    assert (recent["Service Desk"][2], recent["Network L2"][2]) == (1, 1)
    assert stats(desk, since=NOW)["Service Desk"][2] == 0


def test_an_escalation_loop_is_refused_and_nothing_changes(desk: Desk) -> None:
    before = chain_of(desk)
    with pytest.raises(InvalidInput) as caught:
        queues.edit_queue(desk, "Infrastructure L3", escalates_to="Service Desk")
    assert caught.value.field == "escalates_to"
    assert "Infrastructure L3 -> Service Desk -> Network L2 -> Infrastructure L3" in str(
        caught.value
    )
    with pytest.raises(InvalidInput, match="Network L2 -> Network L2"):
        queues.edit_queue(desk, "Network L2", escalates_to="network l2")
    with pytest.raises(InvalidInput, match="loop"):
        queues.edit_queue(desk, "Network L2", escalates_to="Service Desk")
    assert chain_of(desk) == before
    # Breaking the chain first makes the same link fine.
    queues.edit_queue(desk, "Service Desk", escalates_to=None)
    queues.edit_queue(desk, "Infrastructure L3", escalates_to="Service Desk")
    assert chain_of(desk)["Infrastructure L3"] == "Service Desk"


def test_edit_renames_and_retiers_a_queue_its_tickets_follow(desk: Desk) -> None:
    ticket = tickets.create(desk, subject="Wifi slow", queue="Network L2")
    edited = queues.edit_queue(
        as_agent(desk, "carol"), "network l2", new_name="Networks L2", tier="L2", description="Wifi"
    )
    assert (edited.name, edited.escalates_to, edited.description) == (
        "Networks L2",
        "Infrastructure L3",
        "Wifi",
    )
    assert ticket_read.get(desk, ticket.id).queue == "Networks L2"
    assert chain_of(desk)["Service Desk"] == "Networks L2"
    # The same name in another case is the queue's own name: allowed.
    assert queues.edit_queue(desk, "Networks L2", new_name="NETWORKS L2").name == "NETWORKS L2"
    with pytest.raises(InvalidInput, match="nothing to change"):
        queues.edit_queue(desk, "Service Desk")


BAD_QUEUES = [
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "None"}, "name"),
    ({"name": "Fine", "tier": "L4"}, "tier"),
    ({"name": "Fine", "description": "d" * 2001}, "description"),
]


@pytest.mark.parametrize(("kwargs", "field"), BAD_QUEUES)
def test_invalid_queue_values_are_refused_naming_the_field(
    desk: Desk, kwargs: dict[str, str], field: str
) -> None:
    values = dict(kwargs)
    name = values.pop("name")
    with pytest.raises(InvalidInput) as caught:
        queues.add_queue(desk, name, **values)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert len(queues.list_queues(desk)) == 3


def test_a_taken_name_or_an_unknown_queue_is_refused(desk: Desk) -> None:
    with pytest.raises(Conflict, match='queue "Network L2" already exists'):
        queues.add_queue(desk, "network l2")
    with pytest.raises(Conflict, match="already exists"):
        queues.edit_queue(desk, "Service Desk", new_name="NETWORK L2")
    with pytest.raises(NotFound) as caught:
        queues.add_queue(desk, "Printers", escalates_to="Nowhere")
    assert caught.value.what == "queue"
    assert "Infrastructure L3, Network L2, Service Desk" in str(caught.value)
    with pytest.raises(NotFound):
        queues.edit_queue(desk, "Nowhere", tier="L2")
    assert len(queues.list_queues(desk)) == 3


# ------------------------------------------------------------------------------ delete


def test_a_queue_holding_tickets_is_deleted_only_by_moving_them(desk: Desk) -> None:
    queues.add_queue(desk, "Printers")
    # carol, a lead, deletes it below: a lead manages the queues they are a member of.
    queues.join_queue(desk, "Printers", ["bob", "carol"])
    open_one = tickets.create(desk, subject="Jam", queue="Printers")
    closed_one = tickets.create(desk, subject="Toner", queue="Printers")
    tickets.update(desk, closed_one.id, Changes(status="solved"))
    tickets.close(desk, closed_one.id)
    with pytest.raises(QueueInUse) as caught:
        queues.delete_queue(desk, "printers")
    assert (caught.value.queue, caught.value.tickets, caught.value.escalated_from) == (
        "Printers",
        2,
        (),
    )
    assert "it holds 2 tickets" in str(caught.value)
    assert ticket_read.get(desk, open_one.id).queue == "Printers"

    gone = queues.delete_queue(as_agent(desk, "carol"), "Printers", move_to="service desk")
    assert (gone.name, gone.moved, gone.moved_to) == ("Printers", 2, "Service Desk")
    assert "Printers" not in chain_of(desk)
    for ticket_id, version in ((open_one.id, 2), (closed_one.id, 4)):
        moved = ticket_read.detail(desk, ticket_id)
        assert (moved.ticket.queue, moved.ticket.version) == ("Service Desk", version)
        last = moved.history[-1]
        assert (last.field, last.old, last.new, last.actor) == (
            "queue",
            "Printers",
            "Service Desk",
            "carol",
        )
    assert ticket_read.get(desk, closed_one.id).status == "closed"
    with desk.store.read() as conn:
        members = conn.execute(select(func.count()).select_from(schema.queue_members))
        assert members.scalar_one() == 0


def test_an_empty_queue_is_deleted_without_moving_anything(desk: Desk) -> None:
    queues.add_queue(desk, "Printers")
    gone = queues.delete_queue(desk, "Printers")
    assert (gone.moved, gone.moved_to) == (0, None)
    with pytest.raises(NotFound):
        queues.delete_queue(desk, "Printers")


def test_a_queue_others_escalate_to_is_kept_until_they_point_elsewhere(desk: Desk) -> None:
    with pytest.raises(QueueInUse) as caught:
        queues.delete_queue(desk, "Network L2", move_to="Service Desk")
    assert caught.value.escalated_from == ("Service Desk",)
    assert caught.value.tickets == 0
    assert chain_of(desk)["Network L2"] == "Infrastructure L3"
    queues.edit_queue(desk, "Service Desk", escalates_to="Infrastructure L3")
    assert queues.delete_queue(desk, "Network L2").name == "Network L2"
    assert chain_of(desk) == {"Service Desk": "Infrastructure L3", "Infrastructure L3": None}


def test_moving_into_the_queue_itself_or_deleting_the_last_queue_is_refused(
    desk: Desk,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        queues.delete_queue(desk, "Service Desk", move_to="SERVICE DESK")
    assert caught.value.field == "move_to"
    with pytest.raises(NotFound):
        queues.delete_queue(desk, "Infrastructure L3", move_to="Nowhere")
    queues.edit_queue(desk, "Service Desk", escalates_to=None)
    queues.delete_queue(desk, "Service Desk")
    queues.edit_queue(desk, "Network L2", escalates_to=None)
    queues.delete_queue(desk, "Network L2")
    with pytest.raises(Conflict, match="only queue"):
        queues.delete_queue(desk, "Infrastructure L3")


# ------------------------------------------------------------------------------ roles


def test_only_leads_and_admins_manage_queues_and_membership(desk: Desk) -> None:
    bob = as_agent(desk, "bob")
    refused = [
        lambda: queues.add_queue(bob, "Printers"),
        lambda: queues.edit_queue(bob, "Service Desk", tier="L2"),
        lambda: queues.edit_queue(bob, "Service Desk", escalates_to=None),
        lambda: queues.delete_queue(bob, "Infrastructure L3", move_to="Service Desk"),
        lambda: queues.join_queue(bob, "Service Desk", ["bob"]),
        lambda: queues.leave_queue(bob, "Service Desk", ["me"]),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied, match="needs lead or admin"):
            call()
    assert len(queues.list_queues(bob)) == 3
    assert queues.queue_members(bob, "Service Desk") == []
    assert queues.queue_detail(bob, "Service Desk").queue.name == "Service Desk"
    carol = as_agent(desk, "carol")
    assert queues.join_queue(carol, "Service Desk", ["bob", "me"])[1].handle == "carol"
    assert queues.add_queue(carol, "Printers").name == "Printers"


# ------------------------------------------------------------------------------ membership


def test_joining_and_leaving_say_whether_anything_changed(desk: Desk) -> None:
    first = queues.join_queue(desk, "Network L2", ["bob", "Carol", "bob"])
    assert [(c.handle, c.member, c.changed) for c in first] == [
        ("bob", True, True),
        ("carol", True, True),
    ]
    again = queues.join_queue(desk, "network l2", ["bob"])
    assert [(c.queue, c.changed) for c in again] == [("Network L2", False)]
    assert [m.handle for m in queues.queue_members(desk, "Network L2")] == ["bob", "carol"]
    detail = queues.queue_detail(desk, "Network L2")
    assert [m.handle for m in detail.members] == ["bob", "carol"]
    assert (detail.chain, detail.escalated_from) == (("Infrastructure L3",), ("Service Desk",))
    assert detail.queue.member_count == 2
    left = queues.leave_queue(desk, "Network L2", ["bob", "alice"])
    assert [(c.handle, c.member, c.changed) for c in left] == [
        ("bob", False, True),
        ("alice", False, False),
    ]
    assert [m.handle for m in queues.queue_members(desk, "Network L2")] == ["carol"]
    me = queues.join_queue(desk, "Service Desk", [])
    assert [(c.handle, c.changed) for c in me] == [("alice", True)]


def test_an_unknown_or_deactivated_agent_cannot_join(desk: Desk) -> None:
    with pytest.raises(NotFound) as caught:
        queues.join_queue(desk, "Network L2", ["bob", "mallory"])
    assert caught.value.what == "agent"
    assert queues.queue_members(desk, "Network L2") == []  # bob was not added either
    with desk.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
    with pytest.raises(InvalidInput, match="deactivated"):
        queues.join_queue(desk, "Network L2", ["bob"])


# ------------------------------------------------------------------------------ take


def test_membership_limits_take_to_the_agents_queues(desk: Desk) -> None:
    l1 = tickets.create(desk, subject="L1 urgent", priority="urgent")
    l2 = tickets.create(desk, subject="L2 low", priority="low", queue="Network L2")
    l3 = tickets.create(desk, subject="L3 normal", queue="Infrastructure L3")
    queues.join_queue(desk, "Network L2", ["bob"])
    queues.join_queue(desk, "Infrastructure L3", ["bob"])
    bob = as_agent(desk, "bob")
    assert tickets.take(bob).id == l3.id  # normal before low; the urgent L1 is not his
    assert tickets.take(bob).id == l2.id
    with pytest.raises(NothingToTake) as caught:
        tickets.take(bob)
    assert caught.value.queues == ("Infrastructure L3", "Network L2")
    assert "in the queues bob works (Infrastructure L3, Network L2)" in str(caught.value)
    with pytest.raises(NotInQueue) as refused:
        tickets.take(bob, queue="service desk")
    assert (refused.value.handle, refused.value.queue, refused.value.queues) == (
        "bob",
        "Service Desk",
        ("Infrastructure L3", "Network L2"),
    )
    assert ticket_read.get(desk, l1.id).assignee is None
    # An agent in no queue takes from every queue, as before membership.
    assert tickets.take(as_agent(desk, "carol")).id == l1.id


def test_take_names_its_queue_when_nothing_waits_there(desk: Desk) -> None:
    queues.join_queue(desk, "Network L2", ["bob"])
    with pytest.raises(NothingToTake) as caught:
        tickets.take(as_agent(desk, "bob"), queue="Network L2")
    assert (caught.value.queue, caught.value.queues) == ("Network L2", ())
    with pytest.raises(NothingToTake) as anywhere:
        tickets.take(desk)
    assert (anywhere.value.queue, anywhere.value.queues) == (None, ())


# ------------------------------------------------------------------------------ demo


def test_a_seeded_desk_has_each_queues_roster_as_its_members(desk: Desk) -> None:
    from deskterm.demo import make_directory, rosters, seed_desk

    seed_desk(desk, tickets=20, articles=0, seed=3)
    seed_desk(desk, tickets=0, articles=0, seed=3)  # again: nobody joins twice
    expected = {q: sorted(set(h)) for q, h in rosters(make_directory(3)).items()}
    found = {q: sorted(m.handle for m in queues.queue_members(desk, q)) for q in expected}
    assert found == expected
    assert all(found.values())


def test_a_queue_an_sla_policy_names_is_kept_until_the_policy_lets_go(desk: Desk) -> None:
    from deskterm.domain.sla import PolicyChanges, add_policy, edit_policy

    queues.add_queue(desk, "Temp L2", tier="L2")
    add_policy(
        desk,
        "Temp only",
        PolicyChanges(queue="Temp L2", targets={"urgent": {"resolution": 240}}),
    )
    with pytest.raises(QueueInUse) as refused:
        queues.delete_queue(desk, "Temp L2")
    assert refused.value.policies == ("Temp only",)
    assert "SLA policy Temp only names it" in refused.value.message
    assert "Temp L2" in [queue.name for queue in queues.list_queues(desk)]
    edit_policy(desk, "Temp only", PolicyChanges(queue=None))
    queues.delete_queue(desk, "Temp L2")
    assert "Temp L2" not in [queue.name for queue in queues.list_queues(desk)]
