"""A bulk update killed with SIGKILL mid-way leaves the database consistent and openable.

``deskterm ticket update --query ... --add-tag ... --yes`` on ~10,000 tickets runs for
seconds; the test kills the real process (forked from a server that has imported deskterm,
``forked.py``) with SIGKILL (no handler, no cleanup) at several points of the transaction,
then opens the database again: it opens, SQLite's ``PRAGMA integrity_check`` says ``ok``,
and either no ticket or every matching ticket has the tag, with exactly one audit row per
tagged ticket and versions moved only for those. On PostgreSQL the client is killed and the
server rolls the transaction back.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

import forked
from deskterm.demo import seed_desk
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets.read import count, matching_ids

pytestmark = pytest.mark.slow

TICKETS = 10_000
QUERY = "is:unsolved"
TAG = "sigkill-probe"


def _prepare(desk: Desk) -> None:
    """10,000 seeded tickets, the closed ones (read-only) reopened so a bulk update matches
    almost all of them."""
    seed_desk(desk, tickets=TICKETS, articles=0)
    with desk.store.write() as conn:
        conn.exec_driver_sql(
            "UPDATE tickets SET status = 'open', solved_at = NULL, closed_at = NULL "
            "WHERE status IN ('solved', 'closed')"
        )


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    path = tmp_path_factory.mktemp("interrupt") / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        _prepare(desk)
    finally:
        desk.close()
    return path


@dataclass
class State:
    matching: int
    tagged: int
    audit_rows: int
    version_sum: int


def _state(url: str) -> State:
    desk = open_desk(url, "alice", initialize=False)
    try:
        with desk.store.read() as conn:
            audit_rows = conn.execute(
                text(
                    "SELECT count(*) FROM audit_events WHERE field = 'tags' AND new_value LIKE :p"
                ),
                {"p": f"%{TAG}%"},
            ).scalar_one()
            version_sum = conn.exec_driver_sql("SELECT sum(version) FROM tickets").scalar_one()
        return State(
            matching=len(matching_ids(desk, QUERY)),
            tagged=count(desk, f"tag:{TAG}"),
            audit_rows=int(audit_rows),
            version_sum=int(version_sum),
        )
    finally:
        desk.close()


def _start(commands: forked.Commands, url: str) -> forked.ForkedProcess:
    env = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"}
    update = ("ticket", "update", "--query", QUERY, "--add-tag", TAG, "--yes")
    return commands.popen(["--quiet", *update, "--format", "ids"], env=env, stderr=forked.PIPE)


def _kill_when(proc: forked.ForkedProcess, ready: Callable[[], bool], cap: float) -> bool:
    """SIGKILL ``proc`` once ``ready()`` (or after ``cap`` seconds); False if it had already
    finished on its own."""
    deadline = time.monotonic() + cap
    while proc.poll() is None and time.monotonic() < deadline and not ready():
        time.sleep(0.005)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return True


def _assert_all_or_nothing(before: State, after: State) -> str:
    assert after.tagged in (0, before.matching), (
        f"{after.tagged} of {before.matching} tickets tagged: a half-applied bulk update"
    )
    if after.tagged == 0:
        assert after.audit_rows == 0
        assert after.version_sum == before.version_sum
        return "nothing"
    assert after.audit_rows == before.matching
    assert after.version_sum == before.version_sum + before.matching
    return "all"


def _wal_bytes(db: Path) -> int:
    try:
        return db.with_name(db.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("wal_bytes", [1, 2_000_000, 5_000_000], ids=["early", "mid", "late"])
def test_sigkill_mid_bulk_update_on_sqlite_is_all_or_nothing(
    seeded_sqlite: Path, tmp_path: Path, wal_bytes: int, forked_commands: forked.Commands
) -> None:
    db = tmp_path / "desk.db"
    shutil.copyfile(seeded_sqlite, db)
    url = f"sqlite:///{db}"
    before = _state(url)
    assert before.matching > 9_000 and before.tagged == 0

    proc = _start(forked_commands, url)
    killed = _kill_when(proc, lambda: _wal_bytes(db) >= wal_bytes, cap=20)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert killed, f"the update finished before the kill (exit {proc.returncode}): {stderr}"
    assert proc.returncode == -signal.SIGKILL
    assert _wal_bytes(db) > 0, "killed before the transaction wrote anything"

    with sqlite3.connect(db) as conn:  # recovers the WAL like any later opener
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    after = _state(url)
    _assert_all_or_nothing(before, after)

    # Not only readable: the next bulk update runs and applies in full.
    rerun = _start(forked_commands, url)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err.decode()
    final = _state(url)
    assert final.tagged == final.matching == before.matching
    assert final.audit_rows == before.matching


# -- PostgreSQL: kill the client, the server rolls back -------------------------------------


@pytest.fixture
def seeded_pg(backend_url: str) -> str:
    desk = open_desk(backend_url, "alice")
    try:
        _prepare(desk)
    finally:
        desk.close()
    return backend_url


def _pg_sessions(url: str, where: str) -> int:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            f"AND application_name = 'deskterm' AND {where}",
            (parsed.database,),
        ).fetchone()
        return int(row[0]) if row else 0


@pytest.mark.parametrize("backend", ["postgres"])
def test_sigkill_mid_bulk_update_on_postgres_is_rolled_back(
    seeded_pg: str, forked_commands: forked.Commands
) -> None:
    before = _state(seeded_pg)
    assert before.matching > 9_000 and before.tagged == 0

    proc = _start(forked_commands, seeded_pg)
    # Inside the write transaction for at least half a second: well into the updates.
    in_transaction = "xact_start < now() - interval '0.5 seconds' AND state <> 'idle'"
    killed = _kill_when(proc, lambda: _pg_sessions(seeded_pg, in_transaction) > 0, cap=20)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert killed, f"the update finished before the kill (exit {proc.returncode}): {stderr}"

    deadline = time.monotonic() + 30
    while _pg_sessions(seeded_pg, "true") and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the dead client and rolls back
    after = _state(seeded_pg)
    assert _assert_all_or_nothing(before, after) == "nothing"
