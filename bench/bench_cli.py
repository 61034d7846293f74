"""Command start-up, as ratios to bare imports timed alternately in the same run.

* ``deskterm --help`` against ``python -c "import typer"`` (target 1.3x);
* ``deskterm ticket list --limit 50 --format json`` on the 1,000,000-ticket desk against
  ``python -c "import sqlmodel, typer"`` (target 1.15x).

Usage: python bench/bench_cli.py [--tickets 1000000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import DESKTERM, alternate, database, ratio_line, report, run_command, url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    db = database(args.tickets)
    python = sys.executable
    lines = [f"bench_cli: process start-up (median of {args.runs}, alternated)"]

    ours, base = alternate(
        run_command([str(DESKTERM), "--help"]),
        run_command([python, "-c", "import typer"]),
        args.runs,
    )
    lines.append(ratio_line("deskterm --help vs import typer", ours, base, 1.3))

    env = {"DESKTERM_DB": url(db), "DESKTERM_AGENT": "alice"}
    ours, base = alternate(
        run_command([str(DESKTERM), "ticket", "list", "--limit", "50", "--format", "json"], env),
        run_command([python, "-c", "import sqlmodel, typer"]),
        args.runs,
    )
    lines.append(
        ratio_line(
            f"ticket list --limit 50 --format json ({args.tickets:,}) vs import sqlmodel, typer",
            ours,
            base,
            1.15,
        )
    )
    report(lines, "cli")


if __name__ == "__main__":
    main()
