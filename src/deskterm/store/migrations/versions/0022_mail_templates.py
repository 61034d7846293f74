"""The notifications' templates (docs/mail.md, "Notifications").

``mail_templates`` holds the text of a notification to requesters (``kind``: received,
replied, solved) where a desk's admin changed it: a Jinja template of the sandboxed engine
(``domain/templates.py``), checked when it is saved. A kind with no row uses the built-in
text, so a desk that never changed one gets a better default with a later release.

On PostgreSQL everyone reads the texts and only admins (and trusted logins) write them, as
for ``agents`` (row security, ``store/security.py``): they go to every requester.

Revision ID: 0022_mail_templates
Revises: 0021_outbox
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_mail_templates"
down_revision = "0021_outbox"
branch_labels = None
depends_on = None

#: Everyone reads; admins write (``deskterm_sees_all``: migration 0017).
POLICIES = (
    "CREATE POLICY deskterm_read ON mail_templates FOR SELECT USING (true)",
    "CREATE POLICY deskterm_add ON mail_templates FOR INSERT "
    "WITH CHECK ((SELECT deskterm_sees_all()))",
    "CREATE POLICY deskterm_change ON mail_templates FOR UPDATE "
    "USING ((SELECT deskterm_sees_all()))",
    "CREATE POLICY deskterm_remove ON mail_templates FOR DELETE "
    "USING ((SELECT deskterm_sees_all()))",
)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["agents.id"],
            name=op.f("fk_mail_templates_updated_by_id_agents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint("kind", name=op.f("uq_mail_templates_kind")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in (
            "ALTER TABLE mail_templates ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE mail_templates FORCE ROW LEVEL SECURITY",
            *POLICIES,
        ):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("read", "add", "change", "remove"):
            op.execute(f"DROP POLICY IF EXISTS deskterm_{name} ON mail_templates")
    op.drop_table("mail_templates")
