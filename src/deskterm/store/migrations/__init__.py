"""Alembic migrations, shipped inside the package.

``REVISIONS`` lists every revision in order; ``deskterm.store.migrate`` compares a
database's revision with it without importing Alembic (which costs a third of a second on
every command). A test checks this list against Alembic's own view of ``versions/``.
"""

REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_search",
    "0003_unsolved_index",
    "0004_unsolved_sort_indexes",
    "0005_planner_statistics",
    "0006_bigint_ids",
    "0007_queue_members",
    "0008_sla",
    "0009_sla_escalation",
    "0010_sla_policy_versions",
    "0011_rules",
    "0012_macros",
    "0013_queue_auto_reply",
    "0014_mail",
    "0015_time_ratings",
    "0016_presence",
    "0017_identity",
    "0018_notify",
    "0019_attachments",
    "0020_faster_row_security",
    "0021_outbox",
    "0022_mail_templates",
    "0023_confidential_mail_and_rules",
    "0024_contact_email_index",
)
HEAD = REVISIONS[-1]
