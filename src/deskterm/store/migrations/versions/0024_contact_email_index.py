"""An index on ``lower(contacts.email)``: a contact is looked up by its address in any case
(``people.contact_for``; mail intake looks up each message's sender), and without the index
each look-up read every contact, so importing a mailbox slowed down as it went
(bench/bench_mail.py).

Revision ID: 0024_contact_email_index
Revises: 0023_confidential_mail_and_rules
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_contact_email_index"
down_revision = "0023_confidential_mail_and_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_email_lower", "contacts", [sa.text("lower(email)")])


def downgrade() -> None:
    op.drop_index("ix_contacts_email_lower", table_name="contacts")
