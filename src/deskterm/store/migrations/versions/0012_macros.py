"""Macros: a canned reply or note (a Jinja template) plus field changes (docs/macros.md).

``macros`` holds each macro's template, its kind (public reply or internal note) and the
changes it makes; ``owner_id`` is the agent a personal macro belongs to, None for a shared
one. Names are unique per owner (the code checks shared names, which NULL keeps apart).

Revision ID: 0012_macros
Revises: 0011_rules
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_macros"
down_revision = "0011_rules"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "macros",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), server_default="reply", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=True),
        sa.Column("queue", sa.String(length=100), nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("add_tags", sa.Text(), server_default="", nullable=False),
        sa.Column("remove_tags", sa.Text(), server_default="", nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["agents.id"], name=op.f("fk_macros_owner_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_macros")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_macros_owner_id_name")),
    )


def downgrade() -> None:
    op.drop_table("macros")
