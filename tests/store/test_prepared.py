"""store/prepared.py runs compiled SQL straight on the driver: its rows must be SQLAlchemy's.

It converts values with SQLAlchemy's public type API (``dialect_impl(dialect)`` then
``bind_processor`` / ``result_processor``); these tests fail if that stops matching what
SQLAlchemy itself sends and returns, on either backend.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.store import schema
from deskterm.store.prepared import StatementCache


def _statement():  # type: ignore[no-untyped-def]
    t = schema.tickets
    return (
        select(*t.c)
        .where(t.c.created_at <= bindparam("k0", None, type_=t.c.created_at.type))
        .where(t.c.id >= bindparam("k1", None, type_=t.c.id.type))
        .order_by(t.c.id)
    )


def test_rows_are_the_rows_sqlalchemy_returns_for_every_column(desk: Desk) -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    for n in range(4):
        at = Desk(desk.store, desk.handle, clock=lambda n=n: start + timedelta(hours=n))
        tickets.create(
            at,
            subject=f"Ticket {n} ☃",
            requester=f"r{n}@acme.example",
            priority=("low", "normal", "high", "urgent")[n],
            tags=["a", "b"][: n % 3],
            assignee="bob" if n % 2 else None,
        )
    # The boundary is exactly the third ticket's time: only a correctly converted
    # datetime parameter includes it (and excludes the fourth).
    values = {"k0": start + timedelta(hours=2), "k1": 1}

    with desk.store.read() as conn:
        ours = StatementCache().rows(conn, "all-columns", _statement, values)
        theirs = [tuple(row) for row in conn.execute(_statement(), values)]

    assert ours == theirs
    assert len(ours) == 3
    created = [row[list(schema.tickets.c.keys()).index("created_at")] for row in ours]
    assert created == [start + timedelta(hours=n) for n in range(3)]
    assert all(value.tzinfo is not None and value.utcoffset() == timedelta(0) for value in created)


def test_a_cached_statement_converts_new_values_the_same_way(desk: Desk) -> None:
    start = datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=UTC)
    for n in range(3):
        at = Desk(desk.store, desk.handle, clock=lambda n=n: start + timedelta(minutes=n))
        tickets.create(at, subject=f"Ticket {n}")
    cache = StatementCache()

    with desk.store.read() as conn:
        for minutes in (2, 1, 0):
            values = {"k0": start + timedelta(minutes=minutes), "k1": 1}
            ours = cache.rows(conn, "same-key", _statement, values)
            assert ours == [tuple(row) for row in conn.execute(_statement(), values)]
            assert len(ours) == minutes + 1
