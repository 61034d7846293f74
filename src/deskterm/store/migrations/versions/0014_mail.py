"""Mail intake: every message the desk took in, with what it became (docs/mail.md).

``mail_messages`` keeps each message's raw bytes, its identity across deliveries
(``mail_key``, unique: the same message delivered twice is taken once), the ticket and thread
entry it became, and why it was held when it was. Outgoing mail will join it
(``direction = 'out'``) so that replies to it thread by their References.

Revision ID: 0014_mail
Revises: 0013_queue_auto_reply
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_mail"
down_revision = "0013_queue_auto_reply"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("mail_key", sa.String(length=300), nullable=False),
        sa.Column("direction", sa.String(length=3), server_default="in", nullable=False),
        sa.Column("message_id_header", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("held_reason", sa.Text(), nullable=True),
        sa.Column("ticket_id", ID, nullable=True),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_mail_messages_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_mail_messages_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("mail_key", name=op.f("uq_mail_messages_mail_key")),
    )
    op.create_index("ix_mail_messages_ticket_id", "mail_messages", ["ticket_id"])
    op.create_index("ix_mail_messages_received_at", "mail_messages", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_messages_received_at", table_name="mail_messages")
    op.drop_index("ix_mail_messages_ticket_id", table_name="mail_messages")
    op.drop_table("mail_messages")
