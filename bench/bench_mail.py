"""Mail import at mailbox size: ``deskterm mail import`` of a 10,000-message mbox into a new
desk, as a ratio to parsing the same mbox with the standard library alone in the same run
(issue 14). Target: at most 3x.

The mbox is made here, seeded: requests from 2,000 senders, a quarter of them answered later
in the same mailbox (In-Reply-To and References, or only the subject tag), some HTML-only,
some in Latin-1 or quoted-printable, a few without a Message-ID, a few bounces and
auto-replies, the thread quoting what it answers, as a help desk's mailbox holds.

The baseline is the least a reader of that mbox does: ``mailbox.mbox`` to walk it, the
``email`` package (``policy.default``) to parse each message, and each one's text body
(``get_body``), in a process of its own. The measured side is the real command, in a process
of its own, on a fresh desk (``db init``, untimed) each run: each message parsed, keyed,
guarded, threaded and stored with its ticket, its requester and the triage rules, up to 500
messages (or half a second's worth) to a transaction. Interleaved (stdlib, deskterm, ...),
median of the runs. After the last run the desk must hold what the mbox holds (tickets,
replies, held), or the bench stops.

``--tty`` runs the import with its stderr on a pseudo-terminal, so that it draws its progress
bar as it does for a person (the bench stops if none was drawn); without it stderr is a pipe
and no bar is drawn.

Usage: python bench/bench_mail.py [--count 10000] [--runs 3] [--keep DIR] [--tty]
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import AGENT, DESKTERM, ratio_line, report, url

TARGET = 3.0
SEED = 14
SENDERS = 2_000

#: What the baseline does: walk the mbox, parse each message, take its text.
BASELINE = """
import mailbox, sys
from email import policy
from email.parser import BytesParser

parser = BytesParser(policy=policy.default)
box = mailbox.mbox(sys.argv[1], factory=None, create=False)
count = 0
for key in box.keys():
    message = parser.parsebytes(box.get_bytes(key))
    part = message.get_body(("plain", "html"))
    text = part.get_content() if part is not None else ""
    count += 1
