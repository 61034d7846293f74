"""The light read path (``cli/quick.py``: plain sqlite3, no SQLAlchemy, Typer or pydantic)
writes exactly the bytes of the ordinary path, and steps aside whenever it cannot answer.

Both readers run on the same desk in this process (``cli_inproc_bytes`` runs the console
script's function; with ``quick.run`` answering False it takes the ordinary path), and the
light path is checked to have answered, so the comparison cannot pass by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import select, update

import support_pg
from conftest import DESKTERM
from deskterm.cli import quick
from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import statements
from deskterm.store import schema
from support_pg import ReusedDatabase

FORMATS = ("table", "json", "jsonl", "csv", "ids")


def _seed(url: str) -> None:
    desk = open_desk(url, "alice")
    try:
        seed_desk(desk, tickets=120, articles=0, seed=11)
        made = tickets.create(desk, subject='Quotes " and ☕, a\ttab', tags=["vip", "laptop"])
        log = tickets.NewFile("../é\x1b.log", "text/plain", b"boot log")
        tickets.note(desk, made.id, "Looked at it", time="1h30m", files=[log])
        tickets.reply(desk, made.id, "Fixed\nby a reboot", status="solved")
        tickets.rate(desk, made.id, "good", comment="quick")
    finally:
        desk.close()


# The seeded desk is made once per module and backend, and every test that asks for
# ``seeded`` gets its own copy (seeding it for each test was most of this module's time):
# on SQLite a copy of the seeded file, on PostgreSQL a database cloned from the seeded one
# and put back to its state after each test (support_pg.ReusedDatabase).


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    _seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def seeded_pg(pg_template: str) -> Iterator[ReusedDatabase]:
    name = support_pg.new_name("seeded")
    support_pg.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    database = ReusedDatabase("s", name)
    try:
        _seed(support_pg.admin_url(name))
        yield database
    finally:
        database.drop()
        support_pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backend_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The conftest's desk, or for a test that asks for ``seeded`` a copy of the seeded one."""
    seeded = "seeded" in request.fixturenames
    if backend == "sqlite":
        template = request.getfixturevalue("seeded_sqlite" if seeded else "sqlite_template")
        target = tmp_path / "desk.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    database: ReusedDatabase = request.getfixturevalue(
        "seeded_pg" if seeded else "pg_desk_database"
    )
    try:
        yield database.url()
    finally:
        database.reset()


@pytest.fixture
def seeded(desk: Desk) -> Desk:
    """The desk with 120 seeded tickets and one with a thread, time, a rating and a file."""
    return desk


@contextmanager
def _light_used(expected: bool) -> Iterator[None]:
    """Assert the light path answered (or not) within the block."""
    answers: list[bool] = []
    real = quick.run

    def spy(args: list[str]) -> bool:
        answers.append(real(args))
        return answers[-1]

    with mock.patch.object(quick, "run", spy):
        yield
    assert answers == [expected]


def _both(run: Callable[..., Any], *args: str, light: bool = True, **kw: Any) -> tuple[Any, Any]:
    with _light_used(light):
        fast = run(*args, **kw)
    with mock.patch.object(quick, "run", return_value=False):
        full = run(*args, **kw)
    return fast, full


def _same(run: Callable[..., Any], *args: str, light: bool = True, **kw: Any) -> Any:
    fast, full = _both(run, *args, light=light, **kw)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    ), args
    return fast


def _ids(desk: Desk) -> list[int]:
    return [t.id for t in tickets.list_page(desk, "", sort="id:asc", limit=200).items]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ticket_list_is_byte_for_byte_the_ordinary_one(seeded, cli_inproc_bytes, fmt) -> None:
    for sort in ("updated", "created:asc", "priority", "due", "due:desc", "id"):
        _same(cli_inproc_bytes, "ticket", "list", "--sort", sort, "--limit", "30", "-f", fmt)
    result = _same(cli_inproc_bytes, "ticket", "list", "--format", fmt)  # 50 of 121: a note
    assert b"50 of 121 shown" in result.stderr
    _same(cli_inproc_bytes, "-q", "ticket", "list", f"--format={fmt}", "--limit=7")
    _same(cli_inproc_bytes, "ticket", "list", "", "-f", fmt, "--columns", "id,tags,sla_state")
    _same(cli_inproc_bytes, "ticket", "list", "--all", "-f", fmt, "--sort", "due")


