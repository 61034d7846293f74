"""The one workflow: what a requested change does to a ticket, as a pure function.

``plan(current, request, now, names, since=...)`` takes the ticket as the write transaction
read it, the change asked for, the time, and the audit events a caller has not seen, and
returns the new column values and audit entries (a :class:`Plan`), or refuses:

* ``Conflict``: a move the workflow does not allow, a closed ticket, nothing to reopen;
* ``StaleVersion``: the caller read an older version and something this write changes was
  changed since (see :data:`CONFLICTS`). A colleague's tag does not block my priority change.

Every path that changes a ticket (one ticket, bulk, batch, merge, take, escalate, the console)
builds a :class:`Request` and stores the resulting plan with ``write.store``; the SLA, rules
and mail steps belong here, and nowhere else. Nothing in this module touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from deskterm.domain.models import AuditEvent, FieldChange
from deskterm.domain.sla import ClockState, Facts
from deskterm.domain.tickets import workflow as workflow
from deskterm.domain.tickets.clocks import NO_POLICIES, Policies, clock_values
from deskterm.domain.tickets.time_spent import time_text
from deskterm.domain.vocab import PRIORITIES, PRIORITY_RANK, UNSOLVED
from deskterm.errors import AlreadyRated, Conflict, StaleVersion


class Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave as it is" for fields where None means something (unassign, unlink).
UNSET: Final = Unset()


@dataclass(frozen=True, slots=True)
class Current:
    """A ticket as a write transaction read it (ids, not names), with its tags."""

    id: int
    status: str
    priority: int
    type: str
    subject: str
    queue_id: int
    assignee_id: int | None
    first_responded_at: datetime | None
    solved_at: datetime | None
    merged_into_id: int | None
    problem_id: int | None
    version: int
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    #: The requester's organization (SLA policies may be narrowed by it).
    organization_id: int | None = None
    #: The ticket's SLA clock columns.
    clocks: ClockState = field(default_factory=ClockState)


@dataclass(frozen=True, slots=True)
class Names:
    """What a plan needs to know of the desk: queue names and agent handles by id (for the
    audit entries) and the SLA policies (for the clocks)."""

    queues: Mapping[int, str]
    agents: Mapping[int, str]
    policies: Policies = NO_POLICIES

    def agent(self, agent_id: int | None) -> str | None:
        return None if agent_id is None else self.agents.get(agent_id, f"#{agent_id}")


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A reply or note to add to the thread, written by ``author_id`` (an agent) or, for a
    requester's reply (mail), by the contact ``contact_id`` (``author_id`` None)."""

    kind: str
    body: str
    author_id: int | None
    #: Sent by the desk itself (an acknowledgement, a rule): it never meets an SLA clock.
    automatic: bool = False
    #: The requester's contact, when the requester wrote it (a reply by mail).
    contact_id: int | None = None

    @property
    def by_requester(self) -> bool:
        return self.contact_id is not None

    @property
    def audit_field(self) -> str:
        """The audit entry's field: ``reply``/``note``, or ``requester_reply``."""
        return "requester_reply" if self.by_requester else self.kind


@dataclass(frozen=True, slots=True)
class NewRating:
    """A satisfaction rating (``good``/``bad``) of the ticket's current solve."""

    rating: str
    comment: str | None
    #: The solve it rates: the ticket's ``solved_at`` as the write transaction read it.
    solved_at: datetime | None
    #: The rating this solve already has (read in the write transaction), or None.
    previous: str | None = None
    #: Replace ``previous`` rather than refuse (one rating per solve).
    replace: bool = False


