"""The SLA step of the workflow: what a change does to a ticket's clocks (docs/sla.md).

The rules themselves are the SLA engine's (``deskterm.domain.sla``: ``step``); this module
turns a ticket change into the engine's events and its result into the ticket's columns.
:class:`Policies` is the desk's SLA policies as the engine takes them, read once per write
transaction (``write.names``); :func:`new_clocks` gives a new ticket's clock columns and
:func:`clock_values` the columns a planned change moves. Pure, like ``plan``: the caller
reads and writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from deskterm.domain.sla import (
    AgentReply,
    AutoReply,
    ClockState,
    Created,
    Event,
    Facts,
    Policy,
    PolicyChanged,
    PriorityChanged,
    RequesterReply,
    StatusChanged,
    step,
    steps,
)
from deskterm.domain.vocab import PRIORITIES

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from deskterm.domain.sla import PolicyBook


@dataclass(frozen=True)
class Policies:
    """The desk's SLA policies, matched and looked up for the tickets of one transaction."""

    book: PolicyBook | None = None
    by_id: Mapping[int, Policy] = field(default_factory=dict)

    def match(
        self, queue_id: int | None, ticket_type: str | None, organization_id: int | None
    ) -> Policy | None:
        """The policy a ticket with these facts runs under (docs/sla.md), or None."""
        if self.book is None:
            return None
        stored = self.book.match(queue_id, ticket_type, organization_id)
        return None if stored is None else self.by_id[stored.id]

    def get(self, policy_id: int | None) -> Policy | None:
        return None if policy_id is None else self.by_id.get(policy_id)


#: A desk without policies: no ticket gets clocks.
NO_POLICIES: Final = Policies()


class PoliciesNotRead(Exception):
    """A plan asked for the SLA policies of :data:`UNREAD`."""


class _Unread(Policies):
    def match(
        self, queue_id: int | None, ticket_type: str | None, organization_id: int | None
    ) -> Policy | None:
        raise PoliciesNotRead

    def get(self, policy_id: int | None) -> Policy | None:
        raise PoliciesNotRead


#: The policies of a write that did not read them (the light writer of ``ticket note``):
#: reading them costs the SLA engine's imports, and a change the clocks do not hear of (an
#: internal note) never asks. A plan that does ask raises PoliciesNotRead, and the light
#: writer steps aside for the ordinary path.
UNREAD: Final = _Unread()


def load(conn: Connection) -> Policies:
    """Every policy of the desk, read once (a desk without any costs one query)."""
    from deskterm.domain.sla import load_policies

    return of_book(load_policies(conn))


def of_book(book: PolicyBook) -> Policies:
    """The policies of ``book`` as the engine takes them (the light writer of ``ticket
    reply`` reads the same rows without SQLAlchemy, ``quick_write``)."""
    from deskterm.domain.sla import engine_policy

    if not book.policies:
        return NO_POLICIES
    return Policies(book, {row.id: engine_policy(row) for row in book.policies})


def new_clocks(
    policies: Policies,
    *,
    queue_id: int,
    ticket_type: str,
    organization_id: int | None,
    priority: str,
    status: str,
    at: datetime,
) -> dict[str, Any]:
    """The clock columns of a new ticket (empty when no policy matches it)."""
    policy = policies.match(queue_id, ticket_type, organization_id)
    if policy is None:
        return {}
    return step(policy, None, ClockState(), Created(at, priority, status)).stored()


