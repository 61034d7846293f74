"""Live updates (issue 15): what a console pays to stay up to date, and how soon it hears.

(a) The look when nothing changed, as the console makes it every two seconds and on every
    wake (``tickets.changes_since`` and ``tickets.present``: the newest audit id, then the
    other agents' presence), against the least such a look can be: ``SELECT max(id) FROM
    audit_events`` on an open raw connection. Median, interleaved.
(b) How soon a change is heard: from the end of a committed ``tickets.note`` in this process
    to the return of ``ChangeSignal.wait`` in a listening thread. On PostgreSQL against the
    same round trip in raw psycopg (a LISTEN connection, a NOTIFY committed on another); on
    SQLite the signal looks at ``PRAGMA data_version`` every 0.25 s, so about half of that is
    expected, and no baseline is timed.

Usage: python bench/bench_live.py [--tickets 1000] [--runs 21] [--pg URL]
(``--pg``: an existing, empty PostgreSQL database to make a desk in; it is emptied first.)
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import AGENT, alternate, database, ratio_line, report, url
from deskterm.domain import tickets
from deskterm.domain.desk import Desk
from deskterm.domain.setup import open_desk


def look(desk: Desk) -> Callable[[], object]:
    last = tickets.changes_since(desk, None).last_id

    def call() -> object:
        tickets.changes_since(desk, last)
        return tickets.present(desk)

    return call


def heard_after(desk: Desk, runs: int) -> list[float]:
    """Seconds from a committed note to the listening thread's wake, ``runs`` times."""
    signal = tickets.change_signal(desk)
    woke = threading.Event()
    done = threading.Event()
    stamps: list[float] = []

    def listen() -> None:
        while not done.is_set():
            if signal.wait(0.1):
                stamps.append(time.perf_counter())
                woke.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ticket = tickets.create(desk, subject="Bench: live").id
    woke.wait(5)
    times = []
    for n in range(runs):
        woke.clear()
        stamps.clear()
        time.sleep(0.05)
        tickets.note(desk, ticket, f"note {n}")
        committed = time.perf_counter()
        if not woke.wait(5):
            raise SystemExit("the listener never heard the note")
        times.append(stamps[0] - committed)
    done.set()
    thread.join()
    signal.close()
    return times


def raw_pg_round_trip(pg: str, runs: int) -> list[float]:
    import psycopg

    conninfo = pg.replace("postgresql+psycopg://", "postgresql://")
    listener = psycopg.connect(conninfo, autocommit=True)
    sender = psycopg.connect(conninfo, autocommit=True)
    listener.execute("LISTEN bench_raw")
    times = []
    for n in range(runs):
        sender.execute("SELECT pg_notify('bench_raw', %s)", (str(n),))
        sent = time.perf_counter()
        next(iter(listener.notifies(timeout=5, stop_after=1)))
        times.append(time.perf_counter() - sent)
    listener.close()
    sender.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    copy = work / "desk.db"
    shutil.copyfile(database(args.tickets), copy)
    lines = [f"Live updates, {args.tickets:,} tickets, median of {args.runs}:"]
    desk = open_desk(url(copy), AGENT)
    raw = sqlite3.connect(copy)

    def raw_look() -> object:
        return raw.execute("SELECT max(id) FROM audit_events").fetchone()

    ours, base = alternate(look(desk), raw_look, args.runs)
    lines.append(ratio_line("(a) SQLite: a look when nothing changed", ours, base, None))
    heard = statistics.median(heard_after(desk, args.runs))
    lines.append(
        f"{'(b) SQLite: a note heard after (data_version, 0.25 s)':<58} {heard * 1000:8.2f} ms"
    )
    desk.close()

    if args.pg:
        from sqlalchemy import create_engine, text

        engine = create_engine(args.pg)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        pg = open_desk(args.pg, AGENT, create=True)
        for n in range(args.tickets):
            tickets.create(pg, subject=f"Ticket {n}")
        ours, base = look(pg), None
        import psycopg

        plain = psycopg.connect(args.pg.replace("postgresql+psycopg://", "postgresql://"))

        def raw_pg_look() -> object:
            return plain.execute("SELECT max(id) FROM audit_events").fetchone()

        ours_t, base_t = alternate(ours, raw_pg_look, args.runs)
        lines.append(
            ratio_line("(a) PostgreSQL: a look when nothing changed", ours_t, base_t, None)
        )
        heard = statistics.median(heard_after(pg, args.runs))
        raw_trip = statistics.median(raw_pg_round_trip(args.pg, args.runs))
        lines.append(
            ratio_line("(b) PostgreSQL: a note heard after (LISTEN/NOTIFY)", heard, raw_trip, None)
        )
        plain.close()
        pg.close()
    shutil.rmtree(work)
    report(lines, "bench_live")


if __name__ == "__main__":
    main()
