"""``deskterm mail template ...``: the texts of the desk's mail to requesters (docs/mail.md,
"Notifications"): list them, show one, change one (admins), go back to the built-in one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskterm.cli.context import get

if TYPE_CHECKING:
    from deskterm.cli.context import CliContext
    from deskterm.domain.mail import MailTemplate

app = typer.Typer(
    help="The texts of the mail to requesters (received, replied, solved): list, show, "
    "edit, reset.\n\n"
    "Example: deskterm mail template edit solved",
    rich_markup_mode=None,
    no_args_is_help=True,
)

KindArg = Annotated[str, typer.Argument(metavar="KIND", help="received, replied or solved.")]
FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help="table, json, jsonl, csv.")]


@app.command("list")
def list_templates(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the notifications: what each is for, and whether the desk changed its text.

    Example: deskterm mail template list
    """
    from deskterm.cli.output import Column, emit_list, resolve_format
    from deskterm.domain.mail import templates

    cli = get(ctx)
    chosen = resolve_format(fmt, many=True, stream=cli.out)
    rows = [_data(t, variables=False) for t in templates(cli.desk())]
    if chosen == "table":
        rows = [
            {
                "kind": row["kind"],
                "text": "changed" if row["changed"] else "built-in",
                "updated": _when(row),
                "by": row["updated_by"] or "",
                "purpose": row["purpose"],
            }
            for row in rows
        ]
    columns = (
        Column("kind", "KIND", max_width=8),
        Column("text", "TEXT", max_width=8),
        Column("updated", "UPDATED", min_width=16, max_width=16),
        Column("by", "BY", max_width=12),
        Column("purpose", "FOR", ratio=3),
    )
    emit_list(rows, columns=columns, fmt=chosen, out=cli.out, color=cli.color, id_key="kind")


@app.command("show")
def show(
    ctx: typer.Context,
    kind: KindArg,
    default: Annotated[
        bool, typer.Option("--default", help="The built-in text, whatever the desk uses.")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """Print a notification's text as the desk uses it (the template, not a mail), and the
    variables it may use.

    Example: deskterm mail template show solved > solved.txt
    """
    from deskterm.cli.output import emit_object, resolve_format
    from deskterm.domain.mail import template

    cli = get(ctx)
    found = template(cli.desk(), kind)
    data = _data(found)
    if default:
        data.update(body=found.default, changed=False, updated_at=None, updated_by=None)
    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(data, fmt=chosen, out=cli.out, color=cli.color)
        return
    # The template itself, exactly: `show solved > file` then `edit solved --body-file file`.
    cli.out.write(str(data["body"]).rstrip("\n") + "\n")


@app.command("edit")
def edit(
    ctx: typer.Context,
    kind: KindArg,
    body: Annotated[
        str | None,
        typer.Option(
            "--body",
            "-b",
            metavar="TEXT",
            help="The new text, with {{ variables }}; - reads stdin. Neither: $EDITOR.",
        ),
    ] = None,
    body_file: Annotated[
        str | None, typer.Option("--body-file", metavar="PATH", help="Read the text from a file.")
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """Change a notification's text (admins). It is checked now: a syntax error, an unknown
    variable, or one a ticket may lack without | default('...') is refused, and nothing is
    changed. Every mail still ends with the ticket's footer.

    Example: deskterm mail template edit received --body-file received.txt
    """
    from deskterm.cli.body import edit_text
    from deskterm.cli.decode import body_text
    from deskterm.domain.mail import set_template, template
    from deskterm.errors import InvalidInput

    cli = get(ctx)
    text = body_text(body, body_file)
    if text is None:
        current = template(cli.desk(), kind)
        text = edit_text(f"{current.kind} template", current.body, context=_note(current))
        if not text.strip():
            raise InvalidInput(f"empty {current.kind} template; nothing was changed")
    _emit(cli, set_template(cli.desk(), kind, text), fmt, "changed")


@app.command("reset")
def reset(ctx: typer.Context, kind: KindArg, fmt: FormatOpt = None) -> None:
    """Go back to the built-in text of a notification (admins).

    Example: deskterm mail template reset replied
    """
    from deskterm.domain.mail import reset_template

    cli = get(ctx)
    _emit(cli, reset_template(cli.desk(), kind), fmt, "reset to the built-in text")


def _note(found: MailTemplate) -> str:
    lines = [f"Variables of the {found.kind} template, written {{{{ ticket.subject }}}}:"]
    lines += [f"  {name}: {what}" for name, what in found.variables]
    return "\n".join(lines)


def _when(row: dict[str, Any]) -> str:
    when = row["updated_at"]
    # Local time, as every table shows it.
    return f"{when.astimezone():%Y-%m-%d %H:%M}" if row["changed"] and when is not None else ""


def _data(found: MailTemplate, *, variables: bool = True) -> dict[str, Any]:
    data = {
        "kind": found.kind,
        "changed": found.changed,
        "updated_at": found.updated_at,
        "updated_by": found.updated_by,
        "purpose": found.purpose,
        "body": found.body,
    }
    if variables:
        data["variables"] = [name for name, _what in found.variables]
    return data


def _emit(cli: CliContext, found: MailTemplate, fmt: str | None, what: str) -> None:
    from deskterm.cli.output import emit_object, resolve_format

    chosen = resolve_format(fmt, many=False, stream=cli.out)
    if chosen != "table":
        emit_object(_data(found), fmt=chosen, out=cli.out, color=cli.color)
        return
    cli.out.write(f"{found.kind} template {what}\n")
