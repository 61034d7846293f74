"""``deskterm export`` and ``deskterm import``: the whole desk as JSON lines, and back."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deskterm.cli.context import get


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (the only format).")] = "jsonl",
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Write the whole desk as JSON lines.

    Every agent, contact, queue, ticket, message, audit event, article and view, in a stable
    order with ids kept (admins only).

    Example: deskterm export -o desk-$(date +%F).jsonl
    """
    from deskterm.cli.progress import progress_bar
    from deskterm.domain import transfer
    from deskterm.errors import InvalidInput

    if fmt.strip().lower() != "jsonl":
        raise InvalidInput(f"unknown export format {fmt!r}; allowed: jsonl")
    cli = get(ctx)
    desk = cli.desk()
    total = transfer.total_rows(desk)
    out = cli.out
    handle = None
    if output is not None and output != "-":
        try:
            handle = open(output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
        out = handle
    try:
        with progress_bar(cli, "export", total=total) as advance:
            for line in transfer.export_lines(desk, progress=advance):
                out.write(line + "\n")
        out.flush()
    finally:
        if handle is not None:
            handle.close()


def import_(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="FILE", help="An export; - reads stdin.")],
) -> None:
    """Restore an export into an empty database.

    In one transaction: all or nothing.

    Example: deskterm --db postgresql+psycopg://desk@db/helpdesk import desk-2026-05-01.jsonl
    """
    from deskterm.cli.progress import progress_bar
    from deskterm.domain import transfer
    from deskterm.domain.desk import connect
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    try:
        if path == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text") from None
    store = connect(cli.settings.url)
    try:
        with progress_bar(cli, "import", total=len(lines)) as advance:
            result = transfer.import_lines(store, lines, progress=advance)
    finally:
        store.dispose()
    parts = ", ".join(f"{n} {kind}s" for kind, n in result.counts.items() if n)
    print(f"imported {result.total} rows ({parts})", file=sys.stderr)
