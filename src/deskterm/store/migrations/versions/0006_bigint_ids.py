"""64-bit ids, references and versions on PostgreSQL.

The first release declared them INTEGER: 32-bit on PostgreSQL (a desk stops at ticket
2,147,483,647, and ``ticket show 2147483648`` was a database error), 64-bit on SQLite, where
INTEGER already is. This revision makes every id, every reference to one and every version
BIGINT on PostgreSQL, with the sequences behind the ids, and the search table and function
that carry a ticket id. Nothing changes on SQLite. Each table is rewritten once (one ALTER
TABLE per table); every row is kept.

Revision ID: 0006_bigint_ids
Revises: 0005_planner_statistics
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006_bigint_ids"
down_revision = "0005_planner_statistics"
branch_labels = None
depends_on = None

#: table -> its id, reference and version columns.
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agents", ("id",)),
    ("organizations", ("id",)),
    ("contacts", ("id", "organization_id")),
    ("queues", ("id", "escalates_to_id")),
    (
        "tickets",
        (
            "id",
            "queue_id",
            "assignee_id",
            "requester_id",
            "created_by_id",
            "merged_into_id",
            "problem_id",
            "version",
        ),
    ),
    ("messages", ("id", "ticket_id", "author_agent_id", "author_contact_id")),
    ("audit_events", ("id", "ticket_id", "actor_id", "version")),
    ("tags", ("id",)),
    ("ticket_tags", ("ticket_id", "tag_id")),
    ("kb_articles", ("id", "author_id", "version")),
    ("kb_article_tags", ("article_id", "tag_id")),
    ("saved_views", ("id", "owner_id")),
    ("ticket_search", ("ticket_id",)),
)
#: Tables whose id comes from a sequence (SERIAL).
SEQUENCED = (
    "agents",
    "organizations",
    "contacts",
    "queues",
    "tickets",
    "messages",
    "audit_events",
    "tags",
    "kb_articles",
    "saved_views",
)
REFRESH = "deskterm_ticket_search_refresh"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _retype("bigint", "integer")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _retype("integer", "bigint")


def _retype(to: str, was: str) -> None:
    bind = op.get_bind()
    for table, columns in COLUMNS:
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {to}" for column in columns)
        bind.exec_driver_sql(f"ALTER TABLE {table} {changes}")
    for table in SEQUENCED:
        sequence = bind.exec_driver_sql(
            f"SELECT pg_get_serial_sequence('{table}', 'id')"
        ).scalar_one()
        bind.exec_driver_sql(f"ALTER SEQUENCE {sequence} AS {to}")
    # The search triggers pass a ticket id to this function: it takes the new type, with the
    # body it has (whatever revision 0002 wrote), and the old signature goes.
    body = bind.exec_driver_sql(
        f"SELECT prosrc FROM pg_proc WHERE proname = '{REFRESH}' "
        f"AND pg_get_function_identity_arguments(oid) = 'tid {was}'"
    ).scalar_one()
    bind.exec_driver_sql(
        f"CREATE FUNCTION {REFRESH}(tid {to}) RETURNS void LANGUAGE sql AS $body${body}$body$"
    )
    bind.exec_driver_sql(f"DROP FUNCTION {REFRESH}({was})")
