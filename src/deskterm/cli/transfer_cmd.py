"""``deskterm export`` and ``deskterm import``: the whole desk as JSON lines, and back."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, TextIO

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
    order with ids kept (admins only), then a trailer with the counts and a checksum that
    import checks. With -o the file is readable by you alone and replaced only once complete:
    killed or out of disk, the previous file is left as it was.

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
    with progress_bar(cli, "export", total=total) as advance:
        lines = transfer.export_lines(desk, progress=advance)
        if output is None or output == "-":
            _to_stdout(lines, cli.out)
        else:
            _to_file(lines, Path(output))


def _to_stdout(lines: Iterable[str], out: TextIO) -> None:
    from deskterm.errors import DeskError

    try:
        for line in lines:
            out.write(line + "\n")
        out.flush()
    except BrokenPipeError:
        raise  # the reader went away (head, less): main() ends quietly
    except OSError as exc:
        raise DeskError(
            f"writing the export to standard output failed: {exc.strerror}; "
            "what was written is incomplete (import will refuse it)"
        ) from None


def _to_file(lines: Iterable[str], path: Path) -> None:
    from deskterm.errors import DeskError, InvalidInput
    from deskterm.files import atomic_write

    if path.is_dir():
        example = path / "desk.jsonl"
        raise InvalidInput(f"{path} is a folder; name the file to write, e.g. {example}")
    existed = path.exists()
    started = False
    try:
        with atomic_write(path) as handle:
            started = True
            for line in lines:
                handle.write(line + "\n")
    except OSError as exc:
        if not started:
            raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
        kept = f"the previous {path} is unchanged" if existed else f"no {path} was written"
        raise DeskError(f"writing {path} failed: {exc.strerror}; {kept}") from None


def import_(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="FILE", help="An export; - reads stdin.")],
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Only check the file (values, counts, checksum); no database is touched.",
        ),
    ] = False,
) -> None:
    """Restore an export into an empty database.

    In one transaction: all or nothing. Every value is checked first, and a file cut short
    or changed since export is refused. A desk that has agents (even a new one) takes an
    import from one of its admins only; a new SQLite file is created.

    Example: deskterm --db postgresql+psycopg://desk@db/helpdesk import desk-2026-05-01.jsonl
    """
    from deskterm.cli.input_lines import open_lines
    from deskterm.cli.progress import progress_bar
    from deskterm.domain import transfer
    from deskterm.domain.transfer import plural

    cli = get(ctx)
    with (
        open_lines(path) as source,
        progress_bar(cli, "import", total=source.total or 0) as advance,
    ):
        if check:
            result = transfer.check_lines(source.lines, progress=advance)
        else:
            result = transfer.restore(
                cli.settings.url, cli.settings.handle, source.lines, progress=advance
            )
    parts = ", ".join(plural(kind, n) for kind, n in result.counts.items() if n)
    verb = "checked" if check else "imported"
    print(f"{verb} {result.total:,} rows ({parts})", file=sys.stderr)
    if not result.verified:
        print(
            f"warning: {source.name} is a version {result.version} export, which has no "
            "trailer: it could not be checked for being complete and unchanged; compare the "
            "counts above with the desk it came from",
            file=sys.stderr,
        )
