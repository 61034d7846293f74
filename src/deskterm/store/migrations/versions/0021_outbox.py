"""Mail out (docs/mail.md, "Sending"): the outbox.

``mail_outbox`` holds each mail the desk is to send: a public reply (``message_id``, written in
the same transaction as the reply), or a notification to the requester (``kind``: received,
solved). ``deskterm mail send`` claims rows with a versioned update (two hosts never send
one twice), sends them over SMTP and records what happened: ``status`` queued, sending,
retrying, sent, failed or skipped; ``attempts``, ``next_try`` (the backoff) and ``last_error``.
``message_id_header`` is the Message-ID the mail carries (chosen when it is first sent, and
kept for every retry), also stored in ``mail_messages`` as an outgoing row so that the
requester's answer threads back and the desk's own mail coming back is known.

On PostgreSQL the rows are visible when their ticket is (row security, as ``mail_messages``).

Revision ID: 0021_outbox
Revises: 0020_faster_row_security
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_outbox"
down_revision = "0020_faster_row_security"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("automatic", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="queued", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_try", UTC, nullable=False),
        sa.Column("failing_since", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("message_id_header", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("version", ID, server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_mail_outbox_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_mail_outbox_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_status_next_try", "mail_outbox", ["status", "next_try"])
    op.create_index("ix_mail_outbox_ticket_id", "mail_outbox", ["ticket_id"])
    op.create_index("ix_mail_outbox_message_id", "mail_outbox", ["message_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY deskterm_mail_outbox ON mail_outbox USING "
            "(EXISTS (SELECT 1 FROM tickets t WHERE t.id = mail_outbox.ticket_id))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS deskterm_mail_outbox ON mail_outbox")
    op.drop_index("ix_mail_outbox_message_id", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_ticket_id", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_status_next_try", table_name="mail_outbox")
    op.drop_table("mail_outbox")
