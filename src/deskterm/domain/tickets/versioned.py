"""The one versioned write's logic, on any connection: what storing some plans writes.

``store`` turns plans (``plan.plan``'s answers) into rows: the thread entry, one audit event
per change stamped with the new version, the time entry, the rating, the tag moves, the mail
to the requester, and ONE ``UPDATE ... SET ..., version = :new WHERE id = :id AND version =
:read`` per ticket. It runs them through a :class:`Writer`, which owns the SQL: ``write``'s
runs SQLAlchemy Core on SQLite and PostgreSQL, and the light writer of ``ticket note``
(``quick_write``) runs the same statements compiled once to text on ``sqlite3``
(``write_sql``; a test checks that they are what SQLAlchemy compiles). So what a change
writes is decided here once, and no database library is imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any, Protocol

from deskterm.domain.models import FieldChange
from deskterm.domain.tickets import outbox as mail_out
from deskterm.domain.tickets.plan import NewRating, Plan
from deskterm.errors import PermissionDenied


class Writer(Protocol):
    """The statements of the one versioned write, on one open write transaction."""

    def message(self, values: dict[str, Any]) -> int:
        """Insert a thread entry; its id."""

    def update(self, columns: tuple[str, ...], params: list[dict[str, Any]], now: datetime) -> None:
        """One versioned UPDATE of ``columns`` (plus ``updated_at`` and ``version``) per item
        of ``params`` (the values, ``b_id``, ``b_seen``, ``b_new``); StaleVersion or NotFound
        when a row was not at the version read."""

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` into ``audit_events`` or ``time_entries``."""

    def move_tags(
        self, tags_in: Sequence[tuple[int, str]], tags_out: Sequence[tuple[int, str]]
    ) -> None: ...

    def rate(self, ticket_id: int, rating: NewRating, values: dict[str, Any]) -> None: ...

    def enqueue(self, items: Sequence[mail_out.Outgoing], now: datetime) -> None: ...

    def queue_name(self, queue_id: int) -> str: ...


def confine(writer: Writer, hidden: AbstractSet[int], queue_id: int) -> None:
    """PermissionDenied when the actor may not put a ticket in queue ``queue_id`` (one of
    ``hidden``: a confidential queue they are not a member of)."""
    if queue_id in hidden:
        name = writer.queue_name(queue_id)
        raise PermissionDenied(
            f'queue "{name}" is confidential: only its members and admins put tickets in it'
        )


