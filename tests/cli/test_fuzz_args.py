"""Nasty arguments: never a traceback, exit 2 (3 for a well-formed name or id that does not
exist), and exactly one ``error:`` line, first on stderr, of a readable length.

A table of hostile values (empty, blank, huge numbers, negative ids, zero, unknown words,
emoji, control characters, right-to-left overrides, 100 KB) for each argument and option of
the main commands runs in-process (``cli_inproc``: the console script's ``run()``, fast); the
100 KB arguments also go through the real ``deskterm`` subprocess; hypothesis throws
arbitrary text at a query and at ``ticket update``'s status and priority. Updates run with
``--dry-run`` or fail, so the desk never changes and every case sees the same tickets.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, fails
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk

HUGE = "99999999999999999999"
KB100 = "x" * 100_000
#: Values no id, number, enum word, tag, e-mail, handle or queue name accepts.
JUNK = {
    "empty": "",
    "blank": "   ",
    "huge": HUGE,
    "minus": "-1",
    "zero-word": "zero",
    "emoji": "😀",
    "controls": "a\tb\x01\x1b[31mred\x7f",
    "newline": "two\nlines",
    "rtl": "\u202eevil",
    "semicolon": "1; rm -rf /",
    "100kb": KB100,
}
BAD_IDS = {**JUNK, "zero": "0", "over-int64": "9223372036854775808", "float": "1.5", "hex": "0x10"}
BAD_NUMBERS = {**BAD_IDS, "sci": "1e3"}
#: Ticket ids that parse but do not exist (exit 3).
UNKNOWN_IDS = {"big": "999999", "int64-max-ish": "900000000"}


def _two_tickets(desk: Desk) -> int:
    """Ticket #1 (open, assigned to bob), #2 (new); the cases refer to #1 by number."""
    first = tickets.create(desk, subject="VPN drops", tags=["vpn"], assignee="bob")
    tickets.create(desk, subject="Printer offline")
    assert first.id == 1
    return first.id


@pytest.fixture(scope="session")
def two_tickets_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The SQLite desk with the two tickets, made once: the table's 450 cases each get a copy
    (making the tickets for each cost more than the case itself)."""
    path = tmp_path_factory.mktemp("fuzz") / "desk.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        _two_tickets(desk)
    finally:
        desk.close()
    return path


@pytest.fixture
def backend_url(backend_url: str, backend: str, request: pytest.FixtureRequest) -> str:
    """tests/conftest.py's desk; on SQLite a copy of :func:`two_tickets_file`, put in place
    before anything opens it."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("two_tickets_file"), make_url(backend_url).database)
    return backend_url


@pytest.fixture
def open_ticket(backend: str, backend_url: str, request: pytest.FixtureRequest) -> int:
    """The test's desk holds the two tickets of :func:`_two_tickets`; the id of #1."""
    if backend == "sqlite":
        return 1  # the copy of two_tickets_file
    return _two_tickets(request.getfixturevalue("desk"))


def one_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """Exit ``code``, no traceback, an ``error:`` line first and no other, not absurdly long."""
    line = fails(result, code)
    errors = [text for text in result.stderr.splitlines() if text.startswith("error:")]
    assert errors == [line], result.stderr[:2000]
    assert len(line) <= 2100, f"error line is {len(line)} characters"
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
    return line


def _cases(template: tuple[str, ...], values: dict[str, str], code: int) -> list:
    return [
        pytest.param(
            tuple(values[name] if part == "{}" else part for part in template),
            code,
            id=" ".join(name if part == "{}" else part for part in template[1:])[:60],
        )
        for name in values
    ]


def _without(values: dict[str, str], *names: str) -> dict[str, str]:
    return {key: value for key, value in values.items() if key not in names}


