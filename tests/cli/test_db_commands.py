"""``deskterm db init | migrate | status | doctor``."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, ok, ok_json

from deskterm.domain import tickets


def test_db_init_on_an_empty_database_makes_the_acting_agent_its_admin(
    deskterm_inproc, empty_url: str
) -> None:
    env = {"DESKTERM_DB": empty_url, "DESKTERM_AGENT": "dana"}

    out = ok(deskterm_inproc("db", "init", env=env))

    assert "initialized" in out
    assert 'agent "dana" is its admin' in out
    me = ok_json(deskterm_inproc("agent", "whoami", "--format", "json", env=env))
    assert (me["handle"], me["role"]) == ("dana", "admin")


@SQLITE_ONLY
def test_db_init_on_an_initialized_database_says_so_and_makes_nobody_admin(cli_inproc) -> None:
    out = ok(cli_inproc("db", "init", env={"DESKTERM_AGENT": "carol"}))

    assert "already initialized" in out
    assert "admin" not in out


def test_db_status_as_json_shows_the_schema_is_current_and_counts_rows(cli_inproc, desk) -> None:
    tickets.create(desk, subject="One")
    tickets.create(desk, subject="Two", body="with a message")

    data = ok_json(cli_inproc("db", "status", "--format", "json"))

    assert data["schema_current"] == data["schema_head"]
    assert data["schema_status"] == "current"
    assert data["backend"] in ("sqlite", "postgresql")
    counts = data["counts"]
    assert counts["tickets"] == 2
    assert counts["messages"] == 1
    assert counts["agents"] == 3
    assert counts["queues"] == 3
    assert all(type(value) is int for value in counts.values())


def test_db_doctor_reports_schema_and_search_index_ok_and_exits_0(cli_inproc) -> None:
    result = cli_inproc("db", "doctor", "--format", "json")

    checks = {row["check"]: row for row in ok_json(result)}
    assert checks["schema"]["state"] == "ok"
    assert checks["search index"]["state"] == "ok"
    assert checks["agent"]["state"] == "ok"
    assert not [row for row in checks.values() if row["state"] == "fail"]


@SQLITE_ONLY
def test_db_doctor_as_a_table_prints_ok_lines(cli_inproc) -> None:
    out = ok(cli_inproc("db", "doctor", "--format", "table"))

    assert "ok    schema:" in out
    assert "ok    search index:" in out
    assert "FAIL" not in out


@SQLITE_ONLY
def test_db_migrate_on_a_current_database_says_it_is_up_to_date(cli_inproc) -> None:
    out = ok(cli_inproc("db", "migrate"))

    assert "up to date" in out


# -- which commands create a desk -------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_init_creates_a_named_desk_that_only_its_owner_can_read(
    deskterm_inproc, tmp_path
) -> None:
    path = tmp_path / "team" / "desk.db"
    env = {"DESKTERM_DB": f"sqlite:///{path}", "DESKTERM_AGENT": "dana"}

    out = ok(deskterm_inproc("db", "init", env=env))
    ids = ok(deskterm_inproc("ticket", "create", "-s", "First", "--format", "ids", env=env))

    assert "initialized" in out and 'agent "dana" is its admin' in out
    assert ids.split() == ["1"]
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)


def test_the_default_desk_is_created_on_first_use_and_private(deskterm_inproc) -> None:
    from deskterm import paths

    ids = ok(deskterm_inproc("ticket", "create", "-s", "Zero set-up", "--format", "ids"))

    path = paths.default_database_file()
    assert ids.split() == ["1"]
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)


def test_db_seed_fills_a_named_desk_it_creates(deskterm_inproc, tmp_path) -> None:
    path = tmp_path / "big.db"
    env = {"DESKTERM_DB": f"sqlite:///{path}", "DESKTERM_AGENT": "alice"}

    ok(deskterm_inproc("db", "seed", "--tickets", "3", "--articles", "1", env=env))
    ids = ok(deskterm_inproc("ticket", "list", "--format", "ids", env=env))

    assert len(ids.split()) == 3
    assert _mode(path) == 0o600


def test_demo_creates_its_desk_and_shows_it(deskterm_inproc, tmp_path) -> None:
    path = tmp_path / "demo" / "desk.db"

    out = ok(deskterm_inproc("demo", "--tickets", "2", "--path", str(path)))

    assert path.is_file()
    assert out.strip()


@pytest.mark.parametrize("backend", ["postgres"])
def test_db_doctor_shows_the_postgresql_timeouts_in_force(cli_inproc, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[store]\nlock_timeout = 3\n", encoding="utf-8")

    result = cli_inproc("--config", str(config), "db", "doctor", "--format", "json")
    checks = {row["check"]: row for row in ok_json(result)}

    assert checks["timeouts"]["detail"] == (
        "lock_timeout 3s, statement_timeout 5min, idle_in_transaction_session_timeout 1min"
    )


@pytest.mark.parametrize("backend", ["postgres"])
def test_db_doctor_says_whether_notifications_reach_a_listener(
    cli_inproc, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli_inproc("db", "doctor", "--format", "json")
    checks = {row["check"]: row for row in ok_json(result)}
    assert checks["live updates"]["state"] == "ok"

    # As through a pooler in transaction mode: the LISTEN does not stay with the session
    # that waits, so the notification never comes.
    from deskterm.domain.setup import doctor
    from deskterm.store.notify import ChangeSignal

    listen = ChangeSignal.__init__

    def forgotten(self: ChangeSignal, store: object) -> None:
        listen(self, store)  # type: ignore[arg-type]
        self._conn.execute("UNLISTEN *")

    monkeypatch.setattr(ChangeSignal, "__init__", forgotten)
    monkeypatch.setattr(doctor, "NOTIFY_WAIT", 0.3)
    result = cli_inproc("db", "doctor", "--format", "json")
    checks = {row["check"]: row for row in ok_json(result)}
    assert checks["live updates"]["state"] == "warn"
    assert (
        "did not arrive within 0.3 s (a pooler in transaction mode?)"
        in (checks["live updates"]["detail"])
    )
