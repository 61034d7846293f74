"""``ticket list --columns``: which table and csv columns, from the ticket JSON keys."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, TICKET_KEYS, ok, one_error_line

from deskterm.domain import tickets


@pytest.fixture
def three(desk) -> list[int]:
    made = [
        tickets.create(desk, subject="VPN drops hourly", tags=["vpn", "network"]),
        tickets.create(desk, subject='Printer says "Offline"', priority="high"),
        tickets.create(desk, subject="Outlook crashes", type="question", assignee="bob"),
    ]
    return [t.id for t in made]


def _header(table: str) -> list[str]:
    return table.splitlines()[0].split()


def test_table_shows_the_chosen_columns_in_order(cli_inproc, three) -> None:
    out = ok(cli_inproc("ticket", "list", "--format", "table", "--columns", "status,id,subject"))
    lines = out.splitlines()
    assert _header(out) == ["STATUS", "ID", "SUBJECT"]
    assert len(lines) == 4
    assert any(line.split()[:2] == ["new", str(three[0])] for line in lines[1:])
    assert "REQUESTER" not in out and "QUEUE" not in out


def test_csv_has_exactly_the_chosen_columns(cli_inproc, three) -> None:
    out = ok(
        cli_inproc("ticket", "list", "--format", "csv", "--columns", "id,priority,tags,subject")
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "priority", "tags", "subject"]
    by_id = {int(row[0]): row for row in rows[1:]}
    assert sorted(by_id) == sorted(three)
    assert by_id[three[0]][2] == "network,vpn" or by_id[three[0]][2] == "vpn,network"
    assert by_id[three[1]][1:] == ["high", "", 'Printer says "Offline"']


def test_columns_beyond_the_default_table(cli_inproc, three) -> None:
    out = ok(
        cli_inproc(
            "ticket",
            "list",
            "--format",
            "table",
            "--columns",
            "id,type,sla_state,created_at,version",
            columns=120,
        )
    )
    assert _header(out)[:3] == ["ID", "TYPE", "SLA"]
    assert "CREATED AT" in out.splitlines()[0]
    assert "question" in out


def test_json_formats_keep_every_key(cli_inproc, three) -> None:
    out = ok(cli_inproc("ticket", "list", "--format", "jsonl", "--columns", "id,subject"))
    for line in out.splitlines():
        assert set(TICKET_KEYS) <= set(json.loads(line))


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("spec", "header"),
    [
        ("ID,Subject", ["id", "subject"]),
        (" id , subject ", ["id", "subject"]),
        ("id,subject,id", ["id", "subject"]),
        ("id,,subject,", ["id", "subject"]),
    ],
)
def test_names_are_forgiving_about_case_spaces_and_repeats(
    cli_inproc, three, spec: str, header: list[str]
) -> None:
    out = ok(cli_inproc("ticket", "list", "--format", "csv", "--columns", spec))
    assert out.splitlines()[0].split(",") == header


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("id,bogus", "'bogus'"),
        ("messages", "'messages'"),
        ("id;subject", "'id;subject'"),
        ("subject,😀", "'😀'"),
        ("x" * 100_000, "'" + "x" * 40 + "'"),
    ],
)
def test_an_unknown_column_is_exit_2_naming_the_allowed_ones(
    cli_inproc, three, spec: str, named: str
) -> None:
    line = one_error_line(cli_inproc("ticket", "list", "--columns", spec), 2)
    assert "unknown column" in line
    assert named in line
    assert "allowed: id, subject, type, status, priority" in line
    assert "sla_state" in line and "version" in line
    assert len(line) < 600


@SQLITE_ONLY
@pytest.mark.parametrize("spec", ["", ",", " , "])
def test_no_column_at_all_is_exit_2(cli_inproc, three, spec: str) -> None:
    line = one_error_line(cli_inproc("ticket", "list", "--columns", spec), 2)
    assert "--columns names no column; allowed: id," in line


def test_a_bad_column_is_reported_before_the_database_is_touched(
    deskterm_inproc, tmp_path: Path
) -> None:
    target = tmp_path / "never" / "desk.db"
    result = deskterm_inproc(
        "--db", f"sqlite:///{target}", "ticket", "list", "--columns", "nope", "--format", "csv"
    )
    assert "unknown column 'nope'" in one_error_line(result, 2)
    assert not target.parent.exists()