def clock_values(
    policies: Policies,
    state: ClockState,
    facts: Facts,
    *,
    queue_id: int,
    ticket_type: str,
    organization_id: int | None,
    values: Mapping[str, Any],
    reply: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The clock columns a planned change moves (only those that change).

    ``facts`` and ``state`` are the ticket as read, ``values`` the plan's new column values,
    ``reply`` ``"agent"``, ``"auto"`` or ``"requester"`` when the change adds a public reply.
    The events go to the engine in the order they happen: the reply, then the status it sets,
    then a new priority, then a new policy when the queue or type now matches another one.
    """
    events: list[Event] = []
    if reply == "agent":
        events.append(AgentReply(now))
    elif reply == "auto":
        events.append(AutoReply(now))
    elif reply == "requester":
        events.append(RequesterReply(now))
    if "status" in values:
        events.append(StatusChanged(now, values["status"]))
    if "priority" in values:
        events.append(PriorityChanged(now, PRIORITIES[values["priority"]]))
    if "queue_id" in values or "type" in values:
        matched = policies.match(
            values.get("queue_id", queue_id), values.get("type", ticket_type), organization_id
        )
        if (None if matched is None else matched.id) != state.policy_id:
            events.append(PolicyChanged(now, matched))
    if not events:
        return {}  # nothing the clocks hear of (an internal note, a tag)
    policy = policies.get(state.policy_id)
    if policy is None and not _changes_policy(events):
        return {}  # no clocks run (or their policy was deleted in this transaction)
    _, _, after = steps(policy, facts, state, events)
    before, columns = state.stored(), after.stored()
    return {name: value for name, value in columns.items() if before[name] != value}


def _changes_policy(events: list[Event]) -> bool:
    return any(isinstance(event, PolicyChanged) for event in events)


# ------------------------------------------------------------------------------ timeline


#: Each policy's kept versions, oldest first, with the time each took effect (see
#: ``sla.load_versions``).
Versions = Mapping[int, Sequence[tuple[datetime, Policy]]]


def history_events(
    policies: Policies,
    *,
    created_at: datetime,
    now_values: Mapping[str, str],
    organization_id: int | None,
    changes: Sequence[tuple[datetime, str, str | None, str | None]],
    versions: Versions | None = None,
) -> tuple[Policy | None, list[Event]]:
    """The engine's events of a ticket's history, and the policy it was created under.

    ``now_values`` are the ticket's ``status``, ``priority``, ``queue`` (an id, as text) and
    ``type`` now; ``changes`` are ``(at, field, old, new)`` in time order: its audit events
    (``status``, ``priority``, ``queue`` as ids, ``type``, ``reply``) and its requester's
    replies (``requester_reply``). What a field was at creation is the old value of its first
    change. Which policy matches is decided by the policies as they are defined now; what a
    policy's clocks were (targets, calendar, pausing statuses, warning) by the version in
    effect at the time, from ``versions``: each later version of the ticket's policy is an
    edit (``PolicyChanged(edited=True)``), as ``recompute_running`` applied it to every ticket
    that was not closed. Without ``versions``, the policies as they are now throughout.
    """
    kept = versions or {}

    def as_of(policy: Policy | None, at: datetime) -> Policy | None:
        if policy is None or not kept.get(policy.id):
            return policy
        chosen = kept[policy.id][0][1]
        for valid_from, version in kept[policy.id]:
            if valid_from > at:
                break
            chosen = version
        return chosen

    start = dict(now_values)
    for _at, name, old, _new in reversed(changes):
        if name in start and old is not None:
            start[name] = old
    queue_now, type_now, status = int(start["queue"]), start["type"], start["status"]
    matched = policies.match(queue_now, type_now, organization_id)
    policy = as_of(matched, created_at)
    current = None if policy is None else policy.id
    edits = sorted(
        (valid_from, version)
        for versions_of in kept.values()
        for valid_from, version in versions_of[1:]  # the first is no edit
        if valid_from > created_at
    )
    timeline: list[tuple[datetime, int, str, str | None, Policy | None]] = [
        (at, 0, name, new, None) for at, name, _old, new in changes
    ]
    timeline += [(at, 1, "edit", None, version) for at, version in edits]
    timeline.sort(key=lambda item: (item[0], item[1]))  # stable; edits after changes at once
    events: list[Event] = [Created(created_at, start["priority"], start["status"])]
    for at, _order, name, new, edited in timeline:
        if edited is not None:
            if edited.id == current and status != "closed":
                events.append(PolicyChanged(at, edited, edited=True))
        elif name == "status" and new is not None:
            events.append(StatusChanged(at, new))
            status = new
        elif name == "priority" and new is not None:
            events.append(PriorityChanged(at, new))
        elif name == "reply":
            events.append(AgentReply(at))
        elif name == "requester_reply":
            events.append(RequesterReply(at))
        elif name in ("queue", "type") and new is not None:
            queue_now = int(new) if name == "queue" else queue_now
            type_now = new if name == "type" else type_now
            matched = policies.match(queue_now, type_now, organization_id)
            if (None if matched is None else matched.id) != current:
                events.append(PolicyChanged(at, as_of(matched, at)))
                current = None if matched is None else matched.id
    return policy, events
