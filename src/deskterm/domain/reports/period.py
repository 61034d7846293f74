"""Reports, computed in the database with aggregates (no ticket is loaded into Python).

``summary``: for a period ``[since, until)`` (open-ended when either is missing):

* the counts by status, priority and queue cover the tickets CREATED in the
  period (all tickets when no period is given), as they stand now;
* ``created`` and ``solved`` count tickets created / solved (``solved_at``) in the period;
* the medians are in seconds: first response (``first_responded_at - created_at``) over
  tickets created in the period that were answered, and resolution (``solved_at -
  created_at``) over tickets solved in the period. None when there is nothing to measure.

A median is found by counting, then reading the middle row(s) of the durations in order
with LIMIT/OFFSET: the database sorts, Python receives at most two numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, func, select, true
from sqlalchemy.engine import Connection

from deskterm.domain.desk import Desk
from deskterm.domain.query import TIME_FORMS, TimeValueError, parse_time, visible
from deskterm.domain.vocab import PRIORITIES, STATUSES
from deskterm.errors import InvalidInput
from deskterm.store import schema

T = schema.tickets


@dataclass(frozen=True)
class Summary:
    since: datetime | None
    until: datetime | None
    created: int
    solved: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)
    by_queue: dict[str, int] = field(default_factory=dict)
    median_first_response_seconds: float | None = None
    median_resolution_seconds: float | None = None


def parse_bound(raw: str | None, *, now: datetime, end: bool, what: str) -> datetime | None:
    """``--since``/``--until``: a date, a date-time or a relative time (``7d``).

    A date given for ``--until`` includes that whole day.
    """
    if raw is None or not raw.strip():
        return None
    try:
        span = parse_time(raw.strip(), now=now, tz=None)
    except TimeValueError as exc:
        raise InvalidInput(f'{what} "{raw}" {exc}; use {TIME_FORMS}') from None
    return span.end if end else span.start


def _in(column: Any, since: datetime | None, until: datetime | None) -> ColumnElement[bool]:
    clauses = []
    if since is not None:
        clauses.append(column >= since)
    if until is not None:
        clauses.append(column < until)
    return and_(true(), *clauses)


def _seconds(conn: Connection, end: Any, start: Any) -> ColumnElement[Any]:
    if conn.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return extract("epoch", end - start)


def _median(
    conn: Connection, duration: ColumnElement[Any], where: ColumnElement[bool]
) -> float | None:
    n = int(conn.execute(select(func.count()).select_from(T).where(where)).scalar_one())
    if n == 0:
        return None
    stmt = (
        select(duration.label("d"))
        .select_from(T)
        .where(where)
        .order_by(duration)
        .offset((n - 1) // 2)
        .limit(1 if n % 2 else 2)
    )
    values = [float(v) for v in conn.execute(stmt).scalars()]
    return round(sum(values) / len(values), 3)


def _counts(
    conn: Connection, column: Any, where: ColumnElement[bool], join: Any = None
) -> dict[Any, int]:
    stmt = select(column, func.count()).select_from(T if join is None else join)
    stmt = stmt.where(where).group_by(column)
    return {key: int(n) for key, n in conn.execute(stmt)}


def summary(desk: Desk, *, since: datetime | None = None, until: datetime | None = None) -> Summary:
    """The plain summary report for ``[since, until)``; InvalidInput if since >= until."""
    if since is not None and until is not None and since >= until:
        raise InvalidInput("the period must start before it ends", field="since")
    with desk.store.read() as conn:
        hidden = desk.hidden_queues(conn)
        # Confidential queues the agent is not in count as not there.
        seen = visible(hidden) if hidden else true()
        created_in = and_(seen, _in(T.c.created_at, since, until))
        solved_in = and_(seen, T.c.solved_at.is_not(None), _in(T.c.solved_at, since, until))
        created = int(
            conn.execute(select(func.count()).select_from(T).where(created_in)).scalar_one()
        )
        solved = int(
            conn.execute(select(func.count()).select_from(T).where(solved_in)).scalar_one()
        )
        statuses = _counts(conn, T.c.status, created_in)
        priorities = _counts(conn, T.c.priority, created_in)
        q = schema.queues
        queues = _counts(conn, q.c.name, created_in, T.join(q, q.c.id == T.c.queue_id))
        first = _median(
            conn,
            _seconds(conn, T.c.first_responded_at, T.c.created_at),
            and_(created_in, T.c.first_responded_at.is_not(None)),
        )
        resolution = _median(conn, _seconds(conn, T.c.solved_at, T.c.created_at), solved_in)
    return Summary(
        since=since,
        until=until,
        created=created,
        solved=solved,
        by_status={s: statuses.get(s, 0) for s in STATUSES},
        by_priority={p: priorities.get(rank, 0) for rank, p in enumerate(PRIORITIES)},
        by_queue=dict(sorted(queues.items())),
        median_first_response_seconds=first,
        median_resolution_seconds=resolution,
    )
