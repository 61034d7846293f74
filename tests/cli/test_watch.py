"""``deskterm watch``: ticket events as JSON lines, filtered by a query, until Ctrl-C."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.tickets import watch as events
from deskterm.errors import InvalidInput

DESKTERM = Path(sys.executable).with_name("deskterm")


def _ended(proc: subprocess.Popen[str]) -> int:
    """The watch's exit code after Ctrl-C; a watch that does not end is killed, not left behind."""
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


def test_events_after_filters_by_query(desk: Desk) -> None:
    start = events.last_event_id(desk)
    vpn = tickets.create(desk, subject="VPN", tags=["vpn"])
    other = tickets.create(desk, subject="Printer")
    tickets.note(desk, other.id, "jam")
    tickets.note(desk, vpn.id, "drops")
    seen = events.events_after(desk, start, "tag:vpn")
    assert [(e.ticket_id, e.field, e.version) for e in seen] == [
        (vpn.id, "created", 1),
        (vpn.id, "note", 2),
    ]
    assert len(events.events_after(desk, start)) == 4
    assert events.events_after(desk, seen[-1].id, "tag:vpn") == []
    with pytest.raises(InvalidInput):
        events.check_query(desk, "colour:red")


def _reader(stream: Any, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def test_watch_streams_matching_events_and_exits_quietly_on_ctrl_c(
    desk: Desk, backend_url: str
) -> None:
    vpn = tickets.create(desk, subject="VPN drops", tags=["vpn"])
    other = tickets.create(desk, subject="Printer jam")
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    proc = subprocess.Popen(
        [str(DESKTERM), "watch", "tag:vpn", "--interval", "0.1"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    got: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 30
        # Events written before the watch has started are not shown, so keep writing until
        # two lines arrived; every change to the unmatched ticket must stay invisible.
        while len(got) < 2 and time.monotonic() < deadline:
            tickets.note(desk, other.id, "not for the watcher")
            tickets.note(desk, vpn.id, "for the watcher")
            try:
                got.append(json.loads(lines.get(timeout=0.5)))
            except queue.Empty:
                continue
        assert len(got) >= 2, proc.stderr.read() if proc.poll() is not None else "no output"
    finally:
        proc.send_signal(signal.SIGINT)
        code = _ended(proc)
    assert code == 0
    assert proc.stderr is not None and proc.stderr.read() == ""
    for event in got:
        assert set(event) == {"id", "ticket_id", "version", "actor", "field", "old", "new", "at"}
        assert (event["ticket_id"], event["field"], event["actor"]) == (vpn.id, "note", "alice")
        assert event["at"].endswith("Z")
    assert got[0]["version"] < got[1]["version"]


def test_watch_is_woken_by_a_change_not_by_its_interval(desk: Desk, backend_url: str) -> None:
    """With --interval 600 only the desk's change signal can wake the watch in time: a
    PostgreSQL notification (LISTEN), on SQLite the file's change counter."""
    ticket = tickets.create(desk, subject="VPN drops", tags=["vpn"])
    env = {**os.environ, "DESKTERM_DB": backend_url, "DESKTERM_AGENT": "alice"}
    proc = subprocess.Popen(
        [str(DESKTERM), "watch", "--interval", "600"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    try:
        # The watch is listening once it has read where "now" is; until then a change may
        # come before its start and not be shown, so write until the first line arrives.
        deadline = time.monotonic() + 30
        first: dict[str, Any] | None = None
        while first is None and time.monotonic() < deadline:
            tickets.note(desk, ticket.id, "warming up")
            try:
                first = json.loads(lines.get(timeout=1.0))
            except queue.Empty:
                continue
        assert first is not None, proc.stderr.read() if proc.poll() is not None else "no output"
        written = time.monotonic()
        tickets.update(desk, ticket.id, tickets.Changes(priority="urgent"))
        event = first
        while event["field"] == "note":  # a warming-up note's line may still be on its way
            event = json.loads(lines.get(timeout=5))
        # Far inside the 600 s interval, so the signal woke it; how soon is bench_live.py's.
        assert time.monotonic() - written < 10
        assert (event["ticket_id"], event["field"], event["new"]) == (
            ticket.id,
            "priority",
            "urgent",
        )
    finally:
        proc.send_signal(signal.SIGINT)
        code = _ended(proc)
    assert code == 0
