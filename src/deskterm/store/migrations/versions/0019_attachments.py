"""Attachments (docs/mail.md, "Attachments"): files that came with mail or with an agent's
reply or note, stored with the desk.

``attachment_blobs``: the bytes, once per content (their SHA-256 unique; an id for
exports), so the same file sent in two mails is stored once. ``attachments``: one row per
file as it came: the ticket, the thread entry it came with, its sanitized name, content
type, size and blob (by hash); ``refused`` says why a file was not kept (too large), and
then there is no blob. On PostgreSQL both have row security as the other tables of a
ticket have (``security.secure_attachments``).

Revision ID: 0019_attachments
Revises: 0018_notify
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskterm.store import security

revision = "0019_attachments"
down_revision = "0018_notify"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "attachment_blobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_blobs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_attachment_blobs_sha256")),
    )
    op.create_table(
        "attachments",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("inline", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_attachments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_attachments_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blobs.sha256"],
            name=op.f("fk_attachments_sha256_attachment_blobs"),
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_ticket", "attachments", ["ticket_id", "id"])
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        security.secure_attachments(conn)


def downgrade() -> None:
    op.drop_index("ix_attachments_sha256", table_name="attachments")
    op.drop_index("ix_attachments_ticket", table_name="attachments")
    if op.get_bind().dialect.name == "postgresql":
        # The blobs' read policy names attachments: it goes first, or the drop is refused.
        op.execute("DROP POLICY IF EXISTS deskterm_read ON attachment_blobs")
    op.drop_table("attachments")
    op.drop_table("attachment_blobs")
