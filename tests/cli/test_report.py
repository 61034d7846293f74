"""``deskterm report summary``: counts and medians from SQL aggregates, for a period."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import Result

from deskterm.domain import reports, tickets
from deskterm.domain.desk import Desk
from deskterm.errors import InvalidInput

Invoke = Callable[..., Result]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _history(desk: Desk) -> Desk:
    """Three tickets on 2 March: answered after 1h, 3h, 2h; the first two solved after 3h, 5h."""
    clock = Clock()
    timed = Desk(desk.store, "alice", clock=clock)
    plan = [(1, 3, "high"), (3, 5, "normal"), (2, None, "normal")]
    for n, (answer, solve, priority) in enumerate(plan):
        clock.now = T0 + timedelta(minutes=n)
        ticket = tickets.create(timed, subject=f"t{n}", priority=priority)
        clock.now = ticket.created_at + timedelta(hours=answer)
        tickets.reply(timed, ticket.id, "on it")
        if solve is not None:
            clock.now = ticket.created_at + timedelta(hours=solve)
            tickets.update(timed, ticket.id, tickets.Changes(status="solved"))
    clock.now = T0 + timedelta(days=10)
    tickets.create(timed, subject="later", queue="Network L2")
    return timed


def test_summary_counts_and_medians(desk: Desk) -> None:
    timed = _history(desk)
    day = reports.summary(timed, since=T0, until=T0 + timedelta(days=1))
    assert (day.created, day.solved) == (3, 2)
    assert day.by_status == {
        "new": 0,
        "open": 1,
        "pending": 0,
        "on_hold": 0,
        "solved": 2,
        "closed": 0,
    }
    assert day.by_priority == {"low": 0, "normal": 2, "high": 1, "urgent": 0}
    assert day.by_queue == {"Service Desk": 3}
    assert day.median_first_response_seconds == 7200
    assert day.median_resolution_seconds == 4 * 3600

    everything = reports.summary(timed)
    assert everything.created == 4
    assert everything.by_queue == {"Network L2": 1, "Service Desk": 3}
    assert everything.median_first_response_seconds == 7200

    empty = reports.summary(timed, since=T0 + timedelta(days=20))
    assert (empty.created, empty.median_resolution_seconds) == (0, None)
    with pytest.raises(InvalidInput):
        reports.summary(timed, since=T0, until=T0)


def test_bounds_accept_dates_times_and_relative_values() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert reports.parse_bound("7d", now=now, end=False, what="--since") == now - timedelta(days=7)
    until = reports.parse_bound("2026-03-02T00:00Z", now=now, end=True, what="--until")
    assert until == datetime(2026, 3, 2, 0, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput, match='--since "yesterday"'):
        reports.parse_bound("yesterday", now=now, end=False, what="--since")


def test_report_command(invoke: Invoke, desk: Desk, backend_url: str) -> None:
    _history(desk)
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    result = invoke(
        "report",
        "summary",
        "--since",
        "2026-03-02T00:00Z",
        "--until",
        "2026-03-03T00:00Z",
        "--format",
        "json",
        env=env,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["created"] == 3
    assert data["since"] == "2026-03-02T00:00:00Z"
    assert data["median_resolution_seconds"] == 14400
    table = invoke("report", "--format", "table", env=env)
    assert table.exit_code == 0, table.output
    assert "Median first response: 2h" in table.stdout
    assert "Service Desk" in table.stdout
    bad = invoke("report", "volume", env=env)
    assert bad.exit_code != 0
