"""A partial, covering index over unsolved tickets (the rows agents actually work).

Revision ID: 0003_unsolved_index
Revises: 0002_search
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_unsolved_index"
down_revision = "0002_search"
branch_labels = None
depends_on = None

PREDICATE = "status IN ('new', 'open', 'pending', 'on_hold')"


def upgrade() -> None:
    op.create_index(
        "ix_tickets_unsolved_updated",
        "tickets",
        ["updated_at", "id", "status", "priority", "queue_id", "assignee_id"],
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_unsolved_updated", table_name="tickets")
