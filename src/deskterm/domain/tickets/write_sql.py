"""The statements of the one versioned write, as SQLAlchemy compiles them for SQLite, kept as
text so that the light writer (``quick_write``: ``ticket note`` on an SQLite desk) runs them
on ``sqlite3`` without importing SQLAlchemy.

They are not a second copy to keep in step by hand: each is the text SQLAlchemy compiles from
the statement ``write`` (or ``desk``) runs, and ``tests/domain/test_write_sql.py`` compiles
those again and fails when one differs (named parameters, ``IN`` lists of one rendered).
Only the statements of a note are here; a plan that needs any other (another set of columns
to update, tags, a rating, mail) makes the light writer step aside.
"""

from __future__ import annotations

from typing import Final

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
