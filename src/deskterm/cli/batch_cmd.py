"""``deskterm batch [FILE|-]``: JSON-lines operations, applied in one transaction."""

from __future__ import annotations

from typing import Annotated

import typer

from deskterm.cli.context import get


def batch(
    ctx: typer.Context,
    path: Annotated[
        str, typer.Argument(metavar="FILE|-", help="JSON lines; - (the default) reads stdin.")
    ] = "-",
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="jsonl (default), json, csv, table.")
    ] = None,
) -> None:
    """Apply JSON-lines operations in one transaction.

    All of them, or none. One operation per line: create, update, reply, note, close,
    reopen, assign, rate; reply, note and update's "set" take a "time" spent ("15m").
    Every line is checked before anything is written; the first bad line
    changes nothing and the error names it ("line 700: ..."). Prints one JSON result per operation.

    Example: printf '%s\\n' '{"op":"update","id":12,"set":{"priority":"high"}}'
    '{"op":"note","id":12,"body":"raised after call"}' | deskterm batch -
    """
    from deskterm.cli.input_lines import open_lines
    from deskterm.cli.output import emit_list
    from deskterm.domain.tickets import apply_batch, parse_batch

    cli = get(ctx)
    with open_lines(path) as source:
        operations = parse_batch(source.lines)
    results = apply_batch(cli.desk(), operations)
    rows = [{"line": r.line, "op": r.op, "id": r.id, "version": r.version} for r in results]
    emit_list(rows, columns=(), fmt=fmt or "jsonl", out=cli.out, color=cli.color)
