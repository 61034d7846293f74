"""When the database cannot be used: one clear line, no password, nothing changed."""

from __future__ import annotations

import pytest
from clitools import SQLITE_ONLY, fails, ok, one_error_line
from sqlalchemy import func, select, text

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.store import schema

UNREACHABLE = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/x"
UNWRITABLE = "sqlite:////proc/deskterm/x.db"


@pytest.mark.parametrize(
    ("via", "args"),
    [
        pytest.param("deskterm", ["ticket", "list"], id="ticket-list"),
        pytest.param("deskterm", ["db", "init"], id="db-init"),
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
        pytest.param("deskterm", ["ticket", "list"], id="ticket-list"),
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
