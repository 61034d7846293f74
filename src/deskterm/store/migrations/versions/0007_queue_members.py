"""Queue membership: which agents work which queue.

An agent may belong to any number of queues; a queue's members are the agents ``ticket
take`` and the console's ``T`` hand its tickets to. Removing an agent or a queue removes its
memberships.

Revision ID: 0007_queue_members
Revises: 0006_bigint_ids
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_queue_members"
down_revision = "0006_bigint_ids"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "queue_members",
        sa.Column("queue_id", ID, nullable=False),
        sa.Column("agent_id", ID, nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["queues.id"],
            name=op.f("fk_queue_members_queue_id_queues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_queue_members_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("queue_id", "agent_id", name=op.f("pk_queue_members")),
    )
    op.create_index("ix_queue_members_agent", "queue_members", ["agent_id", "queue_id"])


def downgrade() -> None:
    op.drop_index("ix_queue_members_agent", table_name="queue_members")
    op.drop_table("queue_members")
