"""The light writer's SQL is SQLAlchemy's, and it plans with the one workflow.

``tickets/write_sql.py`` keeps, as text, the statements ``write`` and ``desk`` build with
SQLAlchemy Core; here they are compiled again for SQLite and compared, so that a change to
the schema or to a statement fails here instead of making the two writers differ. (What both
writers leave on a desk is compared in ``tests/cli/test_light_write.py``.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

from deskterm.domain.tickets import write, write_sql
from deskterm.domain.tickets.clocks import UNREAD, PoliciesNotRead
from deskterm.domain.tickets.plan import Current, Names, NewMessage, Request, plan
from deskterm.domain.tickets.versioned import store
from deskterm.store.schema import UTCDateTime

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
#: The values ``versioned.store`` binds to each insert, in its order.
MESSAGE_KEYS = [
    "ticket_id",
    "kind",
    "author_agent_id",
    "author_contact_id",
    "body",
    "created_at",
    "automatic",
]
AUDIT_KEYS = ["ticket_id", "actor_id", "field", "old_value", "new_value", "version", "at"]
TIME_KEYS = ["ticket_id", "agent_id", "seconds", "at", "message_id"]


def _compiled(stmt: Any, keys: list[str] | None = None) -> str:
    dialect = sqlite.dialect(paramstyle="named")
    return str(
        stmt.compile(dialect=dialect, column_keys=keys, compile_kwargs={"render_postcompile": True})
    )


def test_the_kept_statements_are_what_sqlalchemy_compiles() -> None:
    assert _compiled(write.read_statement([1])) == write_sql.READ
    assert _compiled(write.tags_statement([1])) == write_sql.TAGS
    assert _compiled(write.QUEUE_NAMES) == write_sql.QUEUE_NAMES
    assert _compiled(write.AGENT_HANDLES) == write_sql.AGENT_HANDLES
    assert _compiled(write.MESSAGE, MESSAGE_KEYS) == write_sql.MESSAGE
    assert {
        "audit_events": _compiled(write.INSERTS["audit_events"], AUDIT_KEYS),
        "time_entries": _compiled(write.INSERTS["time_entries"], TIME_KEYS),
    } == write_sql.INSERTS
    for columns, text in write_sql.UPDATES.items():
        assert text == _compiled(write.update_statement(columns, NOW))


def test_the_read_s_time_columns_are_the_utc_datetime_ones() -> None:
    selected = write.read_statement([1]).selected_columns
    times = tuple(c.name for c in selected if isinstance(c.type, UTCDateTime))
    assert times == write_sql.READ_TIMES


class _Recorder:
    """A ``versioned.Writer`` that keeps what it is asked to write."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def message(self, values: dict[str, Any]) -> int:
        self.calls.append(("message", values))
        return 77

    def update(self, columns: tuple[str, ...], params: list[dict[str, Any]], now: datetime) -> None:
        self.calls.append(("update", (columns, params)))

    def insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.calls.append((table, rows))

    def move_tags(self, tags_in: Any, tags_out: Any) -> None:
        self.calls.append(("tags", (tags_in, tags_out)))

    def rate(self, ticket_id: int, rating: Any, values: Any) -> None:
        self.calls.append(("rate", values))

    def enqueue(self, items: Any, now: datetime) -> None:
        self.calls.append(("mail", items))

    def queue_name(self, queue_id: int) -> str:
        return f"Q{queue_id}"


def _current(**kw: Any) -> Current:
    values: dict[str, Any] = dict(
        id=5,
        status="open",
        priority=1,
        type="incident",
        subject="VPN",
        queue_id=1,
        assignee_id=None,
        first_responded_at=None,
        solved_at=None,
        merged_into_id=None,
        problem_id=None,
        version=3,
        created_at=NOW,
    )
    return Current(**(values | kw))


def test_a_note_plans_without_the_sla_policies() -> None:
    """An internal note moves no clock, so the light writer's unread policies are never
    asked for: the plan, and what it writes, are the ordinary ones."""
    names = Names({1: "Service Desk"}, {2: "alice"}, policies=UNREAD)
    request = Request(message=NewMessage("note", "Looked at it", 2), time_spent=900)
    planned = plan(_current(), request, NOW, names)
    recorder = _Recorder()
    written = store(recorder, [planned], actor_id=2, now=NOW)
    assert [name for name, _ in recorder.calls] == [
        "message",
        "update",
        "audit_events",
        "time_entries",
    ]
    assert recorder.calls[1][1] == ((), [{"b_id": 5, "b_seen": 3, "b_new": 4}])
    assert [(c.field, c.new) for c in written[5]] == [("note", "77"), ("time", "15m")]


@pytest.mark.parametrize(
    "request_",
    [
        Request(status="pending"),
        Request(message=NewMessage("reply", "Try again", 2)),
        Request(priority="urgent"),
    ],
)
def test_a_change_the_clocks_hear_of_asks_for_the_policies(request_: Request) -> None:
    names = Names({1: "Service Desk"}, {2: "alice"}, policies=UNREAD)
    with pytest.raises(PoliciesNotRead):
        plan(_current(), request_, NOW, names)


def test_a_reply_s_statements_are_what_sqlalchemy_compiles() -> None:
    """The light writer of ``ticket reply``: every UPDATE a reply's plan may need (each set
    of ``REPLY_COLUMNS``, in the table's column order as SQLAlchemy sets them), the SLA
    policies as ``load_policies`` reads them, and the outbox's statements."""
    from itertools import combinations

    from deskterm.domain.sla.policies import book_statements
    from deskterm.domain.tickets import outbox
    from deskterm.store import schema

    assert tuple(c.name for c in schema.tickets.columns) == write_sql.TICKET_COLUMNS
    columns = sorted(write_sql.REPLY_COLUMNS)
    for size in range(len(columns) + 1):
        for chosen in combinations(columns, size):
            assert write_sql.update_sql(chosen) == _compiled(write.update_statement(chosen, NOW))
    assert write_sql.update_sql(()) == write_sql.UPDATES[()]
    assert write_sql.update_sql(("status", "priority")) is None
    assert write_sql.update_sql(("queue_id",)) is None
    policies, defaults = book_statements()
    assert (_compiled(policies), _compiled(defaults)) == (
        write_sql.POLICIES,
        write_sql.QUEUE_POLICIES,
    )
    times = tuple(c.name for c in policies.selected_columns if isinstance(c.type, UTCDateTime))
    assert times == write_sql.POLICY_TIMES
    assert _compiled(outbox.recipients_statement([5])) == write_sql.RECIPIENTS
    item = outbox.Outgoing(5, outbox.REPLY, 77)
    keys = list(outbox.outbox_rows([item], {5: "ann@example.com"}, NOW)[0])
    assert _compiled(insert(schema.mail_outbox), keys) == write_sql.OUTBOX
