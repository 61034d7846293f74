"""Change notifications on PostgreSQL (docs/live.md): triggers send ``NOTIFY deskterm_changes``
inside the writing transaction, carrying ids only.

- after each statement that adds audit events: ``e:<newest audit id>:<ticket ids>`` (only
  ``e:<id>:`` when the ids would not fit in a notification);
- after a presence row is added or removed, or its activity changes (not on every heartbeat):
  ``p:<ticket id>``.

Every change to a ticket goes through the audit log, whichever path made it (console, CLI,
batch, mail, rules, SLA tick), so one trigger there wakes every listener. SQLite has no
notifications: its listeners look at ``PRAGMA data_version`` (store/notify.py); nothing to do.

Revision ID: 0018_notify
Revises: 0017_identity
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0018_notify"
down_revision = "0017_identity"
branch_labels = None
depends_on = None

CHANGES = """
CREATE OR REPLACE FUNCTION deskterm_notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    newest bigint;
    ids text;
BEGIN
    SELECT max(id), string_agg(DISTINCT ticket_id::text, ',') INTO newest, ids FROM added;
    IF newest IS NULL THEN
        RETURN NULL;
    END IF;
    IF length(ids) > 7000 THEN
        ids := '';
    END IF;
    PERFORM pg_notify('deskterm_changes', 'e:' || newest::text || ':' || ids);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION deskterm_notify_changes();
"""

PRESENCE = """
CREATE OR REPLACE FUNCTION deskterm_notify_presence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('deskterm_changes', 'p:' || OLD.ticket_id::text);
    ELSE
        PERFORM pg_notify('deskterm_changes', 'p:' || NEW.ticket_id::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER presence_notify AFTER INSERT OR DELETE ON presence
    FOR EACH ROW EXECUTE FUNCTION deskterm_notify_presence();
CREATE TRIGGER presence_activity_notify AFTER UPDATE ON presence
    FOR EACH ROW WHEN (OLD.activity IS DISTINCT FROM NEW.activity)
    EXECUTE FUNCTION deskterm_notify_presence();
"""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(CHANGES)
    op.execute(PRESENCE)


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS presence_activity_notify ON presence")
    op.execute("DROP TRIGGER IF EXISTS presence_notify ON presence")
    op.execute("DROP FUNCTION IF EXISTS deskterm_notify_presence()")
    op.execute("DROP TRIGGER IF EXISTS audit_events_notify ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS deskterm_notify_changes()")
