"""``is:breached``, ``due:<4h``, ``sort:due`` and take-next read ``sla_due`` (docs/sla.md
"What is stored on the ticket"), and on a big desk each is an index walk, not a scan.

The stored columns are set with plain SQL here: computing them is the workflow's part.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.store import schema

T = schema.tickets
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(desk: Desk) -> Desk:
    return Desk(desk.store, desk.handle, clock=lambda: NOW)


def set_columns(desk: Desk, ticket_id: int, **values: Any) -> None:
    with desk.store.write() as conn:
        conn.execute(update(T).where(T.c.id == ticket_id).values(**values))


@pytest.fixture
def clocks(desk: Desk) -> tuple[Desk, dict[str, int]]:
    """Five unsolved tickets: breached an hour ago, due in 2 h, due in 2 days, paused (its
    resolution due long past, but the clock stopped: sla_due NULL) and without any clock."""
    d = at(desk)
    ids: dict[str, int] = {}
    for name in ("late", "soon", "later", "paused", "none"):
        ids[name] = tickets.create(d, subject=f"Ticket {name}").id
    set_columns(d, ids["late"], sla_due=NOW - timedelta(hours=1))
    set_columns(d, ids["soon"], sla_due=NOW + timedelta(hours=2))
    set_columns(d, ids["later"], sla_due=NOW + timedelta(days=2))
    set_columns(
        d,
        ids["paused"],
        status="pending",
        resolution_due=NOW - timedelta(days=3),
        sla_paused_at=NOW - timedelta(days=4),
    )
    return d, ids


def names(ids: dict[str, int], found: Any) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[t.id] for t in found]


def test_breached_is_a_running_clock_whose_due_has_passed(clocks) -> None:
    desk, ids = clocks
    assert names(ids, ticket_read.list_page(desk, "is:breached").items) == ["late"]
    # A paused ticket is not breached, whatever its stored resolution due says.
    assert names(ids, ticket_read.list_page(desk, "-is:breached status:pending").items) == [
        "paused"
    ]


def test_due_within_counts_overdue_and_soon_and_never_a_ticket_without_a_running_clock(
    clocks,
) -> None:
    desk, ids = clocks
    found = ticket_read.list_page(desk, "due:<4h", sort="due").items
    assert names(ids, found) == ["late", "soon"]
    assert set(names(ids, ticket_read.list_page(desk, "-due:<4h").items)) == {
        "later",
        "paused",
        "none",
    }


def test_sort_by_due_puts_the_earliest_first_and_tickets_without_a_clock_last(clocks) -> None:
    desk, ids = clocks
    order = names(ids, ticket_read.list_page(desk, "is:unsolved", sort="due").items)
    assert order[:3] == ["late", "soon", "later"]
    assert set(order[3:]) == {"paused", "none"}
    ticket = ticket_read.list_page(desk, "is:breached").items[0]
    assert ticket.sla_due == NOW - timedelta(hours=1)


def test_take_hands_out_the_earliest_sla_due_first_and_clockless_tickets_last(clocks) -> None:
    desk, ids = clocks
    taken = [tickets.take(desk).id for _ in range(3)]
    assert taken == [ids["late"], ids["soon"], ids["later"]]


# ------------------------------------------------------------------------------ plans


def statements(desk: Desk, run: Any) -> list[str]:
    seen: list[str] = []

    def trace(dbapi: sqlite3.Connection, record: object) -> None:
        dbapi.set_trace_callback(seen.append)

    engine = desk.store.engine
    engine.dispose()
    event.listen(engine, "connect", trace)
    try:
        run()
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    return [sql for sql in seen if "LIMIT" in sql and "sla_due" in sql]


def sqlite_plan(desk: Desk, sql: str) -> list[str]:
    path = desk.store.sqlite_path
    assert path is not None
    raw = sqlite3.connect(path)
    try:
        return [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql)]
    finally:
        raw.close()


@pytest.mark.parametrize(
    ("query", "sort", "index"),
    [
        ("is:breached", None, "ix_tickets_sla_due"),
        ("is:breached", "due", "ix_tickets_sla_due"),
        ("is:breached priority:>=high", None, "ix_tickets_sla_due"),
        # On a big desk an equality walk (every open ticket, or a queue's, or an agent's) reads
        # far more rows than the few breached ones: the planner is told so.
        ("is:breached status:open", None, "ix_tickets_unsolved_sla_due"),
        ('is:breached queue:"Network L2"', None, "ix_tickets_sla_due"),
        ("is:breached assignee:bob", None, "ix_tickets_sla_due"),
        ("due:<4h status:open", None, "ix_tickets_unsolved_sla_due"),
        ("due:<4h", "due", "ix_tickets_sla_due"),
        ("due:<4h is:unsolved", None, "ix_tickets_unsolved_sla_due"),
        ("is:unsolved", "due", "ix_tickets_unsolved_sla_due"),
        ("", "due", "ix_tickets_sla_due"),
    ],
)
def test_sqlite_plans_due_queries_on_the_sla_due_indexes(
    sqlite_desk: Desk, query: str, sort: str | None, index: str
) -> None:
    for n in range(4):
        tickets.create(sqlite_desk, subject=f"Printer {n}")
    found = statements(sqlite_desk, lambda: ticket_read.list_page(sqlite_desk, query, sort=sort))
    assert found, "no list statement reads sla_due"
    for sql in found:
        plan = sqlite_plan(sqlite_desk, sql)
        assert any(index in step for step in plan), (query, plan)
        if sort == "due":
            assert not any("TEMP B-TREE" in step for step in plan), (query, plan)


def test_sqlite_take_reads_the_backlog_through_the_sla_due_index(sqlite_desk: Desk) -> None:
    tickets.create(sqlite_desk, subject="Printer")
    found = statements(sqlite_desk, lambda: tickets.take(sqlite_desk))
    assert found
    plan = sqlite_plan(sqlite_desk, found[0])
    assert any("ix_tickets_unsolved_sla_due" in step for step in plan), plan


#: A desk of 20,000 tickets, 800 of them unsolved, 20 with running clocks of which 9 are
#: breached: what PostgreSQL's statistics see after ANALYZE.
BIG_DESK = """
INSERT INTO tickets (subject, type, status, priority, queue_id, channel, created_at,
                     updated_at, sla_due)
