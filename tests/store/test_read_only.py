"""A desk that cannot be written (an archived snapshot, a read-only mount) can still be
listed, shown, searched and exported; writes are refused with one line saying the desk is
read-only (exit 5), and nothing in its folder changes.

The commands run in a process of their own, apart from the test's: root ignores file
permissions, so when the tests run as root that process runs without the capabilities that
let it (``setpriv``); the read-only mount is a bind mount in a private mount namespace
(``unshare -m``), seen by that process only. One process runs all the commands of a test,
one after another, through the console script's function as ``cli_inproc`` does
(``tests/inproc.py``; each run opens and closes its own desk, as a process would):
starting a process for each command would cost ~0.7 s of CPU apiece.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.setup import open_desk

TESTS = Path(__file__).parents[1]
#: Runs each command of the JSON list argv[2] in this one process and prints, as JSON, each
#: one's exit code, stdout and stderr.
COMMANDS = """
import json, sys
sys.path.insert(0, sys.argv[1])
from inproc import run_inproc
answers = []
for args in json.loads(sys.argv[2]):
    result = run_inproc(args, env={}, input=None)
    answers.append([result.returncode, result.stdout, result.stderr])
print(json.dumps(answers))
"""
SUBJECT = "Archive: VPN concentrator replaced"
WORD = "concentrator"

Result = subprocess.CompletedProcess[str]
Runner = Callable[[Sequence[Sequence[str]]], list[Result]]


def _unprivileged() -> list[str]:
    """A prefix that makes the command subject to file permissions even as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root would ignore the read-only modes")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def _run(prefix: Sequence[str], url: str, commands: Sequence[Sequence[str]]) -> list[Result]:
    """Each of ``commands`` run by deskterm, all in one process started with ``prefix``."""
    env = {**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice", "COLUMNS": "100"}
    done = subprocess.run(
        [*prefix, sys.executable, "-c", COMMANDS, str(TESTS), json.dumps(commands)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return [
        subprocess.CompletedProcess(["deskterm", *args], code, out, err)
        for args, (code, out, err) in zip(commands, json.loads(done.stdout), strict=True)
    ]


def _mount_read_only(folder: Path) -> list[str]:
    """A prefix that runs the command with ``folder`` bind-mounted read-only."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", script, str(folder), "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a private read-only mount here: {probe.stderr.strip()}")
    return [unshare, "-m", "sh", "-c", script, str(folder)]


def _make_desk(folder: Path, template: Path) -> tuple[Path, int]:
    folder.mkdir()
    path = folder / "desk.db"
    shutil.copyfile(template, path)
    desk = open_desk(f"sqlite:///{path}", "alice")
    try:
        ticket = tickets.create(desk, subject=SUBJECT, body="Old one failed on Friday.")
    finally:
        desk.close()
    return path, ticket.id


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _assert_reads_work_and_writes_are_refused(run: Runner, ticket_id: int) -> None:
    writes = [
        ["ticket", "note", str(ticket_id), "--body", "checked the logs"],
        ["ticket", "create", "--subject", "New problem"],
        ["ticket", "update", str(ticket_id), "--priority", "high"],
    ]
    listed, shown, found, exported, *refusals = run(
        [
            ["ticket", "list", "--format", "ids"],
            ["ticket", "show", str(ticket_id), "--format", "json"],
            ["ticket", "list", WORD, "--format", "ids"],
            ["export"],
            *writes,
        ]
    )
    assert (listed.returncode, listed.stderr) == (0, "")
    assert str(ticket_id) in listed.stdout.split()

    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["subject"] == SUBJECT

    assert (found.returncode, found.stdout.split()) == (0, [str(ticket_id)])

    assert exported.returncode == 0, exported.stderr
    assert SUBJECT in exported.stdout

    for args, refused in zip(writes, refusals, strict=True):
        assert refused.returncode == 5, (args, refused.stderr)
        assert refused.stderr.startswith("error: the desk ")
        assert "read-only" in refused.stderr
        assert len(refused.stderr.splitlines()) == 1, refused.stderr


def _read_only_file(folder: Path) -> None:
    (folder / "desk.db").chmod(0o400)


def _read_only_folder(folder: Path) -> None:
    folder.chmod(0o500)


@pytest.mark.parametrize(
    "make_read_only",
    [
        pytest.param(_read_only_file, id="read-only-file"),
        pytest.param(_read_only_folder, id="read-only-folder"),
    ],
)
def test_a_desk_without_write_permission_reads_and_refuses_writes(
    tmp_path: Path, sqlite_template: Path, make_read_only
) -> None:
    prefix = _unprivileged()
    folder = tmp_path / "archive"
    path, ticket_id = _make_desk(folder, sqlite_template)
    make_read_only(folder)
    before = _state(folder)
    try:
        _assert_reads_work_and_writes_are_refused(
            lambda commands: _run(prefix, f"sqlite:///{path}", commands), ticket_id
        )
        assert _state(folder) == before  # nothing written, no -wal or -shm left behind
    finally:
        folder.chmod(0o700)
        path.chmod(0o600)


def test_a_desk_on_a_read_only_mount_reads_and_refuses_writes(
    tmp_path: Path, sqlite_template: Path
) -> None:
    folder = tmp_path / "snapshot"
    path, ticket_id = _make_desk(folder, sqlite_template)
    prefix = _mount_read_only(folder)
    before = _state(folder)

    _assert_reads_work_and_writes_are_refused(
        lambda commands: _run(prefix, f"sqlite:///{path}", commands), ticket_id
    )

    assert _state(folder) == before


def _copy_with_pending_wal(tmp_path: Path, template: Path) -> tuple[Path, int]:
    """A copy of a desk taken while it was open: its last ticket is only in the -wal file."""
    live = tmp_path / "live"
    live.mkdir()
    shutil.copyfile(template, live / "desk.db")
    copy = tmp_path / "copy"
    copy.mkdir()
    desk = open_desk(f"sqlite:///{live / 'desk.db'}", "alice")
    try:
        ticket = tickets.create(desk, subject=SUBJECT, body="Only in the write-ahead log.")
        for name in ("desk.db", "desk.db-wal", "desk.db-shm"):
            shutil.copyfile(live / name, copy / name)
    finally:
        desk.close()
    assert (copy / "desk.db-wal").stat().st_size > 0
    return copy / "desk.db", ticket.id


def test_a_read_only_desk_with_changes_still_in_its_wal_shows_them(
    tmp_path: Path, sqlite_template: Path
) -> None:
    prefix = _unprivileged()
    path, ticket_id = _copy_with_pending_wal(tmp_path, sqlite_template)
    folder = path.parent
    for file in folder.iterdir():
        file.chmod(0o400)
    folder.chmod(0o500)
    try:
        shown, refused = _run(
            prefix,
            f"sqlite:///{path}",
            [
                ["ticket", "show", str(ticket_id), "-f", "json"],
                ["ticket", "note", str(ticket_id), "-b", "x"],
            ],
        )
    finally:
        folder.chmod(0o700)

    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["subject"] == SUBJECT
    assert refused.returncode == 5
    assert "read-only" in refused.stderr


def test_a_read_only_desk_whose_wal_cannot_be_read_says_why_in_one_line(
    tmp_path: Path, sqlite_template: Path
) -> None:
    prefix = _unprivileged()
    path, _ = _copy_with_pending_wal(tmp_path, sqlite_template)
    folder = path.parent
    (folder / "desk.db-shm").unlink()
    folder.chmod(0o500)
    before = _state(folder)
    try:
        (result,) = _run(prefix, f"sqlite:///{path}", [["ticket", "list", "--format", "ids"]])
        after = _state(folder)
    finally:
        folder.chmod(0o700)

    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot read database ")
    assert f"{path}-wal" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert after == before


def test_db_doctor_on_a_read_only_desk_reports_it_and_passes(
    tmp_path: Path, sqlite_template: Path
) -> None:
    prefix = _unprivileged()
    folder = tmp_path / "archive"
    path, _ = _make_desk(folder, sqlite_template)
    path.chmod(0o400)
    try:
        (result,) = _run(prefix, f"sqlite:///{path}", [["db", "doctor", "--format", "json"]])
    finally:
        path.chmod(0o600)

    assert result.returncode == 0, result.stdout + result.stderr
    checks = {row["check"]: row for row in json.loads(result.stdout)}
    assert checks["access"]["state"] == "warn"
    assert "read-only" in checks["access"]["detail"]
    assert checks["schema"]["state"] == "ok"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
