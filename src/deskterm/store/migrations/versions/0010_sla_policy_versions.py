"""Every version of each SLA policy, so that ``ticket sla ID`` explains old clocks by the
targets and calendar they ran under (docs/sla.md "Policy versions").

``sla_policy_versions`` holds what the clocks read of a policy (targets, calendar, pausing
statuses, warning share) for each of its versions, from the moment it took effect
(``valid_from``). Add and edit write a row in the same transaction as the policy. A policy
that exists before this revision gets one row, its current version, valid from its creation:
its earlier versions were never kept.

Revision ID: 0010_sla_policy_versions
Revises: 0009_sla_escalation
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_sla_policy_versions"
down_revision = "0009_sla_escalation"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sla_policy_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("policy_id", ID, nullable=False),
        sa.Column("version", ID, nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("pause_statuses", sa.String(length=100), nullable=False),
        sa.Column("warning_percent", sa.SmallInteger(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_sla_policy_versions_policy_id_sla_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy_versions")),
        sa.UniqueConstraint(
            "policy_id", "version", name=op.f("uq_sla_policy_versions_policy_id_version")
        ),
    )
    op.execute(
        "INSERT INTO sla_policy_versions "
        "(policy_id, version, calendar, targets, pause_statuses, warning_percent, valid_from) "
        "SELECT id, version, calendar, targets, pause_statuses, warning_percent, created_at "
        "FROM sla_policies ORDER BY id"
    )


def downgrade() -> None:
    op.drop_table("sla_policy_versions")
