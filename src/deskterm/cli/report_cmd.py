"""``deskterm report``: a plain summary for now (the reports issue adds the others)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from deskterm.cli.context import get

KINDS = ("summary",)


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
    from deskterm.cli.output import emit_object, resolve_format
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
    if chosen == "table":
        _print_summary(cli.out, result)
        return
    emit_object(_as_dict(result), fmt=chosen, out=cli.out, color=cli.color)


def _as_dict(result: Any) -> dict[str, Any]:
    import dataclasses

    return dataclasses.asdict(result)


def _duration(seconds: float | None) -> str:
    from deskterm.domain.sla import human_duration

    return "-" if seconds is None else human_duration(seconds)


def _print_summary(out: Any, result: Any) -> None:
    from deskterm.domain.text import sanitize

    def when(value: Any) -> str:
        return "…" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"

    lines = [
        f"Period: {when(result.since)} to {when(result.until)}",
        f"Created: {result.created}    Solved: {result.solved}",
        f"Median first response: {_duration(result.median_first_response_seconds)}    "
        f"Median resolution: {_duration(result.median_resolution_seconds)}",
        "",
        "By status:   " + "  ".join(f"{k} {v}" for k, v in result.by_status.items()),
        "By priority: " + "  ".join(f"{k} {v}" for k, v in result.by_priority.items()),
        "By queue:",
    ]
    width = max((len(name) for name in result.by_queue), default=0)
    lines += [f"  {sanitize(name):<{width}}  {n:>6}" for name, n in result.by_queue.items()]
    out.write("\n".join(lines) + "\n")
