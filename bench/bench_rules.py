"""Triage rules at batch speed: ``deskterm batch`` creating 10,000 tickets with 20 rules
active, as a ratio to the same batch on the same desk with no rules (issue 13). Target: at
most 1.5x.

The desk is a copy of the seeded 1,000-ticket desk (its queues, agents, organizations and
contacts). The batch is one JSON-lines file of ``create`` operations drawn from that desk's
tickets (subject, the requester's first message, requester, priority, type, channel), so the
words, priorities and organizations the rules look for turn up as often as on the seeded desk.
The 20 rules (``RULES``) look at words, priority, channel and the requester's organization,
and move queues, set priorities, add tags, assign, write notes and, two of them, send an
automatic reply; most let later rules apply too (``stop=False``).

Both desks start with none of the demo desk's own rules (``db seed`` adds five since the
demo desk got rules): the baseline runs no rule at all, the measured side exactly ``RULES``.
Each run copies the two desks (untimed) so runs do not compound, then times ``deskterm
batch FILE`` as a subprocess on each, interleaved (no rules, rules, ...), median of the runs.
After the last run the rules desk must show the rules applied and none skipped.

Usage: python bench/bench_rules.py [--count 10000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import AGENT, DESKTERM, database, ratio_line, report, url
from deskterm.domain.rules import Actions, add_rule, delete_rule, list_rules
from deskterm.domain.setup import open_desk
from deskterm.domain.vocab import PRIORITIES

TARGET = 1.5
SEED = 13

#: (name, condition, actions, stop): what a desk of this shape would set up.
RULES: tuple[tuple[str, str, Actions, bool], ...] = (
    (
        "Outages first",
        "outage",
        Actions(
            queue="Infrastructure L3",
            priority="urgent",
            add_tags=("outage",),
            reply="We know about the outage and are working on it; updates follow here.",
        ),
        True,
    ),
    (
        "Phishing reports",
        '"strange email"',
        Actions(queue="Security L3", priority="high", add_tags=("phishing", "security")),
        True,
    ),
    (
        "VPN to network",
        "vpn",
        Actions(queue="Network L2", add_tags=("vpn", "remote-work")),
        False,
    ),
    ("Wi-Fi to network", '"wi-fi"', Actions(queue="Network L2", add_tags=("wifi",)), False),
    (
        "Passwords",
        "password",
        Actions(
            queue="Identity & Access L2",
            add_tags=("password",),
            note="Check the caller's identity (call back on the directory number) before a reset.",
        ),
        False,
    ),
    (
        "Locked accounts",
        "locked",
        Actions(queue="Identity & Access L2", priority="high", add_tags=("account",)),
        False,
    ),
    (
        "Outlook",
        "outlook",
        Actions(queue="Messaging L2", add_tags=("outlook", "email")),
        False,
    ),
    (
        "Shared mailboxes",
        '"shared mailbox"',
        Actions(queue="Messaging L2", add_tags=("shared-mailbox",)),
        False,
    ),
    (
        "Printers",
        "printer",
        Actions(
            queue="Workplace L2",
            add_tags=("printer", "hardware"),
            reply="Thanks: if the printer's display shows an error code, please reply with it.",
        ),
        False,
    ),
    ("Laptops", "laptop", Actions(queue="Workplace L2", add_tags=("laptop",)), False),
    (
        "Software installs",
        "install",
        Actions(queue="Applications L2", type="service_request", add_tags=("install",)),
        False,
    ),
    (
        "Licences",
        "licence",
        Actions(queue="Applications L2", type="service_request", add_tags=("software",)),
        False,
    ),
    ("Calendars", "calendar", Actions(add_tags=("calendar",)), False),
    (
        "New hires",
        '"new hire"',
        Actions(
            type="service_request",
            add_tags=("onboarding",),
            assignee="julia",
            note="Onboarding checklist: account, laptop, licences, mailbox, badge.",
        ),
        False,
    ),
    (
        "Restores",
        '"previous version"',
        Actions(queue="Infrastructure L3", add_tags=("backup",)),
        False,
    ),
    (
        "Acme high priority to the lead",
        'org:"Acme Corporation" priority:>=high',
        Actions(add_tags=("vip",), assignee="xli", note="Acme contract: 2-hour response."),
        False,
    ),
    (
        "Umbrella Health is high",
        'org:"Umbrella Health" priority:normal',
        Actions(priority="high", add_tags=("healthcare",)),
        False,
    ),
    (
        "Urgent: page the lead",
        "priority:urgent",
        Actions(add_tags=("urgent",), note="Urgent ticket: the on-call lead is paged."),
        False,
    ),
    (
        "Monitoring alerts",
        "channel:monitoring",
        Actions(queue="Infrastructure L3", type="incident", add_tags=("monitoring",)),
        False,
    ),
    (
        "Low-priority e-mail",
        "channel:email priority:low",
        Actions(add_tags=("triage-low",)),
        False,
    ),
)


def operations(source: Path, count: int) -> list[dict[str, object]]:
    """``count`` create operations drawn (with replacement, seeded) from ``source``'s tickets:
    subject, the first message, requester, priority, type and channel."""
    conn = sqlite3.connect(source)
    rows = conn.execute(
        """
        SELECT t.subject, t.type, t.priority, t.channel, c.email,
               (SELECT m.body FROM messages m WHERE m.ticket_id = t.id ORDER BY m.id LIMIT 1)
        FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_id ORDER BY t.id
        """
    ).fetchall()
    conn.close()
    pick = random.Random(SEED)
    ops: list[dict[str, object]] = []
    for _ in range(count):
        subject, type_, priority, channel, email, body = pick.choice(rows)
        op: dict[str, object] = {
            "op": "create",
            "subject": subject,
            "type": type_,
            "priority": PRIORITIES[priority],
            "channel": channel,
        }
        if email:
            op["requester"] = email
        if body:
            op["body"] = body
        ops.append(op)
    return ops


def prepare(source: Path, target: Path, rules: bool) -> None:
    """Copy ``source`` to ``target`` with none of the demo desk's own rules (the seed adds
    a few), then, when ``rules``, the 20 of :data:`RULES`: no rules against exactly those."""
    shutil.copy(source, target)
    desk = open_desk(url(target), AGENT, initialize=False)
    try:
        for rule in list_rules(desk):
            delete_rule(desk, rule.name)
        for name, condition, actions, stop in RULES if rules else ():
            add_rule(desk, name, condition, actions, stop=stop)
    finally:
        desk.close()


def run_batch(template: Path, work: Path, batch: Path) -> float:
    """Seconds of ``deskterm batch`` on a fresh copy of ``template`` (the copy is untimed)."""
    for leftover in work.parent.glob(work.name + "*"):
        leftover.unlink()
    shutil.copy(template, work)
    args = [str(DESKTERM), "--db", url(work), "--as", AGENT, "batch", str(batch)]
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def outcome(path: Path) -> tuple[int, int, int, int]:
    """(tickets, rule applications, rule skips, automatic replies) in the desk at ``path``."""
    conn = sqlite3.connect(path)
    try:
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        applied, skipped = conn.execute(
            "SELECT sum(field = 'rule'), sum(field = 'rule_skipped') FROM audit_events"
        ).fetchone()
        replies = conn.execute("SELECT count(*) FROM messages WHERE automatic").fetchone()[0]
        return tickets, applied or 0, skipped or 0, replies
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small", type=int, default=1_000, help="tickets of the seeded desk")
    parser.add_argument("--keep", type=Path, help="leave the desks and the batch file here")
    args = parser.parse_args()

    source = database(args.small)
    tmp = Path(tempfile.mkdtemp(prefix="bench_rules_")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    plain, ruled = tmp / "plain.db", tmp / "rules.db"
    prepare(source, plain, rules=False)
    prepare(source, ruled, rules=True)
    batch = tmp / "batch.jsonl"
    batch.write_text("".join(json.dumps(op) + "\n" for op in operations(source, args.count)))

    times_plain: list[float] = []
    times_rules: list[float] = []
    for _ in range(args.runs):
        times_plain.append(run_batch(plain, tmp / "run-plain.db", batch))
        times_rules.append(run_batch(ruled, tmp / "run-rules.db", batch))
    ours, base = statistics.median(times_rules), statistics.median(times_plain)

    before = outcome(ruled)
    after = outcome(tmp / "run-rules.db")
    created = after[0] - before[0]
    applied, skipped, replies = (after[i] - before[i] for i in (1, 2, 3))
    matched = (
        sqlite3.connect(tmp / "run-rules.db")
        .execute("SELECT count(DISTINCT ticket_id) FROM audit_events WHERE field = 'rule'")
        .fetchone()[0]
    )
    if created != args.count or skipped:
        sys.exit(f"bench_rules: {created:,} tickets created, {skipped} rule skips; expected none")

    lines = [
        f"bench_rules: deskterm batch of {args.count:,} creates, {len(RULES)} rules vs none "
        f"(median of {args.runs}, interleaved; {args.small:,}-ticket desk)",
        ratio_line(f"batch, {len(RULES)} rules vs no rules", ours, base, TARGET),
        f"{'with rules, per ticket':<58} {ours / args.count * 1e6:8.1f} us",
        f"{'without rules, per ticket':<58} {base / args.count * 1e6:8.1f} us",
        f"rules applied {applied:,} times on {matched:,} of {created:,} tickets "
        f"({matched / created:.0%}), {replies:,} automatic replies, none skipped",
        "runs (s): no rules "
        + ", ".join(f"{t:.1f}" for t in times_plain)
        + "; rules "
        + ", ".join(f"{t:.1f}" for t in times_rules),
    ]
    if args.keep is None:
        shutil.rmtree(tmp)
    report(lines, "rules")


if __name__ == "__main__":
    main()
