"""Several processes writing one ticket at once lose nothing, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import read as ticket_read
from racing import race

WORKERS = 8
#: Rounds per writer. The writers start their rounds at the same moment (worker.py waits for
#: the test's go), so every round overlaps the others' and 25 give hundreds of collisions.
ROUNDS = 25
WORKER = Path(__file__).with_name("worker.py")
DESKTERM = Path(sys.executable).with_name("deskterm")


@pytest.mark.slow
def test_eight_writers_lose_no_note_and_every_stale_write_is_refused(
    desk: Desk, backend_url: str
) -> None:
    ticket = tickets.create(desk, subject="Shared drive S: unreachable from floor 4")
    results = race(
        [
            [sys.executable, str(WORKER), backend_url, str(w), str(ticket.id), str(ROUNDS)]
            for w in range(WORKERS)
        ],
        timeout=600,
    )

    assert [r["errors"] for r in results] == [[]] * WORKERS
    detail = ticket_read.detail(desk, ticket.id)
    notes = sorted(m.body for m in detail.messages if m.kind == "note")
    expected = sorted(body for r in results for body in r["notes"])
    assert len(expected) == WORKERS * ROUNDS
    assert notes == expected

    # Versions strictly increase: one new version per transaction, never reused.
    versions = [e.version for e in detail.history]
    assert versions == sorted(versions)
    per_version: dict[int, set[str]] = {}
    for event in detail.history:
        per_version.setdefault(event.version, set()).add(event.field)
    assert detail.ticket.version == max(versions) == len(per_version)

    # Every applied update is in the history; every stale one changed nothing.
    applied = {tag for r in results for tag in r["applied"]}
    stale = {tag for r in results for tag in r["stale"]}
    assert applied and not (applied & stale)
    assert len(applied) + len(stale) == WORKERS * ROUNDS
    assert set(detail.ticket.tags) == applied
    ever_written = {
        tag for e in detail.history if e.field == "tags" for tag in (e.new or "").split(",")
    }
    assert ever_written == applied
    assert not (stale & ever_written)


def test_stale_cli_update_exits_4_and_changes_nothing(desk: Desk, backend_url: str) -> None:
    ticket = tickets.create(desk, subject="Laptop fan loud")
    tickets.update(desk, ticket.id, tickets.Changes(priority="high"))
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "bob"}
    proc = subprocess.run(
        [
            str(DESKTERM),
            "ticket",
            "update",
            str(ticket.id),
            "--priority",
            "low",
            "--if-version",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 4
    assert proc.stderr.startswith("error: ticket #")
    assert "alice changed priority" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    after = ticket_read.get(desk, ticket.id)
    assert after.priority == "high" and after.version == 2
