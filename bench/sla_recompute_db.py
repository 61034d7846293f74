"""SLA recompute in the database: ``edit_policy`` (a target change) recomputing the clocks of
N tickets running under the policy, as a ratio to one plain UPDATE of ``sla_due`` on the same
rows, timed in the same run, both on SQLite.

It runs on a copy of the million-ticket desk, ``bench/data/desk-1000000-sla.db`` (made once
from ``desk-1000000.db``, which other benches read and this one never writes). Set-up, once
per copy (``--reset`` starts again from a fresh copy): the N lowest ticket ids become open
tickets under the desk's one policy, created over the 7 days before the set-up, half of them
already answered; the policy's targets are set long enough (first response 60 business hours,
resolution 100) that no clock has breached, and that edit computes every clock through the
domain. Each timed domain run then moves every target by 10 business hours, alternately up
and down, so every running clock's due moves and every ticket is written; the baseline sets
``sla_due`` from ``created_at`` for the same rows (``sla_policy_id`` and not closed, as the
recompute selects them), alternately +100 and +110 hours. The runs alternate domain, plain,
domain, plain...; the median of each is reported. The domain run shows the progress bar
``deskterm sla edit`` shows (stderr on a terminal).

Usage: python bench/sla_recompute_db.py [--n 1000000] [--runs 3] [--reset]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import AGENT, DATA, database, ratio_line, report, url
from deskterm.cli.context import CliContext
from deskterm.cli.progress import progress_bar
from deskterm.config import resolve
from deskterm.domain.sla import PolicyChanges, edit_policy, running_tickets
from deskterm.domain.vocab import PRIORITIES

COPY = DATA / "desk-1000000-sla.db"
READY = COPY.with_suffix(".ready")
POLICY_ID = 1
#: Business hours; both the first-response and the resolution target move by STEP a run.
FIRST, RESOLVE, STEP = 60, 100, 10
UNCLOSED = "sla_policy_id = 1 AND status != 'closed'"


def targets(shift: int) -> dict[str, dict[str, int | None]]:
    return {
        priority: {
            "first_response": (FIRST + shift) * 60,
            "next_response": None,
            "resolution": (RESOLVE + shift) * 60,
        }
        for priority in PRIORITIES
    }


def prepare(n: int, reset: bool) -> None:
    """The copy with ``n`` open tickets under policy 1, clocks computed once (untimed)."""
    if reset:
        for path in (COPY, READY):
            path.unlink(missing_ok=True)
    if READY.exists() and READY.read_text().strip() == str(n):
        return
    source = database(1_000_000)
    if not COPY.exists():
        print(f"copying {source.name} to {COPY.name} (once)...", file=sys.stderr, flush=True)
        partial = COPY.with_suffix(".partial.db")
        shutil.copyfile(source, partial)
        partial.rename(COPY)
    print(f"setting up {n:,} open tickets under one policy...", file=sys.stderr, flush=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    conn = sqlite3.connect(COPY)
    with conn:
        conn.execute("UPDATE tickets SET sla_policy_id = NULL WHERE sla_policy_id IS NOT NULL")
        conn.execute(
            """
            UPDATE tickets SET
                status = 'open', solved_at = NULL, closed_at = NULL, sla_policy_id = 1,
                created_at = strftime('%Y-%m-%d %H:%M:%S.000000', :now,
                                      printf('-%d seconds', (id * 7919) % 604800)),
                first_responded_at = CASE WHEN id % 2 = 0 THEN
                    strftime('%Y-%m-%d %H:%M:%S.000000', :now,
                             printf('-%d seconds', (id * 7919) % 604800 - 60)) END,
                first_response_due = NULL, next_response_due = NULL, resolution_due = NULL,
                next_response_started_at = NULL, sla_paused_at = NULL, sla_paused_seconds = 0,
                next_response_paused_seconds = 0, sla_due = NULL, sla_warn_at = NULL
            WHERE id <= :n
            """,
            {"now": now, "n": n},
        )
    conn.close()
    started = time.perf_counter()
    domain_run(0)
    print(f"  clocks computed in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    READY.write_text(f"{n}\n")


def domain_run(shift: int) -> float:
    """``edit_policy`` with the targets moved by ``shift`` hours, behind the CLI's bar."""
    cli = CliContext(resolve(db=url(COPY), agent=AGENT, require_config=False))
    desk = cli.desk(initialize=False)
    name = f"#{POLICY_ID}"
    started = time.perf_counter()
    total = running_tickets(desk, name)
    with progress_bar(cli, "Recomputing clocks", total=total) as advance:
        edit_policy(desk, name, PolicyChanges(targets=targets(shift)), progress=advance)
    elapsed = time.perf_counter() - started
    desk.close()
    return elapsed


def plain_run(hours: int) -> float:
    """One UPDATE of ``sla_due`` on the rows the recompute selects, in its own transaction."""
    conn = sqlite3.connect(COPY)
    started = time.perf_counter()
    with conn:
        conn.execute(
            "UPDATE tickets SET sla_due = strftime('%Y-%m-%d %H:%M:%S.000000', created_at, "
            f"'+{hours} hours') WHERE {UNCLOSED}"
        )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="tickets under the policy")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, interleaved")
    parser.add_argument("--reset", action="store_true", help="start from a fresh copy")
    args = parser.parse_args()

    prepare(args.n, args.reset)
    conn = sqlite3.connect(COPY)
    rows = conn.execute(f"SELECT count(*) FROM tickets WHERE {UNCLOSED}").fetchone()[0]
    plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE {UNCLOSED}").fetchall()
    conn.close()
    ours: list[float] = []
    base: list[float] = []
    for run in range(args.runs):
        shift = STEP if run % 2 == 0 else 0
        ours.append(domain_run(shift))
        base.append(plain_run(RESOLVE + shift))
        print(
            f"  run {run + 1}: edit_policy {ours[-1]:.1f} s, UPDATE {base[-1]:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    mine, theirs = statistics.median(ours), statistics.median(base)
    lines = [
        f"SLA recompute in SQLite, {rows:,} running tickets under one policy "
        f"(median of {args.runs}, interleaved; rows found by {plan[0][-1]})",
        ratio_line("edit_policy (targets moved) vs one UPDATE of sla_due", mine, theirs, None),
        f"{'edit_policy':<58} {mine:8.1f} s  {rows / mine:10,.0f} tickets/s",
        f"{'plain UPDATE':<58} {theirs:8.1f} s  {rows / theirs:10,.0f} tickets/s",
    ]
    report(lines, "sla_recompute_db")


if __name__ == "__main__":
    main()
