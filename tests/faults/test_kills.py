"""Fault injection: deskterm killed with SIGKILL at random moments leaves nothing broken.

Export, import, batch and a bulk update (``ticket update --query ... --yes``) run as real
processes of the command (forked from a server that has imported deskterm, ``forked.py``: the
random moments fall in the command's work, not in its imports) on a small SQLite desk and
are killed at a random moment, no handler and no cleanup. After each kill the desk is
consistent (``desk_checks``: integrity, search index, versions against the audit log), what
the command does happened in full or not at all, and the previous backup is byte for byte as
it was.

The moments are random but seeded: the seed is in every failure message, and
``DESKTERM_FAULT_SEED=N`` runs the same kills again.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import forked
from desk_checks import desk_problems
from deskterm.demo import seed_desk
from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.transfer import jsonl as transfer

pytestmark = pytest.mark.slow

RUNS = 20
SEED = int(os.environ.get("DESKTERM_FAULT_SEED") or random.SystemRandom().randrange(10**6))
NOTE = "fault probe"
BATCH_TAG = "fault-batch"
BULK_TAG = "fault-bulk"


@dataclass(frozen=True)
class Base:
    desk: Path
    previous_backup: bytes  # an export taken before the desk's last change
    current_export: bytes  # what an export of the desk writes now
    ops: Path  # a batch file: a note and a tag on every unsolved ticket
    unsolved: int
    tickets: int


def _export_bytes(url: str) -> bytes:
    desk = open_desk(url, "alice", initialize=False)
    try:
        return b"".join(line.encode() + b"\n" for line in transfer.export_lines(desk))
    finally:
        desk.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Base:
    folder = tmp_path_factory.mktemp("faults")
    path = folder / "desk.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    desk = open_desk(url, "alice")
    try:
        seed_desk(desk, tickets=250, articles=3, seed=11)
        previous = _export_bytes(url)
        with desk.store.read() as conn:
            unsolved = [
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT id FROM tickets WHERE status IN ('new', 'open', 'pending', 'on_hold')"
                    " ORDER BY id"
                )
            ]
        tickets.note(desk, unsolved[0], "written after the previous backup")
    finally:
        desk.close()
    ops = folder / "ops.jsonl"
    with ops.open("w", encoding="utf-8") as handle:
        for ticket_id in unsolved:
            handle.write(json.dumps({"op": "note", "id": ticket_id, "body": NOTE}) + "\n")
            update = {"op": "update", "id": ticket_id, "set": {"add_tags": [BATCH_TAG]}}
            handle.write(json.dumps(update) + "\n")
    current = _export_bytes(url)
    assert current != previous
    return Base(path, previous, current, ops, len(unsolved), 250)


@dataclass
class Run:
    folder: Path
    desk: Path
    backup: Path
    restored: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.desk}"


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _tagged(path: Path, tag: str) -> int:
    return _count(
        path,
        "SELECT count(*) FROM ticket_tags tt JOIN tags t ON t.id = tt.tag_id "
        f"WHERE t.name = '{tag}'",
    )


def _check_export(run: Run, base: Base, say: str) -> None:
    written = run.backup.read_bytes()
    assert written in (base.previous_backup, base.current_export), (
        f"{say}: the backup is neither the previous one nor a complete new export"
    )
    hidden = [n for n in os.listdir(run.folder) if n.startswith(".")]
    assert all(n.startswith(".backup.jsonl.") for n in hidden), f"{say}: stray files {hidden}"


def _check_import(run: Run, base: Base, say: str) -> None:
    if not run.restored.exists():
        return
    tables = _count(run.restored, "SELECT count(*) FROM sqlite_master WHERE name = 'tickets'")
    if not tables:  # killed before the schema was in: an empty database, which imports
        assert _count(run.restored, "SELECT count(*) FROM sqlite_master") == 0, say
    else:
        assert desk_problems(run.restored) == [], say
        held = _count(run.restored, "SELECT count(*) FROM tickets")
        assert held in (0, base.tickets), f"{say}: {held} of {base.tickets} tickets imported"
        if held:
            restored = f"sqlite:///{run.restored}"
            assert _export_bytes(restored) == base.previous_backup, say


def _check_batch(run: Run, base: Base, say: str) -> None:
    notes = _count(run.desk, f"SELECT count(*) FROM messages WHERE body = '{NOTE}'")
    tagged = _tagged(run.desk, BATCH_TAG)
    assert (notes, tagged) in ((0, 0), (base.unsolved, base.unsolved)), (
        f"{say}: a half-applied batch ({notes} notes, {tagged} tags of {base.unsolved})"
    )


def _check_bulk(run: Run, base: Base, say: str) -> None:
    tagged = _tagged(run.desk, BULK_TAG)
    assert tagged in (0, base.unsolved), f"{say}: {tagged} of {base.unsolved} tickets tagged"


@dataclass(frozen=True)
class Command:
    args: Callable[[Run, Base], list[str]]
    check: Callable[[Run, Base, str], None]


COMMANDS: dict[str, Command] = {
    "export": Command(lambda r, b: ["export", "-o", str(r.backup)], _check_export),
    "import": Command(
        lambda r, b: ["--db", f"sqlite:///{r.restored}", "import", str(r.backup)], _check_import
    ),
    "batch": Command(lambda r, b: ["batch", str(b.ops)], _check_batch),
    "bulk": Command(
        lambda r, b: ["ticket", "update", "--query", "is:unsolved", "--add-tag", BULK_TAG, "--yes"],
        _check_bulk,
    ),
}


def _prepare(base: Base, folder: Path) -> Run:
    folder.mkdir()
    run = Run(folder, folder / "desk.db", folder / "backup.jsonl", folder / "restored.db")
    shutil.copyfile(base.desk, run.desk)
    run.backup.write_bytes(base.previous_backup)
    return run


def _start(commands: forked.Commands, run: Run, base: Base, name: str) -> forked.ForkedProcess:
    return commands.popen(
        ["--quiet", *COMMANDS[name].args(run, base)],
        env={**os.environ, "DESKTERM_DB": run.url, "DESKTERM_AGENT": "alice"},
        stderr=forked.PIPE,
    )


def _check(run: Run, base: Base, name: str, say: str) -> None:
    assert desk_problems(run.desk) == [], say
    if name != "export":
        assert run.backup.read_bytes() == base.previous_backup, f"{say}: the backup changed"
    COMMANDS[name].check(run, base, say)


def test_commands_killed_at_random_moments_leave_the_desk_and_the_backup_sound(
    base: Base, tmp_path: Path
) -> None:
    with forked.commands() as commands:
        _kill_at_random_moments(commands, base, tmp_path)


def _kill_at_random_moments(commands: forked.Commands, base: Base, tmp_path: Path) -> None:
    # How long each command runs here and now, start to end: the kills land in that span,
    # whatever the speed of the machine. These complete runs are checked too.
    lasts: dict[str, float] = {}
    for name in sorted(COMMANDS):
        run = _prepare(base, tmp_path / f"whole-{name}")
        started = time.monotonic()
        proc = _start(commands, run, base, name)
        _, stderr = proc.communicate(timeout=120)
        lasts[name] = time.monotonic() - started
        assert stderr is not None
        assert proc.returncode == 0, f"{name}: exit {proc.returncode}: {stderr.decode()}"
        _check(run, base, name, f"[{name} run to its end]")

    rng = random.Random(SEED)
    outcomes: list[str] = []
    for number in range(RUNS):
        name = rng.choice(sorted(COMMANDS))
        moment = rng.uniform(0.0, lasts[name])
        run = _prepare(base, tmp_path / f"run{number}")
        proc = _start(commands, run, base, name)
        time.sleep(moment)  # the fault's random moment: what is injected, not a wait for it
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)
        assert stderr is not None
        outcome = "killed" if killed else "done"
        say = f"[seed {SEED}, run {number}: {name} {outcome} at {moment:.2f}s]"
        if not killed:
            assert proc.returncode == 0, f"{say} exit {proc.returncode}: {stderr.decode()}"
        else:  # or it ended on its own just before the kill
            assert proc.returncode in (0, -signal.SIGKILL), f"{say} exit {proc.returncode}"
        _check(run, base, name, say)
        outcomes.append(f"{name} {outcome} at {moment:.2f}s of {lasts[name]:.2f}s")
        shutil.rmtree(run.folder)
    print(f"seed {SEED}: " + "; ".join(outcomes))
