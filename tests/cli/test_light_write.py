"""``ticket note ID --body TEXT`` on the light path (``cli/quick.py`` and
``tickets.message_light``: the one workflow and the one versioned write on ``sqlite3``) leaves
the desk exactly as the ordinary path does, prints the same bytes, steps aside (having
written nothing) whenever it cannot do the write, and imports no SQLAlchemy or pydantic.

Each comparison runs the same commands on two copies of one desk, at the same frozen time:
the light path allowed on one, the ordinary path alone on the other; then every row of both
files (``iterdump``) must be the same.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from clitools import SQLITE_ONLY
from sqlalchemy import select

from deskterm.cli import quick
from deskterm.demo import seed_desk
from deskterm.domain import queues, tickets
from deskterm.domain.desk import Desk
from deskterm.domain.sla import PolicyChanges, add_policy
from deskterm.domain.tickets import quick_write
from deskterm.store import schema

pytestmark = SQLITE_ONLY

NOW = datetime(2026, 11, 28, 15, 0, 7, tzinfo=UTC)
Run = Callable[..., subprocess.CompletedProcess[bytes]]


@pytest.fixture
def desks(desk: Desk, backend_url: str, tmp_path: Path) -> tuple[str, str, Desk]:
    """Two copies of one seeded desk (URLs), and the first as a Desk."""
    seed_desk(desk, tickets=60, articles=0, seed=5)
    every = {"first_response": 60, "resolution": 480}
    targets = {p: every for p in ("low", "normal", "high", "urgent")}
    add_policy(desk, "Everything", PolicyChanges(targets=targets))
    clocked = tickets.create(desk, subject="VPN drops", priority="high", tags=["vpn"])
    tickets.update(desk, clocked.id, tickets.Changes(status="open"))
    queues.add_queue(desk, "Security", tier="L2", confidential=True)
    secret = tickets.create(desk, subject="Badge cloned", queue="Security")
    assert secret.queue == "Security"
    other = tmp_path / "copy.db"
    source = sqlite3.connect(backend_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(other)
    source.backup(target)
    source.close()
    target.close()
    return backend_url, f"sqlite:///{other}", desk


def _dump(url: str) -> list[str]:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@contextmanager
def _frozen() -> Iterator[None]:
    with (
        mock.patch.object(Desk, "now", lambda self: NOW),
        mock.patch.object(quick_write, "now", lambda: NOW),
    ):
        yield


def _twice(
    run: Run, light_url: str, full_url: str, *args: str, light: bool, **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    """``args`` on the light desk (asserting whether the light path answered) and on the
    other with the ordinary path alone; the same bytes out."""
    answers: list[bool] = []
    real = quick.run

    def spy(argv: list[str]) -> bool:
        answers.append(real(argv))
        return answers[-1]

    with _frozen():
        with mock.patch.object(quick, "run", spy):
            fast = run(*args, env={"DESKTERM_DB": light_url}, **kw)
        with mock.patch.object(quick, "run", return_value=False):
            full = run(*args, env={"DESKTERM_DB": full_url}, **kw)
    assert answers == [light], args
    # An error naming the desk names each its own file.
    full_stderr = full.stderr.replace(full_url.encode(), light_url.encode())
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        full.returncode,
        full.stdout,
        full_stderr,
    ), args
    return fast


def _with_clocks(desk: Desk) -> int:
    """An open ticket whose SLA clocks run."""
    T = schema.tickets
    with desk.store.read() as conn:
        found = conn.execute(
            select(T.c.id)
            .where(T.c.status == "open", T.c.sla_policy_id.is_not(None), T.c.sla_due.is_not(None))
            .order_by(T.c.id.desc())
            .limit(1)
        ).scalar()
    assert found is not None
    return int(found)


def test_a_note_writes_what_the_ordinary_path_writes(desks, cli_inproc_bytes) -> None:
    light_url, full_url, desk = desks
    ticket = str(_with_clocks(desk))
    version = tickets.get(desk, int(ticket)).version
    for args in (
        ("ticket", "note", ticket, "--body", "Checked the RADIUS log", "-f", "json"),
        ("ticket", "note", ticket, "-b", "Café ☕\nsecond line\t", "--time", "1h30m"),
        ("ticket", "note", ticket, "--body=older version", f"--if-version={version}"),
        ("--as", "bob", "ticket", "note", ticket, "--time", "15m", "--body", "x", "-f", "csv"),
        ("-q", "ticket", "note", ticket, "--body", "table", "--format", "table"),
    ):
        _twice(cli_inproc_bytes, light_url, full_url, *args, light=True)
    assert _dump(light_url) == _dump(full_url)
    detail = tickets.detail(desk, int(ticket))
    bodies = [m.body for m in detail.messages if m.kind == "note"]
    assert bodies[-5] == "Checked the RADIUS log" and bodies[-2:] == ["x", "table"]
    assert detail.ticket.version == version + 5
    assert detail.time_spent_seconds >= 5400 + 900


def test_what_the_light_writer_cannot_do_it_leaves_to_the_ordinary_path(
    desks, cli_inproc_bytes, tmp_path: Path
) -> None:
    light_url, full_url, desk = desks
    ticket = str(_with_clocks(desk))
    closed = str(tickets.create(desk, subject="Done").id)
    tickets.update(desk, int(closed), tickets.Changes(status="solved"))
    tickets.close(desk, int(closed))
    secret = tickets.list_page(desk, 'queue:"Security"', limit=1).items[0].id
    attached = tmp_path / "boot.log"
    attached.write_text("boot")
    # The copy was made before these: make it the same again.
    source = sqlite3.connect(light_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(full_url.removeprefix("sqlite:///"))
    source.backup(target)
    source.close()
    target.close()
    for args in (
        ("ticket", "note", closed, "--body", "too late"),  # Conflict: closed
        ("ticket", "note", ticket, "--body", "stale", "--if-version", "999999"),  # stale
        ("ticket", "note", "999999", "--body", "nobody"),  # not found
        ("--as", "bob", "ticket", "note", str(secret), "--body", "hidden"),  # confined
        ("--as", "nobody", "ticket", "note", ticket, "--body", "who"),
        ("ticket", "note", ticket, "--body", "   "),  # an empty note
        ("ticket", "note", ticket, "--body", "x", "--time", ""),
        ("ticket", "note", ticket, "--body", "x", "--time", "forever"),
        ("ticket", "note", ticket, "--body", "x", "--if-version", "-1"),
        ("ticket", "note", ticket, "--body", "x", "--status", "pending"),
        ("ticket", "note", ticket, "--body", "x", "--attach", str(attached)),
        ("ticket", "note", ticket, "--body", "x", "-f", "yaml"),
        ("ticket", "note", "abc", "--body", "x"),
        ("--debug", "ticket", "note", ticket, "--body", "x"),
    ):
        _twice(cli_inproc_bytes, light_url, full_url, *args, light=False)
    _twice(
        cli_inproc_bytes,
        light_url,
        full_url,
        "ticket",
        "note",
        ticket,
        "--body",
        "-",
        light=False,
        input="from stdin\n",
    )
    assert _dump(light_url) == _dump(full_url)


def test_a_deactivated_agent_or_an_old_schema_takes_the_ordinary_path(
    desks, cli_inproc_bytes
) -> None:
    light_url, full_url, desk = desks
    ticket = str(_with_clocks(desk))
    for url in (light_url, full_url):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with conn:
            conn.execute("UPDATE agents SET active = 0 WHERE handle = 'bob'")
        conn.close()
    _twice(
        cli_inproc_bytes,
        light_url,
        full_url,
        "--as",
        "bob",
        "ticket",
        "note",
        ticket,
        "--body",
        "x",
        light=False,
    )
    for url in (light_url, full_url):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = '0001_initial'")
        conn.close()
    result = _twice(
        cli_inproc_bytes, light_url, full_url, "ticket", "note", ticket, "--body", "x", light=False
    )
    assert result.returncode != 0 and b"db migrate" in result.stderr
    assert _dump(light_url) == _dump(full_url)


def _copy(light_url: str, full_url: str) -> None:
    """Make the ordinary path's desk the light path's again (after changes to the latter)."""
    source = sqlite3.connect(light_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(full_url.removeprefix("sqlite:///"))
    source.backup(target)
    source.close()
    target.close()


def _outbox(url: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return conn.execute(
            "SELECT ticket_id, kind, recipient, status FROM mail_outbox ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_a_reply_writes_what_the_ordinary_path_writes(desks, cli_inproc_bytes) -> None:
    """A public reply on the light path: the first response, a new ticket opened, the SLA
    clocks (the desk's policies read as the ordinary path reads them), the mail queued to
    the requester (none without one), the time spent; every row as the ordinary path's."""
    light_url, full_url, desk = desks
    asked = tickets.create(desk, subject="Printer jams", requester="ann@example.com", body="Help")
    internal = tickets.create(desk, subject="Rack 4 fan", priority="high")
    waiting = tickets.create(desk, subject="Laptop", requester="bo@example.com")
    tickets.update(desk, waiting.id, tickets.Changes(status="pending"))
    solved = tickets.create(desk, subject="Password", requester="cy@example.com")
    tickets.update(desk, solved.id, tickets.Changes(status="solved"))
    clocked = str(_with_clocks(desk))
    assert asked.status == "new" and asked.first_response_due is not None
    _copy(light_url, full_url)
    before = len(_outbox(light_url))
    version = tickets.get(desk, int(clocked)).version
    for args in (
        ("ticket", "reply", str(asked.id), "--body", "On my way", "-f", "json"),
        ("ticket", "reply", str(asked.id), "-b", "Café ☕\nsecond line\t", "--time", "1h30m"),
        ("ticket", "reply", str(internal.id), "--body", "Noted", "--time", "20m"),
        ("ticket", "reply", clocked, "--body=newer", f"--if-version={version}", "-f", "json"),
        ("--as", "bob", "ticket", "reply", str(waiting.id), "--body", "Any news?", "-f", "csv"),
        ("-q", "ticket", "reply", str(solved.id), "--body", "Glad", "--format", "table"),
    ):
        _twice(cli_inproc_bytes, light_url, full_url, *args, light=True)
    assert _dump(light_url) == _dump(full_url)
    opened = tickets.get(desk, asked.id)
    assert opened.status == "open" and opened.version == asked.version + 2
    queued = _outbox(light_url)[before:]
    assert [(row[0], row[2]) for row in queued] == [  # "VPN drops" and "Rack 4": no requester
        (asked.id, "ann@example.com"),
        (asked.id, "ann@example.com"),
        (waiting.id, "bo@example.com"),
        (solved.id, "cy@example.com"),
    ]
    assert tickets.get(desk, int(clocked)).subject == "VPN drops"
    assert {row[1:2] + row[3:] for row in queued} == {("reply", "queued")}


def test_a_reply_the_light_writer_cannot_do_is_left_to_the_ordinary_path(
    desks, cli_inproc_bytes, tmp_path: Path
) -> None:
    light_url, full_url, desk = desks
    ticket = str(_with_clocks(desk))
    version = tickets.get(desk, int(ticket)).version
    tickets.update(desk, int(ticket), tickets.Changes(status="pending"))
    closed = str(tickets.create(desk, subject="Done").id)
    tickets.update(desk, int(closed), tickets.Changes(status="solved"))
    tickets.close(desk, int(closed))
    secret = tickets.list_page(desk, 'queue:"Security"', limit=1).items[0].id
    attached = tmp_path / "vpn.conf"
    attached.write_text("remote vpn.example.com")
    _copy(light_url, full_url)
    for args in (
        ("ticket", "reply", closed, "--body", "too late"),  # Conflict: closed
        ("ticket", "reply", ticket, "--body", "stale", "--if-version", str(version)),
        ("ticket", "reply", "999999", "--body", "nobody"),
        ("--as", "bob", "ticket", "reply", str(secret), "--body", "hidden"),
        ("ticket", "reply", ticket, "--body", "   "),
        ("ticket", "reply", ticket, "--body", "x", "--time", "forever"),
        ("ticket", "reply", ticket, "--body", "x", "--status", "solved"),
        ("ticket", "reply", ticket, "--body", "x", "--attach", str(attached)),
        ("--debug", "ticket", "reply", ticket, "--body", "x"),
    ):
        _twice(cli_inproc_bytes, light_url, full_url, *args, light=False)
    _twice(
        cli_inproc_bytes,
        light_url,
        full_url,
        "ticket",
        "reply",
        ticket,
        "--body",
        "-",
        light=False,
        input="from stdin\n",
    )
    assert _dump(light_url) == _dump(full_url)


def test_a_busy_desk_is_left_to_the_ordinary_path(desks, monkeypatch) -> None:
    """Another writer holding the desk: the light writer gives up after a moment, having
    written nothing (the ordinary path waits, says so, and gives up after busy_timeout)."""
    from deskterm.store import light

    light_url, _full_url, desk = desks
    monkeypatch.setattr(light, "WRITE_WAIT", 0.05)
    ticket = _with_clocks(desk)
    before = tickets.get(desk, ticket).version
    with desk.store.write():
        assert tickets.message_light(light_url, "alice", ticket, "note", "waiting") is None
    assert tickets.get(desk, ticket).version == before
    assert tickets.message_light(light_url, "alice", ticket, "note", "now") is not None
    assert tickets.get(desk, ticket).version == before + 1


_PROBE = """
import sys
from deskterm.cli.entry import run
try:
    run(sys.argv[1:])
finally:
    heavy = ("sqlalchemy", "pydantic", "alembic", "typer", "psycopg")
    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def test_a_note_imports_no_sqlalchemy_or_pydantic(desks) -> None:
    light_url, _full_url, desk = desks
    ticket = _with_clocks(desk)
    env = {"DESKTERM_DB": light_url, "DESKTERM_AGENT": "alice", "PATH": ""}
    for args in (
        ("ticket", "note", str(ticket), "--body", "light", "-f", "json"),
        ("ticket", "note", str(ticket), "--body", "with time", "--time", "20m", "-f", "json"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert '"id": ' + str(ticket) in done.stdout
        assert done.stderr.splitlines()[-1] == "[]", (args, done.stderr)
    assert [m.body for m in tickets.detail(desk, ticket).messages][-2:] == ["light", "with time"]


def test_a_reply_imports_no_sqlalchemy_or_pydantic(desks) -> None:
    light_url, _full_url, desk = desks
    ticket = _with_clocks(desk)
    env = {"DESKTERM_DB": light_url, "DESKTERM_AGENT": "alice", "PATH": ""}
    args = ("ticket", "reply", str(ticket), "--body", "light reply", "-f", "json")
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert '"id": ' + str(ticket) in done.stdout
    assert done.stderr.splitlines()[-1] == "[]", done.stderr
    assert [m.body for m in tickets.detail(desk, ticket).messages][-1] == "light reply"