ID_COMMANDS = [
    ("ticket", "show", "{}"),
    ("ticket", "update", "{}", "--priority", "high", "--dry-run"),
    ("ticket", "reply", "{}", "--body", "hello"),
    ("ticket", "note", "{}", "--body", "hello"),
    ("ticket", "assign", "{}", "bob"),
    ("ticket", "close", "{}"),
    ("ticket", "reopen", "{}"),
    ("ticket", "escalate", "{}"),
    ("ticket", "merge", "{}", "--into", "1"),
    ("ticket", "merge", "2", "--into", "{}"),
    ("ticket", "link", "2", "--problem", "{}"),
]
ENUM_OPTIONS = [
    ("ticket", "update", "1", "--status", "{}", "--dry-run"),
    ("ticket", "update", "1", "--priority", "{}", "--dry-run"),
    ("ticket", "update", "1", "--type", "{}", "--dry-run"),
    ("ticket", "reply", "1", "--body", "hi", "--status", "{}"),
    ("ticket", "create", "--subject", "ok", "--priority", "{}"),
    ("ticket", "create", "--subject", "ok", "--type", "{}"),
    ("ticket", "create", "--subject", "ok", "--channel", "{}"),
    ("ticket", "list", "--format", "{}"),
    ("ticket", "list", "--sort", "{}"),
    ("ticket", "list", "--columns", "{}"),
]
NUMBER_OPTIONS = [
    ("ticket", "list", "--limit", "{}"),
    ("ticket", "update", "1", "--priority", "low", "--if-version", "{}"),
]
VALUE_OPTIONS = [
    ("ticket", "update", "1", "--add-tag", "{}", "--dry-run"),
    ("ticket", "update", "1", "--remove-tag", "{}", "--dry-run"),
    ("ticket", "create", "--subject", "ok", "--tag", "{}"),
]
#: Names that are well-formed text but name no queue or agent: not found (3); blank: 2.
NAME_OPTIONS = [
    ("ticket", "update", "1", "--queue", "{}", "--dry-run"),
    ("ticket", "update", "1", "--assignee", "{}", "--dry-run"),
    ("ticket", "create", "--subject", "ok", "--queue", "{}"),
    ("ticket", "create", "--subject", "ok", "--assignee", "{}"),
    ("ticket", "assign", "1", "{}"),
    ("ticket", "take", "--queue", "{}"),
]
NAMES = {"unknown": "nobody-here", "emoji": "😀", "rtl": "\u202eevil", "100kb": KB100}
BLANK = {"empty": "", "blank": "   "}

TABLE = [
    # ids: "-1" looks like an option to the parser, which says so (still exit 2)
    *(case for t in ID_COMMANDS for case in _cases(t, BAD_IDS, 2)),
    *(case for t in ID_COMMANDS for case in _cases(t, UNKNOWN_IDS, 3)),
    *(case for t in ENUM_OPTIONS for case in _cases(t, JUNK, 2)),
    *(case for t in NUMBER_OPTIONS for case in _cases(t, _without(BAD_NUMBERS, "zero"), 2)),
    # "zero" and "99999999999999999999" are fine tags
    *(case for t in VALUE_OPTIONS for case in _cases(t, _without(JUNK, "huge", "zero-word"), 2)),
    *_cases(("ticket", "create", "--subject", "ok", "--requester", "{}"), JUNK, 2),
    *(case for t in NAME_OPTIONS for case in _cases(t, NAMES, 3)),
    *(case for t in NAME_OPTIONS for case in _cases(t, BLANK, 2)),
    *_cases(
        ("ticket", "create", "--subject", "{}"), {"empty": "", "blank": " \t ", "100kb": KB100}, 2
    ),
    *_cases(("ticket", "update", "1", "--subject", "{}"), {"empty": "", "100kb": KB100}, 2),
    *_cases(("ticket", "reply", "1", "--body", "{}"), {"empty": "", "blank": "\n \n"}, 2),
    *_cases(("ticket", "update", "--query", "{}", "--status", "open", "--yes"), BLANK, 2),
    *_cases(("ticket", "update", "1", "2", "--query", "{}", "--status", "open"), {"x": "id:1"}, 2),
    *_cases(("ticket", "update", "{}"), {"no-change": "1"}, 2),
]

BAD_QUERIES = {
    "empty-value": "status:",
    "unknown-status": "status:bogus",
    "unknown-field": "nosuch:x",
    "unclosed": '"unclosed phrase',
    "bad-op": "status:>open",
    "bad-priority": "priority:>=extreme",
    "bad-time": "created:<yesterday",
    "huge-id": f"id:{HUGE}",
    "negative-id": "id:-1",
    "emoji-value": "status:😀",
    "newline": "status:open\nnosuch:1",
    "controls": "queue:\x1b[2J x:y",
    "100kb-tail": KB100 + " nosuch:1",
    "100kb-value": "status:" + KB100,
}
QUERY_TABLE = [
    *_cases(("ticket", "list", "{}"), BAD_QUERIES, 2),
    *_cases(("ticket", "update", "--query", "{}", "--status", "open", "--yes"), BAD_QUERIES, 2),
]


