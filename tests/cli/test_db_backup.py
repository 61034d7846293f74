"""``deskterm db backup PATH``: a consistent, checked, owner-only copy of a live SQLite desk.

The copy is taken while another process keeps writing, and must open as a desk of its own;
it replaces an older backup only once complete (a full disk leaves the old one); a
PostgreSQL desk is refused with the ``pg_dump`` command to use instead.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import SQLITE_ONLY, ok, one_error_line

from conftest import DESKTERM, Run
from desk_checks import desk_problems
from deskterm.demo import seed_desk
from deskterm.domain.setup import open_desk
from disk import group_readable_umask, small_disk

#: Writes a ticket (with its first message and audit event) and a note on it, over and over,
#: each in its own transaction, printing how many it has written after each, until told to
#: stop by a line on standard input.
WRITER = """
import select, sys
from deskterm.domain import tickets
from deskterm.domain.setup import open_desk

desk = open_desk(sys.argv[1], "alice")
written = 0
while not select.select([sys.stdin], [], [], 0)[0]:
    ticket = tickets.create(desk, subject=f"written during the backup {written}", body="x" * 500)
    tickets.note(desk, ticket.id, "a note, in a transaction of its own")
    written += 1
    print(written, flush=True)
desk.close()
"""


@pytest.fixture
def seeded_db(sqlite_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        seed_desk(desk, tickets=400, articles=3, seed=9)
    finally:
        desk.close()
    return path


def _backup(url: str, target: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKTERM), "db", "backup", str(target)],
        env={**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_backup_taken_while_another_process_writes_is_a_consistent_desk(
    seeded_db: Path, tmp_path: Path, deskterm_inproc: Run
) -> None:
    url = f"sqlite:///{seeded_db}"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        for _ in range(5):  # the writer is well under way
            assert writer.stdout.readline(), "the writer stopped"
        copy = tmp_path / "copy.db"
        result = _backup(url, copy)
        assert writer.poll() is None, "the writer stopped before the backup was done"
        in_copy = _tickets(copy) - 400
        while int(writer.stdout.readline() or 0) <= in_copy:
            assert writer.poll() is None, "the writer stopped"  # it goes on after the copy
    finally:
        writer.stdin.write("stop\n")
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert ok(result).startswith(f"backed up {url} to {copy} (")
    assert "integrity check ok" in result.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert desk_problems(copy) == []
    assert desk_problems(seeded_db) == []
    # A desk of its own: the ordinary commands open it.
    env = {"DESKTERM_DB": f"sqlite:///{copy}", "DESKTERM_AGENT": "alice"}
    listed = ok(deskterm_inproc("ticket", "list", "--format", "ids", "--limit", "10000", env=env))
    assert len(listed.split()) == _tickets(copy)
    assert 400 + 5 <= _tickets(copy) < _tickets(seeded_db)  # taken mid-way


def _tickets(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])


@SQLITE_ONLY
def test_a_backup_replaces_an_older_one_owner_only_whatever_the_umask(
    cli_inproc: Run, tmp_path: Path
) -> None:
    target = tmp_path / "backups" / "desk.db"
    target.parent.mkdir()
    target.write_bytes(b"last week's backup")
    with group_readable_umask():
        ok(cli_inproc("db", "backup", str(target)))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert desk_problems(target) == []
    assert os.listdir(target.parent) == ["desk.db"]


def test_a_full_disk_during_a_backup_leaves_the_older_one(seeded_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "desk.db"
    target.parent.mkdir()
    target.write_bytes(b"last week's backup")
    result = _backup(f"sqlite:///{seeded_db}", target, preexec_fn=small_disk(200_000))
    line = one_error_line(result, 1)
    assert line.startswith(f"error: writing the backup {target} failed: ")
    assert line.endswith(f"the previous {target} is unchanged")
    assert target.read_bytes() == b"last week's backup"
    assert os.listdir(target.parent) == ["desk.db"]


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("where", "needle"),
    [
        ("desk.db", "is the desk itself; name another file"),
        (".", "is a folder; name the file to write"),
        ("missing/copy.db", "cannot write"),
    ],
)
def test_a_backup_target_that_cannot_be_is_a_usage_error(
    cli_inproc: Run, backend_url: str, tmp_path: Path, where: str, needle: str
) -> None:
    line = one_error_line(cli_inproc("db", "backup", str(tmp_path / where)), 2)
    assert needle in line


@SQLITE_ONLY
def test_a_backup_over_a_desk_in_use_is_refused(cli_inproc: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    open_desk(f"sqlite:///{other}", "alice", create=True).close()
    (tmp_path / "other.db-wal").write_bytes(b"")
    line = one_error_line(cli_inproc("db", "backup", str(other)), 2)
    assert "looks like a desk in use (other.db-wal is beside it)" in line


@SQLITE_ONLY
def test_only_an_admin_may_back_up_the_desk(cli_inproc: Run, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    one_error_line(cli_inproc("db", "backup", str(target), env={"DESKTERM_AGENT": "bob"}), 5)
    assert not target.exists()


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_postgresql_desk_is_refused_with_the_pg_dump_command(
    cli_inproc: Run, backend_url: str, tmp_path: Path
) -> None:
    from sqlalchemy.engine import make_url

    target = tmp_path / "desk.dump"
    line = one_error_line(cli_inproc("db", "backup", str(target)), 2)
    url = make_url(backend_url)
    assert line.startswith(
        "error: db backup copies SQLite desks; back up this PostgreSQL desk with: "
        f"pg_dump --format=custom --file={target} postgresql://{url.username}@{url.host}"
    )
    assert "psycopg" not in line
    assert not target.exists()