@pytest.mark.parametrize("fmt", FORMATS)
def test_ticket_show_is_byte_for_byte_the_ordinary_one(seeded, cli_inproc_bytes, fmt) -> None:
    shown = _ids(seeded)
    for ticket in (*shown[:8], shown[-1]):  # the last has a thread, time spent, a rating, a file
        _same(cli_inproc_bytes, "ticket", "show", str(ticket), "-f", fmt, columns=120)
    last = json.loads(
        _same(cli_inproc_bytes, "ticket", "show", str(shown[-1]), "-f", "json").stdout
    )
    assert (last["time_spent_seconds"], last["rating"]) == (5400, "good")
    assert [m["body"] for m in last["messages"]][-1] == "Fixed\nby a reboot"


@pytest.mark.parametrize("fmt", FORMATS)
def test_view_list_is_byte_for_byte_the_ordinary_one(seeded, cli_inproc_bytes, fmt) -> None:
    from deskterm.domain.desk import Desk as Opened
    from deskterm.domain.views import save_view

    _same(cli_inproc_bytes, "view", "list", "-f", fmt)  # none yet
    save_view(seeded, "VPN fires", "tag:vpn is:unsolved", sort="due")
    save_view(seeded, 'Quotes " ☕', "priority:>=high", shared=True)
    bob = Opened(seeded.store, "bob")
    save_view(bob, "Bob's own", "assignee:me")  # not alice's: not listed
    result = _same(cli_inproc_bytes, "view", "list", "-f", fmt)
    assert b"VPN fires" in result.stdout or fmt == "ids"
    assert b"Bob's own" not in result.stdout
    _same(cli_inproc_bytes, "--as", "bob", "view", "list", f"--format={fmt}")


@pytest.fixture
def with_articles(desk: Desk) -> Desk:
    from deskterm.domain import kb

    seed_desk(desk, tickets=5, articles=12, seed=5)
    kb.add(
        desk,
        title='VPN drops every "hour" ☕',
        body="# Fix\n\nThe VPN drops when the *lease* ends.\n\n- renew\n- reboot",
        category="Network",
        tags=["vpn", "network"],
    )
    return desk


@pytest.mark.parametrize("fmt", FORMATS)
def test_kb_show_and_search_are_byte_for_byte_the_ordinary_ones(
    backend, with_articles, cli_inproc_bytes, fmt
) -> None:
    from deskterm.domain import kb

    articles = kb.list_articles(with_articles)
    assert len(articles) == 13
    for article in articles[:4]:
        _same(cli_inproc_bytes, "kb", "show", str(article.id), "-f", fmt, columns=90)
        _same(cli_inproc_bytes, "kb", "show", article.slug.upper(), f"--format={fmt}")
    for query in ("vpn", 'vpn "drops every"', "pass*", "password -vpn", "!!!", "nosuchword"):
        _same(cli_inproc_bytes, "kb", "search", query, "-f", fmt)
    _same(cli_inproc_bytes, "kb", "search", "the", "--limit", "3", "-f", fmt)
    result = _same(cli_inproc_bytes, "kb", "search", "vpn", "-f", "json")
    assert b"VPN drops every" in result.stdout


@pytest.mark.parametrize("fmt", ("table", "json", "jsonl", "csv"))
def test_report_is_byte_for_byte_the_ordinary_one(seeded, cli_inproc_bytes, fmt) -> None:
    from datetime import timedelta

    month_ago = (seeded.now() - timedelta(days=30)).date().isoformat()
    week_ago = (seeded.now() - timedelta(days=7)).date().isoformat()
    _same(cli_inproc_bytes, "report", "-f", fmt)
    _same(cli_inproc_bytes, "report", "summary", "--since", month_ago, "-f", fmt)
    _same(cli_inproc_bytes, "report", "--since", month_ago, "--until", week_ago, "-f", fmt)
    _same(cli_inproc_bytes, "report", "SUMMARY", "--until", "2000-01-01", f"--format={fmt}")
    result = _same(cli_inproc_bytes, "report", "-f", "json")
    figures = json.loads(result.stdout)
    assert figures["created"] == 121
    assert figures["median_resolution_seconds"] is not None