def store(
    writer: Writer,
    plans: Sequence[Plan],
    *,
    actor_id: int,
    now: datetime,
    hidden: AbstractSet[int] = frozenset(),
    file_later: Callable[[int, int], None] | None = None,
) -> dict[int, tuple[FieldChange, ...]]:
    """Write every plan that changes something; returns each ticket's audit entries (with
    the message entry first when the plan adds one).

    A move into a queue of ``hidden`` is refused (PermissionDenied), unless ``file_later``
    is given (a new ticket's triage rules): then everything else is written now, the ticket
    still where its creator sees it, and ``file_later(ticket_id, queue_id)`` is told of the
    queue to put it in last (``write.transact`` does, before the commit).

    Several plans of one ticket are its steps, in order (the triage rules of a new ticket:
    each step planned on the ticket as the one before left it, ``version`` one more each):
    they are stored as ONE versioned UPDATE from the first step's version to the last's,
    each step's audit entries keeping its own version, the tag moves netted out."""
    written: dict[int, tuple[FieldChange, ...]] = {}
    #: Per ticket: the version read, the version written and the values, merged over steps.
    writes: dict[int, tuple[int, int, dict[str, Any]]] = {}
    audit: list[dict[str, Any]] = []
    tags: dict[int, tuple[dict[str, None], dict[str, None]]] = {}
    times: list[dict[str, Any]] = []
    mail: list[mail_out.Outgoing] = []
    #: Per ticket: the hidden queue its steps last moved it to (filed last).
    filed: dict[int, int] = {}
    for plan in plans:
        if not plan.writes:
            written[plan.ticket_id] = written.get(plan.ticket_id, ()) + plan.changes
            continue
        step_values = plan.values
        if "queue_id" in plan.values:
            queue_id = plan.values["queue_id"]
            if queue_id in hidden and file_later is not None:
                filed[plan.ticket_id] = queue_id
                step_values = {k: v for k, v in plan.values.items() if k != "queue_id"}
            else:
                confine(writer, hidden, queue_id)
                filed.pop(plan.ticket_id, None)
        changes = plan.changes
        message_id: int | None = None
        if plan.message is not None:
            message_id = writer.message(
                {
                    "ticket_id": plan.ticket_id,
                    "kind": plan.message.kind,
                    "author_agent_id": plan.message.author_id,
                    "author_contact_id": plan.message.contact_id,
                    "body": plan.message.body,
                    "created_at": now,
                    "automatic": plan.message.automatic,
                }
            )
            changes = (FieldChange(plan.message.audit_field, None, str(message_id)), *changes)
            if plan.message.kind == "reply" and not plan.message.by_requester:
                mail.append(
                    mail_out.Outgoing(
                        plan.ticket_id,
                        mail_out.REPLY,
                        message_id,
                        automatic=plan.message.automatic,
                    )
                )
        if plan.values.get("status") == "solved":
            mail.append(mail_out.Outgoing(plan.ticket_id, mail_out.SOLVED, automatic=True))
        if plan.time_spent is not None:
            times.append(
                {
                    "ticket_id": plan.ticket_id,
                    "agent_id": actor_id,
                    "seconds": plan.time_spent,
                    "at": now,
                    "message_id": message_id,
                }
            )
        if plan.rating is not None:
            writer.rate(
                plan.ticket_id,
                plan.rating,
                {
                    "rating": plan.rating.rating,
                    "comment": plan.rating.comment,
                    "recorded_at": now,
                    "recorded_by_id": actor_id,
                },
            )
        version = plan.version + 1
        earlier = writes.get(plan.ticket_id)
        if earlier is None:
            writes[plan.ticket_id] = (plan.version, version, dict(step_values))
        else:
            seen, reached, values = earlier
            if plan.version != reached:
                raise AssertionError(
                    f"ticket #{plan.ticket_id}: a step planned on version {plan.version} "
                    f"follows one that writes version {reached}"
                )
            values.update(step_values)
            writes[plan.ticket_id] = (seen, version, values)
        added, removed = tags.setdefault(plan.ticket_id, ({}, {}))
        # A step adds only tags the ticket lacks at that step and removes only tags it has:
        # undoing an earlier step's move cancels it.
        for name in plan.add_tags:
            if name in removed:
                del removed[name]
            else:
                added[name] = None
        for name in plan.remove_tags:
            if name in added:
                del added[name]
            else:
                removed[name] = None
        audit += [
            {
                "ticket_id": plan.ticket_id,
                "actor_id": actor_id,
                "field": change.field,
                "old_value": change.old,
                "new_value": change.new,
                "version": version,
                "at": now,
            }
            for change in changes
        ]
        written[plan.ticket_id] = written.get(plan.ticket_id, ()) + changes
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for ticket_id, (seen, version, values) in writes.items():
        updates[tuple(sorted(values))].append(
            {**values, "b_id": ticket_id, "b_seen": seen, "b_new": version}
        )
    for columns, params in updates.items():
        writer.update(columns, params, now)
    tags_in = [(ticket_id, name) for ticket_id, (added, _) in tags.items() for name in added]
    tags_out = [(ticket_id, name) for ticket_id, (_, removed) in tags.items() for name in removed]
    if tags_in or tags_out:
        writer.move_tags(tags_in, tags_out)
    if audit:
        writer.insert("audit_events", audit)
    if times:
        writer.insert("time_entries", times)
    # Public replies and solves go to the requester by mail: queued in this transaction,
    # so a reply is never stored without its mail nor mailed without being stored.
    if mail:
        writer.enqueue(mail, now)
    if file_later is not None:
        for ticket_id, queue_id in filed.items():
            file_later(ticket_id, queue_id)
    return written
