"""A ticket's SLA clocks, with a fixed clock: when each starts, pauses, resumes, is met or
breached; the recompute rule for priority and policy changes; the timeline that explains
them; and that the timeline and the stored state are one fold of ``step``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskterm.domain.sla import (
    AgentReply,
    AutoReply,
    Calendar,
    ClockState,
    Created,
    Event,
    Facts,
    Policy,
    PolicyChanged,
    PriorityChanged,
    RequesterReply,
    StatusChanged,
    Targets,
    recompute,
    sla_state,
    state_of,
    step,
    steps,
    timeline,
)
from deskterm.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
H = 3600.0
OFFICE = Calendar.parse("Europe/Berlin mon-fri 09:00-17:00")
TARGETS = {
    "low": Targets(first_response=8 * H),
    "normal": Targets(first_response=4 * H, next_response=4 * H, resolution=16 * H),
    "high": Targets(first_response=2 * H, next_response=2 * H, resolution=8 * H),
    "urgent": Targets(first_response=1 * H, next_response=1 * H, resolution=4 * H),
}
STANDARD = Policy(1, "Standard", OFFICE, TARGETS)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """Berlin wall-clock time in the week of Monday 30 November 2026 (27 is a Friday)."""
    year = 2026
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


MONDAY_9 = at(30, 9)


def run(
    events: list[Event], policy: Policy | None = STANDARD
) -> tuple[Policy | None, Facts, ClockState]:
    final_policy, facts, state = steps(policy, None, ClockState(), events)
    assert facts is not None
    return final_policy, facts, state


def sla(facts: Facts, state: ClockState, now: datetime) -> str:
    return state_of(state, facts.status, facts.first_responded_at, now)


# ---------------------------------------------------------------------- starting and warning


def test_a_ticket_created_friday_evening_starts_its_clocks_monday_at_nine() -> None:
    _, facts, state = run([Created(at(27, 18), "normal")])
    assert state.first_response_due == at(30, 13)
    assert state.resolution_due == at(1, 17, month=12)
    assert state.next_response_due is None
    assert state.sla_due == at(30, 13)
    assert sla(facts, state, at(28, 12)) == "ok"


def test_warning_at_eighty_percent_of_the_target_then_breached_at_the_due() -> None:
    _, facts, state = run([Created(at(27, 18), "normal")])
    assert state.warn_at == at(30, 12, 12)  # 3h12m of 4 business hours
    assert sla(facts, state, at(30, 12, 11)) == "ok"
    assert sla(facts, state, at(30, 12, 12)) == "warning"
    assert sla(facts, state, at(30, 12, 59)) == "warning"
    assert sla(facts, state, at(30, 13)) == "breached"


def test_the_warning_share_is_the_policys() -> None:
    half = Policy(1, "Half", OFFICE, TARGETS, warning=0.5)
    state = run([Created(MONDAY_9, "normal")], half)[2]
    assert state.warn_at == at(30, 11)


def test_the_earliest_warning_of_any_running_clock_counts() -> None:
    # First response 4h (warn at 80%: 3h12m); resolution 4.5h (warn at 3h36m); both from
    # created. With a resolution of only 3.5h it warns first although it is not the first due.
    policy = Policy(1, "P", OFFICE, {"normal": Targets(4 * H, None, 3.5 * H)})
    state = run([Created(MONDAY_9, "normal")], policy)[2]
    assert state.sla_due == at(30, 12, 30)
    assert state.warn_at == at(30, 11, 48)


# ---------------------------------------------------------------------- responses


def test_an_automatic_reply_never_meets_the_first_response() -> None:
    events: list[Event] = [Created(MONDAY_9, "normal"), AutoReply(at(30, 9, 1))]
    _, facts, state = run(events)
    assert facts.first_responded_at is None
    assert state == run(events[:1])[2]
    assert sla(facts, state, at(30, 13)) == "breached"


def test_an_agent_reply_meets_the_first_response_and_its_due_is_kept() -> None:
    _, facts, state = run([Created(MONDAY_9, "normal"), AgentReply(at(30, 10))])
    assert facts.first_responded_at == at(30, 10)
    assert state.first_response_due == at(30, 13)
    assert state.sla_due == state.resolution_due == at(1, 17, month=12)
    assert sla(facts, state, at(30, 13)) == "ok"


def test_next_response_runs_from_a_requester_reply_after_an_agent_reply() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        RequesterReply(at(30, 9, 30)),  # before any agent reply: first response still runs
        AgentReply(at(30, 10)),
        RequesterReply(at(30, 11)),
        RequesterReply(at(30, 12)),  # a second one before the answer: the clock keeps running
    ]
    _, facts, state = run(events[:3])
    assert state.next_response_started_at is None
    _, facts, state = run(events)
    assert state.next_response_started_at == at(30, 11)
    assert state.next_response_due == at(30, 15)
    assert state.sla_due == at(30, 15)
    assert sla(facts, state, at(30, 15)) == "breached"
    _, facts, state = run([*events, AgentReply(at(30, 14))])
    assert state.next_response_started_at is None
    assert state.next_response_due == at(30, 15)  # kept for reports
    assert state.sla_due == state.resolution_due
    assert sla(facts, state, at(30, 15)) == "ok"


def test_a_next_response_started_while_pending_counts_from_when_the_ticket_reopens() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        AgentReply(at(30, 10)),
        StatusChanged(at(30, 10), "pending"),
        RequesterReply(at(1, 10, month=12)),
        StatusChanged(at(1, 11, month=12), "open"),
    ]
    state = run(events)[2]
    assert state.next_response_due == at(1, 15, month=12)  # 10:00 + 4h + 1h waiting to reopen
    assert state.next_response_paused_seconds == 1 * H
    assert state.paused_seconds == 7 * H + 2 * H


def test_solving_stops_the_next_response_clock() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        AgentReply(at(30, 10)),
        RequesterReply(at(30, 11)),
        StatusChanged(at(30, 12), "solved"),
    ]
    _, facts, state = run(events)
    assert state.next_response_started_at is None
    assert state.sla_due is None
    assert sla(facts, state, at(30, 16)) == "met"


# ---------------------------------------------------------------------- pause and resume


def test_a_pause_moves_every_due_by_the_business_time_it_lasted() -> None:
    events: list[Event] = [Created(MONDAY_9, "normal"), StatusChanged(at(30, 10), "pending")]
    _, facts, state = run(events)
    assert state.paused_at == at(30, 10)
    assert state.sla_due is None and state.warn_at is None
    assert sla(facts, state, at(2, 9, month=12)) == "paused"
    _, facts, state = run([*events, StatusChanged(at(1, 11, month=12), "open")])
    assert state.paused_at is None
    assert state.paused_seconds == 9 * H  # Monday 10-17, Tuesday 9-11
    assert state.first_response_due == at(1, 14, month=12)  # Mon 13:00 + 9 business hours
    assert state.resolution_due == at(3, 10, month=12)  # Tue 17:00 + 9 business hours
    assert sla(facts, state, at(1, 12, month=12)) == "ok"


def test_a_pause_over_a_weekend_counts_only_business_time() -> None:
    events: list[Event] = [
        Created(at(27, 9), "normal"),
        StatusChanged(at(27, 10), "pending"),
        StatusChanged(at(30, 10), "open"),
    ]
    state = run(events)[2]
    assert state.paused_seconds == 8 * H
    assert state.first_response_due == at(30, 13)


def test_a_breached_clock_stays_breached_by_the_same_amount_after_a_pause() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        StatusChanged(at(30, 15), "pending"),  # first response 2 business hours over
        StatusChanged(at(1, 10, month=12), "open"),
    ]
    _, facts, state = run(events)
    assert state.first_response_due == at(30, 16)  # moved by the 3 hours paused
    assert OFFICE.between(state.first_response_due, at(1, 10, month=12)) == 2 * H
    assert sla(facts, state, at(1, 10, month=12)) == "breached"


def test_on_hold_pauses_only_when_the_policy_says_so() -> None:
    events: list[Event] = [Created(MONDAY_9, "normal"), StatusChanged(at(30, 10), "on_hold")]
    state = run(events)[2]
    assert state.paused_at is None
    both = Policy(1, "Standard", OFFICE, TARGETS, pause_statuses=frozenset({"pending", "on_hold"}))
    state = run(events, both)[2]
    assert state.paused_at == at(30, 10)


# ---------------------------------------------------------------------- recompute


def test_a_priority_change_mid_flight_keeps_each_clocks_start_and_its_pauses() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        StatusChanged(at(30, 9, 30), "pending"),
        StatusChanged(at(30, 10), "open"),
        PriorityChanged(at(30, 10, 30), "high"),
    ]
    state = run(events)[2]
    assert state.first_response_due == at(30, 11, 30)  # 9:00 + 2h + 30m paused
    assert state.resolution_due == at(1, 9, 30, month=12)  # 9:00 + 8h + 30m paused
    assert state.sla_due == at(30, 11, 30)
    assert state.warn_at == at(30, 11, 6)  # 9:00 + 96m + 30m


def test_lowering_the_priority_does_not_undo_a_breach() -> None:
    events: list[Event] = [Created(MONDAY_9, "urgent"), PriorityChanged(at(30, 11), "low")]
    _, facts, state = run(events)
    assert state.first_response_due == at(30, 10)  # breached at 10:00: keeps its record
    assert state.resolution_due is None  # low has no resolution target
    assert sla(facts, state, at(30, 11)) == "breached"


def test_raising_the_priority_can_start_a_clock_the_old_one_did_not_have() -> None:
    events: list[Event] = [Created(MONDAY_9, "low"), PriorityChanged(at(30, 10), "urgent")]
    _, facts, state = run(events[:1])
    assert state.resolution_due is None
    _, facts, state = run(events)
    assert state.resolution_due == at(30, 13)
    assert state.first_response_due == at(30, 10)
    assert sla(facts, state, at(30, 10)) == "breached"


def test_reopening_after_solve_counts_the_solved_time_as_paused() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        AgentReply(at(30, 10)),
        StatusChanged(at(30, 12), "solved"),
    ]
    _, facts, state = run(events)
    assert sla(facts, state, at(1, 10, month=12)) == "met"
    assert state.paused_at == at(30, 12)
    events += [StatusChanged(at(1, 10, month=12), "open"), RequesterReply(at(1, 10, month=12))]
    _, facts, state = run(events)
    assert state.paused_seconds == 6 * H  # Monday 12-17, Tuesday 9-10
    assert state.resolution_due == at(2, 15, month=12)  # Tue 17:00 + 6 business hours
    assert state.next_response_due == at(1, 14, month=12)
    assert state.sla_due == at(1, 14, month=12)


def test_solving_before_any_reply_stops_the_first_response_and_a_reopen_resumes_it() -> None:
    events: list[Event] = [
        Created(MONDAY_9, "normal"),
        StatusChanged(at(30, 10), "solved"),
        StatusChanged(at(30, 14), "open"),
    ]
    state = run(events)[2]
    assert state.first_response_due == at(30, 17)
    assert state.sla_due == at(30, 17)


def test_a_policy_edited_while_tickets_run() -> None:
    created: list[Event] = [Created(MONDAY_9, "normal"), AgentReply(at(30, 9, 30))]
    _, facts, state = run(created)
    stricter = Policy(
        1,
        "Standard",
        Calendar.always("Europe/Berlin"),
        {"normal": Targets(first_response=1 * H, resolution=4 * H)},
    )
    edited = recompute(stricter, facts, state, at(30, 10))
    assert edited.first_response_due == state.first_response_due  # met: keeps its record
    assert edited.resolution_due == at(30, 13)  # 24x7 now: 9:00 + 4h
    assert edited == step(STANDARD, facts, state, PolicyChanged(at(30, 10), stricter))


def test_a_policy_change_to_another_policy_or_to_none() -> None:
    _, facts, state = run([Created(MONDAY_9, "normal")])
    gold = Policy(7, "Gold", Calendar.always("Europe/Berlin"), {"normal": Targets(1 * H)})
    moved = step(STANDARD, facts, state, PolicyChanged(at(30, 9, 30), gold))
    assert moved.policy_id == 7
    assert moved.first_response_due == at(30, 10)
    assert moved.resolution_due is None
    gone = step(gold, facts, moved, PolicyChanged(at(30, 9, 45), None))
    assert gone == ClockState()
    assert sla(facts, gone, at(30, 10)) == "none"


def test_a_policy_edit_that_makes_a_status_pause_pauses_a_ticket_in_it() -> None:
    _, facts, state = run([Created(MONDAY_9, "normal"), StatusChanged(at(30, 10), "on_hold")])
    pausing = Policy(1, "Standard", OFFICE, TARGETS, pause_statuses=frozenset({"on_hold"}))
    paused = recompute(pausing, facts, state, at(30, 11))
    assert paused.paused_at == at(30, 11)
    resumed = recompute(STANDARD, facts, paused, at(30, 12))
    assert resumed.paused_at is None and resumed.paused_seconds == 1 * H
    assert resumed.first_response_due == at(30, 14)


# ---------------------------------------------------------------------- none, columns, checks


def test_no_policy_or_no_targets_means_no_clocks() -> None:
    _, facts, state = run([Created(MONDAY_9, "normal"), AgentReply(at(30, 10))], None)
    assert state == ClockState()
    assert sla(facts, state, at(30, 10)) == "none"
    _, facts, state = run([Created(MONDAY_9, "normal")], Policy(2, "Empty", OFFICE))
    assert state.policy_id == 2
    assert sla(facts, state, at(30, 10)) == "none"


def test_the_state_is_the_ticket_columns() -> None:
    state = run([Created(MONDAY_9, "normal"), StatusChanged(at(30, 10), "pending")])[2]
    columns = state.columns()
    assert list(columns) == [
        "sla_policy_id",
        "first_response_due",
        "next_response_due",
        "resolution_due",
        "next_response_started_at",
        "sla_paused_at",
        "sla_paused_seconds",
        "next_response_paused_seconds",
        "sla_due",
        "sla_warn_at",
    ]
    assert columns["sla_paused_at"] == at(30, 10)
    assert ClockState.from_columns({**columns, "sla_paused_seconds": None}) == state


def test_step_refuses_a_policy_that_is_not_the_states() -> None:
    _, facts, state = run([Created(MONDAY_9, "normal")])
    other = Policy(2, "Other", OFFICE, TARGETS)
    with pytest.raises(ValueError, match="policy 1, not 2"):
        step(other, facts, state, AgentReply(at(30, 10)))
    with pytest.raises(ValueError, match="Created"):
        step(STANDARD, None, state, AgentReply(at(30, 10)))


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"targets": {"critical": Targets(H)}}, "targets"),
        ({"targets": {"low": Targets(-1.0)}}, "targets"),
        ({"pause_statuses": frozenset({"solved"})}, "pause_statuses"),
        ({"pause_statuses": frozenset({"pending", "open"})}, "pause_statuses"),
        ({"warning": 0.0}, "warning"),
        ({"warning": 1.5}, "warning"),
    ],
)
def test_a_policy_refuses_what_cannot_work(arguments: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Policy(1, "Bad", OFFICE, **arguments)
    assert caught.value.field == field


def test_sla_state_reads_the_columns_the_list_rows_carry() -> None:
    now = at(30, 12)
    common = {"first_responded_at": None, "now": now}
    assert sla_state(status="open", first_response_due=None, resolution_due=None, **common) == (
        "none"
    )
    late = {"first_response_due": at(30, 11), "resolution_due": at(30, 17)}
    assert sla_state(status="open", **late, **common) == "breached"
    assert sla_state(status="solved", **late, **common) == "met"
    assert sla_state(status="pending", paused_at=at(30, 10), **late, **common) == "paused"
    soon = {"first_response_due": at(30, 13), "resolution_due": at(30, 17)}
    assert sla_state(status="open", warn_at=at(30, 11), **soon, **common) == "warning"
    assert sla_state(status="open", warn_at=at(30, 12, 30), **soon, **common) == "ok"


# ---------------------------------------------------------------------- timeline


def test_the_timeline_says_when_each_clock_started_paused_resumed_was_met_or_breached() -> None:
    events: list[Event] = [
        Created(at(27, 18), "normal"),
        AutoReply(at(27, 18, 1)),
        StatusChanged(at(30, 10), "open"),
        AgentReply(at(30, 14)),
        StatusChanged(at(30, 14), "pending"),
        RequesterReply(at(1, 9, 30, month=12)),
        StatusChanged(at(1, 9, 30, month=12), "open"),
        AgentReply(at(1, 11, month=12)),
        StatusChanged(at(1, 12, month=12), "solved"),
    ]
    result = timeline(STANDARD, events, at(2, 9, month=12))
    lines = [(e.at, e.clock, e.what, e.cause, e.business_left) for e in result.entries]
    assert lines == [
        (at(27, 18), "first_response", "started", "created", 4 * H),
        (at(27, 18), "resolution", "started", "created", 16 * H),
        (at(27, 18, 1), "first_response", "ignored", "automatic reply", 4 * H),
        (at(30, 13), "first_response", "breached", "due", 0.0),
        (at(30, 14), "first_response", "met", "agent reply", -1 * H),
        (at(30, 14), "resolution", "paused", "status pending", 11 * H),
        (at(1, 9, 30, month=12), "next_response", "started", "requester reply", 4 * H),
        (at(1, 9, 30, month=12), "next_response", "resumed", "status open", 4 * H),
        (at(1, 9, 30, month=12), "resolution", "resumed", "status open", 11 * H),
        (at(1, 11, month=12), "next_response", "met", "agent reply", 2.5 * H),
        (at(1, 12, month=12), "resolution", "met", "status solved", 8.5 * H),
    ]
    paused = result.entries[5]
    assert paused.paused and paused.calendar_left is None
    met = result.entries[4]
    assert met.calendar_left == -1 * H
    started = result.entries[1]
    assert started.calendar_left == (at(1, 17, month=12) - at(27, 18)).total_seconds()
    assert result.state == run(events)[2]


def test_the_timeline_ends_with_the_time_left_or_over_of_each_running_clock() -> None:
    events: list[Event] = [Created(MONDAY_9, "high"), AgentReply(at(30, 9, 30))]
    result = timeline(STANDARD, events, at(1, 12, month=12))
    assert [(e.at, e.clock, e.what) for e in result.entries[-2:]] == [
        (at(30, 17), "resolution", "breached"),
        (at(1, 12, month=12), "resolution", "now"),
    ]
    now = result.entries[-1]
    assert now.business_left == -3 * H  # Tuesday 9-12
    assert now.calendar_left == -19 * H  # since Monday 17:00


def test_the_timeline_shows_a_recompute_and_a_breach_it_causes() -> None:
    events: list[Event] = [Created(MONDAY_9, "normal"), PriorityChanged(at(30, 11), "urgent")]
    entries = timeline(STANDARD, events, at(30, 11)).entries
    assert [(e.at, e.clock, e.what, e.cause) for e in entries[2:]] == [
        (at(30, 11), "first_response", "recomputed", "priority urgent"),
        (at(30, 11), "resolution", "recomputed", "priority urgent"),
        (at(30, 11), "first_response", "breached", "priority urgent"),
        (at(30, 11), "first_response", "now", "now"),
        (at(30, 11), "resolution", "now", "now"),
    ]


def test_the_timeline_shows_the_clocks_stopping_when_no_policy_applies_any_more() -> None:
    events: list[Event] = [Created(MONDAY_9, "normal"), PolicyChanged(at(30, 10), None)]
    result = timeline(STANDARD, events, at(30, 11))
    assert [(e.clock, e.what, e.cause, e.business_left) for e in result.entries[2:]] == [
        ("first_response", "stopped", "policy none", 3 * H),
        ("resolution", "stopped", "policy none", 15 * H),
    ]
    assert result.state == ClockState()


# ---------------------------------------------------------------------- properties

EDITED = Policy(
    1,
    "Standard",
    Calendar.parse("Europe/Berlin mon-sat 08:00-12:00,13:00-18:00 holidays=2026-12-24"),
    {"normal": Targets(2 * H, 3 * H, 10 * H), "urgent": Targets(0.5 * H, None, 2 * H)},
    pause_statuses=frozenset({"pending", "on_hold"}),
    warning=0.75,
)
ROUND_THE_CLOCK = Policy(2, "24x7", Calendar.always("Europe/Berlin"), TARGETS)
POLICIES = [STANDARD, EDITED, ROUND_THE_CLOCK, None]
STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"]
PRIORITIES = ["low", "normal", "high", "urgent"]

moves = st.one_of(
    st.builds(lambda s: ("status", s), st.sampled_from(STATUSES)),
    st.builds(lambda p: ("priority", p), st.sampled_from(PRIORITIES)),
    st.builds(lambda i: ("policy", i), st.integers(0, len(POLICIES) - 1)),
    st.sampled_from([("agent", None), ("auto", None), ("requester", None)]),
)


def _events(
    start: datetime, priority: str, steps_: list[tuple[int, tuple[str, object]]]
) -> list[Event]:
    events: list[Event] = [Created(start, priority)]
    now = start
    for minutes, (kind, value) in steps_:
        now += timedelta(minutes=minutes)
        if kind == "status":
            events.append(StatusChanged(now, str(value)))
        elif kind == "priority":
            events.append(PriorityChanged(now, str(value)))
        elif kind == "policy":
            events.append(PolicyChanged(now, POLICIES[int(str(value))]))
        elif kind == "agent":
            events.append(AgentReply(now))
        elif kind == "auto":
            events.append(AutoReply(now))
        else:
            events.append(RequesterReply(now))
    return events


histories = st.builds(
    _events,
    st.datetimes(
        min_value=datetime(2026, 3, 20), max_value=datetime(2026, 11, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(PRIORITIES),
    st.lists(st.tuples(st.integers(0, 3 * 24 * 60), moves), max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(events=histories, first=st.sampled_from(POLICIES))
def test_the_timeline_ends_in_the_state_step_gives_event_by_event(
    events: list[Event], first: Policy | None
) -> None:
    policy, facts, state = first, None, ClockState()
    for event in events:
        state = step(policy, facts, state, event)
        facts = facts.after(event) if facts is not None else Facts.of(events[0])
        if isinstance(event, PolicyChanged):
            policy = event.policy
    result = timeline(first, events, events[-1].at + timedelta(days=1))
    assert result.state == state
    assert result.facts == facts
    assert ClockState.from_columns(state.columns()) == state


@settings(max_examples=200, deadline=None)
@given(events=histories, first=st.sampled_from(POLICIES))
def test_sla_due_and_warn_at_agree_with_the_state(
    events: list[Event], first: Policy | None
) -> None:
    _, facts, state = steps(first, None, ClockState(), events)
    assert facts is not None
    now = events[-1].at
    shown = state_of(state, facts.status, facts.first_responded_at, now)
    if shown in ("none", "met", "paused"):
        assert state.sla_due is None and state.warn_at is None
    else:
        assert state.sla_due is not None and state.warn_at is not None
        assert state.warn_at <= state.sla_due
        assert (shown == "breached") == (state.sla_due <= now)
