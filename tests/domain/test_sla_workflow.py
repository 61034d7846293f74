"""SLA clocks through the workflow (issue 12), on both backends, with a fixed clock: what the
stored columns, ``sla_state``, the due queries and ``ticket sla`` say after real changes.
The engine's rules themselves are tested in test_sla_clocks.py and test_sla_calendar.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.domain.tickets import Changes, sla_timeline

#: Friday 27 November 2026, 16:00 in Berlin (15:00 UTC): one business hour left that day.
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
OFFICE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def at(desk: Desk, when: datetime) -> Desk:
    return Desk(desk.store, desk.handle, clock=lambda: when)


def office_policy(desk: Desk, **targets: dict[str, int]) -> None:
    add_policy(
        at(desk, FRIDAY - timedelta(days=7)),
        "Office",
        PolicyChanges(targets=targets, zone="Europe/Berlin", hours=OFFICE),
    )


def test_a_new_ticket_gets_due_times_in_business_hours(desk: Desk) -> None:
    office_policy(desk, urgent={"first_response": 120, "resolution": 8 * 60})
    ticket = tickets.create(at(desk, FRIDAY), subject="VPN down", priority="urgent")
    # One hour on Friday, one on Monday from 09:00 Berlin (08:00 UTC).
    assert ticket.first_response_due == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    # Eight business hours: Friday's one and seven on Monday, until 16:00 Berlin.
    assert ticket.resolution_due == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert ticket.sla_due == ticket.first_response_due
    assert ticket.sla_state == "ok"


def test_a_ticket_no_policy_matches_has_no_clocks(desk: Desk) -> None:
    office_policy(desk, urgent={"resolution": 60})
    ticket = tickets.create(at(desk, FRIDAY), subject="Printer", priority="low")
    assert (ticket.sla_state, ticket.sla_due, ticket.resolution_due) == ("none", None, None)


def test_an_agent_reply_meets_first_response_and_a_note_does_not(desk: Desk) -> None:
    office_policy(desk, normal={"first_response": 60, "resolution": 16 * 60})
    ticket = tickets.create(at(desk, FRIDAY), subject="Mail", priority="normal")
    later = at(desk, FRIDAY + timedelta(minutes=20))
    tickets.note(later, ticket.id, "looking into it")
    assert tickets.get(desk, ticket.id).sla_due == ticket.first_response_due
    tickets.reply(later, ticket.id, "On it")
    after = tickets.get(desk, ticket.id)
    assert after.first_responded_at == FRIDAY + timedelta(minutes=20)
    assert after.sla_due == after.resolution_due  # only resolution still runs


def test_pending_pauses_and_open_moves_the_due_by_the_pause(desk: Desk) -> None:
    office_policy(desk, high={"resolution": 4 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    ticket = tickets.create(at(desk, monday), subject="Laptop", priority="high")
    assert ticket.resolution_due == monday + timedelta(hours=4)
    tickets.update(at(desk, monday + timedelta(hours=1)), ticket.id, Changes(status="pending"))
    paused = tickets.get(at(desk, monday + timedelta(hours=2)), ticket.id)
    assert (paused.sla_state, paused.sla_due) == ("paused", None)
    tickets.update(at(desk, monday + timedelta(hours=3)), ticket.id, Changes(status="open"))
    resumed = tickets.get(at(desk, monday + timedelta(hours=3)), ticket.id)
    assert resumed.resolution_due == monday + timedelta(hours=6)  # two hours paused
    assert resumed.sla_due == resumed.resolution_due and resumed.sla_state == "ok"


def test_a_priority_change_mid_flight_recomputes_from_the_start(desk: Desk) -> None:
    office_policy(desk, normal={"resolution": 8 * 60}, urgent={"resolution": 2 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    ticket = tickets.create(at(desk, monday), subject="Outage", priority="normal")
    tickets.update(at(desk, monday + timedelta(hours=1)), ticket.id, Changes(priority="urgent"))
    assert tickets.get(desk, ticket.id).resolution_due == monday + timedelta(hours=2)


def test_breached_tickets_are_found_by_the_query_and_taken_first(desk: Desk) -> None:
    office_policy(desk, urgent={"resolution": 60}, normal={"resolution": 8 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    calm = tickets.create(at(desk, monday), subject="Calm", priority="normal")
    late = tickets.create(at(desk, monday), subject="Late", priority="urgent")
    noon = at(desk, monday + timedelta(hours=3))
    found = tickets.list_page(noon, "is:breached").items
    assert [t.id for t in found] == [late.id] and found[0].sla_state == "breached"
    assert [t.id for t in tickets.list_page(noon, "due:<3h").items] == [late.id]
    assert tickets.take(noon).id == late.id
    assert tickets.take(noon).id == calm.id


def test_solving_meets_the_clocks_and_reopening_resumes_them(desk: Desk) -> None:
    office_policy(desk, normal={"resolution": 8 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    ticket = tickets.create(at(desk, monday), subject="Share", priority="normal")
    tickets.update(at(desk, monday + timedelta(hours=2)), ticket.id, Changes(status="solved"))
    assert tickets.get(desk, ticket.id).sla_state == "met"
    tickets.reopen(at(desk, monday + timedelta(hours=4)), ticket.id)
    reopened = tickets.get(at(desk, monday + timedelta(hours=4)), ticket.id)
    assert reopened.sla_state == "ok"
    # Six business hours left from 13:00 Berlin: four on Monday, two on Tuesday from 09:00.
    assert reopened.resolution_due == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_the_timeline_tells_the_story_and_ends_where_the_columns_are(desk: Desk) -> None:
    office_policy(desk, high={"first_response": 60, "resolution": 4 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    ticket = tickets.create(at(desk, monday), subject="Story", priority="high")
    tickets.reply(at(desk, monday + timedelta(minutes=90)), ticket.id, "Late, sorry")
    tickets.update(at(desk, monday + timedelta(hours=2)), ticket.id, Changes(status="pending"))
    now = at(desk, monday + timedelta(hours=3))
    shown, story = sla_timeline(now, ticket.id)
    told = [(e.clock, e.what) for e in story.entries]
    assert told[:2] == [("first_response", "started"), ("resolution", "started")]
    assert ("first_response", "breached") in told and ("first_response", "met") in told
    assert ("resolution", "paused") in told
    stored = tickets.get(now, ticket.id)
    assert story.state.resolution_due == stored.resolution_due
    assert story.state.first_response_due == stored.first_response_due
    assert shown.sla_state == stored.sla_state == "paused"


def test_editing_a_policy_recomputes_the_tickets_running_under_it(desk: Desk) -> None:
    from deskterm.domain.sla import edit_policy

    office_policy(desk, normal={"resolution": 8 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    running = tickets.create(at(desk, monday), subject="Running", priority="normal")
    done = tickets.create(at(desk, monday), subject="Done", priority="normal")
    tickets.update(at(desk, monday + timedelta(hours=1)), done.id, Changes(status="solved"))
    tickets.close(at(desk, monday + timedelta(hours=1)), done.id)
    edit_policy(
        at(desk, monday + timedelta(hours=2)),
        "Office",
        PolicyChanges(targets={"normal": {"resolution": 4 * 60}}),
    )
    after = tickets.get(desk, running.id)
    assert after.resolution_due == monday + timedelta(hours=4)
    assert after.version == running.version  # an edit of the policy is not a ticket change
    assert tickets.get(desk, done.id).resolution_due == done.resolution_due  # closed: final


def test_the_timeline_explains_old_clocks_by_the_policy_version_they_ran_under(
    desk: Desk,
) -> None:
    from deskterm.domain.sla import edit_policy

    office_policy(desk, high={"first_response": 60, "resolution": 8 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    ticket = tickets.create(at(desk, monday), subject="Edited", priority="high")
    tickets.reply(at(desk, monday + timedelta(minutes=30)), ticket.id, "On it")
    # The lead tightens the targets at 11:00 Berlin: resolution 4h, first response 15m.
    edit_policy(
        at(desk, monday + timedelta(hours=2)),
        "Office",
        PolicyChanges(targets={"high": {"first_response": 15, "resolution": 4 * 60}}),
    )
    now = at(desk, monday + timedelta(hours=3))
    _shown, story = sla_timeline(now, ticket.id)
    met = next(e for e in story.entries if (e.clock, e.what) == ("first_response", "met"))
    # Met against the target of the day it ran (60 minutes), not the edited 15.
    assert met.due == monday + timedelta(hours=1)
    edit = [e for e in story.entries if e.cause == "policy Office edited (v2)"]
    assert [(e.clock, e.what, e.due) for e in edit] == [
        ("resolution", "recomputed", monday + timedelta(hours=4))
    ]
    stored = tickets.get(now, ticket.id)
    assert (story.state.first_response_due, story.state.resolution_due) == (
        stored.first_response_due,
        stored.resolution_due,
    )


def test_a_policy_edit_reports_its_progress_up_to_the_tickets_it_recomputes(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskterm.domain.sla import edit_policy, policies, running_tickets

    monkeypatch.setattr(policies, "RECOMPUTE_CHUNK", 2)
    office_policy(desk, normal={"resolution": 8 * 60})
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    running = [tickets.create(at(desk, monday), subject=f"Running {n}") for n in range(5)]
    tickets.update(at(desk, monday), running[0].id, Changes(status="pending"))  # paused: counts
    tickets.update(at(desk, monday), running[1].id, Changes(status="solved"))
    tickets.close(at(desk, monday), running[1].id)  # closed: keeps its record, not counted
    total = running_tickets(desk, "office")
    assert total == 4
    told: list[int] = []
    edit_policy(
        at(desk, monday + timedelta(hours=1)),
        "Office",
        PolicyChanges(targets={"normal": {"resolution": 4 * 60}}),
        progress=told.append,
    )
    assert told == [2, 2]  # a chunk at a time, reaching the total
    assert tickets.get(desk, running[2].id).resolution_due == monday + timedelta(hours=4)


def test_an_automatic_reply_never_meets_first_response() -> None:
    from deskterm.domain.sla import Calendar, ClockState, Created, Facts, Policy, Targets, step
    from deskterm.domain.tickets.clocks import Policies, clock_values

    policy = Policy(1, "P", Calendar.always(), {"normal": Targets(first_response=3600)})
    start = step(policy, None, ClockState(), Created(FRIDAY, "normal"))
    facts = Facts(FRIDAY, "normal", "new")
    policies = Policies(by_id={1: policy})

    def after(reply: str) -> dict[str, object]:
        return clock_values(
            policies,
            start,
            facts,
            queue_id=1,
            ticket_type="incident",
            organization_id=None,
            values={},
            reply=reply,
            now=FRIDAY + timedelta(minutes=5),
        )

    assert after("auto") == {}  # nothing moves: the clock still runs to the same due
    assert after("agent")["sla_due"] is None  # a person's reply meets it


def test_a_queue_s_default_policy_is_chosen_before_the_desk_wide_one(desk: Desk) -> None:
    from deskterm.domain import queues

    office_policy(desk, urgent={"resolution": 60})  # desk-wide, the lowest id
    add_policy(
        at(desk, FRIDAY - timedelta(days=7)),
        "Slow",
        PolicyChanges(targets={"urgent": {"resolution": 8 * 60}}),
    )
    queues.edit_queue(desk, "Service Desk", sla_policy="Slow")
    assert queues.queue_detail(desk, "Service Desk").default_sla_policy == "Slow"
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    ticket = tickets.create(at(desk, monday), subject="Queue default", priority="urgent")
    assert ticket.resolution_due == monday + timedelta(hours=8)  # 24x7: Slow, not Office
    queues.edit_queue(desk, "Service Desk", sla_policy=None)
    assert queues.queue_detail(desk, "Service Desk").default_sla_policy is None
