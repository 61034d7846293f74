"""Command start-up and one-shot reads, as ratios to baselines timed alternately in the same
run (issue 16's "Done means"):

* ``ticket list --limit 50 --format json`` against ``sqlite-utils query`` running the same
  select for the same 50 rows (target 1.0x);
* ``ticket show ID --format json`` against ``sqlite-utils query`` of that ticket's row
  (target 1.0x; deskterm also reads the thread, history, time and rating);
* ``deskterm --help`` against ``python -c "import typer"`` (target 1.1x);
* ``ticket note ID --body ...`` against ``ticket show ID`` of the same ticket (target 1.3x;
  it writes a note to the bench desk on every run);
* ``ticket reply ID --body ...`` against the same (no target: the light write of a reply;
  it queues a mail in the bench desk's outbox on every run);
* ``ticket list --all --format ids`` against the ``sqlite3`` command-line tool printing the
  same ids in the same order (target 3x), and deskterm's peak memory (target 100 MB);
* with ``--pg URL`` (a desk on PostgreSQL), ``ticket list --limit 50 --format json`` against a
  bare ``python -c`` that imports psycopg, connects and runs the same select (target 1.3x).

``--importtime`` prints instead what each command imports, by top-level package
(``python -X importtime``), for bench/README.md and docs/performance.md.

Usage: python bench/bench_cli.py [--tickets 1000000] [--runs 15] [--pg URL] [--importtime]
       [--only list|show|help|note|reply|all]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import BIN, DESKTERM, alternate, database, ratio_line, report, run_command, url
from deskterm.domain.tickets.quick import FIRST_PAGE_SQL, ONE_TICKET_SQL


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL desk (postgresql+psycopg://)")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument(
        "--only",
        choices=("list", "show", "help", "note", "reply", "all", "pg"),
        help="run one figure only (pg: the PostgreSQL ones, with --pg; no SQLite desk needed)",
    )
    args = parser.parse_args()
    if args.only == "pg":
        if not args.pg:
            parser.error("--only pg needs --pg URL")
        if args.importtime:
            _import_profiles(
                {"DESKTERM_DB": args.pg, "DESKTERM_AGENT": "alice"}, _pg_ticket(args.pg)
            )
            return
        lines = [f"bench_cli: PostgreSQL, median of {args.runs}, interleaved with the baseline"]
        _postgresql(lines, args.pg, args.runs)
        report(lines, "cli-pg")
        return
    db = database(args.tickets)
    env = {"DESKTERM_DB": url(db), "DESKTERM_AGENT": "alice"}
    ticket = _open_ticket(db)
    if args.importtime:
        _import_profiles(env, ticket)
        return
    python = sys.executable
    deskterm = str(DESKTERM)
    runs = args.runs
    lines = [f"bench_cli: {args.tickets:,} tickets, median of {runs}, alternated with the baseline"]

    def row(
        key: str, label: str, ours_cmd: list[str], base_cmd: list[str], target: float | None
    ) -> None:
        if args.only not in (None, key):
            return
        ours, base = alternate(run_command(ours_cmd, env), run_command(base_cmd, env), runs)
        lines.append(ratio_line(label, ours, base, target))

    page_sql = FIRST_PAGE_SQL.replace("LIMIT ?", "LIMIT 50")
    if args.only in (None, "list"):
        _check_same_ids(db, env, page_sql)
    sqlite_utils = str(BIN / "sqlite-utils")
    row(
        "list",
        "ticket list --limit 50 -f json vs sqlite-utils query",
        [deskterm, "ticket", "list", "--limit", "50", "--format", "json"],
        [sqlite_utils, "query", str(db), page_sql],
        1.0,
    )
    row(
        "show",
        f"ticket show {ticket} -f json vs sqlite-utils query (its row)",
        [deskterm, "ticket", "show", str(ticket), "--format", "json"],
        [sqlite_utils, "query", str(db), ONE_TICKET_SQL.replace(":ticket_id", str(ticket))],
        1.0,
    )
    typer = [python, "-c", "import typer"]
    row("help", "deskterm --help vs import typer", [deskterm, "--help"], typer, 1.1)
    row(
        "note",
        f"ticket note {ticket} vs ticket show {ticket}",
        [deskterm, "ticket", "note", str(ticket), "--body", "bench note"],
        [deskterm, "ticket", "show", str(ticket), "--format", "json"],
        1.3,
    )
    row(
        "reply",
        f"ticket reply {ticket} vs ticket show {ticket}",
        [deskterm, "ticket", "reply", str(ticket), "--body", "bench reply"],
        [deskterm, "ticket", "show", str(ticket), "--format", "json"],
        None,
    )
    if args.only in (None, "all"):
        _all_ids(lines, db, env, max(3, runs // 3))
    if args.pg and args.only is None:
        _postgresql(lines, args.pg, runs)
    report(lines, "cli")


def _open_ticket(db: Path) -> int:
    """A ticket that takes notes (not closed): the most recently updated one, so that the
    notes this bench adds leave the desk's default order as it was for the other benches."""
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "SELECT id FROM tickets WHERE status != 'closed' "
            "ORDER BY updated_at DESC, id DESC LIMIT 1"
        ).fetchone()
    return int(found[0])


