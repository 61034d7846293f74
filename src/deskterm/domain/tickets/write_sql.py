"""The statements of the one versioned write, as SQLAlchemy compiles them for SQLite, kept as
text so that the light writer (``quick_write``: ``ticket note`` on an SQLite desk) runs them
on ``sqlite3`` without importing SQLAlchemy.

They are not a second copy to keep in step by hand: each is the text SQLAlchemy compiles from
the statement ``write`` (or ``desk``) runs, and ``tests/domain/test_write_sql.py`` compiles
those again and fails when one differs (named parameters, ``IN`` lists of one rendered).
Only the statements of a note and of a public reply are here (a reply also reads the SLA
policies, may open a new ticket, starts and stops its clocks, and queues its mail); a plan
that needs any other (other columns to update, tags, a rating, a solve's mail) makes the
light writer step aside.
"""

from __future__ import annotations

from typing import Final

from deskterm.domain.sla import CLOCK_COLUMNS

#: ``write.read_statement([ticket_id])``: the ticket as a write reads it (``id_1_1``).
READ: Final = (
    "SELECT tickets.id, tickets.status, tickets.priority, tickets.type, tickets.subject, "
    "tickets.queue_id, tickets.assignee_id, tickets.first_responded_at, tickets.solved_at, "
    "tickets.merged_into_id, tickets.problem_id, tickets.version, tickets.created_at, "
    "(SELECT contacts.organization_id \nFROM contacts \n"
    "WHERE contacts.id = tickets.requester_id) AS organization_id, tickets.sla_policy_id, "
    "tickets.first_response_due, tickets.next_response_due, tickets.resolution_due, "
    "tickets.next_response_started_at, tickets.sla_paused_at, tickets.sla_paused_seconds, "
    "tickets.next_response_paused_seconds, tickets.sla_due, tickets.sla_warn_at \n"
    "FROM tickets \nWHERE tickets.id IN (:id_1_1) ORDER BY tickets.id"
)
#: The columns of :data:`READ` that hold times (``schema.UTCDateTime``).
READ_TIMES: Final = (
    "first_responded_at",
    "solved_at",
    "created_at",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "next_response_started_at",
    "sla_paused_at",
    "sla_due",
    "sla_warn_at",
)
#: ``write.tags_statement([ticket_id])`` (``ticket_id_1_1``).
TAGS: Final = (
    "SELECT ticket_tags.ticket_id, tags.name \n"
    "FROM ticket_tags JOIN tags ON tags.id = ticket_tags.tag_id \n"
    "WHERE ticket_tags.ticket_id IN (:ticket_id_1_1)"
)
#: ``write.QUEUE_NAMES`` and ``write.AGENT_HANDLES`` (``plan.Names``).
QUEUE_NAMES: Final = "SELECT queues.id, queues.name \nFROM queues"
AGENT_HANDLES: Final = "SELECT agents.id, agents.handle \nFROM agents"
#: ``write.MESSAGE`` with the values ``versioned.store`` binds.
MESSAGE: Final = (
    "INSERT INTO messages (ticket_id, kind, author_agent_id, author_contact_id, body, "
    "created_at, automatic) VALUES (:ticket_id, :kind, :author_agent_id, :author_contact_id, "
    ":body, :created_at, :automatic)"
)
#: ``write.INSERTS`` with the values ``versioned.store`` binds, by table.
INSERTS: Final = {
    "audit_events": (
        "INSERT INTO audit_events (ticket_id, actor_id, field, old_value, new_value, version, "
        "at) VALUES (:ticket_id, :actor_id, :field, :old_value, :new_value, :version, :at)"
    ),
    "time_entries": (
        "INSERT INTO time_entries (ticket_id, agent_id, seconds, at, message_id) VALUES "
        "(:ticket_id, :agent_id, :seconds, :at, :message_id)"
    ),
}
#: ``write.update_statement(columns, now)`` by the columns it sets besides ``updated_at``
#: and ``version``: a note sets none.
UPDATES: Final[dict[tuple[str, ...], str]] = {
    (): (
        "UPDATE tickets SET updated_at=:updated_at, version=:b_new "
        "WHERE tickets.id = :b_id AND tickets.version = :b_seen"
    ),
}