def test_the_light_path_steps_aside_when_it_cannot_answer(seeded, cli_inproc_bytes) -> None:
    for args in (
        ("ticket", "list", "status:open"),  # a query
        ("ticket", "list", "--sort", "nosuch"),
        ("ticket", "list", "--limit", "0"),
        ("ticket", "list", "--limit", "10001"),
        ("ticket", "list", "--all", "--limit", "5"),
        ("ticket", "list", "-f", "yaml"),
        ("ticket", "list", "--columns", "nosuch"),
        ("ticket", "list", "--no-such-option"),
        ("ticket", "show", "999999"),  # not found: exit 3 with the usual message
        ("ticket", "show", "abc"),
        ("ticket", "show", "1", "2"),
        ("--debug", "ticket", "list"),
        ("--as", "nobody", "ticket", "list"),
        ("ticket", "list", "--help"),
        ("view", "list", "extra"),
        ("kb", "show", "no-such-article"),
        ("kb", "show", "99999"),
        ("kb", "search", "vpn", "--limit", "0"),
        ("kb", "search", "vpn", "--limit", "1001"),
        ("kb", "search"),
        ("report", "weekly"),
        ("report", "--since", "tomorrowish"),
        ("report", "--since", "2026-01-02", "--until", "2026-01-01"),
        ("report", "-f", "ids"),
        ("view", "list", "-f", "yaml"),
    ):
        _same(cli_inproc_bytes, *args, light=False)
    with seeded.store.write() as conn:
        conn.execute(
            update(schema.agents).where(schema.agents.c.handle == "bob").values(active=False)
        )
    _same(cli_inproc_bytes, "--as", "bob", "ticket", "show", "1", light=False)


def test_a_schema_not_at_head_takes_the_ordinary_path(seeded, cli_inproc_bytes) -> None:
    with seeded.store.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001_initial'")
    result = _same(cli_inproc_bytes, "ticket", "list", "-f", "json", light=False)
    assert result.returncode != 0 and b"db migrate" in result.stderr


def test_postgresql_is_read_light_too(backend, seeded, cli_inproc_bytes) -> None:
    result = _same(cli_inproc_bytes, "ticket", "show", str(_ids(seeded)[-1]), "-f", "json")
    assert json.loads(result.stdout)["rating"] == "good"


@pytest.mark.parametrize("backend", ["postgres"])
def test_postgresql_urls_are_read_as_sqlalchemy_reads_them(backend) -> None:
    from deskterm.store.light_pg import connect_args, driver_sql
    from deskterm.store.options import StoreOptions

    limits = StoreOptions(
        lock_timeout=1, statement_timeout=2, idle_in_transaction_session_timeout=3
    )
    args = connect_args(
        "postgresql+psycopg://b%40b:p%3Aw@[::1]:6543/my%20desk?sslmode=require&options=-c%20work_mem%3D8MB",
        limits,
    )
    assert args == {
        "user": "b@b",
        "password": "p:w",
        "host": "::1",
        "port": 6543,
        "dbname": "my desk",
        "sslmode": "require",
        "connect_timeout": 5,
        "application_name": "deskterm",
        "options": "-c work_mem=8MB -c lock_timeout=1000 -c statement_timeout=2000 "
        "-c idle_in_transaction_session_timeout=3000",
    }
    for other in (
        "postgresql://a@h1,h2/db",
        "postgresql://a@h/db?host=/tmp",
        "postgresql://a@h/db?sslmode=a&sslmode=b",
        "mysql://a@h/db",
        "sqlite:///desk.db",
    ):
        assert connect_args(other, limits) is None, other
    assert driver_sql("SELECT '%' || x::text FROM t WHERE a = :a AND b = :b_2") == (
        "SELECT '%%' || x::text FROM t WHERE a = %(a)s AND b = %(b_2)s"
    )


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_note_or_a_reply_on_postgresql_takes_the_ordinary_path(
    backend, seeded, backend_url, monkeypatch
) -> None:
    """The light writer is SQLite's (``tickets.quick_write``): on PostgreSQL it steps aside
    before writing anything, and the ordinary path writes."""
    monkeypatch.setenv("DESKTERM_DB", backend_url)
    monkeypatch.setenv("DESKTERM_AGENT", "alice")
    ticket = _ids(seeded)[0]
    before = tickets.get(seeded, ticket).version
    for kind in ("note", "reply"):
        assert quick.run(["ticket", kind, str(ticket), "--body", "x"]) is False
    assert tickets.get(seeded, ticket).version == before


