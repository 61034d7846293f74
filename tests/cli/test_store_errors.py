"""When the database cannot be used: one clear line, no password, nothing changed.

The commands run in-process (``cli_inproc``, ``deskterm_inproc``): what is checked is the
message, the exit code and the data, which ``test_inproc_runner.py`` shows are the same as a
process gives. The desk kept busy by "another process" is another connection either way."""

from __future__ import annotations

import pytest
from clitools import SQLITE_ONLY, fails, ok, ok_json, one_error_line
from sqlalchemy import func, insert, select, text

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.store import schema

UNREACHABLE = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/x"
UNWRITABLE = "sqlite:////proc/deskterm/x.db"


@pytest.mark.parametrize(
    ("via", "args"),
    [
        pytest.param("deskterm_inproc", ["ticket", "list"], id="ticket-list"),
        pytest.param("deskterm_inproc", ["db", "init"], id="db-init"),
        pytest.param("deskterm_inproc", ["ticket", "create", "-s", "x"], id="ticket-create"),
        pytest.param("deskterm_inproc", ["db", "status"], id="db-status"),
        pytest.param("deskterm_inproc", ["db", "migrate"], id="db-migrate"),
    ],
)
def test_an_unreachable_postgresql_is_one_line_naming_the_host_without_the_password(
    request: pytest.FixtureRequest, via: str, args: list[str]
) -> None:
    result = request.getfixturevalue(via)("--db", UNREACHABLE, "--as", "alice", *args)

    line = one_error_line(result, 1)
    assert "127.0.0.1" in line
    assert "hunter2" not in result.stdout + result.stderr
    assert result.stdout == ""


def test_db_doctor_on_an_unreachable_server_reports_it_without_the_password(
    deskterm_inproc,
) -> None:
    result = deskterm_inproc("--db", UNREACHABLE, "db", "doctor", "--format", "table")

    assert "hunter2" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "FAIL  connection:" in result.stdout
    assert "127.0.0.1" in result.stdout


def test_db_doctor_exits_1_when_a_check_fails(deskterm_inproc) -> None:
    result = deskterm_inproc("--db", UNREACHABLE, "db", "doctor")

    assert result.returncode == 1


@pytest.mark.parametrize(
    ("via", "args"),
    [
        pytest.param("deskterm_inproc", ["ticket", "list"], id="ticket-list"),
        pytest.param("deskterm_inproc", ["db", "init"], id="db-init"),
    ],
)
def test_an_unusable_sqlite_path_is_one_line_naming_the_path(
    request: pytest.FixtureRequest, via: str, args: list[str]
) -> None:
    result = request.getfixturevalue(via)("--db", UNWRITABLE, "--as", "alice", *args)

    line = one_error_line(result, 1)
    assert "/proc/deskterm" in line
    assert result.stdout == ""


# -- schema versions --------------------------------------------------------------------------


def _set_schema_version(desk: Desk, revision: str) -> None:
    with desk.store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


def _schema_version(desk: Desk) -> str:
    with desk.store.read() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _ticket_rows(desk: Desk) -> list[tuple[int, str, int]]:
    t = schema.tickets
    with desk.store.read() as conn:
        return [tuple(row) for row in conn.execute(select(t.c.id, t.c.subject, t.c.version))]


def _audit_count(desk: Desk) -> int:
    with desk.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.audit_events)).scalar_one())


@pytest.mark.parametrize(
    ("via", "args"),
    [
        pytest.param("cli_inproc", ["ticket", "create", "-s", "new one"], id="ticket-create"),
        pytest.param("cli_inproc", ["db", "migrate"], id="db-migrate"),
    ],
)
def test_a_database_written_by_a_newer_version_is_refused_and_left_untouched(
    request: pytest.FixtureRequest, desk, via: str, args: list[str]
) -> None:
    tickets.create(desk, subject="Written before")
    _set_schema_version(desk, "9999_future")
    before = (_ticket_rows(desk), _audit_count(desk))

    result = request.getfixturevalue(via)(*args)

    line = one_error_line(result, 1)
    assert "newer" in line
    assert "9999_future" in line
    assert (_ticket_rows(desk), _audit_count(desk)) == before
    assert _schema_version(desk) == "9999_future"


@SQLITE_ONLY
def test_a_database_behind_the_code_says_to_run_db_migrate(cli_inproc, desk) -> None:
    tickets.create(desk, subject="Old desk")
    _set_schema_version(desk, "0001_initial")
    before = _ticket_rows(desk)

    line = fails(cli_inproc("ticket", "list"), 1)

    assert "deskterm db migrate" in line
    assert "0001_initial" in line
    assert _ticket_rows(desk) == before


def _downgrade_one_revision(desk: Desk) -> None:
    """Make the desk a real older database: Alembic downgrade by one revision."""
    from alembic import command
    from alembic.config import Config

    with desk.store.write() as conn:
        config = Config()
        config.set_main_option("script_location", "deskterm.store:migrations")
        config.attributes["connection"] = conn
        command.downgrade(config, "-1")