SELECT 'Ticket ' || n, 'incident',
       CASE WHEN mod(n, 25) = 0 THEN 'open' ELSE 'closed' END,
       mod(n, 4), (SELECT min(id) FROM queues), 'email',
       now() - n * interval '1 minute', now() - n * interval '1 minute',
       CASE WHEN mod(n, 1000) = 0 THEN now() + (n / 1000 - 10) * interval '1 hour' END
FROM generate_series(1, 20000) AS n
"""


@pytest.mark.slow  # ANALYZE changes pg_class in place: the test database is cloned again
@pytest.mark.parametrize("backend", ["postgres"])
def test_postgresql_answers_due_queries_from_the_sla_due_indexes(desk: Desk) -> None:
    """The list's select on a desk PostgreSQL has measured reads the few tickets with a due
    time through an sla_due index, not every open one in update order. (The rows and the
    statistics are in one transaction, rolled back.)"""
    from deskterm.domain.query import parse
    from deskterm.domain.query.sql import where_clause
    from deskterm.store import search

    plans: dict[str, list[str]] = {}
    with desk.store.engine.connect() as conn:
        trans = conn.begin()
        try:
            search.suspend_ticket_index(conn)
            conn.exec_driver_sql(BIG_DESK)
            conn.exec_driver_sql("ANALYZE tickets")
            for query in QUERIES:
                stmt = (
                    ticket_read.ticket_select(conn.dialect.name)
                    .where(where_clause(desk, conn, parse(query)))
                    .order_by(T.c.updated_at.desc(), T.c.id.desc())
                    .limit(50)
                )
                compiled = stmt.compile(
                    dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
                )
                explained = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
                plans[query] = [row[0] for row in explained]
        finally:
            trans.rollback()
    for query, plan in plans.items():
        assert any("ix_tickets_" in line and "sla_due" in line for line in plan), (query, plan)


QUERIES = ["is:breached", "due:<4h", "is:breached status:open", 'is:breached queue:"Service Desk"']