def test_list_all_reads_one_snapshot(seeded, backend_url, monkeypatch) -> None:
    """A ticket written while ``--all`` streams does not show: every page is from the
    snapshot the stream started in."""
    from deskterm.domain.tickets import LightDesk
    from deskterm.domain.tickets import quick as light

    monkeypatch.setattr(light, "STREAM_ROWS", 10)
    reader = LightDesk.open(backend_url, "alice")
    assert reader is not None
    pages = reader.stream("id:asc")
    assert pages is not None
    first = next(pages)
    tickets.create(seeded, subject="Written mid-stream")
    rest = [t for page in pages for t in page]
    reader.close()
    assert len(first) == 10
    assert len(first) + len(rest) == 121
    assert "Written mid-stream" not in {t.subject for t in rest}


#: Every order ``ticket list --sort`` takes, both ways.
ALL_SORTS = tuple(f"{name}:{way}" for name in statements.SORTS for way in ("asc", "desc"))


def _ties(desk: Desk) -> None:
    """Tickets that share every sort column but ``id``, some with no ``sla_due``: where
    the chunks of ``--all --format ids`` must go on after the last id read (each walk's
    statements after a key, ``quick._id_parts``)."""
    t = schema.tickets
    shown = _ids(desk)
    with desk.store.write() as conn:
        updated, created, due = conn.execute(
            select(t.c.updated_at, t.c.created_at, t.c.sla_due).where(t.c.sla_due.is_not(None))
        ).first()
        same = {"updated_at": updated, "created_at": created, "priority": 2}
        conn.execute(update(t).where(t.c.id.in_(shown[10:40])).values(**same, sla_due=due))
        conn.execute(update(t).where(t.c.id.in_(shown[40:60])).values(**same, sla_due=None))


@pytest.mark.parametrize(("first", "most"), [(1, 1), (2, 3), (3, 48)])
def test_list_all_ids_is_the_ordinary_list_in_every_order(
    seeded, cli_inproc_bytes, monkeypatch, first, most
) -> None:
    """The light ``--all --format ids`` (SQLite's text, a chunk of ids a statement) gives
    the ordinary list's ids in every order, whatever the chunks, across ties and NULLs."""
    from deskterm.domain.tickets import quick as light

    _ties(seeded)
    monkeypatch.setattr(light, "STREAM_ROWS", first)
    monkeypatch.setattr(light, "ID_CHUNK", most)
    for sort in ALL_SORTS:
        result = _same(cli_inproc_bytes, "ticket", "list", "--all", "-f", "ids", "--sort", sort)
        assert len(set(result.stdout.split())) == 121, sort
        assert result.stdout.endswith(b"\n") and result.stderr == b"", sort
    everything = _same(cli_inproc_bytes, "ticket", "list", "--all", "-f", "ids")
    assert everything.stdout == b"".join(f"{i}\n".encode() for i in _ordered(seeded, None))


def _ordered(desk: Desk, sort: str | None) -> list[int]:
    return [t.id for t in tickets.list_page(desk, "", sort=sort, limit=10_000).items]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-16"])
def test_list_all_ids_in_any_stream_encoding(seeded, cli_inproc_bytes, encoding) -> None:
    """The ids go straight to stdout's bytes only where they are those bytes (not UTF-16)."""
    result = _same(cli_inproc_bytes, "ticket", "list", "--all", "-f", "ids", encoding=encoding)
    assert result.stdout.decode(encoding).split() == [str(i) for i in _ordered(seeded, None)]