#: The tickets table's columns in their order (``schema.tickets``): SQLAlchemy sets the
#: columns of an UPDATE in this order, whatever the order they are given in.
TICKET_COLUMNS: Final = (
    "id",
    "subject",
    "type",
    "status",
    "priority",
    "queue_id",
    "assignee_id",
    "requester_id",
    "created_by_id",
    "channel",
    "created_at",
    "updated_at",
    "first_responded_at",
    "solved_at",
    "closed_at",
    "first_response_due",
    "resolution_due",
    "merged_into_id",
    "problem_id",
    "version",
    "sla_policy_id",
    "next_response_due",
    "next_response_started_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "next_response_paused_seconds",
    "sla_due",
    "sla_warn_at",
    "sla_escalated_due",
)
#: What a public reply's plan may set besides ``updated_at`` and ``version``: ``status``
#: (an agent's reply opens a new ticket), the first response, the SLA clocks.
REPLY_COLUMNS: Final = frozenset({"status", "first_responded_at", *CLOCK_COLUMNS})


def update_sql(columns: tuple[str, ...]) -> str | None:
    """``write.update_statement(columns, now)`` as SQLAlchemy compiles it (the test compares
    every set of :data:`REPLY_COLUMNS`), or None for a column not among them."""
    if not REPLY_COLUMNS.issuperset(columns):
        return None
    setting = {*columns, "updated_at", "version"}
    sets = ", ".join(
        f"{name}=:b_new" if name == "version" else f"{name}=:{name}"
        for name in TICKET_COLUMNS
        if name in setting
    )
    return f"UPDATE tickets SET {sets} WHERE tickets.id = :b_id AND tickets.version = :b_seen"


#: ``sla.book_statements()``: every SLA policy, by id (``sla.stored_policy`` reads a row),
#: and the queues' default policies.
POLICIES: Final = (
    "SELECT sla_policies.id, sla_policies.name, sla_policies.description, "
    "sla_policies.queue_id, sla_policies.type, sla_policies.organization_id, "
    "sla_policies.calendar, sla_policies.targets, sla_policies.pause_statuses, "
    "sla_policies.warning_percent, sla_policies.created_at, sla_policies.updated_at, "
    "sla_policies.version, sla_policies.escalate_on_breach, queues.name AS queue_name, "
    "organizations.name AS organization_name \n"
    "FROM sla_policies LEFT OUTER JOIN queues ON sla_policies.queue_id = queues.id "
    "LEFT OUTER JOIN organizations ON sla_policies.organization_id = organizations.id "
    "ORDER BY sla_policies.id"
)
#: The columns of :data:`POLICIES` that hold times (``schema.UTCDateTime``).
POLICY_TIMES: Final = ("created_at", "updated_at")
QUEUE_POLICIES: Final = (
    "SELECT queues.id, queues.default_sla_policy_id \n"
    "FROM queues \nWHERE queues.default_sla_policy_id IS NOT NULL"
)
#: ``outbox.recipients_statement([ticket_id])`` (``id_1_1``).
RECIPIENTS: Final = (
    "SELECT tickets.id, contacts.email \n"
    "FROM tickets JOIN contacts ON contacts.id = tickets.requester_id \n"
    "WHERE tickets.id IN (:id_1_1)"
)
#: The insert of ``outbox.enqueue`` with the values of ``outbox.outbox_rows``.
OUTBOX: Final = (
    "INSERT INTO mail_outbox (ticket_id, message_id, kind, automatic, recipient, status, "
    "attempts, next_try, created_at, version) VALUES (:ticket_id, :message_id, :kind, "
    ":automatic, :recipient, :status, :attempts, :next_try, :created_at, :version)"
)
