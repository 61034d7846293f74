"""``mail fetch`` killed with SIGKILL at a random moment loses nothing and duplicates nothing.

The order that makes it so: a message is marked read on the IMAP server only after the
desk's transaction for it has committed. So at any moment, every message the server shows
as read is in the desk, and a message that is not yet read is fetched again by the next run
and is then a duplicate (its Message-ID is taken), not a second ticket.

Each round appends new messages to a real IMAP server (pymap, tests/imap_server.py), starts
the installed command, kills it at a random moment of its run (no handler, no cleanup), and
checks the desk (``desk_checks``) and that invariant. A last fetch runs to the end: then each
message is in the desk once and read on the server. The moments are random but seeded
(``DESKTERM_FAULT_SEED=N`` runs the same kills again).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk_checks import desk_problems
from imap_server import ImapServer

pytestmark = [pytest.mark.slow, pytest.mark.process]

DESKTERM = Path(sys.executable).with_name("deskterm")
ROUNDS = 4
PER_ROUND = 8
SEED = int(os.environ.get("DESKTERM_FAULT_SEED") or random.SystemRandom().randrange(10**6))


def message(n: int) -> bytes:
    return (
        f"From: Kim Probe <kim{n % 3}@probe.example>\nTo: help@desk.example\n"
        f"Subject: Fetch probe {n}\nMessage-ID: <fetch-{n}@probe.example>\n"
        f"Date: Mon, 02 Nov 2026 09:00:00 +0000\n\nThe scanner on floor {n} is jammed.\n"
    ).encode()


@pytest.fixture
def imap(tmp_path: Path) -> Iterator[ImapServer]:
    server = ImapServer(tls=False, log=tmp_path / "pymap.log")
    server.start()
    yield server
    server.stop()


def start(url: str, config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(DESKTERM), "mail", "fetch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "DESKTERM_DB": url,
            "DESKTERM_AGENT": "alice",
            "DESKTERM_CONFIG": str(config),
        },
    )


def in_desk(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT mail_key FROM mail_messages").fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def read_on_server(imap: ImapServer) -> tuple[set[str], set[str]]:
    """The Message-IDs of the messages marked read, and of those not."""
    read, unread = set(), set()
    for flags, header in imap.messages():
        found = re.search(rb"<[^>]+>", header)
        assert found is not None, header
        (read if r"\Seen" in flags else unread).add(found.group().decode())
    return read, unread


def test_fetch_killed_at_random_moments_loses_nothing_and_takes_nothing_twice(
    tmp_path: Path, sqlite_template: Path, imap: ImapServer
) -> None:
    path = tmp_path / "desk.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    config = tmp_path / "config.toml"
    config.write_text(imap.config())
    # How long a whole run takes, so that the kills fall anywhere in it.
    imap.append(*(message(n) for n in range(PER_ROUND)))
    began = time.monotonic()
    timing = start(url, config)
    assert timing.wait(timeout=60) == 0, timing.stderr.read() if timing.stderr else b""
    lasts = time.monotonic() - began
    rng = random.Random(SEED)
    sent = PER_ROUND
    for round_ in range(1, ROUNDS + 1):
        say = f"seed {SEED}, round {round_}"
        imap.append(*(message(n) for n in range(sent, sent + PER_ROUND)))
        sent += PER_ROUND
        proc = start(url, config)
        time.sleep(rng.uniform(0.0, lasts))  # the fault's random moment
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert desk_problems(path) == [], say
        keys = in_desk(path)
        assert len(keys) == len(set(keys)), f"{say}: a message taken twice"
        read, _unread = read_on_server(imap)
        assert read <= set(keys), f"{say}: marked read but not in the desk: {read - set(keys)}"
    final = start(url, config)
    _out, err = final.communicate(timeout=60)
    assert final.returncode == 0, err
    keys = in_desk(path)
    everything = {f"<fetch-{n}@probe.example>" for n in range(sent)}
    assert sorted(keys) == sorted(everything), SEED
    read, unread = read_on_server(imap)
    assert (read, unread) == (everything, set()), SEED
    conn = sqlite3.connect(path)
    try:
        probes = conn.execute(
            "SELECT count(*), count(DISTINCT subject) FROM tickets"
            " WHERE subject LIKE 'Fetch probe %'"
        ).fetchone()
    finally:
        conn.close()
    assert probes == (sent, sent), SEED
    assert desk_problems(path) == []
