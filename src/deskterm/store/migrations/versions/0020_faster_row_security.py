"""Row security at the cost of one array test a row (bench/bench_rls.py, docs/team.md).

The functions behind the policies of migration 0017 become PL/pgSQL, whose plans are kept
for the session (a SECURITY DEFINER SQL function is planned again on every call), and the
tickets' policy asks one of them, once per statement, for the queues the acting agent may
see (every queue for whoever sees all). Who sees what is unchanged.

Revision ID: 0020_faster_row_security
Revises: 0019_attachments
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

from deskterm.store import security

revision = "0020_faster_row_security"
down_revision = "0019_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        security.faster_functions(conn)


def downgrade() -> None:
    # The PL/pgSQL functions decide exactly what the SQL ones did: nothing to undo.
    pass
