"""``deskterm ticket attachment ...``: the files of a ticket (docs/mail.md, "Attachments"):
list them, save one to a file or to standard output."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from deskterm.cli.context import get
from deskterm.errors import Conflict, InvalidInput

app = typer.Typer(
    help="The files of a ticket: list them, save one.\n\n"
    "Example: deskterm ticket attachment save 12 1",
    rich_markup_mode=None,
    no_args_is_help=True,
)


def _ticket_id(value: str) -> int:
    from deskterm.domain.validate import ticket_id

    return ticket_id(value)


@app.command("list")
def list_files(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID", help="Ticket number, e.g. 123.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table, json, jsonl, csv or ids (the numbers)."),
    ] = None,
) -> None:
    """List a ticket's files: number, name, size, type (and why one was not kept).

    Example: deskterm ticket attachment list 12 --format json
    """
    from deskterm.cli.output import emit_list, resolve_format
    from deskterm.cli.ticket_view import ATTACHMENT_COLUMNS, attachment_dict
    from deskterm.domain.tickets import list_attachments

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    found = list_attachments(cli.desk(), _ticket_id(ticket))
    emit_list(
        [attachment_dict(a) for a in found],
        columns=ATTACHMENT_COLUMNS,
        fmt=chosen,
        out=cli.out,
        color=cli.color,
        id_key="number",
    )


@app.command("save")
def save(
    ctx: typer.Context,
    ticket: Annotated[str, typer.Argument(metavar="ID", help="Ticket number, e.g. 123.")],
    number: Annotated[
        int, typer.Argument(metavar="N", min=1, help="The file's number (ticket show lists it).")
    ],
    path: Annotated[
        str | None,
        typer.Argument(
            metavar="[PATH|-]",
            help="Where to write it: a file, a directory, or - for standard output. "
            "Default: its name, in the current directory.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a file that exists.")] = False,
) -> None:
    """Save attachment N of a ticket, byte for byte.

    Example: deskterm ticket attachment save 12 1

    Example: deskterm ticket attachment save 12 2 - | less
    """
    from deskterm.domain.tickets import attachment_data, safe_name, size_text

    cli = get(ctx)
    if path == "-" and _is_terminal(sys.stdout):
        # A file from a stranger written to the terminal could hold escape sequences that
        # the terminal would obey: only to a pipe or a file.
        raise InvalidInput(
            "standard output is a terminal; the file's bytes go only to a pipe or a file",
            hint="pipe it (| less, | xxd) or give a PATH",
        )
    attachment, data = attachment_data(cli.desk(), _ticket_id(ticket), number)
    if path == "-":
        cli.out.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    name = safe_name(attachment.name, attachment.content_type)
    target = Path(path) if path else Path(name)
    if target.is_dir():
        target = target / name
    _write(target, data, force=force)
    if not cli.quiet:
        print(f"saved {target} ({size_text(len(data))})", file=cli.out)


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _write(target: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``target``: a new file, or an existing one only with ``force``;
    never half a file (a temporary file beside it, renamed into place)."""
    if target.exists() and not force:
        raise Conflict(
            f"{target} exists; nothing was written",
            hint="pass --force to overwrite it, or name another PATH",
        )
    folder = target.parent
    if not folder.is_dir():
        raise InvalidInput(f"cannot save to {target}: no directory {folder}")
    temporary = folder / f".{target.name}.deskterm-{os.getpid()}"
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(f"cannot save to {target}: {exc.strerror}") from None
