"""The summary report, computed in the database with aggregates (no ticket is loaded into
Python), written once: its SQL as plain text for either backend and the arithmetic around
it, run by ``period.summary`` (through SQLAlchemy) and by the light reader
(``tickets.LightDesk``, plain ``sqlite3``: ``deskterm report`` before SQLAlchemy is
imported). No database library is imported here.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskterm.domain.query import TIME_FORMS, TimeValueError, parse_time
from deskterm.domain.vocab import PRIORITIES, STATUSES
from deskterm.errors import InvalidInput
from deskterm.store.light import sqlite_datetime

if TYPE_CHECKING:
    from deskterm.domain.tickets import LightDesk

#: Runs one statement with named parameters and returns its rows.
Run = Callable[[str, Mapping[str, object]], list[Any]]


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


def _seconds(dialect: str, end: str, start: str) -> str:
    if dialect == "sqlite":
        return f"(julianday({end}) - julianday({start})) * 86400.0"
    return f"extract(epoch from {end} - {start})"


def _within(column: str, since: datetime | None, until: datetime | None) -> str:
    clauses = []
    if since is not None:
        clauses.append(f"{column} >= :since")
    if until is not None:
        clauses.append(f"{column} < :until")
    return "".join(f" AND {clause}" for clause in clauses)


def compute(
    run: Run,
    dialect: str,
    *,
    since: datetime | None,
    until: datetime | None,
    hidden: frozenset[int] = frozenset(),
) -> Summary:
    """The summary for ``[since, until)``; ``hidden``: confidential queues the agent is not
    in, whose tickets count as not there. InvalidInput if since >= until."""
    if since is not None and until is not None and since >= until:
        raise InvalidInput("the period must start before it ends", field="since")
    values: dict[str, object] = {}
    for name, bound in (("since", since), ("until", until)):
        if bound is not None:
            values[name] = sqlite_datetime(bound) if dialect == "sqlite" else bound
    # Literal ids, as the query compiler's ``visible``.
    seen = f"t.queue_id NOT IN ({', '.join(map(str, sorted(hidden)))})" if hidden else "1 = 1"
    created_in = seen + _within("t.created_at", since, until)
    solved_in = f"{seen} AND t.solved_at IS NOT NULL" + _within("t.solved_at", since, until)

    def count(where: str) -> int:
        return int(run(f"SELECT count(*) FROM tickets t WHERE {where}", values)[0][0])

    def counts(column: str, join: str = "") -> dict[Any, int]:
        sql = f"SELECT {column}, count(*) FROM tickets t{join} WHERE {created_in} GROUP BY {column}"
        return {key: int(n) for key, n in run(sql, values)}

    def median(end: str, where: str) -> float | None:
        n = count(where)
        if n == 0:
            return None
        duration = _seconds(dialect, end, "t.created_at")
        sql = (
            f"SELECT {duration} AS d FROM tickets t WHERE {where} "
            f"ORDER BY {duration} LIMIT :limit OFFSET :offset"
        )
        rows = run(sql, {**values, "limit": 1 if n % 2 else 2, "offset": (n - 1) // 2})
        found = [float(row[0]) for row in rows]
        return round(sum(found) / len(found), 3)

    statuses = counts("t.status")
    priorities = counts("t.priority")
    queues = counts("q.name", " JOIN queues q ON q.id = t.queue_id")
    return Summary(
        since=since,
        until=until,
        created=count(created_in),
        solved=count(solved_in),
        by_status={s: statuses.get(s, 0) for s in STATUSES},
        by_priority={p: priorities.get(rank, 0) for rank, p in enumerate(PRIORITIES)},
        by_queue=dict(sorted(queues.items())),
        median_first_response_seconds=median(
            "t.first_responded_at", f"{created_in} AND t.first_responded_at IS NOT NULL"
        ),
        median_resolution_seconds=median("t.solved_at", solved_in),
    )


def summary_light(reader: LightDesk, *, since: datetime | None, until: datetime | None) -> Summary:
    """What ``summary(desk, since=..., until=...)`` gives, read by the light reader (which
    leaves out the tickets of the queues hidden from the acting agent, as the ordinary
    path does)."""
    return compute(reader.rows, reader.dialect, since=since, until=until, hidden=reader.hidden)