print(count)
"""

WORDS = [
    "vpn",
    "printer",
    "password",
    "outlook",
    "laptop",
    "licence",
    "calendar",
    "install",
    "mailbox",
    "wifi",
    "screen",
    "account",
    "locked",
    "error",
    "update",
    "restart",
    "network",
    "drive",
    "access",
    "portal",
    "invoice",
    "report",
    "slow",
    "crash",
    "login",
    "badge",
    "phone",
    "headset",
    "backup",
    "restore",
    "folder",
    "share",
    "permission",
    "meeting",
]


def sentence(pick: random.Random, words: int) -> str:
    text = " ".join(pick.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_mbox(path: Path, count: int) -> dict[str, int]:
    """``count`` messages into the mbox at ``path``; returns what they should become."""
    pick = random.Random(SEED)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    threads: list[tuple[str, str, str, int]] = []  # (message id, subject, sender, number)
    expect = {"created": 0, "appended": 0, "held": 0}
    with path.open("wb") as out:
        for n in range(count):
            when = start + timedelta(minutes=7 * n)
            sender = f"user{pick.randrange(SENDERS)}@customer{pick.randrange(40)}.example"
            message = EmailMessage()
            roll = pick.random()
            if roll < 0.02:
                message["From"] = "MAILER-DAEMON@mx.customer.example"
            else:
                message["From"] = f"User {sender.split('@')[0]} <{sender}>"
            message["To"] = "Help Desk <help@desk.example>"
            message["Date"] = format_datetime(when)
            message_id = f"<bench-{n}@customer.example>"
            body = "\n\n".join(sentence(pick, pick.randint(8, 30)) for _ in range(3))
            if roll < 0.02:
                message["Subject"] = "Undelivered Mail Returned to Sender"
                message["Message-ID"] = message_id
                message.set_content("This is the mail system. " + body)
                expect["held"] += 1
            elif roll < 0.04:
                message["Subject"] = "Out of office"
                message["Auto-Submitted"] = "auto-replied"
                message["Message-ID"] = message_id
                message.set_content("I am away until Monday. " + body)
                expect["held"] += 1
            elif roll < 0.29 and threads:
                parent_id, subject, _asker, number = pick.choice(threads)
                message["Subject"] = f"Re: {subject} [Desk #{number}]"
                if pick.random() < 0.8:
                    message["In-Reply-To"] = parent_id
                    message["References"] = parent_id
                message["Message-ID"] = message_id
                quoted = "\n".join("> " + line for line in body.splitlines()[:6])
                message.set_content(f"{sentence(pick, 12)}\n\nOn a day, someone wrote:\n{quoted}")
                expect["appended"] += 1
            else:
                subject = sentence(pick, pick.randint(3, 8)).rstrip(".")
                message["Subject"] = subject
                if pick.random() > 0.01:
                    message["Message-ID"] = message_id
                kind = pick.random()
                if kind < 0.1:
                    message.set_content(
                        f"<html><body><p>{body}</p><ul><li>one</li></ul></body></html>",
                        subtype="html",
                    )
                elif kind < 0.2:
                    message.set_content(body + "\nGrüße aus München, Zoë", charset="latin-1")
                elif kind < 0.3:
                    message.set_content(body + "\n" + "long line " * 30, cte="quoted-printable")
                else:
                    message.set_content(body + "\n\n-- \nUser signature\nPhone 555-0100")
                expect["created"] += 1
                threads.append((message_id, subject, sender, expect["created"]))
            raw = message.as_bytes()
            out.write(
                b"From "
                + sender.encode()
                + b" "
                + when.strftime("%a %b %d %H:%M:%S %Y").encode()
                + b"\n"
            )
            out.write(raw.replace(b"\nFrom ", b"\n>From ").rstrip(b"\n") + b"\n\n")
    return expect


def timed(args: list[str], *, tty: bool = False) -> float:
    """Seconds ``args`` takes; ``tty``: its stderr a pseudo-terminal (read meanwhile), so
    that ``mail import`` draws its progress bar as it does for a person."""
    if not tty:
        started = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return time.perf_counter() - started
    main, side = pty.openpty()
    drawn = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # the other side closed
                return
            if not data:
                return
            drawn.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    started = time.perf_counter()
    try:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=side)
        took = time.perf_counter() - started
    finally:
        os.close(side)
        reader.join(timeout=5)
        os.close(main)
    if b"Importing mail" not in drawn:
        sys.exit("bench_mail: --tty, but mail import drew no progress bar")
    return took


def fresh_desk(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    subprocess.run(
        [str(DESKTERM), "--db", url(path), "--as", AGENT, "--quiet", "db", "init"],
        check=True,
        capture_output=True,
    )


def outcome(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT outcome, count(*) FROM mail_messages GROUP BY outcome"
        ).fetchall()
        return dict(rows)
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="leave the mbox and the desk here")
    parser.add_argument(
        "--tty", action="store_true", help="the import's stderr a terminal: its bar drawn"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_mail_")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    mbox = tmp / "support.mbox"
    expect = make_mbox(mbox, args.count)
    desk = tmp / "desk.db"
    baseline = [sys.executable, "-c", BASELINE, str(mbox)]
    ours = [str(DESKTERM), "--db", url(desk), "--as", AGENT, "mail", "import", str(mbox)]

    times_base: list[float] = []
    times_ours: list[float] = []
    for _ in range(args.runs):
        times_base.append(timed(baseline))
        fresh_desk(desk)
        times_ours.append(timed(ours, tty=args.tty))
    got = outcome(desk)
    if got != {key: n for key, n in expect.items() if n}:
        sys.exit(f"bench_mail: the desk holds {got}, the mbox {expect}")
    mine, base = statistics.median(times_ours), statistics.median(times_base)
    size = mbox.stat().st_size
    lines = [
        f"bench_mail: deskterm mail import of a {args.count:,}-message mbox ({size / 1e6:.1f} MB)"
        f" vs the standard library parsing it (median of {args.runs}, interleaved"
        + (", the progress bar drawn on a pseudo-terminal)" if args.tty else ")"),
        ratio_line("mail import vs mailbox + email parsing", mine, base, TARGET),
        f"{'mail import, per message':<58} {mine / args.count * 1e6:8.1f} us",
        f"{'stdlib parse, per message':<58} {base / args.count * 1e6:8.1f} us",
        f"made {got.get('created', 0):,} tickets, {got.get('appended', 0):,} replies, "
        f"held {got.get('held', 0):,}",
        "runs (s): stdlib "
        + ", ".join(f"{t:.1f}" for t in times_base)
        + "; deskterm "
        + ", ".join(f"{t:.1f}" for t in times_ours),
    ]
    if args.keep is None:
        shutil.rmtree(tmp)
    report(lines, "mail")


if __name__ == "__main__":
    main()
