"""Identity and confidential queues (docs/team.md).

Both backends: ``agents.db_role`` (the PostgreSQL login an agent connects as, unique),
``queues.confidential`` (only the queue's members, and admins, see its tickets) and
``audit_events.login`` (the database login that made the change; on PostgreSQL filled by
``session_user`` by default, so a client cannot leave it out).

PostgreSQL only (``deskterm.store.security``): the group role ``deskterm_agent`` with the
privileges agents' logins need, and row-level security (ENABLE + FORCE) on tickets and
what hangs off them, agents, queues and their members, keyed on the acting agent.

Revision ID: 0017_identity
Revises: 0016_presence
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskterm.store import security

revision = "0017_identity"
down_revision = "0016_presence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("db_role", sa.String(length=63), nullable=True))
    op.create_index("ix_agents_db_role", "agents", ["db_role"], unique=True)
    op.add_column(
        "queues",
        sa.Column("confidential", sa.Boolean(), nullable=False, server_default="0"),
    )
    conn = op.get_bind()
    login_default = sa.text("session_user") if conn.dialect.name == "postgresql" else None
    op.add_column(
        "audit_events",
        sa.Column("login", sa.String(length=63), nullable=True, server_default=login_default),
    )
    if conn.dialect.name == "postgresql":
        security.create_objects(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        security.drop_objects(conn)
    op.drop_column("audit_events", "login")
    op.drop_column("queues", "confidential")
    op.drop_index("ix_agents_db_role", table_name="agents")
    op.drop_column("agents", "db_role")