def test_db_migrate_upgrades_an_older_database_and_keeps_every_row(cli_inproc, desk) -> None:
    from deskterm.store.migrations import HEAD, REVISIONS

    tickets.create(desk, subject="Kept across the upgrade", body="and its thread")
    _downgrade_one_revision(desk)
    before = (_ticket_rows(desk), _audit_count(desk))

    refused = fails(cli_inproc("ticket", "list"), 1)
    assert "deskterm db migrate" in refused

    out = ok(cli_inproc("db", "migrate"))

    assert f"from {REVISIONS[-2]} to {HEAD}" in out
    assert _schema_version(desk) == HEAD
    assert (_ticket_rows(desk), _audit_count(desk)) == before


# -- settings that cannot silently point elsewhere --------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["sqlite:///", "sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?cache=shared"],
)
def test_a_url_that_would_write_into_memory_is_refused_and_nothing_is_created(
    deskterm_inproc, url: str
) -> None:
    from deskterm import paths

    result = deskterm_inproc("ticket", "create", "-s", "Lost forever?", env={"DESKTERM_DB": url})

    line = one_error_line(result, 2)
    assert "no database file" in line
    assert result.stdout == ""
    assert not paths.default_database_file().exists()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["ticket", "list"], id="ticket-list"),
        pytest.param(["ticket", "create", "-s", "x"], id="ticket-create"),
        pytest.param(["db", "status"], id="db-status"),
        pytest.param(["db", "migrate"], id="db-migrate"),
        pytest.param(["export"], id="export"),
    ],
)
def test_an_explicit_desk_that_does_not_exist_is_an_error_saying_how_to_create_it(
    deskterm_inproc, tmp_path, args: list[str]
) -> None:
    path = tmp_path / "mistyped" / "dsek.db"
    url = f"sqlite:///{path}"

    line = one_error_line(deskterm_inproc("--db", url, "--as", "alice", *args), 1)

    assert str(path) in line
    assert f"deskterm --db {url} db init" in line
    assert not path.parent.exists()


def test_db_doctor_on_a_desk_that_does_not_exist_fails_the_connection_check(
    deskterm_inproc, tmp_path
) -> None:
    path = tmp_path / "nope.db"

    result = deskterm_inproc("--db", f"sqlite:///{path}", "db", "doctor", "--format", "table")

    assert result.returncode == 1
    assert f"FAIL  connection: no desk at {path}" in result.stdout
    assert not path.exists()


def _text_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("call the printer vendor on monday\n")
    return path


def _truncated(tmp_path):
    path = tmp_path / "half.db"
    data = (tmp_path / "desk.db").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _directory(tmp_path):
    path = tmp_path / "a-folder"
    path.mkdir()
    return path


NOT_A_DESK = [
    pytest.param(_text_file, id="text-file"),
    pytest.param(_truncated, id="truncated"),
    pytest.param(_directory, id="folder"),
]
EVERY_COMMAND = [
    ["ticket", "list"],
    ["ticket", "show", "1"],
    ["ticket", "create", "-s", "x"],
    ["ticket", "note", "1", "--body", "x"],
    ["kb", "search", "vpn"],
    ["agent", "whoami"],
    ["report"],
    ["export"],
    ["batch", "-"],
    ["db", "init"],
    ["db", "migrate"],
    ["db", "status"],
    ["db", "seed", "--tickets", "1", "--articles", "0"],
]


@SQLITE_ONLY
@pytest.mark.parametrize("make", NOT_A_DESK)
def test_a_file_that_is_not_a_desk_is_one_line_naming_it_from_every_command_and_untouched(
    deskterm_inproc, backend_url, tmp_path, make
) -> None:
    path = make(tmp_path)
    before = (
        sorted(path.iterdir()) if path.is_dir() else path.read_bytes(),
        path.stat().st_mtime_ns,
    )

    for args in EVERY_COMMAND:
        stdin = '{"op": "note", "id": 1, "body": "x"}\n' if args[0] == "batch" else ""
        result = deskterm_inproc("--db", f"sqlite:///{path}", "--as", "alice", *args, input=stdin)
        line = one_error_line(result, 1)
        assert str(path) in line, (args, line)
        assert "database" in line

    after = (
        sorted(path.iterdir()) if path.is_dir() else path.read_bytes(),
        path.stat().st_mtime_ns,
    )
    assert after == before
    assert not any(p.name.endswith(("-wal", "-shm", "-journal")) for p in tmp_path.iterdir())


