"""Partial covering indexes over unsolved tickets for the other sorts (created, priority, due).

0003 made the unsolved views cheap in the default order (newest update first). Sorted any
other way (``is:unsolved`` oldest first, by priority, by due time), a page still read every
unsolved ticket and sorted them: 20 to 40 ms on a million tickets, growing with the backlog.
With one small index per sort, a page of any unsolved view walks its sort in order and
stops, as the default one does.

Revision ID: 0004_unsolved_sort_indexes
Revises: 0003_unsolved_index
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_unsolved_sort_indexes"
down_revision = "0003_unsolved_index"
branch_labels = None
depends_on = None

PREDICATE = "status IN ('new', 'open', 'pending', 'on_hold')"
#: name -> the sort's columns, then what the usual filters read (so no table row is visited
#: for a ticket the filter drops).
INDEXES = {
    "ix_tickets_unsolved_created": ["created_at", "id", "status", "priority", "queue_id"],
    "ix_tickets_unsolved_priority": ["priority", "updated_at", "id", "status", "queue_id"],
    "ix_tickets_unsolved_due": ["resolution_due", "id", "status", "priority", "queue_id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "tickets",
            [*columns, "assignee_id"],
            sqlite_where=sa.text(PREDICATE),
            postgresql_where=sa.text(PREDICATE),
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
