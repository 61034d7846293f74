"""Escalation on breach: which policies escalate, and which breach each ticket escalated on.

``sla_policies.escalate_on_breach``: ``deskterm sla tick`` moves a breached ticket under this
policy one tier up its queue's escalation chain. ``tickets.sla_escalated_due`` is the
``sla_due`` the ticket had after its last automatic escalation: a ticket is escalated once
per breach (a later breach of another clock has another due), and two hosts running the tick
at once escalate it once (docs/sla.md "Escalation on breach").

Revision ID: 0009_sla_escalation
Revises: 0008_sla
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_sla_escalation"
down_revision = "0008_sla"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sla_policies",
        sa.Column("escalate_on_breach", sa.Boolean(), server_default="0", nullable=False),
    )
    op.add_column(
        "tickets", sa.Column("sla_escalated_due", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # SQLite (3.35+) drops a plain column in place, as PostgreSQL does (no table copy).
    op.drop_column("tickets", "sla_escalated_due")
    op.drop_column("sla_policies", "escalate_on_breach")