@SQLITE_ONLY
@pytest.mark.parametrize("make", NOT_A_DESK)
def test_db_doctor_on_a_file_that_is_not_a_desk_names_it_and_leaves_it_untouched(
    deskterm_inproc, backend_url, tmp_path, make
) -> None:
    path = make(tmp_path)
    before = (
        sorted(path.iterdir()) if path.is_dir() else path.read_bytes(),
        path.stat().st_mtime_ns,
    )

    result = deskterm_inproc("--db", f"sqlite:///{path}", "db", "doctor", "--format", "table")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and str(path) in failed[0], result.stdout
    after = (
        sorted(path.iterdir()) if path.is_dir() else path.read_bytes(),
        path.stat().st_mtime_ns,
    )
    assert after == before


# -- ids and versions: 64-bit on both backends, out of range is invalid input ---------------


def test_a_ticket_number_beyond_32_bits_is_simply_not_found(cli_inproc) -> None:
    result = cli_inproc("ticket", "show", "2147483648")

    line = one_error_line(result, 3)
    assert "2147483648" in line
    assert "SELECT" not in result.stderr


@pytest.mark.parametrize(
    "value", ["9223372036854775808", "99999999999999999999999", "0", "-1", "-9223372036854775809"]
)
def test_a_ticket_number_out_of_the_64_bit_range_is_invalid_input(cli_inproc, value: str) -> None:
    result = cli_inproc("ticket", "show", "--", value)

    line = one_error_line(result, 2)
    assert "9223372036854775807" in line
    assert "SELECT" not in result.stderr


def test_ids_and_versions_past_32_bits_work_on_both_backends(cli_inproc, desk) -> None:
    big = 2**40
    now = desk.now()
    with desk.store.write() as conn:
        queue = conn.execute(select(schema.queues.c.id).limit(1)).scalar_one()
        conn.execute(
            insert(schema.tickets).values(
                id=big,
                subject="Ticket from a very busy desk",
                type="incident",
                status="open",
                priority=1,
                queue_id=queue,
                channel="email",
                created_at=now,
                updated_at=now,
                version=big,
            )
        )
        if desk.store.dialect == "postgresql":
            setval = "SELECT setval(pg_get_serial_sequence('tickets', 'id'), :v)"
            conn.execute(text(setval), {"v": big})

    shown = ok_json(cli_inproc("ticket", "show", str(big), "--format", "json"))
    updated = ok_json(
        cli_inproc(
            "ticket",
            "update",
            str(big),
            "--priority",
            "high",
            "--if-version",
            str(big),
            "-f",
            "json",
        )
    )
    created = ok_json(cli_inproc("ticket", "create", "-s", "After the jump", "--format", "json"))
    found = cli_inproc("ticket", "list", "busy", "--format", "ids")

    assert (shown["id"], shown["version"]) == (big, big)
    assert (updated["priority"], updated["version"]) == ("high", big + 1)
    assert created["id"] == big + 1
    assert ok(found).split() == [str(big)]


# -- a desk kept busy by another process: exit 4, nothing changed ------------------------------


def _config(tmp_path, text_: str) -> str:
    path = tmp_path / "limits.toml"
    path.write_text(text_, encoding="utf-8")
    return str(path)


@SQLITE_ONLY
def test_a_write_waiting_for_another_process_says_so_then_is_busy_with_exit_4(
    cli_inproc, desk, tmp_path
) -> None:
    import sqlite3

    ticket = tickets.create(desk, subject="Wi-Fi drops in the canteen")
    other = sqlite3.connect(desk.store.sqlite_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a long import in another terminal
    try:
        result = cli_inproc(
            "--config",
            _config(tmp_path, "[store]\nbusy_timeout = 4\n"),
            "ticket",
            "note",
            str(ticket.id),
            "--body",
            "checked the access point",
        )
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert result.returncode == 4, result.stderr
    notice, error = result.stderr.splitlines()
    assert notice.startswith("waiting for another deskterm that is writing to this desk (3 s")
    assert error.startswith("error: the desk ")
    assert "busy: another process is writing to it" in error
    assert result.stdout == ""
    assert _notes(desk, ticket.id) == []


def _notes(desk: Desk, ticket_id: int) -> list[str]:
    return [m.body for m in ticket_read.detail(desk, ticket_id).messages if m.kind == "note"]


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_write_blocked_by_a_frozen_client_is_busy_after_lock_timeout_with_exit_4(
    cli_inproc, desk, backend_url, tmp_path
) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    ticket = tickets.create(desk, subject="Shared mailbox missing")
    url = make_url(backend_url)
    frozen = psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database)
    frozen.execute("SELECT * FROM tickets WHERE id = %s FOR UPDATE", [ticket.id])
    try:
        result = cli_inproc(
            "--config",
            _config(tmp_path, "[store]\nlock_timeout = 0.5\n"),
            "ticket",
            "update",
            str(ticket.id),
            "--priority",
            "urgent",
        )
    finally:
        frozen.rollback()
        frozen.close()

    line = one_error_line(result, 4)
    assert "busy" in line
    assert "lock_timeout" in line
    assert ticket_read.get(desk, ticket.id).priority == "normal"
