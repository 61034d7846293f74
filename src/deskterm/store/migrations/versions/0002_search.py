"""Full-text search: FTS5 tables and triggers on SQLite, tsvector + GIN on PostgreSQL.

Built from the rows already there, so upgrading a filled database indexes it.

Revision ID: 0002_search
Revises: 0001_initial
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from deskterm.store import search

revision = "0002_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    search.create_objects(conn)
    search.rebuild(conn)


def downgrade() -> None:
    search.drop_objects(conn=op.get_bind())
