"""``deskterm report``: a plain summary for now (the reports issue adds the others)."""

from __future__ import annotations

from typing import Annotated

import typer

from deskterm.cli.context import get


def report(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="[summary]", help="Which report.")] = "summary",
    since: Annotated[
        str | None, typer.Option(metavar="D", help="From: 2026-11-01, 2026-11-01T08:00 or 7d.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="D", help="Until (a date includes that day).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="table, json, jsonl or csv.")
    ] = None,
) -> None:
    """Figures for a period: volume, times.

    Counts by status, priority and queue, tickets created and solved, and the median
    first-response and resolution times.

    Example: deskterm report summary --since 7d --format json
    """
    from deskterm.cli.output import resolve_format
    from deskterm.cli.report_view import KINDS, emit_summary
    from deskterm.domain import reports
    from deskterm.errors import InvalidInput

    if kind.strip().lower() not in KINDS:
        raise InvalidInput(f'unknown report "{kind}"; allowed: {", ".join(KINDS)}')
    cli = get(ctx)
    desk = cli.desk()
    now = desk.now()
    result = reports.summary(
        desk,
        since=reports.parse_bound(since, now=now, end=False, what="--since"),
        until=reports.parse_bound(until, now=now, end=True, what="--until"),
    )
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    emit_summary(result, fmt=chosen, out=cli.out, color=cli.color)
