"""``mail receive`` killed with SIGKILL at a random moment loses nothing and duplicates nothing.

A mail server that sees its pipe command die delivers the message again later. Each run here
starts the installed command on a new message, kills it at a random moment of its run (no
handler, no cleanup), checks the desk is consistent (``desk_checks``), and delivers the same
message again as the server would: afterwards there is exactly one ticket for it and one row
in the mail log, whether the kill came before, during or after the transaction.

The moments are random but seeded: the seed is in every failure message, and
``DESKTERM_FAULT_SEED=N`` runs the same kills again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desk_checks import desk_problems

pytestmark = pytest.mark.slow

DESKTERM = Path(sys.executable).with_name("deskterm")
RUNS = 12
SEED = int(os.environ.get("DESKTERM_FAULT_SEED") or random.SystemRandom().randrange(10**6))


def message(n: int) -> bytes:
    return (
        f"From: Kim Probe <kim@probe.example>\nTo: help@desk.example\n"
        f"Subject: Kill probe {n}\nMessage-ID: <kill-{n}@probe.example>\n"
        f"Date: Mon, 02 Nov 2026 09:00:00 +0000\n\nThe printer on floor {n} is jammed.\n"
    ).encode()


def start(url: str, data: bytes) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(DESKTERM), "mail", "receive"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DESKTERM_DB": url, "DESKTERM_AGENT": "alice"},
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
    began = time.monotonic()
    timing = start(url, message(0))
    assert timing.wait(timeout=60) == 0, timing.stderr.read() if timing.stderr else b""
    lasts = time.monotonic() - began
    rng = random.Random(SEED)
    for n in range(1, RUNS + 1):
        say = f"seed {SEED}, run {n}"
        proc = start(url, message(n))
        moment = rng.uniform(0.0, lasts)
        time.sleep(moment)  # the fault's random moment: what is injected, not a wait for it
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert desk_problems(path) == [], say
        before = counts(path, n)
        assert before in ((0, 0), (1, 1)), f"{say}: half a delivery {before}"
        again = start(url, message(n))
        assert again.stdout is not None
        out = again.stdout.read()
        assert again.wait(timeout=60) == 0, say
        assert counts(path, n) == (1, 1), say
        expected = b"new ticket #" if before == (0, 0) else b"duplicate: already taken"
        assert out.startswith(expected), (say, out)
    assert desk_problems(path) == []
