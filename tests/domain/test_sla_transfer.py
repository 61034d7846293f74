"""SLA policies, a queue's default policy and the SLA columns of tickets survive export and
import exactly; import refuses a policy the command line would refuse; a backup made before
SLA policies existed (format 2) still imports, its tickets without clocks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from deskterm.domain import sla, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer
from deskterm.errors import InvalidInput
from deskterm.store import schema
from exports import as_version_2, edit, rows

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
Change = Callable[[dict[str, Any]], None]


def _policies(desk: Desk) -> None:
    """Two policies (one narrowed to a queue, a type and an organization), a queue whose
    default is the other, and a ticket whose clocks run under the narrow one."""
    with desk.store.write() as conn:
        conn.execute(insert(schema.organizations).values(name="Acme", created_at=NOW))
    sla.add_policy(
        desk,
        "Standard",
        sla.PolicyChanges(
            targets=sla.parse_targets(["normal=first:8h,resolve:40h", "urgent=first:30m"]),
            zone="Europe/Berlin",
            hours=sla.parse_hours(["mon-fri 09:00-12:00,13:00-17:00"]),
            holidays=["2026-12-25", "2026-12-24"],
            country="DE-BY",
        ),
    )
    narrow = sla.add_policy(
        desk,
        "Acme network incidents",
        sla.PolicyChanges(
            description="Contract 2026-7",
            queue="Network L2",
            type="incident",
            organization="Acme",
            targets=sla.parse_targets(["high=first:1h,next:2h,resolve:8h"]),
            pause_statuses=["pending,on_hold"],
            warning_percent=70,
            escalate_on_breach=True,
        ),
    )
    sla.set_queue_policy(desk, "Service Desk", "Standard")
    ticket = tickets.create(desk, subject="Core switch down", queue="Network L2")
    with desk.store.write() as conn:
        conn.execute(
            update(schema.tickets)
            .where(schema.tickets.c.id == ticket.id)
            .values(
                sla_policy_id=narrow.id,
                first_response_due=NOW + timedelta(hours=1),
                resolution_due=NOW + timedelta(hours=8),
                next_response_due=NOW + timedelta(hours=3),
                next_response_started_at=NOW + timedelta(hours=1),
                sla_paused_at=NOW,
                sla_paused_seconds=900,
                sla_due=NOW + timedelta(hours=1),
                sla_warn_at=NOW + timedelta(minutes=42),
                sla_escalated_due=NOW - timedelta(hours=2),
            )
        )


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[str, ...]:
    path = tmp_path_factory.mktemp("sla") / "desk.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        _policies(desk)
        return tuple(transfer.export_lines(desk))
    finally:
        desk.close()


def test_policies_queue_defaults_and_ticket_clocks_round_trip_byte_identical(
    desk: Desk, empty_url: str
) -> None:
    _policies(desk)
    first = list(transfer.export_lines(desk))
    policy_lines = rows(first, "sla_policy")
    assert [data["name"] for _i, data in policy_lines] == ["Standard", "Acme network incidents"]
    # The calendar and targets are JSON objects in the file, not JSON text in a string.
    assert policy_lines[0][1]["calendar"]["hours"]["mon"] == [
        ["09:00", "12:00"],
        ["13:00", "17:00"],
    ]
    assert policy_lines[1][1]["targets"]["high"]["next_response"] == 120
    # Each policy's versions ride along (the timeline of old clocks reads them).
    assert [(d["policy_id"], d["version"]) for _i, d in rows(first, "sla_policy_version")] == [
        (1, 1),
        (2, 1),
    ]
    kinds = [json.loads(line)["type"] for line in first]
    assert kinds.index("sla_policy") > kinds.index("queue")
    assert kinds.index("sla_policy") < kinds.index("ticket")

    transfer.restore(empty_url, "alice", first)
    restored = open_desk(empty_url, "alice")
    try:
        assert list(transfer.export_lines(restored)) == first
        assert [p.name for p in sla.list_policies(restored)] == [
            p.name for p in sla.list_policies(desk)
        ]
        assert sla.list_policies(restored) == sla.list_policies(desk)
        ticket = tickets.get(restored, 1)
        assert ticket.sla_due == NOW + timedelta(hours=1)
        assert ticket.next_response_due == NOW + timedelta(hours=3)
        # The escalation mark came back: the tick does not escalate that breach again.
        with restored.store.read() as conn:
            mark = conn.execute(
                select(schema.tickets.c.sla_escalated_due).where(schema.tickets.c.id == 1)
            ).scalar_one()
        assert mark == NOW - timedelta(hours=2)
        assert sla.get_policy(restored, "Acme network incidents").escalate_on_breach
        # The queue default came back (set after the policies were in).
        with restored.store.read() as conn:
            assert sla.load_policies(conn).queue_defaults == {1: 1}
        # New policies get fresh ids (sequences moved on PostgreSQL).
        added = sla.add_policy(
            restored, "Later", sla.PolicyChanges(targets={"low": {"resolution": 60}})
        )
        assert added.id == 3
    finally:
        restored.close()


def _set(**values: Any) -> Change:
    return lambda data: data.update(values)


def _calendar(**values: Any) -> Change:
    return lambda data: data["calendar"].update(values)


CASES: list[tuple[str, Change, str]] = [
    ("sla_policy", _calendar(zone="Mars/Olympus"), 'calendar: unknown time zone "Mars/Olympus"'),
    ("sla_policy", _calendar(holidays=["2026-02-30"]), "calendar: '2026-02-30' is not a date"),
    ("sla_policy", _calendar(hours={"mon": [["17:00", "09:00"]]}), "calendar: hours of mon"),
    ("sla_policy", _set(calendar="24x7"), "calendar: a calendar must be an object"),
    ("sla_policy", _set(targets={"p1": {}}), 'targets: unknown priority "p1"'),
    (
        "sla_policy",
        _set(targets={"high": {"resolution": -5}}),
        "targets: the high resolution target must be a whole number of minutes",
    ),
    ("sla_policy", _set(pause_statuses="open"), 'pause_statuses: "open" cannot pause'),
    ("sla_policy", _set(warning_percent=120), "warning_percent: the warning threshold"),
    ("sla_policy", _set(sla_policy_type="bug"), 'sla_policy_type: unknown type "bug"'),
    ("sla_policy", _set(queue_id=99), "queue_id: no queue 99 before this line"),
    ("ticket", _set(sla_policy_id=99), "sla_policy_id: no SLA policy 99 before this line"),
    ("ticket", _set(sla_paused_seconds=-1), "sla_paused_seconds: -1 is out of range"),
    ("ticket", _set(sla_due="soon"), 'sla_due: "soon" is not an ISO 8601 time'),
    (
        "queue",
        _set(default_sla_policy_id=99),
        "default_sla_policy_id: no SLA policy 99 in the file",
    ),
]


@pytest.mark.parametrize(
    ("kind", "change", "problem"),
    CASES,
    ids=[f"{kind}-{problem.split(':')[0]}-{i}" for i, (kind, _c, problem) in enumerate(CASES)],
)
def test_import_refuses_a_policy_or_sla_value_the_command_line_would_refuse(
    lines: tuple[str, ...], kind: str, change: Change, problem: str
) -> None:
    edited = edit(list(lines), kind, change)
    line = rows(list(lines), kind)[0][0] + 1
    with pytest.raises(InvalidInput) as caught:
        transfer.check_lines(edited)
    assert caught.value.message.startswith(f"line {line}: {problem}"), caught.value.message


def test_a_backup_from_before_sla_policies_imports_with_no_clocks(
    lines: tuple[str, ...], empty_url: str
) -> None:
    older = as_version_2(list(lines))
    result = transfer.restore(empty_url, "alice", older)
    assert result.verified and result.version == 2
    assert result.counts["sla_policy"] == 0
    desk = open_desk(empty_url, "alice")
    try:
        ticket = tickets.get(desk, 1)
        assert (ticket.sla_due, ticket.next_response_due) == (None, None)
        assert sla.list_policies(desk) == []
        exported = list(transfer.export_lines(desk))
        assert json.loads(exported[0])["version"] == transfer.FORMAT_VERSION
    finally:
        desk.close()


def test_a_policy_row_in_a_format_2_file_is_refused(lines: tuple[str, ...]) -> None:
    older = [
        line.replace(f'"version":{transfer.FORMAT_VERSION}', '"version":2', 1) if i == 0 else line
        for i, line in enumerate(lines)
    ]
    with pytest.raises(InvalidInput, match="counts: expected a count for each of"):
        transfer.check_lines(older)
