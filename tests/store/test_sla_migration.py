"""Migrations 0008_sla and 0009_sla_escalation: up keeps every ticket (without clocks), down
gives back 0007's shape (the resolution_due indexes and their SQLite statistics included),
on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import inspect, text
from test_migrations import alembic_config, fill_old_database

from deskterm.domain import sla, tickets
from deskterm.domain.setup import open_desk
from deskterm.store import migrate
from deskterm.store.engine import Store, make_engine
from deskterm.store.migrate import SchemaStatus

BEFORE = "0007_queue_members"
SLA_COLUMNS = {
    "sla_policy_id",
    "next_response_due",
    "next_response_started_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "next_response_paused_seconds",
    "sla_due",
    "sla_warn_at",
}
#: What 0009_sla_escalation adds on top (the upgrade goes to head; the downgrade passes it).
ESCALATION_COLUMNS = {"sla_escalated_due"}
THEN = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def _shape(store: Store) -> dict[str, Any]:
    with store.read() as conn:
        found = inspect(conn)
        tables = set(found.get_table_names())
        stats: list[tuple[str, str]] = []
        if conn.dialect.name == "sqlite":
            stats = [
                (row[0], row[1])
                for row in conn.execute(
                    text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'tickets' ORDER BY idx")
                )
            ]
        return {
            "tables": tables,
            "ticket_columns": {c["name"] for c in found.get_columns("tickets")},
            "queue_columns": {c["name"] for c in found.get_columns("queues")},
            "ticket_indexes": {i["name"] for i in found.get_indexes("tickets")},
            "stats": stats,
        }


def test_upgrade_adds_policies_and_clock_columns_and_downgrade_restores_0007(
    empty_url: str,
) -> None:
    store = Store(make_engine(empty_url), empty_url)
    try:
        with store.write() as conn:
            command.upgrade(alembic_config(conn), BEFORE)
        ids = fill_old_database(store)
        before = _shape(store)

        migrate.upgrade(store)
        after = _shape(store)
        assert "sla_policies" in after["tables"]
        added = SLA_COLUMNS | ESCALATION_COLUMNS
        assert after["ticket_columns"] == before["ticket_columns"] | added
        assert after["queue_columns"] == before["queue_columns"] | {
            "default_sla_policy_id",
            "auto_reply",
            "confidential",
        }
        indexes = after["ticket_indexes"]
        assert {"ix_tickets_sla_due", "ix_tickets_unsolved_sla_due"} <= indexes
        assert not {"ix_tickets_resolution_due", "ix_tickets_unsolved_due"} & indexes
        if store.is_sqlite:
            stats = dict(after["stats"])
            assert stats["ix_tickets_sla_due"] == "1000000 50000 1"
            assert stats["ix_tickets_unsolved_sla_due"] == "20000 2 1 1 1 1 1"
            assert "ix_tickets_unsolved_due" not in stats
    finally:
        store.dispose()

    desk = open_desk(empty_url, "alice")
    try:
        old = tickets.get(desk, ids["mailbox"])
        assert (old.sla_due, old.next_response_due, old.sla_state) == (None, None, "none")
        sla.add_policy(desk, "Standard", sla.PolicyChanges(targets={"low": {"resolution": 60}}))
        sla.set_queue_policy(desk, "Service Desk", "Standard")
        with desk.store.write() as conn:
            conn.execute(text("UPDATE tickets SET sla_policy_id = 1, sla_due = :t"), {"t": THEN})
    finally:
        desk.close()

    store = Store(make_engine(empty_url), empty_url)
    try:
        with store.write() as conn:
            command.downgrade(alembic_config(conn), BEFORE)
        assert _shape(store) == before
        assert migrate.state(store).status is SchemaStatus.BEHIND
        migrate.upgrade(store)  # and up again, over a database that had been down
        assert _shape(store) == after
    finally:
        store.dispose()
