"""A ticket's SLA history: the fold of ``clocks.step`` over its events, explained.

:func:`timeline` applies each event with ``step`` (so what it ends in is what the ticket row
stores) and says, for each clock, when it started, paused, resumed, was met, breached,
stopped or recomputed, with the time left or over in business and in calendar time. It feeds
``deskterm ticket sla ID``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, NamedTuple

from deskterm.domain.sla.clocks import (
    CLOCKS,
    AgentReply,
    AutoReply,
    Created,
    Event,
    Facts,
    Policy,
    PolicyChanged,
    PriorityChanged,
    RequesterReply,
    StatusChanged,
    alive_clocks,
    created_event,
    running_clocks,
    step,
)
from deskterm.domain.sla.state import DONE, Clock, ClockState

What = Literal[
    "started", "paused", "resumed", "met", "breached", "stopped", "recomputed", "ignored", "now"
]


class Entry(NamedTuple):
    """One line of a ticket's SLA timeline: what happened to one clock, and when.

    ``business_left`` is the business time from ``at`` (from the start of the pause, while
    paused) to the due, ``calendar_left`` the time on the wall clock (None while paused):
    negative is over, for a met clock it says how early (late) it was met.
    """

    at: datetime
    clock: Clock
    what: What
    due: datetime | None
    business_left: float | None
    calendar_left: float | None
    #: What caused it: ``created``, ``status pending``, ``agent reply``, ``automatic reply``,
    #: ``requester reply``, ``priority urgent``, ``policy Gold``, ``policy none``, ``due``, ``now``.
    cause: str
    #: Whether the clock stood paused after this (its due moves when the pause ends).
    paused: bool = False


class Timeline(NamedTuple):
    """A ticket's SLA history: the entries in time order, and where the fold of ``step``
    ended (the state and facts the stored columns must equal)."""

    entries: list[Entry]
    state: ClockState
    facts: Facts | None


def timeline(policy: Policy | None, events: Sequence[Event], now: datetime) -> Timeline:
    """The fold of :func:`step` over a ticket's events (``Created`` first, in order), with an
    entry whenever a clock started, paused, resumed, was met, breached, stopped, recomputed or
    an automatic reply was ignored, and one ``now`` entry per unmet running clock. ``policy``
    is the policy the ticket was created under (``PolicyChanged`` events bring the others).
    Raises ValueError if the first event is not ``Created``."""
    entries: list[Entry] = []
    facts: Facts | None = None
    state = ClockState()
    breached: set[Clock] = set()
    last: datetime | None = None
    for event in events:
        if facts is not None and policy is not None:
            entries += _breaches(policy, facts, state, last, event.at, breached)
        new_state = step(policy, facts, state, event)
        new_facts = facts.after(event) if facts is not None else Facts.of(created_event(event))
        # A change to no policy stops the clocks: say so in the calendar they ran in.
        shown = policy
        if isinstance(event, PolicyChanged):
            policy = event.policy
            shown = policy or shown
        if shown is not None:
            entries += _changes(shown, facts, state, new_facts, new_state, event, breached)
        facts, state, last = new_facts, new_state, event.at
    if facts is not None and policy is not None and state.policy_id is not None:
        entries += _breaches(policy, facts, state, last, now, breached)
        for clock in running_clocks(facts, state):
            entries.append(_entry(policy, state, clock.clock, "now", now, "now", facts))
    return Timeline(entries, state, facts)


def _cause(event: Event) -> str:
    if isinstance(event, Created):
        return "created"
    if isinstance(event, StatusChanged):
        return f"status {event.status}"
    if isinstance(event, AgentReply):
        return "agent reply"
    if isinstance(event, AutoReply):
        return "automatic reply"
    if isinstance(event, RequesterReply):
        return "requester reply"
    if isinstance(event, PriorityChanged):
        return f"priority {event.priority}"
    if event.policy is None:
        return "policy none"
    if event.edited:
        return f"policy {event.policy.name} edited (v{event.policy.version})"
    return f"policy {event.policy.name}"


def _entry(
    policy: Policy,
    state: ClockState,
    clock: Clock,
    what: What,
    at: datetime,
    cause: str,
    facts: Facts,
) -> Entry:
    due = state.due(clock)
    paused = state.paused_at is not None and facts.status not in DONE
    ref = at if what == "breached" else _standing(state, clock, at)
    business = None if due is None else policy.calendar.between(ref, due)
    wall = None if due is None or paused else (due - at).total_seconds()
    return Entry(at, clock, what, due, business, wall, cause, paused)


def _breaches(
    policy: Policy,
    facts: Facts,
    state: ClockState,
    since: datetime | None,
    until: datetime,
    breached: set[Clock],
) -> list[Entry]:
    """Breach entries for the running clocks whose due falls after ``since`` up to ``until``."""
    if state.paused_at is not None or facts.status in DONE:
        return []
    found = []
    for clock in sorted(running_clocks(facts, state), key=lambda running: running.due):
        if clock.clock in breached or clock.due > until:
            continue
        breached.add(clock.clock)
        at = clock.due if since is None or clock.due > since else since
        found.append(_entry(policy, state, clock.clock, "breached", at, "due", facts))
    return found


def _changes(
    policy: Policy,
    facts: Facts | None,
    before: ClockState,
    after_facts: Facts,
    after: ClockState,
    event: Event,
    breached: set[Clock],
) -> list[Entry]:
    """What ``event`` did to each clock, as timeline entries."""
    at, cause = event.at, _cause(event)
    found: list[Entry] = []

    def add(clock: Clock, what: What) -> None:
        if what in ("met", "stopped", "started"):
            breached.discard(clock)
        if what == "stopped" and after.due(clock) is None and facts is not None:
            # Stopped by losing its target or its policy: the due it had.
            found.append(
                _entry(policy, before, clock, what, at, cause, facts)._replace(paused=False)
            )
            return
        found.append(_entry(policy, after, clock, what, at, cause, after_facts))

    old = alive_clocks(facts, before) if facts is not None else {}
    new = alive_clocks(after_facts, after)
    if isinstance(event, AutoReply):
        for clock in ("first_response", "next_response"):
            if clock in old and facts is not None and facts.status not in DONE:
                add(clock, "ignored")
        return found
    done_before = facts is not None and facts.status in DONE
    done_after = after_facts.status in DONE
    stopped_before = facts is not None and before.paused_at is not None
    stopped_after = after.paused_at is not None
    recomputing = isinstance(event, (PriorityChanged, PolicyChanged))
    for clock in CLOCKS:
        if clock in old and clock not in new:
            met = (
                (clock == "resolution" and done_after)
                or (clock == "first_response" and after_facts.first_responded_at is not None)
                or (clock == "next_response" and isinstance(event, AgentReply))
            )
            if met:
                breached.discard(clock)
                found.append(_met(policy, before, clock, at, cause))
            else:
                add(clock, "stopped")
        elif clock in new and clock not in old:
            add(clock, "resumed" if clock == "resolution" and done_before else "started")
        elif clock in new:
            if recomputing and before.due(clock) != after.due(clock):
                add(clock, "recomputed")
            elif done_after and not done_before:
                add(clock, "stopped")
            elif stopped_after and not stopped_before:
                add(clock, "paused")
            elif stopped_before and not stopped_after:
                add(clock, "resumed")
    if not stopped_after and not done_after:
        for running in running_clocks(after_facts, after):
            if running.clock not in breached and running.due <= at:
                breached.add(running.clock)
                found.append(
                    _entry(policy, after, running.clock, "breached", at, cause, after_facts)
                )
    return found


def _standing(state: ClockState, clock: Clock, at: datetime) -> datetime:
    """Where ``clock``'s business time stands at ``at``: while paused, at the start of the
    pause (or at its own start, for a next-response clock started during the pause)."""
    if state.paused_at is None:
        return at
    started = state.next_response_started_at
    if clock == "next_response" and started is not None and started > state.paused_at:
        return started
    return state.paused_at


def _met(policy: Policy, before: ClockState, clock: Clock, at: datetime, cause: str) -> Entry:
    """A clock met at ``at``: how early (positive) or late (negative) against its due."""
    due = before.due(clock)
    ref = _standing(before, clock, at)
    business = None if due is None else policy.calendar.between(ref, due)
    wall = None if due is None else (due - at).total_seconds()
    return Entry(at, clock, "met", due, business, wall, cause)