@dataclass(frozen=True, slots=True)
class Request:
    """What a caller asks for, with every value checked and names resolved to ids."""

    status: str | None = None
    #: The ``reopen`` verb: status ``open``, and only from ``solved``.
    reopen: bool = False
    priority: str | None = None
    type: str | None = None
    subject: str | None = None
    queue_id: int | None = None
    assignee_id: int | Unset | None = UNSET
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    message: NewMessage | None = None
    problem_id: int | Unset | None = UNSET
    #: Merging closes the duplicate into this ticket, whatever its status.
    merged_into: int | None = None
    #: Audit entries the verb records besides the field changes (escalated, merged_from).
    events: tuple[FieldChange, ...] = ()
    #: The ticket's queue is being deleted and the ticket moves to ``queue_id``: the one
    #: change a closed ticket takes (every ticket must be in a queue).
    queue_deleted: bool = False
    #: Time spent, in seconds, logged with this change by the acting agent.
    time_spent: int | None = None
    #: A satisfaction rating of the current solve; the one change besides field changes a
    #: closed ticket takes, and only a solved or closed ticket.
    rating: NewRating | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What to store: column values, tag moves, a message, and the audit entries.

    The audit entry of the message (``reply``/``note`` with its id) is added by the write,
    which is when the id exists.
    """

    ticket_id: int
    #: The version the write transaction read; the write is guarded by it.
    version: int
    values: dict[str, Any] = field(default_factory=dict)
    changes: tuple[FieldChange, ...] = ()
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    message: NewMessage | None = None
    #: Seconds of time spent to log (a ``time_entries`` row), with the message if any.
    time_spent: int | None = None
    rating: NewRating | None = None

    @property
    def writes(self) -> bool:
        return bool(self.changes or self.message or self.time_spent or self.rating)


#: What a write changes -> the changes made since the caller's read that make it stale.
#: A status change or a public reply is stale when the conversation moved on (a status change,
#: a public reply, a merge) since the agent read the ticket; a field change is stale only when
#: that same field changed. Tags merge, and internal notes never conflict.
#: A requester's reply (by mail) moves the conversation on as an agent's does.
_CONVERSATION: Final = frozenset({"status", "reply", "requester_reply", "merged_into"})
CONFLICTS: Final[Mapping[str, frozenset[str]]] = {
    "status": _CONVERSATION,
    "reply": _CONVERSATION,
    "merged_into": _CONVERSATION,
    "priority": frozenset({"priority"}),
    "type": frozenset({"type"}),
    "subject": frozenset({"subject"}),
    "queue": frozenset({"queue"}),
    "assignee": frozenset({"assignee"}),
    "problem": frozenset({"problem"}),
}


def opens(status: str, *, assigned: bool = False, agent_reply: bool = False) -> bool:
    """A ``new`` ticket opens when an agent is assigned to it or replies publicly."""
    return status == "new" and (assigned or agent_reply)


#: A requester's reply to a ticket waiting on them (``pending``) or solved puts it back in
#: the agents' hands: status ``open`` (a solved ticket is reopened). ``new`` and ``on_hold``
#: (waiting on a third party) stay as they are; a closed ticket refuses (mail opens a new one).
REQUESTER_REOPENS: Final = frozenset({"pending", "solved"})


def plan(
    current: Current,
    request: Request,
    now: datetime,
    names: Names,
    *,
    since: Sequence[AuditEvent] = (),
    seen: int | None = None,
) -> Plan:
    """The values and audit entries ``request`` makes of ``current`` at ``now``.

    ``seen`` is the version the caller showed (None: it read inside this transaction);
    ``since`` the audit events after it. Raises Conflict or StaleVersion (module docstring).
    """
    values: dict[str, Any] = {}
    diff: list[FieldChange] = []
    target = _target_status(current, request)
    message = request.message
    # A person's public reply; what the desk sends by itself (an acknowledgement) is never a
    # first response and does not open a new ticket.
    reply = (
        message is not None
        and message.kind == "reply"
        and not message.automatic
        and not message.by_requester
    )
    if reply and current.first_responded_at is None:
        values["first_responded_at"] = now
    if target is None and opens(current.status, agent_reply=reply):
        target = "open"
    if (
        target is None
        and message is not None
        and message.by_requester
        and current.status in REQUESTER_REOPENS
    ):
        target = "open"
    if request.merged_into is not None:
        _merge_close(current, request.merged_into, now, values, diff)
    elif target is not None:
        _status(current, target, now, values, diff)
    _set(current.priority, _rank(request.priority), "priority", values, diff, _priority_name)
    _set(current.type, request.type, "type", values, diff)
    _set(current.subject, request.subject, "subject", values, diff)
    if request.queue_id is not None and request.queue_id != current.queue_id:
        values["queue_id"] = request.queue_id
        diff.append(
            FieldChange(
                "queue", names.queues.get(current.queue_id), names.queues.get(request.queue_id)
            )
        )
    assignee = request.assignee_id
    if not isinstance(assignee, Unset) and assignee != current.assignee_id:
        values["assignee_id"] = assignee
        diff.append(
            FieldChange("assignee", names.agent(current.assignee_id), names.agent(assignee))
        )
        if "status" not in values and opens(current.status, assigned=assignee is not None):
            _status(current, "open", now, values, diff)
    to_add, to_remove, tag_change = tag_diff(current.tags, request.add_tags, request.remove_tags)
    if tag_change is not None:
        diff.append(tag_change)
    problem = request.problem_id
    if not isinstance(problem, Unset) and problem != current.problem_id:
        values["problem_id"] = problem
        diff.append(FieldChange("problem", _str(current.problem_id), _str(problem)))
    diff.extend(request.events)
    if request.time_spent is not None:
        diff.append(FieldChange("time", None, time_text(request.time_spent)))
    if (diff or message is not None) and current.status == "closed" and not request.queue_deleted:
        workflow.ensure_editable(current.id, current.status)
    if request.rating is not None:
        diff.append(_rating(current, request.rating))
    touched = {change.field for change in diff}
    if message is not None:
        touched.add(message.audit_field)
    check_stale(current, touched, since, seen)
    if current.created_at is not None:
        values.update(_clocks(current, values, message, now, names.policies))
    return Plan(
        current.id,
        current.version,
        values,
        tuple(diff),
        tuple(to_add),
        tuple(to_remove),
        message,
        request.time_spent,
        request.rating,
    )


def _rating(current: Current, rating: NewRating) -> FieldChange:
    """The audit entry of a rating; Conflict unless the ticket is solved or closed,
    AlreadyRated when this solve has a rating and ``rating.replace`` is not set."""
    if current.status not in ("solved", "closed") or current.solved_at is None:
        raise Conflict(
            f"ticket #{current.id} is {current.status}; only a solved or closed ticket can be rated"
        )
    if rating.previous is not None and not rating.replace:
        raise AlreadyRated(
            f"ticket #{current.id} is already rated {rating.previous} for this solve; "
            "one rating per solve",
            ticket_id=current.id,
            rating=rating.previous,
        )
    return FieldChange("rating", rating.previous, rating.rating)


def _clocks(
    current: Current,
    values: Mapping[str, Any],
    message: NewMessage | None,
    now: datetime,
    policies: Policies,
) -> dict[str, Any]:
    """The SLA step: the clock columns this change moves (``clocks.clock_values``)."""
    assert current.created_at is not None
    facts = Facts(
        current.created_at,
        PRIORITIES[current.priority],
        current.status,
        current.first_responded_at,
    )
    reply = None
    if message is not None and message.kind == "reply":
        reply = "requester" if message.by_requester else "auto" if message.automatic else "agent"
    return clock_values(
        policies,
        current.clocks,
        facts,
        queue_id=current.queue_id,
        ticket_type=current.type,
        organization_id=current.organization_id,
        values=values,
        reply=reply,
        now=now,
    )


def _target_status(current: Current, request: Request) -> str | None:
    if request.reopen:
        if current.status in UNSOLVED:
            raise Conflict(
                f"ticket #{current.id} is {current.status}, not solved; nothing to reopen"
            )
        return "open"
    if request.status is not None:
        workflow.check_transition(current.id, current.status, request.status)
    return request.status


def _status(
    current: Current, target: str, now: datetime, values: dict[str, Any], diff: list[FieldChange]
) -> None:
    if target == current.status:
        return
    workflow.check_transition(current.id, current.status, target)
    values["status"] = target
    diff.append(FieldChange("status", current.status, target))
    if target == "solved":
        values["solved_at"] = now
    elif target == "closed":
        values["closed_at"] = now
    elif current.status == "solved":
        values["solved_at"] = None


def _merge_close(
    current: Current, into: int, now: datetime, values: dict[str, Any], diff: list[FieldChange]
) -> None:
    """A merged duplicate is closed, whatever its status (the workflow's one shortcut)."""
    workflow.ensure_editable(current.id, current.status)
    if current.merged_into_id is not None:
        raise Conflict(f"ticket #{current.id} was already merged into #{current.merged_into_id}")
    values.update(merged_into_id=into, status="closed", closed_at=now)
    if current.solved_at is None:
        values["solved_at"] = now
    diff.append(FieldChange("merged_into", None, str(into)))
    diff.append(FieldChange("status", current.status, "closed"))


def _set(
    old: Any,
    new: Any,
    name: str,
    values: dict[str, Any],
    diff: list[FieldChange],
    show: Any = None,
) -> None:
    if new is None or new == old:
        return
    values[name] = new
    render = show or (lambda v: v)
    diff.append(FieldChange(name, render(old), render(new)))


def _rank(priority: str | None) -> int | None:
    return None if priority is None else PRIORITY_RANK[priority]


def _priority_name(rank: int) -> str:
    return PRIORITIES[rank]


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


def tag_diff(
    current: Sequence[str], add: Sequence[str], remove: Sequence[str]
) -> tuple[list[str], list[str], FieldChange | None]:
    """Which tags to add and remove, and the ``tags`` audit change (None if nothing changes).

    A tag both added and removed is removed; the audit values are the sorted tag lists.
    """
    to_add = [t for t in add if t not in current and t not in remove]
    to_remove = [t for t in remove if t in current]
    if not to_add and not to_remove:
        return [], [], None
    after = sorted((set(current) | set(to_add)) - set(to_remove))
    change = FieldChange("tags", ",".join(sorted(current)) or None, ",".join(after) or None)
    return to_add, to_remove, change


# ------------------------------------------------------------------------------ staleness


def check_stale(
    current: Current, touched: set[str], since: Sequence[AuditEvent], seen: int | None
) -> None:
    """StaleVersion if a caller who read version ``seen`` changes ``touched`` (audit field
    names) and something they conflict with changed since (``since``); see CONFLICTS."""
    if seen is None or seen == current.version:
        return
    if seen > current.version:
        # A version the ticket never had: a typo in --if-version, or another desk's number.
        raise stale(current.id, seen, current.version, ())
    changed = {event.field for event in since}
    if any(CONFLICTS.get(name, frozenset()) & changed for name in touched):
        raise stale(current.id, seen, current.version, since)


#: How a thread entry reads in "who changed what".
_LABELS: Final = {"reply": "a reply", "note": "a note", "requester_reply": "a requester's reply"}


def stale(ticket_id: int, seen: int, now: int, since: Sequence[AuditEvent]) -> StaleVersion:
    """The StaleVersion for a write based on version ``seen`` of a ticket now at ``now``,
    naming who changed what in ``since`` (the audit events after ``seen``)."""
    by_actor: dict[str | None, list[str]] = {}
    for event in since:
        fields = by_actor.setdefault(event.actor, [])
        if event.field not in fields:
            fields.append(event.field)
    changes = tuple((actor, tuple(fields)) for actor, fields in by_actor.items())
    head = f"ticket #{ticket_id} changed since you read it (version {seen}, now {now})"
    if seen > now:
        head = f"ticket #{ticket_id} is at version {now}, not {seen}"
    who = "; ".join(
        f"{actor or 'system'} changed {', '.join(_LABELS.get(f, f) for f in fields)}"
        for actor, fields in changes
    )
    message = f"{head}: {who}; reload and try again" if who else f"{head}; reload and try again"
    return StaleVersion(message, ticket_id=ticket_id, seen=seen, now=now, changes=changes)
