"""Bulk update speed: ``deskterm.domain.tickets.update`` of 10,000 tickets with their audit rows,
as a ratio to raw sqlite3 ``executemany`` of the same row changes. Target: at most 3x.

The change is what ``deskterm ticket update --query 'is:unsolved' --priority urgent
--add-tag bulk`` does: on each ticket a new priority (where it differs), one tag, the version
and update time, and one audit row per changed field. The raw side writes exactly those rows
(UPDATE tickets, INSERT ticket_tags, INSERT audit_events) in one ``BEGIN IMMEDIATE``
transaction on a connection set up like deskterm's (WAL, synchronous=NORMAL, foreign keys);
the old values it needs are read before the clock starts, the domain reads them itself.

Each run copies the seeded desk twice (untimed) so runs do not compound, then times the domain
on one copy and raw SQL on the other, alternating which goes first. After every run the two
copies must hold the same rows, or the bench stops: the ratio compares equal work.

Usage: python bench/bench_bulk.py [--tickets 100000] [--count 10000] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import AGENT, database, ratio_line, report, url
from deskterm.domain import tickets
from deskterm.domain.setup import open_desk
from deskterm.domain.tickets import read as ticket_read
from deskterm.domain.vocab import PRIORITIES

QUERY = "is:unsolved"
TAG = "bulk"
PRIORITY = "urgent"
TARGET = 3.0
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how deskterm's UTC type stores times in SQLite


@dataclass(frozen=True)
class Plan:
    """The row changes of the bulk update, read from the desk before timing."""

    ids: list[int]
    actor_id: int
    rows: list[tuple[int, int, str]]  # (id, version, "old,tags" or "")
    priorities: dict[int, int]


def plan(path: Path, count: int) -> Plan:
    desk = open_desk(url(path), AGENT)
    try:
        ids = ticket_read.matching_ids(desk, QUERY)[:count]
    finally:
        desk.close()
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} tickets match {QUERY!r}; seed more (--tickets)")
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" * len(ids))
        versions = dict(
            conn.execute(f"SELECT id, version FROM tickets WHERE id IN ({marks})", ids).fetchall()
        )
        priorities = dict(
            conn.execute(f"SELECT id, priority FROM tickets WHERE id IN ({marks})", ids).fetchall()
        )
        tags: dict[int, list[str]] = {}
        for ticket_id, name in conn.execute(
            "SELECT tt.ticket_id, g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id "
            f"WHERE tt.ticket_id IN ({marks})",
            ids,
        ):
            tags.setdefault(ticket_id, []).append(name)
        actor_id = conn.execute("SELECT id FROM agents WHERE handle = ?", (AGENT,)).fetchone()[0]
    finally:
        conn.close()
    rows = [(i, versions[i], ",".join(sorted(tags.get(i, [])))) for i in ids]
    return Plan(ids, actor_id, rows, priorities)


def run_domain(path: Path, work: Plan) -> Callable[[], float]:
    desk = open_desk(url(path), AGENT)
    changes = tickets.Changes(priority=PRIORITY, add_tags=(TAG,))

    def go() -> float:
        started = time.perf_counter()
        results = tickets.update(desk, work.ids, changes)
        elapsed = time.perf_counter() - started
        desk.close()
        assert len(results) == len(work.ids)
        return elapsed

    return go


def run_raw(path: Path, work: Plan) -> Callable[[], float]:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "busy_timeout=5000",
        "synchronous=NORMAL",
        "foreign_keys=ON",
    ):
        conn.execute(f"PRAGMA {pragma}")
    rank = PRIORITIES.index(PRIORITY)

    def go() -> float:
        started = time.perf_counter()
        now = datetime.now(UTC).strftime(TIME_FORMAT)
        conn.execute("BEGIN IMMEDIATE")
        tag_id = conn.execute("INSERT INTO tags (name) VALUES (?)", (TAG,)).lastrowid
        conn.executemany(
            "UPDATE tickets SET priority = ?, updated_at = ?, version = ? "
            "WHERE id = ? AND version = ?",
            [(rank, now, version + 1, i, version) for i, version, _ in work.rows],
        )
        conn.executemany(
            "INSERT INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)",
            [(i, tag_id) for i in work.ids],
        )
        audit = []
        for i, version, old_tags in work.rows:
            old_rank = work.priorities[i]
            if old_rank != rank:
                audit.append(
                    (i, work.actor_id, "priority", PRIORITIES[old_rank], PRIORITY, version + 1, now)
                )
            new_tags = ",".join(sorted([*old_tags.split(","), TAG])) if old_tags else TAG
            audit.append((i, work.actor_id, "tags", old_tags or None, new_tags, version + 1, now))
        conn.executemany(
            "INSERT INTO audit_events (ticket_id, actor_id, field, old_value, new_value, "
            "version, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            audit,
        )
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
        return elapsed

    return go


def fingerprint(path: Path) -> tuple[object, ...]:
    """What both sides must have written alike (times aside)."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT sum(version), sum(priority) FROM tickets").fetchone(),
            conn.execute("SELECT count(*) FROM ticket_tags").fetchone(),
            conn.execute(
                "SELECT field, old_value, new_value, version, count(*) FROM audit_events "
                "GROUP BY field, old_value, new_value, version ORDER BY 1, 2, 3, 4"
            ).fetchall(),
        )
    finally:
        conn.close()


def profile(base: Path, work: Plan, scratch: Path) -> list[str]:
    import cProfile
    import io
    import pstats

    copy = scratch / "profile.db"
    shutil.copyfile(base, copy)
    go = run_domain(copy, work)
    profiler = cProfile.Profile()
    profiler.enable()
    go()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return ["", "cProfile of one domain run:", out.getvalue()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="seeded period (more stay open)")
    parser.add_argument("--count", type=int, default=10_000, help="tickets to update")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one domain run too")
    args = parser.parse_args()

    base = database(args.tickets, days=args.days)
    with tempfile.TemporaryDirectory(prefix="deskterm-bulk-") as tmp:
        scratch = Path(tmp)
        shutil.copyfile(base, scratch / "plan.db")
        work = plan(scratch / "plan.db", args.count)
        domain_times: list[float] = []
        raw_times: list[float] = []
        for run in range(args.runs):
            ours, theirs = scratch / f"domain-{run}.db", scratch / f"raw-{run}.db"
            shutil.copyfile(base, ours)
            shutil.copyfile(base, theirs)
            first, second = run_domain(ours, work), run_raw(theirs, work)
            if run % 2:
                raw_times.append(second())
                domain_times.append(first())
            else:
                domain_times.append(first())
                raw_times.append(second())
            if fingerprint(ours) != fingerprint(theirs):
                raise SystemExit("the domain and raw runs wrote different rows; fix the bench")
            ours.unlink()
            theirs.unlink()
        ours_s, raw_s = statistics.median(domain_times), statistics.median(raw_times)
        per = ours_s / args.count * 1e6
        lines = [
            f"bulk update of {args.count:,} tickets (priority + tag + audit rows), "
            f"{args.tickets:,}-ticket desk over {args.days} days, median of {args.runs} runs",
            ratio_line("domain tickets.update vs raw sqlite3 executemany", ours_s, raw_s, TARGET),
            f"{'domain per ticket':<58} {per:8.1f} us",
        ]
        if args.profile:
            lines += profile(base, work, scratch)
    report(lines, "bulk")


if __name__ == "__main__":
    main()