def test_list_all_ids_reads_one_snapshot(seeded, backend_url, monkeypatch) -> None:
    """A ticket written or moved while ``--all --format ids`` streams does not show: every
    chunk is from the snapshot the stream started in."""
    from deskterm.domain.tickets import LightDesk
    from deskterm.domain.tickets import quick as light

    monkeypatch.setattr(light, "STREAM_ROWS", 10)
    monkeypatch.setattr(light, "ID_CHUNK", 20)
    before = _ordered(seeded, None)
    reader = LightDesk.open(backend_url, "alice")
    assert reader is not None
    chunks = reader.stream_ids(None)
    assert chunks is not None
    first = next(chunks)
    tickets.create(seeded, subject="Written mid-stream")
    oldest_open = [t.id for t in tickets.list_page(seeded, "is:unsolved", limit=200).items][-1]
    tickets.note(seeded, oldest_open, "Moves the ticket to the top of the list")
    rest = b"".join(chunks)
    reader.close()
    assert [int(i) for i in (first + rest).split()] == before
    assert len(first.split()) == 10


def test_list_all_ids_to_a_reader_gone_is_not_an_error(seeded, backend_url) -> None:
    """``deskterm ticket list --all -f ids | head -0``: the ids' first write finds the pipe
    closed; exit 0 and nothing on stderr, as for every other format."""
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [str(DESKTERM), "ticket", "list", "--all", "-f", "ids"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
        )
    finally:
        os.close(read_end)  # gone before the command has started (its imports take longer)
        os.close(write_end)
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")


#: Run the console script in a fresh interpreter and print the heavy modules it imported.
_PROBE = """
import sys
from deskterm.cli.entry import run
try:
    run(sys.argv[1:])
finally:
    heavy = ("sqlalchemy", "pydantic", "alembic", "typer", "psycopg", "rich")
    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def test_read_commands_import_no_sqlalchemy_pydantic_or_alembic(
    backend, seeded, backend_url
) -> None:
    from deskterm.domain import kb

    kb.add(seeded, title="Password rules", body="At least twelve characters.")
    shown = str(_ids(seeded)[-1])
    env = {"DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice", "PATH": ""}
    commands = [
        ("ticket", "show", shown, "-f", "json"),
        ("ticket", "list", "--limit", "50", "--format", "json"),
        ("view", "list", "--format", "json"),
        ("kb", "show", "1", "--format", "json"),
        ("report", "--format", "json"),
        ("ticket", "list", "--all", "--format", "ids"),
        ("ticket", "list", "--format", "csv"),
    ]
    commands.append(("kb", "search", "password", "--format", "json"))
    for args in commands:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout
        driver = "['psycopg']" if backend == "postgres" else "[]"
        assert done.stderr.splitlines()[-1] == driver, (args, done.stderr)


def test_root_help_and_version_are_typers_own(deskterm_inproc) -> None:
    """If this fails after a change to a command or an option, regenerate the kept help:
    python -m deskterm.cli.help_text"""
    for columns in (80, 100, 200):
        _same(deskterm_inproc, "--help", columns=columns)
        _same(deskterm_inproc, "-h", columns=columns)
    _same(deskterm_inproc, "--version")
    _same(deskterm_inproc, "--help", columns=79, light=False)


def test_the_kept_root_help_is_made_from_the_code_as_it_is() -> None:
    """If this fails, a command or a root option changed: python -m deskterm.cli.help_text"""
    from deskterm.cli import help_text

    assert help_text.current(), (
        "cli/main.py or cli/lazy.py changed since the kept root help was made; the ordinary "
        "path prints the help until you run: python -m deskterm.cli.help_text"
    )


def test_an_old_kept_root_help_is_never_printed(deskterm_inproc, monkeypatch) -> None:
    from deskterm.cli import help_text

    monkeypatch.setattr(help_text, "ROOT_HELP", "stale\n")
    monkeypatch.setattr(help_text, "FINGERPRINT", help_text.FINGERPRINT ^ 1)
    result = _same(deskterm_inproc, "--help", light=False)
    assert result.stdout.startswith("Usage: deskterm")
