"""Presence (docs/live.md): who has a ticket open in the console and who is writing on it.

``presence``: one heartbeat row per agent and ticket (``activity``: viewing, replying or
noting; ``seen_at``: the last beat). A row counts while its last beat is recent and is never
a lock: nothing waits on it, and a console that dies leaves a row that simply expires.

Revision ID: 0016_presence
Revises: 0015_time_ratings
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_presence"
down_revision = "0015_time_ratings"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "presence",
        sa.Column("agent_id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("activity", sa.String(length=16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_presence_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_presence_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "ticket_id", name=op.f("pk_presence")),
    )
    op.create_index("ix_presence_seen_at", "presence", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_presence_seen_at", table_name="presence")
    op.drop_table("presence")
