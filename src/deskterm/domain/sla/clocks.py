"""A ticket's SLA clocks as a pure state machine: policies, events, one ``step``.

The three clocks (first response, next response, resolution) of a ticket are held in a
:class:`ClockState`, exactly the columns stored on the ticket row (``ClockState.columns``).
Every change that can move them is an event (:data:`Event`); :func:`step` applies one event
to the state, given the ticket's :class:`Facts` as they were before it. :func:`recompute` is
the rule for a priority change, a policy change and a policy edit. The fold of ``step`` over
a ticket's history, with what each event did to each clock (``ticket sla ID``), is
``history.timeline``; the state and ``state_of`` (the ``sla_state`` it reads as) live in
``state.py``.
The rules are written in ``docs/sla.md``; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final, NamedTuple

from deskterm.domain.sla.state import DONE, Clock, ClockState
from deskterm.domain.vocab import PRIORITIES, STATUSES
from deskterm.errors import InvalidInput

if TYPE_CHECKING:
    from deskterm.domain.sla.calendar import Calendar

#: The clocks, in the order they are shown.
CLOCKS: Final[tuple[Clock, ...]] = ("first_response", "next_response", "resolution")
#: Statuses a policy may pause in (the default is ``pending``): waiting on someone else.
PAUSABLE: Final = frozenset({"pending", "on_hold"})


class Targets(NamedTuple):
    """Business seconds each clock of one priority may run; None: that clock does not run."""

    first_response: float | None = None
    next_response: float | None = None
    resolution: float | None = None

    def of(self, clock: Clock) -> float | None:
        value: float | None = getattr(self, clock)
        return value


_NO_TARGETS: Final = Targets()


@dataclass(frozen=True)
class Policy:
    """An SLA policy as the clocks need it (its matching rules live with its storage).

    Raises InvalidInput (``field`` ``targets``, ``pause_statuses`` or ``warning``) for an
    unknown priority, a negative target, a status that cannot pause, or a warning share
    outside (0, 1].
    """

    id: int
    name: str
    calendar: Calendar
    #: Targets by priority name (``low`` ... ``urgent``); a missing priority has no clocks.
    targets: Mapping[str, Targets] = field(default_factory=dict, hash=False)
    pause_statuses: frozenset[str] = frozenset({"pending"})
    #: The share of a target after which a clock is in ``warning``.
    warning: float = 0.8
    #: Which version of the stored policy this is (an edit makes the next one).
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "pause_statuses", frozenset(self.pause_statuses))
        for priority, targets in self.targets.items():
            if priority not in PRIORITIES:
                raise InvalidInput(
                    f"unknown priority {priority!r} (one of {', '.join(PRIORITIES)})",
                    field="targets",
                )
            for clock in CLOCKS:
                value = targets.of(clock)
                if value is not None and value < 0:
                    raise InvalidInput(f"a {clock} target cannot be negative", field="targets")
        wrong = sorted(self.pause_statuses - PAUSABLE)
        if wrong:
            raise InvalidInput(
                f"status {wrong[0]!r} cannot pause the clocks "
                f"(one of {', '.join(s for s in STATUSES if s in PAUSABLE)})",
                field="pause_statuses",
            )
        if not 0 < self.warning <= 1:
            raise InvalidInput("the warning share must be above 0 and at most 1", field="warning")

    def target(self, priority: str, clock: Clock) -> float | None:
        """The business seconds ``clock`` may run at ``priority`` (None: it does not run)."""
        return self.targets.get(priority, _NO_TARGETS).of(clock)

    def stops(self, status: str) -> bool:
        """Whether the clocks stand still in ``status`` (paused, solved or closed)."""
        return status in DONE or status in self.pause_statuses


# ---------------------------------------------------------------------- events


@dataclass(frozen=True)
class Created:
    """The ticket was created (with its first priority and status)."""

    at: datetime
    priority: str
    status: str = "new"


@dataclass(frozen=True)
class StatusChanged:
    at: datetime
    status: str


@dataclass(frozen=True)
class AgentReply:
    """A public reply by an agent (not a note, not an automatic reply)."""

    at: datetime


@dataclass(frozen=True)
class AutoReply:
    """An automatic public reply (an acknowledgement, a rule's macro): never a response."""

    at: datetime


@dataclass(frozen=True)
class RequesterReply:
    at: datetime


@dataclass(frozen=True)
class PriorityChanged:
    at: datetime
    priority: str


@dataclass(frozen=True)
class PolicyChanged:
    """The ticket's policy changed (another policy matches, None: none) or was edited
    (``edited``: the same policy's next version)."""

    at: datetime
    policy: Policy | None
    edited: bool = False


Event = (
    Created
    | StatusChanged
    | AgentReply
    | AutoReply
    | RequesterReply
    | PriorityChanged
    | (PolicyChanged)
)


class Facts(NamedTuple):
    """What the clocks need to know of the ticket itself (columns it has anyway)."""

    created_at: datetime
    priority: str
    status: str
    first_responded_at: datetime | None = None

    @classmethod
    def of(cls, created: Created) -> Facts:
        return cls(created.at, created.priority, created.status)

    def after(self, event: Event) -> Facts:
        """These facts once ``event`` has happened."""
        if isinstance(event, Created):
            return Facts.of(event)
        if isinstance(event, StatusChanged):
            return self._replace(status=event.status)
        if isinstance(event, PriorityChanged):
            return self._replace(priority=event.priority)
        if (
            isinstance(event, AgentReply)
            and self.first_responded_at is None
            and self.status != "closed"
        ):
            return self._replace(first_responded_at=event.at)
        return self


# ---------------------------------------------------------------------- step


def step(policy: Policy | None, facts: Facts | None, state: ClockState, event: Event) -> ClockState:
    """The clock state after ``event``.

    ``policy`` is the policy the state runs under (for ``Created``: the policy the new ticket
    gets; None: no clocks), ``facts`` the ticket as it was before the event (None only before
    ``Created``). A ``PolicyChanged`` event brings its own policy (see :func:`recompute`).
    Raises ValueError when ``policy`` is not the state's.
    """
    if isinstance(event, Created):
        return _created(policy, event)
    if facts is None:
        raise ValueError("only a Created event comes before the ticket's facts")
    if isinstance(event, PolicyChanged):
        return recompute(event.policy, facts, state, event.at)
    if policy is None:
        if state.policy_id is not None:
            raise ValueError(f"the state runs under policy {state.policy_id}, not none")
        return state
    if state.policy_id != policy.id:
        raise ValueError(f"the state runs under policy {state.policy_id}, not {policy.id}")
    after = facts.after(event)
    if isinstance(event, PriorityChanged):
        return recompute(policy, after, state, event.at)
    if isinstance(event, StatusChanged):
        state = _reconcile_pause(policy, after, state, event.at)
        if event.status in DONE and state.next_response_started_at is not None:
            state = state._replace(next_response_started_at=None, next_response_paused_seconds=0.0)
    elif isinstance(event, AgentReply):
        if facts.status != "closed" and state.next_response_started_at is not None:
            state = state._replace(next_response_started_at=None, next_response_paused_seconds=0.0)
    elif isinstance(event, RequesterReply):
        state = _requester_reply(policy, facts, state, event.at)
    return _summarised(policy, after, state)


def steps(
    policy: Policy | None, facts: Facts | None, state: ClockState, events: Iterable[Event]
) -> tuple[Policy | None, Facts | None, ClockState]:
    """:func:`step` for each event in turn: the policy, facts and state after the last one.

    What a workflow change that does several things at once (a reply that sets a status)
    calls with its events in order.
    """
    for event in events:
        state = step(policy, facts, state, event)
        facts = facts.after(event) if facts is not None else Facts.of(created_event(event))
        if isinstance(event, PolicyChanged):
            policy = event.policy
    return policy, facts, state


def created_event(event: Event) -> Created:
    if not isinstance(event, Created):
        raise ValueError("a ticket's first event is Created")
    return event


def recompute(policy: Policy | None, facts: Facts, state: ClockState, at: datetime) -> ClockState:
    """The state under ``policy`` (changed or edited) and the priority in ``facts``, at ``at``.

    Each running clock keeps its start; its due becomes start + the new target + the business
    time paused since that start, in the policy's calendar. A clock already met keeps its due,
    and so does a running clock already breached (its due passed before ``at``, or before the
    current pause began). A running clock without a target under the new policy stops (due
    None). Whether the ticket is paused follows its status under the new policy's pausing
    statuses. ``policy`` None: no clocks.
    """
    if policy is None:
        return ClockState()
    state = _reconcile_pause(policy, facts, state, at)
    calendar = policy.calendar
    ref = state.paused_at or at
    fr = state.first_response_due
    if facts.first_responded_at is None:
        fr = _redue(
            calendar,
            fr,
            facts.created_at,
            policy.target(facts.priority, "first_response"),
            state.paused_seconds,
            ref,
        )
    nr = state.next_response_due
    if state.next_response_started_at is not None:
        nr = _redue(
            calendar,
            nr,
            state.next_response_started_at,
            policy.target(facts.priority, "next_response"),
            state.next_response_paused_seconds,
            ref,
        )
    res = state.resolution_due
    if facts.status not in DONE:
        res = _redue(
            calendar,
            res,
            facts.created_at,
            policy.target(facts.priority, "resolution"),
            state.paused_seconds,
            ref,
        )
    state = state._replace(
        policy_id=policy.id,
        first_response_due=fr,
        next_response_due=nr,
        resolution_due=res,
    )
    return _summarised(policy, facts, state)


def _redue(
    calendar: Calendar,
    due: datetime | None,
    start: datetime,
    target: float | None,
    paused: float,
    ref: datetime,
) -> datetime | None:
    if due is not None and due <= ref:
        return due  # breached: keeps its record
    if target is None:
        return None
    return calendar.add(start, target + paused)


def _created(policy: Policy | None, event: Created) -> ClockState:
    if policy is None:
        return ClockState()
    calendar = policy.calendar
    fr = policy.target(event.priority, "first_response")
    res = policy.target(event.priority, "resolution")
    state = ClockState(
        policy_id=policy.id,
        first_response_due=None if fr is None else calendar.add(event.at, fr),
        resolution_due=None if res is None else calendar.add(event.at, res),
        paused_at=event.at if policy.stops(event.status) else None,
    )
    return _summarised(policy, Facts.of(event), state)


def _requester_reply(policy: Policy, facts: Facts, state: ClockState, at: datetime) -> ClockState:
    """A requester reply after an agent's reply starts the next-response clock (a second one
    before the agent answers leaves it running from the first)."""
    if facts.status == "closed" or facts.first_responded_at is None:
        return state
    if state.next_response_started_at is not None:
        return state
    target = policy.target(facts.priority, "next_response")
    return state._replace(
        next_response_started_at=at,
        next_response_paused_seconds=0.0,
        next_response_due=None if target is None else policy.calendar.add(at, target),
    )


def _reconcile_pause(policy: Policy, facts: Facts, state: ClockState, at: datetime) -> ClockState:
    """Pause or resume so that the state agrees with the ticket's status under ``policy``."""
    stopped = policy.stops(facts.status)
    if stopped and state.paused_at is None:
        return state._replace(paused_at=at)
    if not stopped and state.paused_at is not None:
        return _resume(policy.calendar, facts, state, at)
    return state


def _resume(calendar: Calendar, facts: Facts, state: ClockState, at: datetime) -> ClockState:
    """End the pause at ``at``: each running due moves forward by the business time the pause
    lasted for it (the resolution clock too, on a reopen)."""
    began = state.paused_at
    assert began is not None
    length = max(0.0, calendar.between(began, at))
    fr = state.first_response_due
    if fr is not None and facts.first_responded_at is None:
        fr = calendar.add(fr, length)
    res = state.resolution_due
    if res is not None:
        res = calendar.add(res, length)
    nr, nr_paused = state.next_response_due, state.next_response_paused_seconds
    started = state.next_response_started_at
    if started is not None:
        own = max(0.0, calendar.between(max(began, started), at))
        nr_paused += own
        if nr is not None:
            nr = calendar.add(nr, own)
    return state._replace(
        paused_at=None,
        paused_seconds=state.paused_seconds + length,
        first_response_due=fr,
        resolution_due=res,
        next_response_due=nr,
        next_response_paused_seconds=nr_paused,
    )


# ---------------------------------------------------------------------- summary and state


class Running(NamedTuple):
    clock: Clock
    due: datetime
    start: datetime
    paused: float


def alive_clocks(facts: Facts, state: ClockState) -> dict[Clock, Running]:
    """The clocks with a due that are not met, whether they run, stand paused, or stand
    stopped on a solved ticket (unmet response clocks resume on a reopen)."""
    found: dict[Clock, Running] = {}
    if state.first_response_due is not None and facts.first_responded_at is None:
        found["first_response"] = Running(
            "first_response", state.first_response_due, facts.created_at, state.paused_seconds
        )
    started = state.next_response_started_at
    if started is not None and state.next_response_due is not None:
        found["next_response"] = Running(
            "next_response",
            state.next_response_due,
            started,
            state.next_response_paused_seconds,
        )
    if state.resolution_due is not None and facts.status not in DONE:
        found["resolution"] = Running(
            "resolution", state.resolution_due, facts.created_at, state.paused_seconds
        )
    return found


def running_clocks(facts: Facts, state: ClockState) -> list[Running]:
    """The clocks that count toward ``sla_due``: alive, on a ticket not solved or closed."""
    if facts.status in DONE:
        return []
    return list(alive_clocks(facts, state).values())


def _summarised(policy: Policy, facts: Facts, state: ClockState) -> ClockState:
    """The state with ``sla_due`` and ``warn_at`` derived from its clocks."""
    if state.paused_at is not None or facts.status in DONE:
        return state._replace(sla_due=None, warn_at=None)
    running = running_clocks(facts, state)
    if not running:
        return state._replace(sla_due=None, warn_at=None)
    warn_at = None
    for clock in running:
        target = policy.target(facts.priority, clock.clock)
        warn = clock.due
        if target is not None:
            warn = min(
                warn, policy.calendar.add(clock.start, policy.warning * target + clock.paused)
            )
        warn_at = warn if warn_at is None else min(warn_at, warn)
    return state._replace(sla_due=min(clock.due for clock in running), warn_at=warn_at)
