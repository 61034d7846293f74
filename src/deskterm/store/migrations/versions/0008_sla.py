"""SLA policies, a queue's default policy, and the clocks' results stored on each ticket.

``sla_policies`` holds the policies (docs/sla.md "What a policy is"): what each applies to
(queue, type, organization, each optional), its targets and business calendar as JSON text,
the statuses that pause its clocks and its warning share. ``queues.default_sla_policy_id``
names the policy a queue's tickets fall back on. The ticket gains the columns the workflow
writes on every change that can move a clock (docs/sla.md "What is stored on the ticket"),
so that ``is:breached``, ``due:<4h``, ``sort:due`` and take-next read one column, ``sla_due``.

Indexes: ``sla_due`` replaces ``resolution_due`` as the column lists and take-next order by,
so its two indexes are replaced too: ``ix_tickets_sla_due`` (every ticket: ``sort:due`` over
the whole desk, and the ranges of ``is:breached`` and ``due:<4h``) and the partial covering
``ix_tickets_unsolved_sla_due`` (the backlog sorted by due, as 0004's other sorts). On SQLite
both get planner statistics of a large desk (see 0005): a million tickets, of which 20,000
unsolved, and few running clocks per due time.

Revision ID: 0008_sla
Revises: 0007_queue_members
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_sla"
down_revision = "0007_queue_members"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)
PREDICATE = "status IN ('new', 'open', 'pending', 'on_hold')"
COVERED = ["id", "status", "priority", "queue_id", "assignee_id"]

#: The ticket's new columns, in order (name, type, server default).
TICKET_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any], str | None], ...] = (
    ("next_response_due", TIME, None),
    ("next_response_started_at", TIME, None),
    ("sla_paused_at", TIME, None),
    ("sla_paused_seconds", ID, "0"),
    ("next_response_paused_seconds", ID, "0"),
    ("sla_due", TIME, None),
    ("sla_warn_at", TIME, None),
)
#: (index, stat) as 0005 installs them: rows in the index, then rows per distinct prefix.
STATISTICS: tuple[tuple[str, str], ...] = (
    ("ix_tickets_sla_due", "1000000 50000 1"),
    ("ix_tickets_unsolved_sla_due", "20000 2 1 1 1 1 1"),
)
#: What 0005 installed for the indexes this revision drops (put back on downgrade).
DROPPED_STATISTICS: tuple[tuple[str, str], ...] = (
    ("ix_tickets_resolution_due", "1000000 1 1"),
    ("ix_tickets_unsolved_due", "20000 1 1 1 1 1 1"),
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "sla_policies",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("queue_id", ID, nullable=True),
        sa.Column("type", sa.String(length=20), nullable=True),
        sa.Column("organization_id", ID, nullable=True),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column(
            "pause_statuses", sa.String(length=100), server_default="pending", nullable=False
        ),
        sa.Column("warning_percent", sa.SmallInteger(), server_default="80", nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("version", ID, server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_sla_policies_queue_id_queues")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sla_policies_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_policies_name")),
    )
    _add_reference("queues", "default_sla_policy_id", sqlite)
    _add_reference("tickets", "sla_policy_id", sqlite)
    for name, type_, default in TICKET_COLUMNS:
        op.add_column(
            "tickets", sa.Column(name, type_, nullable=default is None, server_default=default)
        )
    op.drop_index("ix_tickets_unsolved_due", table_name="tickets")
    op.drop_index("ix_tickets_resolution_due", table_name="tickets")
    op.create_index("ix_tickets_sla_due", "tickets", ["sla_due", "id"])
    op.create_index(
        "ix_tickets_unsolved_sla_due",
        "tickets",
        ["sla_due", *COVERED],
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )
    if sqlite:
        _statistics(bind, remove=DROPPED_STATISTICS, add=STATISTICS)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.drop_index("ix_tickets_unsolved_sla_due", table_name="tickets")
    op.drop_index("ix_tickets_sla_due", table_name="tickets")
    op.create_index("ix_tickets_resolution_due", "tickets", ["resolution_due", "id"])
    op.create_index(
        "ix_tickets_unsolved_due",
        "tickets",
        ["resolution_due", *COVERED],
        sqlite_where=sa.text(PREDICATE),
        postgresql_where=sa.text(PREDICATE),
    )
    for name, _type, _default in reversed(TICKET_COLUMNS):
        op.drop_column("tickets", name)
    _drop_reference("tickets", "sla_policy_id", sqlite)
    _drop_reference("queues", "default_sla_policy_id", sqlite)
    op.drop_table("sla_policies")
    if sqlite:
        _statistics(bind, remove=STATISTICS, add=DROPPED_STATISTICS)


def _fk_name(table: str, column: str) -> str:
    return f"fk_{table}_{column}_sla_policies"


def _add_reference(table: str, column: str, sqlite: bool) -> None:
    """A nullable column referencing ``sla_policies``. SQLite cannot add a constraint to a
    table, but can add a column that carries one (a batch copy of a million tickets and
    their search triggers would be the alternative)."""
    if sqlite:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {_fk_name(table, column)} REFERENCES sla_policies (id)"
        )
        return
    op.add_column(table, sa.Column(column, ID, nullable=True))
    op.create_foreign_key(_fk_name(table, column), table, "sla_policies", [column], ["id"])


def _drop_reference(table: str, column: str, sqlite: bool) -> None:
    if sqlite:
        # SQLite (3.35+) drops a column whose own clause holds the reference.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    op.drop_constraint(_fk_name(table, column), table, type_="foreignkey")
    op.drop_column(table, column)


def _statistics(
    bind: sa.engine.Connection,
    *,
    remove: tuple[tuple[str, str], ...],
    add: tuple[tuple[str, str], ...],
) -> None:
    bind.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1 if it is not there
    for index, _stat in (*remove, *add):
        bind.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'tickets' AND idx = ?", (index,))
    for index, stat in add:
        bind.exec_driver_sql(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tickets', ?, ?)", (index, stat)
        )
    bind.exec_driver_sql("ANALYZE sqlite_schema")  # load them into this connection
