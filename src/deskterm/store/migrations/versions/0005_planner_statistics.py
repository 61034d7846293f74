"""Planner statistics for SQLite: every desk is planned as the big desk it may become.

SQLite picks a plan from ``sqlite_stat1``. Without it, it guesses that an equality on any
index is selective: for the default view (``is:unsolved``, newest first) it then reads every
unsolved ticket through the status index and sorts them, instead of walking the partial
index in order and stopping after one page. Measured statistics are no better over time: a
desk ANALYZEd at a thousand tickets keeps telling the planner it is small when it holds a
million, and SQLite does not credit ``LIMIT`` when it weighs a sort against an ordered walk.

So deskterm installs the statistics of a large desk, SQLite's documented way to fix plans
(https://sqlite.org/optoverview.html#manual_control_of_query_plans_using_sqlite_stat_tables),
replacing any measured ones for its tables. Plans are then the same on every desk, small or
large, and the ones the benchmarks measure. Running ``ANALYZE`` by hand undoes this until
the next ``deskterm db migrate`` to a revision that reinstalls them. PostgreSQL weighs LIMIT
and keeps its own statistics (autovacuum): nothing to do there.

Revision ID: 0005_planner_statistics
Revises: 0004_unsolved_sort_indexes
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005_planner_statistics"
down_revision = "0004_unsolved_sort_indexes"
branch_labels = None
depends_on = None

#: (table, index, stat): a desk of a million tickets, 6 statuses, 4 priorities, 20 queues,
#: 50 agents, 20,000 unsolved, 6 messages, 2 audit events and 2 tags per ticket. The numbers
#: are rows in the index, then rows per distinct value of each leading column prefix.
STATISTICS: tuple[tuple[str, str, str], ...] = (
    ("tickets", "ix_tickets_updated", "1000000 1 1"),
    ("tickets", "ix_tickets_created", "1000000 1 1"),
    ("tickets", "ix_tickets_status_updated", "1000000 166667 1 1"),
    ("tickets", "ix_tickets_queue_updated", "1000000 50000 1 1"),
    ("tickets", "ix_tickets_assignee_updated", "1000000 20000 1 1"),
    ("tickets", "ix_tickets_priority_updated", "1000000 250000 1 1"),
    ("tickets", "ix_tickets_resolution_due", "1000000 1 1"),
    ("tickets", "ix_tickets_queue_status", "1000000 50000 10000"),
    ("tickets", "ix_tickets_requester", "1000000 20"),
    ("tickets", "ix_tickets_unsolved_updated", "20000 1 1 1 1 1 1"),
    ("tickets", "ix_tickets_unsolved_created", "20000 1 1 1 1 1 1"),
    ("tickets", "ix_tickets_unsolved_priority", "20000 5000 1 1 1 1 1"),
    ("tickets", "ix_tickets_unsolved_due", "20000 1 1 1 1 1 1"),
    ("messages", "ix_messages_ticket", "6000000 6 1"),
    ("audit_events", "ix_audit_events_ticket", "2000000 2 1"),
    ("audit_events", "ix_audit_events_at", "2000000 1"),
    ("ticket_tags", "sqlite_autoindex_ticket_tags_1", "2000000 2 1"),
    ("ticket_tags", "ix_ticket_tags_tag", "2000000 40000 1"),
    ("contacts", "ix_contacts_organization_id", "50000 100"),
    ("contacts", "sqlite_autoindex_contacts_1", "50000 1"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1 without reading tables
    for table in sorted({table for table, _, _ in STATISTICS}):
        bind.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = ?", (table,))
    for table, index, stat in STATISTICS:
        bind.exec_driver_sql(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", (table, index, stat)
        )
    bind.exec_driver_sql("ANALYZE sqlite_schema")  # load them into this connection


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table, index, stat in STATISTICS:
        bind.exec_driver_sql(
            "DELETE FROM sqlite_stat1 WHERE tbl = ? AND idx = ? AND stat = ?", (table, index, stat)
        )
