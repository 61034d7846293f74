"""``ticket list`` does all it says: a list cut by ``--limit`` says so on stderr, and ``--all``
streams every match (more than one page of the stream) in every format.

Nothing here needs a real process (stdout is a pipe either way), so the commands run
in-process (``cli_inproc``)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from clitools import SQLITE_ONLY, fails, ok

from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.tickets.read import count, matching_ids

#: More than one page of ``--all`` (``ticket_read.STREAM_PAGE``) and the default limit.
TICKETS = 1150


@pytest.fixture
def big(desk):
    seed_desk(desk, tickets=TICKETS, articles=0)
    return desk


def test_all_streams_every_match_past_the_first_page(big, cli_inproc) -> None:
    from deskterm.domain.tickets.read import STREAM_PAGE

    assert TICKETS > STREAM_PAGE
    expected = matching_ids(big, "")
    out = ok(cli_inproc("ticket", "list", "--all", "--sort", "id:asc", "--format", "ids"))
    assert [int(line) for line in out.split()] == expected
    unsolved = ok(cli_inproc("ticket", "list", "is:unsolved", "--all", "--format", "jsonl"))
    rows = [json.loads(line) for line in unsolved.splitlines()]
    assert len(rows) == count(big, "is:unsolved")
    assert len({row["id"] for row in rows}) == len(rows)


@SQLITE_ONLY
def test_all_in_every_machine_format_is_what_one_big_page_gives(big, cli_inproc) -> None:
    for fmt in ("json", "jsonl", "csv", "ids"):
        streamed = cli_inproc("ticket", "list", "--all", "--format", fmt)
        whole = cli_inproc("ticket", "list", "--limit", "10000", "--format", fmt)
        assert ok(streamed) == ok(whole), fmt
        assert streamed.stderr == whole.stderr == ""
    data = json.loads(ok(cli_inproc("ticket", "list", "--all", "--format", "json")))
    assert len(data) == TICKETS
    listed = ok(cli_inproc("ticket", "list", "--all", "--format", "csv"))
    table = csv.DictReader(io.StringIO(listed))
    assert len(list(table)) == TICKETS


@SQLITE_ONLY
def test_all_as_a_table_has_one_header_and_every_row(big, cli_inproc) -> None:
    out = ok(cli_inproc("ticket", "list", "--all", "--format", "table", columns=80))
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PRIO", "STATUS"]
    assert sum(1 for line in lines if line.split()[:1] == ["ID"]) == 1
    assert len(lines) == TICKETS + 1
    assert max(len(line) for line in lines) <= 80


@SQLITE_ONLY
def test_all_of_nothing_is_empty_in_every_format(desk, cli_inproc) -> None:
    for fmt, expected in (("json", "[]\n"), ("jsonl", ""), ("csv", ""), ("ids", "")):
        out = ok(cli_inproc("ticket", "list", "tag:none-such", "--all", "--format", fmt))
        assert out == expected
    table = cli_inproc("ticket", "list", "tag:none-such", "--all", "--format", "table")
    assert ok(table) == "No matching rows.\n"


@SQLITE_ONLY
def test_all_and_limit_together_are_refused(desk, cli_inproc) -> None:
    line = fails(cli_inproc("ticket", "list", "--all", "--limit", "5"), 2)
    assert "--all and --limit" in line


def _three(desk, subject: str = "Printer jam") -> None:
    for n in range(3):
        tickets.create(desk, subject=f"{subject} {n}")


def test_a_list_cut_by_its_limit_says_so_on_stderr(desk, cli_inproc) -> None:
    _three(desk)
    result = cli_inproc("ticket", "list", "--limit", "2", "--format", "ids")
    assert len(ok(result).split()) == 2
    assert result.stderr == "2 of 3 shown; --limit N or --all\n"


@SQLITE_ONLY
def test_the_note_is_there_in_a_pipe_and_on_a_table(desk, cli_inproc) -> None:
    _three(desk)
    for fmt in ("table", "json", "jsonl", "csv", "ids"):
        result = cli_inproc("ticket", "list", "--limit", "1", "--format", fmt)
        ok(result)
        assert result.stderr == "1 of 3 shown; --limit N or --all\n", fmt


@SQLITE_ONLY
def test_no_note_when_nothing_was_left_out(desk, cli_inproc) -> None:
    _three(desk)
    for args in (("--limit", "3"), ("--limit", "4"), ()):
        result = cli_inproc("ticket", "list", *args, "--format", "ids")
        assert len(ok(result).split()) == 3
        assert result.stderr == ""


@SQLITE_ONLY
def test_quiet_silences_the_note(desk, cli_inproc) -> None:
    _three(desk)
    for args in (("ticket", "list", "--limit", "1", "--quiet"), ("--quiet", "ticket", "list")):
        limit = () if "--limit" in args else ("--limit", "1")
        result = cli_inproc(*args, *limit, "--format", "ids")
        assert len(ok(result).split()) == 1
        assert result.stderr == ""


@SQLITE_ONLY
def test_a_full_text_query_is_not_counted(desk, cli_inproc) -> None:
    _three(desk)
    result = cli_inproc("ticket", "list", "printer", "--limit", "1", "--format", "ids")
    ok(result)
    assert result.stderr == "1 shown; more match; --limit N or --all\n"


@SQLITE_ONLY
def test_the_count_stops_at_its_cap(desk, cli_inproc, monkeypatch) -> None:
    from deskterm.cli import ticket_view

    _three(desk)
    monkeypatch.setattr(ticket_view, "COUNT_CAP", 2)
    result = cli_inproc("ticket", "list", "--limit", "1", "--format", "ids")
    ok(result)
    assert result.stderr == "1 of more than 2 shown; --limit N or --all\n"
