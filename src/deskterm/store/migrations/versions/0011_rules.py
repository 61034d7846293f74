"""Triage rules, and automatic messages.

``rules`` holds the desk's triage rules (docs/rules.md): in ``position`` order, each a
query-language ``condition`` on a new ticket and its ``actions`` (JSON: queue, priority,
type, tags, assignee, an internal note, an automatic reply), and whether a match ends the
run (``stop``: first match wins) or lets later rules apply too. ``messages.automatic`` marks
what the desk wrote by itself (a rule's acknowledgement): never a first response.

Revision ID: 0011_rules
Revises: 0010_sla_policy_versions
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_rules"
down_revision = "0010_sla_policy_versions"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("stop", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("version", ID, server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_rules_name")),
    )
    op.add_column(
        "messages", sa.Column("automatic", sa.Boolean(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("messages", "automatic")
    op.drop_table("rules")