@SQLITE_ONLY
@pytest.mark.parametrize(("args", "code"), TABLE + QUERY_TABLE)
def test_a_nasty_argument_is_one_error_line(
    cli_inproc, open_ticket, args: tuple[str, ...], code: int
) -> None:
    one_error(cli_inproc(*args), code)


@SQLITE_ONLY
@pytest.mark.parametrize(
    "args",
    [
        ("ticket", "list", "😀 \u202e" + KB100),
        ("ticket", "list", "\x01\x1b[31m"),
        ("ticket", "list", "😀:x"),  # not a field name: text
        ("ticket", "list", "status:OPEN,On-Hold priority:<=URGENT"),
        ("ticket", "create", "--subject", "Drucker 😀 \u202e kaputt", "--tag", "Büro".lower()[:1]),
        ("ticket", "update", "1", "--subject", "x" * 500, "--dry-run"),
        ("ticket", "update", "1", "--add-tag", "ok,,also-ok", "--dry-run"),
    ],
)
def test_odd_but_valid_arguments_succeed(cli_inproc, open_ticket, args: tuple[str, ...]) -> None:
    result = cli_inproc(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_desk_is_unchanged_after_the_table(desk, open_ticket, cli_inproc) -> None:
    from deskterm.domain.tickets.read import get

    before = [get(desk, 1), get(desk, 2)]
    for args, code in [case.values for case in TABLE[::7]]:
        assert cli_inproc(*args).returncode == code
    assert [get(desk, 1), get(desk, 2)] == before


# -- the same through the real script -----------------------------------------------------------
# SQLite only: parsing arguments and wording errors do not depend on the backend (the store and
# domain tests run both). The 100 KB arguments go through exec into the installed script; the
# others run in-process, as test_inproc_runner.py shows a process answers the same.


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("ticket", "show", HUGE), 2),
        (("ticket", "show", "0"), 2),
        (("ticket", "show", "999999"), 3),
        (("ticket", "update", "1", "--status", "😀", "--dry-run"), 2),
        (("ticket", "update", "1", "--priority", "", "--dry-run"), 2),
        (("ticket", "list", "--limit", HUGE), 2),
        (("ticket", "list", "status:" + KB100), 2),
        (("ticket", "create", "--subject", KB100), 2),
        (("ticket", "update", "1", "--if-version", HUGE, "--priority", "low"), 2),
        (("ticket", "update", "--query", "", "--status", "closed", "--yes"), 2),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) else str(v),
)
def test_nasty_arguments_through_the_real_script(
    cli, cli_inproc, open_ticket, args: tuple[str, ...], code: int
) -> None:
    run = cli if any(len(arg) >= len(KB100) for arg in args) else cli_inproc
    one_error(run(*args), code)


@SQLITE_ONLY
def test_an_id_list_from_stdin_with_junk_is_exit_2(cli_inproc, open_ticket) -> None:
    result = cli_inproc("ticket", "update", "-", "--priority", "low", input=f"1\n{HUGE}\n")
    assert "invalid ticket id" in one_error(result, 2)


# -- hypothesis -------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SQLITE_ONLY
@FUZZ
@given(query=st.text(max_size=200))
def test_any_query_text_lists_or_is_one_error_line(cli_inproc, open_ticket, query: str) -> None:
    result = cli_inproc("ticket", "list", query, "--format", "ids")
    assert result.returncode in (0, 2), (query, result.stderr)
    if result.returncode == 0:
        assert result.stderr == ""
        assert all(line.isdigit() for line in result.stdout.splitlines())
    else:
        one_error(result, 2)


@SQLITE_ONLY
@FUZZ
@given(
    status=st.one_of(st.sampled_from(["open", "pending", "Solved", " on-hold "]), st.text()),
    priority=st.one_of(st.sampled_from(["low", "URGENT", "high "]), st.text()),
)
def test_any_status_and_priority_update_or_is_one_error_line(
    cli_inproc, open_ticket, status: str, priority: str
) -> None:
    result = cli_inproc(
        "ticket",
        "update",
        "1",
        "--status",
        status,
        "--priority",
        priority,
        "--dry-run",
        "-f",
        "json",
    )
    assert result.returncode in (0, 2, 4), (status, priority, result.stderr)
    if result.returncode == 0:
        assert result.stderr == ""
    else:
        one_error(result, result.returncode)
