"""How ``deskterm report`` writes a summary (shared by ``report_cmd`` and the light path,
``quick``, so both write the same bytes)."""

from __future__ import annotations

from typing import Any, TextIO

#: The reports there are.
KINDS = ("summary",)


def emit_summary(result: Any, *, fmt: str, out: TextIO, color: bool) -> None:
    """A summary as lines for people, else as one object."""
    import dataclasses

    from deskterm.cli.output import emit_object

    if fmt == "table":
        _print_summary(out, result)
        return
    emit_object(dataclasses.asdict(result), fmt=fmt, out=out, color=color)


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