def _pg_ticket(pg_url: str) -> int:
    """:func:`_open_ticket` on the PostgreSQL desk."""
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        found = conn.execute(
            "SELECT id FROM tickets WHERE status != 'closed' "
            "ORDER BY updated_at DESC, id DESC LIMIT 1"
        ).fetchone()
    assert found is not None
    return int(found[0])


def _check_same_ids(db: Path, env: dict[str, str], sql: str) -> None:
    """The baseline's rows are deskterm's: stop the bench otherwise."""
    ours = subprocess.run(
        [str(DESKTERM), "ticket", "list", "--limit", "50", "--format", "ids"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with sqlite3.connect(db) as conn:
        theirs = [str(r[0]) for r in conn.execute(sql)]
    if ours != theirs:
        raise SystemExit("bench_cli: the baseline select does not give deskterm's 50 rows")


def _peak_and_time(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak resident memory (KB) of one run of ``args``, output discarded.

    The peak is measured by ``/usr/bin/time`` (a small process that starts ``args``): a
    child forked from this interpreter would count this interpreter's memory as its own
    until it execs."""
    timed = ["/usr/bin/time", "-f", "%M", *args]
    started = time.perf_counter()
    done = subprocess.run(
        timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **env}
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"bench_cli: {args} exited {done.returncode}: {done.stderr[-300:]!r}")
    return elapsed, int(done.stderr.split()[-1])


def _all_ids(lines: list[str], db: Path, env: dict[str, str], runs: int) -> None:
    import statistics

    ours_cmd = [str(DESKTERM), "ticket", "list", "--all", "--format", "ids"]
    sql = "SELECT id FROM tickets ORDER BY updated_at DESC, id DESC"
    base_cmd = ["sqlite3", str(db), sql]
    ours = subprocess.run(ours_cmd, env={**os.environ, **env}, capture_output=True, check=True)
    base = subprocess.run(base_cmd, capture_output=True, check=True)
    if ours.stdout != base.stdout:
        raise SystemExit("bench_cli: ticket list --all --format ids differs from sqlite3's ids")
    count = ours.stdout.count(b"\n")
    del ours, base  # a million ids twice: not to be counted in what follows
    ta, tb, peak = [], [], 0
    for _ in range(runs):
        seconds, kb = _peak_and_time(ours_cmd, env)
        ta.append(seconds)
        peak = max(peak, kb)
        tb.append(_peak_and_time(base_cmd, {})[0])
    label = f"ticket list --all -f ids ({count:,}) vs sqlite3 CLI"
    lines.append(ratio_line(label, statistics.median(ta), statistics.median(tb), 3.0))
    verdict = "ok" if peak < 100 * 1024 else "OVER target 100 MB"
    lines.append(f"    peak resident memory of deskterm: {peak / 1024:.1f} MB  {verdict}")


def _postgresql(lines: list[str], pg_url: str, runs: int) -> None:
    """``ticket list --limit 50 -f json`` on PostgreSQL (the light path, and the ordinary
    path as ``--debug`` forces it) against a bare psycopg connect and SELECT of the same
    rows, the three interleaved."""
    import statistics

    from deskterm.domain.tickets.fields import list_sql

    sql = list_sql("postgresql") + " ORDER BY t.updated_at DESC, t.id DESC LIMIT 51"
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    bare = (
        "import psycopg\n"
        f"with psycopg.connect({dsn!r}) as conn:\n"
        f"    rows = conn.execute({sql!r}).fetchall()\n"
    )
    env = {"DESKTERM_DB": pg_url, "DESKTERM_AGENT": "alice"}
    listing = ["ticket", "list", "--limit", "50", "--format"]
    ids = subprocess.run(
        [str(DESKTERM), *listing, "ids"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    import psycopg

    with psycopg.connect(dsn) as conn:
        theirs = [str(row[0]) for row in conn.execute(sql).fetchall()[:50]]
    if ids != theirs:
        raise SystemExit("bench_cli: the PostgreSQL baseline does not give deskterm's 50 rows")
    commands = {
        "light": run_command([str(DESKTERM), *listing, "json"], env),
        "ordinary": run_command([str(DESKTERM), "--debug", *listing, "json"], env),
        "bare": run_command([sys.executable, "-c", bare]),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        command()  # warm the caches once
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            command()
            times[name].append(time.perf_counter() - started)
    light, ordinary, base = (statistics.median(times[n]) for n in ("light", "ordinary", "bare"))
    lines.append(
        ratio_line("PostgreSQL: ticket list --limit 50 -f json vs bare psycopg", light, base, 1.3)
    )
    lines.append(ratio_line("  the same on the ordinary path (--debug)", ordinary, base, None))


#: ``python -X importtime`` lines: self and cumulative microseconds, indented module name.
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _import_profiles(env: dict[str, str], ticket: int) -> None:
    """What each command imports: milliseconds per top-level package (each module's own
    import time, summed)."""
    commands = [
        ["--help"],
        ["--version"],
        ["ticket", "list", "--limit", "50", "--format", "json"],
        ["ticket", "show", str(ticket), "--format", "json"],
        ["ticket", "list", "status:open", "--limit", "50", "--format", "json"],
        ["ticket", "note", str(ticket), "--body", "bench note"],
    ]
    code = "from deskterm.cli.entry import run; run()"
    runs = [(f"deskterm {' '.join(command)}", ["-c", code, *command]) for command in commands]
    if env["DESKTERM_DB"].startswith("postgres"):
        bare = "import psycopg; psycopg.connect"
        runs.append(("python -c 'import psycopg' (the bare baseline's import)", ["-c", bare]))
    for label, arguments in runs:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *arguments],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
        by_package: dict[str, int] = defaultdict(int)
        for match in _IMPORT_LINE.finditer(done.stderr):
            # Each module's own time, to its top-level package (``sqlalchemy.orm`` to
            # sqlalchemy; deskterm by subpackage: deskterm.cli, deskterm.domain...).
            parts = match.group(4).split(".")
            package = ".".join(parts[:2]) if parts[0] == "deskterm" else parts[0]
            by_package[package] += int(match.group(1))
        total = sum(by_package.values())
        top = sorted(by_package.items(), key=lambda item: -item[1])[:10]
        shown = ", ".join(f"{name} {us / 1000:.1f}" for name, us in top)
        print(f"{label}: {total / 1000:.1f} ms of imports: {shown}")


if __name__ == "__main__":
    main()
