"""Escalation on breach (``deskterm sla tick``, issue 12), on both backends with a fixed
clock: a breached ticket under an escalating policy moves one tier up once per breach, with
a note and the audit entry a manual escalation writes; nothing else moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.queues import queue_stats
from deskterm.domain.sla import PolicyChanges, add_policy, edit_policy
from deskterm.domain.tickets import Changes, escalate_breached
from deskterm.errors import PermissionDenied

#: Monday 30 November 2026, 09:00 UTC; the policy runs 24x7, so times are plain arithmetic.
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def at(desk: Desk, when: datetime, handle: str | None = None) -> Desk:
    return Desk(desk.store, handle or desk.handle, clock=lambda: when)


def policy(desk: Desk, *, escalate: bool = True) -> None:
    add_policy(
        at(desk, START - timedelta(days=1)),
        "Round the clock",
        PolicyChanges(
            targets={"high": {"first_response": 60, "resolution": 4 * 60}},
            escalate_on_breach=escalate,
        ),
    )


def new_ticket(desk: Desk, **fields: object) -> int:
    fields = {"subject": "VPN down", "priority": "high", **fields}
    return tickets.create(at(desk, START), **fields).id


def escalated_entries(desk: Desk, ticket_id: int) -> list[tuple[str | None, str | None]]:
    return [
        (e.old, e.new) for e in tickets.detail(desk, ticket_id).history if e.field == "escalated"
    ]


def test_a_breached_ticket_moves_one_tier_up_once(desk: Desk) -> None:
    policy(desk)
    ticket_id = new_ticket(desk, assignee="bob")
    late = at(desk, START + timedelta(minutes=61))
    result = escalate_breached(late)
    assert [(e.ticket_id, e.clock, e.from_queue, e.to_queue) for e in result.escalations] == [
        (ticket_id, "first_response", "Service Desk", "Network L2")
    ]
    after = tickets.get(desk, ticket_id)
    assert (after.queue, after.assignee) == ("Network L2", None)
    note = tickets.detail(desk, ticket_id).messages[-1]
    assert note.kind == "note"
    assert "Escalated automatically from Service Desk to Network L2" in note.body
    assert "first response breached (due 2026-11-30 10:00 UTC, SLA policy Round the clock)" in (
        note.body
    )
    assert escalated_entries(desk, ticket_id) == [("Service Desk", "Network L2")]
    # The same breach, a minute and an hour later: nothing more.
    assert escalate_breached(at(desk, START + timedelta(minutes=62))).escalations == ()
    assert escalate_breached(at(desk, START + timedelta(minutes=120))).escalations == ()
    assert tickets.get(desk, ticket_id).queue == "Network L2"
    counts = {s.name: s.escalations for s in queue_stats(desk)}
    assert counts["Service Desk"] == 1


def test_a_later_breach_of_another_clock_escalates_again(desk: Desk) -> None:
    policy(desk)
    ticket_id = new_ticket(desk)
    escalate_breached(at(desk, START + timedelta(minutes=61)))
    tickets.reply(at(desk, START + timedelta(minutes=90)), ticket_id, "Looking into it")
    # First response is met; resolution runs until 13:00 and is not breached yet.
    assert escalate_breached(at(desk, START + timedelta(hours=3))).escalations == ()
    result = escalate_breached(at(desk, START + timedelta(hours=4, minutes=1)))
    assert [(e.clock, e.from_queue, e.to_queue) for e in result.escalations] == [
        ("resolution", "Network L2", "Infrastructure L3")
    ]
    assert escalated_entries(desk, ticket_id) == [
        ("Service Desk", "Network L2"),
        ("Network L2", "Infrastructure L3"),
    ]


def test_nothing_moves_before_the_due_or_without_escalation(desk: Desk) -> None:
    policy(desk, escalate=False)
    quiet = new_ticket(desk)
    assert escalate_breached(at(desk, START + timedelta(hours=5))).escalations == ()
    edit_policy(at(desk, START), "Round the clock", PolicyChanges(escalate_on_breach=True))
    early = escalate_breached(at(desk, START + timedelta(minutes=59)))
    assert early.escalations == ()
    assert tickets.get(desk, quiet).queue == "Service Desk"


def test_paused_and_solved_tickets_are_left_alone(desk: Desk) -> None:
    policy(desk)
    pending = new_ticket(desk)
    solved = new_ticket(desk)
    tickets.update(at(desk, START + timedelta(minutes=30)), pending, Changes(status="pending"))
    tickets.reply(at(desk, START + timedelta(minutes=30)), solved, "Fixed")
    tickets.update(at(desk, START + timedelta(minutes=31)), solved, Changes(status="solved"))
    assert escalate_breached(at(desk, START + timedelta(hours=6))).escalations == ()
    assert {tickets.get(desk, t).queue for t in (pending, solved)} == {"Service Desk"}


def test_a_queue_with_no_higher_tier_reports_the_breach_once(desk: Desk) -> None:
    policy(desk)
    ticket_id = new_ticket(desk, queue="Infrastructure L3")
    first = escalate_breached(at(desk, START + timedelta(minutes=61)))
    assert [(e.ticket_id, e.to_queue) for e in first.escalations] == [(ticket_id, None)]
    assert first.stayed == first.escalations and first.moved == ()
    assert escalate_breached(at(desk, START + timedelta(minutes=70))).escalations == ()
    assert tickets.get(desk, ticket_id).queue == "Infrastructure L3"
    assert escalated_entries(desk, ticket_id) == []


def test_a_dry_run_lists_the_same_and_changes_nothing(desk: Desk) -> None:
    policy(desk)
    ids = [new_ticket(desk, subject=f"Outage {n}") for n in range(3)]
    late = at(desk, START + timedelta(minutes=61))
    dry = escalate_breached(late, dry_run=True)
    assert dry.dry_run and sorted(e.ticket_id for e in dry.escalations) == ids
    assert {tickets.get(desk, t).queue for t in ids} == {"Service Desk"}
    real = escalate_breached(late)
    assert real.escalations == dry.escalations
    assert sorted(e.ticket_id for e in real.moved) == ids
    assert escalate_breached(late, dry_run=True).escalations == ()


def test_only_leads_and_admins_run_the_tick(desk: Desk) -> None:
    policy(desk)
    new_ticket(desk)
    with pytest.raises(PermissionDenied, match="needs lead or admin"):
        escalate_breached(at(desk, START + timedelta(hours=2), "bob"))
    assert len(escalate_breached(at(desk, START + timedelta(hours=2), "carol")).moved) == 1
