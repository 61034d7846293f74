"""A queue's automatic first response (docs/rules.md "A queue's acknowledgement").

``queues.auto_reply``: a template (the macros' variables) sent, marked automatic, to every
new ticket that ends up in the queue when no triage rule sent an automatic reply to it.

Revision ID: 0013_queue_auto_reply
Revises: 0012_macros
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_queue_auto_reply"
down_revision = "0012_macros"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("queues", sa.Column("auto_reply", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("queues", "auto_reply")
