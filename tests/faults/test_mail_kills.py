"""``mail receive`` killed with SIGKILL at a random moment loses nothing and duplicates nothing.

A mail server that sees its pipe command die delivers the message again later. Each run here
starts the command on a new message (a real process, forked from a server that has imported
deskterm, ``forked.py``, so that the random moments fall in its work rather than in its
imports), kills it at a random moment of its run (no handler, no cleanup), checks the desk
is consistent (``desk_checks``), and delivers the same message again as the server would:
afterwards there is exactly one ticket for it and one row in the mail log, whether the kill
came before, during or after the transaction. The delivery again runs the command in this
process (``inproc``): it is about what the kill left, not about a process.

The moments are random but seeded: the seed is in every failure message, and
``DESKTERM_FAULT_SEED=N`` runs the same kills again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

import forked
from desk_checks import desk_problems
from inproc import run_inproc_bytes

pytestmark = pytest.mark.slow

RUNS = 12
SEED = int(os.environ.get("DESKTERM_FAULT_SEED") or random.SystemRandom().randrange(10**6))


def message(n: int) -> bytes:
    return (
        f"From: Kim Probe <kim@probe.example>\nTo: help@desk.example\n"
        f"Subject: Kill probe {n}\nMessage-ID: <kill-{n}@probe.example>\n"
        f"Date: Mon, 02 Nov 2026 09:00:00 +0000\n\nThe printer on floor {n} is jammed.\n"
    ).encode()


def as_alice(url: str) -> dict[str, str | None]:
    return {"DESKTERM_DB": url, "DESKTERM_AGENT": "alice"}


def start(commands: forked.Commands, url: str, data: bytes) -> forked.ForkedProcess:
    proc = commands.popen(
        ["mail", "receive"],
        stdin=forked.PIPE,
        stdout=forked.PIPE,
        stderr=forked.PIPE,
        env={**os.environ, **as_alice(url)},
    )
    assert proc.stdin is not None
    proc.stdin.write(data)
    proc.stdin.close()
    return proc


def counts(path: Path, n: int) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        tickets = conn.execute(
            "SELECT count(*) FROM tickets WHERE subject = ?", (f"Kill probe {n}",)
        ).fetchone()[0]
        mail = conn.execute(
            "SELECT count(*) FROM mail_messages WHERE mail_key = ?", (f"<kill-{n}@probe.example>",)
        ).fetchone()[0]
    finally:
        conn.close()
    return int(tickets), int(mail)


def test_receive_killed_at_random_moments_then_delivered_again_makes_one_ticket(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    with forked.commands() as commands:
        _receive_killed(commands, path, url)
    assert desk_problems(path) == []


def _receive_killed(commands: forked.Commands, path: Path, url: str) -> None:
    began = time.monotonic()
    timing = start(commands, url, message(0))
    assert timing.wait(timeout=60) == 0, timing.stderr.read() if timing.stderr else b""
    lasts = time.monotonic() - began
    rng = random.Random(SEED)
    for n in range(1, RUNS + 1):
        say = f"seed {SEED}, run {n}"
        proc = start(commands, url, message(n))
        moment = rng.uniform(0.0, lasts)
        time.sleep(moment)  # the fault's random moment: what is injected, not a wait for it
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert desk_problems(path) == [], say
        before = counts(path, n)
        assert before in ((0, 0), (1, 1)), f"{say}: half a delivery {before}"
        again = run_inproc_bytes(["mail", "receive"], env=as_alice(url), input=message(n))
        out = again.stdout
        assert again.returncode == 0, (say, again.stderr)
        assert counts(path, n) == (1, 1), say
        expected = b"new ticket #" if before == (0, 0) else b"duplicate: already taken"
        assert out.startswith(expected), (say, out)


def mbox_of(path: Path, first: int, count: int) -> None:
    """An mbox of ``count`` kill probes; every third answers the probe before it (a reply
    threads by References, so a reply whose request is in the same chunk must find it)."""
    with path.open("wb") as out:
        for n in range(first, first + count):
            raw = message(n)
            if n % 3 == 2:
                raw = raw.replace(
                    b"Message-ID:",
                    f"In-Reply-To: <kill-{n - 1}@probe.example>\nMessage-ID:".encode(),
                )
            out.write(b"From kim@probe.example Mon Nov  2 09:00:00 2026\n" + raw + b"\n")


def import_counts(path: Path, first: int, count: int) -> tuple[int, int, int]:
    """(mail log rows, tickets, thread entries) of the probes ``first`` on."""
    keys = [f"<kill-{n}@probe.example>" for n in range(first, first + count)]
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(keys))
        logged = conn.execute(
            "SELECT count(*), count(DISTINCT mail_key) FROM mail_messages"
            f" WHERE mail_key IN ({marks})",
            keys,
        ).fetchone()
        assert logged[0] == logged[1], "a message taken twice"
        made = conn.execute(
            f"SELECT count(*) FROM mail_messages WHERE mail_key IN ({marks}) AND message_id IS NULL"
            " AND outcome IN ('created', 'appended')",
            keys,
        ).fetchone()[0]
        assert made == 0, "a message taken without its thread entry"
        tickets = conn.execute(
            "SELECT count(*) FROM tickets WHERE subject LIKE 'Kill probe %' AND id IN "
            f"(SELECT ticket_id FROM mail_messages WHERE mail_key IN ({marks}))",
            keys,
        ).fetchone()[0]
        entries = conn.execute(
            "SELECT count(*) FROM messages WHERE id IN "
            f"(SELECT message_id FROM mail_messages WHERE mail_key IN ({marks}))",
            keys,
        ).fetchone()[0]
    finally:
        conn.close()
    return int(logged[0]), int(tickets), int(entries)


def test_import_killed_at_random_moments_then_run_again_takes_each_message_once(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """``mail import`` takes messages by the hundred, one transaction per chunk: a kill
    leaves each message taken whole or not at all, and running it again takes the rest."""
    path = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, path)
    env = {**os.environ, "DESKTERM_DB": f"sqlite:///{path}", "DESKTERM_AGENT": "alice"}
    box = tmp_path / "kills.mbox"
    rng = random.Random(SEED)
    with forked.commands() as commands:
        _import_killed(commands, path, env, box, rng)
    assert desk_problems(path) == []


def _import_killed(
    commands: forked.Commands, path: Path, env: dict[str, str], box: Path, rng: random.Random
) -> None:
    first, count = 1000, 1200
    mbox_of(box, first, count)
    command = ["mail", "import", str(box)]
    began = time.monotonic()
    whole = commands.run(command, env=env, timeout=600)
    lasts = time.monotonic() - began
    assert whole.returncode == 0, whole.stderr
    assert import_counts(path, first, count) == (count, count - count // 3, count)
    for run in range(1, 5):
        say = f"seed {SEED}, run {run}"
        first += count
        mbox_of(box, first, count)
        proc = commands.popen(command, env=env)
        time.sleep(rng.uniform(0.3, lasts))  # the fault's random moment, not a wait
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert desk_problems(path) == [], say
        logged, _tickets, entries = import_counts(path, first, count)
        # Whole messages only: each one taken has its ticket or reply, and a reply's
        # request went in before it.
        assert entries == logged, say
        again = run_inproc_bytes(command, env=as_alice(f"sqlite:///{path}"), input=None)
        assert again.returncode == 0, (say, again.stderr)
        assert f", {logged} duplicate".encode() in again.stdout, (say, again.stdout)
        assert import_counts(path, first, count) == (count, count - count // 3, count), say
