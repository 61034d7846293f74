"""SLA recompute speed: ``deskterm.domain.sla.recompute`` of N tickets' clocks after a policy
edit, in memory (no database), as a ratio to the same loop with plain wall-clock arithmetic.

The tickets are made up (seeded): created over the 30 days before a fixed "now", with every
priority; new, open, pending (paused), on_hold, solved; some with a first response, some with
a running next-response clock, some with time already paused. Their clocks are first computed
under the policy as it was (untimed), then the policy is edited (every target 25% shorter,
the same business calendar: Europe/Berlin, Monday to Friday 09:00-12:00 and 13:00-17:00,
German public holidays) and each ticket's state is recomputed: that is what is timed.

The baseline is the floor of any recompute in Python over the same tickets: per ticket, each
clock's due as start + target + paused seconds on the wall clock (no calendar, no rules) and
the earliest of them, written back into the state. Tickets are made and timed in chunks, the
two loops alternating chunk by chunk, so memory stays small and a busy machine slows both.

Usage: python bench/sla_recompute.py [--n 1000000] [--chunk 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import ratio_line, report
from deskterm.domain.sla import Calendar, ClockState, Facts, Policy, Targets, recompute

NOW = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
H = 3600.0
CALENDAR = Calendar.parse("Europe/Berlin mon-fri 09:00-12:00,13:00-17:00 country=DE")
BEFORE = Policy(
    1,
    "Standard",
    CALENDAR,
    {
        "low": Targets(first_response=16 * H, resolution=80 * H),
        "normal": Targets(first_response=8 * H, next_response=8 * H, resolution=40 * H),
        "high": Targets(first_response=4 * H, next_response=4 * H, resolution=16 * H),
        "urgent": Targets(first_response=1 * H, next_response=1 * H, resolution=8 * H),
    },
)
AFTER = Policy(
    1,
    "Standard",
    CALENDAR,
    {
        name: Targets(*(None if t is None else t * 0.75 for t in targets))
        for name, targets in BEFORE.targets.items()
    },
)
PRIORITIES = ("low", "normal", "normal", "normal", "high", "high", "urgent")
STATUSES = ("new", "open", "open", "open", "pending", "pending", "on_hold", "solved")


def tickets(rng: random.Random, count: int) -> tuple[list[Facts], list[ClockState]]:
    """``count`` made-up tickets and their clocks under the policy before the edit."""
    facts: list[Facts] = []
    states: list[ClockState] = []
    for _ in range(count):
        created = NOW - timedelta(seconds=rng.uniform(0, 30 * 86400))
        status = rng.choice(STATUSES)
        responded = None
        if status != "new" and rng.random() < 0.7:
            responded = created + timedelta(seconds=rng.uniform(60, 8 * H))
            responded = min(responded, NOW)
        fact = Facts(created, rng.choice(PRIORITIES), status, responded)
        state = ClockState(
            policy_id=1,
            paused_at=NOW - timedelta(hours=rng.uniform(0, 48)) if BEFORE.stops(status) else None,
            paused_seconds=rng.choice((0.0, 0.0, 1800.0, 3 * H)),
        )
        if responded is not None and status != "solved" and rng.random() < 0.3:
            started = max(responded, NOW - timedelta(hours=rng.uniform(0, 24)))
            state = state._replace(next_response_started_at=started)
        facts.append(fact)
        states.append(recompute(BEFORE, fact, state, NOW))
    return facts, states


def domain(facts: list[Facts], states: list[ClockState]) -> float:
    started = time.perf_counter()
    for fact, state in zip(facts, states, strict=True):
        recompute(AFTER, fact, state, NOW)
    return time.perf_counter() - started


def plain(facts: list[Facts], states: list[ClockState]) -> float:
    """The floor: the same tickets, dues on the wall clock, the earliest written back."""
    targets = AFTER.targets
    started = time.perf_counter()
    for fact, state in zip(facts, states, strict=True):
        target = targets[fact.priority]
        paused = timedelta(seconds=state.paused_seconds)
        first = resolution = nxt = None
        if target.first_response is not None and fact.first_responded_at is None:
            first = fact.created_at + timedelta(seconds=target.first_response) + paused
        if target.resolution is not None:
            resolution = fact.created_at + timedelta(seconds=target.resolution) + paused
        begun = state.next_response_started_at
        if target.next_response is not None and begun is not None:
            nxt = begun + timedelta(seconds=target.next_response)
        dues = [due for due in (first, nxt, resolution) if due is not None]
        state._replace(
            first_response_due=first,
            next_response_due=nxt,
            resolution_due=resolution,
            sla_due=min(dues) if dues else None,
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="tickets to recompute")
    parser.add_argument("--chunk", type=int, default=10_000, help="tickets made at a time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    progress = sys.stderr.isatty()
    ours = base = 0.0
    done = 0
    chunk_no = 0
    while done < args.n:
        count = min(args.chunk, args.n - done)
        facts, states = tickets(rng, count)
        if chunk_no % 2:
            base += plain(facts, states)
            ours += domain(facts, states)
        else:
            ours += domain(facts, states)
            base += plain(facts, states)
        done += count
        chunk_no += 1
        if progress:
            width = 40
            filled = width * done // args.n
            bar = "#" * filled + "-" * (width - filled)
            print(f"\r  recompute [{bar}] {done:,}/{args.n:,}", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    lines = [
        f"SLA recompute after a policy edit, {args.n:,} tickets in memory "
        f"(business calendar Europe/Berlin with lunch break and DE holidays)",
        ratio_line("domain sla.recompute vs wall-clock arithmetic loop", ours, base, None),
        f"{'domain per ticket':<58} {ours / args.n * 1e6:8.1f} us",
        f"{'wall-clock floor per ticket':<58} {base / args.n * 1e6:8.1f} us",
    ]
    report(lines, "sla_recompute")


if __name__ == "__main__":
    main()
